import { describe, expect, it, vi } from "vitest";
import { fakeJwt } from "../test/jwt";
import { createStorageTokenStore, TOKEN_STORAGE_KEY, tokenExpiry } from "./tokens";

describe("createStorageTokenStore", () => {
  it("keeps the pair in storage and forgets it", () => {
    const store = createStorageTokenStore(window.localStorage);
    store.set({ access: "a", refresh: "r" });
    expect(JSON.parse(window.localStorage.getItem(TOKEN_STORAGE_KEY)!)).toEqual({ access: "a", refresh: "r" });
    store.set(null);
    expect(store.get()).toBeNull();
  });

  it("hears another tab rotate or drop the pair", () => {
    const store = createStorageTokenStore(window.localStorage);
    const listener = vi.fn();
    store.subscribe(listener);
    window.localStorage.setItem(TOKEN_STORAGE_KEY, JSON.stringify({ access: "a2", refresh: "r2" }));
    window.dispatchEvent(new StorageEvent("storage", { key: TOKEN_STORAGE_KEY }));
    expect(listener).toHaveBeenLastCalledWith({ access: "a2", refresh: "r2" });
    window.localStorage.removeItem(TOKEN_STORAGE_KEY);
    window.dispatchEvent(new StorageEvent("storage", { key: TOKEN_STORAGE_KEY }));
    expect(listener).toHaveBeenLastCalledWith(null);
  });

  it("treats a corrupt entry as no session", () => {
    window.localStorage.setItem(TOKEN_STORAGE_KEY, "{not json");
    expect(createStorageTokenStore(window.localStorage).get()).toBeNull();
  });
});

describe("tokenExpiry", () => {
  it("reads exp from a JWT and nothing from other strings", () => {
    expect(tokenExpiry(fakeJwt("x", 60, 1000))).toBe(1060);
    expect(tokenExpiry("opaque")).toBeNull();
  });
});
