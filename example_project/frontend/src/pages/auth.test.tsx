import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { tokenStore } from "../api/client";
import { fakeJwt } from "../test/jwt";
import { json, mockApi, page } from "../test/server";
import { renderApp } from "../test/render";

const alice = {
  id: 7,
  username: "alice",
  email: "alice@example.org",
  first_name: "Alice",
  last_name: "L",
  role: "student",
  date_joined: "2026-01-01T00:00:00Z",
};

describe("auth flows", () => {
  it("logs in, shows the user, and logs out by revoking the refresh token", async () => {
    const access = fakeJwt("a1", 300);
    const { calls } = mockApi({
      "GET /api/courses/": () => json(200, page([])),
      "POST /api/auth/token/": () => json(200, { access, refresh: "r1" }),
      "GET /api/auth/me/": () => json(200, alice),
      "POST /api/auth/logout/": () => json(204, null),
    });
    const user = userEvent.setup();
    renderApp("/login");

    await user.type(screen.getByLabelText("Username"), "alice");
    await user.type(screen.getByLabelText("Password"), "secret-pass");
    await user.click(screen.getByRole("button", { name: "Log in" }));

    expect(await screen.findByText("alice")).toBeTruthy();
    expect(tokenStore.get()).toEqual({ access, refresh: "r1" });
    expect(calls.find((c) => c.path === "/api/auth/me/")?.auth).toBe(`Bearer ${access}`);

    await user.click(screen.getByRole("button", { name: "Log out" }));
    await waitFor(() => expect(tokenStore.get()).toBeNull());
    const logout = calls.find((c) => c.path === "/api/auth/logout/");
    expect(JSON.parse(logout!.body)).toEqual({ refresh: "r1" });
    expect(await screen.findByRole("link", { name: "Log in" })).toBeTruthy();
  });

  it("shows a clear message for wrong credentials", async () => {
    mockApi({
      "POST /api/auth/token/": () => json(401, { detail: "No active account found with the given credentials" }),
    });
    const user = userEvent.setup();
    renderApp("/login");
    await user.type(screen.getByLabelText("Username"), "alice");
    await user.type(screen.getByLabelText("Password"), "nope");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Wrong username or password.");
    expect(tokenStore.get()).toBeNull();
  });

  it("registers and shows the server's field errors beside the fields", async () => {
    mockApi({
      "POST /api/auth/register/": () => json(400, { username: ["A user with that username already exists."] }),
    });
    const user = userEvent.setup();
    renderApp("/register");
    await user.type(screen.getByLabelText("Username"), "alice");
    await user.type(screen.getByLabelText("Email"), "alice@example.org");
    await user.type(screen.getByLabelText("Password"), "long-enough-1");
    await user.type(screen.getByLabelText("Repeat password"), "long-enough-1");
    await user.click(screen.getByRole("button", { name: "Create account" }));

    expect(await screen.findByText("A user with that username already exists.")).toBeTruthy();
    expect(screen.getByLabelText("Username").getAttribute("aria-invalid")).toBe("true");
  });

  it("checks the form before sending it", async () => {
    const { fetchMock } = mockApi({});
    const user = userEvent.setup();
    renderApp("/register");
    await user.type(screen.getByLabelText("Password"), "short");
    await user.type(screen.getByLabelText("Repeat password"), "other");
    await user.click(screen.getByRole("button", { name: "Create account" }));
    expect(screen.getByText("Use at least 8 characters.")).toBeTruthy();
    expect(screen.getByText("The passwords do not match.")).toBeTruthy();
    expect(screen.getByText("Enter a valid email address.")).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("sends an expired session to the login page with a message", async () => {
    // Both tokens are dead: the access token is rejected and so is the refresh.
    tokenStore.set({ access: fakeJwt("old", 300), refresh: "revoked" });
    mockApi({
      "GET /api/auth/me/": () => json(401, { detail: "Token is invalid or expired", code: "token_not_valid" }),
      "POST /api/auth/token/refresh/": () => json(401, { detail: "Token is blacklisted", code: "token_not_valid" }),
      "GET /api/progress/": () => json(401, { detail: "Token is invalid or expired" }),
      "GET /api/courses/": () => json(200, page([])),
    });
    renderApp("/");
    expect(await screen.findByText("Your session has expired. Please log in again.")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Log in" })).toBeTruthy();
    expect(tokenStore.get()).toBeNull();
  });

  it("keeps a logged-out visitor out of instructor pages", async () => {
    mockApi({});
    renderApp("/teach");
    expect(await screen.findByRole("heading", { name: "Log in" })).toBeTruthy();
  });
});
