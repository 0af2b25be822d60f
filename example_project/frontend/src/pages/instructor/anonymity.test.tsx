import { render, screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../../api/client";
import type { Submission } from "../../api/types";
import { AnonymousBadge, StudentName } from "../../components/StudentName";
import { isPseudonym, studentName } from "../../format";
import { fakeJwt } from "../../test/jwt";
import { makeCourse, makeSubmission, makeTask, student } from "../../test/fixtures";
import { renderApp } from "../../test/render";
import { json, mockApi, page } from "../../test/server";
import { submissionHeading } from "./GradeForm";
import { draftToRequest, newTaskDraft, taskToDraft, withAnonymousGrading } from "./TaskEditor";

const grace = { ...student, id: 2, username: "grace", first_name: "Grace", last_name: "Hopper", role: "instructor" };
const essay = makeTask(5, { title: "Essay", kind: "manual", max_score: 5, release: "manual", anonymous_grading: true });

function masked(id: number, number: number, extra: Partial<Submission> = {}): Submission {
  return makeSubmission(id, {
    task: 5,
    task_title: "Essay",
    status: "needs_review",
    answer: `Answer ${id}`,
    score: 0,
    max_score: 5,
    user: null,
    student: { pseudonym: `Student ${number}` },
    released: false,
    ...extra,
  });
}

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

describe("student names", () => {
  it("tells a pseudonym from a user", () => {
    expect(isPseudonym({ pseudonym: "Student 3" })).toBe(true);
    expect(isPseudonym(student)).toBe(false);
    expect(studentName({ pseudonym: "Student 3" })).toBe("Student 3");
    expect(studentName(student)).toBe("Alice Liddell (alice)");
    expect(submissionHeading(masked(1, 4))).toBe("Student 4 — Essay");
  });

  it("badges a pseudonym as anonymous, and only a pseudonym", () => {
    const { rerender } = render(<StudentName student={{ pseudonym: "Student 2" }} />);
    expect(screen.getByText("Student 2")).toBeTruthy();
    expect(screen.getByText("Anonymous").getAttribute("title")).toContain("until the grade is released");
    rerender(<StudentName student={student} />);
    expect(screen.getByText("Alice Liddell (alice)")).toBeTruthy();
    expect(screen.queryByText("Anonymous")).toBeNull();
    rerender(<AnonymousBadge />);
    expect(screen.getByText("Anonymous").className).toContain("badge");
  });
});

describe("task editor", () => {
  it("sends anonymous_grading and moves an immediate task to a manual release", () => {
    const on = withAnonymousGrading(newTaskDraft("exact"), true);
    expect(on).toMatchObject({ anonymous_grading: true, release: "manual" });
    expect(withAnonymousGrading({ ...newTaskDraft("exact"), release: "after_due" }, true).release).toBe("after_due");
    expect(withAnonymousGrading(on, false)).toMatchObject({ anonymous_grading: false, release: "manual" });
    const request = draftToRequest({ ...on, title: "T", answers: "4" }, 1);
    expect(request).toMatchObject({ body: { anonymous_grading: true, release: "manual" } });
    expect(taskToDraft(essay).anonymous_grading).toBe(true);
  });
});

describe("grading queue under anonymous grading", () => {
  it("shows Student N with an Anonymous badge and never a name", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, grace),
      "GET /api/courses/arith/": () => json(200, makeCourse([essay], { my_role: "instructor" })),
      "GET /api/grading/queue/": () => json(200, page([masked(9, 1), masked(10, 2)])),
      "GET /api/submissions/(\\d+)/history/": () => json(200, []),
    });
    renderApp("/grading");
    const table = await screen.findByRole("table", { name: "Submissions waiting for a grade" });
    const heads = within(table).getAllByRole("rowheader");
    expect(heads.map((h) => h.textContent)).toEqual(["Student 1 Anonymous", "Student 2 Anonymous"]);
    const heading = await screen.findByRole("heading", { name: /^Student 1 Anonymous — Essay$/ });
    expect(within(heading).getByText("Anonymous")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Open Student 2 — Essay" })).toBeTruthy();
    expect(document.body.textContent).not.toContain("undefined");
  });
});
