import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../api/client";
import type { RegradeRequest } from "../api/types";
import { fakeJwt } from "../test/jwt";
import { makeCourse, makeProgress, makeSubmission, makeTask, student, makeAllowances } from "../test/fixtures";
import { renderApp } from "../test/render";
import { json, mockApi, page } from "../test/server";

const quiz = makeTask(1, { title: "Add", max_score: 10 });
const graded = makeSubmission(3, { attempt: 1, status: "graded", score: 4, max_score: 10, feedback: "Expected 12." });
const grace = { ...student, id: 2, username: "grace", first_name: "Grace", last_name: "Hopper", role: "instructor" };

function makeRequest(id: number, extra: Partial<RegradeRequest> = {}): RegradeRequest {
  return {
    id,
    submission: graded.id,
    task: 1,
    task_title: "Add",
    course: { slug: "arith", title: "Arithmetic" },
    student: { id: student.id, username: student.username, first_name: student.first_name, last_name: student.last_name },
    reason: "12 is what I wrote.",
    status: "open",
    response: "",
    resolved_by: null,
    resolved_at: null,
    created: "2026-03-11T09:00:00Z",
    old_score: 4,
    new_score: null,
    max_score: 10,
    ...extra,
  };
}

// Each page makes several requests before it settles: give a loaded machine time.
vi.setConfig({ testTimeout: 20_000 });
const loaded = { timeout: 5_000 };

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

function studentApi(requests: RegradeRequest[], extra: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({
    "GET /api/auth/me/": () => json(200, student),
    "GET /api/courses/arith/": () => json(200, makeCourse([quiz])),
    "GET /api/courses/arith/progress/": () => json(200, makeProgress([])),
    "GET /api/courses/arith/accommodations/me/": () => json(200, makeAllowances()),
    "GET /api/submissions/": () => json(200, page([graded])),
    "GET /api/regrade-requests/": () => json(200, page(requests)),
    ...extra,
  });
}

describe("regrade requests on the task page", () => {
  it("files a request with a reason and then shows it as open", async () => {
    const { calls } = studentApi([], {
      "POST /api/submissions/3/regrade-requests/": async (request) => {
        const body = (await request.json()) as { reason: string };
        return json(201, makeRequest(9, { reason: body.reason }));
      },
    });
    const user = userEvent.setup();
    renderApp("/courses/arith/tasks/1");

    await user.click(await screen.findByRole("button", { name: "Request a regrade" }, loaded));
    const form = screen.getByRole("form", { name: "Request a regrade of attempt 1" });
    // A blank reason is refused before anything is sent.
    await user.click(within(form).getByRole("button", { name: "Send request" }));
    expect(await within(form).findByText("Say why the grade should change.")).toBeTruthy();
    expect(calls.some((c) => c.method === "POST")).toBe(false);

    await user.type(within(form).getByLabelText("Why should the grade change?"), "12 is what I wrote.");
    await user.click(within(form).getByRole("button", { name: "Send request" }));
    const summary = await screen.findByRole("group", { name: "Regrade request" });
    expect(within(summary).getByText("Regrade requested")).toBeTruthy();
    expect(within(summary).getByText("12 is what I wrote.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Request (a|another) regrade/ })).toBeNull();
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.path).toBe("/api/submissions/3/regrade-requests/");
    expect(JSON.parse(post.body)).toEqual({ reason: "12 is what I wrote." });
  });

  it("shows the server's reason when the grade is not released", async () => {
    studentApi([], {
      "POST /api/submissions/3/regrade-requests/": () =>
        json(409, { detail: "The grade of this task is not released yet.", code: "not_released" }),
    });
    const user = userEvent.setup();
    renderApp("/courses/arith/tasks/1");
    await user.click(await screen.findByRole("button", { name: "Request a regrade" }, loaded));
    await user.type(screen.getByLabelText("Why should the grade change?"), "Please.");
    await user.click(screen.getByRole("button", { name: "Send request" }));
    expect((await screen.findByRole("alert")).textContent).toContain("not released yet");
  });

  it("shows an accepted request's answer and new score, and lets the student ask again", async () => {
    studentApi([
      makeRequest(9, {
        status: "accepted",
        response: "You are right.",
        resolved_by: { id: grace.id, username: "grace", first_name: "Grace", last_name: "Hopper" },
        resolved_at: "2026-03-12T09:00:00Z",
        new_score: 10,
      }),
    ]);
    renderApp("/courses/arith/tasks/1");
    const summary = await screen.findByRole("group", { name: "Regrade request" }, loaded);
    expect(within(summary).getByText("Regrade accepted")).toBeTruthy();
    expect(within(summary).getByText("You are right.")).toBeTruthy();
    expect(within(summary).getByText("10 / 10 points")).toBeTruthy();
    expect(within(summary).getByText(/Grace Hopper/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Request another regrade" })).toBeTruthy();
  });

  it("offers no button for a submission without a grade", async () => {
    studentApi([], { "GET /api/submissions/": () => json(200, page([makeSubmission(4, { status: "needs_review", score: 0 })])) });
    renderApp("/courses/arith/tasks/1");
    expect(await screen.findByText(/waiting for a teacher/, {}, loaded)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Request a regrade" })).toBeNull();
  });
});

describe("regrade requests queue", () => {
  function staffApi(open: RegradeRequest[]) {
    return mockApi({
      "GET /api/auth/me/": () => json(200, grace),
      "GET /api/regrade-requests/": () => json(200, page(open)),
      "POST /api/regrade-requests/(\\d+)/resolve/": async (request, match) => {
        const body = (await request.json()) as { accept: boolean; response: string; score?: number };
        const found = open.find((r) => r.id === Number(match[1]))!;
        return json(200, {
          ...found,
          status: body.accept ? "accepted" : "rejected",
          response: body.response,
          new_score: body.score ?? found.old_score,
          resolved_at: "2026-03-12T09:00:00Z",
        });
      },
    });
  }

  it("is linked from the navigation and the grading queue", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, grace),
      "GET /api/submissions/": () => json(200, page([])),
    });
    renderApp("/grading");
    const nav = await screen.findByRole("navigation", { name: "Main" });
    expect((await within(nav).findByRole("link", { name: "Regrade requests" }, loaded)).getAttribute("href")).toBe("/grading/regrade-requests");
    const main = screen.getByRole("main");
    expect((await within(main).findByRole("link", { name: "Regrade requests" }, loaded)).getAttribute("href")).toBe("/grading/regrade-requests");
  });

  it("lists open requests and accepts one with a new score", async () => {
    const other = makeRequest(10, { student: { id: 8, username: "bob", first_name: "Bob", last_name: "Builder" }, submission: 5 });
    const { calls } = staffApi([makeRequest(9), other]);
    const user = userEvent.setup();
    renderApp("/grading/regrade-requests");

    expect(await screen.findByText("2 open", {}, loaded)).toBeTruthy();
    const call = calls.find((c) => c.path === "/api/regrade-requests/")!;
    expect(call.url.searchParams.get("status")).toBe("open");
    const form = screen.getByRole("form", { name: "Regrade request of Alice Liddell (alice) — Add" });
    expect(within(form).getByText("12 is what I wrote.")).toBeTruthy();
    await user.type(within(form).getByLabelText("New score (0–10 points)"), "11");
    await user.click(within(form).getByRole("button", { name: "Accept" }));
    expect(within(form).getByText("Enter a score from 0 to 10.")).toBeTruthy();
    expect(calls.some((c) => c.method === "POST")).toBe(false);

    await user.clear(within(form).getByLabelText("New score (0–10 points)"));
    await user.type(within(form).getByLabelText("New score (0–10 points)"), "9");
    await user.type(within(form).getByLabelText("Response to the student"), "Fair point.");
    await user.click(within(form).getByRole("button", { name: "Accept" }));
    expect(await screen.findByText(/Regrade accepted: Alice Liddell \(alice\) — Add/)).toBeTruthy();
    expect(screen.getByText("1 open")).toBeTruthy();
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.path).toBe("/api/regrade-requests/9/resolve/");
    expect(JSON.parse(post.body)).toEqual({ accept: true, response: "Fair point.", score: 9 });
  });

  it("needs a response to reject", async () => {
    const { calls } = staffApi([makeRequest(9)]);
    const user = userEvent.setup();
    renderApp("/grading/regrade-requests");
    const form = await screen.findByRole("form", { name: /Regrade request of/ }, loaded);
    await user.click(within(form).getByRole("button", { name: "Reject" }));
    expect(within(form).getByText("Say why the grade stays.")).toBeTruthy();
    await user.type(within(form).getByLabelText("Response to the student"), "12 is not 4 + 4.");
    await user.click(within(form).getByRole("button", { name: "Reject" }));
    await waitFor(() => expect(screen.getByText("No open requests")).toBeTruthy());
    const post = calls.find((c) => c.method === "POST")!;
    expect(JSON.parse(post.body)).toEqual({ accept: false, response: "12 is not 4 + 4." });
  });
});
