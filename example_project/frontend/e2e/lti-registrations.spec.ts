/**
 * LTI registrations from the admin's page to a real launch: the admin registers a platform
 * (tests/lti/platform_server.py, where lti1p3platform signs the launches) on the LTI
 * registrations page, copies the tool's login initiation URL the page shows, and a learner's
 * launch through that URL lands in the course. A second registration of the same issuer and
 * client id gets the API's 400 beside the Client ID field; deactivating the registration makes
 * the next launch a 403; deleting it (after the confirmation) takes it off the list.
 */
import { expect, test } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { acceptNextDialog, ApiUser, expectLabelledControls, shot, unique } from "./fixtures";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const PYTHON = process.env.PYTHON ?? "python";
const BASE_URL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:8000";
const COURSE = "python-foundations";
// Unlike lti.spec.ts's, so the two specs' registrations never meet.
const ISSUER = "https://moodle-ui.e2e.invalid";
const CLIENT = unique("ui-client");
const DEPLOYMENT = "ui-1";

let platform: ChildProcess | undefined;
let platformUrl = "";

test.beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "lti-registrations-e2e-"));
  const config = path.join(dir, "platform.json");
  writeFileSync(config, JSON.stringify({ issuer: ISSUER, client_id: CLIENT, deployment_id: DEPLOYMENT, context_id: "e2e-ui-context" }));
  platform = spawn(PYTHON, [path.join(ROOT, "tests/lti/platform_server.py"), config], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: platform.stdout! });
  platformUrl = await new Promise<string>((resolve, reject) => {
    lines.once("line", (line) => resolve(`http://127.0.0.1:${line.split(" ")[1]}`));
    platform!.on("exit", (code) => reject(new Error(`platform server exited with ${code}`)));
  });
});

test.afterAll(() => {
  platform?.kill();
});

/** The OIDC login a platform starts for `sub`, at the login URL the page showed. */
async function launchUrl(request: import("@playwright/test").APIRequestContext, loginUrl: string, sub: string) {
  const hint = await request.post(`${platformUrl}/_next_launch`, {
    data: {
      sub,
      roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
      name: "Lee Learner",
      email: `${sub}@e2e.invalid`,
      custom: { learnplat_course: COURSE },
    },
  });
  expect(hint.status()).toBe(204);
  const login = new URL(loginUrl);
  login.search = new URLSearchParams({
    iss: ISSUER,
    login_hint: sub,
    target_link_uri: new URL("/api/lti/launch/", BASE_URL).toString(),
    lti_message_hint: "e2e-ui-link",
    client_id: CLIENT,
    lti_deployment_id: DEPLOYMENT,
  }).toString();
  return login.toString();
}

test("an admin registers a platform on the page and its launches come in until it is switched off", async ({ page, request, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE_URL });
  const admin = await ApiUser.login(request, "admin", "admin-demo-pass");
  await admin.signIn(page);
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "LTI registrations" }).click();
  await expect(page).toHaveURL(/\/platform\/lti-registrations$/);
  await expect(page.getByRole("heading", { name: "LTI registrations", level: 1 })).toBeVisible();

  const name = unique("Moodle UI");
  const form = page.getByRole("form", { name: "Register a platform" });
  async function fill(registrationName: string) {
    await form.getByLabel("Name").fill(registrationName);
    await form.getByLabel("Issuer").fill(ISSUER);
    await form.getByLabel("Client ID").fill(CLIENT);
    await form.getByLabel("Auth URL").fill(`${platformUrl}/auth`);
    await form.getByLabel("Access token URL").fill(`${platformUrl}/token`);
    await form.getByLabel("Keyset URL").fill(`${platformUrl}/jwks`);
    await form.getByLabel("Deployment IDs").fill(DEPLOYMENT);
  }
  await fill(name);
  await expectLabelledControls(page);
  await form.getByRole("button", { name: "Register platform" }).click();
  await expect(page.getByText(`Registered ${name}.`)).toBeVisible();

  const table = page.getByRole("table", { name: "LTI platform registrations" });
  const row = table.getByRole("row", { name: new RegExp(`^${name} `) });
  await expect(row).toContainText(CLIENT);
  await expect(row).toContainText(DEPLOYMENT);
  await expect(row).toContainText("Active");

  // The tool's side, as the page shows it for pasting into the platform.
  const urls = page.getByRole("region", { name: `Tool URLs of ${name}` });
  await expect(urls.getByLabel("Tool JWKS URL", { exact: true })).toHaveValue(new URL("/api/lti/jwks/", BASE_URL).toString());
  await expect(urls.getByLabel("Launch / redirect URL", { exact: true })).toHaveValue(new URL("/api/lti/launch/", BASE_URL).toString());
  await expect(urls.getByLabel("Deep linking URL", { exact: true })).toHaveValue(new URL("/api/lti/launch/", BASE_URL).toString());
  await urls.getByRole("button", { name: "Copy the Login initiation URL" }).click();
  await expect(urls.getByText("Copied")).toBeVisible();
  const loginUrl = await page.evaluate(() => navigator.clipboard.readText());
  expect(loginUrl).toMatch(new RegExp(`^${BASE_URL}/api/lti/login/[0-9a-f-]{36}/$`));
  await expect(urls.getByLabel("Login initiation URL", { exact: true })).toHaveValue(loginUrl);
  const jwks = await request.get((await urls.getByLabel("Tool JWKS URL", { exact: true }).inputValue()) || "");
  expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
  await shot(page, "lti-registrations");

  // The same issuer and client id again: the API's 400, beside the field.
  await fill(`${name} again`);
  await form.getByRole("button", { name: "Register platform" }).click();
  await expect(form.getByLabel("Client ID")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByText("A registration with this issuer and client id exists.")).toBeVisible();

  // A learner launched by the platform through the copied login URL lands in the course.
  const learner = await page.context().browser()!.newContext();
  const learnerPage = await learner.newPage();
  await learnerPage.goto(await launchUrl(request, loginUrl, unique("ui-learner")));
  await expect(learnerPage).toHaveURL(new RegExp(`/courses/${COURSE}$`));
  await expect(learnerPage.getByRole("heading", { level: 1 })).toContainText("Python Foundations");

  // Switched off: the next launch is refused.
  await row.getByRole("button", { name: `Deactivate ${name}` }).click();
  await expect(page.getByText(`Deactivated ${name}: its launches are refused.`)).toBeVisible();
  await expect(row).toContainText("Inactive");
  await learner.close();
  const stranger = await page.context().browser()!.newContext();
  const refused = await stranger.newPage();
  await refused.goto(await launchUrl(request, loginUrl, unique("ui-refused")));
  // The login or the launch refuses it (403), and no session is made.
  await expect(refused.getByText(/not registered/)).toBeVisible();
  expect(await refused.evaluate(() => window.localStorage.getItem("learnplat.tokens"))).toBeNull();
  await stranger.close();

  // Edit: a second deployment; then delete after the confirmation.
  await row.getByRole("button", { name: `Edit ${name}` }).click();
  const edit = page.getByRole("form", { name: `Edit the registration ${name}` });
  await edit.getByLabel("Deployment IDs").fill(`${DEPLOYMENT}\nui-2`);
  await edit.getByRole("button", { name: "Save registration" }).click();
  await expect(page.getByText(`Saved the registration ${name}.`)).toBeVisible();
  await expect(row).toContainText("ui-2");

  const dialog = acceptNextDialog(page);
  await row.getByRole("button", { name: `Delete ${name}` }).click();
  expect(await dialog).toMatch(/platform users and links go with it/);
  await expect(page.getByText(`Deleted the registration ${name}.`)).toBeVisible();
  await expect(row).toHaveCount(0);
});
