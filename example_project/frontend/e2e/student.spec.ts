import {
  ApiUser,
  INSTRUCTOR,
  PASSWORD,
  createPublishedCourse,
  expect,
  expectLabelledControls,
  shot,
  test,
  unique,
} from "./fixtures";

test.describe("a student", () => {
  let course: { slug: string; title: string };

  test.beforeAll(async ({ request }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    course = await createPublishedCourse(instructor, `Arithmetic ${unique("warmup")}`);
  });

  test("registers, enrolls, answers wrong then right, and sees the grade and progress", async ({ page }) => {
    const username = unique("student");

    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Courses" })).toBeVisible();

    // Register.
    await page.getByRole("link", { name: "Sign up" }).click();
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Email").fill(`${username}@e2e.invalid`);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Repeat password").fill(PASSWORD);
    await expectLabelledControls(page);
    await shot(page, "register");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText(`Signed in as ${username}`)).toBeVisible();

    // Find the course through the catalog search.
    await page.getByLabel("Search courses").fill(course.title);
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByRole("link", { name: course.title })).toBeVisible();
    await shot(page, "catalog");
    await page.getByRole("link", { name: course.title }).click();

    // Enroll.
    await expect(page.getByRole("heading", { name: course.title })).toBeVisible();
    await page.getByRole("button", { name: "Enroll" }).click();
    await expect(page.getByRole("heading", { name: "Your progress" })).toBeVisible();
    await expect(page.getByText("0 of 5 tasks completed")).toBeVisible();

    // Answer wrong, then right.
    await page.getByRole("link", { name: "What is 2 + 2?" }).click();
    await expectLabelledControls(page);
    await page.getByLabel("Your answer").fill("5");
    await page.getByRole("button", { name: "Submit answer" }).click();
    await expect(page.getByText("Attempt 1: 0 / 1")).toBeVisible();
    await page.getByLabel("Your answer").fill("4");
    await page.getByRole("button", { name: "Submit answer" }).click();
    await expect(page.getByText("Attempt 2: 1 / 1")).toBeVisible();
    const history = page.getByRole("region", { name: "Your submissions" }).or(page.locator("ol.submission-list"));
    await expect(history.getByText("Attempt 1")).toBeVisible();
    await expect(history.getByText("Attempt 2")).toBeVisible();
    await expect(page.getByText("Completed", { exact: true })).toBeVisible();
    await shot(page, "task-graded");

    // A choice task with an attempt limit, by keyboard.
    await page.getByRole("link", { name: course.title }).click();
    await page.getByRole("link", { name: "Pick the even number" }).click();
    await expect(page.getByText("3 of 3 attempts left")).toBeVisible();
    await page.getByLabel("4", { exact: true }).check();
    await page.getByRole("button", { name: "Submit answer" }).press("Enter");
    await expect(page.getByText("Attempt 1: 1 / 1")).toBeVisible();
    await expect(page.getByText("2 of 3 attempts left")).toBeVisible();

    // A number that is not a number is refused in the browser, and no attempt is used.
    await page.getByRole("link", { name: course.title }).click();
    await page.getByRole("link", { name: "Approximate pi" }).click();
    await page.getByLabel("Your answer").fill("three");
    await page.getByRole("button", { name: "Submit answer" }).click();
    await expect(page.getByText("Enter a number, for example 42 or 3.14.")).toBeVisible();
    await page.getByLabel("Your answer").fill("3.14");
    await page.getByRole("button", { name: "Submit answer" }).click();
    await expect(page.getByText("Attempt 1: 2 / 2")).toBeVisible();

    // A manual task waits for a teacher.
    await page.getByRole("link", { name: course.title }).click();
    await page.getByRole("link", { name: "Explain addition" }).click();
    await page.getByLabel("Your answer").fill("Adding puts two amounts together.");
    await page.getByRole("button", { name: "Submit answer" }).click();
    await expect(page.getByText("waiting for a teacher to grade it")).toBeVisible();

    // Progress on the course page and on the progress page.
    await page.getByRole("link", { name: course.title }).click();
    await expect(page.getByText("3 of 5 tasks completed")).toBeVisible();
    await shot(page, "course");
    await page.getByRole("link", { name: "My progress" }).click();
    await expect(page.getByRole("heading", { name: "My progress" })).toBeVisible();
    await expect(page.getByRole("link", { name: course.title })).toBeVisible();
    // Completion counts tasks; the total says its scheme (new courses add points: 10 in all).
    await expect(page.getByRole("img", { name: "Tasks completed by course" })).toBeVisible();
    await expect(page.getByText("3 of 5 tasks completed")).toBeVisible();
    await expect(page.getByText(/^Points: \d+(\.\d+)? \/ 10 \(\d+%\)$/)).toBeVisible();
    await shot(page, "progress");
  });

  test("reads well on a phone", async ({ page, request }) => {
    const student = await ApiUser.register(request, unique("phone"));
    await student.call("POST", `/api/courses/${course.slug}/enroll/`, undefined, 201);
    await student.signIn(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/courses/${course.slug}`);
    await expect(page.getByRole("heading", { name: course.title })).toBeVisible();
    await expect(page.getByRole("link", { name: "Pick the even number" })).toBeVisible();
    // Nothing wider than the screen: no sideways scrolling.
    const tooWide = await page.evaluate(() =>
      Array.from(document.querySelectorAll("body *"))
        // Content clipped away from view (screen-reader-only text) takes no room on screen.
        .filter((el) => !el.closest(".visually-hidden"))
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
    );
    expect(tooWide, "elements wider than the screen").toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, "sideways scrolling").toBeLessThanOrEqual(0);
    await shot(page, "course-phone");
  });

  test("can log in and answer from the keyboard alone", async ({ page, request }) => {
    const student = await ApiUser.register(request, unique("keys"));
    await student.call("POST", `/api/courses/${course.slug}/enroll/`, undefined, 201);
    const username = (await student.call("GET", "/api/auth/me/", undefined, 200))!.username as string;

    await page.goto("/login");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
    await page.getByLabel("Username").focus();
    await page.keyboard.type(username);
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await expect(page.getByText(`Signed in as ${username}`)).toBeVisible();

    await page.goto(`/courses/${course.slug}`);
    await page.getByRole("link", { name: "Pick the even number" }).focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Pick the even number" })).toBeVisible();
    // Radio groups: Tab into the group, arrows move between options.
    await page.getByLabel("3", { exact: true }).focus();
    await page.keyboard.press("ArrowDown");
    await expect(page.getByLabel("4", { exact: true })).toBeChecked();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Submit answer" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByText("Attempt 1: 1 / 1")).toBeVisible();
  });
});
