import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../../../api/client";
import type { Accommodation, Enrollment, GroupSet } from "../../../api/types";
import { makeCourse, makeTask, student } from "../../../test/fixtures";
import { fakeJwt } from "../../../test/jwt";
import { renderApp } from "../../../test/render";
import { json, mockApi, page } from "../../../test/server";
import { draftToRequest, newTaskDraft, taskToDraft } from "../TaskEditor";
import { AccommodationsTab } from "./AccommodationsTab";
import { SettingsTab } from "./SettingsTab";
import { TaskRow } from "./TaskRow";

const alice = { id: student.id, username: student.username, first_name: student.first_name, last_name: student.last_name };
const bob = { id: 8, username: "bob", first_name: "Bob", last_name: "Builder" };
const carol = { id: 9, username: "carol", first_name: "Carol", last_name: "" };
const grace = { id: 2, username: "grace", first_name: "Grace", last_name: "Hopper" };

function enrollment(id: number, user: Enrollment["user"], role: Enrollment["role"], status: Enrollment["status"] = "active"): Enrollment {
  return { id, user, course: "arith", role, status, section: null, created: "2026-01-01T00:00:00Z", modified: "2026-01-01T00:00:00Z" };
}

function accommodation(id: number, user: Accommodation["user"], extra: Partial<Accommodation> = {}): Accommodation {
  return {
    id,
    user,
    time_multiplier: 1,
    extra_late_days: 0,
    bonus_submissions: 0,
    note: "",
    created: "2026-03-01T00:00:00Z",
    modified: "2026-03-01T00:00:00Z",
    ...extra,
  };
}

const members = [
  enrollment(1, alice, "student"),
  enrollment(2, bob, "student"),
  enrollment(3, carol, "student", "dropped"),
  enrollment(4, grace, "assistant"),
];

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

describe("AccommodationsTab", () => {
  it("lists the accommodations and adds one for an enrolled student who has none", async () => {
    const current = [accommodation(5, alice, { time_multiplier: 1.5, extra_late_days: 2, bonus_submissions: 1, note: "Letter of 3 March" })];
    const { calls } = mockApi({
      "GET /api/courses/arith/accommodations/": () => json(200, page(current)),
      "GET /api/courses/arith/enrollments/": () => json(200, page(members)),
      "POST /api/courses/arith/accommodations/": () => {
        current.push(accommodation(6, bob, { extra_late_days: 3 }));
        return json(201, current[1]);
      },
    });
    const user = userEvent.setup();
    render(<AccommodationsTab course={makeCourse([], { late_days: 2, my_role: "instructor" })} />);
    const row = (await screen.findByRole("cell", { name: "Alice Liddell (alice)" })).closest("tr")!;
    expect(Array.from(row.querySelectorAll("td")).map((td) => td.textContent)).toEqual(["Alice Liddell (alice)", "×1.5", "2", "1", "Letter of 3 March", "EditRemove"]);

    // Only active students without an accommodation are offered: not Alice (has one), Carol (dropped) or Grace (staff).
    const form = screen.getByRole("form", { name: "Add an accommodation" });
    const picker = within(form).getByLabelText<HTMLSelectElement>("Student");
    await waitFor(() => expect(picker.options).toHaveLength(2));
    expect(Array.from(picker.options).map((o) => o.textContent)).toEqual(["Choose a student…", "Bob Builder (bob)"]);
    expect(within(form).getByText("Added to the course's bank of 2 late days.")).toBeTruthy();

    await user.selectOptions(picker, "8");
    await user.clear(within(form).getByLabelText("Extra late days"));
    await user.type(within(form).getByLabelText("Extra late days"), "3");
    await user.type(within(form).getByLabelText("Note"), "Sports");
    await user.click(within(form).getByRole("button", { name: "Add accommodation" }));
    expect(await screen.findByText("Added an accommodation for Bob Builder (bob).")).toBeTruthy();
    expect(JSON.parse(calls.find((c) => c.method === "POST")!.body)).toEqual({
      user: 8,
      time_multiplier: 1,
      extra_late_days: 3,
      bonus_submissions: 0,
      note: "Sports",
    });
    expect(await screen.findByRole("cell", { name: "Bob Builder (bob)" })).toBeTruthy();
    // Bob has one now: the picker offers nobody.
    await waitFor(() => expect(picker.options).toHaveLength(1));
  });

  it("puts the API's 400s beside their fields and shows a conflict as a message", async () => {
    let answer = 0;
    mockApi({
      "GET /api/courses/arith/accommodations/": () => json(200, page([])),
      "GET /api/courses/arith/enrollments/": () => json(200, page(members)),
      "POST /api/courses/arith/accommodations/": () => {
        answer += 1;
        if (answer === 1) {
          return json(400, { time_multiplier: ["Must be more than 0 and at most 10."], extra_late_days: ["Must be 0 or more."] });
        }
        if (answer === 2) return json(400, { user: ["This student already has an accommodation; change that one."] });
        return json(409, { detail: "This student already has an accommodation.", code: "conflict" });
      },
    });
    const user = userEvent.setup();
    render(<AccommodationsTab course={makeCourse([], { my_role: "instructor" })} />);
    expect(await screen.findByText("No accommodations yet.")).toBeTruthy();
    const form = screen.getByRole("form", { name: "Add an accommodation" });
    const picker = within(form).getByLabelText<HTMLSelectElement>("Student");
    await waitFor(() => expect(picker.options.length).toBeGreaterThan(1));
    await user.selectOptions(picker, String(alice.id));
    const multiplier = within(form).getByLabelText("Time multiplier");
    await user.clear(multiplier);
    await user.type(multiplier, "0");
    const lateDays = within(form).getByLabelText("Extra late days");
    await user.clear(lateDays);
    await user.type(lateDays, "-1");
    await user.click(within(form).getByRole("button", { name: "Add accommodation" }));

    await waitFor(() => expect(multiplier.getAttribute("aria-invalid")).toBe("true"));
    const describedBy = (el: HTMLElement) => el.getAttribute("aria-describedby")!.split(" ").map((id) => document.getElementById(id)?.textContent);
    expect(describedBy(multiplier)).toContain("Must be more than 0 and at most 10.");
    expect(describedBy(lateDays)).toContain("Must be 0 or more.");
    expect(within(form).getByLabelText("Bonus submissions").getAttribute("aria-invalid")).toBeNull();

    await user.click(within(form).getByRole("button", { name: "Add accommodation" }));
    await waitFor(() => expect(picker.getAttribute("aria-invalid")).toBe("true"));
    expect(describedBy(picker)).toContain("This student already has an accommodation; change that one.");

    await user.click(within(form).getByRole("button", { name: "Add accommodation" }));
    expect((await within(form).findByRole("alert")).textContent).toBe("This student already has an accommodation.");
  });

  it("edits one (its student stays) and removes one after a confirmation", async () => {
    let current = [accommodation(5, alice, { extra_late_days: 1 })];
    const { calls } = mockApi({
      "GET /api/courses/arith/accommodations/": () => json(200, page(current)),
      "GET /api/courses/arith/enrollments/": () => json(200, page(members)),
      "PATCH /api/courses/arith/accommodations/5/": () => {
        current = [accommodation(5, alice, { extra_late_days: 4, time_multiplier: 2 })];
        return json(200, current[0]);
      },
      "DELETE /api/courses/arith/accommodations/5/": () => {
        current = [];
        return json(204, null);
      },
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    const user = userEvent.setup();
    render(<AccommodationsTab course={makeCourse([], { my_role: "instructor" })} />);
    await user.click(await screen.findByRole("button", { name: "Edit the accommodation of Alice Liddell (alice)" }));
    const form = screen.getByRole("form", { name: "Edit the accommodation of Alice Liddell (alice)" });
    expect(within(form).queryByLabelText("Student")).toBeNull();
    expect(within(form).getByLabelText<HTMLInputElement>("Extra late days").value).toBe("1");
    await user.clear(within(form).getByLabelText("Extra late days"));
    await user.type(within(form).getByLabelText("Extra late days"), "4");
    await user.clear(within(form).getByLabelText("Time multiplier"));
    await user.type(within(form).getByLabelText("Time multiplier"), "2");
    await user.click(within(form).getByRole("button", { name: "Save accommodation" }));
    expect(await screen.findByText("Saved the accommodation of Alice Liddell (alice).")).toBeTruthy();
    expect(JSON.parse(calls.find((c) => c.method === "PATCH")!.body)).toEqual({
      time_multiplier: 2,
      extra_late_days: 4,
      bonus_submissions: 0,
      note: "",
    });
    expect(await screen.findByRole("cell", { name: "×2" })).toBeTruthy();

    const remove = screen.getByRole("button", { name: "Remove the accommodation of Alice Liddell (alice)" });
    await user.click(remove);
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    await user.click(remove);
    expect(await screen.findByText("Removed the accommodation of Alice Liddell (alice).")).toBeTruthy();
    expect(await screen.findByText("No accommodations yet.")).toBeTruthy();
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining("Late days they already spent stay spent."));
  });

  it("is a tab of the course's management pages", async () => {
    const teacher = { ...student, id: 2, username: "grace", role: "instructor" as const };
    mockApi({
      "GET /api/auth/me/": () => json(200, teacher),
      "GET /api/courses/arith/": () => json(200, makeCourse([makeTask(1)], { my_role: "instructor" })),
      "GET /api/courses/arith/accommodations/": () => json(200, page([accommodation(5, alice)])),
      "GET /api/courses/arith/enrollments/": () => json(200, page(members)),
    });
    renderApp("/teach/arith/accommodations");
    expect(await screen.findByRole("cell", { name: "Alice Liddell (alice)" }, { timeout: 5000 })).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Course management" });
    expect(within(nav).getByRole("link", { name: "Accommodations" }).getAttribute("aria-current")).toBe("page");
  });
});

describe("SettingsTab: late days", () => {
  const noStudents = () => json(200, { count: 0, next: null, previous: null, results: [] });

  it("sends the bank and the cap, an empty cap as none", async () => {
    const { calls } = mockApi({
      "GET /api/courses/arith/enrollments/": noStudents,
      "PATCH /api/courses/arith/": () => json(200, makeCourse([], { late_days: 3, max_late_days_per_task: null })),
    });
    const onSaved = vi.fn();
    const user = userEvent.setup();
    render(<SettingsTab course={makeCourse([], { late_days: 0, max_late_days_per_task: 2 })} onSaved={onSaved} />);
    const bank = screen.getByLabelText<HTMLInputElement>("Late days per student");
    const cap = screen.getByLabelText<HTMLInputElement>("Most late days on one task");
    expect([bank.value, cap.value]).toEqual(["0", "2"]);
    await user.clear(bank);
    await user.type(bank, "3");
    await user.clear(cap);
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    expect(await screen.findByText("Settings saved.")).toBeTruthy();
    expect(JSON.parse(calls.find((c) => c.method === "PATCH")!.body)).toMatchObject({ late_days: 3, max_late_days_per_task: null });
    expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ late_days: 3 }));
  });

  it("shows the API's 400s on the late-day fields and on a time zone the server does not know", async () => {
    mockApi({
      "GET /api/courses/arith/enrollments/": noStudents,
      "PATCH /api/courses/arith/": () =>
        json(400, {
          late_days: ["Ensure this value is greater than or equal to 0."],
          max_late_days_per_task: ["A valid integer is required."],
          timezone: ["Unknown time zone “Europe/Kyiv”."],
        }),
    });
    const onSaved = vi.fn();
    const user = userEvent.setup();
    render(<SettingsTab course={makeCourse([])} onSaved={onSaved} />);
    const bank = screen.getByLabelText("Late days per student");
    await user.clear(bank);
    await user.type(bank, "-1");
    // The browser knows the zone; the server's list is what counts.
    const zone = screen.getByLabelText("Time zone");
    await user.clear(zone);
    await user.type(zone, "Europe/Kyiv");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(bank.getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByText("Ensure this value is greater than or equal to 0.")).toBeTruthy();
    expect(screen.getByLabelText("Most late days on one task").getAttribute("aria-invalid")).toBe("true");
    expect(zone.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("Unknown time zone “Europe/Kyiv”.")).toBeTruthy();
    expect(onSaved).not.toHaveBeenCalled();
  });
});

describe("the task editor: late days and group sets", () => {
  const projects: GroupSet = { id: 7, name: "Projects", min_size: 2, max_size: 3, self_signup: true };

  it("sends late_days_allowed, and the group set only where the form offers one", () => {
    const draft = { ...newTaskDraft(), title: "Essay", answers: "x" };
    const plain = draftToRequest(draft, 1);
    expect("body" in plain && plain.body.late_days_allowed).toBe(false);
    // A new course's tasks have no group set to choose from: the field is left out.
    expect("body" in plain && "group_set" in plain.body).toBe(false);
    const chosen = draftToRequest({ ...draft, late_days_allowed: true, group_set: 7 }, 1);
    expect("body" in chosen && [chosen.body.late_days_allowed, chosen.body.group_set]).toEqual([true, 7]);
    const individual = draftToRequest({ ...draft, group_set: null }, 1);
    expect("body" in individual && individual.body.group_set).toBeNull();
    const filled = taskToDraft(makeTask(1, { late_days_allowed: true, group_set: 7, config: { answers: ["x"] } }));
    expect([filled.late_days_allowed, filled.group_set]).toEqual([true, 7]);
    expect(taskToDraft(makeTask(2)).group_set).toBeNull();
  });

  it("ticks late days, picks a group set of the course and shows a 400 on it", async () => {
    let attempt = 0;
    const { calls } = mockApi({
      "GET /api/courses/arith/rubrics/": () => json(200, []),
      "GET /api/courses/arith/group-sets/": () => json(200, page([projects])),
      "PATCH /api/tasks/1/": () => {
        attempt += 1;
        if (attempt === 1) return json(400, { group_set: ["Must be a group set of the task's course."] });
        return json(200, makeTask(1, { late_days_allowed: true, group_set: 7 }));
      },
    });
    const onSaved = vi.fn();
    const user = userEvent.setup();
    const task = makeTask(1, { config: { answers: ["4"] } });
    render(
      <ul>
        <TaskRow task={task} course={makeCourse([task])} onSaved={onSaved} />
      </ul>,
    );
    await user.click(screen.getByRole("button", { name: /^Edit\s*Task 1$/ }));
    const form = screen.getByRole("group", { name: "Edit “Task 1”" });
    const groupSet = within(form).getByLabelText<HTMLSelectElement>("Group set");
    await waitFor(() => expect(groupSet.options).toHaveLength(2));
    expect(Array.from(groupSet.options).map((o) => o.textContent)).toEqual(["Individual", "Projects"]);
    expect(groupSet.value).toBe("");
    const lateDays = within(form).getByLabelText<HTMLInputElement>("Students may spend late days");
    expect(lateDays.checked).toBe(false);
    await user.click(lateDays);
    await user.selectOptions(groupSet, "7");
    expect(within(form).getByText(/One submission per group of Projects counts for every member/)).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Save task" }));
    await waitFor(() => expect(groupSet.getAttribute("aria-invalid")).toBe("true"));
    expect(within(form).getByText("Must be a group set of the task's course.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Save task" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    const patches = calls.filter((c) => c.method === "PATCH");
    expect(JSON.parse(patches[1]!.body)).toMatchObject({ late_days_allowed: true, group_set: 7 });
  });
});
