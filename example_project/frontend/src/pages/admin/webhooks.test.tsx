import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../../api/client";
import type { WebhookDelivery, WebhookEndpoint } from "../../api/types";
import { fakeJwt } from "../../test/jwt";
import { student } from "../../test/fixtures";
import { renderApp } from "../../test/render";
import { json, mockApi, page } from "../../test/server";

vi.setConfig({ testTimeout: 20_000 });
const loaded = { timeout: 5_000 };

const admin = { ...student, id: 9, username: "root", first_name: "Ada", last_name: "Admin", role: "admin" as const };
const hook: WebhookEndpoint = { id: 1, url: "https://hooks.example.org/lp", events: [], is_active: true };

function delivery(id: number, extra: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return {
    id,
    endpoint: 1,
    event_id: `evt_${String(id).padStart(32, "0")}`,
    type: "submission.graded",
    status: "delivered",
    attempts: 1,
    last_status_code: 200,
    next_attempt_at: null,
    ...extra,
  };
}

function adminApi(endpoints: WebhookEndpoint[], deliveries: WebhookDelivery[], extra: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({
    "GET /api/auth/me/": () => json(200, admin),
    "GET /api/courses/": () => json(200, page([])),
    "GET /api/notifications/": () => json(200, { ...page([]), unread: 0 }),
    "GET /api/webhooks/endpoints/": () => json(200, page(endpoints)),
    "GET /api/webhooks/deliveries/": () => json(200, page(deliveries)),
    ...extra,
  });
}

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the webhooks page", () => {
  it("adds an endpoint for chosen events and shows its secret once", async () => {
    const made: WebhookEndpoint[] = [];
    const { calls } = adminApi([], [], {
      "GET /api/webhooks/endpoints/": () => json(200, page(made)),
      "POST /api/webhooks/endpoints/": async (request) => {
        const body = (await request.json()) as Omit<WebhookEndpoint, "id">;
        const endpoint = { ...body, id: 3 };
        made.push(endpoint);
        return json(201, { ...endpoint, secret: "whsec_c2VjcmV0LXNlY3JldA==" });
      },
    });
    const user = userEvent.setup();
    renderApp("/platform/webhooks");

    const form = await screen.findByRole("form", { name: "Add an endpoint" }, loaded);
    expect(screen.getByRole("link", { name: "Webhooks" }).getAttribute("href")).toBe("/platform/webhooks");
    await user.type(within(form).getByLabelText("URL"), "https://ci.example.org/in");
    await user.click(within(form).getByRole("checkbox", { name: "grade.changed" }));
    await user.click(within(form).getByRole("checkbox", { name: "submission.graded" }));
    await user.click(within(form).getByRole("button", { name: "Add endpoint" }));

    expect((await screen.findByLabelText("Signing secret", {}, loaded)).textContent).toBe("whsec_c2VjcmV0LXNlY3JldA==");
    await user.click(screen.getByRole("button", { name: "Copy the secret" }));
    expect(await navigator.clipboard.readText()).toBe("whsec_c2VjcmV0LXNlY3JldA==");
    const post = calls.find((c) => c.method === "POST")!;
    // The types go in the API's order, whatever order they were ticked in; no secret was typed.
    expect(JSON.parse(post.body)).toEqual({
      url: "https://ci.example.org/in",
      events: ["submission.graded", "grade.changed"],
      is_active: true,
    });
    const table = await screen.findByRole("table", { name: "Webhook endpoints" }, loaded);
    expect(within(table).getByText("submission.graded, grade.changed")).toBeTruthy();
  });

  it("shows the API's 400 on the URL next to the field", async () => {
    adminApi([], [], {
      "POST /api/webhooks/endpoints/": () =>
        json(400, { url: ["Webhook URLs may not point at loopback, private or link-local addresses."] }),
    });
    const user = userEvent.setup();
    renderApp("/platform/webhooks");
    const form = await screen.findByRole("form", { name: "Add an endpoint" }, loaded);
    await user.type(within(form).getByLabelText("URL"), "http://127.0.0.1:9/");
    await user.click(within(form).getByRole("button", { name: "Add endpoint" }));
    const url = within(form).getByLabelText("URL");
    await waitFor(() => expect(url.getAttribute("aria-invalid")).toBe("true"), loaded);
    expect(within(form).getByText(/loopback, private or link-local/)).toBeTruthy();
  });

  it("rotates a secret after confirmation and says the old one keeps signing", async () => {
    const { calls } = adminApi([hook], [], {
      "POST /api/webhooks/endpoints/1/rotate-secret/": () => json(200, { secret: "whsec_bmV3LXNlY3JldA==" }),
    });
    vi.spyOn(window, "confirm").mockReturnValue(true);
    const user = userEvent.setup();
    renderApp("/platform/webhooks");
    await user.click(await screen.findByRole("button", { name: `Rotate the secret of ${hook.url}` }, loaded));
    expect((await screen.findByLabelText("Signing secret", {}, loaded)).textContent).toBe("whsec_bmV3LXNlY3JldA==");
    expect(screen.getByText(/both signatures until the previous secret expires/)).toBeTruthy();
    expect(calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual(["/api/webhooks/endpoints/1/rotate-secret/"]);
  });

  it("edits an endpoint's events and active flag with a PATCH", async () => {
    const { calls } = adminApi([hook], [], {
      "PATCH /api/webhooks/endpoints/1/": async (request) => json(200, { ...hook, ...((await request.json()) as object) }),
    });
    const user = userEvent.setup();
    renderApp("/platform/webhooks");
    await user.click(await screen.findByRole("button", { name: `Edit ${hook.url}` }, loaded));
    const form = screen.getByRole("form", { name: `Edit the endpoint ${hook.url}` });
    await user.click(within(form).getByRole("checkbox", { name: "enrollment.created" }));
    await user.click(within(form).getByRole("checkbox", { name: /Active/ }));
    await user.click(within(form).getByRole("button", { name: "Save endpoint" }));
    expect(await screen.findByText(`Saved the endpoint ${hook.url}.`, {}, loaded)).toBeTruthy();
    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(JSON.parse(patch.body)).toEqual({ url: hook.url, events: ["enrollment.created"], is_active: false });
  });

  it("filters the delivery log and replays a failed delivery", async () => {
    const failed = delivery(7, { status: "failed", attempts: 8, last_status_code: 503 });
    const { calls } = adminApi([hook], [delivery(6), failed], {
      "POST /api/webhooks/deliveries/7/replay/": () => json(202, { detail: "Queued." }),
    });
    const user = userEvent.setup();
    renderApp("/platform/webhooks");
    const log = await screen.findByRole("table", { name: "Webhook deliveries" }, loaded);
    expect(within(log).getByText("503")).toBeTruthy();

    await user.selectOptions(screen.getByLabelText("Status"), "failed");
    await user.selectOptions(screen.getByLabelText("Event type"), "submission.graded");
    await waitFor(() => {
      const last = calls.filter((c) => c.path === "/api/webhooks/deliveries/").at(-1)!;
      expect(last.url.searchParams.get("status")).toBe("failed");
      expect(last.url.searchParams.get("type")).toBe("submission.graded");
    }, loaded);

    await user.click(screen.getByRole("button", { name: `Replay ${failed.event_id}` }));
    expect(await screen.findByText(/sent with the same webhook-id/, {}, loaded)).toBeTruthy();
    expect(calls.some((c) => c.method === "POST" && c.path === "/api/webhooks/deliveries/7/replay/")).toBe(true);
  });

  it("is for platform admins only: an instructor is sent home and has no link", async () => {
    const api = mockApi({
      "GET /api/auth/me/": () => json(200, { ...admin, role: "instructor" }),
      "GET /api/courses/": () => json(200, page([])),
      "GET /api/notifications/": () => json(200, { ...page([]), unread: 0 }),
      "GET /api/progress/upcoming/": () => json(200, page([])),
      "GET /api/progress/": () => json(200, page([])),
    });
    renderApp("/platform/webhooks");
    const { calls } = api;
    // Once the session is known the guard has decided: no page, no link, no webhook request.
    await screen.findByText("Signed in as", { exact: false }, loaded);
    await waitFor(() => expect(screen.queryByRole("heading", { name: "Webhooks" })).toBeNull(), loaded);
    expect(screen.queryByRole("link", { name: "Webhooks" })).toBeNull();
    expect(calls.some((c) => c.path.startsWith("/api/webhooks/"))).toBe(false);
  });
});
