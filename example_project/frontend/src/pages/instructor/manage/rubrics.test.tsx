import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../../../api/client";
import type { Rubric, Submission } from "../../../api/types";
import { ScoreParts } from "../../../components/ScoreParts";
import { SubmissionList } from "../../../components/SubmissionList";
import { makeCourse, makeSubmission, makeTask } from "../../../test/fixtures";
import { fakeJwt } from "../../../test/jwt";
import { json, mockApi, page } from "../../../test/server";
import { TaskEditor, newTaskDraft, taskToDraft, draftToRequest as taskRequest } from "../TaskEditor";
import { RubricsTab, draftToRequest, emptyDraft, move } from "./RubricsTab";

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

function rubric(id: number, extra: Partial<Rubric> = {}): Rubric {
  return {
    id,
    title: "Style",
    version: 1,
    is_current: true,
    max_points: 3,
    in_use: false,
    criteria: [
      {
        id: 10,
        title: "Naming",
        description: "",
        levels: [
          { id: 100, title: "Poor", points: 0, description: "" },
          { id: 101, title: "Clear", points: 3, description: "" },
        ],
      },
    ],
    ...extra,
  };
}

describe("draftToRequest and move", () => {
  it("sends points as numbers and finds points that are no number", () => {
    const draft = emptyDraft();
    draft.title = " Essay ";
    const ok = draftToRequest(draft);
    expect("body" in ok && ok.body.title).toBe("Essay");
    expect("body" in ok && ok.body.criteria[0]?.levels.map((l) => l.points)).toEqual([0, 1]);
    draft.criteria[0]!.levels[1]!.points = "lots";
    expect(draftToRequest(draft)).toEqual({ errors: { criteria: { "0": { levels: { "1": { points: ["A valid number is required."] } } } } } });
  });

  it("moves an item and leaves the ends alone", () => {
    expect(move([1, 2, 3], 0, 1)).toEqual([2, 1, 3]);
    expect(move([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
  });
});

describe("RubricsTab", () => {
  it("lists the rubrics and builds a new one, showing the API's errors by field", async () => {
    const rubrics: Rubric[] = [rubric(1)];
    let attempts = 0;
    const { calls } = mockApi({
      "GET /api/courses/arith/rubrics/": () => json(200, rubrics),
      "POST /api/courses/arith/rubrics/": async (request) => {
        attempts += 1;
        if (attempts === 1) return json(400, { criteria: { "0": { levels: { "1": { points: ["Another level of this criterion is worth 0 points."] } } } } });
        const body = (await request.json()) as Rubric;
        const created = rubric(2, { title: body.title, max_points: 5 });
        rubrics.push(created);
        return json(201, created);
      },
    });
    const user = userEvent.setup();
    render(<RubricsTab course={makeCourse([])} />);
    expect(await screen.findByRole("heading", { name: /Style/ })).toBeTruthy();
    expect(screen.getByText("Poor (0) · Clear (3)")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "New rubric" }));
    const form = screen.getByRole("form", { name: "New rubric" });
    await user.type(within(form).getByLabelText("Rubric title"), "Essay");
    await user.type(within(form).getByLabelText("Criterion 1 title"), "Argument");
    await user.type(within(form).getByLabelText("Criterion 1 level 1 title"), "Weak");
    await user.type(within(form).getByLabelText("Criterion 1 level 2 title"), "Strong");
    await user.clear(within(form).getByLabelText("Criterion 1 level 2 points"));
    await user.type(within(form).getByLabelText("Criterion 1 level 2 points"), "0");
    await user.click(within(form).getByRole("button", { name: "Save rubric" }));
    expect(await within(form).findByText("Another level of this criterion is worth 0 points.")).toBeTruthy();
    expect(within(form).getByLabelText("Criterion 1 level 2 points").getAttribute("aria-invalid")).toBe("true");

    await user.clear(within(form).getByLabelText("Criterion 1 level 2 points"));
    await user.type(within(form).getByLabelText("Criterion 1 level 2 points"), "5");
    await user.click(within(form).getByRole("button", { name: "Add a criterion" }));
    await user.click(within(form).getByRole("button", { name: "Remove Criterion 2" }));
    await user.click(within(form).getByRole("button", { name: "Save rubric" }));
    expect(await screen.findByText("Saved Essay.")).toBeTruthy();
    const posted = calls.filter((c) => c.method === "POST").map((c) => JSON.parse(c.body) as { criteria: { title: string; levels: { title: string; points: number }[] }[] });
    expect(posted[1]?.criteria).toEqual([
      {
        title: "Argument",
        description: "",
        levels: [
          { title: "Weak", points: 0, description: "" },
          { title: "Strong", points: 5, description: "" },
        ],
      },
    ]);
  });

  it("reorders levels and edits a rubric in place of the old version", async () => {
    const { calls } = mockApi({
      "GET /api/courses/arith/rubrics/": () => json(200, [rubric(1, { in_use: true })]),
      "PUT /api/courses/arith/rubrics/1/": () => json(200, rubric(3, { version: 2 })),
    });
    const user = userEvent.setup();
    render(<RubricsTab course={makeCourse([])} />);
    await user.click(await screen.findByRole("button", { name: "Edit Style" }));
    await user.click(screen.getByRole("button", { name: "Move Criterion 1 level 2 up" }));
    await user.click(screen.getByRole("button", { name: "Save rubric" }));
    expect(await screen.findByText("Saved Style as version 2.")).toBeTruthy();
    const body = JSON.parse(calls.find((c) => c.method === "PUT")!.body) as { criteria: { levels: { title: string }[] }[] };
    expect(body.criteria[0]?.levels.map((l) => l.title)).toEqual(["Clear", "Poor"]);
  });

  it("shows the 409 of a rubric in use on delete", async () => {
    mockApi({
      "GET /api/courses/arith/rubrics/": () => json(200, [rubric(1)]),
      "DELETE /api/courses/arith/rubrics/1/": () => json(409, { detail: "The rubric is attached to a task or was used to grade.", code: "rubric_in_use" }),
    });
    vi.spyOn(window, "confirm").mockReturnValue(true);
    const user = userEvent.setup();
    render(<RubricsTab course={makeCourse([])} />);
    await user.click(await screen.findByRole("button", { name: "Delete Style" }));
    expect(await screen.findByText(/attached to a task or was used to grade/)).toBeTruthy();
  });

  it("copies a rubric to another course the user teaches", async () => {
    const { calls } = mockApi({
      "GET /api/courses/arith/rubrics/": () => json(200, [rubric(1)]),
      "GET /api/courses/": () => json(200, page([{ ...makeCourse([]), slug: "geo", title: "Geometry" }])),
      "POST /api/courses/arith/rubrics/1/copy/": () => json(201, rubric(9)),
    });
    const user = userEvent.setup();
    render(<RubricsTab course={makeCourse([])} />);
    await user.click(await screen.findByRole("button", { name: "Copy Style" }));
    await user.selectOptions(await screen.findByLabelText("Copy Style to"), await screen.findByRole("option", { name: "Geometry" }));
    await user.click(screen.getByRole("button", { name: "Copy" }));
    expect(await screen.findByText("Copied Style to Geometry.")).toBeTruthy();
    expect(JSON.parse(calls.find((c) => c.method === "POST")!.body)).toEqual({ course: "geo" });
  });
});

describe("the task editor's rubric", () => {
  it("offers the course's rubrics and sends the one chosen", async () => {
    mockApi({ "GET /api/courses/arith/rubrics/": () => json(200, [rubric(4)]) });
    const user = userEvent.setup();
    let draft = taskToDraft(makeTask(1, { rubric: null }));
    const onChange = vi.fn((next: typeof draft) => {
      draft = next;
    });
    render(<TaskEditor draft={draft} onChange={onChange} errors={{ rubric: ["Not a current rubric."] }} legend="Task" course="arith" />);
    const select = screen.getByLabelText("Rubric");
    await screen.findByRole("option", { name: "Style (3 points)" });
    expect(screen.getByText("Not a current rubric.")).toBeTruthy();
    await user.selectOptions(select, "4");
    expect(draft.rubric).toBe(4);
    const result = taskRequest(draft, 1);
    expect("body" in result && result.body.rubric).toBe(4);
  });

  it("sends no rubric key for a task of a new course", () => {
    const result = taskRequest(newTaskDraft("exact"), 1);
    expect("body" in result && "rubric" in result.body).toBe(false);
  });
});

describe("ScoreParts", () => {
  const parts: Submission["parts"] = {
    automatic: { score: 6, max_score: 6 },
    rubric: {
      score: 3,
      max_score: 4,
      criteria: [{ criterion: 10, title: "Naming", level: 101, level_title: "Clear", points: 3, max_points: 3, comment: "Good names" }],
    },
  };

  it("shows both parts and the chosen level of each criterion", () => {
    render(<ScoreParts parts={parts} label="attempt 1" />);
    expect(screen.getByText("Automatic part: 6 / 6 points")).toBeTruthy();
    expect(screen.getByText("Rubric: 3 / 4 points")).toBeTruthy();
    const row = screen.getByRole("row", { name: /Naming/ });
    expect(within(row).getByText("Clear")).toBeTruthy();
    expect(within(row).getByText("Good names")).toBeTruthy();
  });

  it("is not on a student's list before release", async () => {
    const hidden = makeSubmission(1, { status: "graded", released: false, score: null, parts: null });
    const shown = makeSubmission(2, { status: "graded", released: true, score: 9, max_score: 10, parts });
    render(<SubmissionList submissions={[hidden, shown]} />);
    await waitFor(() => expect(screen.getAllByRole("region", { name: /Score parts/ })).toHaveLength(1));
    expect(screen.getByRole("region", { name: "Score parts of attempt 2" })).toBeTruthy();
  });
});
