import { readFileSync } from "node:fs";
import { ApiUser, INSTRUCTOR, acceptNextDialog, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

const DAY = 24 * 60 * 60 * 1000;

/** A `datetime-local` value: the browser and this process share the machine's time zone. */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Noon, `days` from today: whole minutes, as a datetime-local input keeps them. */
function noonIn(days: number): Date {
  const date = new Date(Date.now() + days * DAY);
  date.setHours(12, 0, 0, 0);
  return date;
}

/** Moves a student into a section as the People tab does: `PATCH courses/{slug}/enrollments/{id}/`. */
async function assignSection(instructor: ApiUser, slug: string, username: string, section: number) {
  const page = (await instructor.call("GET", `/api/courses/${slug}/enrollments/?role=student&page_size=100`, undefined, 200)) as unknown as {
    results: { id: number; user: { username: string } }[];
  };
  const enrollment = page.results.find((e) => e.user.username === username)!;
  const moved = (await instructor.call("PATCH", `/api/courses/${slug}/enrollments/${enrollment.id}/`, { section }, 200)) as unknown as {
    section: number | null;
  };
  expect(moved.section).toBe(section);
}

test.describe("sections", () => {
  test.use({ allowedHttpErrors: [400] });

  test("an instructor makes two sections, gives one a later due date, and filters the gradebook and queue by section", async ({
    page,
    request,
  }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const slug = unique("e2e-sections");
    const due = noonIn(2);
    const closes = noonIn(10);
    await instructor.call(
      "POST",
      "/api/courses/",
      {
        slug,
        title: "Sectioned labs",
        enrollment_open: true,
        tasks: [
          {
            title: "Lab report",
            kind: "manual",
            position: 1,
            max_score: 5,
            is_published: true,
            due_at: due.toISOString(),
            closes_at: closes.toISOString(),
            config: {},
          },
        ],
      },
      201,
    );
    await instructor.call("POST", `/api/courses/${slug}/publish/`, undefined, 200);
    const course = (await instructor.call("GET", `/api/courses/${slug}/`, undefined, 200)) as { tasks: { id: number }[] };
    const lab = course.tasks[0]!;
    const tuesdayName = unique("tue");
    const thursdayName = unique("thu");
    const tuesday = await ApiUser.register(request, tuesdayName);
    const thursday = await ApiUser.register(request, thursdayName);
    for (const learner of [tuesday, thursday]) {
      await learner.call("POST", `/api/courses/${slug}/enroll/`, undefined, 201);
      await learner.call("POST", `/api/tasks/${lab.id}/submissions/`, { answer: "My lab report." }, 201);
    }

    // Section one: a later due date for the lab, first past the task's close (refused), then inside it.
    await instructor.signIn(page);
    await page.goto(`/teach/${slug}`);
    await page.getByRole("navigation", { name: "Course management" }).getByRole("link", { name: "Sections" }).click();
    await expect(page.getByText("No sections yet.")).toBeVisible();
    await page.getByRole("button", { name: "New section" }).click();
    const form = page.getByRole("form", { name: "New section" });
    await form.getByLabel("Section name").fill("Tuesday lab");
    await form.getByRole("group", { name: "Staff" }).getByRole("checkbox").first().check();
    await form.getByRole("button", { name: "Add dates for a task" }).click();
    const dates = form.getByRole("group", { name: "Dates 1" });
    await dates.getByLabel("Task").selectOption({ label: "Lab report" });
    await dates.getByLabel("Due").fill(localInput(noonIn(12)));
    await expectLabelledControls(page);
    await form.getByRole("button", { name: "Save section" }).click();
    await expect(dates.getByText("Must not be after the task's closes_at.")).toBeVisible();
    await expect(dates.getByLabel("Due")).toHaveAttribute("aria-invalid", "true");
    await shot(page, "sections-field-error");
    const later = noonIn(4);
    await dates.getByLabel("Due").fill(localInput(later));
    await form.getByRole("button", { name: "Save section" }).click();
    await expect(page.getByText("Saved Tuesday lab.")).toBeVisible();

    // Section two: no dates of its own.
    await page.getByRole("button", { name: "New section" }).click();
    await page.getByRole("form", { name: "New section" }).getByLabel("Section name").fill("Thursday lab");
    await page.getByRole("form", { name: "New section" }).getByRole("button", { name: "Save section" }).click();
    await expect(page.getByText("Saved Thursday lab.")).toBeVisible();

    const tuesdayCard = page.getByRole("region", { name: "Tuesday lab" });
    await expect(tuesdayCard.getByRole("table", { name: "Dates of Tuesday lab" }).getByRole("rowheader", { name: "Lab report" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Thursday lab" }).getByText(/No dates of its own/)).toBeVisible();
    await shot(page, "sections-tab");

    const sections = (await instructor.call("GET", `/api/courses/${slug}/sections/`, undefined, 200)) as unknown as {
      id: number;
      name: string;
      dates: { task: number; due_at: string | null }[];
    }[];
    const tue = sections.find((s) => s.name === "Tuesday lab")!;
    const thu = sections.find((s) => s.name === "Thursday lab")!;
    expect(tue.dates).toHaveLength(1);
    expect(tue.dates[0]!.task).toBe(lab.id);
    expect(new Date(tue.dates[0]!.due_at!).getTime()).toBe(later.getTime());

    await assignSection(instructor, slug, tuesdayName, tue.id);
    await assignSection(instructor, slug, thursdayName, thu.id);

    // The gradebook, one section at a time; the CSV follows the filter.
    await page.getByRole("navigation", { name: "Course management" }).getByRole("link", { name: "Gradebook" }).click();
    const names = page.getByRole("table", { name: "Gradebook of Sectioned labs" }).getByRole("rowheader");
    await expect(names).toHaveCount(2);
    await page.getByLabel("Section", { exact: true }).selectOption({ label: "Tuesday lab" });
    await expect(names).toHaveCount(1);
    await expect(names.first()).toHaveText(tuesdayName);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
    const csv = readFileSync(await download.path(), "utf8");
    expect(csv).toContain(tuesdayName);
    expect(csv).not.toContain(thursdayName);
    await shot(page, "sections-gradebook");
    await page.getByLabel("Section", { exact: true }).selectOption({ label: "Thursday lab" });
    await expect(names).toHaveCount(1);
    await expect(names.first()).toHaveText(thursdayName);
    await page.getByLabel("Section", { exact: true }).selectOption({ label: "All sections" });
    await expect(names).toHaveCount(2);

    // The course's grading queue.
    await page.getByRole("navigation", { name: "Course management" }).getByRole("link", { name: "Grading queue" }).click();
    const queue = page.getByRole("table", { name: "Submissions waiting for a grade" }).getByRole("rowheader");
    await expect(queue).toHaveCount(2);
    await page.getByRole("group", { name: "Filters" }).getByLabel("Section", { exact: true }).selectOption({ label: "Thursday lab" });
    await expect(queue).toHaveCount(1);
    await expect(queue.first()).toHaveText(thursdayName);

    // Deleting a section asks first; its students become section-less.
    await page.getByRole("navigation", { name: "Course management" }).getByRole("link", { name: "Sections" }).click();
    const question = acceptNextDialog(page);
    await page.getByRole("button", { name: "Delete Thursday lab" }).click();
    expect(await question).toContain("Delete the section Thursday lab?");
    await expect(page.getByText("Deleted Thursday lab.")).toBeVisible();
    await expect(page.getByRole("region", { name: "Thursday lab" })).toHaveCount(0);
  });
});
