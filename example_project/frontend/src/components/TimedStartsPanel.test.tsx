import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../api/client";
import type { TaskStartRecord, User } from "../api/types";
import { fakeJwt } from "../test/jwt";
import { makeCourse, makeTask } from "../test/fixtures";
import { renderApp } from "../test/render";
import { json, mockApi, page } from "../test/server";

const grace: User = {
  id: 2,
  username: "grace",
  email: "grace@example.org",
  first_name: "Grace",
  last_name: "Hopper",
  role: "instructor",
  date_joined: "2026-01-01T00:00:00Z",
};
const alice = { id: 7, username: "alice", first_name: "Alice", last_name: "Liddell" };
const bob = { id: 8, username: "bob", first_name: "", last_name: "" };
const quiz = makeTask(2, { title: "Quiz", time_limit_minutes: 20 });
const untimed = makeTask(3, { title: "Drill" });

function start(id: number, user: typeof alice, extra: Partial<TaskStartRecord> = {}): TaskStartRecord {
  return {
    id,
    user,
    started_at: "2026-03-10T15:00:00Z",
    deadline: "2026-03-10T15:20:00Z",
    restarted_at: null,
    restarted_by: null,
    ...extra,
  };
}

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 3600), refresh: "r" });
});

function routes(extra: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({
    "GET /api/auth/me/": () => json(200, grace),
    "GET /api/courses/arith/": () => json(200, makeCourse([quiz, untimed], { is_enrolled: false, my_role: "instructor" })),
    "GET /api/submissions/": () => json(200, page([])),
    "GET /api/regrade-requests/": () => json(200, page([])),
    ...extra,
  });
}

describe("timed starts on the staff's task page", () => {
  it("lists the starts and restarts a current one after confirming", async () => {
    let restarted = false;
    const { calls } = routes({
      "GET /api/tasks/2/starts/": () =>
        json(
          200,
          page([
            start(1, bob, { restarted_at: "2026-03-10T15:05:00Z", restarted_by: grace }),
            restarted
              ? start(2, alice, { restarted_at: "2026-03-10T15:30:00Z", restarted_by: grace })
              : start(2, alice),
          ]),
        ),
      "DELETE /api/tasks/2/starts/7/": () => {
        restarted = true;
        return json(204, null);
      },
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValue(true);
    const user = userEvent.setup();
    renderApp("/courses/arith/tasks/2");

    const table = await screen.findByRole("table", { name: "Timed starts" }, { timeout: 5000 });
    const [, historic, current, ...more] = within(table).getAllByRole("row");
    if (!historic || !current) throw new Error("expected a row per start");
    expect(more).toHaveLength(0);
    // A restarted start is history: it says by whom and has no button.
    expect(within(historic).getByText(/by Grace Hopper \(grace\)/)).toBeTruthy();
    expect(within(historic).queryByRole("button")).toBeNull();

    await user.click(within(current).getByRole("button", { name: "Restart Alice Liddell (alice)" }));
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining("Alice Liddell (alice)"));
    expect(await screen.findByText("Alice Liddell (alice) may start the task again.")).toBeTruthy();
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual(["/api/tasks/2/starts/7/"]);
    await waitFor(() => expect(screen.queryByRole("button", { name: /^Restart / })).toBeNull());
    confirm.mockRestore();
  });

  it("does nothing when the confirmation is cancelled and shows the server's refusal", async () => {
    const { calls } = routes({
      "GET /api/tasks/2/starts/": () => json(200, page([start(2, alice)])),
      "DELETE /api/tasks/2/starts/7/": () => json(404, { detail: "This student has no current start of this task.", code: "not_found" }),
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValue(false);
    const user = userEvent.setup();
    renderApp("/courses/arith/tasks/2");
    const button = await screen.findByRole("button", { name: "Restart Alice Liddell (alice)" }, { timeout: 5000 });
    await user.click(button);
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    confirm.mockReturnValue(true);
    await user.click(button);
    expect(await screen.findByText(/no current start of this task/)).toBeTruthy();
    confirm.mockRestore();
  });

  it("is not shown on a task without a time limit", async () => {
    const { calls } = routes();
    renderApp("/courses/arith/tasks/3");
    expect(await screen.findByRole("heading", { name: "Drill" }, { timeout: 5000 })).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Timed starts" })).toBeNull();
    expect(calls.some((c) => c.path.includes("/starts/"))).toBe(false);
  });
});
