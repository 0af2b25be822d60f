import { ApiUser, INSTRUCTOR, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

test.describe("an instructor", () => {
  // The first try at creating the course is refused on purpose (400) to show field errors.
  test.use({ allowedHttpErrors: [400] });

  test("creates and publishes a course, sees the gradebook, and grades a manual task", async ({ page, request }) => {
    const title = `Algebra ${unique("course")}`;

    // Log in.
    await page.goto("/login");
    await page.getByLabel("Username").fill(INSTRUCTOR.username);
    await page.getByLabel("Password").fill(INSTRUCTOR.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByText(`Signed in as ${INSTRUCTOR.username}`)).toBeVisible();

    // Author a course with an exact-answer task and a manual task.
    await page.getByRole("link", { name: "Teaching" }).click();
    await page.getByRole("link", { name: "New course" }).click();
    await page.getByLabel("Title", { exact: true }).fill(title);
    await page.getByLabel("Description").fill("Solve for x.");
    const first = page.getByRole("group", { name: "Task 1" });
    await first.getByLabel("Task title").fill("Solve x + 1 = 3");
    // No accepted answers yet: the API refuses the config and says why, beside the field.
    await page.getByLabel("New task of type").selectOption("manual");
    await page.getByRole("button", { name: "Add task" }).click();
    const second = page.getByRole("group", { name: "Task 2" });
    await second.getByLabel("Task title").fill("Show your working");
    await second.getByLabel("Max score").fill("5");
    await page.getByRole("button", { name: "Create course" }).click();
    const answers = first.getByLabel("Accepted answers");
    await expect(answers).toHaveAttribute("aria-invalid", "true");
    await expectLabelledControls(page);
    await shot(page, "course-editor-errors");

    await answers.fill("2\nx = 2");
    await page.getByRole("button", { name: "Create course" }).click();
    await expect(page.getByText("Course created as a draft")).toBeVisible();
    await expect(page.getByRole("heading", { name: title })).toBeVisible();

    // Publish.
    await page.getByRole("button", { name: "Publish" }).click();
    await expect(page.getByRole("button", { name: "Archive" })).toBeVisible();
    await expect(page.getByText("published", { exact: true })).toBeVisible();
    await shot(page, "manage-course");
    const slug = new URL(page.url()).pathname.split("/")[2]!;

    // A student takes the course (through the API: this test is about the instructor).
    const student = await ApiUser.register(request, unique("learner"));
    await student.call("POST", `/api/courses/${slug}/enroll/`, undefined, 201);
    const course = (await student.call("GET", `/api/courses/${slug}/`, undefined, 200)) as {
      tasks: { id: number; title: string }[];
    };
    const exact = course.tasks.find((t) => t.title === "Solve x + 1 = 3")!;
    const manual = course.tasks.find((t) => t.title === "Show your working")!;
    await student.call("POST", `/api/tasks/${exact.id}/submissions/`, { answer: "2" }, 201);
    await student.call("POST", `/api/tasks/${manual.id}/submissions/`, { answer: "x = 3 - 1 = 2" }, 201);

    // Enrollments.
    await page.getByRole("link", { name: "Enrollments" }).click();
    await expect(page.getByRole("cell", { name: new RegExp(student.id ? String(student.id) : "learner") }).first()).toBeVisible();

    // A deadline extension for that student.
    await page.getByRole("link", { name: "Extensions" }).click();
    await page.getByLabel("Student").selectOption({ index: 1 });
    await page.getByLabel("Task").selectOption({ label: "Solve x + 1 = 3" });
    await page.getByLabel("New due date").fill("2030-06-01T17:00");
    await page.getByLabel("Reason (optional)").fill("Was ill");
    await page.getByRole("button", { name: "Grant extension" }).click();
    await expect(page.getByText(/Extended Solve x \+ 1 = 3 for learner-/)).toBeVisible();

    // Gradebook, with its CSV.
    await page.getByRole("link", { name: "Gradebook" }).click();
    await expect(page.getByText("1 student × 2 tasks")).toBeVisible();
    await expect(page.getByRole("img", { name: "Solve x + 1 = 3" })).toBeVisible();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    await shot(page, "gradebook");

    // Grade the manual answer.
    await page.getByRole("link", { name: "Grading queue" }).click();
    const form = page.getByRole("form", { name: /Show your working/ });
    await expect(form.getByText("x = 3 - 1 = 2")).toBeVisible();
    await expectLabelledControls(page);
    await shot(page, "grading-queue");
    await form.getByLabel(/Score/).fill("4");
    await form.getByLabel("Feedback").fill("Clear working.");
    await form.getByRole("button", { name: "Save grade" }).click();
    await expect(page.getByText("Graded 1 submission.")).toBeVisible();
    await expect(page.getByText("Nothing to grade.")).toBeVisible();

    // The grade shows in the gradebook, and the student sees it.
    await page.getByRole("link", { name: "Gradebook" }).click();
    await expect(page.getByRole("row", { name: /learner/ }).getByRole("cell", { name: "4", exact: true })).toBeVisible();
    const graded = (await student.call("GET", `/api/submissions/?task=${manual.id}`, undefined, 200)) as {
      results: { status: string; score: number; feedback: string }[];
    };
    expect(graded.results[0]).toMatchObject({ status: "graded", score: 4, feedback: "Clear working." });
  });
});
