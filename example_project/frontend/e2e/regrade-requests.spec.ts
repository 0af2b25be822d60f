import { ApiUser, INSTRUCTOR, createPublishedCourse, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

test.describe("regrade requests", () => {
  test("a student files a request, the instructor accepts it with a new score, the student sees it", async ({
    page,
    browser,
    request,
  }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const course = await createPublishedCourse(instructor, `Sums ${unique("regrade")}`);
    const username = unique("asker");
    const student = await ApiUser.register(request, username);
    await student.call("POST", `/api/courses/${course.slug}/enroll/`, undefined, 201);
    const detail = (await student.call("GET", `/api/courses/${course.slug}/`, undefined, 200)) as {
      tasks: { id: number; kind: string; title: string }[];
    };
    const sum = detail.tasks.find((task) => task.kind === "exact")!;
    // "IV" is four, but the task only knows "4" and "four": graded 0 of 1.
    await student.call("POST", `/api/tasks/${sum.id}/submissions/`, { answer: "IV" }, 201);

    // The student asks from the task page.
    await student.signIn(page);
    await page.goto(`/courses/${course.slug}/tasks/${sum.id}`);
    const history = page.getByRole("region", { name: "Your submissions" });
    await expect(history.getByText("0 / 1 point")).toBeVisible();
    await history.getByRole("button", { name: "Request a regrade" }).click();
    const form = page.getByRole("form", { name: "Request a regrade of attempt 1" });
    await form.getByLabel("Why should the grade change?").fill("IV is four in Roman numerals.");
    await expectLabelledControls(page);
    await form.getByRole("button", { name: "Send request" }).click();
    const summary = history.getByRole("group", { name: "Regrade request" });
    await expect(summary.getByText("Regrade requested")).toBeVisible();
    await expect(history.getByRole("button", { name: /Request (a|another) regrade/ })).toHaveCount(0);
    await shot(page, "regrade-requests-student-open");

    // The instructor answers from the queue, reached from the grading queue.
    const staffContext = await browser.newContext();
    const staffPage = await staffContext.newPage();
    await instructor.signIn(staffPage);
    await staffPage.goto("/grading");
    await staffPage.getByRole("main").getByRole("link", { name: "Regrade requests" }).click();
    await expect(staffPage.getByRole("heading", { name: "Regrade requests", level: 1 })).toBeVisible();
    const open = staffPage.getByRole("form", { name: /^Regrade request of / }).filter({ hasText: username });
    await expect(open).toContainText(sum.title);
    await expect(open.getByText("IV is four in Roman numerals.")).toBeVisible();
    await open.getByLabel(/^New score/).fill("1");
    await open.getByLabel("Response to the student").fill("Fair: Roman numerals count.");
    await expectLabelledControls(staffPage);
    await shot(staffPage, "regrade-requests-queue");
    await open.getByRole("button", { name: "Accept" }).click();
    await expect(staffPage.getByText(/Regrade accepted: .*\(1 \/ 1 point\)/)).toBeVisible();
    await expect(open).toHaveCount(0);
    await staffContext.close();

    // The student sees the answer and the new score.
    await page.reload();
    await expect(summary.getByText("Regrade accepted")).toBeVisible();
    await expect(summary.getByText("Fair: Roman numerals count.")).toBeVisible();
    await expect(summary.getByText("1 / 1 point")).toBeVisible();
    await expect(history.getByText("1 / 1 point").first()).toBeVisible();
    await shot(page, "regrade-requests-student-accepted");
  });
});
