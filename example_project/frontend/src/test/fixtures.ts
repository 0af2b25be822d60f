/** Response bodies shaped like the API's, typed by the generated schema. */
import type {
  CourseDetail,
  CourseProgress,
  GroupFigures,
  MyAllowances,
  Submission,
  Task,
  TaskProgress,
  User,
} from "../api/types";

export const student: User = {
  id: 7,
  username: "alice",
  email: "alice@example.org",
  first_name: "Alice",
  last_name: "Liddell",
  role: "student",
  date_joined: "2026-01-01T00:00:00Z",
};

export function makeTask(id: number, extra: Partial<Task> = {}): Task {
  return {
    id,
    course: "arith",
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

export function makeCourse(tasks: Task[], extra: Partial<CourseDetail> = {}): CourseDetail {
  return {
    slug: "arith",
    title: "Arithmetic",
    description: "Sums.",
    status: "published",
    enrollment_open: true,
    capacity: null,
    instructors: [{ id: 2, username: "grace", first_name: "Grace", last_name: "Hopper" }],
    task_count: tasks.length,
    is_enrolled: true,
    my_role: "student",
    grading_policy: "best",
    grading_scheme: "points",
    letter_grades: [],
    timezone: "UTC",
    late_days: 0,
    max_late_days_per_task: null,
    published_at: "2026-01-01T00:00:00Z",
    created: "2026-01-01T00:00:00Z",
    modified: "2026-01-01T00:00:00Z",
    tasks,
    ...extra,
  };
}

export function makeProgress(tasks: (Partial<TaskProgress> & Pick<TaskProgress, "task">)[], extra: Partial<CourseProgress> = {}): CourseProgress {
  return {
    course: { slug: "arith", title: "Arithmetic" },
    user: { id: student.id, username: student.username, first_name: student.first_name, last_name: student.last_name },
    grading_scheme: "points",
    letter: null,
    score: 0,
    max_score: 2,
    percent: 0,
    tasks_completed: 0,
    tasks_total: 2,
    completed_at: null,
    groups: [makeGroup(null, { name: "Tasks outside any group", max_score: 2 })],
    tasks: tasks.map((t) => ({
      title: `Task ${t.task}`,
      max_score: 1,
      weight: 1,
      group: null,
      score: t.best_score ?? null,
      best_score: null,
      attempts: 0,
      status: "not_started",
      completed: false,
      released: true,
      dropped: false,
      ...t,
    })),
    ...extra,
  };
}

export function makeGroup(group: number | null, extra: Partial<GroupFigures> = {}): GroupFigures {
  return { group, name: group === null ? "Tasks outside any group" : `Group ${group}`, weight: null, score: 0, max_score: 0, percent: 0, dropped: [], ...extra };
}

export function makeSubmission(id: number, extra: Partial<Submission> = {}): Submission {
  return {
    id,
    task: 1,
    task_title: "Task 1",
    course: { slug: "arith", title: "Arithmetic" },
    user: student.id,
    student: { id: student.id, username: student.username, first_name: student.first_name, last_name: student.last_name },
    group: null,
    attempt: id,
    answer: "5",
    status: "queued",
    submitted_at: "2026-03-10T12:00:00Z",
    is_late: false,
    late_days_used: 0,
    score: null,
    max_score: 1,
    feedback: "",
    evaluated_at: null,
    released: true,
    assigned_to: null,
    claimed_by: null,
    claimed_at: null,
    parts: null,
    ...extra,
  };
}

export function makeAllowances(extra: Partial<MyAllowances> = {}): MyAllowances {
  return {
    time_multiplier: 1,
    late_days_total: 0,
    late_days_used: 0,
    late_days_left: 0,
    bonus_submissions: 0,
    extensions: [],
    tasks: [],
    ...extra,
  };
}
