import { ApiUser, INSTRUCTOR, createPublishedCourse, expect, expectLabelledControls, shot, test } from "./fixtures";

const ALICE = { username: "alice", password: "alice-demo-pass" };

test.describe("grading settings", () => {
  test("the instructor makes two weighted groups, sees the preview of who changes, and applies it", async ({
    page,
    request,
  }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const { slug } = await createPublishedCourse(instructor, "Weighted sums");
    await instructor.call("POST", `/api/courses/${slug}/enrollments/`, { username: ALICE.username }, 201);
    const alice = await ApiUser.login(request, ALICE.username, ALICE.password);
    const course = (await instructor.call("GET", `/api/courses/${slug}/`, undefined, 200)) as {
      tasks: { id: number; title: string }[];
    };
    const first = course.tasks.find((t) => t.title === "What is 2 + 2?")!;
    await alice.call("POST", `/api/tasks/${first.id}/submissions/`, { answer: "4" }, 201);

    await instructor.signIn(page);
    await page.goto(`/teach/${slug}`);
    await page.getByRole("navigation", { name: "Course management" }).getByRole("link", { name: "Grading settings" }).click();
    await expect(page.getByRole("radio", { name: /Points/ })).toBeChecked();

    await page.getByRole("button", { name: "Add group" }).click();
    await page.getByLabel("Group 1 name").fill("Quizzes");
    await page.getByLabel("Group 1 weight").fill("60");
    await page.getByRole("button", { name: "Add group" }).click();
    await page.getByLabel("Group 2 name").fill("Essays");
    await page.getByLabel("Group 2 weight").fill("30");
    await page.getByLabel("Group of What is 2 + 2?").selectOption("Quizzes");
    await page.getByLabel("Group of Pick the even number").selectOption("Quizzes");
    await page.getByLabel("Group of Explain addition").selectOption("Essays");
    await page.getByRole("radio", { name: /Weighted groups/ }).check();
    await expect(page.getByTestId("weight-total")).toHaveText(
      "Weights add up to 90%; 10% is left for tasks outside any group.",
    );
    await page.getByRole("button", { name: "Use A–F" }).click();
    await expectLabelledControls(page);

    await page.getByRole("button", { name: "Preview changes" }).click();
    // Alice has 1 of 10 points (10 %); weighted, her quizzes are half right: 60 × 50 % = 30 %.
    await expect(page.getByTestId("preview-summary")).toHaveText("1 student of 1 change.");
    await expect(page.getByText("Largest rise: +20.0 points")).toBeVisible();
    const letters = page.getByRole("table", { name: "Letter changes" });
    await expect(letters.getByRole("row", { name: /Alice Liddell/ })).toContainText("F (30%)");
    await shot(page, "grading-config-preview");
    // Nothing is written before Apply.
    expect(await instructor.call("GET", `/api/courses/${slug}/groups/`, undefined, 200)).toEqual([]);

    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByText("Grading settings applied.")).toBeVisible();

    const groups = (await instructor.call("GET", `/api/courses/${slug}/groups/`, undefined, 200)) as unknown as {
      id: number;
      name: string;
      weight: number;
    }[];
    expect(groups.map((g) => [g.name, g.weight])).toEqual([
      ["Quizzes", 60],
      ["Essays", 30],
    ]);
    const after = (await instructor.call("GET", `/api/courses/${slug}/`, undefined, 200)) as {
      grading_scheme: string;
      letter_grades: { letter: string }[];
      tasks: { id: number; group: number | null }[];
    };
    expect(after.grading_scheme).toBe("weighted");
    expect(after.letter_grades.map((l) => l.letter)).toEqual(["A", "B", "C", "D", "F"]);
    expect(after.tasks.find((t) => t.id === first.id)?.group).toBe(groups[0]!.id);
    const progress = (await alice.call("GET", `/api/courses/${slug}/progress/`, undefined, 200)) as { percent: number };
    expect(progress.percent).toBeCloseTo(30);
    await shot(page, "grading-config-applied");
  });
});
