import { ApiUser, INSTRUCTOR, createPublishedCourse, expect, shot, test, unique } from "./fixtures";

test.describe("forming a group", () => {
  test("A creates a group and invites B by username; B is notified, accepts, and both see two members", async ({
    page,
    browser,
    request,
  }) => {
    const instructor = await ApiUser.login(request, INSTRUCTOR.username, INSTRUCTOR.password);
    const course = await createPublishedCourse(instructor, unique("Groups"));
    await instructor.call(
      "POST",
      `/api/courses/${course.slug}/group-sets/`,
      { name: "Project teams", min_size: 2, max_size: 3, self_signup: true },
      201,
    );
    const aName = unique("ada");
    const bName = unique("bob");
    const a = await ApiUser.register(request, aName);
    const b = await ApiUser.register(request, bName);
    for (const student of [a, b]) await student.call("POST", `/api/courses/${course.slug}/enroll/`, undefined, 201);

    // A creates a group in the Groups panel of the course page and invites B.
    await a.signIn(page);
    await page.goto(`/courses/${course.slug}`);
    const panel = page.getByRole("region", { name: /Project teams/ });
    await expect(panel.getByText("You are not in a group of this set yet.")).toBeVisible();
    await panel.getByLabel("Group name").fill("Night Owls");
    await panel.getByRole("button", { name: "Create a group" }).click();
    await expect(panel.getByText("Your group:")).toBeVisible();
    await expect(panel.getByRole("list", { name: "Members of Night Owls" }).getByRole("listitem")).toHaveCount(1);
    await expect(panel.getByText("needs at least 2 members")).toBeVisible();
    await panel.getByLabel("Invite by username").fill(bName.toUpperCase());
    await panel.getByRole("button", { name: "Invite" }).click();
    await expect(panel.getByText(`Invited, not yet answered: ${bName}`)).toBeVisible();
    await shot(page, "group-formation-invited");

    // B is told: the bell counts it, the notifications page says who invited them where.
    const context = await browser.newContext();
    const bPage = await context.newPage();
    await b.signIn(bPage);
    await bPage.goto("/notifications");
    await expect(bPage.getByRole("link", { name: "Notifications, 1 unread" })).toBeVisible();
    await expect(bPage.getByText(`${aName} invited you to join group “Night Owls” in ${course.title}.`)).toBeVisible();

    // B accepts in the Groups panel.
    await bPage.goto(`/courses/${course.slug}`);
    const bPanel = bPage.getByRole("region", { name: /Project teams/ });
    const invitation = bPanel.getByRole("list", { name: "Your invitations" }).getByRole("listitem");
    await expect(invitation).toContainText("Invitation to Night Owls");
    await invitation.getByRole("button", { name: "Accept" }).click();
    const bMembers = bPanel.getByRole("list", { name: "Members of Night Owls" }).getByRole("listitem");
    await expect(bMembers).toHaveCount(2);
    await expect(bMembers).toContainText([aName, bName]);
    await shot(bPage, "group-formation-accepted");
    await context.close();

    // A sees the same two members.
    await page.reload();
    const aMembers = panel.getByRole("list", { name: "Members of Night Owls" }).getByRole("listitem");
    await expect(aMembers).toHaveCount(2);
    await expect(aMembers).toContainText([aName, bName]);
    await expect(panel.getByText("needs at least 2 members")).toHaveCount(0);
  });
});
