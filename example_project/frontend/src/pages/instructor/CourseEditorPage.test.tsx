import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../../api/client";
import { makeCourse, student } from "../../test/fixtures";
import { fakeJwt } from "../../test/jwt";
import { renderApp } from "../../test/render";
import { json, mockApi, page } from "../../test/server";

const grace = { ...student, id: 2, username: "grace", first_name: "Grace", last_name: "Hopper", role: "instructor" };

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

describe("CourseEditorPage slug", () => {
  it("sends a slug the instructor typed, and shows the API's error on it", async () => {
    const { calls } = mockApi({
      "GET /api/auth/me/": () => json(200, grace),
      "POST /api/courses/": () => json(400, { slug: ["A course with this slug already exists."] }),
    });
    const user = userEvent.setup();
    renderApp("/teach/new");
    await user.type(await screen.findByLabelText("Title"), "Algebra");
    const slug = screen.getByLabelText<HTMLInputElement>("Web address (slug)");
    await user.clear(slug);
    await user.type(slug, "intro");
    await user.type(screen.getByLabelText("Title"), " I");
    expect(slug.value).toBe("intro");
    await user.click(screen.getByRole("button", { name: "Create course" }));
    await waitFor(() => expect(slug.getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByText("A course with this slug already exists.")).toBeTruthy();
    expect(JSON.parse(calls.find((c) => c.method === "POST")!.body)).toMatchObject({ slug: "intro", title: "Algebra I" });
  });

  it("follows the title again once the slug is emptied, and then sends none", async () => {
    const { calls } = mockApi({
      "GET /api/auth/me/": () => json(200, grace),
      "POST /api/courses/": () => json(201, makeCourse([], { slug: "algebra-2", title: "Algebra", status: "draft" })),
      "GET /api/courses/algebra-2/": () => json(200, makeCourse([], { slug: "algebra-2", title: "Algebra", status: "draft", my_role: "instructor" })),
      "GET /api/courses/algebra-2/enrollments/": () => json(200, page([])),
    });
    const user = userEvent.setup();
    renderApp("/teach/new");
    const slug = await screen.findByLabelText<HTMLInputElement>("Web address (slug)");
    await user.type(slug, "mine");
    await user.clear(slug);
    await user.type(screen.getByLabelText("Title"), "Algebra");
    expect(slug.value).toBe("algebra");
    // The remove-task button of the one blank task: this test is about the course fields.
    await user.click(screen.getByRole("button", { name: /Remove task/ }));
    await user.click(screen.getByRole("button", { name: "Create course" }));
    expect(await screen.findByText(/Course created as a draft/)).toBeTruthy();
    expect(JSON.parse(calls.find((c) => c.method === "POST")!.body)).not.toHaveProperty("slug");
  });
});
