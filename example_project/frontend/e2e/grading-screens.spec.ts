import { readFileSync } from "node:fs";
import { ApiUser, INSTRUCTOR, expect, expectLabelledControls, shot, test, unique } from "./fixtures";

/** The demo's assistant (docs/demo.md): course staff of "Writing Readable Code" only. */
const ASSISTANT = { username: "tom", password: "tom-demo-pass" };

test.describe("grading screens", () => {
  test("the assistant grades from the queue, which names people, and the next answer opens", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Username").fill(ASSISTANT.username);
    await page.getByLabel("Password").fill(ASSISTANT.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByText(`Signed in as ${ASSISTANT.username}`)).toBeVisible();

    // From the catalog to the course and its grading queue, as an assistant finds it
    // (a student on the platform, Tom lands on his home page after logging in).
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Catalog" }).click();
    await page.getByRole("link", { name: "Writing Readable Code" }).click();
    await page.getByRole("link", { name: "Manage course" }).click();
    await page.getByRole("link", { name: "Grading queue" }).click();

    const queue = page.getByRole("table", { name: "Submissions waiting for a grade" });
    await expect(queue.getByRole("rowheader", { name: "Alice Liddell (alice)" }).first()).toBeVisible();
    await expect(queue.getByRole("rowheader", { name: "Bob Builder (bob)" }).first()).toBeVisible();
    await expect(queue.getByRole("cell", { name: "Name the function" }).first()).toBeVisible();
    await expect(queue.getByRole("cell", { name: "Explain a review comment" }).first()).toBeVisible();
    await expect(page.getByText(/User \d+ —|— task \d+/)).toHaveCount(0);
    const waiting = await queue.getByRole("row").count();

    // The oldest answer is open, in an empty form that cannot be saved yet.
    const first = page.getByRole("form", { name: /^Grade / });
    await expect(first).toContainText("Writing Readable Code");
    const firstName = await first.getAttribute("aria-label");
    const score = first.getByLabel(/^Score/);
    await expect(score).toHaveValue("");
    await expect(first.getByLabel("Feedback")).toHaveValue("");
    await expect(first.getByRole("button", { name: "Save grade" })).toBeDisabled();
    await expectLabelledControls(page);
    await shot(page, "grading-screens-queue");

    await score.fill("4");
    await first.getByLabel("Feedback").fill("A clear name; say what 'old' means.");
    await shot(page, "grading-screens-grade-form");
    await first.getByRole("button", { name: "Save grade" }).click();

    // The next one opens by itself, empty, with the score field focused.
    await expect(page.getByText("Graded 1 submission.")).toBeVisible();
    const next = page.getByRole("form", { name: /^Grade / });
    await expect(next).not.toHaveAttribute("aria-label", firstName!);
    await expect(next.getByLabel(/^Score/)).toHaveValue("");
    await expect(next.getByLabel(/^Score/)).toBeFocused();
    await expect(queue.getByRole("row")).toHaveCount(waiting - 1);
  });

  test("the gradebook keeps names and totals in view with many task columns, and its CSV downloads", async ({
    page,
    request,
  }) => {
    await page.setViewportSize({ width: 1100, height: 800 });
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const slug = unique("e2e-wide");
    const tasks = Array.from({ length: 16 }, (_, i) => ({
      title: `Exercise ${i + 1}: sums`,
      kind: "exact",
      position: i + 1,
      max_score: 2,
      is_published: true,
      config: { answers: [String(i + 1)] },
    }));
    await instructor.call("POST", "/api/courses/", { slug, title: "Wide gradebook", enrollment_open: true, tasks }, 201);
    await instructor.call("POST", `/api/courses/${slug}/publish/`, undefined, 200);
    const course = (await instructor.call("GET", `/api/courses/${slug}/`, undefined, 200)) as { tasks: { id: number }[] };
    for (const n of [1, 2, 3]) {
      const learner = await ApiUser.register(request, unique(`wide${n}`));
      await learner.call("POST", `/api/courses/${slug}/enroll/`, undefined, 201);
      for (const [index, task] of course.tasks.slice(0, 4 + n * 3).entries()) {
        await learner.call("POST", `/api/tasks/${task.id}/submissions/`, { answer: String(index + (index % n ? 1 : 2)) }, 201);
      }
    }
    await instructor.signIn(page);
    await page.goto(`/teach/${slug}/gradebook`);

    const region = page.getByRole("region", { name: /Gradebook of Wide gradebook; scroll sideways/ });
    await expect(region.getByRole("rowheader")).toHaveCount(3);
    const name = region.getByRole("rowheader").first();
    const percent = region.getByRole("columnheader", { name: "Score" });
    const lastTask = region.getByRole("columnheader", { name: /Exercise 16/ });
    const box = (await region.boundingBox())!;
    const inside = async (what: typeof name) => {
      const b = (await what.boundingBox())!;
      return b.x >= box.x - 1 && b.x + b.width <= box.x + box.width + 1;
    };
    // Wider than its box: the task columns scroll, the name and the Score column stay.
    expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await inside(name)).toBe(true);
    expect(await inside(percent)).toBe(true);
    await region.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    expect(await inside(lastTask)).toBe(true);
    expect(await inside(name)).toBe(true);
    expect(await inside(percent)).toBe(true);
    expect(await name.evaluate((el) => getComputedStyle(el).position)).toBe("sticky");
    expect(await percent.evaluate((el) => getComputedStyle(el).position)).toBe("sticky");
    await region.evaluate((el) => el.scrollTo({ left: 0 }));
    await shot(page, "grading-screens-gradebook");

    // The CSV still comes with the bearer token and holds every student and task.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${slug}-gradebook.csv`);
    const csv = readFileSync((await download.path()), "utf8").trim().split(/\r?\n/);
    expect(csv).toHaveLength(1 + 3);
    expect(csv[0]).toContain("Exercise 16: sums");
    expect(csv[0]).toMatch(/^user_id,username,first_name,last_name,/);
  });
});
