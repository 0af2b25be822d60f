import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../../api/client";
import type { Submission } from "../../api/types";
import { fakeJwt } from "../../test/jwt";
import { makeCourse, makeSubmission, makeTask, student } from "../../test/fixtures";
import { renderApp } from "../../test/render";
import { json, mockApi, page } from "../../test/server";

const grace = { ...student, id: 2, username: "grace", first_name: "Grace", last_name: "Hopper", role: "instructor" };
const ada = { id: 21, username: "ada", first_name: "Ada", last_name: "Lovelace" };
const alan = { id: 22, username: "alan", first_name: "Alan", last_name: "Turing" };
const essay = makeTask(5, { title: "Essay", kind: "manual", max_score: 5 });
const poem = makeTask(6, { title: "Poem", kind: "manual", max_score: 5 });

function waiting(id: number, extra: Partial<Submission> = {}): Submission {
  return makeSubmission(id, { task: 5, task_title: "Essay", status: "needs_review", max_score: 5, score: 0, ...extra });
}

function enrollment(user: typeof ada, role: "instructor" | "assistant") {
  return { id: user.id, user, course: "arith", role, status: "active", created: "2026-03-01T00:00:00Z", modified: "2026-03-01T00:00:00Z" };
}

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

function mockCourse({ role = "instructor", queue = [] as Submission[] } = {}) {
  let progress = [] as { grader: typeof ada; assigned: number; graded: number }[];
  return mockApi({
    "GET /api/auth/me/": () => json(200, { ...grace, role: role === "instructor" ? "instructor" : "student" }),
    "GET /api/courses/arith/": () => json(200, makeCourse([essay, poem], { my_role: role as "instructor" })),
    "GET /api/courses/": () => json(200, page([makeCourse([], { slug: "arith", title: "Arithmetic" })])),
    "GET /api/grading/queue/": () => json(200, page(queue)),
    "GET /api/submissions/(\\d+)/history/": () => json(200, []),
    "GET /api/courses/arith/enrollments/": (request) => {
      const wanted = new URL(request.url).searchParams.get("role");
      const people = [enrollment({ ...grace }, "instructor"), enrollment(ada, "assistant"), enrollment(alan, "assistant")];
      return json(200, page(people.filter((e) => e.role === wanted)));
    },
    "GET /api/courses/arith/grading/progress/": () => json(200, progress),
    "POST /api/courses/arith/grading/assign/": async (request) => {
      const body = (await request.json()) as { graders: number[]; task: number | null };
      if (body.graders.length === 0) return json(400, { graders: ["Name at least one grader."] });
      progress = [
        { grader: ada, assigned: 2, graded: 0 },
        { grader: alan, assigned: 1, graded: 0 },
      ];
      return json(200, {
        assigned: 3,
        graders: [
          { grader: ada.id, assigned: 2 },
          { grader: alan.id, assigned: 1 },
        ],
      });
    },
  });
}

describe("assign grading", () => {
  it("assigns to the chosen graders and shows each one's progress", async () => {
    const { calls } = mockCourse();
    const user = userEvent.setup();
    renderApp("/teach/arith/grading");

    const form = await screen.findByRole("form", { name: "Assign grading" });
    const graders = await within(form).findByRole("group", { name: "Graders" });
    expect(within(graders).getAllByRole("checkbox")).toHaveLength(3);
    expect(await screen.findByText("Nobody has answers assigned to grade yet.")).toBeTruthy();
    await user.click(within(graders).getByRole("checkbox", { name: /Ada Lovelace/ }));
    await user.click(within(graders).getByRole("checkbox", { name: /Alan Turing/ }));
    await user.selectOptions(within(form).getByLabelText("Task"), "Poem");
    await user.click(within(form).getByRole("button", { name: "Assign" }));

    expect(await screen.findByText("Assigned 3 submissions.")).toBeTruthy();
    const post = calls.find((c) => c.method === "POST" && c.path === "/api/courses/arith/grading/assign/")!;
    expect(JSON.parse(post.body)).toEqual({ graders: [ada.id, alan.id], task: 6 });
    const table = await screen.findByRole("table", { name: "Progress per grader" });
    const rows = within(table)
      .getAllByRole("row")
      .slice(1)
      .map((row) => [within(row).getByRole("rowheader").textContent, ...within(row).getAllByRole("cell").map((c) => c.textContent)]);
    expect(rows).toEqual([
      ["Ada Lovelace (ada)", "2", "0"],
      ["Alan Turing (alan)", "1", "0"],
    ]);
    // The queue below was read again after the assignment.
    await waitFor(() => expect(calls.filter((c) => c.path === "/api/grading/queue/").length).toBeGreaterThanOrEqual(2));
  });

  it("refuses to assign with no grader picked, without asking the server", async () => {
    const { calls } = mockCourse();
    const user = userEvent.setup();
    renderApp("/teach/arith/grading");
    const form = await screen.findByRole("form", { name: "Assign grading" });
    await within(form).findByRole("group", { name: "Graders" });
    await user.click(within(form).getByRole("button", { name: "Assign" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Pick at least one grader.");
    expect(calls.some((c) => c.method === "POST")).toBe(false);
  });

  it("shows assistants the progress but no assign form", async () => {
    mockCourse({ role: "assistant" });
    renderApp("/teach/arith/grading");
    expect(await screen.findByRole("heading", { name: "Assign grading" })).toBeTruthy();
    expect(await screen.findByText("Nobody has answers assigned to grade yet.")).toBeTruthy();
    expect(screen.queryByRole("form", { name: "Assign grading" })).toBeNull();
  });
});

describe("grading queue with assignment", () => {
  it("filters by assignee, course and task and shows who is assigned and who claimed", async () => {
    const { calls } = mockCourse({
      queue: [
        waiting(9, { assigned_to: ada, claimed_by: alan, claimed_at: "2026-03-10T12:30:00Z" }),
        waiting(10),
      ],
    });
    const user = userEvent.setup();
    renderApp("/grading");

    const table = await screen.findByRole("table", { name: "Submissions waiting for a grade" });
    const headers = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(headers).toContain("Assigned to");
    expect(headers).toContain("Claimed by");
    const [first, second] = within(table).getAllByRole("row").slice(1);
    const cells = within(first!).getAllByRole("cell").map((c) => c.textContent);
    expect(cells).toContain("Ada Lovelace (ada)");
    expect(cells.some((c) => c?.startsWith("Alan Turing (alan) since"))).toBe(true);
    expect(within(second!).getAllByRole("cell").filter((c) => c.textContent === "—")).toHaveLength(2);

    const filters = screen.getByRole("group", { name: "Filters" });
    await user.selectOptions(within(filters).getByLabelText("Assigned to"), "Me");
    await waitFor(() =>
      expect(calls.filter((c) => c.path === "/api/grading/queue/").at(-1)!.url.searchParams.get("assigned")).toBe("me"),
    );
    await user.selectOptions(await within(filters).findByLabelText("Course"), "Arithmetic");
    await user.selectOptions(await within(filters).findByLabelText("Task"), "Essay");
    await waitFor(() => {
      const last = calls.filter((c) => c.path === "/api/grading/queue/").at(-1)!.url.searchParams;
      expect([last.get("assigned"), last.get("course"), last.get("task")]).toEqual(["me", "arith", "5"]);
    });
  });
});
