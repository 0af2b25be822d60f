import { describe, expect, it } from "vitest";
import {
  completionPercent,
  courseScoreExplanation,
  formatCompletion,
  formatCourseScore,
  formatPoints,
  formatScore,
} from "./format";

const figures = { tasks_completed: 1, tasks_total: 2 };

describe("score formatting", () => {
  it("gives a task's score in that task's points", () => {
    expect(formatPoints(7, 10)).toBe("7 / 10 points");
    expect(formatPoints(1, 1)).toBe("1 / 1 point");
    expect(formatPoints(0.755, 3)).toBe("0.76 / 3 points");
    expect(formatPoints(null, 5)).toBe("— / 5 points");
  });

  it("keeps the bare form for cells whose header names the unit", () => {
    expect(formatScore(4, 10)).toBe("4 / 10");
    expect(formatScore(4)).toBe("4");
    expect(formatScore(null)).toBe("—");
  });

  it("states a weighted course total as the percent it is", () => {
    // Under weighted the API's score is the percent and max_score is 100.
    expect(formatCourseScore({ grading_scheme: "weighted", score: 70, max_score: 100, percent: 70 })).toBe("Weighted: 70%");
    expect(courseScoreExplanation("weighted")).toMatch(/^Each assignment group counts for its weight/);
  });

  it("states a points course total as points of points with the percent", () => {
    expect(formatCourseScore({ grading_scheme: "points", score: 42, max_score: 60, percent: 70 })).toBe("Points: 42 / 60 (70%)");
    expect(formatCourseScore({ grading_scheme: "points", score: 0.755, max_score: 3, percent: 25.17 })).toBe(
      "Points: 0.76 / 3 (25%)",
    );
    expect(courseScoreExplanation("points")).not.toMatch(/Dropped/);
    expect(courseScoreExplanation("points", true)).toMatch(/Dropped tasks do not count\.$/);
  });

  it("counts completion in tasks, not score", () => {
    expect(formatCompletion(figures)).toBe("1 of 2 tasks completed");
    expect(formatCompletion({ tasks_completed: 1, tasks_total: 1 })).toBe("1 of 1 task completed");
    expect(completionPercent(figures)).toBe(50);
    expect(completionPercent({ tasks_completed: 0, tasks_total: 0 })).toBe(0);
  });
});
