const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "—";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTime.format(date);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

/** "in 3 days", "2 hours ago". */
export function formatRelative(value: string, now: number = Date.now()): string {
  const seconds = (new Date(value).getTime() - now) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(Math.round(seconds), "second");
}

const round2 = (n: number) => (Math.round(n * 100) / 100).toString();

/** A bare "7 / 10" (or "7"), for cells whose header already says the unit. */
export function formatScore(score: number | null | undefined, max?: number | null): string {
  if (score === null || score === undefined) return "—";
  return max === undefined || max === null ? round2(score) : `${round2(score)} / ${round2(max)}`;
}

/*
 * Scores on screen, one unit each (tested in format.test.ts):
 * - a task's score is in that task's points: formatPoints → "7 / 10 points";
 * - a course's score is what the API's course figures are (docs/grading.md, decision 0015):
 *   under `points` task points (weight × score) summed over the kept tasks, out of what
 *   they are worth; under `weighted` the percent itself (score = percent, max_score = 100);
 * - completion is tasks completed of tasks published, never the score.
 */

/** "7 / 10 points", "1 / 1 point"; "— / 10 points" when there is no score. */
export function formatPoints(score: number | null | undefined, max: number): string {
  const unit = max === 1 ? "point" : "points";
  const value = score === null || score === undefined ? "—" : round2(score);
  return `${value} / ${round2(max)} ${unit}`;
}

/** How the API adds up a course score (the course's `grading_scheme`). */
export type CourseScoreScheme = "points" | "weighted";

export interface CourseFigures {
  grading_scheme: CourseScoreScheme;
  score: number;
  max_score: number;
  percent: number;
  tasks_completed: number;
  tasks_total: number;
}

/** The course total with its scheme in words: "Points: 42 / 60 (70%)" or "Weighted: 70%". */
export function formatCourseScore(figures: Omit<CourseFigures, "tasks_completed" | "tasks_total">): string {
  if (figures.grading_scheme === "weighted") return `Weighted: ${formatPercent(figures.percent)}`;
  return `Points: ${round2(figures.score)} / ${round2(figures.max_score)} (${formatPercent(figures.percent)})`;
}

/** What `formatCourseScore` means, for a tooltip or a note under the figure. */
export function courseScoreExplanation(scheme: CourseScoreScheme, hasDrops = false): string {
  const base =
    scheme === "weighted"
      ? "Each assignment group counts for its weight of the course: your percentage in each group, weighted and added up."
      : "Your points on the counted tasks added up, out of what those tasks are worth.";
  return hasDrops ? `${base} Dropped tasks do not count.` : base;
}

/** "3 of 6 tasks completed". */
export function formatCompletion(figures: Pick<CourseFigures, "tasks_completed" | "tasks_total">): string {
  return `${figures.tasks_completed} of ${figures.tasks_total} ${figures.tasks_total === 1 ? "task" : "tasks"} completed`;
}

/** Tasks completed as a percentage of tasks published (0 for a course without tasks). */
export function completionPercent(figures: Pick<CourseFigures, "tasks_completed" | "tasks_total">): number {
  return figures.tasks_total > 0 ? (100 * figures.tasks_completed) / figures.tasks_total : 0;
}

/** "1 point", "3 points". */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${Math.round(count * 100) / 100} ${count === 1 ? word : many}`;
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return `${Math.round(value)}%`;
}

export function fullName(user: { username: string; first_name?: string; last_name?: string }): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(" ");
  return name ? `${name} (${user.username})` : user.username;
}

/** A URL slug from a title: "Intro to Python!" → "intro-to-python". */
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
}

/** `datetime-local` input value ↔ ISO 8601 with time zone. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * A number typed into a form's number field: empty → `empty`. The request wants a typed
 * number, so text that is no number (a number input never holds any, but the type allows it)
 * is reported under `path` in `errors`, keyed like the API's 400, instead of being sent.
 */
export function numberField<E>(text: string, empty: E, path: string, errors: Record<string, string[]>): number | E {
  if (text.trim() === "") return empty;
  const value = Number(text);
  if (Number.isFinite(value)) return value;
  errors[path] = ["Enter a number."];
  return empty;
}

/** A student as a submission names them: a user, or a pseudonym under anonymous grading. */
export type StudentRef = { username: string; first_name?: string; last_name?: string } | { pseudonym: string };

/** Whether the API sent a pseudonym ("Student 3") instead of the student (decision 0021). */
export function isPseudonym(student: StudentRef): student is { pseudonym: string } {
  return "pseudonym" in student;
}

/** "Alice Liddell (alice)", or the pseudonym ("Student 3") when the student is masked. */
export function studentName(student: StudentRef): string {
  return isPseudonym(student) ? student.pseudonym : fullName(student);
}
