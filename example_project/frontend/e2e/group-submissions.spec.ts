import { ApiUser, expect, shot, test } from "./fixtures";

/** The demo seed's group work (example_project/demo/seed.py, seed_group_work). */
const CAROL = { username: "carol", password: "carol-demo-pass" };
const DAVE = { username: "dave", password: "dave-demo-pass" };
const COURSE = { slug: "team-project", title: "Team Project" };
const GROUP = "Team Rocket";

test.describe("a group's submission", () => {
  test("one member submits; the other sees the submission and the grade as their own", async ({ page, browser, request }) => {
    const carol = await ApiUser.login(request, CAROL.username, CAROL.password);
    const course = (await carol.call("GET", `/api/courses/${COURSE.slug}/`, undefined, 200)) as {
      tasks: { id: number; title: string }[];
    };
    const task = course.tasks.find((t) => t.title === "Team answer")!;

    await carol.signIn(page);
    await page.goto(`/courses/${COURSE.slug}/tasks/${task.id}`);
    await expect(page.getByRole("heading", { level: 1, name: "Team answer" })).toBeVisible();
    await expect(page.getByText(/counts for/)).toBeVisible();
    await page.getByLabel("Your answer").fill("42");
    await page.getByRole("button", { name: "Submit answer" }).click();
    await expect(page.getByText(/Attempt \d+: 4 \/ 4 points/)).toBeVisible();
    await expect(page.getByText(`Submitting for group ${GROUP}`, { exact: false })).toBeVisible();
    await shot(page, "group-submissions-member");

    const dave = await ApiUser.login(request, DAVE.username, DAVE.password);
    const context = await browser.newContext();
    const davePage = await context.newPage();
    await dave.signIn(davePage);
    await davePage.goto("/progress");
    const card = davePage.getByRole("article").filter({ hasText: COURSE.title });
    await expect(card.getByText("1 of 1 task completed")).toBeVisible();
    await expect(card.getByText(/4 \/ 4/)).toBeVisible();

    await davePage.goto(`/courses/${COURSE.slug}/tasks/${task.id}`);
    const history = davePage.getByRole("region", { name: "Your submissions" });
    await expect(history.getByText(`Group ${GROUP} · by carol`, { exact: false }).first()).toBeVisible();
    await expect(davePage.getByText(`Submitting for group ${GROUP}`, { exact: false })).toBeVisible();
    await shot(davePage, "group-submissions-partner");
    await context.close();
  });
});
