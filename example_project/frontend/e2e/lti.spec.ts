/**
 * An LTI 1.3 launch as a browser makes it: the platform (tests/lti/platform_server.py, where
 * lti1p3platform signs the launch) starts the OIDC login at the tool, the tool sends the
 * browser to the platform's auth URL, the platform's page posts the signed id_token back, and
 * the tool redirects to the app's /lti/launch route, which trades the code for a session and
 * opens the linked course.
 */
import { expect, test } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { ApiUser, unique } from "./fixtures";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const PYTHON = process.env.PYTHON ?? "python";
const CLIENT = "e2e-client";
const BASE_URL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:8000";
const COURSE = "python-foundations";

let platform: ChildProcess | undefined;
let platformUrl = "";

test.beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "lti-e2e-"));
  const config = path.join(dir, "platform.json");
  writeFileSync(
    config,
    JSON.stringify({
      issuer: "https://moodle.e2e.invalid",
      client_id: CLIENT,
      deployment_id: "1",
      context_id: "e2e-context",
    }),
  );
  platform = spawn(PYTHON, [path.join(ROOT, "tests/lti/platform_server.py"), config], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: platform.stdout! });
  platformUrl = await new Promise<string>((resolve) =>
    lines.once("line", (line) => resolve(`http://127.0.0.1:${line.split(" ")[1]}`)),
  );
});

test.afterAll(() => {
  platform?.kill();
});

test("a Moodle-like launch lands a new learner in the linked course", async ({ page, request }) => {
  const admin = await ApiUser.login(request, "admin", "admin-demo-pass");
  await admin.call(
    "POST",
    "/api/lti/registrations/",
    {
      name: "E2E platform",
      issuer: "https://moodle.e2e.invalid",
      client_id: CLIENT,
      auth_url: `${platformUrl}/auth`,
      token_url: `${platformUrl}/token`,
      keyset_url: `${platformUrl}/jwks`,
      deployment_ids: ["1"],
    },
    201,
  );
  const sub = unique("learner");
  const hint = await request.post(`${platformUrl}/_next_launch`, {
    data: {
      sub,
      roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
      name: "Eve Learner",
      email: `${sub}@e2e.invalid`,
      custom: { learnplat_course: COURSE },
    },
  });
  expect(hint.status()).toBe(204);

  const login = new URL("/api/lti/login/", BASE_URL);
  login.search = new URLSearchParams({
    iss: "https://moodle.e2e.invalid",
    login_hint: sub,
    target_link_uri: new URL("/api/lti/launch/", login).toString(),
    lti_message_hint: "e2e-link",
    client_id: CLIENT,
    lti_deployment_id: "1",
  }).toString();
  await page.goto(login.toString());

  await expect(page).toHaveURL(new RegExp(`/courses/${COURSE}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Python Foundations");
  const stored = await page.evaluate(() => window.localStorage.getItem("learnplat.tokens"));
  expect(JSON.parse(stored ?? "{}")).toHaveProperty("refresh");
});
