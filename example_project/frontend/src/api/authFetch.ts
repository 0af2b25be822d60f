/**
 * A `fetch` that adds the bearer token and silently refreshes it.
 *
 * Refresh tokens rotate: each refresh blacklists the refresh token it used, so using one twice
 * logs the user out. Hence a single in-flight refresh shared by every caller in this tab, and a
 * Web Lock (where the browser has one) shared across tabs. A request that got 401 with an access
 * token that has since been replaced is simply retried with the new one, without refreshing again.
 */

import { tokenExpiry, type TokenPair, type TokenStore } from "./tokens";

/** Exchanges a refresh token for a new pair; resolves null when the server rejects it. */
export type RefreshTokens = (refresh: string) => Promise<TokenPair | null>;

/** Runs `work` while holding a lock named `name` (navigator.locks.request in browsers). */
export type LockRunner = <T>(name: string, work: () => Promise<T>) => Promise<T>;

export interface AuthFetchOptions {
  store: TokenStore;
  refreshTokens: RefreshTokens;
  /** Called once when the session is over: the refresh token was rejected. */
  onSessionExpired?: () => void;
  fetch?: (request: Request) => Promise<Response>;
  /** Refresh ahead of time when the access token expires within this many seconds. */
  expirySkewSeconds?: number;
  now?: () => number;
  lock?: LockRunner;
}

export interface AuthFetch {
  (request: Request): Promise<Response>;
  /** The shared refresh: every concurrent caller gets the same promise. */
  refresh(): Promise<TokenPair | null>;
}

export const REFRESH_LOCK_NAME = "learnplat-token-refresh";

export function browserLock(): LockRunner | undefined {
  if (typeof navigator === "undefined" || !("locks" in navigator) || !navigator.locks) {
    return undefined;
  }
  const locks = navigator.locks;
  // lib.dom types request() as Promise<ReturnType<callback>>, here Promise<Promise<T>>; a
  // promise never resolves to a promise, so awaiting it gives the T the lock's holder returned.
  return async <T>(name: string, work: () => Promise<T>): Promise<T> => await locks.request(name, work);
}

export function createAuthFetch(options: AuthFetchOptions): AuthFetch {
  const {
    store,
    refreshTokens,
    onSessionExpired,
    expirySkewSeconds = 20,
    now = () => Date.now() / 1000,
    lock = browserLock(),
  } = options;
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  let inFlight: Promise<TokenPair | null> | null = null;

  async function rotate(staleRefresh: string): Promise<TokenPair | null> {
    // Another tab may have rotated the pair while this one waited for the lock.
    const before = store.get();
    if (!before) return null;
    if (before.refresh !== staleRefresh) return before;

    const next = await refreshTokens(before.refresh);
    if (next) {
      store.set(next);
      return next;
    }
    const latest = store.get();
    if (latest && latest.refresh !== before.refresh) return latest;
    store.set(null);
    onSessionExpired?.();
    return null;
  }

  function refresh(): Promise<TokenPair | null> {
    if (inFlight) return inFlight;
    const current = store.get();
    if (!current) return Promise.resolve(null);
    const work = () => rotate(current.refresh);
    inFlight = (lock ? lock(REFRESH_LOCK_NAME, work) : work()).finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  function isExpiring(access: string): boolean {
    const exp = tokenExpiry(access);
    return exp !== null && exp - now() <= expirySkewSeconds;
  }

  function authorised(request: Request, access: string | undefined): Request {
    if (!access) return request;
    const headers = new Headers(request.headers);
    headers.set("Authorization", `Bearer ${access}`);
    return new Request(request, { headers });
  }

  const authFetch = async (request: Request): Promise<Response> => {
    // The body of a sent Request cannot be read again, so keep a copy for the retry.
    const spare = request.clone();
    let tokens = store.get();
    if (tokens && isExpiring(tokens.access)) tokens = await refresh();
    const used = tokens?.access;

    const response = await send(authorised(request, used));
    if (response.status !== 401 || !used) return response;

    const current = store.get();
    const fresh = current && current.access !== used ? current : await refresh();
    if (!fresh) return response;
    return send(authorised(spare, fresh.access));
  };

  return Object.assign(authFetch, { refresh });
}
