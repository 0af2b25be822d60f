/**
 * The app's one typed API client: openapi-fetch over the generated `paths`, with the auth fetch.
 *
 * Paths in the generated schema already start with `/api/` (the example project mounts
 * `learnplat.urls` there), so the base URL is the page's own origin.
 */

import createClient from "openapi-fetch";
import { createAuthFetch } from "./authFetch";
import { ApiError, NetworkError } from "./errors";
import type { paths } from "./schema";
import { createStorageTokenStore, type TokenPair } from "./tokens";

export const tokenStore = createStorageTokenStore();

/** Fired once when the refresh token stops working; the auth context turns it into a redirect. */
export const sessionEvents = new EventTarget();
export const SESSION_EXPIRED = "session-expired";

// Absolute, because a Request needs a full URL outside a page (tests, workers).
export const baseUrl = import.meta.env.VITE_API_ORIGIN ?? window.location.origin;

/** A client without the auth layer, for the token endpoints themselves. */
// `fetch` is looked up per call (not captured once) so tests can stub it.
export const publicApi = createClient<paths>({ baseUrl, fetch: (request) => globalThis.fetch(request) });

export const authFetch = createAuthFetch({
  store: tokenStore,
  async refreshTokens(refresh) {
    const { data, response } = await publicApi.POST("/api/auth/token/refresh/", {
      body: { refresh },
    });
    if (data) return { access: data.access, refresh: data.refresh };
    if (response.status === 401 || response.status === 400) return null;
    throw new ApiError(response.status, null);
  },
  onSessionExpired: () => sessionEvents.dispatchEvent(new Event(SESSION_EXPIRED)),
});

export const api = createClient<paths>({ baseUrl, fetch: authFetch });

/** openapi-fetch's result: `data` for a 2xx response, `error` (the parsed body) otherwise. */
type FetchResult =
  | { data: unknown; error?: never; response: Response }
  | { data?: never; error: unknown; response: Response };

/** The success branch of one openapi-fetch result type. */
type Success<R extends FetchResult> = Extract<R, { data: unknown }>;

/** openapi-fetch returns the `data` branch exactly when the response is ok. */
function succeeded<R extends FetchResult>(result: R): result is Success<R> {
  return result.response.ok;
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws ApiError / NetworkError, so
 * components handle one kind of failure.
 */
export async function unwrap<R extends FetchResult>(call: Promise<R>): Promise<Success<R>["data"]> {
  let result: R;
  try {
    result = await call;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new NetworkError(error);
  }
  if (!succeeded(result)) throw new ApiError(result.response.status, result.error);
  return result.data;
}

export function storeTokens(tokens: TokenPair | null) {
  tokenStore.set(tokens);
}
