import { acceptNextDialog, ApiUser, INSTRUCTOR, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

const exact = (title: string, position: number) => ({
  title,
  kind: "exact",
  position,
  is_published: true,
  config: { answers: ["4"] },
});

test.describe("task authoring", () => {
  // The weight below 0 is refused on purpose (400), and so is the empty publish (409).
  test.use({ allowedHttpErrors: [400, 409] });

  test("an instructor edits a task's weight and max score, reorders tasks and deletes one", async ({ page, request }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const slug = unique("e2e-tasks");
    await instructor.call(
      "POST",
      "/api/courses/",
      {
        slug,
        title: "Task authoring",
        enrollment_open: true,
        tasks: [exact("Alpha", 1), exact("Beta", 2), exact("Gamma", 3)],
      },
      201,
    );
    await instructor.call("POST", `/api/courses/${slug}/publish/`, undefined, 200);
    const tasks = (await instructor.call("GET", `/api/courses/${slug}/tasks/`, undefined, 200)) as {
      results: { id: number; title: string }[];
    };
    const gamma = tasks.results.find((t) => t.title === "Gamma")!;
    const learner = await ApiUser.register(request, unique("learner"));
    await learner.call("POST", `/api/courses/${slug}/enroll/`, undefined, 201);
    await learner.call("POST", `/api/tasks/${gamma.id}/submissions/`, { answer: "3" }, 201);
    await learner.call("POST", `/api/tasks/${gamma.id}/submissions/`, { answer: "4" }, 201);

    await instructor.signIn(page);
    await page.goto(`/teach/${slug}`);
    const titles = page.locator(".task-list .task-title");
    await expect(titles).toHaveText(["Alpha", "Beta", "Gamma"]);

    // Weight and max score; a weight the API refuses shows its message on the field.
    await page.getByRole("button", { name: "Edit Alpha" }).click();
    const form = page.getByRole("group", { name: "Edit “Alpha”" });
    await form.getByLabel("Max score").fill("5");
    await form.getByLabel("Weight").fill("-1");
    await page.getByRole("button", { name: "Save task" }).click();
    await expect(form.getByLabel("Weight")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByText("Ensure this value is greater than or equal to 0.")).toBeVisible();
    await expectLabelledControls(page);
    await form.getByLabel("Weight").fill("2");
    await page.getByRole("button", { name: "Save task" }).click();
    await expect(form).toBeHidden();
    const alpha = page.getByRole("listitem").filter({ hasText: "Alpha" });
    await expect(alpha.getByText("5 points")).toBeVisible();
    await expect(alpha.getByText("weight 2")).toBeVisible();

    // Reorder with the keyboard: focus stays on the moved task's button.
    await page.getByRole("button", { name: "Move “Alpha” down" }).focus();
    await page.keyboard.press("Enter");
    await expect(titles).toHaveText(["Beta", "Alpha", "Gamma"]);
    await expect(page.getByRole("button", { name: "Move “Alpha” down" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(titles).toHaveText(["Beta", "Gamma", "Alpha"]);
    // At the bottom "down" keeps the focus, marked as unable to go further; Tab reaches "up"
    // back in the previous control.
    const down = page.getByRole("button", { name: "Move “Alpha” down" });
    await expect(down).toBeFocused();
    await expect(down).toHaveAttribute("aria-disabled", "true");
    await page.keyboard.press("Enter");
    await expect(titles).toHaveText(["Beta", "Gamma", "Alpha"]);
    await page.keyboard.press("Shift+Tab");
    await expect(page.getByRole("button", { name: "Move “Alpha” up" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(titles).toHaveText(["Beta", "Alpha", "Gamma"]);
    const saved = (await instructor.call("GET", `/api/courses/${slug}/tasks/`, undefined, 200)) as {
      results: { title: string; position: number }[];
    };
    expect(saved.results.map((t) => [t.title, t.position])).toEqual([
      ["Beta", 1],
      ["Alpha", 2],
      ["Gamma", 3],
    ]);
    await page.reload();
    await expect(titles).toHaveText(["Beta", "Alpha", "Gamma"]);
    await shot(page, "tasks-authoring-tasks-tab");

    // Delete, after a confirmation that counts the submissions.
    const question = acceptNextDialog(page);
    await page.getByRole("button", { name: "Delete Gamma" }).click();
    expect(await question).toBe("Delete “Gamma”? Its 2 submissions will be deleted with it. This cannot be undone.");
    await expect(titles).toHaveText(["Beta", "Alpha"]);
    const left = (await instructor.call("GET", `/api/courses/${slug}/tasks/`, undefined, 200)) as { count: number };
    expect(left.count).toBe(2);
    const gone = (await learner.call("GET", `/api/submissions/?task=${gamma.id}`, undefined, 200)) as { count: number };
    expect(gone.count).toBe(0);

    // Drag and drop: Alpha's handle onto Beta's row.
    const rows = page.locator(".task-list > li");
    await rows.nth(1).locator(".drag-handle").dragTo(rows.nth(0));
    await expect(titles).toHaveText(["Alpha", "Beta"]);
  });

  test("publishing a course without a visible task is explained before the click and refused", async ({ page, request }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const slug = unique("e2e-empty");
    await instructor.call("POST", "/api/courses/", { slug, title: "Nothing yet" }, 201);

    await instructor.signIn(page);
    await page.goto(`/teach/${slug}`);
    const publish = page.getByRole("button", { name: "Publish" });
    await expect(publish).toBeDisabled();
    const why = "Publishing needs at least one task that is visible to students.";
    await expect(page.getByText(why)).toBeVisible();
    await expect(publish).toHaveAccessibleDescription(why);
    await shot(page, "tasks-authoring-publish-blocked");
    // The API refuses it too, whoever asks.
    const refused = await request.post(`/api/courses/${slug}/publish/`, {
      headers: { Authorization: `Bearer ${instructor.access}` },
    });
    expect(refused.status()).toBe(409);
    expect(((await refused.json()) as { code: string }).code).toBe("course_empty");

    // One visible task later, the course can be published.
    await page.getByRole("button", { name: "Add a task" }).click();
    const form = page.getByRole("group", { name: "New task" });
    await form.getByLabel("Task title").fill("First task");
    await form.getByLabel("Accepted answers").fill("4");
    await page.getByRole("button", { name: "Add task" }).click();
    await expect(page.locator(".task-list .task-title")).toHaveText(["First task"]);
    await expect(publish).toBeEnabled();
    await expect(page.getByText(why)).toBeHidden();
    await publish.click();
    await expect(page.getByRole("button", { name: "Archive" })).toBeVisible();
  });
});
