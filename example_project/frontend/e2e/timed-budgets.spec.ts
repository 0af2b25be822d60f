import { ApiUser, INSTRUCTOR, expect, shot, test, unique } from "./fixtures";

test.describe("timed tasks and daily budgets", () => {
  test("a student starts a timed quiz, sees the countdown and submits; spends a daily budget; reads what applies", async ({
    page,
    request,
  }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const slug = unique("e2e-timed");
    await instructor.call(
      "POST",
      "/api/courses/",
      {
        slug,
        title: "Timed drills",
        enrollment_open: true,
        timezone: "America/New_York",
        tasks: [
          { title: "Timed quiz", kind: "exact", position: 1, max_score: 1, is_published: true, time_limit_minutes: 20, config: { answers: ["56"] } },
          { title: "Daily drill", kind: "exact", position: 2, max_score: 1, is_published: true, daily_submission_limit: 2, config: { answers: ["12"] } },
        ],
      },
      201,
    );
    await instructor.call("POST", `/api/courses/${slug}/publish/`, undefined, 200);
    const tasks = (await instructor.call("GET", `/api/courses/${slug}/tasks/`, undefined, 200)) as {
      results: { id: number; title: string }[];
    };
    const [quiz, drill] = tasks.results;

    const learner = await ApiUser.register(request, unique("timed"));
    await learner.call("POST", `/api/courses/${slug}/enroll/`, undefined, 201);
    await learner.signIn(page);

    // The timed quiz: answering waits for Start; then a countdown runs to the deadline.
    await page.goto(`/courses/${slug}/tasks/${quiz!.id}`);
    await expect(page.getByText("Start the timed task to answer.")).toBeVisible();
    await page.getByRole("button", { name: "Start" }).click();
    const countdown = page.getByTestId("countdown");
    await expect(countdown).toHaveText(/^(20:00|19:[0-5]\d)$/);
    await expect(page.getByLabel("Submit what is on screen when time runs out")).not.toBeChecked();
    await page.getByLabel("Your answer").fill("56");
    await page.getByRole("button", { name: "Submit answer" }).click();
    await expect(page.getByText("Attempt 1:", { exact: false })).toBeVisible();
    await shot(page, "timed-quiz-countdown");

    // The daily drill: the budget counts down and answering stops at zero.
    await page.goto(`/courses/${slug}/tasks/${drill!.id}`);
    await expect(page.getByTestId("daily-budget")).toHaveText("2 of 2 submissions left today, resets at local midnight");
    for (const expected of ["1 of 2 submissions left today", "0 of 2 submissions left today"]) {
      await page.getByLabel("Your answer").fill("11");
      await page.getByRole("button", { name: "Submit answer" }).click();
      await expect(page.getByTestId("daily-budget")).toContainText(expected);
    }
    await expect(page.getByText("No submissions left today.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Submit answer" })).toBeDisabled();

    // What applies to me, on the course page.
    await page.goto(`/courses/${slug}`);
    const panel = page.getByRole("region", { name: "What applies to me" });
    await expect(panel.getByText("None (×1)")).toBeVisible();
    await expect(panel.getByText("0 left (0 used of 0)")).toBeVisible();
    await expect(panel.getByRole("listitem").filter({ hasText: "Daily drill" })).toContainText("0 of 2 submissions left today");
    await expect(panel.getByRole("listitem").filter({ hasText: "Timed quiz" })).toContainText("timed, due by");
    await shot(page, "what-applies-to-me");
  });
});
