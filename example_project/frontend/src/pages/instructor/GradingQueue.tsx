import { useState } from "react";
import { api, unwrap } from "../../api/client";
import { useQuery } from "../../api/hooks";
import { Notice, QueryView } from "../../components/Status";
import { GradeForm } from "./GradeForm";

/** Submissions waiting for a person to grade them: of one course, or of every course taught. */
export function GradingQueue({
  course,
  taskTitles,
  studentNames,
}: {
  course?: string;
  taskTitles?: Map<number, string>;
  studentNames?: Map<number, string>;
}) {
  const [graded, setGraded] = useState(0);
  const queue = useQuery(
    (signal) =>
      unwrap(
        api.GET("/api/submissions/", {
          params: { query: { status: "needs_review", course, ordering: "submitted_at", page_size: 50 } },
          signal,
        }),
      ),
    [course],
  );
  return (
    <QueryView query={queue} loadingLabel="Loading the grading queue…">
      {(page) => (
        <div className="stack">
          {graded > 0 && (
            <Notice kind="ok">
              Graded {graded} {graded === 1 ? "submission" : "submissions"}.
            </Notice>
          )}
          {page.results.length === 0 ? (
            <p className="muted">Nothing to grade. 🎉</p>
          ) : (
            <>
              <p className="muted small">{page.count} waiting, oldest first.</p>
              {page.results.map((submission) => (
                <GradeForm
                  key={submission.id}
                  submission={submission}
                  taskTitle={taskTitles?.get(submission.task)}
                  studentName={studentNames?.get(submission.user)}
                  onGraded={(updated) => {
                    setGraded((n) => n + 1);
                    queue.setData((current) =>
                      current
                        ? { ...current, count: current.count - 1, results: current.results.filter((s) => s.id !== updated.id) }
                        : current,
                    );
                  }}
                />
              ))}
            </>
          )}
        </div>
      )}
    </QueryView>
  );
}
