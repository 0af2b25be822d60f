import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { useQuery } from "../../api/hooks";
import { useMutation } from "../../api/useMutation";
import type { CourseDetail, GradebookRow } from "../../api/types";
import { binScores, Histogram } from "../../components/Charts";
import { ErrorMessage, QueryView } from "../../components/Status";
import { formatPercent, formatScore, fullName } from "../../format";

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
              <div className="table-wrap">
                <table>
                  <caption className="visually-hidden">Gradebook of {course.title}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Student</th>
                      {book.tasks.map((task) => (
                        <th scope="col" className="num" key={task.id} title={task.title}>
                          {task.title.length > 18 ? `${task.title.slice(0, 17)}…` : task.title}
                        </th>
                      ))}
                      <th scope="col" className="num">
                        Total
                      </th>
                      <th scope="col" className="num">
                        %
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {book.results.map((row) => (
                      <tr key={row.user.id}>
                        <th scope="row">{fullName(row.user)}</th>
                        {book.tasks.map((task) => {
                          const entry = cell(row, task.id);
                          return (
                            <td className="num" key={task.id} title={entry ? `${entry.attempts} attempts, ${entry.status.replace("_", " ")}` : undefined}>
                              {entry?.status === "needs_review" ? "to grade" : formatScore(entry?.score ?? null)}
                            </td>
                          );
                        })}
                        <td className="num">{formatScore(row.score, row.max_score)}</td>
                        <td className="num">{formatPercent(row.percent)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
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
