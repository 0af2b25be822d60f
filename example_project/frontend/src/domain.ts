/** What a student can do with a task right now, derived from the task and their progress. */

import type { CourseProgress, Submission, SubmissionStatus, Task, TaskProgress } from "./api/types";

export type TaskPhase = "not_open" | "open" | "late" | "closed";

export interface TaskState {
  phase: TaskPhase;
  locked: boolean;
  /** Prerequisite tasks not completed yet. */
  missing: Task[];
  attemptsUsed: number;
  /** null = unlimited. */
  attemptsLeft: number | null;
  completed: boolean;
  /** The progress status (`not_started`, `pending`, `needs_review`, …), if any. */
  status: TaskProgress["status"] | null;
  bestScore: number | null;
  /** false while the task's grade is held back from the student (release control). */
  released: boolean;
  canSubmit: boolean;
  /** Why the student cannot submit, when they cannot. */
  reason: string | null;
}

export function taskPhase(task: Pick<Task, "opens_at" | "due_at" | "closes_at">, now = Date.now()): TaskPhase {
  const at = (value: string | null | undefined) => (value ? new Date(value).getTime() : null);
  const opens = at(task.opens_at);
  const due = at(task.due_at);
  const closes = at(task.closes_at);
  if (opens !== null && now < opens) return "not_open";
  if (closes !== null && now >= closes) return "closed";
  if (due !== null && now > due) return "late";
  return "open";
}

export function progressByTask(progress: CourseProgress | null | undefined): Map<number, TaskProgress> {
  return new Map((progress?.tasks ?? []).map((entry) => [entry.task, entry]));
}

export function taskState(
  task: Task,
  allTasks: Task[],
  progress: Map<number, TaskProgress>,
  now = Date.now(),
): TaskState {
  const own = progress.get(task.id);
  const missing = (task.prerequisites ?? [])
    .filter((id) => !progress.get(id)?.completed)
    .map((id) => allTasks.find((t) => t.id === id))
    .filter((t): t is Task => t !== undefined);
  const attemptsUsed = own?.attempts ?? 0;
  const attemptsLeft =
    task.max_attempts === null || task.max_attempts === undefined
      ? null
      : Math.max(task.max_attempts - attemptsUsed, 0);
  const phase = taskPhase(task, now);
  const locked = missing.length > 0;
  let reason: string | null = null;
  if (phase === "not_open") reason = "This task is not open yet.";
  else if (phase === "closed") reason = "This task is closed.";
  else if (locked) reason = `Complete ${missing.map((t) => `“${t.title}”`).join(", ")} first.`;
  else if (attemptsLeft === 0) reason = "You have used all your attempts.";
  return {
    phase,
    locked,
    missing,
    attemptsUsed,
    attemptsLeft,
    completed: own?.completed ?? false,
    status: own?.status ?? null,
    bestScore: own?.best_score ?? null,
    released: own?.released ?? true,
    canSubmit: reason === null,
    reason,
  };
}

export const PENDING_STATUSES: ReadonlySet<SubmissionStatus> = new Set(["queued", "evaluating"]);

/** A grade the student may not see yet: graded, but the task's scores are not released. */
export function isGradeHidden(submission: Pick<Submission, "status" | "released" | "score">): boolean {
  return submission.status === "graded" && !submission.released && submission.score === null;
}

/** What the student's views show instead of the score of a grade not released yet. */
export const NOT_RELEASED_LABEL = "Graded — score not released yet";

export function isPending(submission: Pick<Submission, "status">): boolean {
  return PENDING_STATUSES.has(submission.status);
}

export const STATUS_LABELS: Record<SubmissionStatus, string> = {
  queued: "Queued",
  evaluating: "Evaluating",
  graded: "Graded",
  needs_review: "Awaiting review",
  failed: "Failed",
};

export const KIND_LABELS: Record<string, string> = {
  exact: "Exact text",
  choice: "Choice",
  numeric: "Number",
  regex: "Pattern",
  manual: "Manually graded",
  external: "External grader",
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

/**
 * Why a task shows no score to its student, or null when it has one to show. Unreleased
 * tasks report `attempted` for a graded attempt (the API hides `completed` too), so that
 * status is the graded-but-held-back case.
 */
export function missingScoreText(entry: Pick<TaskProgress, "score" | "status" | "released"> | undefined): string | null {
  if (!entry) return "Not attempted";
  const waiting = entry.status === "pending" || entry.status === "needs_review";
  if (waiting && (!entry.released || entry.score === null)) return "Waiting for a grade";
  if (!entry.released) return entry.status === "not_started" ? "Not attempted" : "Graded — not released yet";
  return entry.score === null ? "Not attempted" : null;
}
