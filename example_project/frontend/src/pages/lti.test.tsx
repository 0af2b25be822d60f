import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { tokenStore } from "../api/client";
import { fakeJwt } from "../test/jwt";
import { makeCourse, makeTask, student } from "../test/fixtures";
import { json, mockApi } from "../test/server";
import { renderApp } from "../test/render";

describe("the LTI launch route", () => {
  it("trades the code once for a session and opens the linked task", async () => {
    const access = fakeJwt("a1", 300);
    const { calls } = mockApi({
      "POST /api/lti/session/": () => json(200, { access, refresh: "r1", course: "arith", task: 1 }),
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse([makeTask(1)], { slug: "arith" })),
      "GET /api/courses/arith/progress/": () => json(404, { detail: "Not found." }),
      "GET /api/tasks/1/submissions/": () => json(200, { count: 0, next: null, previous: null, results: [] }),
      "GET /api/regrade-requests/": () => json(200, { count: 0, next: null, previous: null, results: [] }),
    });

    renderApp("/lti/launch?code=abc123");

    await waitFor(() => expect(tokenStore.get()).toEqual({ access, refresh: "r1" }));
    const trades = calls.filter((c) => c.path === "/api/lti/session/");
    expect(trades).toHaveLength(1);
    expect(JSON.parse(trades[0]!.body)).toEqual({ code: "abc123" });
    await waitFor(() => expect(calls.some((c) => c.path === "/api/courses/arith/")).toBe(true));
    expect(calls.find((c) => c.path === "/api/auth/me/")?.auth).toBe(`Bearer ${access}`);
  });

  it("says so when the code was used or expired, and keeps no session", async () => {
    mockApi({
      "POST /api/lti/session/": () => json(401, { detail: "This launch code is not valid.", code: "lti_code_invalid" }),
    });

    renderApp("/lti/launch?code=used");

    expect(await screen.findByText(/expired or was already used/)).toBeTruthy();
    expect(tokenStore.get()).toBeNull();
  });

  it("asks for a code when there is none, without calling the API", async () => {
    const { calls } = mockApi({});

    renderApp("/lti/launch");

    expect(await screen.findByText("This page needs a launch code.")).toBeTruthy();
    expect(calls.filter((c) => c.path.startsWith("/api/lti/"))).toHaveLength(0);
  });
});
