import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../../api/client";
import type { Gradebook } from "../../api/types";
import { fakeJwt } from "../../test/jwt";
import { makeCourse, makeGroup, makeTask, student } from "../../test/fixtures";
import { renderApp } from "../../test/render";
import { json, mockApi } from "../../test/server";

const grace = { ...student, id: 2, username: "grace", first_name: "Grace", last_name: "Hopper", role: "instructor" };
const TASKS = Array.from({ length: 14 }, (_, i) => makeTask(i + 1, { title: `Exercise number ${i + 1}`, max_score: 10 }));

const book: Gradebook = {
  count: 1,
  next: null,
  previous: null,
  tasks: TASKS.map((t) => ({
    id: t.id,
    title: t.title,
    kind: t.kind,
    position: t.position,
    max_score: 10,
    weight: 1,
    group: null,
    group_set: null,
    release: "immediate" as const,
    released_at: null,
    anonymous_grading: false,
    scores_hidden: false,
  })),
  results: [
    {
      user: { id: student.id, username: "alice", first_name: "Alice", last_name: "Liddell" },
      letter: null,
      student_groups: [],
      groups: [makeGroup(null, { score: 14, max_score: 140, percent: 10 })],
      score: 14,
      max_score: 140,
      percent: 10,
      tasks_completed: 1,
      tasks_total: 14,
      completed_at: null,
      cells: TASKS.map((t) => ({
        task: t.id,
        score: t.id === 1 ? 10 : t.id === 2 ? 4 : null,
        attempts: t.id <= 2 ? 1 : t.id === 3 ? 1 : 0,
        status: t.id === 1 ? "completed" : t.id === 2 ? "attempted" : t.id === 3 ? "needs_review" : "not_started",
        completed: t.id === 1,
        dropped: false,
      })),
    },
  ],
};

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

function mockGradebook(body: Gradebook = book) {
  return mockApi({
    "GET /api/auth/me/": () => json(200, grace),
    "GET /api/courses/arith/": () => json(200, makeCourse(TASKS, { my_role: "instructor" })),
    "GET /api/courses/arith/gradebook/": (request) =>
      new URL(request.url).searchParams.get("format") === "csv"
        ? new Response("user_id,username\n7,alice\n", {
            status: 200,
            headers: { "Content-Type": "text/csv", "Content-Disposition": 'attachment; filename="arith-gradebook.csv"' },
          })
        : json(200, body),
  });
}

describe("gradebook", () => {
  it("keeps names, header and the course figures in place while task columns scroll", async () => {
    mockGradebook();
    renderApp("/teach/arith/gradebook");

    const region = await screen.findByRole("region", { name: /Gradebook of Arithmetic; scroll sideways/ });
    // The scroll box is keyboard-reachable, and the legend says what each figure is.
    expect(region.tabIndex).toBe(0);
    expect(region.className).toBe("gradebook-scroll");
    expect(document.getElementById(region.getAttribute("aria-describedby")!)!.textContent).toMatch(
      /Task columns are each task’s points.*dropped.*Done.*tasks completed.*Points.*course total.*Letter/,
    );

    const table = within(region).getByRole("table", { name: "Gradebook of Arithmetic" });
    const [header, row] = within(table).getAllByRole("row");
    const headers = within(header!).getAllByRole("columnheader");
    // No groups but the implicit one: no group columns, the total is the group.
    expect(headers).toHaveLength(1 + TASKS.length + 4);
    // Sticky at the start: the name; at the end: Done, Points, Score and Letter; the rest scrolls.
    expect(headers[0]!.className).toContain("gradebook__name");
    expect(headers.slice(-4).map((h) => [h.textContent, h.className.includes("gradebook__end"), h.style.right])).toEqual([
      ["Done", true, "calc(3 * var(--gb-end))"],
      ["Points", true, "calc(2 * var(--gb-end))"],
      ["Score", true, "calc(1 * var(--gb-end))"],
      ["Letter", true, "calc(0 * var(--gb-end))"],
    ]);
    expect(headers.at(-4)!.className).toContain("gradebook__end--first");
    expect(headers.slice(1, -4).every((h) => !/gradebook__(name|end)/.test(h.className))).toBe(true);
    expect(headers[1]!.textContent).toBe("Exercise number 1/ 10 pts");

    const name = within(row!).getByRole("rowheader");
    expect([name.textContent, name.className]).toEqual(["Alice Liddell (alice)", "gradebook__name"]);
    const cells = within(row!).getAllByRole("cell");
    expect(cells.slice(0, 3).map((c) => c.textContent)).toEqual(["10", "4", "to grade"]);
    expect(cells.slice(-4).map((c) => c.textContent)).toEqual(["1/14", "14 / 140", "10%", "—"]);
    expect(cells.slice(-4).every((c) => c.className.includes("gradebook__end"))).toBe(true);
    expect(cells[1]!.title).toBe("Exercise number 2: 4 / 10 points, 1 attempt, attempted");
  });

  it("hides an anonymous task's column until release, with an Anonymous badge", async () => {
    const anonymous: Gradebook = {
      ...book,
      tasks: book.tasks.map((t) => (t.id === 2 ? { ...t, release: "manual" as const, anonymous_grading: true, scores_hidden: true } : t)),
    };
    mockGradebook(anonymous);
    renderApp("/teach/arith/gradebook");
    const table = await screen.findByRole("table", { name: "Gradebook of Arithmetic" });
    const [header, row] = within(table).getAllByRole("row");
    const headers = within(header!).getAllByRole("columnheader");
    expect(headers[2]!.textContent).toBe("Exercise number 2/ 10 ptsAnonymous");
    expect(headers[1]!.textContent).toBe("Exercise number 1/ 10 pts");
    const cells = within(row!).getAllByRole("cell");
    expect(cells.slice(0, 3).map((c) => c.textContent)).toEqual(["10", "hidden", "to grade"]);
    expect(cells[1]!.title).toContain("Anonymous grading");
  });

  it("adds a percent column per group, the letter, and marks dropped cells under weighted", async () => {
    // Tasks 1–2 homework (drop lowest 1), 3–4 exams, the rest outside any group.
    const groupOf = (id: number) => (id <= 2 ? 1 : id <= 4 ? 2 : null);
    const weighted: Gradebook = {
      ...book,
      tasks: book.tasks.map((t) => ({ ...t, group: groupOf(t.id), release: t.id === 3 ? "manual" : "immediate" })),
      results: [
        {
          ...book.results[0]!,
          letter: "B",
          score: 82.5,
          max_score: 100,
          percent: 82.5,
          groups: [
            makeGroup(1, { name: "Homework", weight: 40, score: 10, max_score: 10, percent: 100, dropped: [2] }),
            makeGroup(2, { name: "Exams", weight: 50, score: 13, max_score: 20, percent: 65 }),
            makeGroup(null, { name: "Other tasks", weight: 10, score: 0, max_score: 100, percent: 0 }),
          ],
          cells: book.results[0]!.cells.map((c) => ({ ...c, dropped: c.task === 2 })),
        },
      ],
    };
    mockGradebook(weighted);
    renderApp("/teach/arith/gradebook");

    const table = await screen.findByRole("table", { name: "Gradebook of Arithmetic" });
    const [header, row] = within(table).getAllByRole("row");
    const headers = within(header!).getAllByRole("columnheader");
    // No Points column under weighted: the score is the percent already.
    expect(headers).toHaveLength(1 + TASKS.length + 3 + 3);
    expect(headers.slice(-6).map((h) => h.textContent)).toEqual([
      "Homeworkgroup %",
      "Examsgroup %",
      "Other tasksgroup %",
      "Done",
      "Score",
      "Letter",
    ]);
    expect(headers.slice(-6, -3).every((h) => !h.className.includes("gradebook__end"))).toBe(true);
    expect(headers.slice(-3).map((h) => h.style.right)).toEqual([
      "calc(2 * var(--gb-end))",
      "calc(1 * var(--gb-end))",
      "calc(0 * var(--gb-end))",
    ]);
    expect(headers[3]!.title).toBe("Exercise number 3 · Exams · released by hand");
    const cells = within(row!).getAllByRole("cell");
    expect(cells.slice(-6).map((c) => c.textContent)).toEqual(["100%", "65%", "0%", "1/14", "83%", "B"]);
    expect(cells[TASKS.length]!.title).toBe("Homework: 10 / 10 points, weighs 40% of the course");
    // The dropped cell says so in words and is struck through; the others are not.
    const dropped = cells[1]!;
    expect(dropped.textContent).toBe("4dropped");
    expect(dropped.querySelector("s")!.textContent).toBe("4");
    expect(dropped.title).toBe("Exercise number 2: 4 / 10 points, 1 attempt, attempted, dropped (lowest in Homework)");
    expect(cells[0]!.querySelector("s")).toBeNull();
    expect(screen.getByText(/Group columns are each group’s percent/)).toBeTruthy();
  });

  it("downloads the CSV with the bearer token", async () => {
    const { calls } = mockGradebook();
    const created: Blob[] = [];
    const saved = Object.getOwnPropertyDescriptors(URL);
    URL.createObjectURL = (blob: Blob) => {
      created.push(blob);
      return "blob:gradebook";
    };
    URL.revokeObjectURL = () => undefined;
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(`${this.download} ${this.href}`);
    });
    const user = userEvent.setup();
    renderApp("/teach/arith/gradebook");

    await user.click(await screen.findByRole("button", { name: "Download CSV" }));
    await waitFor(() => expect(clicked).toEqual(["arith-gradebook.csv blob:gradebook"]));
    const csv = calls.find((c) => c.url.searchParams.get("format") === "csv")!;
    expect(csv.path).toBe("/api/courses/arith/gradebook/");
    expect(csv.auth).toMatch(/^Bearer /);
    expect(await created[0]!.text()).toBe("user_id,username\n7,alice\n");
    click.mockRestore();
    for (const key of ["createObjectURL", "revokeObjectURL"] as const) {
      const original = saved[key];
      if (original) Object.defineProperty(URL, key, original);
      else delete (URL as unknown as Record<string, unknown>)[key];
    }
  });
});
