import { Link } from "react-router";
import { api, unwrap } from "../api/client";
import { ApiError } from "../api/errors";
import type { MyAllowances, Task } from "../api/types";
import { formatDateTime } from "../format";
import { budgetText, dailyLimitWithBonus } from "../timed";

/** The student's allowances in the course; null for anyone who is not a student of it. */
export async function loadMyAllowances(slug: string, signal?: AbortSignal): Promise<MyAllowances | null> {
  try {
    return await unwrap(api.GET("/api/courses/{slug}/accommodations/me/", { params: { path: { slug } }, signal }));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return null;
    throw error;
  }
}

/** "What applies to me": the student's accommodations in a course (GET accommodations/me/). */
export function AccommodationsPanel({
  me,
  slug,
  tasks,
}: {
  me: MyAllowances;
  slug: string;
  tasks: Pick<Task, "id" | "title" | "daily_submission_limit" | "time_limit_minutes">[];
}) {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return (
    <section className="card" aria-labelledby="applies-heading">
      <h2 id="applies-heading" style={{ marginTop: 0 }}>
        What applies to me
      </h2>
      <dl className="facts">
        <dt>Time multiplier</dt>
        <dd>{me.time_multiplier === 1 ? "None (×1)" : `×${me.time_multiplier}`}</dd>
        <dt>Late days</dt>
        <dd>
          {me.late_days_left} left ({me.late_days_used} used of {me.late_days_total})
        </dd>
        <dt>Bonus submissions</dt>
        <dd>{me.bonus_submissions === 0 ? "None" : `+${me.bonus_submissions} a day on every daily limit`}</dd>
      </dl>
      <h3>Extensions</h3>
      {me.extensions.length === 0 ? (
        <p className="muted">No extensions.</p>
      ) : (
        <ul>
          {me.extensions.map((e) => (
            <li key={e.id}>
              {e.task === null ? "Every task" : (byId.get(e.task)?.title ?? `Task ${e.task}`)}: due{" "}
              {formatDateTime(e.due_at)}
              {e.reason && <span className="muted"> — {e.reason}</span>}
            </li>
          ))}
        </ul>
      )}
      {me.tasks.length > 0 && (
        <>
          <h3>Limited and timed tasks</h3>
          <ul>
            {me.tasks.map((row) => {
              const task = byId.get(row.task);
              const budget = budgetText(row.submissions_left_today, dailyLimitWithBonus(task?.daily_submission_limit, me));
              return (
                <li key={row.task}>
                  <Link to={`/courses/${slug}/tasks/${row.task}`}>{task?.title ?? `Task ${row.task}`}</Link>
                  {budget && <>: {budget}</>}
                  {task?.time_limit_minutes != null && (
                    <span>
                      {budget ? "; " : ": "}
                      {row.deadline ? `timed, due by ${formatDateTime(row.deadline)}` : `timed (${task.time_limit_minutes} min), not started`}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
