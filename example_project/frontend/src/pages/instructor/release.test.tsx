import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../../api/client";
import { SubmissionList } from "../../components/SubmissionList";
import { isGradeHidden } from "../../domain";
import { makeCourse, makeSubmission, makeTask } from "../../test/fixtures";
import { fakeJwt } from "../../test/jwt";
import { json, mockApi } from "../../test/server";
import { TaskRow, canRelease, releaseQuestion } from "./manage/TaskRow";
import { RELEASE_HINTS, TaskEditor, draftToRequest, newTaskDraft, taskToDraft, type TaskDraft } from "./TaskEditor";

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

describe("the task editor's Release select", () => {
  function Editor() {
    const [draft, setDraft] = useState<TaskDraft>(newTaskDraft("exact"));
    return <TaskEditor legend="Task" draft={draft} onChange={setDraft} errors={{}} otherTasks={[]} />;
  }

  it("defaults to immediate, hints that after_due waits without a due date, and sends the mode", async () => {
    const user = userEvent.setup();
    render(<Editor />);
    const select = screen.getByLabelText("Release");
    expect((select as HTMLSelectElement).value).toBe("immediate");
    await user.selectOptions(select, "after_due");
    expect(screen.getByText(RELEASE_HINTS.after_due)).toBeTruthy();
    expect(RELEASE_HINTS.after_due).toContain("Without a due date it waits for a manual release");
    expect(draftToRequest({ ...newTaskDraft("exact"), release: "manual" }, 1)).toMatchObject({ body: { release: "manual" } });
    expect(taskToDraft(makeTask(1, { release: "after_due", config: {} })).release).toBe("after_due");
  });
});

describe("TaskRow Release grades", () => {
  it("asks first, then releases, and offers nothing once released or for immediate tasks", async () => {
    const task = makeTask(1, { release: "manual" });
    const { calls } = mockApi({
      "POST /api/tasks/1/release/": () => json(200, { ...task, released_at: "2026-03-10T12:00:00Z" }),
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    const onSaved = vi.fn();
    const user = userEvent.setup();
    const { rerender } = render(
      <ul>
        <TaskRow task={task} course={makeCourse([task])} onSaved={onSaved} />
      </ul>,
    );
    expect(screen.getByText("Grades not released")).toBeTruthy();
    const button = screen.getByRole("button", { name: /^Release grades\s*of Task 1$/ });
    await user.click(button);
    expect(confirm).toHaveBeenCalledWith(releaseQuestion("Task 1"));
    expect(calls).toHaveLength(0);
    await user.click(button);
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /api/tasks/1/release/"]);

    const released = { ...task, released_at: "2026-03-10T12:00:00Z" };
    rerender(
      <ul>
        <TaskRow task={released} course={makeCourse([released])} onSaved={onSaved} />
      </ul>,
    );
    expect(screen.queryByRole("button", { name: /Release grades/ })).toBeNull();
    expect(screen.getByText("Grades released")).toBeTruthy();
    expect(canRelease(makeTask(2))).toBe(false);
    expect(canRelease(makeTask(2, { release: "after_due" }))).toBe(true);
  });

  it("shows a 409 already_released", async () => {
    const task = makeTask(1, { release: "manual" });
    mockApi({
      "POST /api/tasks/1/release/": () =>
        json(409, { detail: "The scores of this task are already released.", code: "already_released" }),
    });
    vi.spyOn(window, "confirm").mockReturnValueOnce(true);
    const user = userEvent.setup();
    render(
      <ul>
        <TaskRow task={task} course={makeCourse([task])} onSaved={vi.fn()} />
      </ul>,
    );
    await user.click(screen.getByRole("button", { name: /^Release grades/ }));
    expect((await screen.findByRole("alert")).textContent).toBe("The scores of this task are already released.");
  });
});

describe("the student's submissions before release", () => {
  it("say graded without a score, and show the score once released", () => {
    const hidden = makeSubmission(1, { status: "graded", released: false, score: null, feedback: null });
    const shown = makeSubmission(2, { status: "graded", released: true, score: 1, feedback: "Correct." });
    // Staff read released: false with the score: that is not hidden.
    expect(isGradeHidden({ status: "graded", released: false, score: 1 })).toBe(false);
    render(<SubmissionList submissions={[shown, hidden]} />);
    const [second, first] = screen.getAllByRole("listitem");
    expect(within(first!).getByText("Graded — score not released yet")).toBeTruthy();
    expect(within(first!).queryByText(/\d+ \/ \d+|point/)).toBeNull();
    expect(within(second!).queryByText("Graded — score not released yet")).toBeNull();
    expect(within(second!).getByText(/Correct\./)).toBeTruthy();
  });
});

describe("notifications of unreleased grades", () => {
  it("say graded without a score, and name the release", async () => {
    const { describe: text } = await import("../../notifications/notifications");
    const base = { id: 1, created: "2026-03-01T09:00:00Z", read_at: null };
    const about = { task: { id: 5, title: "Quiz" }, course: { slug: "arith", title: "Arithmetic" } };
    expect(
      text({ ...base, kind: "submission_graded", data: { ...about, released: false, score: null, max_score: 1 } }),
    ).toBe("Your submission to “Quiz” in Arithmetic was graded; the score is not released yet.");
    expect(text({ ...base, kind: "grades_released", data: about })).toBe("Grades of “Quiz” in Arithmetic are released.");
  });
});
