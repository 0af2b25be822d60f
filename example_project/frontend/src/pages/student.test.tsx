import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../api/client";
import { fakeJwt } from "../test/jwt";
import { makeCourse, makeProgress, makeSubmission, makeTask, student } from "../test/fixtures";
import { renderApp } from "../test/render";
import { json, mockApi, page } from "../test/server";
import { polling } from "./TaskPage";

const first = makeTask(1, { title: "Add", max_attempts: 3 });
const second = makeTask(2, { title: "Multiply", prerequisites: [1], due_at: "2099-01-01T00:00:00Z" });

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

describe("course page", () => {
  it("shows attempts left and which tasks are locked by prerequisites", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse([first, second])),
      "GET /api/courses/arith/progress/": () =>
        json(200, makeProgress([{ task: 1, best_score: 0, attempts: 1, status: "attempted", completed: false }])),
    });
    renderApp("/courses/arith");

    // The first render of the file also loads the app's modules: allow it more than 1 s.
    const add = (await screen.findByRole("link", { name: "Add" }, { timeout: 5000 })).closest("li")!;
    expect(await within(add).findByText("2 attempts left")).toBeTruthy();
    const multiply = screen.getByRole("link", { name: "Multiply" }).closest("li")!;
    expect(within(multiply).getByText("Locked")).toBeTruthy();
    expect(within(multiply).getByText("Requires: Add")).toBeTruthy();
    // Completion is tasks completed (0 of 2), the score says what it is.
    const bar = screen.getByRole("progressbar", { name: "Tasks completed in Arithmetic" });
    expect(bar.getAttribute("aria-valuenow")).toBe("0");
    expect(screen.getByText("0 of 2 tasks completed")).toBeTruthy();
    expect(screen.getByText("Points: 0 / 2 (0%)")).toBeTruthy();
    expect(within(add).getByText("Best: 0 / 1 point")).toBeTruthy();
    expect(screen.getByRole("img", { name: "Best score per task (share of its points)" })).toBeTruthy();
  });

  it("enrolls and then shows the progress", async () => {
    let enrolled = false;
    const { calls } = mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse([first], { is_enrolled: enrolled })),
      "POST /api/courses/arith/enroll/": () => {
        enrolled = true;
        return json(201, { id: 1, user: student, course: "arith", role: "student", status: "active", created: "2026-01-01T00:00:00Z" });
      },
      "GET /api/courses/arith/progress/": () => json(200, makeProgress([], { tasks_total: 1 })),
    });
    const user = userEvent.setup();
    renderApp("/courses/arith");
    await user.click(await screen.findByRole("button", { name: "Enroll" }));
    expect(await screen.findByText("0 of 1 task completed")).toBeTruthy();
    expect(calls.filter((c) => c.path === "/api/courses/arith/progress/")).toHaveLength(1);
  });

  it("says why enrolling failed", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse([first], { is_enrolled: false })),
      "POST /api/courses/arith/enroll/": () => json(409, { detail: "The course is full.", code: "course_full" }),
    });
    const user = userEvent.setup();
    renderApp("/courses/arith");
    await user.click(await screen.findByRole("button", { name: "Enroll" }));
    expect((await screen.findByRole("alert")).textContent).toContain("The course is full.");
  });

  it("says so when the course is not visible", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/secret/": () => json(404, { detail: "Not found." }),
    });
    renderApp("/courses/secret");
    expect(await screen.findByText(/Not found/)).toBeTruthy();
  });
});

describe("task page", () => {
  afterEach(() => {
    polling.intervalMs = 1500;
  });

  it("submits, then follows the submission's status until it is graded", async () => {
    polling.intervalMs = 20;
    let polls = 0;
    const queued = makeSubmission(1, { answer: "4" });
    const graded = { ...queued, status: "graded", score: 1, feedback: "Correct.", evaluated_at: "2026-03-10T12:00:01Z" };
    const { calls } = mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse([first, second])),
      "GET /api/courses/arith/progress/": () => json(200, makeProgress([])),
      "GET /api/submissions/": () => {
        if (calls.some((c) => c.method === "POST")) polls += 1;
        if (polls === 0) return json(200, page([]));
        return json(200, page([polls < 3 ? queued : graded]));
      },
      "POST /api/tasks/1/submissions/": () => json(201, queued),
    });
    const user = userEvent.setup();
    renderApp("/courses/arith/tasks/1");

    await user.type(await screen.findByLabelText("Your answer"), "4");
    await user.click(screen.getByRole("button", { name: "Submit answer" }));
    expect(await screen.findByText(/is being evaluated/)).toBeTruthy();
    expect(await screen.findByText("Attempt 1:", { exact: false })).toBeTruthy();
    await waitFor(() => expect(screen.getAllByText(/Correct\./).length).toBeGreaterThan(0));
    expect(screen.getAllByText("1 / 1 point").length).toBeGreaterThan(0);

    const post = calls.find((c) => c.method === "POST")!;
    expect(JSON.parse(post.body)).toEqual({ answer: "4" });
    // Polling stops once nothing is pending.
    const settled = polls;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(polls).toBe(settled);
  });

  it("shows a locked task's prerequisites and disables answering", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse([first, second])),
      "GET /api/courses/arith/progress/": () => json(200, makeProgress([])),
      "GET /api/submissions/": () => json(200, page([])),
    });
    renderApp("/courses/arith/tasks/2");
    expect(await screen.findByText(/Locked\. Complete/)).toBeTruthy();
    await waitFor(() =>
      expect(screen.getByRole<HTMLButtonElement>("button", { name: "Submit answer" }).disabled).toBe(true),
    );
  });

  it("shows a conflict from the server beside the answer", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse([first])),
      "GET /api/courses/arith/progress/": () => json(200, makeProgress([])),
      "GET /api/submissions/": () => json(200, page([])),
      "POST /api/tasks/1/submissions/": () =>
        json(409, { detail: "No attempts left for this task.", code: "attempts_exhausted" }),
    });
    const user = userEvent.setup();
    renderApp("/courses/arith/tasks/1");
    await user.type(await screen.findByLabelText("Your answer"), "4");
    await user.click(screen.getByRole("button", { name: "Submit answer" }));
    expect(await screen.findByText("No attempts left for this task.")).toBeTruthy();
  });
});
