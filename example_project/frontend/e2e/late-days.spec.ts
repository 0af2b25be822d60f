import { ApiUser, INSTRUCTOR, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

const HOUR = 60 * 60 * 1000;

test.describe("late days", () => {
  // A negative number of extra late days is refused on purpose (400).
  test.use({ allowedHttpErrors: [400] });

  test("an instructor sets a late-day bank and allows late days on a task; a late answer spends one, undeducted; an accommodation adds days", async ({
    page,
    browser,
    request,
  }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const slug = unique("e2e-late");
    const now = Date.now();
    await instructor.call(
      "POST",
      "/api/courses/",
      {
        slug,
        title: "Late days",
        enrollment_open: true,
        tasks: [
          {
            title: "Overdue sum",
            kind: "exact",
            position: 1,
            max_score: 2,
            is_published: true,
            // Due three hours ago, open for a week more: a late answer needs one late day.
            due_at: new Date(now - 3 * HOUR).toISOString(),
            closes_at: new Date(now + 7 * 24 * HOUR).toISOString(),
            // Without late days the answer would lose half its points.
            late_policy: { deduction_percent: 50, per: "day", floor_percent: 0 },
            config: { answers: ["4"] },
          },
        ],
      },
      201,
    );
    await instructor.call("POST", `/api/courses/${slug}/publish/`, undefined, 200);
    const tasks = (await instructor.call("GET", `/api/courses/${slug}/tasks/`, undefined, 200)) as {
      results: { id: number; title: string }[];
    };
    const task = tasks.results[0]!;
    const username = unique("late");
    const learner = await ApiUser.register(request, username);
    await learner.call("POST", `/api/courses/${slug}/enroll/`, undefined, 201);

    // The instructor gives every student a bank of 2 late days, at most 1 a task.
    await instructor.signIn(page);
    await page.goto(`/teach/${slug}/settings`);
    await page.getByLabel("Late days per student").fill("2");
    await page.getByLabel("Most late days on one task").fill("1");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText("Settings saved.")).toBeVisible();
    await shot(page, "late-day-settings");

    // ... and lets late days be spent on the overdue task.
    await page.getByRole("link", { name: "Tasks", exact: true }).click();
    await page.getByRole("button", { name: "Edit Overdue sum" }).click();
    const editor = page.getByRole("group", { name: "Edit “Overdue sum”" });
    await editor.getByText("Attempts, deadlines and prerequisites").click();
    await expect(editor.getByLabel("Group set")).toHaveValue("");
    await editor.getByLabel("Students may spend late days").check();
    await expectLabelledControls(page);
    await page.getByRole("button", { name: "Save task" }).click();
    await expect(editor).toBeHidden();
    const saved = (await instructor.call("GET", `/api/tasks/${task.id}/`, undefined, 200)) as { late_days_allowed: boolean; late_policy: unknown };
    expect(saved.late_days_allowed).toBe(true);
    expect(saved.late_policy).toEqual({ deduction_percent: 50, per: "day", floor_percent: 0 });

    // The student answers three hours late: one late day, full marks.
    const studentContext = await browser.newContext();
    const studentPage = await studentContext.newPage();
    const studentErrors: string[] = [];
    studentPage.on("pageerror", (error) => studentErrors.push(error.message));
    await learner.signIn(studentPage);
    await studentPage.goto(`/courses/${slug}/tasks/${task.id}`);
    await studentPage.getByLabel("Your answer").fill("4");
    await studentPage.getByRole("button", { name: "Submit answer" }).click();
    const attempt = studentPage.locator(".submission-list li").filter({ hasText: "Attempt 1" });
    await expect(attempt.getByText("1 late day used")).toBeVisible();
    await expect(attempt.getByText("Late", { exact: true })).toBeVisible();
    await expect(attempt.getByText("2 / 2 points")).toBeVisible();
    await shot(studentPage, "late-day-spent");

    await studentPage.goto(`/courses/${slug}`);
    const panel = studentPage.getByRole("region", { name: "What applies to me" });
    await expect(panel.getByText("1 left (1 used of 2)")).toBeVisible();

    // The instructor adds an accommodation with 3 extra late days (a negative number is refused first).
    await page.getByRole("link", { name: "Accommodations" }).click();
    await expect(page.getByText("No accommodations yet.")).toBeVisible();
    const form = page.getByRole("form", { name: "Add an accommodation" });
    await form.getByLabel("Student").selectOption({ label: username });
    await form.getByLabel("Extra late days").fill("-1");
    await form.getByLabel("Note").fill("Letter of 3 March");
    await form.getByRole("button", { name: "Add accommodation" }).click();
    await expect(form.getByLabel("Extra late days")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByText("Must be 0 or more.")).toBeVisible();
    await form.getByLabel("Extra late days").fill("3");
    await form.getByRole("button", { name: "Add accommodation" }).click();
    await expect(page.getByText(`Added an accommodation for ${username}.`)).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: username });
    await expect(row.getByRole("cell")).toHaveText([username, "×1 (none)", "3", "0", "Letter of 3 March", "EditRemove"]);
    await expectLabelledControls(page);
    await shot(page, "accommodations-tab");

    // The student's bank grows by the accommodation's days; the spent one stays spent.
    await studentPage.reload();
    await expect(panel.getByText("4 left (1 used of 5)")).toBeVisible();
    await expect(panel.getByText("Letter of 3 March")).toHaveCount(0);
    await shot(studentPage, "late-days-balance");
    expect(studentErrors).toEqual([]);
    await studentContext.close();
  });
});
