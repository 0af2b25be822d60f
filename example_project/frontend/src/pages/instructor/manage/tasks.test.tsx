import { createEvent, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../../../api/client";
import type { CourseDetail, Task } from "../../../api/types";
import { makeCourse, makeTask } from "../../../test/fixtures";
import { fakeJwt } from "../../../test/jwt";
import { json, mockApi, page } from "../../../test/server";
import { MoveButtons } from "./MoveButtons";
import { StatusActions, publishBlocker } from "./StatusActions";
import { TaskRow, deleteQuestion } from "./TaskRow";
import { TasksTab, moveId } from "./TasksTab";

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

/** The reorder endpoint as the API answers it: the tasks in the order sent, positions 1..n. */
function reorderAnswer(tasks: Task[]) {
  return async (request: Request) => {
    const { order } = (await request.json()) as { order: number[] };
    const byId = new Map(tasks.map((t) => [t.id, t]));
    return json(200, page(order.map((id, index) => ({ ...byId.get(id)!, position: index + 1 }))));
  };
}

/** The tasks tab over a course whose reload does nothing (the reorder answer is shown). */
function Tab({ course, reload = () => undefined }: { course: CourseDetail; reload?: () => void }) {
  return <TasksTab course={course} reload={reload} />;
}

function titles() {
  return screen.getAllByText(/^Task \d$/, { selector: ".task-title" }).map((el) => el.textContent);
}

describe("moveId", () => {
  it("moves one id to a new index", () => {
    expect(moveId([1, 2, 3], 0, 2)).toEqual([2, 3, 1]);
    expect(moveId([1, 2, 3], 2, 0)).toEqual([3, 1, 2]);
    expect(moveId([1, 2, 3], 1, 2)).toEqual([1, 3, 2]);
  });
});

describe("MoveButtons", () => {
  it("names the task, disables the way out at an end, and ignores presses while busy", async () => {
    const onMove = vi.fn();
    const user = userEvent.setup();
    const { rerender } = render(<MoveButtons taskId={1} title="Sum" first last={false} busy={false} onMove={onMove} />);
    const up = screen.getByRole("button", { name: "Move “Sum” up" });
    expect(up.getAttribute("aria-disabled")).toBe("true");
    await user.click(up);
    expect(onMove).not.toHaveBeenCalled();
    await user.click(screen.getByRole("button", { name: "Move “Sum” down" }));
    expect(onMove).toHaveBeenCalledWith(1);
    rerender(<MoveButtons taskId={1} title="Sum" first={false} last={false} busy onMove={onMove} />);
    await user.click(screen.getByRole("button", { name: "Move “Sum” up" }));
    expect(onMove).toHaveBeenCalledTimes(1);
  });
});

describe("TasksTab reordering", () => {
  it("moves a task down with the keyboard, shows the server's order and keeps focus on the moved task", async () => {
    const tasks = [makeTask(1), makeTask(2), makeTask(3)];
    const { calls } = mockApi({ "POST /api/courses/arith/tasks/reorder/": reorderAnswer(tasks) });
    const reload = vi.fn();
    const user = userEvent.setup();
    render(<Tab course={makeCourse(tasks)} reload={reload} />);
    screen.getByRole("button", { name: "Move “Task 1” down" }).focus();
    await user.keyboard("{Enter}");
    await waitFor(() => expect(titles()).toEqual(["Task 2", "Task 1", "Task 3"]));
    expect(JSON.parse(calls[0]!.body)).toEqual({ order: [2, 1, 3] });
    expect(calls[0]!.url.searchParams.get("page_size")).toBe("100");
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Move “Task 1” down" }));
    expect(reload).toHaveBeenCalled();

    // At the bottom the pressed button keeps the focus, marked as unable to go further.
    await user.keyboard("{Enter}");
    await waitFor(() => expect(titles()).toEqual(["Task 2", "Task 3", "Task 1"]));
    const down = screen.getByRole("button", { name: "Move “Task 1” down" });
    expect(document.activeElement).toBe(down);
    expect(down.getAttribute("aria-disabled")).toBe("true");
  });

  it("shows the API's refusal and keeps the order", async () => {
    mockApi({
      "POST /api/courses/arith/tasks/reorder/": () =>
        json(400, { order: ["Every task of the course must be listed; [4] are missing."] }),
    });
    const user = userEvent.setup();
    render(<Tab course={makeCourse([makeTask(1), makeTask(2)])} />);
    await user.click(screen.getByRole("button", { name: "Move “Task 2” up" }));
    expect((await screen.findByRole("alert")).textContent).toContain("[4] are missing");
    expect(titles()).toEqual(["Task 1", "Task 2"]);
  });

  it("drops a dragged task where it is dropped", async () => {
    const tasks = [makeTask(1), makeTask(2), makeTask(3)];
    const { calls } = mockApi({ "POST /api/courses/arith/tasks/reorder/": reorderAnswer(tasks) });
    render(<Tab course={makeCourse(tasks)} />);
    const rows = screen.getAllByRole("listitem");
    const handle = rows[2]!.querySelector(".drag-handle")!;
    fireEvent.dragStart(handle);
    const over = createEvent.dragOver(rows[0]!);
    fireEvent(rows[0]!, over);
    expect(over.defaultPrevented).toBe(true);
    expect(rows[0]!.className).toBe("drop-target");
    fireEvent.drop(rows[0]!);
    await waitFor(() => expect(titles()).toEqual(["Task 3", "Task 1", "Task 2"]));
    expect(JSON.parse(calls[0]!.body)).toEqual({ order: [3, 1, 2] });
  });

  it("shows the course's order again once the course is read again", async () => {
    const tasks = [makeTask(1), makeTask(2)];
    mockApi({ "POST /api/courses/arith/tasks/reorder/": reorderAnswer(tasks) });
    function Reloading() {
      const [course, setCourse] = useState(makeCourse(tasks));
      return <Tab course={course} reload={() => setCourse(makeCourse([makeTask(2), makeTask(1), makeTask(3)]))} />;
    }
    const user = userEvent.setup();
    render(<Reloading />);
    await user.click(screen.getByRole("button", { name: "Move “Task 2” up" }));
    await waitFor(() => expect(titles()).toEqual(["Task 2", "Task 1", "Task 3"]));
  });
});

describe("TaskRow delete", () => {
  it("names the submission count before deleting, and deletes only after yes", async () => {
    const { calls } = mockApi({
      "GET /api/submissions/": () => json(200, { count: 3, next: "x", previous: null, results: [] }),
      "DELETE /api/tasks/1/": () => json(204, null),
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    const onSaved = vi.fn();
    const user = userEvent.setup();
    render(
      <ul>
        <TaskRow task={makeTask(1)} course={makeCourse([makeTask(1)])} onSaved={onSaved} />
      </ul>,
    );
    const remove = screen.getByRole("button", { name: /^Delete\s*Task 1$/ });
    await user.click(remove);
    await waitFor(() => expect(confirm).toHaveBeenCalledTimes(1));
    expect(confirm).toHaveBeenCalledWith("Delete “Task 1”? Its 3 submissions will be deleted with it. This cannot be undone.");
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(0);
    const listed = calls[0]!.url.searchParams;
    expect([listed.get("task"), listed.get("page_size")]).toEqual(["1", "1"]);

    await user.click(remove);
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(1);
  });

  it("says when a task has no submissions, and shows a failed delete", async () => {
    expect(deleteQuestion("Sum", 0)).toBe("Delete “Sum”? It has no submissions. This cannot be undone.");
    expect(deleteQuestion("Sum", 1)).toContain("Its 1 submission will");
    mockApi({
      "GET /api/submissions/": () => json(200, page([])),
      "DELETE /api/tasks/1/": () => json(404, { detail: "Not found.", code: "not_found" }),
    });
    vi.spyOn(window, "confirm").mockReturnValueOnce(true);
    const user = userEvent.setup();
    render(
      <ul>
        <TaskRow task={makeTask(1)} course={makeCourse([makeTask(1)])} onSaved={vi.fn()} />
      </ul>,
    );
    await user.click(screen.getByRole("button", { name: /^Delete\s*Task 1$/ }));
    expect((await screen.findByRole("alert")).textContent).toBe("Not found.");
  });
});

describe("TaskRow weight", () => {
  it("edits weight and max score, and shows the API's message on the field", async () => {
    const { calls } = mockApi({
      "PATCH /api/tasks/1/": async (request) => {
        const body = (await request.json()) as { weight: number };
        return body.weight > 100
          ? json(400, { weight: ["Ensure this value is less than or equal to 100."] })
          : json(200, makeTask(1, { weight: body.weight }));
      },
    });
    const user = userEvent.setup();
    const task = makeTask(1, { config: { answers: ["4"] } });
    render(
      <ul>
        <TaskRow task={task} course={makeCourse([task])} onSaved={vi.fn()} />
      </ul>,
    );
    await user.click(screen.getByRole("button", { name: /^Edit\s*Task 1$/ }));
    const form = screen.getByRole("group", { name: "Edit “Task 1”" });
    await user.clear(within(form).getByLabelText("Max score"));
    await user.type(within(form).getByLabelText("Max score"), "10");
    await user.clear(within(form).getByLabelText("Weight"));
    await user.type(within(form).getByLabelText("Weight"), "500");
    await user.click(screen.getByRole("button", { name: "Save task" }));
    await waitFor(() => expect(within(form).getByLabelText("Weight").getAttribute("aria-invalid")).toBe("true"));
    expect(within(form).getByText("Ensure this value is less than or equal to 100.")).toBeTruthy();
    // The editor also read the course's rubrics (GET); the write is the PATCH.
    const patched = calls.filter((c) => c.method === "PATCH");
    expect(JSON.parse(patched[0]!.body)).toMatchObject({ max_score: 10, weight: 500 });
  });
});

describe("StatusActions publishing", () => {
  it("explains before the click why a course without a visible task cannot be published", () => {
    render(<StatusActions course={makeCourse([makeTask(1, { is_published: false })], { status: "draft" })} onChange={vi.fn()} />);
    const publish = screen.getByRole<HTMLButtonElement>("button", { name: "Publish" });
    expect(publish.disabled).toBe(true);
    const why = document.getElementById(publish.getAttribute("aria-describedby")!);
    expect(why?.textContent).toBe("Publishing needs at least one task that is visible to students.");
    expect(publishBlocker(makeCourse([makeTask(1)]))).toBeNull();
  });

  it("shows the API's course_empty refusal when it happens anyway", async () => {
    mockApi({
      "POST /api/courses/arith/publish/": () =>
        json(409, { detail: "Publish at least one task before publishing the course.", code: "course_empty" }),
    });
    render(<StatusActions course={makeCourse([makeTask(1)], { status: "draft" })} onChange={vi.fn()} />);
    const publish = screen.getByRole("button", { name: "Publish" });
    expect(publish.getAttribute("aria-describedby")).toBeNull();
    await userEvent.setup().click(publish);
    expect((await screen.findByRole("alert")).textContent).toBe("Publish at least one task before publishing the course.");
  });
});
