import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { useQuery } from "../../api/hooks";
import { useMutation } from "../../api/useMutation";
import type { CourseDetail, GradebookRow } from "../../api/types";
import { binScores, Histogram } from "../../components/Charts";
import { ErrorMessage, QueryView } from "../../components/Status";
import { formatPercent, formatPoints, formatScore, fullName, plural } from "../../format";

/** What the weighted total is, said once for the legend and the header's tooltip. */
const SCORE_NOTE = "weight × task score ÷ task points, added up over the published tasks";

async function downloadCsv(slug: string) {
  const { data, response } = await api.GET("/api/courses/{slug}/gradebook/", {
    params: { path: { slug }, query: { format: "csv" } },
    parseAs: "blob",
  });
  if (!response.ok || !data) throw new ApiError(response.status, null);
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `${slug}-gradebook.csv`;
  const url = URL.createObjectURL(data);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser a moment to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function GradebookTab({ course }: { course: CourseDetail }) {
  const gradebook = useQuery(async (signal) => {
    const book = await unwrap(
      api.GET("/api/courses/{slug}/gradebook/", {
        params: { path: { slug: course.slug } },
        headers: { Accept: "application/json" },
        signal,
      }),
    );
    // The operation also describes its CSV form; this request asked for JSON.
    if (typeof book === "string") throw new Error("The gradebook came back as text, not JSON.");
    return book;
  }, [course.slug]);
  const download = useMutation(() => downloadCsv(course.slug));

  return (
    <QueryView query={gradebook} loadingLabel="Loading the gradebook…">
      {(book) => {
        const cell = (row: GradebookRow, taskId: number) => row.cells.find((c) => c.task === taskId);
        return (
          <div className="stack">
            <div className="row row--between">
              <p className="muted small" style={{ margin: 0 }}>
                {book.count} {book.count === 1 ? "student" : "students"} × {book.tasks.length}{" "}
                {book.tasks.length === 1 ? "task" : "tasks"}
              </p>
              <button
                type="button"
                className="secondary"
                disabled={download.busy}
                onClick={() => void download.run()}
              >
                {download.busy ? "Preparing…" : "Download CSV"}
              </button>
            </div>
            <ErrorMessage error={download.error} />
            {book.results.length === 0 ? (
              <p className="muted">No students yet.</p>
            ) : (
              <>
                <p className="muted small" id="gradebook-legend" style={{ margin: 0 }}>
                  Task columns are each task&rsquo;s points. <strong>Done</strong> counts tasks completed;{" "}
                  <strong>Weighted</strong> is the course score, where each task counts by its weight (
                  {SCORE_NOTE}); <strong>Score</strong> is that as a percentage.
                </p>
                <div
                  className="gradebook-scroll"
                  role="region"
                  aria-label={`Gradebook of ${course.title}; scroll sideways for more tasks`}
                  aria-describedby="gradebook-legend"
                  tabIndex={0}
                >
                  <table className="gradebook">
                    <caption className="visually-hidden">Gradebook of {course.title}</caption>
                    <thead>
                      <tr>
                        <th scope="col" className="gradebook__name">
                          Student
                        </th>
                        {book.tasks.map((task) => (
                          <th scope="col" className="num gradebook__task" key={task.id} title={task.title}>
                            <span className="gradebook__task-title">{task.title}</span>
                            <span className="gradebook__unit">/ {plural(task.max_score, "pt", "pts")}</span>
                          </th>
                        ))}
                        <th scope="col" className="num gradebook__end gradebook__end--done" title="Tasks completed of published tasks">
                          Done
                        </th>
                        <th scope="col" className="num gradebook__end gradebook__end--total" title={SCORE_NOTE}>
                          Weighted
                        </th>
                        <th scope="col" className="num gradebook__end gradebook__end--percent">
                          Score
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {book.results.map((row) => (
                        <tr key={row.user.id}>
                          <th scope="row" className="gradebook__name" title={fullName(row.user)}>
                            {fullName(row.user)}
                          </th>
                          {book.tasks.map((task) => {
                            const entry = cell(row, task.id);
                            return (
                              <td
                                className="num"
                                key={task.id}
                                title={entry ? `${task.title}: ${formatPoints(entry.score, task.max_score)}, ${plural(entry.attempts, "attempt")}, ${entry.status.replace("_", " ")}` : undefined}
                              >
                                {entry?.status === "needs_review" ? "to grade" : formatScore(entry?.score ?? null)}
                              </td>
                            );
                          })}
                          <td className="num gradebook__end gradebook__end--done">
                            {row.tasks_completed}/{row.tasks_total}
                          </td>
                          <td className="num gradebook__end gradebook__end--total">{formatScore(row.score, row.max_score)}</td>
                          <td className="num gradebook__end gradebook__end--percent">
                            <strong>{formatPercent(row.percent)}</strong>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
            {book.count > book.results.length && (
              <p className="muted small">
                Showing the first {book.results.length} of {book.count} students; the CSV has all of them.
              </p>
            )}
            {book.results.length > 0 && (
              <section aria-labelledby="distribution-heading">
                <h2 id="distribution-heading">Score distribution</h2>
                <div className="grid">
                  {book.tasks.map((task) => {
                    const scores = book.results
                      .map((row) => cell(row, task.id)?.score)
                      .filter((s): s is number => typeof s === "number");
                    return (
                      <div className="card" key={task.id}>
                        <Histogram title={task.title} bins={binScores(scores, task.max_score)} />
                        <p className="muted small" style={{ margin: 0 }}>
                          {scores.length} of {book.results.length} students have a score.
                        </p>
                      </div>
                    );
                  })}
                </div>
              </section>
            )}
          </div>
        );
      }}
    </QueryView>
  );
}
