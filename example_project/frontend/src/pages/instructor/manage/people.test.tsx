import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../../../api/client";
import type { Enrollment, Extension } from "../../../api/types";
import { makeCourse, makeTask, student } from "../../../test/fixtures";
import { fakeJwt } from "../../../test/jwt";
import { json, mockApi, page } from "../../../test/server";
import { EnrollmentsTab, personKey } from "./EnrollmentsTab";
import { ExtensionsTab } from "./ExtensionsTab";
import { SettingsTab } from "./SettingsTab";

const bob = { id: 8, username: "bob", first_name: "Bob", last_name: "Builder" };
const grace = { id: 2, username: "grace", first_name: "Grace", last_name: "Hopper" };
const alice = { id: student.id, username: student.username, first_name: student.first_name, last_name: student.last_name };

function enrollment(id: number, user: Enrollment["user"], role: Enrollment["role"]): Enrollment {
  return { id, user, course: "arith", role, status: "active", section: null, created: "2026-01-01T00:00:00Z", modified: "2026-01-01T00:00:00Z" };
}

function extension(id: number, user: Extension["user"], task: number | null, extra: Partial<Extension> = {}): Extension {
  return {
    id,
    user,
    course: "arith",
    task,
    due_at: "2030-06-01T15:00:00Z",
    reason: "",
    granted_by: grace,
    created: "2026-03-01T00:00:00Z",
    modified: "2026-03-01T00:00:00Z",
    ...extra,
  };
}

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

describe("personKey", () => {
  it("sends an address as email and anything else as username", () => {
    expect(personKey(" Bob@Example.com ")).toEqual({ email: "Bob@Example.com" });
    expect(personKey("bob ")).toEqual({ username: "bob" });
  });
});

describe("EnrollmentsTab", () => {
  it("lists the members and adds a person by username with a role", async () => {
    const members = [enrollment(1, alice, "student")];
    const { calls } = mockApi({
      "GET /api/courses/arith/enrollments/": () => json(200, page(members)),
      "POST /api/courses/arith/enrollments/": () => {
        const created = enrollment(2, bob, "assistant");
        members.push(created);
        return json(201, created);
      },
    });
    const user = userEvent.setup();
    render(<EnrollmentsTab course={makeCourse([])} />);
    expect(await screen.findByRole("cell", { name: "Alice Liddell (alice)" })).toBeTruthy();

    await user.type(screen.getByLabelText("Username or e-mail"), "bob");
    await user.selectOptions(screen.getByLabelText("Course role"), "assistant");
    await user.click(screen.getByRole("button", { name: "Add" }));
    expect(await screen.findByText("Added Bob Builder (bob) as assistant.")).toBeTruthy();
    expect(await screen.findByRole("cell", { name: "Bob Builder (bob)" })).toBeTruthy();
    expect(JSON.parse(calls.find((c) => c.method === "POST")!.body)).toEqual({ username: "bob", role: "assistant" });
    expect(screen.getByLabelText<HTMLInputElement>("Username or e-mail").value).toBe("");
  });

  it("adds by e-mail and shows the API's error on that key beside the field", async () => {
    const { calls } = mockApi({
      "GET /api/courses/arith/enrollments/": () => json(200, page([])),
      "POST /api/courses/arith/enrollments/": () => json(400, { email: ["No user has this e-mail address."] }),
    });
    const user = userEvent.setup();
    render(<EnrollmentsTab course={makeCourse([])} />);
    expect(await screen.findByText("Nobody is enrolled yet.")).toBeTruthy();
    const box = screen.getByLabelText("Username or e-mail");
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Add" }).disabled).toBe(true);
    await user.type(box, "nobody@example.com");
    await user.click(screen.getByRole("button", { name: "Add" }));
    await waitFor(() => expect(box.getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByText("No user has this e-mail address.")).toBeTruthy();
    expect(JSON.parse(calls.find((c) => c.method === "POST")!.body)).toEqual({ email: "nobody@example.com", role: "student" });
  });

  it("says so when the person is already enrolled", async () => {
    mockApi({
      "GET /api/courses/arith/enrollments/": () => json(200, page([enrollment(1, alice, "student")])),
      "POST /api/courses/arith/enrollments/": () =>
        json(409, { detail: "This user is already enrolled in this role.", code: "already_enrolled" }),
    });
    const user = userEvent.setup();
    render(<EnrollmentsTab course={makeCourse([])} />);
    await user.type(await screen.findByLabelText("Username or e-mail"), "alice");
    await user.click(screen.getByRole("button", { name: "Add" }));
    expect((await screen.findByRole("alert")).textContent).toBe("This user is already enrolled in this role.");
  });
});

describe("ExtensionsTab", () => {
  it("offers only students and grants an extension for one task, which then shows in the list", async () => {
    const granted: Extension[] = [];
    const { calls } = mockApi({
      "GET /api/courses/arith/enrollments/": () =>
        json(200, page([enrollment(1, alice, "student"), enrollment(2, bob, "assistant")])),
      "GET /api/courses/arith/extensions/": () => json(200, page(granted)),
      "POST /api/courses/arith/extensions/": () => {
        const created = extension(1, alice, 2, { due_at: "2026-04-01T10:00:00Z", reason: "Ill" });
        granted.push(created);
        return json(201, created);
      },
    });
    const user = userEvent.setup();
    render(<ExtensionsTab course={makeCourse([makeTask(1), makeTask(2)])} />);
    expect(await screen.findByText("No extensions yet.")).toBeTruthy();
    const studentSelect = screen.getByLabelText("Student");
    await waitFor(() => expect(within(studentSelect).getAllByRole("option")).toHaveLength(2));
    expect(within(studentSelect).queryByRole("option", { name: "Bob Builder (bob)" })).toBeNull();

    await user.selectOptions(studentSelect, String(student.id));
    await user.selectOptions(screen.getByLabelText("Task"), "2");
    await user.type(screen.getByLabelText("New due date"), "2026-04-01T12:00");
    await user.type(screen.getByLabelText("Reason (optional)"), "Ill");
    await user.click(screen.getByRole("button", { name: "Grant extension" }));
    expect(await screen.findByText(/^Extended Task 2 for Alice Liddell \(alice\) until/)).toBeTruthy();
    expect(JSON.parse(calls.find((c) => c.method === "POST")!.body)).toMatchObject({ user: student.id, task: 2, reason: "Ill" });
    const table = await screen.findByRole("table", { name: "Extensions granted" });
    expect(within(table).getByRole("cell", { name: "Task 2" })).toBeTruthy();
    expect(within(table).getByRole("cell", { name: "Ill" })).toBeTruthy();
  });

  it("names the student and the task, and revokes only after a confirmation", async () => {
    let rows = [extension(5, alice, 1), extension(6, bob, null)];
    const { calls } = mockApi({
      "GET /api/courses/arith/enrollments/": () => json(200, page([])),
      "GET /api/courses/arith/extensions/": () => json(200, page(rows)),
      "DELETE /api/extensions/5/": () => {
        rows = rows.filter((r) => r.id !== 5);
        return json(204, null);
      },
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    const user = userEvent.setup();
    render(<ExtensionsTab course={makeCourse([makeTask(1, { title: "Sums" })])} />);
    const table = await screen.findByRole("table", { name: "Extensions granted" });
    expect(within(table).getByRole("cell", { name: "Sums" })).toBeTruthy();
    expect(within(table).getByRole("cell", { name: "All tasks" })).toBeTruthy();
    expect(within(table).getAllByRole("cell", { name: "Grace Hopper (grace)" })).toHaveLength(2);

    const revoke = screen.getByRole("button", { name: "Revoke the extension of Alice Liddell (alice) for Sums" });
    await user.click(revoke);
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(0);
    await user.click(revoke);
    expect(confirm).toHaveBeenLastCalledWith(expect.stringContaining("Revoke the extension of Alice Liddell (alice) for Sums?"));
    expect(await screen.findByText("Revoked the extension of Alice Liddell (alice) for Sums.")).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole("cell", { name: "Sums" })).toBeNull());
    expect(screen.getByRole("cell", { name: "Bob Builder (bob)" })).toBeTruthy();
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual(["/api/extensions/5/"]);
  });

  it("shows a refused revoke", async () => {
    mockApi({
      "GET /api/courses/arith/enrollments/": () => json(200, page([])),
      "GET /api/courses/arith/extensions/": () => json(200, page([extension(5, alice, null)])),
      "DELETE /api/extensions/5/": () => json(404, { detail: "Not found.", code: "not_found" }),
    });
    vi.spyOn(window, "confirm").mockReturnValue(true);
    const user = userEvent.setup();
    render(<ExtensionsTab course={makeCourse([])} />);
    await user.click(await screen.findByRole("button", { name: /^Revoke the extension of Alice/ }));
    expect((await screen.findByRole("alert")).textContent).toBe("Not found.");
  });
});

describe("SettingsTab", () => {
  function students(count: number) {
    return () => json(200, { count, next: null, previous: null, results: [] });
  }

  it("saves title, description, capacity and enrollment, and hands back the course", async () => {
    const { calls } = mockApi({
      "GET /api/courses/arith/enrollments/": students(2),
      "PATCH /api/courses/arith/": () => json(200, makeCourse([], { title: "Sums II", capacity: 30, enrollment_open: false })),
    });
    const onSaved = vi.fn();
    const user = userEvent.setup();
    render(<SettingsTab course={makeCourse([])} onSaved={onSaved} />);
    expect(await screen.findByText(/2 students enrolled now/)).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>("Web address (slug)").readOnly).toBe(true);

    const title = screen.getByLabelText("Title");
    await user.clear(title);
    await user.type(title, "Sums II");
    await user.clear(screen.getByLabelText("Description"));
    await user.type(screen.getByLabelText("Description"), "More sums.");
    await user.type(screen.getByLabelText("Capacity"), "30");
    await user.click(screen.getByLabelText(/Enrollment open/));
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    expect(await screen.findByText("Settings saved.")).toBeTruthy();
    expect(JSON.parse(calls.find((c) => c.method === "PATCH")!.body)).toEqual({
      title: "Sums II",
      description: "More sums.",
      capacity: 30,
      enrollment_open: false,
      timezone: "UTC",
      late_days: 0,
      max_late_days_per_task: null,
    });
    expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ title: "Sums II", capacity: 30 }));
  });

  it("sends a known time zone, and refuses an unknown one before asking the server", async () => {
    const { calls } = mockApi({
      "GET /api/courses/arith/enrollments/": students(0),
      "PATCH /api/courses/arith/": () => json(200, makeCourse([], { timezone: "America/New_York" })),
    });
    const user = userEvent.setup();
    render(<SettingsTab course={makeCourse([])} onSaved={vi.fn()} />);
    const zone = await screen.findByLabelText("Time zone");
    await user.clear(zone);
    await user.type(zone, "Mars/Olympus_Mons");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    expect(await screen.findByText("Unknown time zone “Mars/Olympus_Mons”.")).toBeTruthy();
    expect(calls.some((c) => c.method === "PATCH")).toBe(false);
    await user.clear(zone);
    await user.type(zone, "America/New_York");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    expect(await screen.findByText("Settings saved.")).toBeTruthy();
    expect(JSON.parse(calls.find((c) => c.method === "PATCH")!.body)).toMatchObject({ timezone: "America/New_York" });
  });

  it("warns when the capacity is below the students enrolled, and sends an empty one as no limit", async () => {
    const { calls } = mockApi({
      "GET /api/courses/arith/enrollments/": students(3),
      "PATCH /api/courses/arith/": () => json(200, makeCourse([])),
    });
    const user = userEvent.setup();
    render(<SettingsTab course={makeCourse([], { capacity: 10 })} onSaved={vi.fn()} />);
    const capacity = screen.getByLabelText("Capacity");
    await screen.findByText(/3 students enrolled now/);
    await user.clear(capacity);
    await user.type(capacity, "2");
    expect(screen.getByText(/fewer than the 3 students enrolled now/)).toBeTruthy();
    await user.clear(capacity);
    expect(screen.queryByText(/fewer than the/)).toBeNull();
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(calls.some((c) => c.method === "PATCH")).toBe(true));
    expect(JSON.parse(calls.find((c) => c.method === "PATCH")!.body)).toMatchObject({ capacity: null });
  });

  it("shows the API's field errors beside their fields", async () => {
    mockApi({
      "GET /api/courses/arith/enrollments/": students(0),
      "PATCH /api/courses/arith/": () => json(400, { title: ["This field may not be blank."], capacity: ["Ensure this value is greater than or equal to 0."] }),
    });
    const onSaved = vi.fn();
    const user = userEvent.setup();
    render(<SettingsTab course={makeCourse([])} onSaved={onSaved} />);
    await user.clear(screen.getByLabelText("Title"));
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(screen.getByLabelText("Title").getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByText("This field may not be blank.")).toBeTruthy();
    expect(screen.getByLabelText("Capacity").getAttribute("aria-invalid")).toBe("true");
    expect(onSaved).not.toHaveBeenCalled();
  });
});
