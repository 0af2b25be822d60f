import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../api/client";
import type { SubmissionComment } from "../api/types";
import { fakeJwt } from "../test/jwt";
import { student } from "../test/fixtures";
import { renderApp } from "../test/render";
import { json, mockApi, page } from "../test/server";
import { makeCourse, makeProgress, makeSubmission, makeTask } from "../test/fixtures";
import { CommentThread, CommentsDisclosure } from "./CommentThread";

vi.setConfig({ testTimeout: 20_000 });
const loaded = { timeout: 5_000 };

const ada = { id: student.id, username: student.username, first_name: student.first_name, last_name: student.last_name };
const grace = { id: 2, username: "grace", first_name: "Grace", last_name: "Hopper" };

function makeComment(id: number, extra: Partial<SubmissionComment> = {}): SubmissionComment {
  return { id, author: ada, body: `Comment ${id}`, created: "2026-03-11T09:00:00Z", ...extra };
}

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

describe("CommentThread", () => {
  it("lists the thread oldest first, reading every page", async () => {
    mockApi({
      "GET /api/submissions/3/comments/": (request) => {
        const pageNo = new URL(request.url).searchParams.get("page");
        return pageNo === "2"
          ? json(200, { count: 3, next: null, previous: "p1", results: [makeComment(3, { author: null, body: "Third" })] })
          : json(200, {
              count: 3,
              next: "p2",
              previous: null,
              results: [makeComment(1, { body: "First" }), makeComment(2, { author: grace, body: "Second" })],
            });
      },
    });
    render(<CommentThread submissionId={3} />);
    const list = await screen.findByRole("list", { name: "Comments, oldest first" }, loaded);
    const items = within(list).getAllByRole("listitem");
    expect(items.map((item) => item.querySelector(".comment__body")?.textContent)).toEqual(["First", "Second", "Third"]);
    expect(within(items[1]!).getByText("Grace Hopper (grace)")).toBeTruthy();
    expect(within(items[2]!).getByText("Deleted user")).toBeTruthy();
    // A student has no "visible before release" checkbox.
    expect(screen.queryByLabelText("Visible before release")).toBeNull();
  });

  it("shows the loading state, then an error with a retry", async () => {
    let fail = true;
    mockApi({
      "GET /api/submissions/3/comments/": () =>
        fail ? json(500, { detail: "Server error.", code: "error" }) : json(200, page([makeComment(1)])),
    });
    const user = userEvent.setup();
    render(<CommentThread submissionId={3} />);
    expect(screen.getByText("Loading the comments…")).toBeTruthy();
    const alert = await screen.findByRole("alert", {}, loaded);
    fail = false;
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("Comment 1", {}, loaded)).toBeTruthy();
  });

  it("a student posts a question; blank is refused before sending", async () => {
    const { calls } = mockApi({
      "GET /api/submissions/3/comments/": () => json(200, page([])),
      "POST /api/submissions/3/comments/": async (request) => {
        const body = (await request.json()) as { body: string };
        return json(201, makeComment(7, { body: body.body }));
      },
    });
    const user = userEvent.setup();
    render(<CommentThread submissionId={3} />);
    expect(await screen.findByText("No comments yet.", {}, loaded)).toBeTruthy();
    const form = screen.getByRole("form", { name: "Add a comment" });
    await user.click(within(form).getByRole("button", { name: "Send comment" }));
    expect(await within(form).findByText("Write a comment first.")).toBeTruthy();
    expect(calls.some((c) => c.method === "POST")).toBe(false);

    const box = within(form).getByLabelText<HTMLTextAreaElement>("Ask course staff");
    await user.type(box, "Why 4 points?");
    await user.click(within(form).getByRole("button", { name: "Send comment" }));
    expect(await screen.findByText("Why 4 points?")).toBeTruthy();
    expect(box.value).toBe("");
    const post = calls.find((c) => c.method === "POST")!;
    expect(JSON.parse(post.body)).toEqual({ body: "Why 4 points?" });
  });

  it("staff send visible_before_release and see the flag", async () => {
    const { calls } = mockApi({
      "GET /api/submissions/3/comments/": () =>
        json(200, page([makeComment(1, { visible_before_release: false }), makeComment(2, { author: grace, visible_before_release: true })])),
      "POST /api/submissions/3/comments/": async (request) => {
        const body = (await request.json()) as { body: string; visible_before_release: boolean };
        return json(201, makeComment(8, { author: grace, body: body.body, visible_before_release: body.visible_before_release }));
      },
    });
    const user = userEvent.setup();
    render(<CommentThread submissionId={3} staff />);
    const list = await screen.findByRole("list", { name: "Comments, oldest first" }, loaded);
    expect(within(list).getAllByText("Visible before release")).toHaveLength(1);
    await user.type(screen.getByLabelText("Comment to the student"), "Look at line 3.");
    await user.click(screen.getByLabelText("Visible before release"));
    await user.click(screen.getByRole("button", { name: "Send comment" }));
    expect(await screen.findByText("Look at line 3.")).toBeTruthy();
    expect(within(list).getAllByText("Visible before release")).toHaveLength(2);
    const post = calls.find((c) => c.method === "POST")!;
    expect(JSON.parse(post.body)).toEqual({ body: "Look at line 3.", visible_before_release: true });
    expect(screen.getByLabelText<HTMLInputElement>("Visible before release").checked).toBe(false);
  });

  it("shows the server's field errors and other failures", async () => {
    let answer = json(400, { body: ["Ensure this field has no more than 10000 characters (10001)."] });
    mockApi({
      "GET /api/submissions/3/comments/": () => json(200, page([])),
      "POST /api/submissions/3/comments/": () => answer,
    });
    const user = userEvent.setup();
    render(<CommentThread submissionId={3} staff />);
    await screen.findByText("No comments yet.", {}, loaded);
    const box = screen.getByLabelText("Comment to the student");
    await user.type(box, "x");
    await user.click(screen.getByRole("button", { name: "Send comment" }));
    expect(await screen.findByText(/no more than 10000 characters/)).toBeTruthy();
    expect(box.getAttribute("aria-invalid")).toBe("true");
    answer = json(404, { detail: "Not found.", code: "not_found" });
    await user.click(screen.getByRole("button", { name: "Send comment" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/not found/i);
  });
});

describe("CommentsDisclosure", () => {
  it("reads the thread only when opened", async () => {
    const { calls } = mockApi({ "GET /api/submissions/3/comments/": () => json(200, page([makeComment(1)])) });
    const user = userEvent.setup();
    render(<CommentsDisclosure submissionId={3} />);
    const button = screen.getByRole("button", { name: "Comments" });
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(calls).toHaveLength(0);
    await user.click(button);
    expect(await screen.findByText("Comment 1", {}, loaded)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Hide comments" }).getAttribute("aria-expanded")).toBe("true");
  });

  it("is on the student's task page under each own submission", async () => {
    const quiz = makeTask(1, { title: "Add", max_score: 10 });
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse([quiz])),
      "GET /api/courses/arith/progress/": () => json(200, makeProgress([])),
      "GET /api/submissions/": () => json(200, page([makeSubmission(3, { status: "graded", score: 4, max_score: 10 })])),
      "GET /api/regrade-requests/": () => json(200, page([])),
      "GET /api/submissions/3/comments/": () => json(200, page([makeComment(1, { body: "My question" })])),
    });
    const user = userEvent.setup();
    renderApp("/courses/arith/tasks/1");
    await user.click(await screen.findByRole("button", { name: "Comments" }, loaded));
    expect(await screen.findByText("My question", {}, loaded)).toBeTruthy();
  });
});
