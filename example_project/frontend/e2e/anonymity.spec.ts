import { ApiUser, INSTRUCTOR, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

test.describe("anonymous grading", () => {
  test("the instructor turns it on, the assistant grades “Student 1”, and the name shows after release", async ({
    page,
    browser,
    request,
  }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const slug = unique("e2e-anon");
    await instructor.call(
      "POST",
      "/api/courses/",
      {
        slug,
        title: "Anonymous essays",
        enrollment_open: true,
        tasks: [{ title: "Essay", kind: "manual", position: 1, max_score: 5, is_published: true, config: {} }],
      },
      201,
    );
    await instructor.call("POST", `/api/courses/${slug}/publish/`, undefined, 200);
    const tasks = (await instructor.call("GET", `/api/courses/${slug}/tasks/`, undefined, 200)) as {
      results: { id: number }[];
    };
    const essay = tasks.results[0]!;
    const assistantName = unique("ta");
    const assistant = await ApiUser.register(request, assistantName);
    await instructor.call("POST", `/api/courses/${slug}/enrollments/`, { username: assistantName, role: "assistant" }, 201);
    const learnerName = unique("writer");
    const learner = await ApiUser.register(request, learnerName);
    await learner.call("POST", `/api/courses/${slug}/enroll/`, undefined, 201);

    // The instructor ticks "Anonymous grading" in the task editor: the release becomes manual.
    await instructor.signIn(page);
    await page.goto(`/teach/${slug}`);
    await page.getByRole("button", { name: "Edit Essay" }).click();
    const form = page.getByRole("group", { name: "Edit “Essay”" });
    await form.getByLabel("Anonymous grading").check();
    await expect(form.getByLabel("Release")).toHaveValue("manual");
    await expectLabelledControls(page);
    await page.getByRole("button", { name: "Save task" }).click();
    await expect(form).toBeHidden();
    const saved = (await instructor.call("GET", `/api/tasks/${essay.id}/`, undefined, 200)) as {
      anonymous_grading: boolean;
      release: string;
    };
    expect(saved).toMatchObject({ anonymous_grading: true, release: "manual" });

    // The student submits.
    await learner.call("POST", `/api/tasks/${essay.id}/submissions/`, { answer: "My essay." }, 201);

    // The assistant's queue and grading form show "Student 1" with an Anonymous badge, no name.
    const assistantContext = await browser.newContext();
    const assistantPage = await assistantContext.newPage();
    await assistant.signIn(assistantPage);
    await assistantPage.goto("/grading");
    const queue = assistantPage.getByRole("table", { name: "Submissions waiting for a grade" });
    await expect(queue.getByRole("rowheader", { name: "Student 1 Anonymous" })).toBeVisible();
    const grading = assistantPage.getByRole("form", { name: /^Grade Student 1 — Essay/ });
    await expect(grading.getByRole("heading", { name: "Student 1 Anonymous — Essay" })).toBeVisible();
    await expect(assistantPage.getByText(learnerName)).toHaveCount(0);
    await shot(assistantPage, "anonymity-queue");
    await grading.getByLabel(/^Score/).fill("4");
    await grading.getByRole("button", { name: "Save grade" }).click();
    await expect(assistantPage.getByText("Graded 1 submission.")).toBeVisible();

    // The gradebook hides the task's column until release.
    await assistantPage.goto(`/teach/${slug}/gradebook`);
    await expect(assistantPage.getByRole("cell", { name: "hidden" })).toBeVisible();

    // After the release the assistant sees the student's name.
    await instructor.call("POST", `/api/tasks/${essay.id}/release/`, undefined, 200);
    const submissions = (await assistant.call("GET", `/api/submissions/?task=${essay.id}`, undefined, 200)) as {
      results: { student: { username?: string; pseudonym?: string }; user: number | null }[];
    };
    expect(submissions.results[0]!.student.username).toBe(learnerName);
    expect(submissions.results[0]!.user).toBe(learner.id);
    await assistantPage.reload();
    await expect(assistantPage.getByRole("cell", { name: "hidden" })).toHaveCount(0);
    await expect(assistantPage.getByRole("rowheader", { name: new RegExp(learnerName) })).toBeVisible();
    await assistantContext.close();
  });
});
