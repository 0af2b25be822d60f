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
const bob = { id: 8, username: "bob", first_name: "Bob", last_name: "Builder" };
const manual = makeTask(5, { title: "Explain addition", kind: "manual", max_score: 5 });

/** A needs_review answer as the manual evaluator leaves it: 0 points and a placeholder note. */
function waiting(id: number, extra: Partial<Submission> = {}): Submission {
  return makeSubmission(id, {
    task: 5,
    task_title: "Explain addition",
    status: "needs_review",
    answer: `Answer ${id}`,
    score: 0,
    max_score: 5,
    feedback: "Awaiting review by course staff.",
    ...extra,
  });
}

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

function mockQueue(queue: Submission[]) {
  return mockApi({
    "GET /api/auth/me/": () => json(200, grace),
    "GET /api/courses/arith/": () => json(200, makeCourse([manual], { my_role: "instructor" })),
    "GET /api/grading/queue/": () => json(200, page(queue.filter((s) => s.status === "needs_review"))),
    "GET /api/submissions/": () => json(200, page(queue.filter((s) => s.status === "graded"))),
    "GET /api/courses/": () => json(200, page([])),
    "GET /api/courses/arith/grading/progress/": () => json(200, []),
    "GET /api/courses/arith/enrollments/": () => json(200, page([])),
    "GET /api/submissions/(\\d+)/history/": () => json(200, []),
    "POST /api/submissions/(\\d+)/grade/": async (request, match) => {
      const body = (await request.json()) as { score: number; feedback: string };
      const graded = queue.find((s) => s.id === Number(match[1]))!;
      return json(200, { ...graded, status: "graded", score: body.score, feedback: body.feedback });
    },
  });
}

describe("grading queue", () => {
  it("names the student, the task and the course of every waiting answer", async () => {
    const { calls } = mockQueue([
      waiting(9),
      waiting(10, { user: bob.id, student: bob, course: { slug: "writing", title: "Clear Writing" } }),
    ]);
    renderApp("/grading");

    const table = await screen.findByRole("table", { name: "Submissions waiting for a grade" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell").slice(0, 2).map((c) => c.textContent))).toEqual([
      ["Explain addition", "Arithmetic"],
      ["Explain addition", "Clear Writing"],
    ]);
    expect(within(rows[0]!).getByRole("rowheader").textContent).toBe("Alice Liddell (alice)");
    expect(within(rows[1]!).getByRole("rowheader").textContent).toBe("Bob Builder (bob)");
    expect(screen.queryByText(/User \d/)).toBeNull();
    expect(screen.queryByText(/task \d/)).toBeNull();
    // The oldest is open; one request gave every name.
    expect(screen.getByRole("form", { name: "Grade Alice Liddell (alice) — Explain addition, attempt 9" })).toBeTruthy();
    const listed = calls.filter((c) => c.path === "/api/grading/queue/");
    expect(listed).toHaveLength(1);
    const query = listed[0]!.url.searchParams;
    expect([query.get("assigned"), query.get("course"), query.get("task")]).toEqual(["any", null, null]);
  });

  it("starts the form empty and cannot save it without a score", async () => {
    const { calls } = mockQueue([waiting(9)]);
    const user = userEvent.setup();
    renderApp("/teach/arith/grading");

    const form = await screen.findByRole("form", { name: /Alice Liddell \(alice\) — Explain addition/ });
    const score = within(form).getByLabelText<HTMLInputElement>("Score (0–5 points)");
    const feedback = within(form).getByLabelText<HTMLTextAreaElement>(/Feedback/);
    // Neither the evaluator's 0 nor its placeholder note is offered as the grade.
    expect(score.value).toBe("");
    expect(feedback.value).toBe("");
    expect(score.required).toBe(true);
    const save = within(form).getByRole("button", { name: "Save grade" });
    expect((save as HTMLButtonElement).disabled).toBe(true);
    expect(within(form).getByText("Enter a score to save.")).toBeTruthy();

    await user.type(feedback, "Nice.");
    await user.type(score, "{Enter}");
    expect(calls.some((c) => c.path.endsWith("/grade/"))).toBe(false);

    await user.type(score, "7");
    await user.click(save);
    expect(within(form).getByText("Enter a score from 0 to 5.")).toBeTruthy();
    expect(calls.some((c) => c.path.endsWith("/grade/"))).toBe(false);
    // The per-course queue filters by the course.
    expect(calls.find((c) => c.path === "/api/grading/queue/")!.url.searchParams.get("course")).toBe("arith");
  });

  it("opens the next ungraded answer after saving, then says the queue is empty", async () => {
    const { calls } = mockQueue([waiting(9), waiting(10, { user: bob.id, student: bob })]);
    const user = userEvent.setup();
    renderApp("/teach/arith/grading");

    let form = await screen.findByRole("form", { name: /Alice Liddell/ });
    await user.type(within(form).getByLabelText("Score (0–5 points)"), "4");
    await user.type(within(form).getByLabelText(/Feedback/), "Good.");
    await user.click(within(form).getByRole("button", { name: "Save grade" }));

    form = await screen.findByRole("form", { name: /Bob Builder \(bob\) — Explain addition/ });
    const score = within(form).getByLabelText<HTMLInputElement>("Score (0–5 points)");
    expect(score.value).toBe("");
    await waitFor(() => expect(document.activeElement).toBe(score));
    expect(screen.getByText("Graded 1 submission.")).toBeTruthy();
    expect(screen.getByText("1 waiting, oldest first")).toBeTruthy();
    expect(JSON.parse(calls.find((c) => c.path === "/api/submissions/9/grade/")!.body)).toEqual({
      score: 4,
      feedback: "Good.",
      reason: "",
    });

    await user.type(score, "5");
    await user.click(within(form).getByRole("button", { name: "Save grade" }));
    expect(await screen.findByRole("heading", { name: "Queue empty" })).toBeTruthy();
    expect(screen.getByText("Graded 2 submissions.")).toBeTruthy();
    expect(screen.queryByRole("form", { name: /^Grade / })).toBeNull();
  });

  it("opens any waiting answer from the list", async () => {
    mockQueue([waiting(9), waiting(10, { user: bob.id, student: bob })]);
    const user = userEvent.setup();
    renderApp("/teach/arith/grading");
    await user.click(await screen.findByRole("button", { name: "Open Bob Builder (bob) — Explain addition" }));
    expect(screen.getByRole("form", { name: /Bob Builder/ })).toBeTruthy();
    expect(screen.queryByRole("form", { name: /Alice Liddell/ })).toBeNull();
  });

  it("says the queue is empty when nothing waits", async () => {
    mockQueue([]);
    renderApp("/grading");
    expect(await screen.findByRole("heading", { name: "Queue empty" })).toBeTruthy();
    expect(screen.getByText("No answer is waiting for a grade.")).toBeTruthy();
  });

  it("prefills the current grade only when overriding a graded answer", async () => {
    mockQueue([waiting(9, { status: "graded", score: 3, feedback: "Fine." })]);
    const user = userEvent.setup();
    renderApp("/teach/arith/grading");
    await user.click(await screen.findByRole("button", { name: "Graded" }));
    const form = await screen.findByRole("form", { name: /Alice Liddell/ });
    expect(within(form).getByLabelText<HTMLInputElement>("Score (0–5 points)").value).toBe("3");
    expect(within(form).getByLabelText<HTMLTextAreaElement>(/Feedback/).value).toBe("Fine.");
  });
});
