import { expect, test as base, type APIRequestContext, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import path from "node:path";

export const INSTRUCTOR = {
  username: process.env.E2E_INSTRUCTOR_USER ?? "instructor",
  password: process.env.E2E_INSTRUCTOR_PASSWORD ?? "instructor-demo-pass",
};

const SCREENSHOTS = path.join(import.meta.dirname, "screenshots");

/** Unlike any username, so Django's similarity validator accepts it. */
export const PASSWORD = "Correct-Horse-Battery-42";

/** A name no earlier run used, so a test never trips over rows from another run. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
}

export async function shot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Everything a test does through the API directly (set-up, a second user), with a bearer token. */
export class ApiUser {
  constructor(
    private readonly request: APIRequestContext,
    readonly access: string,
    readonly refresh: string,
    readonly id?: number,
  ) {}

  static async login(request: APIRequestContext, username: string, password: string): Promise<ApiUser> {
    const response = await request.post("/api/auth/token/", { data: { username, password } });
    expect(response.status(), await response.text()).toBe(200);
    const tokens = (await response.json()) as { access: string; refresh: string };
    return new ApiUser(request, tokens.access, tokens.refresh);
  }

  static async register(request: APIRequestContext, username: string): Promise<ApiUser> {
    const response = await request.post("/api/auth/register/", {
      data: { username, email: `${username}@e2e.invalid`, password: PASSWORD },
    });
    expect(response.status(), await response.text()).toBe(201);
    const body = (await response.json()) as { access: string; refresh: string; user: { id: number } };
    return new ApiUser(request, body.access, body.refresh, body.user.id);
  }

  /** Opens the app in `page` already logged in as this user (the tokens the app would store). */
  async signIn(page: Page) {
    const tokens = JSON.stringify({ access: this.access, refresh: this.refresh });
    await page.addInitScript((value) => window.localStorage.setItem("learnplat.tokens", value), tokens);
  }

  async call(method: "GET" | "POST" | "PATCH" | "DELETE", url: string, data?: unknown, expected?: number) {
    const response = await this.request.fetch(url, {
      method,
      data: data === undefined ? undefined : data,
      headers: { Authorization: `Bearer ${this.access}` },
    });
    if (expected !== undefined) expect(response.status(), await response.text()).toBe(expected);
    return response.status() === 204 ? null : ((await response.json()) as Record<string, unknown>);
  }
}

/**
 * A course made through the API for tests that are not about authoring: one task of every
 * built-in kind, published, enrollment open.
 */
export async function createPublishedCourse(instructor: ApiUser, title: string) {
  const slug = unique("e2e");
  await instructor.call(
    "POST",
    "/api/courses/",
    {
      slug,
      title,
      description: "Small sums to warm up. Made by the end-to-end tests.",
      enrollment_open: true,
      tasks: [
        { title: "What is 2 + 2?", kind: "exact", position: 1, max_score: 1, is_published: true, config: { answers: ["4", "four"], case_sensitive: false } },
        { title: "Pick the even number", kind: "choice", position: 2, max_score: 1, is_published: true, max_attempts: 3, config: { choices: ["3", "4", "5"], correct: [1], multiple: false } },
        { title: "Approximate pi", kind: "numeric", position: 3, max_score: 2, is_published: true, config: { value: 3.14159, abs_tol: 0.01 } },
        { title: "Write x = a number", kind: "regex", position: 4, max_score: 1, is_published: true, config: { pattern: "^x\\s*=\\s*\\d+$" } },
        { title: "Explain addition", kind: "manual", position: 5, max_score: 5, is_published: true, config: {} },
      ],
    },
    201,
  );
  await instructor.call("POST", `/api/courses/${slug}/publish/`, undefined, 200);
  return { slug, title };
}

/** The message of the next dialog (a confirmation) `page` opens, which is accepted. */
export function acceptNextDialog(page: Page): Promise<string> {
  return new Promise<string>((resolve) => {
    page.once("dialog", (dialog) => {
      resolve(dialog.message());
      void dialog.accept();
    });
  });
}

/** Every visible form control has an accessible name (a <label>, aria-label or aria-labelledby). */
export async function expectLabelledControls(page: Page) {
  const unlabelled = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLInputElement>("input, select, textarea"))
      .filter((el) => el.offsetParent !== null && el.type !== "hidden")
      .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")))
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  expect(unlabelled, "form controls without a label").toEqual([]);
}

/**
 * `page` that fails the test on any uncaught error or console error in the app. Tests that
 * provoke an HTTP error on purpose list the statuses the browser may log for it.
 */
export const test = base.extend<{ allowedHttpErrors: number[] }>({
  allowedHttpErrors: [[], { option: true }],
  page: async ({ page, allowedHttpErrors }, use) => {
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      const text = message.text();
      const status = /status of (\d{3})/.exec(text)?.[1];
      if (status && allowedHttpErrors.includes(Number(status))) return;
      problems.push(`console error: ${text}`);
    });
    await use(page);
    expect(problems, "the app logged errors").toEqual([]);
  },
});

export { expect };
