import { api, unwrap } from "../../api/client";
import { useQuery } from "../../api/hooks";
import type { GradeChange, GradeChangeKind } from "../../api/types";
import { QueryView } from "../../components/Status";
import { formatDateTime, formatScore, studentName } from "../../format";

/** What changed a grade, in words (docs/submissions.md, "Grade history"). */
export const GRADE_CHANGE_KINDS: Record<GradeChangeKind, string> = {
  auto: "Graded automatically",
  manual: "Graded by hand",
  override: "Grade overridden",
  regrade: "Regraded",
  import: "Imported from the gradebook CSV",
  late_policy: "Due date or late policy changed",
  extension: "Extension changed",
  release: "Released to the student",
  late_days: "Late days spent or given back",
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
            <ol className="grade-history" aria-label="Grade history, oldest first">
              {entries.map((entry, index) => (
                <li key={`${entry.at}-${index}`}>
                  <div className="row row--between">
                    <strong>{GRADE_CHANGE_KINDS[entry.kind]}</strong>
                    <span className="num">{scoreChange(entry)}</span>
                  </div>
                  <div className="muted small">
                    <time dateTime={entry.at}>{formatDateTime(entry.at)}</time> ·{" "}
                    {entry.actor ? studentName(entry.actor) : "automatic"}
                  </div>
                  {entry.reason && <p className="grade-history__reason">{entry.reason}</p>}
                </li>
              ))}
            </ol>
          )
        }
      </QueryView>
    </section>
  );
}
