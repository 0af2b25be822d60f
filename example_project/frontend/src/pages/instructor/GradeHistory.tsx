import { api, unwrap } from "../../api/client";
import { useQuery } from "../../api/hooks";
import type { GradeChange, GradeChangeKind } from "../../api/types";
import { QueryView } from "../../components/Status";
import { formatDateTime, formatScore, fullName } from "../../format";

/** What changed a grade, in words (docs/submissions.md, "Grade history"). */
export const GRADE_CHANGE_KINDS: Record<GradeChangeKind, string> = {
  auto: "Graded automatically",
  manual: "Graded by hand",
  override: "Grade overridden",
  regrade: "Regraded",
  late_policy: "Due date or late policy changed",
  extension: "Extension changed",
  release: "Released to the student",
};

/** "— → 4", "10 → 4": the counted score before and after (— for none, as while waiting for review). */
export function scoreChange(entry: Pick<GradeChange, "old_score" | "new_score">): string {
  return `${formatScore(entry.old_score)} → ${formatScore(entry.new_score)}`;
}

/**
 * Course staff's view of a submission's grade history, oldest first: when, who, what kind of
 * change, the score before and after, and the reason. `version` changes when the caller knows
 * the history grew (a grade was just saved), to read it again.
 */
export function GradeHistory({ submissionId, version = 0 }: { submissionId: number; version?: number }) {
  const history = useQuery(
    (signal) =>
      unwrap(api.GET("/api/submissions/{id}/history/", { params: { path: { id: submissionId } }, signal })),
    [submissionId, version],
  );
  const headingId = `grade-history-${submissionId}`;
  return (
    <section className="card stack" aria-labelledby={headingId}>
      <h3 id={headingId} className="small-heading">
        History
      </h3>
      <QueryView query={history} loadingLabel="Loading the grade history…">
        {(entries) =>
          entries.length === 0 ? (
            <p className="muted small" style={{ margin: 0 }}>
              No grade yet.
            </p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Grade history, oldest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">What</th>
                    <th scope="col">Score</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((entry, index) => (
                    <tr key={`${entry.at}-${index}`}>
                      <td>{formatDateTime(entry.at)}</td>
                      <td>{entry.actor ? fullName(entry.actor) : <span className="muted">Automatic</span>}</td>
                      <td>{GRADE_CHANGE_KINDS[entry.kind]}</td>
                      <td className="num">{scoreChange(entry)}</td>
                      <td>{entry.reason || <span className="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </section>
  );
}
