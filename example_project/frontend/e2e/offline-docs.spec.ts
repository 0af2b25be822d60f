import type { Page } from "@playwright/test";
import { ApiUser, INSTRUCTOR, expect, shot, test } from "./fixtures";

/**
 * The demo works without internet access: Swagger UI, Redoc (fonts included), the admin and the
 * React app make every request to the site's own origin. A CDN script, a web font or a
 * validator badge from elsewhere fails here, whether or not the machine is online.
 */

const ADMIN = { username: "admin", password: "admin-demo-pass" };

/** Records every request the page makes from now on; `offSite()` lists those to other origins. */
function watchRequests(page: Page, origin: string) {
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));
  return {
    urls,
    // data: and blob: URLs are made in the page itself, never fetched from anywhere.
    offSite: () => urls.filter((url) => !/^(data|blob):/.test(url) && new URL(url).origin !== origin),
  };
}

test.describe("offline pages", () => {
  let origin: string;

  test.beforeEach(({ baseURL }) => {
    origin = new URL(baseURL ?? "http://127.0.0.1:8000").origin;
  });

  test("Swagger UI at /api/docs/ renders the operations from the site alone", async ({ page }) => {
    const requests = watchRequests(page, origin);
    await page.goto("/api/docs/");
    await expect(page.getByRole("heading", { name: /learnplat API/ })).toBeVisible();
    await expect(page.locator(".opblock").first()).toBeVisible();
    await expect(page.locator(".opblock-summary-path", { hasText: "/api/courses/" }).first()).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect(requests.urls).toContain(`${origin}/api/schema/`);
    expect(requests.offSite()).toEqual([]);
    await shot(page, "offline-docs-swagger");
  });

  test("Redoc at /api/redoc/ renders the reference from the site alone, fonts included", async ({ page }) => {
    const requests = watchRequests(page, origin);
    await page.goto("/api/redoc/");
    // Redoc renders the whole schema in the page before it shows anything: slow on 2 cores.
    await expect(page.getByRole("heading", { name: /learnplat API/ }).first()).toBeVisible({ timeout: 30_000 });
    await expect(page.locator("[data-section-id^='tag/']").first()).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect(requests.urls).toContain(`${origin}/api/schema/`);
    expect(requests.offSite()).toEqual([]);
    // Its Redocly logo comes from the page itself (demo/redoc.html), and no font is fetched: the page uses the system's (REDOC_UI_SETTINGS).
    expect(requests.urls.filter((url) => /\.(woff2?|ttf|otf)(\?|$)|fonts\./.test(url))).toEqual([]);
    await shot(page, "offline-docs-redoc");
  });

  test("the admin is branded and loads from the site alone", async ({ page }) => {
    const requests = watchRequests(page, origin);
    await page.goto("/admin/login/");
    await expect(page).toHaveTitle(/learnplat admin/);
    await expect(page.locator("#site-name")).toHaveText("learnplat admin");
    await page.getByLabel("Username").fill(ADMIN.username);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("heading", { name: "Courses, people and submissions" })).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect(requests.offSite()).toEqual([]);
    await shot(page, "offline-docs-admin");
  });

  test("the React app's catalog and an instructor's console load from the site alone", async ({
    page,
    request,
  }) => {
    const requests = watchRequests(page, origin);
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Courses" })).toBeVisible();
    await page.waitForLoadState("networkidle");
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    await instructor.signIn(page);
    await page.goto("/teach");
    await page.waitForLoadState("networkidle");
    expect(requests.urls.some((url) => url.startsWith(`${origin}/api/`))).toBe(true);
    expect(requests.offSite()).toEqual([]);
  });
});
