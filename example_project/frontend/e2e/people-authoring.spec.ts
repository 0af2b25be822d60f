import { ApiUser, INSTRUCTOR, createPublishedCourse, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

test.describe("an instructor running a course", () => {
  // Adding an unknown username is refused on purpose (400) to show the field error.
  test.use({ allowedHttpErrors: [400] });

  test("edits the settings, adds a student by username and revokes an extension", async ({ page, request }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const course = await createPublishedCourse(instructor, `People ${unique("course")}`);
    await instructor.signIn(page);

    // Settings: title, description, capacity and enrollment after creation.
    const renamed = `${course.title} (spring)`;
    await page.goto(`/teach/${course.slug}`);
    await page.getByRole("link", { name: "Settings", exact: true }).click();
    await expect(page.getByLabel("Web address (slug)")).toHaveValue(course.slug);
    await page.getByLabel("Title").fill(renamed);
    await page.getByLabel("Description").fill("Sums, now in the spring.");
    await page.getByLabel("Capacity").fill("25");
    await page.getByLabel(/Enrollment open/).uncheck();
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText("Settings saved.")).toBeVisible();
    await expect(page.getByRole("heading", { level: 1, name: renamed })).toBeVisible();
    await expectLabelledControls(page);
    await shot(page, "people-authoring-settings");
    const saved = (await instructor.call("GET", `/api/courses/${course.slug}/`, undefined, 200)) as Record<string, unknown>;
    expect(saved).toMatchObject({ title: renamed, capacity: 25, enrollment_open: false, description: "Sums, now in the spring." });

    // People: an unknown username is refused beside the field; a real one is added.
    const learnerName = unique("learner");
    const learner = await ApiUser.register(request, learnerName);
    await page.getByRole("link", { name: "Enrollments" }).click();
    const person = page.getByLabel("Username or e-mail");
    await person.fill(`${learnerName}-nobody`);
    await page.getByRole("button", { name: "Add" }).click();
    await expect(person).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText("No user has this username.")).toBeVisible();
    // Any case: usernames are compared without regard to it.
    await person.fill(learnerName.toUpperCase());
    await page.getByRole("button", { name: "Add" }).click();
    await expect(page.getByText(`Added ${learnerName} as student.`)).toBeVisible();
    await expect(page.getByRole("cell", { name: learnerName, exact: true })).toBeVisible();
    await expectLabelledControls(page);
    await shot(page, "people-authoring-people");

    // Extensions: one granted through the API shows with the student and the task, and is revoked.
    const detail = (await instructor.call("GET", `/api/courses/${course.slug}/`, undefined, 200)) as {
      tasks: { id: number; title: string }[];
    };
    const task = detail.tasks.find((t) => t.title === "Approximate pi")!;
    await instructor.call(
      "POST",
      `/api/courses/${course.slug}/extensions/`,
      { user: learner.id, task: task.id, due_at: "2031-06-01T17:00:00Z", reason: "Away at a match" },
      201,
    );
    await page.getByRole("link", { name: "Extensions" }).click();
    const table = page.getByRole("table", { name: "Extensions granted" });
    const row = table.getByRole("row", { name: new RegExp(learnerName) });
    await expect(row.getByRole("cell", { name: "Approximate pi", exact: true })).toBeVisible();
    await expect(row.getByRole("cell", { name: "Away at a match", exact: true })).toBeVisible();
    await expectLabelledControls(page);
    await shot(page, "people-authoring-extensions");

    page.once("dialog", (dialog) => {
      expect(dialog.message()).toContain(`Revoke the extension of ${learnerName} for Approximate pi?`);
      void dialog.accept();
    });
    await row.getByRole("button", { name: `Revoke the extension of ${learnerName} for Approximate pi` }).click();
    await expect(page.getByText(`Revoked the extension of ${learnerName} for Approximate pi.`)).toBeVisible();
    await expect(page.getByText("No extensions yet.")).toBeVisible();
    const left = (await instructor.call("GET", `/api/courses/${course.slug}/extensions/`, undefined, 200)) as { count: number };
    expect(left.count).toBe(0);
  });
});
