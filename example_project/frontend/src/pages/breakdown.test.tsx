import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../api/client";
import type { CourseProgress } from "../api/types";
import { fakeJwt } from "../test/jwt";
import { makeCourse, makeGroup, makeProgress, makeTask, student } from "../test/fixtures";
import { renderApp } from "../test/render";
import { json, mockApi, page } from "../test/server";

// Homework (40%, drop lowest 1): two 10-point tasks, the 4 dropped. Exams (60%): a released
// exam at 13 / 20 and one graded but held back. Quiz outside any group, still being graded.
const TASKS = [
  makeTask(1, { title: "Homework 1", max_score: 10 }),
  makeTask(2, { title: "Homework 2", max_score: 10 }),
  makeTask(3, { title: "Midterm", max_score: 20 }),
  makeTask(4, { title: "Final", max_score: 20 }),
  makeTask(5, { title: "Quiz", max_score: 5 }),
];

const weighted: CourseProgress = makeProgress(
  [
    { task: 1, title: "Homework 1", group: 1, max_score: 10, score: 9, best_score: 9, attempts: 1, status: "attempted" },
    { task: 2, title: "Homework 2", group: 1, max_score: 10, score: 4, best_score: 4, attempts: 1, status: "attempted", dropped: true },
    { task: 3, title: "Midterm", group: 2, max_score: 20, score: 13, best_score: 13, attempts: 1, status: "attempted", weight: 2 },
    { task: 4, title: "Final", group: 2, max_score: 20, attempts: 1, status: "attempted", released: false },
    { task: 5, title: "Quiz", group: null, max_score: 5, attempts: 1, status: "pending" },
  ],
  {
    grading_scheme: "weighted",
    letter: "C",
    score: 71.5,
    max_score: 100,
    percent: 71.5,
    tasks_total: 5,
    groups: [
      makeGroup(1, { name: "Homework", weight: 40, score: 9, max_score: 10, percent: 90, dropped: [2] }),
      makeGroup(2, { name: "Exams", weight: 50, score: 26, max_score: 80, percent: 32.5 }),
      makeGroup(null, { name: "Other tasks", weight: 10, score: 0, max_score: 5, percent: 0 }),
    ],
  },
);

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

function rowTexts(body: HTMLElement) {
  return within(body)
    .getAllByRole("row")
    .map((row) => Array.from(row.children, (c) => c.textContent));
}

describe("grade breakdown", () => {
  it("shows the weighted total, the letter and a row per group with its tasks on the course page", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse(TASKS)),
      "GET /api/courses/arith/progress/": () => json(200, weighted),
    });
    renderApp("/courses/arith");

    const table = await screen.findByRole("table", { name: "Grade breakdown of Arithmetic by assignment group" });
    const summary = screen.getByRole("region", { name: "Your progress" });
    expect(within(summary).getByText("Weighted: 72%")).toBeTruthy();
    expect(within(summary).getByText("Letter grade").textContent).toBe("Letter grade C");
    expect(within(summary).getByText(/Dropped tasks do not count\.$/)).toBeTruthy();
    // The chart is for courses without groups: here the table says it all.
    expect(screen.queryByRole("img", { name: /Best score per task/ })).toBeNull();

    const columns = within(table).getAllByRole("columnheader").map((h) => h.textContent);
    expect(columns).toEqual(["Group and task", "Weight", "Score", "Percent"]);
    const [, homework, exams, other] = within(table).getAllByRole("rowgroup");
    expect(rowTexts(homework!)).toEqual([
      ["Homework", "40% of the course", "9 / 10 points", "90%"],
      ["Homework 1", "", "9 / 10 points", "90%"],
      ["Homework 2", "", "4 / 10 points Dropped — lowest score", "40%"],
    ]);
    expect(rowTexts(exams!)).toEqual([
      ["Exams", "50% of the course", "26 / 80 points", "33%"],
      ["Midterm (counts ×2)", "", "13 / 20 points", "65%"],
      ["Final", "", "Graded — not released yet"],
    ]);
    expect(rowTexts(other!)).toEqual([
      ["Other tasks", "10% of the course", "0 / 5 points", "0%"],
      ["Quiz", "", "Waiting for a grade"],
    ]);
    // Dropped is said in words and struck through, not shown by colour alone.
    const dropped = within(homework!).getByRole("row", { name: /Homework 2/ });
    expect(Array.from(dropped.querySelectorAll("s"), (s) => s.textContent)).toEqual(["4 / 10 points", "40%"]);
    expect(within(homework!).getByRole("row", { name: /Homework 1/ }).querySelector("s")).toBeNull();
    // The task list says a held-back grade is there.
    const final = screen.getByRole("link", { name: "Final" }).closest("li")!;
    expect(within(final).getByText("Graded — not released yet")).toBeTruthy();
  });

  it("shows points in words, no weight column and no letter without a scale", async () => {
    const points = {
      ...weighted,
      grading_scheme: "points" as const,
      letter: null,
      score: 22,
      max_score: 30,
      percent: 73.33,
      groups: weighted.groups.map((g) => ({ ...g, weight: null })),
    };
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/progress/": () => json(200, page([points])),
    });
    renderApp("/progress");

    const card = (await screen.findByRole("link", { name: "Arithmetic" })).closest("article")!;
    expect(within(card).getByText("Points: 22 / 30 (73%)").title).toMatch(/^Your points on the counted tasks/);
    expect(within(card).queryByText(/Letter grade/)).toBeNull();
    const table = within(card).getByRole("table", { name: "Grade breakdown of Arithmetic by assignment group" });
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Group and task", "Score", "Percent"]);
    expect(within(table).getByRole("rowheader", { name: "Homework" })).toBeTruthy();
    expect(within(table).getByText("Dropped — lowest score")).toBeTruthy();
  });

  it("shows the letter and the breakdown on the progress page under weighted", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/progress/": () => json(200, page([weighted])),
    });
    renderApp("/progress");

    const card = (await screen.findByRole("link", { name: "Arithmetic" })).closest("article")!;
    expect(card.className).toContain("grid__wide");
    expect(within(card).getByText("Weighted: 72%")).toBeTruthy();
    expect(within(card).getByText("Letter grade").textContent).toBe("Letter grade C");
    const rows = within(card).getAllByRole("rowheader").map((h) => h.textContent);
    expect(rows).toEqual(["Homework", "Homework 1", "Homework 2", "Exams", "Midterm (counts ×2)", "Final", "Other tasks", "Quiz"]);
  });

  it("keeps the simple look for a course without groups, saying what a held-back grade is", async () => {
    const simple = makeProgress(
      [
        { task: 1, title: "Homework 1", max_score: 10, score: 9, best_score: 9, attempts: 1, status: "attempted" },
        { task: 2, title: "Homework 2", max_score: 10, attempts: 1, status: "attempted", released: false },
      ],
      { score: 9, max_score: 20, percent: 45 },
    );
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse(TASKS.slice(0, 2))),
      "GET /api/courses/arith/progress/": () => json(200, simple),
      "GET /api/progress/": () => json(200, page([simple])),
    });
    const { unmount } = renderApp("/courses/arith");

    expect(await screen.findByText("Points: 9 / 20 (45%)")).toBeTruthy();
    expect(screen.queryByRole("table", { name: /Grade breakdown/ })).toBeNull();
    const chart = screen.getByRole("table", { name: "Best score per task (share of its points)" });
    expect(rowTexts(chart).slice(1)).toEqual([
      ["Homework 1", "9", "10"],
      ["Homework 2", "graded — not released yet", "10"],
    ]);
    const second = screen.getByRole("link", { name: "Homework 2" }).closest("li")!;
    expect(within(second).getByText("Graded — not released yet")).toBeTruthy();
    unmount();

    renderApp("/progress");
    const card = (await screen.findByRole("link", { name: "Arithmetic" })).closest("article")!;
    expect(card.className).not.toContain("grid__wide");
    expect(within(card).queryByRole("table")).toBeNull();
  });
});
