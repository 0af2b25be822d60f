import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../../api/client";
import type { GradeChange, Submission } from "../../api/types";
import { fakeJwt } from "../../test/jwt";
import { makeCourse, makeSubmission, makeTask, student } from "../../test/fixtures";
import { renderApp } from "../../test/render";
import { json, mockApi, page } from "../../test/server";
import { GRADE_CHANGE_KINDS, scoreChange } from "./GradeHistory";

const grace = { ...student, id: 2, username: "grace", first_name: "Grace", last_name: "Hopper", role: "instructor" };
const graceSummary = { id: 2, username: "grace", first_name: "Grace", last_name: "Hopper" };
const quiz = makeTask(5, { title: "Sums", kind: "exact", max_score: 10 });

function gradedSubmission(id: number, extra: Partial<Submission> = {}): Submission {
  return makeSubmission(id, { task: 5, task_title: "Sums", status: "graded", score: 10, max_score: 10, feedback: "", ...extra });
}

const auto: GradeChange = { at: "2026-03-02T10:00:00Z", actor: null, kind: "auto", old_score: null, new_score: 10, reason: "" };

/** The first render of a test file loads the app's modules: give it more than a second. */
const firstRender = { timeout: 5000 };

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

/** The API of a grading screen whose history endpoint keeps what the grade endpoint adds. */
function mockGrading(submissions: Submission[], history: Record<number, GradeChange[]>) {
  return mockApi({
    "GET /api/auth/me/": () => json(200, grace),
    "GET /api/courses/arith/": () => json(200, makeCourse([quiz], { my_role: "instructor" })),
    "GET /api/grading/queue/": () => json(200, page(submissions.filter((s) => s.status === "needs_review"))),
    "GET /api/courses/": () => json(200, page([])),
    "GET /api/courses/arith/grading/progress/": () => json(200, []),
    "GET /api/courses/arith/enrollments/": () => json(200, page([])),
    "GET /api/submissions/": (request) => {
      const status = new URL(request.url).searchParams.get("status");
      return json(200, page(submissions.filter((s) => s.status === status)));
    },
    "GET /api/submissions/(\\d+)/history/": (_request, match) => json(200, history[Number(match[1])] ?? []),
    "POST /api/submissions/(\\d+)/grade/": async (request, match) => {
      const id = Number(match[1]);
      const body = (await request.json()) as { score: number; feedback: string; reason: string };
      const before = submissions.find((s) => s.id === id)!;
      const entries = (history[id] ??= []);
      entries.push({
        at: "2026-03-04T09:12:00Z",
        actor: graceSummary,
        kind: before.status === "graded" ? "override" : "manual",
        old_score: before.status === "graded" ? before.score : null,
        new_score: body.score,
        reason: body.reason,
      });
      return json(200, { ...before, status: "graded", score: body.score, feedback: body.feedback });
    },
  });
}

/** Each history entry's text parts: kind, score change, "when · who", and the reason if any. */
function historyRows(): string[][] {
  const list = screen.getByRole("list", { name: "Grade history, oldest first" });
  return within(list)
    .getAllByRole("listitem")
    .map((item) => {
      const text = (selector: string) => item.querySelector(selector)?.textContent ?? "";
      const who = text(".muted").split(" · ")[1] ?? "";
      const reason = text(".grade-history__reason");
      return [who, text("strong"), text(".num"), ...(reason ? [reason] : [])];
    });
}

describe("grade history panel", () => {
  it("says who changed a grade, how, from what to what and why, oldest first", async () => {
    mockGrading([gradedSubmission(9)], {
      9: [auto, { at: "2026-03-03T08:00:00Z", actor: graceSummary, kind: "late_policy", old_score: 10, new_score: 6, reason: "The task's due date, close date or late policy changed." }],
    });
    const user = userEvent.setup();
    renderApp("/teach/arith/grading");
    await user.click(await screen.findByRole("button", { name: "Graded" }, firstRender));
    await screen.findByRole("table", { name: "Graded submissions" });
    const panel = await screen.findByRole("region", { name: "History" });
    await within(panel).findByRole("list", { name: "Grade history, oldest first" });
    expect(historyRows()).toEqual([
      ["automatic", "Graded automatically", "— → 10"],
      ["Grace Hopper (grace)", "Due date or late policy changed", "10 → 6", "The task's due date, close date or late policy changed."],
    ]);
  });

  it("lists graded answers latest first and shows an override with its reason at once", async () => {
    const { calls } = mockGrading([gradedSubmission(9)], { 9: [auto] });
    const user = userEvent.setup();
    renderApp("/teach/arith/grading");
    await user.click(await screen.findByRole("button", { name: "Graded" }, firstRender));
    const form = await screen.findByRole("form", { name: /Alice Liddell \(alice\) — Sums/ });
    const query = calls.filter((c) => c.path === "/api/submissions/").at(-1)!.url.searchParams;
    expect([query.get("status"), query.get("ordering"), query.get("course")]).toEqual(["graded", "-evaluated_at", "arith"]);
    expect(screen.getByRole("cell", { name: "10 / 10 points" })).toBeTruthy();

    const score = within(form).getByLabelText<HTMLInputElement>("Score (0–10 points)");
    expect(score.value).toBe("10");
    await user.clear(score);
    await user.type(score, "4");
    await user.type(within(form).getByLabelText(/^Reason/), "Copied from a neighbour.");
    await user.click(within(form).getByRole("button", { name: "Save grade" }));

    expect(await screen.findByText("Saved the grade of Alice Liddell (alice) — Sums.")).toBeTruthy();
    await waitFor(() => expect(historyRows()).toHaveLength(2));
    expect(historyRows()[1]).toEqual(["Grace Hopper (grace)", "Grade overridden", "10 → 4", "Copied from a neighbour."]);
    expect(JSON.parse(calls.find((c) => c.path === "/api/submissions/9/grade/")!.body)).toEqual({
      score: 4,
      feedback: "",
      reason: "Copied from a neighbour.",
    });
    // The answer stays open with its new score, and the reason field is empty again.
    expect(within(form).getByLabelText<HTMLInputElement>(/^Reason/).value).toBe("");
    expect(screen.getByRole("cell", { name: "4 / 10 points" })).toBeTruthy();
  });

  it("says so when an answer waiting for review has no grade yet", async () => {
    mockGrading([gradedSubmission(9, { status: "needs_review", score: 0 })], {});
    renderApp("/teach/arith/grading");
    const panel = await screen.findByRole("region", { name: "History" }, firstRender);
    expect(await within(panel).findByText("No grade yet.")).toBeTruthy();
  });

  it("names every kind in words and writes a missing score as a dash", () => {
    expect(Object.keys(GRADE_CHANGE_KINDS).sort()).toEqual(
      ["auto", "extension", "import", "late_days", "late_policy", "manual", "override", "regrade", "release"],
    );
    expect(scoreChange({ old_score: null, new_score: 7.5 })).toBe("— → 7.5");
    expect(scoreChange({ old_score: 7.5, new_score: null })).toBe("7.5 → —");
  });
});
