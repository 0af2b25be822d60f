import { ApiUser, INSTRUCTOR, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

test.describe("grade history", () => {
  test("the instructor overrides an automatic grade with a reason and reads it in the history", async ({
    page,
    request,
  }) => {
    // A course of one automatically graded task, and a student whose right answer got 10 / 10.
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const slug = unique("e2e-history");
    await instructor.call(
      "POST",
      "/api/courses/",
      {
        slug,
        title: "History of grades",
        enrollment_open: true,
        tasks: [{ title: "Add two and two", kind: "exact", max_score: 10, is_published: true, config: { answers: ["4"] } }],
      },
      201,
    );
    await instructor.call("POST", `/api/courses/${slug}/publish/`, undefined, 200);
    const course = (await instructor.call("GET", `/api/courses/${slug}/`, undefined, 200)) as { tasks: { id: number }[] };
    const name = unique("hist");
    const learner = await ApiUser.register(request, name);
    await learner.call("POST", `/api/courses/${slug}/enroll/`, undefined, 201);
    const submitted = (await learner.call("POST", `/api/tasks/${course.tasks[0]!.id}/submissions/`, { answer: "4" }, 201)) as {
      id: number;
      status: string;
      score: number;
    };
    expect([submitted.status, submitted.score]).toEqual(["graded", 10]);

    await instructor.signIn(page);
    await page.goto(`/teach/${slug}/grading`);
    await expect(page.getByRole("heading", { name: "Queue empty" })).toBeVisible();
    await page.getByRole("group", { name: "Show" }).getByRole("button", { name: "Graded" }).click();

    const graded = page.getByRole("table", { name: "Graded submissions" });
    await expect(graded.getByRole("rowheader", { name })).toBeVisible();
    await expect(graded.getByRole("cell", { name: "10 / 10 points" })).toBeVisible();
    const form = page.getByRole("form", { name: new RegExp(`^Grade ${name} — Add two and two`) });
    const history = page.getByRole("region", { name: "History" });
    const rows = history.getByRole("list", { name: "Grade history, oldest first" }).getByRole("listitem");
    await expect(rows).toHaveCount(1);
    await expect(rows.nth(0)).toContainText("automatic");
    await expect(rows.nth(0)).toContainText("Graded automatically");
    await expect(rows.nth(0)).toContainText("— → 10");

    const score = form.getByLabel(/^Score/);
    await expect(score).toHaveValue("10");
    await score.fill("4");
    await form.getByLabel(/^Reason/).fill("Same answer as a neighbour's, word for word.");
    await expectLabelledControls(page);
    await form.getByRole("button", { name: "Save grade" }).click();

    await expect(page.getByText(`Saved the grade of ${name} — Add two and two.`)).toBeVisible();
    await expect(rows).toHaveCount(2);
    const override = rows.nth(1);
    await expect(override).toContainText("Grace Hopper (instructor)");
    await expect(override).toContainText("Grade overridden");
    await expect(override).toContainText("10 → 4");
    await expect(override).toContainText("Same answer as a neighbour's, word for word.");
    await expect(graded.getByRole("cell", { name: "4 / 10 points" })).toBeVisible();
    await shot(page, "history-override");

    // The same history through the API, and not for the student who owns the submission.
    const entries = (await instructor.call("GET", `/api/submissions/${submitted.id}/history/`, undefined, 200)) as unknown as {
      kind: string;
      reason: string;
    }[];
    expect(entries.map((e) => e.kind)).toEqual(["auto", "override"]);
    await learner.call("GET", `/api/submissions/${submitted.id}/history/`, undefined, 403);
  });
});
