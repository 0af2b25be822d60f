import { acceptNextDialog, ApiUser, INSTRUCTOR, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

test.describe("release control", () => {
  test("an instructor holds a task's grades back, the student sees them hidden, then released", async ({
    page,
    browser,
    request,
  }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const slug = unique("e2e-release");
    await instructor.call(
      "POST",
      "/api/courses/",
      {
        slug,
        title: "Release control",
        enrollment_open: true,
        tasks: [{ title: "Quiz", kind: "exact", position: 1, max_score: 2, is_published: true, config: { answers: ["4"] } }],
      },
      201,
    );
    await instructor.call("POST", `/api/courses/${slug}/publish/`, undefined, 200);
    const tasks = (await instructor.call("GET", `/api/courses/${slug}/tasks/`, undefined, 200)) as {
      results: { id: number }[];
    };
    const quiz = tasks.results[0]!;

    // The instructor sets the task to manual release in the task editor.
    await instructor.signIn(page);
    await page.goto(`/teach/${slug}`);
    await page.getByRole("button", { name: "Edit Quiz" }).click();
    const form = page.getByRole("group", { name: "Edit “Quiz”" });
    await form.getByLabel("Release").selectOption("after_due");
    await expect(form.getByText("Without a due date it waits for a manual release.")).toBeVisible();
    await form.getByLabel("Release").selectOption("manual");
    await expectLabelledControls(page);
    await page.getByRole("button", { name: "Save task" }).click();
    await expect(form).toBeHidden();
    const row = page.getByRole("listitem").filter({ hasText: "Quiz" });
    await expect(row.getByText("Grades not released")).toBeVisible();
    expect(((await instructor.call("GET", `/api/tasks/${quiz.id}/`, undefined, 200)) as { release: string }).release).toBe(
      "manual",
    );

    // A student submits and sees that the answer is graded, not the score.
    const learner = await ApiUser.register(request, unique("learner"));
    await learner.call("POST", `/api/courses/${slug}/enroll/`, undefined, 201);
    const studentContext = await browser.newContext();
    const studentPage = await studentContext.newPage();
    await learner.signIn(studentPage);
    await studentPage.goto(`/courses/${slug}/tasks/${quiz.id}`);
    await studentPage.getByLabel("Your answer").fill("4");
    await studentPage.getByRole("button", { name: "Submit answer" }).click();
    await expect(studentPage.getByText("Attempt 1: Graded — score not released yet.")).toBeVisible();
    const history = studentPage.getByRole("region", { name: "Your submissions" });
    await expect(history.getByText("Graded — score not released yet")).toBeVisible();
    await expect(studentPage.getByText("2 / 2")).toHaveCount(0);
    await shot(studentPage, "release-hidden");

    // The instructor releases the grades, after a confirmation.
    const question = acceptNextDialog(page);
    await row.getByRole("button", { name: "Release grades of Quiz" }).click();
    expect(await question).toContain("Release the grades of “Quiz”?");
    await expect(row.getByText("Grades released")).toBeVisible();
    await expect(row.getByRole("button", { name: /Release grades/ })).toHaveCount(0);

    // The student sees the score.
    await studentPage.reload();
    await expect(studentPage.getByText("Graded — score not released yet")).toHaveCount(0);
    await expect(studentPage.getByText(/Attempt 1:\s*2 \/ 2/)).toBeVisible();
    await shot(studentPage, "release-shown");
    await studentContext.close();
  });
});
