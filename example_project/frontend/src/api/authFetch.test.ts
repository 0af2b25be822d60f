import { beforeEach, describe, expect, it, vi } from "vitest";
import { createAuthFetch, type LockRunner } from "./authFetch";
import { createStorageTokenStore, type TokenPair } from "./tokens";
import { fakeJwt } from "../test/jwt";

/**
 * A fake server with rotating, blacklisted refresh tokens: reusing a refresh token is a 401,
 * exactly like simplejwt with BLACKLIST_AFTER_ROTATION.
 */
function fakeServer() {
  let generation = 0;
  const validAccess = new Set<string>();
  const liveRefresh = new Set<string>();
  const usedRefresh: string[] = [];
  const seen: { url: string; auth: string | null; body: string }[] = [];

  function issue(accessLifetime = 300): TokenPair {
    generation += 1;
    const pair = {
      access: fakeJwt(`access-${generation}`, accessLifetime),
      refresh: `refresh-${generation}`,
    };
    validAccess.add(pair.access);
    liveRefresh.add(pair.refresh);
    return pair;
  }

  const refreshTokens = vi.fn(async (refresh: string) => {
    usedRefresh.push(refresh);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (!liveRefresh.delete(refresh)) return null;
    return issue();
  });

  const fetch = vi.fn(async (request: Request) => {
    const auth = request.headers.get("Authorization");
    seen.push({ url: request.url, auth, body: await request.text() });
    const token = auth?.replace(/^Bearer /, "");
    if (token && !validAccess.has(token)) {
      return new Response(JSON.stringify({ detail: "Token is invalid or expired" }), {
        status: 401,
      });
    }
    return new Response(JSON.stringify({ ok: true, auth: token ?? null }), { status: 200 });
  });

  return {
    issue,
    refreshTokens,
    fetch,
    seen,
    usedRefresh,
    expire(access: string) {
      validAccess.delete(access);
    },
  };
}

class MemoryStorage implements Storage {
  private data = new Map<string, string>();
  get length() {
    return this.data.size;
  }
  clear() {
    this.data.clear();
  }
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  key(index: number) {
    return [...this.data.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
}

describe("createAuthFetch", () => {
  let server: ReturnType<typeof fakeServer>;
  let store: ReturnType<typeof createStorageTokenStore>;

  beforeEach(() => {
    server = fakeServer();
    store = createStorageTokenStore(new MemoryStorage());
  });

  function make(extra: { lock?: LockRunner; onSessionExpired?: () => void } = {}) {
    return createAuthFetch({
      store,
      refreshTokens: server.refreshTokens,
      fetch: server.fetch,
      lock: extra.lock,
      onSessionExpired: extra.onSessionExpired,
    });
  }

  it("sends the access token as a bearer header", async () => {
    const pair = server.issue();
    store.set(pair);
    const response = await make()(new Request("http://test/api/auth/me/"));
    expect(response.status).toBe(200);
    expect(server.seen[0]?.auth).toBe(`Bearer ${pair.access}`);
  });

  it("sends no header without a session", async () => {
    await make()(new Request("http://test/api/courses/"));
    expect(server.seen[0]?.auth).toBeNull();
    expect(server.refreshTokens).not.toHaveBeenCalled();
  });

  it("refreshes once for many parallel requests that get 401, and retries each", async () => {
    const pair = server.issue();
    store.set(pair);
    server.expire(pair.access);
    const authFetch = make();

    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        authFetch(new Request(`http://test/api/item/${i}/`, { method: "GET" })),
      ),
    );

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(server.refreshTokens).toHaveBeenCalledTimes(1);
    expect(server.usedRefresh).toEqual([pair.refresh]);
    expect(store.get()?.refresh).toBe("refresh-2");
    const retried = server.seen.filter((s) => s.auth === `Bearer ${store.get()?.access}`);
    expect(retried).toHaveLength(6);
  });

  it("refreshes ahead of time when the access token is about to expire", async () => {
    store.set({ access: fakeJwt("old", 5), refresh: "refresh-0" });
    server.refreshTokens.mockImplementationOnce(() => Promise.resolve(server.issue()));
    const authFetch = make();

    const responses = await Promise.all([
      authFetch(new Request("http://test/a/")),
      authFetch(new Request("http://test/b/")),
      authFetch(new Request("http://test/c/")),
    ]);

    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(server.refreshTokens).toHaveBeenCalledTimes(1);
    // No request went out with the expiring token.
    expect(server.seen.every((s) => s.auth === `Bearer ${store.get()?.access}`)).toBe(true);
  });

  it("never uses a rotated refresh token twice across successive expiries", async () => {
    const first = server.issue();
    store.set(first);
    const authFetch = make();

    server.expire(first.access);
    await authFetch(new Request("http://test/one/"));
    const second = store.get()!;
    server.expire(second.access);
    await Promise.all([authFetch(new Request("http://test/two/")), authFetch(new Request("http://test/three/"))]);

    expect(server.usedRefresh).toEqual([first.refresh, second.refresh]);
    expect(new Set(server.usedRefresh).size).toBe(server.usedRefresh.length);
  });

  it("retries with the newer token without refreshing when another request already did", async () => {
    const first = server.issue();
    store.set(first);
    server.expire(first.access);
    const authFetch = make();
    // Another caller rotated the pair while this request was on the wire.
    server.fetch.mockImplementationOnce((request: Request) => {
      store.set(server.issue());
      server.seen.push({ url: request.url, auth: request.headers.get("Authorization"), body: "" });
      return Promise.resolve(new Response("{}", { status: 401 }));
    });

    const response = await authFetch(new Request("http://test/x/"));
    expect(response.status).toBe(200);
    expect(server.refreshTokens).not.toHaveBeenCalled();
  });

  it("replays the request body on retry", async () => {
    const pair = server.issue();
    store.set(pair);
    server.expire(pair.access);

    await make()(
      new Request("http://test/api/tasks/1/submissions/", {
        method: "POST",
        body: JSON.stringify({ answer: "42" }),
        headers: { "Content-Type": "application/json" },
      }),
    );

    expect(server.seen).toHaveLength(2);
    expect(server.seen[1]?.body).toBe('{"answer":"42"}');
  });

  it("ends the session once when the refresh token is rejected", async () => {
    const pair = server.issue();
    store.set({ access: pair.access, refresh: "revoked" });
    server.expire(pair.access);
    const onSessionExpired = vi.fn();
    const authFetch = make({ onSessionExpired });

    const responses = await Promise.all([
      authFetch(new Request("http://test/a/")),
      authFetch(new Request("http://test/b/")),
    ]);

    expect(responses.map((r) => r.status)).toEqual([401, 401]);
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
    expect(server.refreshTokens).toHaveBeenCalledTimes(1);
    expect(store.get()).toBeNull();
  });

  it("adopts a pair another tab rotated while this tab waited for the lock", async () => {
    const first = server.issue();
    store.set(first);
    server.expire(first.access);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The other tab holds the lock, rotates the pair, then lets this tab in.
    const lock: LockRunner = async (_name, work) => {
      await held;
      return work();
    };
    const authFetch = make({ lock });

    const pending = authFetch(new Request("http://test/x/"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    const otherTabs = await server.refreshTokens(first.refresh);
    store.set(otherTabs);
    release();

    const response = await pending;
    expect(response.status).toBe(200);
    expect(server.usedRefresh).toEqual([first.refresh]);
    expect(store.get()).toEqual(otherTabs);
  });
});
