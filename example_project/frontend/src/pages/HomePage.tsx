import { Link } from "react-router";
import { api, unwrap } from "../api/client";
import { useQuery } from "../api/hooks";
import type { Upcoming, UpcomingStatus } from "../api/types";
import { useAuth } from "../auth/AuthContext";
import { useDocumentTitle } from "../components/Layout";
import { Badge, QueryView } from "../components/Status";
import { formatDateTime, formatRelative, formatScore, plural } from "../format";

/** How many recent grades the home page shows. */
const RECENT_GRADES = 5;

const STATUS_LABELS: Record<UpcomingStatus, { label: string; tone?: "ok" | "warn" | "danger" | "info" }> = {
  not_started: { label: "Not started" },
  attempted: { label: "Attempted", tone: "info" },
  pending: { label: "Being evaluated", tone: "info" },
  needs_review: { label: "Waiting for a grade", tone: "info" },
  overdue: { label: "Overdue", tone: "danger" },
};

/** The to-do and the latest grades of the logged-in user, across the courses they take. */
export function HomePage() {
  useDocumentTitle("My to-do");
  const { user } = useAuth();
  // Split when the answer comes, against the clock of that moment, so a re-render never moves
  // a task between the lists.
  const upcoming = useQuery(async (signal) => {
    const page = await unwrap(api.GET("/api/progress/upcoming/", { params: { query: { page_size: 100 } }, signal }));
    const now = Date.now();
    const past = (entry: Upcoming) => new Date(entry.effective_due_at).getTime() < now;
    return {
      now,
      all: page.results,
      overdue: page.results.filter(past),
      soon: page.results.filter((entry) => !past(entry)),
    };
  }, []);

  return (
    <>
      <h1>{user ? `Hello, ${user.first_name || user.username}` : "My to-do"}</h1>
      <p className="muted">
        What is due in your courses in the next 14 days. <Link to="/">Browse the catalog</Link> for more courses.
      </p>
      <QueryView query={upcoming} loadingLabel="Loading your deadlines…">
        {({ now, all, overdue, soon }) =>
          all.length === 0 ? (
            <section aria-labelledby="upcoming-heading" className="card">
              <h2 id="upcoming-heading" style={{ marginTop: 0 }}>
                Upcoming deadlines
              </h2>
              <p className="muted" style={{ margin: 0 }}>
                Nothing is due in the next 14 days.
              </p>
            </section>
          ) : (
            <div className="stack">
              {overdue.length > 0 && (
                <DeadlineList id="overdue-heading" title="Overdue, still open" entries={overdue} now={now} />
              )}
              <DeadlineList id="upcoming-heading" title="Upcoming deadlines" entries={soon} now={now} />
            </div>
          )
        }
      </QueryView>
      <RecentGrades />
    </>
  );
}

function DeadlineList({ id, title, entries, now }: { id: string; title: string; entries: Upcoming[]; now: number }) {
  return (
    <section aria-labelledby={id} className="card">
      <h2 id={id} style={{ marginTop: 0 }}>
        {title}
      </h2>
      {entries.length === 0 ? (
        <p className="muted" style={{ margin: 0 }}>
          Nothing else is due in the next 14 days.
        </p>
      ) : (
        <ul className="todo-list">
          {entries.map((entry) => (
            <DeadlineItem key={entry.task.id} entry={entry} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}

function DeadlineItem({ entry, now }: { entry: Upcoming; now: number }) {
  const status = STATUS_LABELS[entry.status];
  const extended = entry.due_at !== entry.effective_due_at;
  return (
    <li className="todo-item">
      <div className="row row--between">
        <div>
          <Link to={`/courses/${entry.course.slug}/tasks/${entry.task.id}`}>
            <strong>{entry.task.title}</strong>
          </Link>{" "}
          <span className="muted small">· {entry.course.title}</span>
        </div>
        <Badge tone={status.tone}>{status.label}</Badge>
      </div>
      <div className="muted small">
        Due <time dateTime={entry.effective_due_at}>{formatDateTime(entry.effective_due_at)}</time> (
        {formatRelative(entry.effective_due_at, now)})
        {extended && (
          <>
            {" "}
            <Badge tone="ok">extended</Badge>{" "}
            {entry.due_at ? <>from {formatDateTime(entry.due_at)}</> : <>no due date for others</>}
          </>
        )}
        {entry.attempts_left !== null && <> · {plural(entry.attempts_left, "attempt")} left</>}
      </div>
    </li>
  );
}

/** The caller's latest graded submissions, named by task and course (from `progress/`). */
function RecentGrades() {
  const grades = useQuery(async (signal) => {
    const [submissions, progress] = await Promise.all([
      unwrap(
        api.GET("/api/submissions/", {
          params: { query: { status: "graded", ordering: "-evaluated_at", page_size: RECENT_GRADES } },
          signal,
        }),
      ),
      unwrap(api.GET("/api/progress/", { params: { query: { page_size: 100 } }, signal })),
    ]);
    const tasks = new Map(
      progress.results.flatMap((entry) => entry.tasks.map((t) => [t.task, { title: t.title, course: entry.course }] as const)),
    );
    // Submissions of courses the user left are not on their progress: they have no name to show.
    return submissions.results.flatMap((s) => {
      const task = tasks.get(s.task);
      return task ? [{ submission: s, ...task }] : [];
    });
  }, []);

  return (
    <section aria-labelledby="grades-heading" className="card" style={{ marginTop: "1rem" }}>
      <h2 id="grades-heading" style={{ marginTop: 0 }}>
        Recent grades
      </h2>
      <QueryView query={grades} loadingLabel="Loading your grades…">
        {(rows) =>
          rows.length === 0 ? (
            <p className="muted" style={{ margin: 0 }}>
              No grades yet.
            </p>
          ) : (
            <ul className="todo-list">
              {rows.map(({ submission, title, course }) => (
                <li className="todo-item row row--between" key={submission.id}>
                  <div>
                    <Link to={`/courses/${course.slug}/tasks/${submission.task}`}>{title}</Link>{" "}
                    <span className="muted small">
                      · {course.title} · attempt {submission.attempt} · graded{" "}
                      {submission.evaluated_at ? formatRelative(submission.evaluated_at) : "—"}
                    </span>
                  </div>
                  <strong>{formatScore(submission.score, submission.max_score)}</strong>
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
    </section>
  );
}
