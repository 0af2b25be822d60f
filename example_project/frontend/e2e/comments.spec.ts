import { ApiUser, INSTRUCTOR, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

test.describe("submission comments", () => {
  test("a student asks, staff answer, and a hidden answer waits for the release", async ({ page, browser, request }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const slug = unique("e2e-comments");
    await instructor.call(
      "POST",
      "/api/courses/",
      {
        slug,
        title: "Comments",
        enrollment_open: true,
        tasks: [
          {
            title: "Quiz",
            kind: "exact",
            position: 1,
            max_score: 2,
            is_published: true,
            release: "manual",
            config: { answers: ["4"] },
          },
        ],
      },
      201,
    );
    await instructor.call("POST", `/api/courses/${slug}/publish/`, undefined, 200);
    const tasks = (await instructor.call("GET", `/api/courses/${slug}/tasks/`, undefined, 200)) as {
      results: { id: number; release: string }[];
    };
    const quiz = tasks.results[0]!;
    expect(quiz.release).toBe("manual");

    const username = unique("asker");
    const learner = await ApiUser.register(request, username);
    await learner.call("POST", `/api/courses/${slug}/enroll/`, undefined, 201);
    await learner.call("POST", `/api/tasks/${quiz.id}/submissions/`, { answer: "4" }, 201);

    // The student asks a question under their submission.
    await learner.signIn(page);
    await page.goto(`/courses/${slug}/tasks/${quiz.id}`);
    const history = page.getByRole("region", { name: "Your submissions" });
    await expect(history.getByText("Graded — score not released yet")).toBeVisible();
    await history.getByRole("button", { name: "Comments" }).click();
    const thread = history.getByRole("region", { name: "Comments" });
    await expect(thread.getByText("No comments yet.")).toBeVisible();
    await thread.getByLabel("Ask course staff").fill("Is 4 the whole answer?");
    await expectLabelledControls(page);
    await thread.getByRole("button", { name: "Send comment" }).click();
    await expect(thread.getByRole("listitem").filter({ hasText: "Is 4 the whole answer?" })).toBeVisible();
    await shot(page, "comments-student-asks");

    // The instructor answers from the course's grading screen: once hidden until release,
    // once visible before it.
    const staffContext = await browser.newContext();
    const staffPage = await staffContext.newPage();
    await instructor.signIn(staffPage);
    await staffPage.goto(`/teach/${slug}/grading`);
    await staffPage.getByRole("button", { name: "Graded", exact: true }).click();
    await staffPage.getByRole("button", { name: "Comments" }).click();
    const staffThread = staffPage.getByRole("region", { name: "Comments" });
    await expect(staffThread.getByText("Is 4 the whole answer?")).toBeVisible();
    await staffThread.getByLabel("Comment to the student").fill("Full marks; details after the release.");
    await staffThread.getByRole("button", { name: "Send comment" }).click();
    await expect(staffThread.getByRole("listitem").filter({ hasText: "Full marks; details after the release." })).toBeVisible();
    await expect(staffThread.getByLabel("Comment to the student")).toHaveValue("");
    await staffThread.getByLabel("Comment to the student").fill("Yes, 4 is all we wanted.");
    await staffThread.getByLabel("Visible before release").check();
    await expectLabelledControls(staffPage);
    await staffThread.getByRole("button", { name: "Send comment" }).click();
    await expect(staffThread.getByRole("listitem").filter({ hasText: "Yes, 4 is all we wanted." })).toBeVisible();
    await expect(staffThread.getByText("Visible before release", { exact: true }).first()).toBeVisible();
    await shot(staffPage, "comments-staff-answers");

    // Before the release the student reads only the answer marked visible.
    await page.reload();
    await history.getByRole("button", { name: "Comments" }).click();
    await expect(thread.getByText("Yes, 4 is all we wanted.")).toBeVisible();
    await expect(thread.getByText("Is 4 the whole answer?")).toBeVisible();
    await expect(thread.getByText("Full marks; details after the release.")).toHaveCount(0);

    // After the release, the whole thread.
    await instructor.call("POST", `/api/tasks/${quiz.id}/release/`, undefined, 200);
    await page.reload();
    await history.getByRole("button", { name: "Comments" }).click();
    await expect(thread.getByText("Full marks; details after the release.")).toBeVisible();
    await expect(thread.getByRole("listitem")).toHaveCount(3);
    await shot(page, "comments-student-after-release");
    await staffContext.close();
  });
});
