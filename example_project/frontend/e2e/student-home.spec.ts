import { ApiUser, INSTRUCTOR, expect, shot, test } from "./fixtures";

/** The demo seed's student and her course (example_project/demo/seed.py). */
const ALICE = { username: "alice", password: "alice-demo-pass" };
const COURSE = { slug: "python-foundations", title: "Python Foundations: a guided tour" };

async function logIn(page: import("@playwright/test").Page, who: { username: string; password: string }) {
  await page.getByLabel("Username").fill(who.username);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Log in" }).click();
}

test.describe("a student's home page", () => {
  test("lists upcoming deadlines across courses, with extensions, and recent grades", async ({ page, request }) => {
    const alice = await ApiUser.login(request, ALICE.username, ALICE.password);
    const me = (await alice.call("GET", "/api/auth/me/", undefined, 200)) as { id: number };
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const course = (await instructor.call("GET", `/api/courses/${COURSE.slug}/`, undefined, 200)) as {
      title: string;
      tasks: { id: number; title: string }[];
    };
    // An extension on the seeded task due in a few days: the home page marks it "extended".
    const squareRoots = course.tasks.find((t) => t.title === "Square roots")!;
    const extended = new Date(Date.now() + 9 * 86_400_000).toISOString();
    await instructor.call("POST", `/api/courses/${COURSE.slug}/extensions/`, {
      user: me.id,
      task: squareRoots.id,
      due_at: extended,
    });

    await page.goto("/login");
    await logIn(page, ALICE);
    await expect(page).toHaveURL(/\/home$/);
    await expect(page.getByRole("heading", { name: "Hello, Alice" })).toBeVisible();

    const upcoming = page.getByRole("region", { name: "Upcoming deadlines" });
    const item = upcoming.getByRole("listitem").filter({ hasText: "Square roots" });
    await expect(item).toBeVisible();
    await expect(item.getByText(course.title)).toBeVisible();
    await expect(item.getByText("extended")).toBeVisible();
    // Other specs grade alice in their own courses, so the newest grade is asked for, not assumed.
    const latest = (await alice.call(
      "GET",
      "/api/submissions/?status=graded&ordering=-evaluated_at&page_size=1",
      undefined,
      200,
    )) as { results: { task_title: string }[] };
    const newest = latest.results[0];
    expect(newest, "alice has a graded submission").toBeDefined();
    const grades = page.getByRole("region", { name: "Recent grades" });
    await expect(grades.getByRole("link", { name: newest?.task_title }).first()).toBeVisible();
    await shot(page, "student-home-home");

    await item.getByRole("link", { name: "Square roots" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Square roots" })).toBeVisible();
    await expect(page.getByRole("link", { name: /^Next task: / })).toBeVisible();
    // The catalog stays one click away.
    await page.getByRole("link", { name: "Catalog" }).click();
    await expect(page.getByRole("heading", { name: "Courses" })).toBeVisible();
  });
});

test.describe("staff screens", () => {
  // The management page asks for the enrollments before it knows the caller is no staff.
  test.use({ allowedHttpErrors: [403] });

  test("send a student opening /teach/<slug> to the course page, and /teach to home", async ({ page, request }) => {
    const alice = await ApiUser.login(request, ALICE.username, ALICE.password);
    await alice.signIn(page);
    await page.goto(`/teach/${COURSE.slug}/gradebook`);
    await expect(page).toHaveURL(new RegExp(`/courses/${COURSE.slug}$`));
    await expect(page.getByRole("heading", { level: 1, name: COURSE.title })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Course management" })).toHaveCount(0);

    await page.goto("/teach");
    await expect(page).toHaveURL(/\/home$/);
    await page.goto("/grading");
    await expect(page).toHaveURL(/\/home$/);
  });
});

test.describe("a logged-out deep link", () => {
  test("asks to log in and comes back to the same page", async ({ page }) => {
    await page.goto("/progress");
    await expect(page).toHaveURL(/\/login$/);
    await logIn(page, ALICE);
    await expect(page).toHaveURL(/\/progress$/);
    await expect(page.getByRole("heading", { name: "My progress" })).toBeVisible();
  });
});
