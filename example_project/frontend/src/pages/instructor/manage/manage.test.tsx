import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../../../api/client";
import { makeCourse, makeTask } from "../../../test/fixtures";
import { fakeJwt } from "../../../test/jwt";
import { json, mockApi } from "../../../test/server";
import { StatusActions } from "./StatusActions";
import { TaskRow } from "./TaskRow";
import { TasksTab } from "./TasksTab";

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

describe("StatusActions", () => {
  it("publishes a draft and hands back the updated course", async () => {
    mockApi({ "POST /api/courses/arith/publish/": () => json(200, makeCourse([], { status: "published" })) });
    const course = makeCourse([makeTask(1)], { status: "draft" });
    const onChange = vi.fn();
    render(<StatusActions course={course} onChange={onChange} />);
    await userEvent.setup().click(screen.getByRole("button", { name: "Publish" }));
    await waitFor(() => expect(onChange).toHaveBeenCalledWith(expect.objectContaining({ slug: "arith", status: "published" })));
  });

  it("archives only after a confirmation, and shows a refusal", async () => {
    const { calls } = mockApi({
      "POST /api/courses/arith/archive/": () => json(409, { detail: "Not now.", code: "invalid_transition" }),
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    const user = userEvent.setup();
    render(<StatusActions course={makeCourse([])} onChange={vi.fn()} />);
    await user.click(screen.getByRole("button", { name: "Archive" }));
    expect(calls).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Archive" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Not now.");
    expect(confirm).toHaveBeenCalledTimes(2);
  });
});

describe("TaskRow", () => {
  it("hides a task", async () => {
    const { calls } = mockApi({ "PATCH /api/tasks/1/": () => json(200, makeTask(1, { is_published: false })) });
    const onSaved = vi.fn();
    render(
      <ul>
        <TaskRow task={makeTask(1)} course={makeCourse([makeTask(1)])} onSaved={onSaved} />
      </ul>,
    );
    await userEvent.setup().click(screen.getByRole("button", { name: /^Hide\s*Task 1$/ }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(JSON.parse(calls[0]!.body)).toEqual({ is_published: false });
  });

  it("edits in place, keeps the form open on a 400 and closes it once saved", async () => {
    let attempt = 0;
    const { calls } = mockApi({
      "PATCH /api/tasks/1/": () => {
        attempt += 1;
        return attempt === 1 ? json(400, { title: ["Too long."] }) : json(200, makeTask(1, { title: "Sum" }));
      },
    });
    const onSaved = vi.fn();
    const user = userEvent.setup();
    const task = makeTask(1, { config: { answers: ["4"], case_sensitive: false } });
    render(
      <ul>
        <TaskRow task={task} course={makeCourse([task])} onSaved={onSaved} />
      </ul>,
    );
    await user.click(screen.getByRole("button", { name: /^Edit\s*Task 1$/ }));
    const form = screen.getByRole("group", { name: "Edit “Task 1”" });
    expect(within(form).getByLabelText<HTMLTextAreaElement>("Accepted answers").value).toBe("4");
    await user.clear(within(form).getByLabelText("Task title"));
    await user.type(within(form).getByLabelText("Task title"), "Sum");
    await user.click(screen.getByRole("button", { name: "Save task" }));
    await waitFor(() => expect(within(form).getByLabelText("Task title").getAttribute("aria-invalid")).toBe("true"));
    expect(onSaved).not.toHaveBeenCalled();

    await user.click(screen.getByRole("button", { name: "Save task" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect(screen.queryByRole("group", { name: "Edit “Task 1”" })).toBeNull();
    // The editor also read the course's rubrics and group sets (GETs); the second write is the PATCH that saved.
    const patches = calls.filter((c) => c.method === "PATCH");
    expect(JSON.parse(patches[1]!.body)).toMatchObject({ title: "Sum", position: 1, config: { answers: ["4"] } });
  });
});

describe("TasksTab", () => {
  it("adds a task at the end of the course", async () => {
    const { calls } = mockApi({ "POST /api/courses/arith/tasks/": () => json(201, makeTask(3)) });
    const reload = vi.fn();
    const user = userEvent.setup();
    render(<TasksTab course={makeCourse([makeTask(1), makeTask(2)])} reload={reload} />);
    expect(screen.getAllByRole("listitem")).toHaveLength(2);

    await user.click(screen.getByRole("button", { name: "Add a task" }));
    const form = screen.getByRole("group", { name: "New task" });
    await user.type(within(form).getByLabelText("Task title"), "Third");
    await user.type(within(form).getByLabelText("Accepted answers"), "x");
    await user.click(screen.getByRole("button", { name: "Add task" }));
    await waitFor(() => expect(reload).toHaveBeenCalled());
    expect(screen.queryByRole("group", { name: "New task" })).toBeNull();
    // The editor also read the course's rubrics (GET); the write is the POST.
    const posted = calls.filter((c) => c.method === "POST");
    expect(JSON.parse(posted[0]!.body)).toMatchObject({ title: "Third", position: 3, config: { answers: ["x"] } });
  });

  it("closes the new-task form with Remove task, and opens a fresh one", async () => {
    mockApi({ "POST /api/courses/arith/tasks/": () => json(400, { title: ["This field may not be blank."] }) });
    const user = userEvent.setup();
    render(<TasksTab course={makeCourse([])} reload={vi.fn()} />);
    expect(screen.getByText("No tasks yet.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Add a task" }));
    await user.click(screen.getByRole("button", { name: "Add task" }));
    expect(await screen.findByText("This field may not be blank.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Remove task" }));
    await user.click(screen.getByRole("button", { name: "Add a task" }));
    expect(screen.queryByText("This field may not be blank.")).toBeNull();
  });
});
