import { Link } from "react-router";
import { api, unwrap } from "../api/client";
import { useQuery } from "../api/hooks";
import { BarChart } from "../components/Charts";
import { useDocumentTitle } from "../components/Layout";
import { ProgressBar, QueryView } from "../components/Status";
import { formatDateTime, formatPercent, formatScore } from "../format";

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
                  title="Completion by course"
                  bars={entries.map((entry) => ({ label: entry.course.title, value: entry.percent, max: 100 }))}
                />
              </div>
              <div className="grid">
                {entries.map((entry) => (
                  <article className="card stack" key={entry.course.slug}>
                    <div className="row row--between">
                      <h2 style={{ margin: 0, fontSize: "1.1rem" }}>
                        <Link to={`/courses/${entry.course.slug}`}>{entry.course.title}</Link>
                      </h2>
                      <strong>{formatPercent(entry.percent)}</strong>
                    </div>
                    <ProgressBar percent={entry.percent} label={`Progress in ${entry.course.title}`} />
                    <p className="muted small" style={{ margin: 0 }}>
                      {entry.tasks_completed} of {entry.tasks_total} tasks · score{" "}
                      {formatScore(entry.score, entry.max_score)}
                      {entry.completed_at && <> · completed {formatDateTime(entry.completed_at)}</>}
                    </p>
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
