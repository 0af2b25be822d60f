import { useState, type ReactNode } from "react";
import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { useQuery } from "../../api/hooks";
import { useMutation } from "../../api/useMutation";
import type { CourseDetail, Gradebook, GradebookRow, GradebookTask, GroupFigures, TaskCell } from "../../api/types";
import { binScores, Histogram } from "../../components/Charts";
import { ErrorMessage, QueryView } from "../../components/Status";
import { AnonymousBadge } from "../../components/StudentName";
import { formatPercent, formatPoints, formatScore, fullName, plural } from "../../format";
import { SectionFilter, sectionParam } from "./SectionFilter";

/** What the course total is under each scheme, said once for the legend and the header's tooltip. */
const TOTAL_NOTE = {
  points: "weight × task score, added up over the counted tasks, out of what they are worth",
  weighted: "each group's percent times its weight of the course, added up",
};

/** Why an anonymously graded task's cells are empty (decision 0021). */
export const HIDDEN_CELL_TITLE =
  "Anonymous grading: scores are hidden here until the grades are released; grade the task in the grading queue.";

const RELEASE_NOTE = { immediate: "", after_due: "released after the due date", manual: "released by hand" };

/** The groups as columns: every group any row has figures for, in the API's order. */
function groupColumns(book: Gradebook): Pick<GroupFigures, "group" | "name">[] {
  const seen = new Map<number | null, string>();
  for (const row of book.results) for (const group of row.groups) if (!seen.has(group.group)) seen.set(group.group, group.name);
  // Only the implicit group: the course total already is its figure.
  if ([...seen.keys()].every((id) => id === null)) return [];
  return [...seen].map(([group, name]) => ({ group, name }));
}

/** The scheme, read off the figures: a group weighs a percent only under `weighted`. */
function schemeOf(book: Gradebook): "points" | "weighted" {
  return book.results.some((row) => row.groups.some((group) => group.weight !== null)) ? "weighted" : "points";
}

function cellTitle(task: GradebookTask, entry: TaskCell, groupName: string | undefined): string {
  const parts = [
    formatPoints(entry.score, task.max_score),
    plural(entry.attempts, "attempt"),
    entry.status.replace("_", " "),
  ];
  if (entry.dropped) parts.push(`dropped (lowest in ${groupName ?? "its group"})`);
  return `${task.title}: ${parts.join(", ")}`;
}

interface EndColumn {
  key: string;
  header: string;
  title?: string;
  render: (row: GradebookRow) => ReactNode;
}

async function downloadCsv(slug: string, section: number | undefined) {
  const { data, response } = await api.GET("/api/courses/{slug}/gradebook/", {
    params: { path: { slug }, query: { format: "csv", section } },
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

/** The staff gradebook, of one section's students when the course has sections and one is picked. */
export function GradebookTab({ course }: { course: CourseDetail }) {
  const [section, setSection] = useState("");
  return (
    <div className="stack">
      <SectionFilter course={course.slug} value={section} onChange={setSection} />
      <GradebookTable course={course} section={sectionParam(section)} />
    </div>
  );
}

function GradebookTable({ course, section }: { course: CourseDetail; section: number | undefined }) {
  const gradebook = useQuery(async (signal) => {
    const book = await unwrap(
      api.GET("/api/courses/{slug}/gradebook/", {
        params: { path: { slug: course.slug }, query: { section } },
        headers: { Accept: "application/json" },
        signal,
      }),
    );
    // The operation also describes its CSV form; this request asked for JSON.
    if (typeof book === "string") throw new Error("The gradebook came back as text, not JSON.");
    return book;
  }, [course.slug, section]);
  const download = useMutation(() => downloadCsv(course.slug, section));

  return (
    <QueryView query={gradebook} loadingLabel="Loading the gradebook…">
      {(book) => {
        const cell = (row: GradebookRow, taskId: number) => row.cells.find((c) => c.task === taskId);
        const groups = groupColumns(book);
        const groupName = new Map(groups.map((g) => [g.group, g.name]));
        const scheme = schemeOf(book);
        const figures = (row: GradebookRow, group: number | null) => row.groups.find((g) => g.group === group);
        // The columns pinned to the right edge, rightmost last; each sits one column width further left.
        const ends: EndColumn[] = [
          {
            key: "done",
            header: "Done",
            title: "Tasks completed of published tasks",
            render: (row) => `${row.tasks_completed}/${row.tasks_total}`,
          },
          ...(scheme === "points"
            ? [{ key: "total", header: "Points", title: TOTAL_NOTE.points, render: (row: GradebookRow) => formatScore(row.score, row.max_score) }]
            : []),
          {
            key: "percent",
            header: "Score",
            title: scheme === "weighted" ? TOTAL_NOTE.weighted : undefined,
            render: (row) => <strong>{formatPercent(row.percent)}</strong>,
          },
          { key: "letter", header: "Letter", title: "Letter grade from the course's scale", render: (row) => row.letter ?? "—" },
        ];
        const endProps = (index: number) => ({
          className: `num gradebook__end gradebook__end--${ends[index]!.key}${index === 0 ? " gradebook__end--first" : ""}`,
          style: { right: `calc(${ends.length - 1 - index} * var(--gb-end))` },
        });
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
                  Task columns are each task&rsquo;s points; a struck-through score marked <em>dropped</em> is its
                  group&rsquo;s lowest and does not count.{" "}
                  {groups.length > 0 && <>Group columns are each group&rsquo;s percent. </>}
                  <strong>Done</strong> counts tasks completed;{" "}
                  {scheme === "points" ? (
                    <>
                      <strong>Points</strong> is the course total ({TOTAL_NOTE.points}); <strong>Score</strong> is that as a
                      percentage;{" "}
                    </>
                  ) : (
                    <>
                      <strong>Score</strong> is the weighted course percent ({TOTAL_NOTE.weighted});{" "}
                    </>
                  )}
                  <strong>Letter</strong> is its letter grade.
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
                          <th
                            scope="col"
                            className="num gradebook__task"
                            key={task.id}
                            title={[task.title, groupName.get(task.group), RELEASE_NOTE[task.release]].filter(Boolean).join(" · ")}
                          >
                            <span className="gradebook__task-title">{task.title}</span>
                            <span className="gradebook__unit">/ {plural(task.max_score, "pt", "pts")}</span>
                            {task.scores_hidden && <AnonymousBadge />}
                          </th>
                        ))}
                        {groups.map((group) => (
                          <th scope="col" className="num gradebook__task gradebook__group" key={group.group ?? "none"} title={group.name}>
                            <span className="gradebook__task-title">{group.name}</span>
                            <span className="gradebook__unit">group %</span>
                          </th>
                        ))}
                        {ends.map((end, index) => (
                          <th scope="col" key={end.key} title={end.title} {...endProps(index)}>
                            {end.header}
                          </th>
                        ))}
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
                            if (task.scores_hidden) {
                              return (
                                <td className="num muted" key={task.id} title={HIDDEN_CELL_TITLE}>
                                  hidden
                                </td>
                              );
                            }
                            const shown = entry?.status === "needs_review" ? "to grade" : formatScore(entry?.score ?? null);
                            // A group task's cell is the group's grade: name the group (decision 0030).
                            const team =
                              task.group_set === null
                                ? undefined
                                : row.student_groups.find((g) => g.group_set === task.group_set)?.name;
                            return (
                              <td
                                className={entry?.dropped ? "num is-dropped" : "num"}
                                key={task.id}
                                title={entry ? cellTitle(task, entry, groupName.get(task.group)) : undefined}
                              >
                                {entry?.dropped ? (
                                  <>
                                    <s>{shown}</s>
                                    <span className="gradebook__unit">dropped</span>
                                  </>
                                ) : (
                                  shown
                                )}
                                {team && <span className="gradebook__unit gradebook__team">{team}</span>}
                              </td>
                            );
                          })}
                          {groups.map((group) => {
                            const own = figures(row, group.group);
                            return (
                              <td
                                className="num gradebook__group"
                                key={group.group ?? "none"}
                                title={
                                  own
                                    ? `${group.name}: ${formatPoints(own.score, own.max_score)}${own.weight === null ? "" : `, weighs ${formatPercent(own.weight)} of the course`}`
                                    : undefined
                                }
                              >
                                {formatPercent(own?.percent)}
                              </td>
                            );
                          })}
                          {ends.map((end, index) => (
                            <td key={end.key} {...endProps(index)}>
                              {end.render(row)}
                            </td>
                          ))}
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
