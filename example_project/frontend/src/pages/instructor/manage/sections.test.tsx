import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../../../api/client";
import type { CourseRole, Enrollment, Gradebook, Section, Submission, User } from "../../../api/types";
import { fromLocalInput } from "../../../format";
import { makeCourse, makeSubmission, makeTask, student } from "../../../test/fixtures";
import { fakeJwt } from "../../../test/jwt";
import { renderApp } from "../../../test/render";
import { json, mockApi, page, type Handler } from "../../../test/server";
import { emptySectionDraft, newDateDraft, sectionDraftToRequest } from "./SectionsTab";

const grace = { ...student, id: 2, username: "grace", first_name: "Grace", last_name: "Hopper", role: "instructor" as const };
const hal = { ...student, id: 3, username: "hal", first_name: "Hal", last_name: "Abelson", role: "student" as const };
const lab = makeTask(1, {
  title: "Lab 1",
  kind: "manual",
  max_score: 5,
  opens_at: "2026-03-01T09:00:00Z",
  due_at: "2026-03-10T12:00:00Z",
  closes_at: "2026-03-15T12:00:00Z",
});
const quiz = makeTask(2, { title: "Quiz", due_at: "2026-03-20T12:00:00Z" });

function enrollment(id: number, user: { id: number; username: string; first_name: string; last_name: string }, role: CourseRole, section: number | null = null): Enrollment {
  return {
    id,
    user: { id: user.id, username: user.username, first_name: user.first_name, last_name: user.last_name },
    course: "arith",
    role,
    status: "active",
    section,
    created: "2026-01-01T00:00:00Z",
    modified: "2026-01-01T00:00:00Z",
  };
}

const ENROLLMENTS = [enrollment(1, grace, "instructor"), enrollment(2, hal, "assistant"), enrollment(3, student, "student", 10)];

const tuesday: Section = {
  id: 10,
  name: "Tuesday lab",
  staff: [3],
  dates: [{ task: 1, opens_at: null, due_at: "2026-03-12T12:00:00Z", closes_at: null }],
};

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

/** The course `arith` as `me` sees it (their course role `role`), its sections and enrollments. */
function mockCourse(sections: Section[], routes: Record<string, Handler> = {}, role: CourseRole = "instructor", me: User = grace) {
  return mockApi({
    "GET /api/auth/me/": () => json(200, me),
    "GET /api/courses/arith/": () => json(200, makeCourse([lab, quiz], { my_role: role })),
    "GET /api/courses/arith/sections/": () => json(200, sections),
    "GET /api/courses/arith/enrollments/": (request) => {
      const query = new URL(request.url).searchParams;
      return json(200, page(ENROLLMENTS.filter((e) => [null, e.role].includes(query.get("role") as CourseRole | null) && [null, e.status].includes(query.get("status") as Enrollment["status"] | null))));
    },
    ...routes,
  });
}

describe("sectionDraftToRequest", () => {
  it("sends empty dates as null and finds rows without a task", () => {
    const draft = emptySectionDraft();
    draft.name = " Tuesday ";
    draft.staff = [3];
    draft.dates = [{ ...newDateDraft(), task: "1", due_at: "2026-03-12T13:00" }];
    expect(sectionDraftToRequest(draft)).toEqual({
      body: { name: "Tuesday", staff: [3], dates: [{ task: 1, opens_at: null, due_at: fromLocalInput("2026-03-12T13:00"), closes_at: null }] },
    });
    draft.dates.push(newDateDraft());
    expect(sectionDraftToRequest(draft)).toEqual({ errors: { dates: { "1": { task: ["Choose a task."] } } } });
  });
});

describe("SectionsTab", () => {
  it("lists each section with its staff and dates, a null date showing as the task's own", async () => {
    mockCourse([tuesday, { id: 11, name: "Thursday lab", staff: [], dates: [] }]);
    renderApp("/teach/arith/sections");

    const card = (await screen.findByRole("heading", { name: "Tuesday lab" })).closest("section")!;
    expect(within(screen.getByRole("navigation", { name: "Course management" })).getByRole("link", { name: "Sections" }).getAttribute("aria-current")).toBe("page");
    expect(within(card).getByText("Hal Abelson (hal)")).toBeTruthy();
    const table = within(card).getByRole("table", { name: "Dates of Tuesday lab" });
    const cells = within(within(table).getAllByRole("row")[1]!).getAllByRole("cell");
    expect(within(table).getByRole("rowheader").textContent).toBe("Lab 1");
    expect(cells.map((c) => c.textContent)).toEqual(["task's own", expect.stringMatching(/2026/), "task's own"]);
    const other = screen.getByRole("heading", { name: "Thursday lab" }).closest("section")!;
    expect(within(other).getByText(/Staff:/).parentElement!.textContent).toBe("Staff: none");
    expect(within(other).getByText(/No dates of its own/)).toBeTruthy();
  });

  it("creates a section with a staff member and a later due date for one task", async () => {
    const sections: Section[] = [];
    const { calls } = mockCourse(sections, {
      "POST /api/courses/arith/sections/": async (request) => {
        const body = (await request.json()) as Omit<Section, "id">;
        const created = { id: 12, ...body };
        sections.push(created);
        return json(201, created);
      },
    });
    const user = userEvent.setup();
    renderApp("/teach/arith/sections");

    expect(await screen.findByText("No sections yet.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "New section" }));
    const form = screen.getByRole("form", { name: "New section" });
    await user.type(within(form).getByLabelText("Section name"), "Tuesday lab");
    // Only the course's staff are offered, not its students.
    const staff = within(form).getByRole("group", { name: "Staff" });
    expect(within(staff).getAllByRole("checkbox")).toHaveLength(2);
    await user.click(within(staff).getByLabelText("Hal Abelson (hal)"));
    await user.click(within(form).getByRole("button", { name: "Add dates for a task" }));
    const row = within(form).getByRole("group", { name: "Dates 1" });
    await user.selectOptions(within(row).getByLabelText("Task"), "Lab 1");
    // The task's own date is the hint of each field left empty.
    expect(within(row).getByLabelText("Due").getAttribute("aria-describedby")).toBeTruthy();
    expect(within(row).getAllByText(/Empty keeps the task's/)).toHaveLength(3);
    await user.type(within(row).getByLabelText("Due"), "2026-03-12T13:00");
    await user.click(within(form).getByRole("button", { name: "Save section" }));

    expect(await screen.findByText("Saved Tuesday lab.")).toBeTruthy();
    const post = calls.find((c) => c.method === "POST")!;
    expect(JSON.parse(post.body)).toEqual({
      name: "Tuesday lab",
      staff: [3],
      dates: [{ task: 1, opens_at: null, due_at: fromLocalInput("2026-03-12T13:00"), closes_at: null }],
    });
    expect(screen.queryByRole("form", { name: "New section" })).toBeNull();
    expect(await screen.findByRole("heading", { name: "Tuesday lab" })).toBeTruthy();
  });

  it("shows the API's 400 beside the date it is about, and a 409 as a message", async () => {
    let attempts = 0;
    mockCourse([tuesday], {
      "PUT /api/courses/arith/sections/10/": () => {
        attempts += 1;
        return attempts === 1
          ? json(400, { dates: { "0": { due_at: ["Must not be after the task's closes_at."] } } })
          : json(409, { detail: "The course already has a section of this name.", code: "conflict" });
      },
    });
    const user = userEvent.setup();
    renderApp("/teach/arith/sections");

    await user.click(await screen.findByRole("button", { name: "Edit Tuesday lab" }));
    const form = screen.getByRole("form", { name: "Edit Tuesday lab" });
    const row = within(form).getByRole("group", { name: "Dates 1" });
    expect(within(row).getByLabelText<HTMLSelectElement>("Task").value).toBe("1");
    const due = within(row).getByLabelText<HTMLInputElement>("Due");
    expect(due.value).not.toBe("");
    await user.clear(due);
    await user.type(due, "2026-03-20T12:00");
    await user.click(within(form).getByRole("button", { name: "Save section" }));

    const error = await within(row).findByText("Must not be after the task's closes_at.");
    expect(due.getAttribute("aria-invalid")).toBe("true");
    expect(due.getAttribute("aria-describedby")).toContain(error.id);
    expect(within(form).getByRole("alert").textContent).toBe("Please correct the errors below.");

    await user.click(within(form).getByRole("button", { name: "Save section" }));
    await waitFor(() => expect(within(form).getByRole("alert").textContent).toBe("The course already has a section of this name."));
    // Still open: nothing was saved.
    expect(screen.getByRole("form", { name: "Edit Tuesday lab" })).toBeTruthy();
  });

  it("asks before deleting a section", async () => {
    const sections = [tuesday];
    const { calls } = mockCourse(sections, {
      "DELETE /api/courses/arith/sections/10/": () => {
        sections.pop();
        return json(204, null);
      },
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    const user = userEvent.setup();
    renderApp("/teach/arith/sections");

    await user.click(await screen.findByRole("button", { name: "Delete Tuesday lab" }));
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    await user.click(screen.getByRole("button", { name: "Delete Tuesday lab" }));
    expect(await screen.findByText("Deleted Tuesday lab.")).toBeTruthy();
    expect(confirm).toHaveBeenCalledTimes(2);
    expect(await screen.findByText("No sections yet.")).toBeTruthy();
  });

  it("is read-only for an assistant", async () => {
    mockCourse([tuesday], {}, "assistant", { ...hal, role: "student" });
    renderApp("/teach/arith/sections");

    expect(await screen.findByRole("heading", { name: "Tuesday lab" })).toBeTruthy();
    expect(screen.getByText("Only the course's instructors change sections.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "New section" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Edit|Delete/ })).toBeNull();
  });
});

const book: Gradebook = { count: 0, next: null, previous: null, tasks: [], results: [] };

describe("section filter", () => {
  it("filters the gradebook and its CSV by section", async () => {
    const { calls } = mockCourse([tuesday], {
      "GET /api/courses/arith/gradebook/": (request) =>
        new URL(request.url).searchParams.get("format") === "csv"
          ? new Response("user_id\n", { status: 200, headers: { "Content-Type": "text/csv" } })
          : json(200, book),
    });
    URL.createObjectURL = () => "blob:gradebook";
    URL.revokeObjectURL = () => undefined;
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
    const user = userEvent.setup();
    renderApp("/teach/arith/gradebook");

    const select = await screen.findByLabelText("Section");
    expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual(["All sections", "Tuesday lab"]);
    const gradebook = () => calls.filter((c) => c.path === "/api/courses/arith/gradebook/");
    expect(gradebook()[0]!.url.searchParams.get("section")).toBeNull();
    await user.selectOptions(select, "Tuesday lab");
    await waitFor(() => expect(gradebook().at(-1)!.url.searchParams.get("section")).toBe("10"));
    await user.click(await screen.findByRole("button", { name: "Download CSV" }));
    await waitFor(() => expect(gradebook().at(-1)!.url.searchParams.get("format")).toBe("csv"));
    expect(gradebook().at(-1)!.url.searchParams.get("section")).toBe("10");
    delete (URL as unknown as Record<string, unknown>).createObjectURL;
    delete (URL as unknown as Record<string, unknown>).revokeObjectURL;
  });

  it("is not offered when the course has no sections", async () => {
    const { calls } = mockCourse([], { "GET /api/courses/arith/gradebook/": () => json(200, book) });
    renderApp("/teach/arith/gradebook");

    expect(await screen.findByText("No students yet.")).toBeTruthy();
    await waitFor(() => expect(calls.some((c) => c.path === "/api/courses/arith/sections/")).toBe(true));
    expect(screen.queryByLabelText("Section")).toBeNull();
  });

  it("filters the grading queue, waiting and graded, by section", async () => {
    const waiting: Submission = makeSubmission(9, { task: 1, task_title: "Lab 1", status: "needs_review", max_score: 5 });
    const { calls } = mockCourse([tuesday], {
      "GET /api/grading/queue/": () => json(200, page([waiting])),
      "GET /api/submissions/": () => json(200, page([])),
      "GET /api/courses/": () => json(200, page([])),
      "GET /api/courses/arith/grading/progress/": () => json(200, []),
      "GET /api/submissions/(\\d+)/history/": () => json(200, []),
    });
    const user = userEvent.setup();
    renderApp("/teach/arith/grading");

    const filters = await screen.findByRole("group", { name: "Filters" });
    await user.selectOptions(await within(filters).findByLabelText("Section"), "Tuesday lab");
    const queue = () => calls.filter((c) => c.path === "/api/grading/queue/");
    await waitFor(() => expect(queue().at(-1)!.url.searchParams.get("section")).toBe("10"));
    expect(queue()[0]!.url.searchParams.get("section")).toBeNull();

    await user.click(screen.getByRole("button", { name: "Graded" }));
    await waitFor(() => expect(calls.some((c) => c.path === "/api/submissions/")).toBe(true));
    expect(calls.find((c) => c.path === "/api/submissions/")!.url.searchParams.get("section")).toBe("10");
  });
});
