import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../api/client";
import type { AppNotification, NotificationPreferences } from "../notifications/notifications";
import { student } from "../test/fixtures";
import { fakeJwt } from "../test/jwt";
import { renderApp } from "../test/render";
import { json, mockApi, page } from "../test/server";

const graded: AppNotification = {
  id: 1,
  kind: "submission_graded",
  created: "2026-03-01T10:00:00Z",
  read_at: null,
  data: {
    submission: 9,
    task: { id: 4, title: "Essay" },
    course: { slug: "arith", title: "Arithmetic" },
    score: 7.5,
    max_score: 10,
    previous_score: null,
  },
};
const soon: AppNotification = {
  id: 2,
  kind: "deadline_soon",
  created: "2026-03-01T09:00:00Z",
  read_at: "2026-03-01T09:30:00Z",
  data: { task: { id: 5, title: "Quiz" }, course: { slug: "arith", title: "Arithmetic" }, due_at: "2026-03-02T09:00:00Z" },
};
const on = { in_app: true, email: true };
const defaults: NotificationPreferences = {
  submission_graded: on,
  grade_changed: on,
  deadline_soon: on,
  regrade_request_resolved: on,
  regrade_request_created: on,
  grades_released: on,
  comment_created: on,
  grading_assigned: on,
  group_invitation: on,
  attempt_restarted: on,
};

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

/** The API with `notifications`, answering `?unread=true` with the unread ones only. */
function notificationsApi(notifications: AppNotification[], extra: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({
    "GET /api/auth/me/": () => json(200, student),
    "GET /api/progress/": () => json(200, page([])),
    "GET /api/notifications/": (request) => {
      const unread = new URL(request.url).searchParams.get("unread") === "true";
      return json(200, page(notifications.filter((n) => !unread || n.read_at === null)));
    },
    "GET /api/notifications/preferences/": () => json(200, defaults),
    ...extra,
  });
}

describe("notification bell", () => {
  it("shows the unread count in its accessible name and links to the page", async () => {
    const { calls } = notificationsApi([graded, soon]);
    renderApp("/progress");
    // The first render of the file also loads the app's modules: allow it more than 1 s.
    const bell = await screen.findByRole("link", { name: "Notifications, 1 unread" }, { timeout: 5000 });
    expect(bell.getAttribute("href")).toBe("/notifications");
    const asked = calls.find((c) => c.path === "/api/notifications/");
    expect(asked?.url.searchParams.get("unread")).toBe("true");
    expect(asked?.url.searchParams.get("page_size")).toBe("1");
  });

  it("says just Notifications when nothing is unread or the count fails", async () => {
    notificationsApi([soon], { "GET /api/notifications/": () => json(500, { detail: "Boom" }) });
    renderApp("/progress");
    expect(await screen.findByRole("heading", { name: "My progress" })).toBeTruthy();
    await waitFor(() => expect(screen.getByRole("link", { name: "Notifications" })).toBeTruthy());
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("is not shown to visitors", async () => {
    tokenStore.set(null);
    mockApi({ "GET /api/courses/": () => json(200, page([])) });
    renderApp("/");
    expect(await screen.findByRole("link", { name: "Log in" })).toBeTruthy();
    expect(screen.queryByRole("link", { name: /Notifications/ })).toBeNull();
  });
});

describe("notifications page", () => {
  it("lists notifications, marks one read and updates the bell", async () => {
    const items: { -readonly [K in keyof AppNotification]: AppNotification[K] }[] = [{ ...graded }, soon];
    const { calls } = notificationsApi(items, {
      "POST /api/notifications/read/": async (request) => {
        const body = (await request.json()) as { ids: number[] };
        for (const item of items) if (body.ids.includes(item.id)) item.read_at = "2026-03-01T11:00:00Z";
        return json(204, null);
      },
    });
    const user = userEvent.setup();
    renderApp("/notifications");
    expect(await screen.findByRole("heading", { name: "Notifications" })).toBeTruthy();
    const link = await screen.findByRole("link", { name: "Your submission to “Essay” in Arithmetic was graded: 7.5 / 10." });
    expect(link.getAttribute("href")).toBe("/courses/arith/tasks/4");
    expect(screen.getByText(/“Quiz” in Arithmetic is due/)).toBeTruthy();
    expect(await screen.findByRole("link", { name: "Notifications, 1 unread" })).toBeTruthy();

    await user.click(screen.getByRole("button", { name: /^Mark read: Your submission/ }));
    await waitFor(() => expect(screen.queryByRole("button", { name: /^Mark read/ })).toBeNull());
    expect(calls.find((c) => c.method === "POST")?.body).toBe(JSON.stringify({ ids: [1] }));
    expect(await screen.findByRole("link", { name: "Notifications" })).toBeTruthy();
  });

  it("marks all read", async () => {
    const items: { -readonly [K in keyof AppNotification]: AppNotification[K] }[] = [{ ...graded }, { ...graded, id: 3 }];
    const { calls } = notificationsApi(items, {
      "POST /api/notifications/read/": () => {
        for (const item of items) item.read_at = "2026-03-01T11:00:00Z";
        return json(204, null);
      },
    });
    const user = userEvent.setup();
    renderApp("/notifications");
    await user.click(await screen.findByRole("button", { name: "Mark all read" }));
    await waitFor(() => expect(screen.queryByRole("button", { name: "Mark all read" })).toBeNull());
    expect(calls.find((c) => c.method === "POST")?.body).toBe(JSON.stringify({ all: true }));
  });

  it("says when there is nothing yet", async () => {
    notificationsApi([]);
    renderApp("/notifications");
    expect(await screen.findByRole("heading", { name: "Nothing yet" })).toBeTruthy();
  });
});

describe("notification preferences", () => {
  it("saves the checkboxes and shows what the server stored", async () => {
    const { calls } = notificationsApi([], {
      "PATCH /api/notifications/preferences/": async (request) => json(200, await request.json()),
    });
    const user = userEvent.setup();
    renderApp("/notifications");
    const preferences = await screen.findByRole("region", { name: "Preferences" });
    const box = await within(preferences).findByRole("checkbox", { name: "A grade of mine changes: by e-mail" });
    expect((box as HTMLInputElement).checked).toBe(true);
    await user.click(box);
    await user.click(within(preferences).getByRole("button", { name: "Save preferences" }));
    expect(await within(preferences).findByText("Preferences saved.")).toBeTruthy();
    const sent = JSON.parse(calls.find((c) => c.method === "PATCH")!.body) as NotificationPreferences;
    expect(sent.grade_changed).toEqual({ in_app: true, email: false });
    expect(sent.deadline_soon).toEqual(on);
    expect((box as HTMLInputElement).checked).toBe(false);
  });

  it("shows the server's error and keeps the choice", async () => {
    notificationsApi([], {
      "PATCH /api/notifications/preferences/": () => json(400, { grade_changed: { email: ["Must be a valid boolean."] } }),
    });
    const user = userEvent.setup();
    renderApp("/notifications");
    const box = await screen.findByRole("checkbox", { name: "A grade of mine changes: by e-mail" });
    await user.click(box);
    await user.click(screen.getByRole("button", { name: "Save preferences" }));
    expect(await screen.findByRole("alert")).toBeTruthy();
    expect((box as HTMLInputElement).checked).toBe(false);
  });
});
