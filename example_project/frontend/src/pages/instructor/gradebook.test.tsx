import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../../api/client";
import type { Gradebook } from "../../api/types";
import { fakeJwt } from "../../test/jwt";
import { makeCourse, makeTask, student } from "../../test/fixtures";
import { renderApp } from "../../test/render";
import { json, mockApi } from "../../test/server";

const grace = { ...student, id: 2, username: "grace", first_name: "Grace", last_name: "Hopper", role: "instructor" };
const TASKS = Array.from({ length: 14 }, (_, i) => makeTask(i + 1, { title: `Exercise number ${i + 1}`, max_score: 10 }));

const book: Gradebook & { tasks: unknown[] } = {
  count: 1,
  next: null,
  previous: null,
  tasks: TASKS.map((t) => ({ id: t.id, title: t.title, kind: t.kind, position: t.position, max_score: 10, weight: 1, group: null, release: "immediate" as const, released_at: null })),
  results: [
    {
      user: { id: student.id, username: "alice", first_name: "Alice", last_name: "Liddell" },
      score: 1.4,
      max_score: 14,
      percent: 10,
      tasks_completed: 1,
      tasks_total: 14,
      completed_at: null,
      letter: null,
      groups: [],
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

function mockGradebook() {
  return mockApi({
    "GET /api/auth/me/": () => json(200, grace),
    "GET /api/courses/arith/": () => json(200, makeCourse(TASKS, { my_role: "instructor" })),
    "GET /api/courses/arith/gradebook/": (request) =>
      new URL(request.url).searchParams.get("format") === "csv"
        ? new Response("user_id,username\n7,alice\n", {
            status: 200,
            headers: { "Content-Type": "text/csv", "Content-Disposition": 'attachment; filename="arith-gradebook.csv"' },
          })
        : json(200, book),
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
      /Task columns are each task’s points.*Done.*tasks completed.*Weighted.*weight/,
    );

    const table = within(region).getByRole("table", { name: "Gradebook of Arithmetic" });
    const [header, row] = within(table).getAllByRole("row");
    const headers = within(header!).getAllByRole("columnheader");
    expect(headers).toHaveLength(1 + TASKS.length + 3);
    // Sticky at the start: the name; at the end: Done, Weighted and Score; the rest scrolls.
    expect(headers[0]!.className).toContain("gradebook__name");
    expect(headers.slice(-3).map((h) => [h.textContent, h.className.includes("gradebook__end")])).toEqual([
      ["Done", true],
      ["Weighted", true],
      ["Score", true],
    ]);
    expect(headers.slice(1, -3).every((h) => !/gradebook__(name|end)/.test(h.className))).toBe(true);
    expect(headers[1]!.textContent).toBe("Exercise number 1/ 10 pts");

    const name = within(row!).getByRole("rowheader");
    expect([name.textContent, name.className]).toEqual(["Alice Liddell (alice)", "gradebook__name"]);
    const cells = within(row!).getAllByRole("cell");
    expect(cells.slice(0, 3).map((c) => c.textContent)).toEqual(["10", "4", "to grade"]);
    expect(cells.slice(-3).map((c) => c.textContent)).toEqual(["1/14", "1.4 / 14", "10%"]);
    expect(cells.slice(-3).every((c) => c.className.includes("gradebook__end"))).toBe(true);
    expect(cells[1]!.title).toBe("Exercise number 2: 4 / 10 points, 1 attempt, attempted");
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
