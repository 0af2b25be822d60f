import { describe, expect, it } from "vitest";
import {
  completionPercent,
  courseScoreExplanation,
  formatCompletion,
  formatCourseScore,
  formatPoints,
  formatScore,
} from "./format";

// The docs/progress.md example: two tasks of 10 points, weight 1 each, scored 10 and 4.
const figures = { score: 1.4, max_score: 2, percent: 70, tasks_completed: 1, tasks_total: 2 };

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

  it("gives today's weighted course score as a percent that says it is weighted", () => {
    // 10/10 and 4/10 at equal weights: 70%, the same as the task figures give.
    expect(formatCourseScore(figures)).toBe("70% (weighted)");
    expect(courseScoreExplanation(figures)).toMatch(/1\.4 of 2 weighted shares/);
  });

  it("gives a points course score as points of points with the percent", () => {
    expect(formatCourseScore({ ...figures, score: 14, max_score: 20 }, "points")).toBe("14 / 20 points (70%)");
  });

  it("counts completion in tasks, not score", () => {
    expect(formatCompletion(figures)).toBe("1 of 2 tasks completed");
    expect(formatCompletion({ tasks_completed: 1, tasks_total: 1 })).toBe("1 of 1 task completed");
    expect(completionPercent(figures)).toBe(50);
    expect(completionPercent({ tasks_completed: 0, tasks_total: 0 })).toBe(0);
  });
});
