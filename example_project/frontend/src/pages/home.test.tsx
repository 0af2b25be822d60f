import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../api/client";
import type { Upcoming } from "../api/types";
import { makeCourse, makeProgress, makeSubmission, makeTask, student } from "../test/fixtures";
import { fakeJwt } from "../test/jwt";
import { renderApp } from "../test/render";
import { json, mockApi, page } from "../test/server";

const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString();

function upcoming(id: number, extra: Partial<Upcoming> = {}): Upcoming {
  const due = inDays(id);
  return {
    task: { id, title: `Task ${id}`, kind: "exact" },
    course: { slug: "arith", title: "Arithmetic" },
    due_at: due,
    effective_due_at: due,
    status: "not_started",
    attempts_left: null,
    ...extra,
  };
}

/** The first wait of a test: a loaded machine may take more than the default second. */
const FIRST_RENDER = { timeout: 5000 };

function loggedIn() {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
}

describe("home page", () => {
  beforeEach(loggedIn);

  it("lists overdue and upcoming deadlines, marks extensions, and shows recent grades", async () => {
    const entries = [
      upcoming(1, { task: { id: 1, title: "Late one", kind: "exact" }, due_at: inDays(-2), effective_due_at: inDays(-2), status: "overdue" }),
      upcoming(2, { task: { id: 2, title: "Extended one", kind: "manual" }, due_at: inDays(1), effective_due_at: inDays(3), attempts_left: 2 }),
      upcoming(3, { task: { id: 3, title: "Plain one", kind: "exact" } }),
    ];
    const { calls } = mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/progress/upcoming/": () => json(200, page(entries)),
      "GET /api/submissions/": () =>
        json(200, page([makeSubmission(4, { task: 7, status: "graded", score: 3, max_score: 4, evaluated_at: inDays(-0.1) })])),
      "GET /api/progress/": () => json(200, page([makeProgress([{ task: 7, title: "Graded one" }])])),
    });
    renderApp("/home");

    const overdue = await screen.findByRole("region", { name: "Overdue, still open" }, FIRST_RENDER);
    expect(within(overdue).getByRole("link", { name: "Late one" }).getAttribute("href")).toBe("/courses/arith/tasks/1");
    expect(within(overdue).getByText("Overdue")).toBeTruthy();

    const soon = screen.getByRole("region", { name: "Upcoming deadlines" });
    const items = within(soon).getAllByRole("listitem");
    expect(items.map((li) => within(li).getByRole("link").textContent)).toEqual(["Extended one", "Plain one"]);
    expect(within(items[0]!).getByText("extended")).toBeTruthy();
    expect(within(items[0]!).getByText(/2 attempts left/)).toBeTruthy();
    expect(within(items[1]!).queryByText("extended")).toBeNull();

    const grades = screen.getByRole("region", { name: "Recent grades" });
    expect(await within(grades).findByRole("link", { name: "Graded one" })).toBeTruthy();
    expect(within(grades).getByText("3 / 4")).toBeTruthy();
    const asked = calls.find((c) => c.path === "/api/submissions/")!.url.searchParams;
    expect(asked.get("status")).toBe("graded");
    expect(asked.get("ordering")).toBe("-evaluated_at");
  });

  it("says when nothing is due and nothing is graded", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/progress/upcoming/": () => json(200, page([])),
      "GET /api/submissions/": () => json(200, page([])),
      "GET /api/progress/": () => json(200, page([])),
    });
    renderApp("/home");
    expect(await screen.findByText("Nothing is due in the next 14 days.", {}, FIRST_RENDER)).toBeTruthy();
    expect(await screen.findByText("No grades yet.")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Browse the catalog" })).toBeTruthy();
  });
});

describe("login", () => {
  it("sends a logged-out deep link to log in, then back to it", async () => {
    mockApi({
      "POST /api/auth/token/": () => json(200, { access: fakeJwt("a", 300), refresh: "r" }),
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/progress/": () => json(200, page([])),
    });
    const user = userEvent.setup();
    renderApp("/progress?tab=1");
    await user.type(await screen.findByLabelText("Username", {}, FIRST_RENDER), "alice");
    await user.type(screen.getByLabelText("Password"), "secret-pass");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("heading", { name: "My progress" }, FIRST_RENDER)).toBeTruthy();
  });

  it("lands a student on their to-do when no page asked to log in", async () => {
    mockApi({
      "POST /api/auth/token/": () => json(200, { access: fakeJwt("a", 300), refresh: "r" }),
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/progress/upcoming/": () => json(200, page([])),
      "GET /api/submissions/": () => json(200, page([])),
      "GET /api/progress/": () => json(200, page([])),
    });
    const user = userEvent.setup();
    renderApp("/login");
    await user.type(screen.getByLabelText("Username"), "alice");
    await user.type(screen.getByLabelText("Password"), "secret-pass");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("heading", { name: "Hello, Alice" }, FIRST_RENDER)).toBeTruthy();
  });
});

describe("staff routes", () => {
  beforeEach(loggedIn);

  it.each(["/teach", "/teach/new", "/grading"])("send a student from %s to their home", async (path) => {
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/progress/upcoming/": () => json(200, page([])),
      "GET /api/submissions/": () => json(200, page([])),
      "GET /api/progress/": () => json(200, page([])),
      // Staff of no course: `mine=teaching` finds nothing.
      "GET /api/courses/": () => json(200, page([])),
    });
    renderApp(path);
    expect(await screen.findByRole("heading", { name: "Hello, Alice" }, FIRST_RENDER)).toBeTruthy();
    expect(screen.queryByRole("link", { name: "Grading" })).toBeNull();
  });

  it("show a student who assists some course the courses they assist, without New course", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/": () => json(200, page([makeCourse([makeTask(1)], { my_role: "assistant", is_enrolled: false })])),
    });
    renderApp("/teach");
    expect(await screen.findByRole("heading", { level: 1, name: "Courses you teach or assist" }, FIRST_RENDER)).toBeTruthy();
    expect((await screen.findByRole("link", { name: "Arithmetic" })).getAttribute("href")).toBe("/teach/arith");
    expect(screen.queryByRole("link", { name: "New course" })).toBeNull();
    expect(screen.getByRole("link", { name: "Teaching" })).toBeTruthy();
  });

  it("let a student who assists some course into the grading queue", async () => {
    const { calls } = mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/": () => json(200, page([makeCourse([makeTask(1)], { my_role: "assistant", is_enrolled: false })])),
      "GET /api/grading/queue/": () => json(200, page([])),
    });
    renderApp("/grading");
    expect(await screen.findByRole("heading", { level: 1, name: "Grading queue" }, FIRST_RENDER)).toBeTruthy();
    expect(screen.getByRole("link", { name: "Grading" })).toBeTruthy();
    const teaching = calls.find((c) => c.path === "/api/courses/");
    expect(teaching?.url.searchParams.get("mine")).toBe("teaching");
    // The queue is the caller's grading queue across the courses they are staff of.
    await waitFor(() => expect(calls.some((c) => c.path === "/api/grading/queue/")).toBe(true));
    const queue = calls.find((c) => c.path === "/api/grading/queue/");
    expect(queue?.url.searchParams.get("assigned")).toBe("any");
  });

  it("send a student of the course from /teach/:slug/... to the course page", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse([makeTask(1)], { my_role: "student" })),
      "GET /api/courses/arith/enrollments/": () => json(403, { detail: "No.", code: "permission_denied" }),
      "GET /api/courses/arith/progress/": () => json(200, makeProgress([{ task: 1 }])),
    });
    renderApp("/teach/arith/gradebook");
    expect(await screen.findByRole("heading", { level: 1, name: "Arithmetic" }, FIRST_RENDER)).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole("navigation", { name: "Course management" })).toBeNull());
    expect(screen.getByText("Enrolled")).toBeTruthy();
  });

  it("let in a student who assists the course", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse([makeTask(1)], { my_role: "assistant", is_enrolled: false })),
      "GET /api/courses/arith/enrollments/": () => json(200, page([])),
    });
    renderApp("/teach/arith");
    expect(await screen.findByRole("navigation", { name: "Course management" }, FIRST_RENDER)).toBeTruthy();
  });
});

describe("task page", () => {
  beforeEach(loggedIn);

  function open(taskId: number) {
    const tasks = [
      makeTask(1, { title: "First" }),
      makeTask(2, { title: "Draft", is_published: false }),
      makeTask(3, { title: "Last" }),
    ];
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse(tasks)),
      "GET /api/courses/arith/progress/": () => json(200, makeProgress([{ task: 1 }, { task: 3 }])),
      "GET /api/submissions/": () => json(200, page([])),
    });
    renderApp(`/courses/arith/tasks/${taskId}`);
  }

  it("links to the next published task", async () => {
    open(1);
    const next = await screen.findByRole("link", { name: "Next task: Last →" }, FIRST_RENDER);
    expect(next.getAttribute("href")).toBe("/courses/arith/tasks/3");
    expect(screen.queryByRole("link", { name: /Previous task/ })).toBeNull();
  });

  it("has no next link on the last task", async () => {
    open(3);
    const previous = await screen.findByRole("link", { name: "← Previous task: First" }, FIRST_RENDER);
    expect(previous.getAttribute("href")).toBe("/courses/arith/tasks/1");
    expect(screen.queryByRole("link", { name: /Next task/ })).toBeNull();
  });
});
