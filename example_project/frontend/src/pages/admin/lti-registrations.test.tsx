import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../../api/client";
import type { LtiRegistration } from "../../api/types";
import { fakeJwt } from "../../test/jwt";
import { student } from "../../test/fixtures";
import { renderApp } from "../../test/render";
import { json, mockApi, page } from "../../test/server";
import { parseDeploymentIds } from "./LtiRegistrationsPage";

vi.setConfig({ testTimeout: 20_000 });
const loaded = { timeout: 5_000 };

const admin = { ...student, id: 9, username: "root", first_name: "Ada", last_name: "Admin", role: "admin" as const };

function tool(uuid: string) {
  return {
    login_url: `http://testserver/api/lti/login/${uuid}/`,
    launch_url: "http://testserver/api/lti/launch/",
    deep_linking_url: "http://testserver/api/lti/launch/",
    jwks_url: "http://testserver/api/lti/jwks/",
  };
}

const canvas: LtiRegistration = {
  id: 1,
  uuid: "0b7c4c55-0d1b-4d7e-9d55-3f1c2a7e9a01",
  name: "Canvas",
  issuer: "https://canvas.instructure.com",
  client_id: "10000000000001",
  audience: "",
  auth_url: "https://sso.canvaslms.com/api/lti/authorize_redirect",
  token_url: "https://sso.canvaslms.com/login/oauth2/token",
  keyset_url: "https://sso.canvaslms.com/api/lti/security/jwks",
  is_active: true,
  deployment_ids: ["12:8865aa05b4b79b64a91a86042e43af5ea8ae79eb"],
  tool: tool("0b7c4c55-0d1b-4d7e-9d55-3f1c2a7e9a01"),
};

const moodle: LtiRegistration = {
  ...canvas,
  id: 2,
  uuid: "5d0f3a8e-3c2b-4f0e-8c1a-6b7d9e0f1a22",
  name: "Moodle",
  issuer: "https://moodle.example.edu",
  client_id: "aBcD1234",
  is_active: false,
  deployment_ids: [],
  tool: tool("5d0f3a8e-3c2b-4f0e-8c1a-6b7d9e0f1a22"),
};

function adminApi(registrations: LtiRegistration[], extra: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({
    "GET /api/auth/me/": () => json(200, admin),
    "GET /api/courses/": () => json(200, page([])),
    "GET /api/notifications/": () => json(200, { ...page([]), unread: 0 }),
    "GET /api/lti/registrations/": () => json(200, page(registrations)),
    ...extra,
  });
}

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("parseDeploymentIds", () => {
  it("takes one id per line or comma, trimmed, without blanks or repeats", () => {
    expect(parseDeploymentIds(" 1 \n\n2,3\n1\n")).toEqual(["1", "2", "3"]);
    expect(parseDeploymentIds("  ")).toEqual([]);
  });
});

describe("the LTI registrations page", () => {
  it("lists the registrations with their deployments and state, linked from the nav", async () => {
    adminApi([canvas, moodle]);
    renderApp("/platform/lti-registrations");
    const table = await screen.findByRole("table", { name: "LTI platform registrations" }, loaded);
    expect(screen.getByRole("heading", { name: "LTI registrations", level: 1 })).toBeTruthy();
    expect(screen.getByRole("link", { name: "LTI registrations" }).getAttribute("href")).toBe("/platform/lti-registrations");
    const [, first, second] = within(table).getAllByRole("row");
    expect(within(first!).getByText("https://canvas.instructure.com")).toBeTruthy();
    expect(within(first!).getByText("10000000000001")).toBeTruthy();
    expect(within(first!).getByText("12:8865aa05b4b79b64a91a86042e43af5ea8ae79eb")).toBeTruthy();
    expect(within(first!).getByText("Active")).toBeTruthy();
    expect(within(second!).getByText("Inactive")).toBeTruthy();
    expect(within(second!).getByText(/None: launches are refused/)).toBeTruthy();
    expect(within(second!).getByRole("button", { name: "Activate Moodle" })).toBeTruthy();
  });

  it("shows the API's 400 beside each field, then registers and shows the tool URLs to copy", async () => {
    const made: LtiRegistration[] = [];
    let posts = 0;
    const { calls } = adminApi([], {
      "GET /api/lti/registrations/": () => json(200, page(made)),
      "POST /api/lti/registrations/": async (request) => {
        posts += 1;
        if (posts === 1) {
          return json(400, {
            client_id: ["A registration with this issuer and client id exists."],
            keyset_url: ["Enter a valid URL."],
            deployment_ids: { "1": ["This field may not be blank."] },
          });
        }
        const body = (await request.json()) as Omit<LtiRegistration, "id" | "uuid" | "tool">;
        const registration = { ...body, id: 3, uuid: moodle.uuid, tool: tool(moodle.uuid) };
        made.push(registration);
        return json(201, registration);
      },
    });
    const user = userEvent.setup();
    renderApp("/platform/lti-registrations");

    const form = await screen.findByRole("form", { name: "Register a platform" }, loaded);
    expect(await screen.findByText(/No platforms registered yet/, {}, loaded)).toBeTruthy();
    const submit = within(form).getByRole("button", { name: "Register platform" });
    expect(submit).toHaveProperty("disabled", true);
    await user.type(within(form).getByLabelText("Name"), "Moodle");
    await user.type(within(form).getByLabelText("Issuer"), "https://moodle.example.edu");
    await user.type(within(form).getByLabelText("Client ID"), "aBcD1234");
    await user.type(within(form).getByLabelText("Auth URL"), "https://moodle.example.edu/mod/lti/auth.php");
    await user.type(within(form).getByLabelText("Access token URL"), "https://moodle.example.edu/mod/lti/token.php");
    await user.type(within(form).getByLabelText("Keyset URL"), "moodle certs");
    await user.type(within(form).getByLabelText("Deployment IDs"), "7{Enter} 8 {Enter}7");
    await user.click(submit);

    const clientId = within(form).getByLabelText("Client ID");
    await waitFor(() => expect(clientId.getAttribute("aria-invalid")).toBe("true"), loaded);
    expect(within(form).getByText("A registration with this issuer and client id exists.")).toBeTruthy();
    expect(within(form).getByLabelText("Keyset URL").getAttribute("aria-invalid")).toBe("true");
    expect(within(form).getByText("Enter a valid URL.")).toBeTruthy();
    expect(within(form).getByText("Deployment 2: This field may not be blank.")).toBeTruthy();
    expect(within(form).getByLabelText("Name").getAttribute("aria-invalid")).toBeNull();
    expect(JSON.parse(calls.find((c) => c.method === "POST")!.body)).toEqual({
      name: "Moodle",
      issuer: "https://moodle.example.edu",
      client_id: "aBcD1234",
      audience: "",
      auth_url: "https://moodle.example.edu/mod/lti/auth.php",
      token_url: "https://moodle.example.edu/mod/lti/token.php",
      keyset_url: "moodle certs",
      deployment_ids: ["7", "8"],
      is_active: true,
    });

    const keyset = within(form).getByLabelText("Keyset URL");
    await user.clear(keyset);
    await user.type(keyset, "https://moodle.example.edu/mod/lti/certs.php");
    await user.click(submit);

    expect(await screen.findByText(/Registered Moodle/, {}, loaded)).toBeTruthy();
    const urls = await screen.findByRole("region", { name: "Tool URLs of Moodle" }, loaded);
    expect(within(urls).getByLabelText<HTMLInputElement>("Login initiation URL").value).toBe(tool(moodle.uuid).login_url);
    expect(within(urls).getByLabelText<HTMLInputElement>("Launch / redirect URL").value).toBe("http://testserver/api/lti/launch/");
    expect(within(urls).getByLabelText<HTMLInputElement>("Deep linking URL").value).toBe("http://testserver/api/lti/launch/");
    expect(within(urls).getByLabelText<HTMLInputElement>("Tool JWKS URL").value).toBe("http://testserver/api/lti/jwks/");
    await user.click(within(urls).getByRole("button", { name: "Copy the Tool JWKS URL" }));
    expect(await navigator.clipboard.readText()).toBe("http://testserver/api/lti/jwks/");
    expect(within(urls).getByText("Copied")).toBeTruthy();
    // The add form is empty again.
    expect(within(form).getByLabelText<HTMLInputElement>("Name").value).toBe("");
  });

  it("edits a registration with a PATCH whose deployment ids replace the set", async () => {
    const { calls } = adminApi([canvas], {
      "PATCH /api/lti/registrations/1/": async (request) => json(200, { ...canvas, ...((await request.json()) as object) }),
    });
    const user = userEvent.setup();
    renderApp("/platform/lti-registrations");
    await user.click(await screen.findByRole("button", { name: "Edit Canvas" }, loaded));
    const form = screen.getByRole("form", { name: "Edit the registration Canvas" });
    expect(within(form).getByLabelText<HTMLInputElement>("Client ID").value).toBe(canvas.client_id);
    const name = within(form).getByLabelText("Name");
    await user.clear(name);
    await user.type(name, "Canvas (prod)");
    await user.type(within(form).getByLabelText("Deployment IDs"), "{Enter}13:abc");
    await user.click(within(form).getByRole("button", { name: "Save registration" }));
    expect(await screen.findByText("Saved the registration Canvas (prod).", {}, loaded)).toBeTruthy();
    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(JSON.parse(patch.body)).toMatchObject({
      name: "Canvas (prod)",
      issuer: canvas.issuer,
      client_id: canvas.client_id,
      deployment_ids: [...canvas.deployment_ids!, "13:abc"],
      is_active: true,
    });
    expect(screen.queryByRole("form", { name: /Edit the registration/ })).toBeNull();
  });

  it("deactivates and activates a registration", async () => {
    const { calls } = adminApi([canvas, moodle], {
      "PATCH /api/lti/registrations/(\\d+)/": async (request, match) => {
        const base = match[1] === "1" ? canvas : moodle;
        return json(200, { ...base, ...((await request.json()) as object) });
      },
    });
    const user = userEvent.setup();
    renderApp("/platform/lti-registrations");
    await user.click(await screen.findByRole("button", { name: "Deactivate Canvas" }, loaded));
    expect(await screen.findByText(/Deactivated Canvas/, {}, loaded)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Activate Moodle" }));
    expect(await screen.findByText(/Activated Moodle/, {}, loaded)).toBeTruthy();
    const patches = calls.filter((c) => c.method === "PATCH");
    expect(patches.map((c) => [c.path, JSON.parse(c.body) as unknown])).toEqual([
      ["/api/lti/registrations/1/", { is_active: false }],
      ["/api/lti/registrations/2/", { is_active: true }],
    ]);
  });

  it("deletes a registration only after confirmation", async () => {
    let rows = [canvas, moodle];
    const { calls } = adminApi([], {
      "GET /api/lti/registrations/": () => json(200, page(rows)),
      "DELETE /api/lti/registrations/2/": () => {
        rows = [canvas];
        return json(204, null);
      },
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    const user = userEvent.setup();
    renderApp("/platform/lti-registrations");
    const remove = await screen.findByRole("button", { name: "Delete Moodle" }, loaded);

    await user.click(remove);
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(confirm.mock.calls[0]![0]).toMatch(/platform users and links go with it/);
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);

    await user.click(remove);
    expect(await screen.findByText("Deleted the registration Moodle.", {}, loaded)).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole("button", { name: "Delete Moodle" })).toBeNull(), loaded);
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual(["/api/lti/registrations/2/"]);
  });

  it("is for platform admins only: an instructor is sent home and has no link", async () => {
    const { calls } = mockApi({
      "GET /api/auth/me/": () => json(200, { ...admin, role: "instructor" }),
      "GET /api/courses/": () => json(200, page([])),
      "GET /api/notifications/": () => json(200, { ...page([]), unread: 0 }),
      "GET /api/progress/upcoming/": () => json(200, page([])),
      "GET /api/progress/": () => json(200, page([])),
    });
    renderApp("/platform/lti-registrations");
    await screen.findByText("Signed in as", { exact: false }, loaded);
    await waitFor(() => expect(screen.queryByRole("heading", { name: "LTI registrations" })).toBeNull(), loaded);
    expect(screen.queryByRole("link", { name: "LTI registrations" })).toBeNull();
    expect(calls.some((c) => c.path.startsWith("/api/lti/"))).toBe(false);
  });
});
