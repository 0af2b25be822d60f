/**
 * Where the JWT pair lives between requests and page loads.
 *
 * The pair is kept in localStorage so a reload keeps the session and every tab shares one
 * pair: with rotating refresh tokens, two tabs holding different copies would blacklist each
 * other. `get()` always re-reads storage for that reason, and `subscribe()` also fires when
 * another tab changes the pair.
 */

export interface TokenPair {
  access: string;
  refresh: string;
}

export interface TokenStore {
  get(): TokenPair | null;
  set(tokens: TokenPair | null): void;
  subscribe(listener: (tokens: TokenPair | null) => void): () => void;
}

export const TOKEN_STORAGE_KEY = "learnplat.tokens";

function parse(raw: string | null): TokenPair | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (
      typeof value === "object" &&
      value !== null &&
      "access" in value &&
      "refresh" in value &&
      typeof value.access === "string" &&
      typeof value.refresh === "string"
    ) {
      return { access: value.access, refresh: value.refresh };
    }
  } catch {
    // A corrupt entry is the same as no session.
  }
  return null;
}

export function createStorageTokenStore(
  storage: Storage = window.localStorage,
  key: string = TOKEN_STORAGE_KEY,
): TokenStore {
  const listeners = new Set<(tokens: TokenPair | null) => void>();
  const notify = (tokens: TokenPair | null) => listeners.forEach((listener) => listener(tokens));

  if (typeof window !== "undefined") {
    window.addEventListener("storage", (event) => {
      if (event.key === key || event.key === null) notify(parse(storage.getItem(key)));
    });
  }

  return {
    get: () => parse(storage.getItem(key)),
    set(tokens) {
      if (tokens) storage.setItem(key, JSON.stringify(tokens));
      else storage.removeItem(key);
      notify(tokens);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Seconds since the epoch at which a JWT expires, or null when it carries no readable `exp`. */
export function tokenExpiry(token: string): number | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const claims: unknown = JSON.parse(json);
    if (typeof claims === "object" && claims !== null && "exp" in claims) {
      return typeof claims.exp === "number" ? claims.exp : null;
    }
  } catch {
    // Not a JWT we can read: let the server decide.
  }
  return null;
}
