import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../api/client";
import type { GroupSet, StudentGroup } from "../api/types";
import { fakeJwt } from "../test/jwt";
import { makeAllowances, makeCourse, makeProgress, makeTask, student } from "../test/fixtures";
import { renderApp } from "../test/render";
import { json, mockApi, page } from "../test/server";

const alice = { id: student.id, username: student.username, first_name: student.first_name, last_name: student.last_name };
const grace = { id: 99, username: "grace", first_name: "Grace", last_name: "Hopper" };
const projects: GroupSet = { id: 7, name: "Projects", min_size: 2, max_size: 3, self_signup: true };

function group(extra: Partial<StudentGroup> = {}): StudentGroup {
  return { id: 3, group_set: 7, name: "Owls", locked_at: null, size: 1, members: [alice], invitations: [], ...extra };
}

function studentRoutes(groups: () => StudentGroup[], extra: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({
    "GET /api/auth/me/": () => json(200, student),
    "GET /api/courses/arith/": () => json(200, makeCourse([makeTask(1, { group_set: 7 })])),
    "GET /api/courses/arith/progress/": () => json(200, makeProgress([])),
    "GET /api/courses/arith/accommodations/me/": () => json(200, makeAllowances()),
    "GET /api/courses/arith/group-sets/": () => json(200, page([projects])),
    "GET /api/group-sets/7/groups/": () => json(200, page(groups())),
    ...extra,
  });
}

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

describe("the student's Groups panel", () => {
  it("creates a group and invites a classmate by username", async () => {
    let current: StudentGroup[] = [];
    const { calls } = studentRoutes(() => current, {
      "POST /api/group-sets/7/groups/": () => {
        current = [group()];
        return json(201, current[0]);
      },
      "POST /api/groups/3/invite/": () => {
        const invitation = { id: 5, group: 3, user: grace, invited_by: alice, status: "pending" as const, created: "2026-03-01T10:00:00Z" };
        current = [group({ invitations: [invitation] })];
        return json(201, invitation);
      },
    });
    const user = userEvent.setup();
    renderApp("/courses/arith");
    const card = await screen.findByRole("region", { name: /Projects/ }, { timeout: 5000 });
    await user.type(within(card).getByLabelText(/Group name/), "Owls");
    await user.click(within(card).getByRole("button", { name: "Create a group" }));
    expect(await within(card).findByText(/Created Owls/)).toBeTruthy();
    expect(within(card).getByText(/needs at least 2 members/)).toBeTruthy();
    await user.type(within(card).getByLabelText("Invite by username"), "grace");
    await user.click(within(card).getByRole("button", { name: "Invite" }));
    expect(await within(card).findByText(/Invited Grace Hopper/)).toBeTruthy();
    expect(within(card).getByText(/Invited, not yet answered: Grace Hopper/)).toBeTruthy();
    const invite = calls.find((c) => c.method === "POST" && c.path === "/api/groups/3/invite/");
    expect(JSON.parse(invite?.body ?? "{}")).toEqual({ username: "grace" });
  });

  it("accepts an invitation and shows the documented conflict when the group filled up", async () => {
    const theirs = group({ members: [grace], invitations: [] });
    studentRoutes(() => [theirs], {
      "POST /api/groups/3/accept/": () => json(409, { detail: "The group is full (3 members).", code: "group_full" }),
    });
    const user = userEvent.setup();
    renderApp("/courses/arith");
    const card = await screen.findByRole("region", { name: /Projects/ }, { timeout: 5000 });
    expect(within(card).getByText(/Invitation to/)).toBeTruthy();
    await user.click(within(card).getByRole("button", { name: "Accept" }));
    expect(await within(card).findByText(/The group is full/)).toBeTruthy();
  });

  it("shows nothing when the course has no group sets", async () => {
    mockApi({
      "GET /api/auth/me/": () => json(200, student),
      "GET /api/courses/arith/": () => json(200, makeCourse([makeTask(1)])),
      "GET /api/courses/arith/progress/": () => json(200, makeProgress([])),
      "GET /api/courses/arith/accommodations/me/": () => json(200, makeAllowances()),
      "GET /api/courses/arith/group-sets/": () => json(200, page([])),
    });
    renderApp("/courses/arith");
    expect(await screen.findByRole("heading", { name: "Tasks" }, { timeout: 5000 })).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Groups" })).toBeNull();
  });
});

describe("the staff Groups tab", () => {
  it("forms a group of chosen students", async () => {
    const teacher = { ...student, id: 2, username: "grace", role: "instructor" as const };
    let current: StudentGroup[] = [];
    const enrollment = (id: number, username: string) => ({
      id,
      user: { id, username, first_name: username, last_name: "" },
      course: "arith",
      role: "student" as const,
      status: "active" as const,
      section: null,
      created: "2026-03-01T10:00:00Z",
      modified: "2026-03-01T10:00:00Z",
    });
    const { calls } = mockApi({
      "GET /api/auth/me/": () => json(200, teacher),
      "GET /api/courses/arith/": () => json(200, makeCourse([makeTask(1)], { my_role: "instructor" })),
      "GET /api/courses/arith/group-sets/": () => json(200, page([projects])),
      "GET /api/courses/arith/enrollments/": () => json(200, page([enrollment(8, "ann"), enrollment(9, "ben")])),
      "GET /api/group-sets/7/groups/": () => json(200, page(current)),
      "POST /api/group-sets/7/groups/": () => {
        current = [group({ name: "Group 1", size: 2, members: [{ id: 8, username: "ann", first_name: "ann", last_name: "" }, { id: 9, username: "ben", first_name: "ben", last_name: "" }] })];
        return json(201, current[0]);
      },
    });
    const user = userEvent.setup();
    renderApp("/teach/arith/groups");
    await user.click(await screen.findByRole("button", { name: "Show groups" }, { timeout: 5000 }));
    const form = await screen.findByRole("form", { name: "Form a group of Projects" });
    await user.click(await within(form).findByLabelText("ann (ann)"));
    await user.click(within(form).getByLabelText("ben (ben)"));
    await user.click(within(form).getByRole("button", { name: "Form group" }));
    expect(await screen.findByText(/Formed Group 1/)).toBeTruthy();
    expect(screen.getByText("ann (ann), ben (ben)")).toBeTruthy();
    const post = calls.find((c) => c.method === "POST" && c.path === "/api/group-sets/7/groups/");
    expect(JSON.parse(post?.body ?? "{}")).toEqual({ members: [8, 9] });
  });
});
