import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../../../api/client";
import { makeCourse, makeTask } from "../../../test/fixtures";
import { fakeJwt } from "../../../test/jwt";
import { json, mockApi } from "../../../test/server";
import { GradingTab } from "./GradingTab";
import { summarise, type PreviewResult } from "./gradingConfig";

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

const alice = { id: 7, username: "alice", first_name: "Alice", last_name: "Liddell" };
const bob = { id: 8, username: "bob", first_name: "Bob", last_name: "Builder" };

const PREVIEW: PreviewResult = {
  changed: 2,
  results: [
    {
      user: alice,
      old: { score: 8, max_score: 10, percent: 80, letter: "B" },
      new: { score: 92, max_score: 100, percent: 92, letter: "A" },
    },
    {
      user: bob,
      old: { score: 6, max_score: 10, percent: 60, letter: "D" },
      new: { score: 55, max_score: 100, percent: 55, letter: "D" },
    },
  ],
};

function course() {
  return makeCourse([makeTask(1, { title: "Quiz" }), makeTask(2, { title: "Exam" })], {
    my_role: "instructor",
    letter_grades: [
      { letter: "A", min_percent: 90 },
      { letter: "B", min_percent: 80 },
      { letter: "D", min_percent: 0 },
    ],
  });
}

describe("summarise", () => {
  it("counts the changes and finds the largest rise and fall", () => {
    const summary = summarise(PREVIEW);
    expect(summary.changed).toBe(2);
    expect(summary.largestRise).toBe(12);
    expect(summary.largestFall).toBe(5);
    expect(summary.letterChanges.map((row) => row.user.username)).toEqual(["alice"]);
  });
});

// Typing a whole set-up takes seconds when the suite runs in parallel on a busy machine.
describe("GradingTab", () => {
  it("previews a change, shows who moves, and applies it in an order the API accepts", async () => {
    let created = 10;
    const { calls } = mockApi({
      "GET /api/courses/arith/groups/": () => json(200, []),
      "POST /api/courses/arith/grading/preview/": () => json(200, PREVIEW),
      "POST /api/courses/arith/groups/": async (request) => {
        created += 1;
        const body = (await request.json()) as Record<string, unknown>;
        return json(201, { id: created, position: created - 10, ...body });
      },
      "PATCH /api/tasks/(\\d+)/": (_request, match) => json(200, makeTask(Number(match[1]))),
      "PATCH /api/courses/arith/": () => json(200, course()),
    });
    const onSaved = vi.fn();
    const user = userEvent.setup();
    render(<GradingTab course={course()} onSaved={onSaved} />);

    await user.click(await screen.findByRole("radio", { name: /Weighted groups/ }));
    await user.click(screen.getByRole("button", { name: "Add group" }));
    await user.type(screen.getByLabelText("Group 1 name"), "Quizzes");
    await user.clear(screen.getByLabelText("Group 1 weight"));
    await user.type(screen.getByLabelText("Group 1 weight"), "40");
    await user.click(screen.getByRole("button", { name: "Add group" }));
    await user.type(screen.getByLabelText("Group 2 name"), "Exams");
    await user.clear(screen.getByLabelText("Group 2 weight"));
    await user.type(screen.getByLabelText("Group 2 weight"), "50");
    expect(screen.getByTestId("weight-total").textContent).toBe(
      "Weights add up to 90%; 10% is left for tasks outside any group.",
    );
    await user.selectOptions(screen.getByLabelText("Group of Quiz"), "Quizzes");
    await user.selectOptions(screen.getByLabelText("Group of Exam"), "Exams");
    await user.click(screen.getByRole("button", { name: "Preview changes" }));

    expect((await screen.findByTestId("preview-summary")).textContent).toBe("2 students of 2 change.");
    expect(screen.getByText("Largest rise: +12.0 points")).toBeTruthy();
    expect(screen.getByText("Largest fall: -5.0 points")).toBeTruthy();
    const letters = screen.getByRole("table", { name: "Letter changes" });
    expect(within(letters).getAllByRole("row")).toHaveLength(2);
    expect(within(letters).getByText("Alice Liddell (alice)")).toBeTruthy();
    const previewCall = calls.find((c) => c.path.endsWith("/grading/preview/"))!;
    expect(JSON.parse(previewCall.body)).toEqual({
      grading_scheme: "weighted",
      letter_grades: [
        { letter: "A", min_percent: 90 },
        { letter: "B", min_percent: 80 },
        { letter: "D", min_percent: 0 },
      ],
      groups: [
        { id: -1, name: "Quizzes", weight: 40, drop_lowest: 0 },
        { id: -2, name: "Exams", weight: 50, drop_lowest: 0 },
      ],
      tasks: [
        { id: 1, group: -1 },
        { id: 2, group: -2 },
      ],
    });
    expect(calls.filter((c) => c.method !== "GET" && !c.path.endsWith("/preview/"))).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Apply" }));

    await screen.findByText("Grading settings applied.");
    expect(onSaved).toHaveBeenCalled();
    const writes = calls.filter((c) => c.method !== "GET" && !c.path.endsWith("/preview/"));
    expect(writes.map((c) => `${c.method} ${c.path} ${c.body}`)).toEqual([
      'POST /api/courses/arith/groups/ {"name":"Quizzes","weight":40,"drop_lowest":0}',
      'POST /api/courses/arith/groups/ {"name":"Exams","weight":50,"drop_lowest":0}',
      'PATCH /api/tasks/1/ {"group":11}',
      'PATCH /api/tasks/2/ {"group":12}',
      'PATCH /api/courses/arith/ {"grading_scheme":"weighted"}',
    ]);
  }, 20_000);

  it("cancels a preview without writing, and shows a refusal of the preview", async () => {
    let previews = 0;
    const { calls } = mockApi({
      "GET /api/courses/arith/groups/": () => json(200, [{ id: 3, name: "Homework", weight: 100, drop_lowest: 0, position: 1 }]),
      "POST /api/courses/arith/grading/preview/": () => {
        previews += 1;
        return previews === 1 ? json(200, { changed: 0, results: [] }) : json(400, { letter_grades: ["min_percent must be strictly decreasing, highest first."] });
      },
    });
    const user = userEvent.setup();
    render(<GradingTab course={course()} onSaved={vi.fn()} />);

    await user.clear(await screen.findByLabelText("Group 1 drop lowest"));
    await user.type(screen.getByLabelText("Group 1 drop lowest"), "1");
    await user.click(screen.getByRole("button", { name: "Preview changes" }));
    expect((await screen.findByTestId("preview-summary")).textContent).toBe("No student's score, percent or letter changes.");
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByTestId("preview-summary")).toBeNull();

    await user.clear(screen.getByLabelText("Letter 3 minimum %"));
    await user.type(screen.getByLabelText("Letter 3 minimum %"), "95");
    await user.click(screen.getByRole("button", { name: "Preview changes" }));
    expect(await screen.findByText("min_percent must be strictly decreasing, highest first.")).toBeTruthy();
    expect(calls.filter((c) => c.method !== "GET" && !c.path.endsWith("/preview/"))).toHaveLength(0);
  }, 20_000);

  it("uses a letter preset and waits for a recompute job the API answers 202 with", async () => {
    let polls = 0;
    const job = { id: 5, kind: "letters", created: "", started_at: null, finished_at: null, students_total: 300, error: "" };
    mockApi({
      "GET /api/courses/arith/groups/": () => json(200, []),
      "POST /api/courses/arith/grading/preview/": () => json(200, PREVIEW),
      "PATCH /api/courses/arith/": () => json(202, course(), { Location: "http://localhost/api/courses/arith/grading/jobs/5/" }),
      "GET /api/courses/arith/grading/jobs/5/": () => {
        polls += 1;
        return json(200, { ...job, state: polls < 3 ? "running" : "done", students_done: polls < 3 ? 120 : 300 });
      },
    });
    const onSaved = vi.fn();
    const user = userEvent.setup();
    render(<GradingTab course={course()} onSaved={onSaved} />);

    await user.click(await screen.findByRole("button", { name: "Use A–F" }));
    expect(screen.getByLabelText<HTMLInputElement>("Letter 5").value).toBe("F");
    await user.click(screen.getByRole("button", { name: "Preview changes" }));
    await user.click(await screen.findByRole("button", { name: "Apply" }));

    expect(await screen.findByText(/Recomputing…/)).toBeTruthy();
    await waitFor(() => expect(screen.getByText("Grading settings applied.")).toBeTruthy(), { timeout: 5000 });
    expect(polls).toBe(3);
    expect(onSaved).toHaveBeenCalled();
  }, 20_000);
});
