/**
 * Webhooks from the admin's page to a real receiver: the admin adds an endpoint for
 * `enrollment.created` on the Webhooks page, a student enrolls, and the receiver
 * (tests/events/receiver.py, a separate process that verifies every request with the
 * standardwebhooks library) gets the event signed with the secret the page showed once; the
 * delivery log shows it delivered, and a replay arrives again under the same webhook-id.
 */
import { expect, test } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { ApiUser, shot, unique } from "./fixtures";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const PYTHON = process.env.PYTHON ?? "python";
const COURSE = "python-foundations";

type Received = { id: string; verified_by: number[]; body: { type: string; id: string; data: Record<string, unknown> } };

let receiver: ChildProcess | undefined;
let receiverUrl = "";
let dir = "";

function received(): Received[] {
  const log = path.join(dir, "log.jsonl");
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Received);
}

test.beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "webhooks-e2e-"));
  // No secret yet: the page makes one and shows it once.
  writeFileSync(path.join(dir, "secrets"), "");
  receiver = spawn(PYTHON, [path.join(ROOT, "tests/events/receiver.py"), path.join(dir, "log.jsonl"), path.join(dir, "secrets")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: receiver.stdout! });
  const port = await new Promise<string>((resolve, reject) => {
    lines.on("line", (line) => {
      if (line.startsWith("PORT ")) resolve(line.slice(5).trim());
    });
    receiver!.on("exit", (code) => reject(new Error(`receiver exited with ${code}`)));
  });
  receiverUrl = `http://127.0.0.1:${port}/ok`;
});

test.afterAll(() => {
  receiver?.kill();
});

test("an admin's endpoint receives a signed enrollment event, logged and replayed", async ({ page, request }) => {
  const admin = await ApiUser.login(request, "admin", "admin-demo-pass");
  await admin.signIn(page);
  await page.goto("/platform/webhooks");
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();

  const form = page.getByRole("form", { name: "Add an endpoint" });
  await form.getByLabel("URL").fill(receiverUrl);
  await form.getByRole("checkbox", { name: "enrollment.created" }).check();
  await form.getByRole("button", { name: "Add endpoint" }).click();
  const secret = (await page.getByLabel("Signing secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^whsec_/);
  writeFileSync(path.join(dir, "secrets"), secret);
  const endpoints = page.getByRole("table", { name: "Webhook endpoints" });
  await expect(endpoints.getByRole("row", { name: new RegExp(receiverUrl) })).toContainText("enrollment.created");

  // A student enrolls: the immediate backend delivers when the enrollment commits.
  const student = await ApiUser.register(request, unique("hooked"));
  await student.call("POST", `/api/courses/${COURSE}/enroll/`, undefined, 201);
  await expect.poll(() => received().length, { timeout: 15_000 }).toBe(1);
  const [first] = received();
  expect(first!.body.type).toBe("enrollment.created");
  expect(first!.body.data).toMatchObject({ course: COURSE, user: student.id, role: "student" });
  expect(first!.verified_by).toEqual([0]); // signed with the secret the page showed
  expect(first!.id).toBe(first!.body.id);

  await page.getByRole("button", { name: `Deliveries of ${receiverUrl}` }).click();
  const log = page.getByRole("table", { name: "Webhook deliveries" });
  const row = log.getByRole("row", { name: new RegExp(first!.id) });
  await expect(row).toContainText("delivered");
  await expect(row).toContainText("200");
  await shot(page, "webhooks");

  await row.getByRole("button", { name: `Replay ${first!.id}` }).click();
  await expect(page.getByText(/sent with the same webhook-id/)).toBeVisible();
  await expect.poll(() => received().length, { timeout: 15_000 }).toBe(2);
  expect(received()[1]!.id).toBe(first!.id);
});
