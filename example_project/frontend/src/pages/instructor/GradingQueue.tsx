import { useState } from "react";
import { api, unwrap } from "../../api/client";
import { useQuery } from "../../api/hooks";
import type { Submission } from "../../api/types";
import { Notice, QueryView } from "../../components/Status";
import { formatDateTime, fullName } from "../../format";
import { GradeForm, submissionHeading } from "./GradeForm";

const PAGE_SIZE = 50;

/** The submission to open after `graded` left the list: the one after it, else the first. */
function nextAfter(before: Submission[], graded: number): Submission | undefined {
  const index = before.findIndex((s) => s.id === graded);
  const rest = before.filter((s) => s.id !== graded);
  return rest[Math.max(index, 0)] ?? rest[0];
}

/**
 * Submissions waiting for a person to grade them, oldest first: of one course, or of every
 * course taught. The oldest opens in a grade form; saving opens the next one.
 */
export function GradingQueue({ course }: { course?: string }) {
  const [graded, setGraded] = useState(0);
  const [selected, setSelected] = useState<number | null>(null);
  const queue = useQuery(
    (signal) =>
      unwrap(
        api.GET("/api/submissions/", {
          params: { query: { status: "needs_review", mine: "teaching", course, ordering: "submitted_at", page_size: PAGE_SIZE } },
          signal,
        }),
      ),
    [course],
  );

  function onGraded(updated: Submission) {
    const current = queue.data;
    if (!current) return;
    const next = nextAfter(current.results, updated.id);
    const results = current.results.filter((s) => s.id !== updated.id);
    setGraded((n) => n + 1);
    setSelected(next?.id ?? null);
    if (results.length === 0 && current.count > current.results.length) {
      // This page is done but more wait beyond it.
      void queue.reload();
      return;
    }
    queue.setData({ ...current, count: current.count - 1, results });
  }

  return (
    <QueryView query={queue} loadingLabel="Loading the grading queue…">
      {(page) => {
        const open = page.results.find((s) => s.id === selected) ?? page.results[0];
        return (
          <div className="stack">
            {graded > 0 && (
              <Notice kind="ok">
                Graded {graded} {graded === 1 ? "submission" : "submissions"}.
              </Notice>
            )}
            {!open ? (
              <div className="card empty-state" role="status">
                <h3 style={{ margin: 0 }}>Queue empty</h3>
                <p className="muted" style={{ margin: 0 }}>
                  {graded > 0 ? "You graded everything that was waiting." : "No answer is waiting for a grade."}
                </p>
              </div>
            ) : (
              <div className="grading-layout">
                <section aria-labelledby="queue-heading">
                  <h2 id="queue-heading" className="small-heading">
                    {page.count} waiting, oldest first
                  </h2>
                  <div className="table-wrap">
                    <table>
                      <caption className="visually-hidden">Submissions waiting for a grade</caption>
                      <thead>
                        <tr>
                          <th scope="col">Student</th>
                          <th scope="col">Task</th>
                          {!course && <th scope="col">Course</th>}
                          <th scope="col">Submitted</th>
                          <th scope="col">
                            <span className="visually-hidden">Open</span>
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {page.results.map((submission) => {
                          const current = submission.id === open.id;
                          return (
                            <tr key={submission.id} className={current ? "is-current" : undefined} aria-current={current || undefined}>
                              <th scope="row">{fullName(submission.student)}</th>
                              <td>{submission.task_title}</td>
                              {!course && <td>{submission.course.title}</td>}
                              <td>
                                {formatDateTime(submission.submitted_at)}
                                {submission.is_late && " · late"}
                              </td>
                              <td>
                                <button
                                  type="button"
                                  className="secondary small"
                                  disabled={current}
                                  aria-label={`Open ${submissionHeading(submission)}`}
                                  onClick={() => setSelected(submission.id)}
                                >
                                  {current ? "Open" : "Grade"}
                                </button>
                              </td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </div>
                  {page.count > page.results.length && (
                    <p className="muted small">
                      Showing the oldest {page.results.length}; the rest appear as you grade.
                    </p>
                  )}
                </section>
                <GradeForm key={open.id} submission={open} onGraded={onGraded} autoFocus={graded > 0 || selected !== null} />
              </div>
            )}
          </div>
        );
      }}
    </QueryView>
  );
}
