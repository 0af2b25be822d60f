import { ApiUser, INSTRUCTOR, createPublishedCourse, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

test.describe("notifications", () => {
  test("a student sees a grade in the bell, reads it, and changes preferences", async ({ page, request }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const course = await createPublishedCourse(instructor, `Essays ${unique("notify")}`);
    const student = await ApiUser.register(request, unique("notified"));
    await student.call("POST", `/api/courses/${course.slug}/enroll/`, undefined, 201);
    const detail = (await student.call("GET", `/api/courses/${course.slug}/`, undefined, 200)) as {
      tasks: { id: number; kind: string; title: string }[];
    };
    const essay = detail.tasks.find((task) => task.kind === "manual")!;
    const submission = (await student.call("POST", `/api/tasks/${essay.id}/submissions/`, { answer: "Adding is counting on." }, 201)) as {
      id: number;
    };

    // Nothing yet: the essay waits for review.
    await student.signIn(page);
    await page.goto("/progress");
    await expect(page.getByRole("link", { name: "Notifications", exact: true })).toBeVisible();

    // The instructor grades it; the student's bell shows it on the next navigation.
    await instructor.call("POST", `/api/submissions/${submission.id}/grade/`, { score: 4, feedback: "Clear." }, 200);
    await page.getByRole("link", { name: "Catalog" }).click();
    const bell = page.getByRole("link", { name: "Notifications, 1 unread" });
    await expect(bell).toBeVisible();

    await bell.click();
    await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
    const text = `Your submission to “${essay.title}” in ${course.title} was graded: 4 / 5.`;
    await expect(page.getByRole("link", { name: text })).toBeVisible();
    await expectLabelledControls(page);
    await shot(page, "notifications-page");

    await page.getByRole("button", { name: `Mark read: ${text}` }).click();
    await expect(page.getByRole("button", { name: /^Mark read/ })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Notifications", exact: true })).toBeVisible();

    // Preferences: no more e-mail about changed grades.
    const box = page.getByRole("checkbox", { name: "A grade of mine changes: by e-mail" });
    await expect(box).toBeChecked();
    await box.uncheck();
    await page.getByRole("button", { name: "Save preferences" }).click();
    await expect(page.getByText("Preferences saved.")).toBeVisible();
    const stored = (await student.call("GET", "/api/notifications/preferences/", undefined, 200)) as Record<
      string,
      { in_app: boolean; email: boolean }
    >;
    expect(stored.grade_changed).toEqual({ in_app: true, email: false });
  });
});
