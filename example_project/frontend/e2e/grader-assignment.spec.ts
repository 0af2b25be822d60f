import { ApiUser, INSTRUCTOR, createPublishedCourse, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

test.describe("grader assignment", () => {
  test("an instructor assigns grading to two assistants; each sees their own queue", async ({ page, browser, request }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const course = await createPublishedCourse(instructor, `Essays ${unique("assign")}`);
    const detail = (await instructor.call("GET", `/api/courses/${course.slug}/`, undefined, 200)) as {
      tasks: { id: number; kind: string; title: string }[];
    };
    const essay = detail.tasks.find((task) => task.kind === "manual")!;

    // Two assistants, and three students whose answers wait for review.
    const assistants = [];
    for (const name of ["ada", "alan"]) {
      const username = unique(name);
      const assistant = await ApiUser.register(request, username);
      await instructor.call("POST", `/api/courses/${course.slug}/enrollments/`, { user: assistant.id, role: "assistant" }, 201);
      assistants.push({ user: assistant, username });
    }
    for (let n = 0; n < 3; n += 1) {
      const student = await ApiUser.register(request, unique(`writer${n}`));
      await student.call("POST", `/api/courses/${course.slug}/enroll/`, undefined, 201);
      await student.call("POST", `/api/tasks/${essay.id}/submissions/`, { answer: `Essay number ${n}` }, 201);
    }

    // The instructor assigns from the course's grading tab.
    await instructor.signIn(page);
    await page.goto(`/teach/${course.slug}/grading`);
    const form = page.getByRole("form", { name: "Assign grading" });
    const graders = form.getByRole("group", { name: "Graders" });
    for (const { username } of assistants) await graders.getByRole("checkbox", { name: new RegExp(username) }).check();
    await form.getByLabel("Task").selectOption({ label: essay.title });
    await expectLabelledControls(page);
    await form.getByRole("button", { name: "Assign" }).click();
    await expect(page.getByText("Assigned 3 submissions.")).toBeVisible();
    const progress = page.getByRole("table", { name: "Progress per grader" });
    await expect(progress.getByRole("row", { name: new RegExp(assistants[0]!.username) })).toContainText("2");
    await expect(progress.getByRole("row", { name: new RegExp(assistants[1]!.username) })).toContainText("1");
    // The queue below names who grades each answer.
    const queue = page.getByRole("table", { name: "Submissions waiting for a grade" });
    await expect(queue.getByRole("cell", { name: new RegExp(assistants[0]!.username) })).toHaveCount(2);
    await expect(queue.getByRole("cell", { name: new RegExp(assistants[1]!.username) })).toHaveCount(1);
    await shot(page, "grader-assignment-instructor");

    // Each assistant filters the grading queue to their own.
    for (const [index, { user, username }] of assistants.entries()) {
      const context = await browser.newContext();
      const mine = await context.newPage();
      await user.signIn(mine);
      await mine.goto("/grading");
      const filters = mine.getByRole("group", { name: "Filters" });
      await filters.getByLabel("Assigned to").selectOption({ label: "Me" });
      await filters.getByLabel("Course").selectOption({ label: course.title });
      const rows = mine.getByRole("table", { name: "Submissions waiting for a grade" }).getByRole("row");
      await expect(rows).toHaveCount((index === 0 ? 2 : 1) + 1);
      await expect(mine.getByText(`${index === 0 ? 2 : 1} waiting, oldest first`)).toBeVisible();
      for (const row of await rows.all()) {
        if (await row.getByRole("columnheader").count()) continue;
        await expect(row).toContainText(username);
      }
      await shot(mine, `grader-assignment-${index === 0 ? "first" : "second"}-assistant`);
      await context.close();
    }

    // The first assistant grades one of theirs: their progress moves.
    const first = assistants[0]!;
    const queued = (await first.user.call("GET", `/api/grading/queue/?assigned=me&course=${course.slug}`, undefined, 200)) as {
      results: { id: number }[];
    };
    await first.user.call("POST", `/api/submissions/${queued.results[0]!.id}/claim/`, undefined, 200);
    await first.user.call("POST", `/api/submissions/${queued.results[0]!.id}/grade/`, { score: 4 }, 200);
    await page.reload();
    await expect(
      page.getByRole("table", { name: "Progress per grader" }).getByRole("row", { name: new RegExp(first.username) }),
    ).toContainText(/2\s*1/);
  });
});
