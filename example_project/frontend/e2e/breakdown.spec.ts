import { ApiUser, INSTRUCTOR, expect, shot, test, unique } from "./fixtures";

/** An exact-answer task worth 10 points: right is 10, wrong is 0. */
const exact = (title: string, position: number, answer: string) => ({
  title,
  kind: "exact",
  position,
  max_score: 10,
  is_published: true,
  config: { answers: [answer] },
});

test.describe("grade breakdown", () => {
  test("a student sees a weighted course by group, the dropped task marked and the letter", async ({ page, request }) => {
    // Homework 40% (drop the lowest 1), Exams 60%. The student gets homework 1 right and 2
    // wrong (dropped: homework is 100%), exam 1 right and 2 wrong (50%): 40 + 30 = 70% → C.
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const slug = unique("e2e-breakdown");
    const title = "Weighted breakdown";
    await instructor.call(
      "POST",
      "/api/courses/",
      {
        slug,
        title,
        enrollment_open: true,
        tasks: [
          exact("Homework 1", 1, "4"),
          exact("Homework 2", 2, "9"),
          exact("Exam 1", 3, "12"),
          exact("Exam 2", 4, "30"),
        ],
      },
      201,
    );
    await instructor.call(
      "PATCH",
      `/api/courses/${slug}/`,
      {
        grading_scheme: "weighted",
        letter_grades: [
          { letter: "A", min_percent: 90 },
          { letter: "B", min_percent: 80 },
          { letter: "C", min_percent: 65 },
          { letter: "F", min_percent: 0 },
        ],
      },
      200,
    );
    const groups: number[] = [];
    for (const [position, group] of [
      { name: "Homework", weight: 40, drop_lowest: 1 },
      { name: "Exams", weight: 60, drop_lowest: 0 },
    ].entries()) {
      const made = (await instructor.call("POST", `/api/courses/${slug}/groups/`, { ...group, position: position + 1 }, 201)) as {
        id: number;
      };
      groups.push(made.id);
    }
    const course = (await instructor.call("GET", `/api/courses/${slug}/`, undefined, 200)) as {
      tasks: { id: number; title: string }[];
    };
    const task = (name: string) => course.tasks.find((t) => t.title === name)!;
    for (const t of course.tasks) {
      const group = t.title.startsWith("Homework") ? groups[0] : groups[1];
      await instructor.call("PATCH", `/api/tasks/${t.id}/`, { group }, 200);
    }
    await instructor.call("POST", `/api/courses/${slug}/publish/`, undefined, 200);

    const student = await ApiUser.register(request, unique("breakdown"));
    await student.call("POST", `/api/courses/${slug}/enroll/`, undefined, 201);
    for (const [name, answer] of [
      ["Homework 1", "4"],
      ["Homework 2", "8"],
      ["Exam 1", "12"],
      ["Exam 2", "31"],
    ] as const) {
      await student.call("POST", `/api/tasks/${task(name).id}/submissions/`, { answer }, 201);
    }

    await student.signIn(page);
    await page.goto("/progress");
    const card = page.getByRole("article").filter({ has: page.getByRole("link", { name: title }) });
    await expect(card.getByText("Weighted: 70%")).toBeVisible();
    await expect(card.getByText("Letter grade C")).toBeVisible();

    const table = card.getByRole("table", { name: `Grade breakdown of ${title} by assignment group` });
    const groupRow = (name: string) => table.getByRole("row").filter({ has: page.getByRole("rowheader", { name, exact: true }) });
    await expect(groupRow("Homework")).toContainText("40% of the course");
    await expect(groupRow("Homework")).toContainText("100%");
    await expect(groupRow("Exams")).toContainText("60% of the course");
    await expect(groupRow("Exams")).toContainText("50%");
    // The dropped task says so in words, and its score is struck through.
    const dropped = groupRow("Homework 2");
    await expect(dropped).toContainText("Dropped — lowest score");
    await expect(dropped.locator("s").first()).toHaveText("0 / 10 points");
    await expect(groupRow("Homework 1")).not.toContainText("Dropped");
    // A wrong exam answer is not dropped: Exams drops nothing.
    await expect(groupRow("Exam 2")).not.toContainText("Dropped");
    await shot(page, "breakdown-progress");

    // The course page shows the same breakdown under "Your progress".
    await page.getByRole("link", { name: title }).click();
    const summary = page.getByRole("region", { name: "Your progress" });
    await expect(summary.getByText("Weighted: 70%")).toBeVisible();
    await expect(
      summary.getByRole("table", { name: `Grade breakdown of ${title} by assignment group` }).getByText("Dropped — lowest score"),
    ).toBeVisible();
  });
});
