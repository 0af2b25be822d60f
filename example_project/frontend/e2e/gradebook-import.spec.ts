import { ApiUser, INSTRUCTOR, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

test.describe("gradebook import", () => {
  test("the instructor edits one score of the exported CSV, checks the diff and applies it", async ({ page, request }) => {
    // A course of one automatically graded task worth 10, and a student who got it right.
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const slug = unique("e2e-import");
    await instructor.call(
      "POST",
      "/api/courses/",
      {
        slug,
        title: "Imported grades",
        enrollment_open: true,
        tasks: [{ title: "Add two and two", kind: "exact", max_score: 10, is_published: true, config: { answers: ["4"] } }],
      },
      201,
    );
    await instructor.call("POST", `/api/courses/${slug}/publish/`, undefined, 200);
    const course = (await instructor.call("GET", `/api/courses/${slug}/`, undefined, 200)) as { tasks: { id: number }[] };
    const name = unique("imp");
    const learner = await ApiUser.register(request, name);
    await learner.call("POST", `/api/courses/${slug}/enroll/`, undefined, 201);
    const submitted = (await learner.call("POST", `/api/tasks/${course.tasks[0]!.id}/submissions/`, { answer: "4" }, 201)) as {
      score: number;
    };
    expect(submitted.score).toBe(10);

    // The CSV, downloaded through the API, with the student's score edited from 10 to 6.5.
    const download = await request.get(`/api/courses/${slug}/gradebook/?format=csv`, {
      headers: { Authorization: `Bearer ${instructor.access}` },
    });
    expect(download.status()).toBe(200);
    const lines = (await download.text()).trimEnd().split(/\r?\n/);
    expect(lines[0]).toMatch(/^user_id,username,first_name,last_name,Add two and two,score,/);
    const edited = lines.map((line, index) => {
      if (index === 0) return line;
      const cells = line.split(",");
      expect(cells[1]).toBe(name);
      expect(cells[4]).toBe("10.0");
      cells[4] = "6.5";
      return cells.join(",");
    });
    const csv = Buffer.from(edited.join("\r\n") + "\r\n", "utf-8");

    await instructor.signIn(page);
    await page.goto(`/teach/${slug}`);
    await page.getByRole("navigation", { name: "Course management" }).getByRole("link", { name: "Import grades" }).click();
    await expect(page.getByRole("heading", { name: "Import grades" })).toBeVisible();
    await expectLabelledControls(page);
    await page.getByLabel("Gradebook CSV").setInputFiles({ name: `${slug}-gradebook.csv`, mimeType: "text/csv", buffer: csv });
    await page.getByRole("button", { name: "Check file" }).click();

    const diff = page.getByRole("table", { name: "Changes the file makes" });
    await expect(diff).toBeVisible();
    const rows = diff.getByRole("row");
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText(name);
    await expect(rows.nth(1)).toContainText("Add two and two");
    await expect(rows.nth(1)).toContainText("10");
    await expect(rows.nth(1)).toContainText("→ 6.5");
    await shot(page, "gradebook-import-diff");

    await page.getByRole("button", { name: "Apply 1 change" }).click();
    await expect(page.getByText("Applied 1 change. The gradebook shows the new scores.")).toBeVisible();

    await page.getByRole("navigation", { name: "Course management" }).getByRole("link", { name: "Gradebook", exact: true }).click();
    const book = page.getByRole("table", { name: /Gradebook of Imported grades/ });
    const row = book.getByRole("row").filter({ has: page.getByRole("rowheader", { name }) });
    await expect(row.getByRole("cell").first()).toHaveText("6.5");

    // The history names the import, with the instructor as the actor.
    const history = (await instructor.call("GET", `/api/courses/${slug}/gradebook/`, undefined, 200)) as {
      results: { cells: { score: number }[] }[];
    };
    expect(history.results[0]!.cells[0]!.score).toBe(6.5);
  });
});
