import { ApiUser, INSTRUCTOR, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

/**
 * Issue 12: an assistant grades three answers of a rubric task with anonymous grading on, from
 * the keyboard alone (number keys pick levels, j moves to the next criterion, Ctrl+Enter saves
 * and opens the next), and once the grades are released the gradebook has the three scores.
 */

// Releasing a claim the grade already ended may answer 404 or 409; the screen ignores it.
test.use({ allowedHttpErrors: [404, 409] });

const RUBRIC = {
  title: "Short essay rubric",
  criteria: [
    {
      title: "Argument",
      description: "Is the claim supported?",
      levels: [
        { title: "Missing", points: 0, description: "No reason given." },
        { title: "Partial", points: 2, description: "One reason." },
        { title: "Convincing", points: 3, description: "Reasons and an example." },
      ],
    },
    {
      title: "Style",
      description: "",
      levels: [
        { title: "Hard to read", points: 0, description: "" },
        { title: "Readable", points: 1, description: "" },
        { title: "Clear", points: 2, description: "" },
      ],
    },
  ],
};

test.describe("keyboard grading", () => {
  test("an assistant grades three anonymous answers with a rubric from the keyboard", async ({ page, request }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const slug = unique("e2e-keys");
    await instructor.call(
      "POST",
      "/api/courses/",
      {
        slug,
        title: "Graded by keyboard",
        enrollment_open: true,
        tasks: [{ title: "Short essay", kind: "manual", max_score: 5, is_published: true, config: {} }],
      },
      201,
    );
    const course = (await instructor.call("GET", `/api/courses/${slug}/`, undefined, 200)) as { tasks: { id: number }[] };
    const taskId = course.tasks[0]!.id;
    const rubric = (await instructor.call("POST", `/api/courses/${slug}/rubrics/`, RUBRIC, 201)) as { id: number };
    await instructor.call("PATCH", `/api/tasks/${taskId}/`, { rubric: rubric.id, release: "manual", anonymous_grading: true }, 200);
    await instructor.call("POST", `/api/courses/${slug}/publish/`, undefined, 200);

    const names: string[] = [];
    for (let n = 1; n <= 3; n++) {
      const name = unique(`essayist${n}`);
      names.push(name);
      const learner = await ApiUser.register(request, name);
      await learner.call("POST", `/api/courses/${slug}/enroll/`, undefined, 201);
      const submitted = (await learner.call("POST", `/api/tasks/${taskId}/submissions/`, { answer: `Essay number ${n}.` }, 201)) as {
        status: string;
      };
      expect(submitted.status).toBe("needs_review");
    }
    const assistantName = unique("ta");
    const assistant = await ApiUser.register(request, assistantName);
    await instructor.call("POST", `/api/courses/${slug}/enrollments/`, { username: assistantName, role: "assistant" }, 201);

    // The assistant opens the course's queue and the first answer's grading screen, by keyboard.
    await assistant.signIn(page);
    await page.goto(`/teach/${slug}/grading`);
    const open = page.getByRole("link", { name: /^Grade Student \d+ — Short essay from the keyboard$/ }).first();
    await open.focus();
    await page.keyboard.press("Enter");

    // Argument, then Style: 3 + 2, 2 + 2, 2 + 1 points.
    const picks = [
      { keys: ["3", "j", "3"], total: 5 },
      { keys: ["2", "j", "3"], total: 4 },
      { keys: ["2", "j", "2"], total: 3 },
    ];
    const seen = new Set<string>();
    let next: string | null = null;
    for (const [index, pick] of picks.entries()) {
      // After a save, wait for the answer the status named, not the one still on screen.
      const heading = page.getByRole("heading", { level: 1, name: next ?? /^Student \d+ — Short essay$/ });
      await expect(heading).toBeVisible();
      const title = (await heading.textContent())!;
      expect(seen.has(title), `${title} opened twice`).toBe(false);
      seen.add(title);
      await expect(page.getByText("Anonymous grading")).toBeVisible();
      for (const name of names) await expect(page.getByText(name)).toHaveCount(0);
      const form = page.getByRole("form", { name: `Grade ${title}` });
      await expect(form.getByRole("button", { name: "Save and next" })).toBeEnabled();
      // Grading starts on the first criterion.
      await expect(form.getByRole("group", { name: /^Argument/ }).getByRole("radio").first()).toBeFocused();
      for (const key of pick.keys) await page.keyboard.press(key);
      await expect(form.getByRole("group", { name: /^Style/ }).getByRole("radio", { checked: true })).toBeFocused();
      await expect(form.locator(".rubric-total")).toHaveText(`Total: ${pick.total} of 5 points`);
      if (index === 0) {
        await expectLabelledControls(page);
        await shot(page, "keyboard-grading");
      }
      await page.keyboard.press("Control+Enter");
      if (index < picks.length - 1) {
        // The live region keeps its last text until the save answers: wait for the move.
        await expect(page.getByRole("heading", { level: 1, name: title, exact: true })).toHaveCount(0);
        const status = page.getByRole("status").filter({ hasText: /^Saved, next: Student \d+ — Short essay$/ });
        await expect(status).toBeVisible();
        next = (await status.textContent())!.replace(/^Saved, next: /, "");
      }
    }
    await expect(page.getByText("Saved. Nothing else waits in this queue.")).toBeVisible();

    // Anonymity lasts until the release; then the gradebook has the three scores by name.
    await instructor.call("POST", `/api/tasks/${taskId}/release/`, undefined, 200);
    await page.goto(`/teach/${slug}/gradebook`);
    const gradebook = page.getByRole("region", { name: /^Gradebook of Graded by keyboard/ });
    await expect(gradebook.getByRole("rowheader")).toHaveCount(3);
    for (const total of [5, 4, 3]) await expect(gradebook.getByRole("cell", { name: String(total), exact: true }).first()).toBeVisible();
    const rows = (await instructor.call("GET", `/api/courses/${slug}/gradebook/`, undefined, 200)) as {
      results: { score: number }[];
    };
    expect(rows.results.map((row) => row.score).sort()).toEqual([3, 4, 5]);
  });
});
