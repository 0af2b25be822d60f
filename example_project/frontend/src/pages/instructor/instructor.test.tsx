import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../../api/client";
import { fakeJwt } from "../../test/jwt";
import { makeCourse, makeSubmission, makeTask, student } from "../../test/fixtures";
import { renderApp } from "../../test/render";
import { json, mockApi, page } from "../../test/server";

const grace = { ...student, id: 2, username: "grace", first_name: "Grace", last_name: "Hopper", role: "instructor" };

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

describe("course authoring", () => {
  it("sends the course with its tasks and shows the API's errors by field", async () => {
    let attempt = 0;
    const { calls } = mockApi({
      "GET /api/auth/me/": () => json(200, grace),
      "POST /api/courses/": () => {
        attempt += 1;
        if (attempt === 1) {
          return json(400, { tasks: [{ config: { answers: ["A non-empty list of strings."] } }, {}] });
        }
        return json(201, makeCourse([], { slug: "algebra", title: "Algebra", status: "draft" }));
      },
      "GET /api/courses/algebra/": () =>
        json(200, makeCourse([], { slug: "algebra", title: "Algebra", status: "draft", my_role: "instructor", is_enrolled: false })),
      "GET /api/courses/algebra/enrollments/": () => json(200, page([])),
    });
    const user = userEvent.setup();
    renderApp("/teach/new");

    await user.type(await screen.findByLabelText("Title"), "Algebra");
    expect(screen.getByLabelText<HTMLInputElement>("Web address (slug)").value).toBe("algebra");
    const task1 = screen.getByRole("group", { name: "Task 1" });
    await user.type(within(task1).getByLabelText("Task title"), "Solve");
    await user.selectOptions(screen.getByLabelText("New task of type"), "choice");
    await user.click(screen.getByRole("button", { name: "Add task" }));
    const task2 = screen.getByRole("group", { name: "Task 2" });
    await user.type(within(task2).getByLabelText("Task title"), "Pick");
    await user.type(within(task2).getByLabelText("Option 1"), "yes");
    await user.type(within(task2).getByLabelText("Option 2"), "no");
    await user.click(screen.getByRole("button", { name: "Create course" }));

    const answers = within(task1).getByLabelText("Accepted answers");
    await waitFor(() => expect(answers.getAttribute("aria-invalid")).toBe("true"));
    expect(within(task1).getByText("A non-empty list of strings.")).toBeTruthy();

    const body = JSON.parse(calls.find((c) => c.method === "POST")!.body) as Record<string, unknown>;
    // The slug shown follows the title but is not sent: the server picks a free one.
    expect(body).not.toHaveProperty("slug");
    expect(body).toMatchObject({
      title: "Algebra",
      tasks: [
        { title: "Solve", kind: "exact", position: 1, config: { answers: [], case_sensitive: false } },
        { title: "Pick", kind: "choice", position: 2, config: { choices: ["yes", "no"], correct: [0], multiple: false } },
      ],
    });

    await user.type(answers, "x = 2");
    await user.click(screen.getByRole("button", { name: "Create course" }));
    expect(await screen.findByText(/Course created as a draft/)).toBeTruthy();
  });

  it("publishes a draft and reports a refused transition", async () => {
    let published = false;
    mockApi({
      "GET /api/auth/me/": () => json(200, grace),
      "GET /api/courses/algebra/": () =>
        json(200, makeCourse([makeTask(1)], { slug: "algebra", status: "draft", my_role: "instructor" })),
      "GET /api/courses/algebra/enrollments/": () => json(200, page([])),
      "POST /api/courses/algebra/publish/": () => {
        published = true;
        return json(200, makeCourse([makeTask(1)], { slug: "algebra", status: "published", my_role: "instructor" }));
      },
      "POST /api/courses/algebra/archive/": () =>
        json(409, { detail: "Archived courses cannot change.", code: "invalid_transition" }),
    });
    const user = userEvent.setup();
    renderApp("/teach/algebra");
    await user.click(await screen.findByRole("button", { name: "Publish" }));
    expect(await screen.findByRole("button", { name: "Archive" })).toBeTruthy();
    expect(published).toBe(true);

    window.confirm = () => true;
    await user.click(screen.getByRole("button", { name: "Archive" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Archived courses cannot change.");
  });
});

describe("grading", () => {
  it("grades a manual answer and takes it off the queue", async () => {
    const manual = makeTask(5, { title: "Explain", kind: "manual", max_score: 5 });
    const waiting = makeSubmission(9, { task: 5, status: "needs_review", answer: "Because.", max_score: 5 });
    const { calls } = mockApi({
      "GET /api/auth/me/": () => json(200, grace),
      "GET /api/courses/arith/": () => json(200, makeCourse([manual], { my_role: "instructor" })),
      "GET /api/courses/arith/enrollments/": () =>
        json(200, page([{ id: 1, user: student, course: "arith", role: "student", status: "active", created: "2026-01-01T00:00:00Z" }])),
      "GET /api/submissions/": () => json(200, page([waiting])),
      "POST /api/submissions/9/grade/": () => json(200, { ...waiting, status: "graded", score: 4, feedback: "Good." }),
    });
    const user = userEvent.setup();
    renderApp("/teach/arith/grading");

    const form = await screen.findByRole("form", { name: /Alice Liddell \(alice\) — Explain/ });
    await user.type(within(form).getByLabelText("Score (0–5)"), "7");
    await user.click(within(form).getByRole("button", { name: "Save grade" }));
    expect(within(form).getByText("Enter a score from 0 to 5.")).toBeTruthy();
    expect(calls.some((c) => c.path.endsWith("/grade/"))).toBe(false);

    await user.clear(within(form).getByLabelText("Score (0–5)"));
    await user.type(within(form).getByLabelText("Score (0–5)"), "4");
    await user.type(within(form).getByLabelText("Feedback"), "Good.");
    await user.click(within(form).getByRole("button", { name: "Save grade" }));
    expect(await screen.findByText("Graded 1 submission.")).toBeTruthy();
    expect(screen.getByText(/Nothing to grade/)).toBeTruthy();
    const grade = calls.find((c) => c.path === "/api/submissions/9/grade/")!;
    expect(JSON.parse(grade.body)).toEqual({ score: 4, feedback: "Good.", reason: "" });
    const queue = calls.find((c) => c.path === "/api/submissions/")!;
    expect(queue.url.searchParams.get("status")).toBe("needs_review");
    expect(queue.url.searchParams.get("course")).toBe("arith");
  });
});
