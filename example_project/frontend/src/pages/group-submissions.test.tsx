import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../api/client";
import type { Gradebook } from "../api/types";
import { fakeJwt } from "../test/jwt";
import { makeCourse, makeGroup, makeProgress, makeSubmission, makeTask, student } from "../test/fixtures";
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

describe("the gradebook of a group task", () => {
  it("names each member's group in the group task's cells", async () => {
    const grace = { ...student, id: 2, username: "grace", first_name: "Grace", last_name: "Hopper", role: "instructor" };
    const tasks = [groupTask];
    const row = (id: number, username: string) => ({
      user: { id, username, first_name: username, last_name: "" },
      letter: null,
      student_groups: [{ group_set: 7, id: 3, name: "Team A" }],
      groups: [makeGroup(null, { score: 1, max_score: 1, percent: 100 })],
      score: 1,
      max_score: 1,
      percent: 100,
      tasks_completed: 1,
      tasks_total: 1,
      completed_at: null,
      cells: [{ task: 1, score: 1, attempts: 1, status: "completed" as const, completed: true, dropped: false }],
    });
    const book: Gradebook = {
      count: 2,
      next: null,
      previous: null,
      tasks: tasks.map((t) => ({
        id: t.id,
        title: t.title,
        kind: t.kind,
        position: t.position,
        max_score: t.max_score,
        weight: 1,
        group: null,
        group_set: 7,
        release: "immediate" as const,
        released_at: null,
        anonymous_grading: false,
        scores_hidden: false,
      })),
      results: [row(8, "ann"), row(9, "ben")],
    };
    mockApi({
      "GET /api/auth/me/": () => json(200, grace),
      "GET /api/courses/arith/": () => json(200, makeCourse(tasks, { my_role: "instructor" })),
      "GET /api/courses/arith/gradebook/": () => json(200, book),
    });
    renderApp("/teach/arith/gradebook");
    const region = await screen.findByRole("region", { name: /Gradebook of Arithmetic/ }, { timeout: 5000 });
    expect(within(region).getAllByText("Team A")).toHaveLength(2);
  });
});
