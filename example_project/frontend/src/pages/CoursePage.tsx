import { Link, useLocation, useParams } from "react-router";
import { api, unwrap } from "../api/client";
import { useQuery } from "../api/hooks";
import { useMutation } from "../api/useMutation";
import type { CourseDetail, CourseProgress, Task, User } from "../api/types";
import { useAuth } from "../auth/AuthContext";
import { AccommodationsPanel, loadMyAllowances } from "../components/AccommodationsPanel";
import { GroupsPanel } from "../components/GroupsPanel";
import { BarChart } from "../components/Charts";
import { Markdown } from "../components/Markdown";
import { useDocumentTitle } from "../components/Layout";
import { CourseTotal, GradeBreakdown, hasGroups } from "../components/GradeBreakdown";
import { Badge, ErrorMessage, Loading, Notice, ProgressBar, QueryView } from "../components/Status";
import { kindLabel, missingScoreText, progressByTask, taskState, type TaskState } from "../domain";
import {
  completionPercent,
  courseScoreExplanation,
  formatCompletion,
  formatDateTime,
  formatPoints,
  formatRelative,
  fullName,
  plural,
} from "../format";

/** Instructors and assistants of the course, and platform admins. */
export function isCourseStaff(course: Pick<CourseDetail, "my_role">, user: User | null): boolean {
  if (!user) return false;
  return user.role === "admin" || course.my_role === "instructor" || course.my_role === "assistant";
}

export function TaskDeadlines({ task, state }: { task: Task; state: TaskState }) {
  return (
    <>
      {state.phase === "not_open" && task.opens_at && <span>Opens {formatDateTime(task.opens_at)}</span>}
      {task.due_at && (
        <span>
          Due {formatDateTime(task.due_at)}
          {state.phase === "open" && <> ({formatRelative(task.due_at)})</>}
        </span>
      )}
      {task.closes_at && state.phase !== "closed" && <span>Closes {formatDateTime(task.closes_at)}</span>}
    </>
  );
}

export function TaskStatusBadges({ state }: { state: TaskState }) {
  return (
    <>
      {state.completed && <Badge tone="ok">Completed</Badge>}
      {!state.completed && state.status === "needs_review" && <Badge>Awaiting review</Badge>}
      {state.locked && <Badge tone="warn">Locked</Badge>}
      {state.phase === "late" && <Badge tone="warn">Late</Badge>}
      {state.phase === "closed" && <Badge tone="danger">Closed</Badge>}
      {state.phase === "not_open" && <Badge>Not open yet</Badge>}
    </>
  );
}

function attemptsText(state: TaskState): string {
  if (state.attemptsLeft === null) return `${plural(state.attemptsUsed, "attempt")} used · unlimited`;
  return `${plural(state.attemptsLeft, "attempt")} left`;
}

function TaskRow({
  course,
  task,
  state,
  showProgress,
}: {
  course: CourseDetail;
  task: Task;
  state: TaskState;
  showProgress: boolean;
}) {
  const held = showProgress && !state.released ? missingScoreText({ score: null, status: state.status ?? "not_started", released: false }) : null;
  return (
    <li>
      <div>
        <div className="row">
          <Link className="task-title" to={`/courses/${course.slug}/tasks/${task.id}`}>
            {task.title}
          </Link>
          <Badge tone="info">{kindLabel(task.kind)}</Badge>
          {showProgress && <TaskStatusBadges state={state} />}
          {!task.is_published && <Badge tone="warn">Unpublished</Badge>}
        </div>
        <div className="task-meta">
          <TaskDeadlines task={task} state={state} />
          {showProgress && <span>{attemptsText(state)}</span>}
          {showProgress && state.bestScore !== null && <span>Best: {formatPoints(state.bestScore, task.max_score)}</span>}
          {held && held !== "Not attempted" && <span>{held}</span>}
          {state.locked && showProgress && <span>Requires: {state.missing.map((t) => t.title).join(", ")}</span>}
        </div>
      </div>
    </li>
  );
}

export function ProgressSummary({ course, progress }: { course: CourseDetail; progress: CourseProgress }) {
  const byTask = progressByTask(progress);
  const grouped = hasGroups(progress);
  return (
    <section className="card stack" aria-labelledby="progress-heading">
      <div className="row row--between">
        <h2 id="progress-heading" style={{ margin: 0 }}>
          Your progress
        </h2>
        <CourseTotal progress={progress} />
      </div>
      <ProgressBar percent={completionPercent(progress)} label={`Tasks completed in ${course.title}`} />
      <p className="muted small" style={{ margin: 0 }}>
        {formatCompletion(progress)}
        {progress.completed_at && <> · course completed {formatDateTime(progress.completed_at)}</>}
      </p>
      <p className="muted small" style={{ margin: 0 }}>
        {courseScoreExplanation(progress.grading_scheme, progress.groups.some((g) => g.dropped.length > 0))}
      </p>
      {grouped ? (
        <GradeBreakdown progress={progress} caption={`Grade breakdown of ${course.title} by assignment group`} />
      ) : (
        course.tasks.length > 0 && (
          <BarChart
            title="Best score per task (share of its points)"
            columns={["Points", "Out of"]}
            bars={course.tasks.map((task) => {
              const entry = byTask.get(task.id);
              return {
                label: task.title,
                value: entry?.best_score ?? null,
                max: task.max_score,
                missing: missingScoreText(entry) ?? undefined,
              };
            })}
          />
        )
      )}
    </section>
  );
}

function EnrollmentPanel({
  course,
  onChange,
}: {
  course: CourseDetail;
  onChange: () => void;
}) {
  const { user } = useAuth();
  const location = useLocation();
  const enrollment = useMutation(async (method: "POST" | "DELETE") => {
    const path = { params: { path: { slug: course.slug } } };
    if (method === "POST") await unwrap(api.POST("/api/courses/{slug}/enroll/", path));
    else await unwrap(api.DELETE("/api/courses/{slug}/enroll/", path));
    onChange();
  });
  const { busy, error } = enrollment;

  if (!user) {
    return (
      <Notice>
        <Link to="/login" state={{ from: location.pathname }}>
          Log in
        </Link>{" "}
        or <Link to="/register">sign up</Link> to enroll in this course.
      </Notice>
    );
  }

  function act(method: "POST" | "DELETE") {
    if (method === "DELETE" && !window.confirm(`Drop “${course.title}”? Your submissions are kept.`)) return;
    void enrollment.run(method);
  }

  return (
    <div>
      <ErrorMessage error={error} />
      {course.is_enrolled ? (
        <button type="button" className="danger" disabled={busy} onClick={() => act("DELETE")}>
          Drop course
        </button>
      ) : course.status === "published" ? (
        course.enrollment_open ? (
          <button type="button" disabled={busy} onClick={() => act("POST")}>
            {busy ? "Enrolling…" : "Enroll"}
          </button>
        ) : (
          <Notice kind="warn">Enrollment is closed.</Notice>
        )
      ) : null}
    </div>
  );
}

export function CoursePage() {
  const { slug = "" } = useParams();
  const { user } = useAuth();
  const course = useQuery(
    (signal) => unwrap(api.GET("/api/courses/{slug}/", { params: { path: { slug } }, signal })),
    [slug, user?.id],
  );
  const enrolled = course.data?.is_enrolled ?? false;
  const progress = useQuery(
    async (signal) =>
      enrolled
        ? unwrap(api.GET("/api/courses/{slug}/progress/", { params: { path: { slug } }, signal }))
        : null,
    [slug, enrolled],
  );
  const me = useQuery(async (signal) => (enrolled ? loadMyAllowances(slug, signal) : null), [slug, enrolled]);
  useDocumentTitle(course.data?.title);

  return (
    <QueryView query={course} loadingLabel="Loading course…">
      {(data) => {
        const staff = isCourseStaff(data, user);
        const byTask = progressByTask(progress.data);
        return (
          <>
            <div className="page-head">
              <div>
                <p className="muted small" style={{ margin: 0 }}>
                  <Link to="/">Courses</Link> /
                </p>
                <h1>{data.title}</h1>
                <div className="row">
                  {data.status !== "published" && <Badge tone="warn">{data.status}</Badge>}
                  {data.is_enrolled && <Badge tone="ok">Enrolled</Badge>}
                  {data.instructors.length > 0 && (
                    <span className="muted small">Taught by {data.instructors.map(fullName).join(", ")}</span>
                  )}
                </div>
              </div>
              <div className="row">
                {staff && (
                  <Link className="button secondary" to={`/teach/${data.slug}`}>
                    Manage course
                  </Link>
                )}
                <EnrollmentPanel course={data} onChange={() => void course.reload()} />
              </div>
            </div>
            {data.description && <Markdown className="description" text={data.description} />}

            {enrolled && progress.loading && !progress.data && <Loading label="Loading your progress…" />}
            <ErrorMessage error={progress.error} onRetry={() => void progress.reload()} />
            {enrolled && progress.data && <ProgressSummary course={data} progress={progress.data} />}
            <ErrorMessage error={me.error} onRetry={() => void me.reload()} />
            {enrolled && me.data && <AccommodationsPanel me={me.data} slug={data.slug} tasks={data.tasks} />}
            {enrolled && me.data && user && <GroupsPanel slug={data.slug} userId={user.id} />}

            <section aria-labelledby="tasks-heading">
              <h2 id="tasks-heading">Tasks</h2>
              {data.tasks.length === 0 ? (
                <p className="muted">{enrolled || staff ? "No tasks yet." : "Enroll to see the tasks."}</p>
              ) : (
                <ul className="task-list card">
                  {data.tasks.map((task) => (
                    <TaskRow
                      key={task.id}
                      course={data}
                      task={task}
                      state={taskState(task, data.tasks, byTask)}
                      showProgress={enrolled}
                    />
                  ))}
                </ul>
              )}
            </section>
          </>
        );
      }}
    </QueryView>
  );
}
