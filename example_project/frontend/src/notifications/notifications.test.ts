import { describe as group, expect, it } from "vitest";
import { type AppNotification, describe, linkOf } from "./notifications";

function note(kind: AppNotification["kind"], data: Record<string, unknown>): AppNotification {
  return { id: 1, kind, data, created: "2026-03-10T15:00:00Z", read_at: null };
}

const course = { slug: "intro", title: "Intro" };

group("notification lines", () => {
  it("tells a student their timed attempt was restarted and leads to the task", () => {
    const restarted = note("attempt_restarted", { task: { id: 7, title: "Quiz" }, course, time_limit_minutes: 20 });
    expect(describe(restarted)).toBe("You may start “Quiz” in Intro again: course staff restarted your timed attempt.");
    expect(linkOf(restarted)).toBe("/courses/intro/tasks/7");
  });

  it("names who invited the student into which group and leads to the course page", () => {
    const invited = note("group_invitation", {
      group: { id: 3, name: "Team A" },
      course,
      invited_by: { id: 2, username: "ada", first_name: "", last_name: "" },
    });
    expect(describe(invited)).toContain("Team A");
    expect(linkOf(invited)).toBe("/courses/intro");
  });
});
