import { Link } from "react-router";
import { api, unwrap } from "../api/client";
import { useQuery } from "../api/hooks";
import { BarChart } from "../components/Charts";
import { useDocumentTitle } from "../components/Layout";
import { CourseTotal, GradeBreakdown, hasGroups } from "../components/GradeBreakdown";
import { ProgressBar, QueryView } from "../components/Status";
import { completionPercent, formatCompletion, formatDateTime } from "../format";

export function ProgressPage() {
  useDocumentTitle("My progress");
  const data = useQuery(
    async (signal) =>
      (await unwrap(api.GET("/api/progress/", { params: { query: { page_size: 100 } }, signal }))).results,
    [],
  );

  return (
    <>
      <h1>My progress</h1>
      <QueryView query={data} loadingLabel="Loading your progress…">
        {(entries) =>
          entries.length === 0 ? (
            <p className="muted">
              You are not enrolled in any course yet. <Link to="/">Browse the catalog</Link>.
            </p>
          ) : (
            <div className="stack">
              <div className="card">
                <BarChart
                  title="Tasks completed by course"
                  columns={["Tasks completed", "Tasks"]}
                  bars={entries.map((entry) => ({
                    label: entry.course.title,
                    value: entry.tasks_completed,
                    max: entry.tasks_total,
                  }))}
                />
              </div>
              <div className="grid">
                {entries.map((entry) => (
                  <article className={hasGroups(entry) ? "card stack grid__wide" : "card stack"} key={entry.course.slug}>
                    <div className="row row--between">
                      <h2 style={{ margin: 0, fontSize: "1.1rem" }}>
                        <Link to={`/courses/${entry.course.slug}`}>{entry.course.title}</Link>
                      </h2>
                      <CourseTotal progress={entry} />
                    </div>
                    <ProgressBar percent={completionPercent(entry)} label={`Tasks completed in ${entry.course.title}`} />
                    <p className="muted small" style={{ margin: 0 }}>
                      {formatCompletion(entry)}
                      {entry.completed_at && <> · course completed {formatDateTime(entry.completed_at)}</>}
                    </p>
                    {hasGroups(entry) && (
                      <details open>
                        <summary>Grade breakdown</summary>
                        <GradeBreakdown
                          progress={entry}
                          caption={`Grade breakdown of ${entry.course.title} by assignment group`}
                        />
                      </details>
                    )}
                  </article>
                ))}
              </div>
            </div>
          )
        }
      </QueryView>
    </>
  );
}
