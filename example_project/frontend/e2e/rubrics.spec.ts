import { ApiUser, INSTRUCTOR, createPublishedCourse, expect, expectLabelledControls, shot, test } from "./fixtures";

test.describe("rubrics", () => {
  // The test provokes a 400 (two levels worth the same) and a 409 (delete while attached).
  test.use({ allowedHttpErrors: [400, 409] });

  test("the instructor builds a rubric in the UI, attaches it to a task, and cannot delete it while attached", async ({
    page,
    request,
  }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const { slug } = await createPublishedCourse(instructor, "Rubric essays");

    await instructor.signIn(page);
    await page.goto(`/teach/${slug}`);
    await page.getByRole("navigation", { name: "Course management" }).getByRole("link", { name: "Rubrics" }).click();
    await expect(page.getByText("No rubrics yet.")).toBeVisible();

    await page.getByRole("button", { name: "New rubric" }).click();
    const form = page.getByRole("form", { name: "New rubric" });
    await form.getByLabel("Rubric title").fill("Essay rubric");
    await form.getByLabel("Criterion 1 title").fill("Clarity");
    await form.getByLabel("Criterion 1 level 1 title").fill("Unclear");
    await form.getByLabel("Criterion 1 level 2 title").fill("Clear");
    await form.getByLabel("Criterion 1 level 2 points").fill("2");
    await form.getByRole("button", { name: "Add a criterion" }).click();
    await form.getByLabel("Criterion 2 title").fill("Examples");
    await form.getByLabel("Criterion 2 level 1 title").fill("None");
    await form.getByLabel("Criterion 2 level 2 title").fill("Many");
    // Two levels worth the same: the API's error shows on that level.
    await form.getByLabel("Criterion 2 level 2 points").fill("0");
    await expectLabelledControls(page);
    await form.getByRole("button", { name: "Save rubric" }).click();
    await expect(form.getByText(/Another level of this criterion is worth 0 points/)).toBeVisible();
    await form.getByLabel("Criterion 2 level 2 points").fill("3");
    await form.getByRole("button", { name: "Save rubric" }).click();
    await expect(page.getByText("Saved Essay rubric.")).toBeVisible();
    await expect(page.getByRole("heading", { name: /Essay rubric/ })).toContainText("5 points");
    await shot(page, "rubrics-tab");

    const [rubric] = (await instructor.call("GET", `/api/courses/${slug}/rubrics/`, undefined, 200)) as unknown as {
      id: number;
      criteria: { title: string; levels: { points: number }[] }[];
    }[];
    expect(rubric!.criteria.map((c) => [c.title, c.levels.map((l) => l.points)])).toEqual([
      ["Clarity", [0, 2]],
      ["Examples", [0, 3]],
    ]);

    await page.getByRole("navigation", { name: "Course management" }).getByRole("link", { name: "Tasks" }).click();
    await page.getByRole("button", { name: "Edit Explain addition" }).click();
    const editor = page.getByRole("group", { name: "Edit “Explain addition”" });
    await editor.getByLabel("Rubric").selectOption({ label: "Essay rubric (5 points)" });
    await page.getByRole("button", { name: "Save task" }).click();
    await expect(page.getByRole("button", { name: "Save task" })).toHaveCount(0);

    const course = (await instructor.call("GET", `/api/courses/${slug}/`, undefined, 200)) as {
      tasks: { id: number; title: string; rubric: number | null }[];
    };
    expect(course.tasks.find((t) => t.title === "Explain addition")?.rubric).toBe(rubric!.id);

    page.on("dialog", (dialog) => void dialog.accept());
    await page.getByRole("navigation", { name: "Course management" }).getByRole("link", { name: "Rubrics" }).click();
    await page.getByRole("button", { name: "Delete Essay rubric" }).click();
    await expect(page.getByText(/attached to a task or was used to grade/)).toBeVisible();
  });
});
