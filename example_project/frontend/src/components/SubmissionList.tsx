import type { RegradeRequest, Submission } from "../api/types";
import { isGradeHidden, isPending, NOT_RELEASED_LABEL, STATUS_LABELS } from "../domain";
import { formatDateTime, formatPoints } from "../format";
import { CommentsDisclosure } from "./CommentThread";
import { RegradeRequestPanel } from "./RegradeRequestPanel";
import { Badge } from "./Status";
import { ScoreParts } from "./ScoreParts";

export function StatusBadge({ submission }: { submission: Pick<Submission, "status" | "score" | "max_score"> }) {
  const tone =
    submission.status === "graded"
      ? submission.score !== null && submission.score >= submission.max_score
        ? "ok"
        : "info"
      : submission.status === "failed"
        ? "danger"
        : "warn";
  return (
    <Badge tone={tone}>
      {isPending(submission) && <span className="spinner" aria-hidden="true" style={{ display: "inline-block", width: "0.7rem", height: "0.7rem", marginRight: "0.3rem" }} />}
      {STATUS_LABELS[submission.status]}
    </Badge>
  );
}

export function AnswerText({ answer, choices }: { answer: unknown; choices?: string[] }) {
  if (choices && typeof answer === "number") return <span className="answer">{choices[answer] ?? answer}</span>;
  if (choices && Array.isArray(answer)) {
    return <span className="answer">{answer.map((i) => (typeof i === "number" ? (choices[i] ?? i) : String(i))).join(", ")}</span>;
  }
  if (typeof answer === "string") return <span className="answer">{answer}</span>;
  const json = JSON.stringify(answer, null, 2);
  return json && json.includes("\n") ? <pre className="answer">{json}</pre> : <span className="answer">{json}</span>;
}

export function SubmissionList({
  submissions,
  choices,
  regradeRequests,
  onRegradeFiled,
}: {
  submissions: Submission[];
  choices?: string[];
  /** The student's own list: each submission's latest regrade request (by submission id). */
  regradeRequests?: Map<number, RegradeRequest>;
  /** Given on the student's own list: offers "Request a regrade" under graded submissions. */
  onRegradeFiled?: (created: RegradeRequest) => void;
}) {
  if (submissions.length === 0) return <p className="muted">No submissions yet.</p>;
  return (
    <ol className="submission-list" aria-live="polite">
      {submissions.map((submission) => (
        <li key={submission.id}>
          <div className="row row--between">
            <span>
              <strong>Attempt {submission.attempt}</strong> <AnswerText answer={submission.answer} choices={choices} />
            </span>
            <span className="row">
              {submission.is_late && <Badge tone="warn">Late</Badge>}
              {submission.late_days_used > 0 && (
                <span className="muted">{lateDaysUsedLabel(submission.late_days_used)}</span>
              )}
              <StatusBadge submission={submission} />
              {isGradeHidden(submission) ? (
                <span className="muted">{NOT_RELEASED_LABEL}</span>
              ) : (
                submission.status === "graded" && <strong>{formatPoints(submission.score, submission.max_score)}</strong>
              )}
            </span>
          </div>
          <div className="muted small">
            {submission.group && (
              <>
                Group {submission.group.name}
                {submission.student && "username" in submission.student && <> · by {submission.student.username}</>} ·{" "}
              </>
            )}
            Submitted {formatDateTime(submission.submitted_at)}
            {submission.feedback && <> · {submission.feedback}</>}
          </div>
          {!isGradeHidden(submission) && <ScoreParts parts={submission.parts} label={`attempt ${submission.attempt}`} />}
          {onRegradeFiled && (
            <RegradeRequestPanel
              submission={submission}
              request={regradeRequests?.get(submission.id)}
              onFiled={onRegradeFiled}
            />
          )}
          {onRegradeFiled && <CommentsDisclosure submissionId={submission.id} />}
        </li>
      ))}
    </ol>
  );
}

/** What a covered late submission shows: the bank paid instead of a deduction. */
export function lateDaysUsedLabel(days: number): string {
  return days === 1 ? "1 late day used" : `${days} late days used`;
}
