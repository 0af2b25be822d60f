import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../api/client";
import { fakeJwt } from "../test/jwt";
import { makeCourse, makeProgress, makeSubmission, makeTask, student } from "../test/fixtures";
import { renderApp } from "../test/render";
import { json, mockApi, page } from "../test/server";
import { GROUP_REQUIRED_MESSAGE } from "./TaskPage";

const groupTask = makeTask(1, { title: "Project", group_set: 7, max_attempts: 3 });
const partner = { id: 99, username: "grace", first_name: "Grace", last_name: "Hopper" };

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

describe("group tasks", () => {
  it("says whom an answer counts for and shows a partner's submission as the group's", async () => {
    const theirs = makeSubmission(1, {
      user: partner.id,
      student: partner,
      group: { id: 3, name: "Team A" },
      status: "graded",
      score: 1,
      evaluated_at: "2026-03-10T12:00:01Z",
    });
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse([groupTask])),
      "GET /api/courses/arith/progress/": () =>
        json(200, makeProgress([{ task: 1, best_score: 1, attempts: 1, status: "completed", completed: true }])),
      "GET /api/submissions/": () => json(200, page([theirs])),
      "GET /api/regrade-requests/": () => json(200, page([])),
    });
    renderApp("/courses/arith/tasks/1");
    expect(await screen.findByText("Team A", { selector: "strong" }, { timeout: 5000 })).toBeTruthy();
    expect(screen.getByText(/Submitting for group/)).toBeTruthy();
    expect(screen.getByText(/Group Team A · by grace/)).toBeTruthy();
  });

  it("explains group_required instead of the bare conflict", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse([groupTask])),
      "GET /api/courses/arith/progress/": () => json(200, makeProgress([])),
      "GET /api/submissions/": () => json(200, page([])),
      "GET /api/regrade-requests/": () => json(200, page([])),
      "POST /api/tasks/1/submissions/": () =>
        json(409, { detail: "This is a group task: join a group first.", code: "group_required" }),
    });
    const user = userEvent.setup();
    renderApp("/courses/arith/tasks/1");
    expect(await screen.findByText(/This is a group task: an answer counts/, undefined, { timeout: 5000 })).toBeTruthy();
    await user.type(await screen.findByLabelText("Your answer"), "4");
    await user.click(screen.getByRole("button", { name: "Submit answer" }));
    expect(await screen.findByText(GROUP_REQUIRED_MESSAGE)).toBeTruthy();
  });
});
