import { describe, expect, it } from "vitest";
import type { Task, TaskProgress } from "./api/types";
import { binScores } from "./components/Charts";
import { missingScoreText, taskPhase, taskState } from "./domain";

const NOW = Date.parse("2026-03-10T12:00:00Z");

function task(id: number, extra: Partial<Task> = {}): Task {
  return {
    id,
    course: "c",
    title: `Task ${id}`,
    description: "",
    kind: "exact",
    position: id,
    max_score: 1,
    weight: 1,
    group: null,
    opens_at: null,
    due_at: null,
    closes_at: null,
    max_attempts: null,
    late_policy: {},
    prerequisites: [],
    is_published: true,
    release: "immediate",
    anonymous_grading: false,
    rubric: null,
    daily_submission_limit: null,
    time_limit_minutes: null,
    late_days_allowed: false,
    group_set: null,
    released_at: null,
    public_config: {},
    ...extra,
  };
}

function progress(entries: Partial<TaskProgress>[]): Map<number, TaskProgress> {
  return new Map(
    entries.map((e): [number, TaskProgress] => {
      const entry: TaskProgress = {
        task: 0,
        title: "",
        max_score: 1,
        weight: 1,
        group: null,
        score: null,
        best_score: null,
        attempts: 0,
        status: "not_started",
        completed: false,
        released: true,
        dropped: false,
        ...e,
      };
      return [entry.task, entry];
    }),
  );
}

describe("taskPhase", () => {
  it("follows opens_at, due_at and closes_at", () => {
    expect(taskPhase({ opens_at: "2026-03-11T00:00:00Z", due_at: null, closes_at: null }, NOW)).toBe("not_open");
    expect(taskPhase({ opens_at: null, due_at: "2026-03-11T00:00:00Z", closes_at: null }, NOW)).toBe("open");
    expect(taskPhase({ opens_at: null, due_at: "2026-03-09T00:00:00Z", closes_at: "2026-03-12T00:00:00Z" }, NOW)).toBe(
      "late",
    );
    expect(taskPhase({ opens_at: null, due_at: "2026-03-08T00:00:00Z", closes_at: "2026-03-09T00:00:00Z" }, NOW)).toBe(
      "closed",
    );
  });
});

describe("taskState", () => {
  const first = task(1);
  const second = task(2, { prerequisites: [1], max_attempts: 3 });
  const all = [first, second];

  it("locks a task until its prerequisites are completed", () => {
    const locked = taskState(second, all, progress([{ task: 1, completed: false, attempts: 1 }]), NOW);
    expect(locked.locked).toBe(true);
    expect(locked.missing.map((t) => t.id)).toEqual([1]);
    expect(locked.canSubmit).toBe(false);
    expect(locked.reason).toContain("Task 1");

    const unlocked = taskState(second, all, progress([{ task: 1, completed: true }]), NOW);
    expect(unlocked.locked).toBe(false);
    expect(unlocked.canSubmit).toBe(true);
  });

  it("counts attempts left and stops at zero", () => {
    const some = taskState(second, all, progress([{ task: 1, completed: true }, { task: 2, attempts: 1 }]), NOW);
    expect(some.attemptsLeft).toBe(2);
    const none = taskState(second, all, progress([{ task: 1, completed: true }, { task: 2, attempts: 3 }]), NOW);
    expect(none.attemptsLeft).toBe(0);
    expect(none.reason).toBe("You have used all your attempts.");
    expect(taskState(first, all, progress([]), NOW).attemptsLeft).toBeNull();
  });

  it("refuses answers after closes_at", () => {
    const closed = task(3, { closes_at: "2026-03-01T00:00:00Z" });
    expect(taskState(closed, [closed], progress([]), NOW).reason).toBe("This task is closed.");
  });
});

describe("missingScoreText", () => {
  const entry = (extra: Partial<TaskProgress>) => progress([{ task: 1, ...extra }]).get(1)!;

  it("says why a task shows no score: held back, being graded, or not attempted", () => {
    expect(missingScoreText(entry({ status: "attempted", attempts: 1, released: false }))).toBe("Graded — not released yet");
    expect(missingScoreText(entry({ status: "pending", attempts: 1, released: false }))).toBe("Waiting for a grade");
    expect(missingScoreText(entry({ status: "needs_review", attempts: 1 }))).toBe("Waiting for a grade");
    expect(missingScoreText(entry({ status: "not_started", released: false }))).toBe("Not attempted");
    expect(missingScoreText(entry({}))).toBe("Not attempted");
    expect(missingScoreText(undefined)).toBe("Not attempted");
  });

  it("shows a released score, even while a later attempt is being graded", () => {
    expect(missingScoreText(entry({ status: "attempted", score: 0 }))).toBeNull();
    expect(missingScoreText(entry({ status: "pending", score: 4 }))).toBeNull();
  });
});

describe("binScores", () => {
  it("puts each score in one of equal ranges, the maximum in the last", () => {
    const bins = binScores([0, 0.1, 0.5, 1, 1], 1, 5);
    expect(bins.map((b) => b.count)).toEqual([2, 0, 1, 0, 2]);
    expect(bins.reduce((sum, b) => sum + b.count, 0)).toBe(5);
  });
});
