import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../../api/client";
import type { Rubric, Submission, Task } from "../../api/types";
import { fakeJwt } from "../../test/jwt";
import { makeSubmission, makeTask, student } from "../../test/fixtures";
import { renderApp } from "../../test/render";
import { json, mockApi, page, type Handler } from "../../test/server";

const grace = { ...student, id: 2, username: "grace", first_name: "Grace", last_name: "Hopper", role: "instructor" };
const bob = { id: 8, username: "bob", first_name: "Bob", last_name: "Builder" };

const rubric: Rubric = {
  id: 3,
  title: "Essay rubric",
  version: 1,
  is_current: true,
  max_points: 5,
  in_use: false,
  criteria: [
    {
      id: 11,
      title: "Argument",
      description: "Is the claim supported?",
      levels: [
        { id: 101, title: "Missing", points: 0, description: "" },
        { id: 102, title: "Partial", points: 2, description: "" },
        { id: 103, title: "Convincing", points: 4, description: "" },
      ],
    },
    {
      id: 12,
      title: "Style",
      description: "",
      levels: [
        { id: 201, title: "Hard to read", points: 0, description: "" },
        { id: 202, title: "Clear", points: 1, description: "" },
      ],
    },
  ],
};

function rubricTask(extra: Partial<Task> = {}): Task {
  return { ...makeTask(5, { title: "Essay", kind: "manual", max_score: 5 }), rubric: 3, anonymous_grading: true, ...extra };
}

function waiting(id: number, pseudonym: string | null, extra: Partial<Submission> = {}): Submission {
  const base = makeSubmission(id, {
    task: 5,
    task_title: "Essay",
    status: "needs_review",
    answer: `Answer ${id}`,
    score: 0,
    max_score: 5,
    feedback: "Awaiting review by course staff.",
  });
  return {
    ...base,
    student: pseudonym === null ? base.student : { pseudonym },
    assigned_to: null,
    claimed_by: null,
    claimed_at: null,
    ...extra,
  };
}

const QUEUE = [waiting(9, "Student 1"), waiting(10, "Student 2"), waiting(11, "Student 3")];

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

function mockScreen({
  queue = QUEUE,
  task = rubricTask(),
  claim,
}: { queue?: Submission[]; task?: Task; claim?: Handler } = {}) {
  return mockApi({
    "GET /api/auth/me/": () => json(200, grace),
    "GET /api/grading/queue/": () => json(200, page(queue)),
    "GET /api/submissions/(\\d+)/": (_request, match) => json(200, queue.find((s) => s.id === Number(match[1]))),
    "GET /api/tasks/5/": () => json(200, task),
    "GET /api/courses/arith/rubrics/3/": () => json(200, rubric),
    "GET /api/submissions/(\\d+)/history/": () => json(200, []),
    "GET /api/submissions/(\\d+)/comments/": () => json(200, page([])),
    "POST /api/submissions/(\\d+)/claim/":
      claim ?? ((_request, match) => json(200, { ...queue.find((s) => s.id === Number(match[1])), claimed_by: grace })),
    "DELETE /api/submissions/(\\d+)/claim/": () => json(204, null),
    "POST /api/submissions/(\\d+)/grade/": (_request, match) =>
      json(200, { ...queue.find((s) => s.id === Number(match[1])), status: "graded", score: 5 }),
  });
}

async function openScreen(id: number) {
  renderApp(`/grading/submissions/${id}?course=arith`);
  return screen.findByRole("form", { name: new RegExp(`^Grade .* — Essay$`) });
}

describe("keyboard grading screen", () => {
  it("grades a rubric with number keys and j, saves with Ctrl+Enter and opens the next", async () => {
    const { calls } = mockScreen();
    const user = userEvent.setup();
    const form = await openScreen(9);
    const argument = within(form).getByRole("group", { name: "Argument, criterion 1 of 2" });
    const style = within(form).getByRole("group", { name: "Style, criterion 2 of 2" });
    // Grading starts on the first criterion.
    await waitFor(() => expect(argument.contains(document.activeElement)).toBe(true));

    await user.keyboard("2");
    expect(within(argument).getByRole<HTMLInputElement>("radio", { name: /Partial/ }).checked).toBe(true);
    expect(within(argument).getByRole("radio", { name: /Partial/ })).toBe(document.activeElement);
    await user.keyboard("3");
    expect(within(argument).getByRole<HTMLInputElement>("radio", { name: /Convincing/ }).checked).toBe(true);
    expect(screen.getByText(/1 criterion to pick/)).toBeTruthy();

    await user.keyboard("j");
    await user.keyboard("2");
    expect(within(style).getByRole<HTMLInputElement>("radio", { name: /Clear/ }).checked).toBe(true);
    expect(form.querySelector(".rubric-total")?.textContent).toBe("Total: 5 of 5 points");
    // A digit beyond the levels picks nothing; k goes back up.
    await user.keyboard("9");
    expect(within(style).getByRole<HTMLInputElement>("radio", { name: /Clear/ }).checked).toBe(true);
    await user.keyboard("{ArrowUp}1");
    expect(within(argument).getByRole<HTMLInputElement>("radio", { name: /Missing/ }).checked).toBe(true);
    await user.keyboard("{ArrowDown}k3");
    expect(within(argument).getByRole<HTMLInputElement>("radio", { name: /Convincing/ }).checked).toBe(true);

    // Typing in a text field types; only Ctrl+Enter still acts there.
    const comment = within(style).getByLabelText<HTMLTextAreaElement>("Comment on Style");
    await user.click(comment);
    await user.keyboard("n1j");
    expect(comment.value).toBe("n1j");
    expect(within(style).getByRole<HTMLInputElement>("radio", { name: /Clear/ }).checked).toBe(true);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Student 1 — Essay");
    await user.keyboard("{Control>}{Enter}{/Control}");

    expect(await screen.findByRole("heading", { level: 1, name: "Student 2 — Essay" })).toBeTruthy();
    expect(screen.getByText("Saved, next: Student 2 — Essay").getAttribute("aria-live")).toBe("polite");
    expect(JSON.parse(calls.find((c) => c.method === "POST" && c.path === "/api/submissions/9/grade/")!.body)).toEqual({
      rubric: [
        { criterion: 11, level: 103 },
        { criterion: 12, level: 202, comment: "n1j" },
      ],
      feedback: "",
      reason: "",
    });
    // Claimed on open, released on leaving, in that order, then the next one claimed.
    await waitFor(() =>
      expect(calls.filter((c) => c.path.endsWith("/claim/")).map((c) => `${c.method} ${c.path}`)).toEqual([
        "POST /api/submissions/9/claim/",
        "DELETE /api/submissions/9/claim/",
        "POST /api/submissions/10/claim/",
      ]),
    );
    expect(calls.find((c) => c.path === "/api/grading/queue/")!.url.searchParams.get("course")).toBe("arith");
    // The next one starts empty.
    const next = screen.getByRole("form", { name: "Grade Student 2 — Essay" });
    expect(within(next).getAllByRole<HTMLInputElement>("radio").some((r) => r.checked)).toBe(false);
  });

  it("refuses to save until every criterion has a level, and says which is open", async () => {
    const { calls } = mockScreen();
    const user = userEvent.setup();
    const form = await openScreen(9);
    await waitFor(() => expect(form.contains(document.activeElement)).toBe(true));
    await user.keyboard("2{Control>}{Enter}{/Control}");
    expect(within(form).getByRole("alert").textContent).toBe("Pick a level for every criterion; still open: Style.");
    expect(within(form).getByRole("group", { name: /^Style/ }).contains(document.activeElement)).toBe(true);
    expect(calls.some((c) => c.path.endsWith("/grade/"))).toBe(false);
  });

  it("after the last of the queue, saving opens an earlier one not graded yet, then says the queue is done", async () => {
    mockScreen();
    const user = userEvent.setup();
    const grade = async () => {
      await waitFor(() =>
        expect(screen.getByRole("form", { name: /^Grade / }).contains(document.activeElement)).toBe(true),
      );
      await user.keyboard("1j1{Control>}{Enter}{/Control}");
    };
    await openScreen(10);
    await grade();
    expect(await screen.findByRole("heading", { level: 1, name: "Student 3 — Essay" })).toBeTruthy();
    await grade();
    expect(await screen.findByRole("heading", { level: 1, name: "Student 1 — Essay" })).toBeTruthy();
    expect(screen.getByText("Saved, next: Student 1 — Essay")).toBeTruthy();
    await grade();
    expect(await screen.findByText("Saved. Nothing else waits in this queue.")).toBeTruthy();
    // It stays on the one just graded, which now says so.
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Student 1 — Essay");
    expect(screen.getByText("Graded")).toBeTruthy();
  });

  it("moves to the next and previous submission in queue order with n, p, ] and [", async () => {
    mockScreen();
    const user = userEvent.setup();
    await openScreen(10);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Student 2 — Essay");
    expect(await screen.findByText("2 of 3 in the queue")).toBeTruthy();
    await user.keyboard("n");
    expect(await screen.findByRole("heading", { level: 1, name: "Student 3 — Essay" })).toBeTruthy();
    // The last has no next.
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Next" }).disabled).toBe(true);
    await user.keyboard("p");
    expect(await screen.findByRole("heading", { level: 1, name: "Student 2 — Essay" })).toBeTruthy();
    await user.keyboard("[[");
    expect(await screen.findByRole("heading", { level: 1, name: "Student 1 — Essay" })).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Previous" }).disabled).toBe(true);
    await user.keyboard("]");
    expect(await screen.findByRole("heading", { level: 1, name: "Student 2 — Essay" })).toBeTruthy();
  });

  it("shows who holds a claimed submission and grades nothing (409 already_claimed)", async () => {
    const { calls } = mockScreen({
      claim: () => json(409, { detail: "Another grader has claimed this submission.", code: "already_claimed", claimed_by: bob }),
    });
    const user = userEvent.setup();
    const form = await openScreen(9);
    expect(await screen.findByText(/Claimed by Bob Builder \(bob\)/)).toBeTruthy();
    expect(within(form).getByRole<HTMLButtonElement>("button", { name: "Save and next" }).disabled).toBe(true);
    const radios = within(form).getAllByRole<HTMLInputElement>("radio");
    expect(radios.every((r) => r.matches(":disabled"))).toBe(true);
    await user.keyboard("1{Control>}{Enter}{/Control}");
    expect(radios.some((r) => r.checked)).toBe(false);
    expect(calls.some((c) => c.path.endsWith("/grade/"))).toBe(false);
    // Nothing was held, so nothing is released; moving on still works.
    await user.keyboard("n");
    expect(await screen.findByRole("heading", { level: 1, name: "Student 2 — Essay" })).toBeTruthy();
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
  });

  it("marks anonymous grading with a badge and never shows the name of a pseudonymous student", async () => {
    mockScreen({ queue: [waiting(9, "Student 1"), waiting(10, null)] });
    const user = userEvent.setup();
    await openScreen(9);
    expect(screen.getByText("Anonymous grading")).toBeTruthy();
    expect(screen.queryByText(/Alice|alice/)).toBeNull();
    await user.keyboard("n");
    expect(await screen.findByRole("heading", { level: 1, name: "Alice Liddell (alice) — Essay" })).toBeTruthy();
    expect(screen.queryByText("Anonymous grading")).toBeNull();
  });

  it("falls back to the score field for a task without a rubric", async () => {
    const { calls } = mockScreen({ task: rubricTask({ rubric: null, anonymous_grading: false }) });
    const user = userEvent.setup();
    const form = await openScreen(9);
    expect(within(form).queryAllByRole("radio")).toHaveLength(0);
    const score = within(form).getByLabelText<HTMLInputElement>("Score (0–5 points)");
    await waitFor(() => expect(document.activeElement).toBe(score));
    await user.keyboard("7{Control>}{Enter}{/Control}");
    expect(within(form).getByText("Enter a score from 0 to 5.")).toBeTruthy();
    expect(calls.some((c) => c.path.endsWith("/grade/"))).toBe(false);
    await user.clear(score);
    await user.keyboard("4{Control>}{Enter}{/Control}");
    expect(await screen.findByRole("heading", { level: 1, name: "Student 2 — Essay" })).toBeTruthy();
    expect(JSON.parse(calls.find((c) => c.path === "/api/submissions/9/grade/")!.body)).toEqual({
      score: 4,
      feedback: "",
      reason: "",
    });
  });

  it("lists the shortcuts on ? and closes them with Escape", async () => {
    mockScreen();
    const user = userEvent.setup();
    await openScreen(9);
    await user.keyboard("?");
    const dialog = screen.getByRole("dialog", { name: "Keyboard shortcuts" });
    expect(within(dialog).getByRole("row", { name: /Ctrl\+Enter/ })).toBeTruthy();
    expect(within(dialog).getByRole("button", { name: "Close" })).toBe(document.activeElement);
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("is opened from the grading queue", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, grace),
      "GET /api/courses/arith/": () => json(200, { slug: "arith", title: "Arithmetic", my_role: "instructor", tasks: [] }),
      "GET /api/grading/queue/": () => json(200, page([makeSubmission(9, { status: "needs_review", task_title: "Essay" })])),
      "GET /api/submissions/(\\d+)/history/": () => json(200, []),
    });
    renderApp("/grading");
    const link = await screen.findByRole("link", { name: "Grade Alice Liddell (alice) — Essay from the keyboard" });
    expect(link.getAttribute("href")).toBe("/grading/submissions/9");
  });
});
