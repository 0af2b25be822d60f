import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../api/client";
import { fakeJwt } from "../test/jwt";
import { makeAllowances, makeCourse, makeProgress, makeSubmission, makeTask, student } from "../test/fixtures";
import { renderApp } from "../test/render";
import { json, mockApi, page } from "../test/server";
import { lateNotice } from "./TaskPage";

const START = "2026-03-10T15:00:00Z";
const DEADLINE = "2026-03-10T15:20:00Z";
const limited = makeTask(1, { title: "Drill", daily_submission_limit: 3 });
const quiz = makeTask(2, { title: "Quiz", time_limit_minutes: 20 });

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 3600 * 24 * 365 * 10), refresh: "r" });
});
afterEach(() => vi.useRealTimers());

function routes(me: ReturnType<typeof makeAllowances>, extra: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({
    "GET /api/auth/me/": () => json(200, student),
    "GET /api/courses/arith/": () => json(200, makeCourse([limited, quiz])),
    "GET /api/courses/arith/progress/": () => json(200, makeProgress([])),
    "GET /api/courses/arith/accommodations/me/": () => json(200, me),
    "GET /api/submissions/": () => json(200, page([])),
    "GET /api/regrade-requests/": () => json(200, page([])),
    ...extra,
  });
}

describe("daily budget on the task page", () => {
  it("tells the budget and words a 409 daily_limit_reached", async () => {
    routes(
      makeAllowances({
        bonus_submissions: 0,
        tasks: [{ task: 1, submissions_left_today: 2, started_at: null, deadline: null }],
      }),
      {
        "POST /api/tasks/1/submissions/": () =>
          json(409, { detail: "No submissions left today.", code: "daily_limit_reached" }, { "Retry-After": "60" }),
      },
    );
    const user = userEvent.setup();
    renderApp("/courses/arith/tasks/1");
    expect(
      await screen.findByText("2 of 3 submissions left today, resets at local midnight", {}, { timeout: 5000 }),
    ).toBeTruthy();
    await user.type(await screen.findByLabelText("Your answer"), "4");
    await user.click(screen.getByRole("button", { name: "Submit answer" }));
    expect(await screen.findByText(/used today's submissions for this task/)).toBeTruthy();
  });

  it("disables answering when nothing is left today", async () => {
    routes(makeAllowances({ tasks: [{ task: 1, submissions_left_today: 0, started_at: null, deadline: null }] }));
    renderApp("/courses/arith/tasks/1");
    expect(await screen.findByText("No submissions left today.", {}, { timeout: 5000 })).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Submit answer" }).disabled).toBe(true);
  });
});

describe("timed task", () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ["setInterval", "clearInterval", "Date"] });
    vi.setSystemTime(new Date(START));
  });

  it("starts, counts down and submits what is on screen at the deadline when asked to", async () => {
    let started = false;
    const { calls } = routes(makeAllowances(), {
      "GET /api/courses/arith/accommodations/me/": () =>
        json(
          200,
          makeAllowances({
            tasks: [
              { task: 2, submissions_left_today: null, started_at: started ? START : null, deadline: started ? DEADLINE : null },
            ],
          }),
        ),
      "POST /api/tasks/2/start/": () => {
        started = true;
        return json(201, { started_at: START, deadline: DEADLINE });
      },
      "POST /api/tasks/2/submissions/": () => json(201, makeSubmission(5, { task: 2, status: "queued" })),
    });
    const user = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });
    renderApp("/courses/arith/tasks/2");
    const start = await screen.findByRole("button", { name: "Start" }, { timeout: 5000 });
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Submit answer" }).disabled).toBe(true);
    await user.click(start);
    expect(await screen.findByText("20:00")).toBeTruthy();
    await user.click(screen.getByLabelText("Submit what is on screen when time runs out"));
    await user.type(screen.getByLabelText("Your answer"), "42");
    act(() => {
      vi.setSystemTime(new Date("2026-03-10T15:10:00Z"));
      vi.advanceTimersByTime(1000);
    });
    expect(screen.getByTestId("countdown").textContent).toBe("10:00");
    expect(calls.filter((c) => c.method === "POST" && c.path.endsWith("/submissions/"))).toHaveLength(0);
    act(() => {
      vi.setSystemTime(new Date(DEADLINE));
      vi.advanceTimersByTime(1000);
    });
    await waitFor(() => {
      const posts = calls.filter((c) => c.method === "POST" && c.path.endsWith("/submissions/"));
      expect(posts.map((c) => JSON.parse(c.body) as unknown)).toEqual([{ answer: "42" }]);
    });
  });

  it("without the opt-in, disables answering at the deadline", async () => {
    const { calls } = routes(
      makeAllowances({ tasks: [{ task: 2, submissions_left_today: null, started_at: START, deadline: DEADLINE }] }),
    );
    renderApp("/courses/arith/tasks/2");
    expect(await screen.findByText("20:00", {}, { timeout: 5000 })).toBeTruthy();
    act(() => {
      vi.setSystemTime(new Date(DEADLINE));
      vi.advanceTimersByTime(1000);
    });
    expect(await screen.findByText(/Time expired at/)).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Submit answer" }).disabled).toBe(true);
    expect(calls.some((c) => c.method === "POST")).toBe(false);
  });
});

describe("what applies to me", () => {
  it("shows the multiplier, late days, extensions and per-task allowances on the course page", async () => {
    routes(
      makeAllowances({
        time_multiplier: 1.5,
        late_days_total: 5,
        late_days_used: 2,
        late_days_left: 3,
        bonus_submissions: 1,
        extensions: [
          {
            id: 9,
            user: { id: 7, username: "alice", first_name: "Alice", last_name: "Liddell" },
            course: "arith",
            task: 1,
            due_at: "2026-04-01T00:00:00Z",
            reason: "Illness",
            granted_by: null,
            created: START,
            modified: START,
          },
        ],
        tasks: [
          { task: 1, submissions_left_today: 4, started_at: null, deadline: null },
          { task: 2, submissions_left_today: null, started_at: null, deadline: null },
        ],
      }),
    );
    renderApp("/courses/arith");
    const panel = (await screen.findByRole("heading", { name: "What applies to me" }, { timeout: 5000 })).closest(
      "section",
    )!;
    const inPanel = within(panel);
    expect(inPanel.getByText("×1.5")).toBeTruthy();
    expect(inPanel.getByText("3 left (2 used of 5)")).toBeTruthy();
    expect(inPanel.getByText(/Illness/)).toBeTruthy();
    expect(inPanel.getByText(/4 of 4 submissions left today/)).toBeTruthy();
    expect(inPanel.getByText(/timed \(20 min\), not started/)).toBeTruthy();
  });
});

describe("the late notice on a task page", () => {
  it("names the late days a late answer spends instead of a deduction", () => {
    expect(lateNotice(true, 3, null)).toBe(
      "The due date has passed: a late answer spends whole late days from your bank (3 days left) instead of losing points, as long as they cover it.",
    );
    expect(lateNotice(true, 1, 2)).toContain("(1 day left, at most 2 days on this task)");
  });

  it("warns of the late policy when no late days can cover the answer", () => {
    const policy = "The due date has passed: late answers may lose points.";
    expect(lateNotice(false, 3, null)).toBe(policy);
    expect(lateNotice(true, 0, null)).toBe(policy);
    expect(lateNotice(true, undefined, null)).toBe(policy);
    expect(lateNotice(true, 3, 0)).toBe(policy);
  });
});
