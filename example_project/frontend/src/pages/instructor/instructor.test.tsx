import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../../api/client";
import { fakeJwt } from "../../test/jwt";
import { makeCourse, makeTask, student } from "../../test/fixtures";
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
