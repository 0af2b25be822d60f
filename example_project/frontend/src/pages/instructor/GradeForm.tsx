import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import type { Submission } from "../../api/types";
import { useMutation } from "../../api/useMutation";
import { Field } from "../../components/Field";
import { ErrorMessage } from "../../components/Status";
import { StudentName } from "../../components/StudentName";
import { AnswerText, StatusBadge } from "../../components/SubmissionList";
import type { SubmissionStudent } from "../../api/types";
import { formatDateTime, studentName } from "../../format";
import { CommentsDisclosure } from "../../components/CommentThread";
import { GradeHistory } from "./GradeHistory";

/** "Alice Liddell (alice) — Explain addition", the name a grading screen gives a submission. */
export function submissionHeading(submission: Pick<Submission, "task_title"> & { student: SubmissionStudent }): string {
  return `${studentName(submission.student)} — ${submission.task_title}`;
}

/**
 * The grade a form starts from: empty for an answer waiting for review, whose score (0) and
 * feedback ("Awaiting review by course staff.") are the manual evaluator's placeholders, not
 * a grade; the current grade when overriding a graded one.
 */
function initialGrade(submission: Submission): { score: string; feedback: string } {
  if (submission.status !== "graded" || submission.score === null) return { score: "", feedback: "" };
  return { score: String(submission.score), feedback: submission.feedback ?? "" };
}

/**
 * One submission with a form to grade it (or override its grade; a score is required), and
 * its grade history below, read again after each save.
 */
export function GradeForm({
  submission,
  onGraded,
  autoFocus = false,
}: {
  submission: Submission;
  onGraded: (updated: Submission) => void;
  /** Focus the score field when the form appears (the queue opening the next submission). */
  autoFocus?: boolean;
}) {
  const hintId = useId();
  const scoreRef = useRef<HTMLInputElement>(null);
  const [score, setScore] = useState(() => initialGrade(submission).score);
  const [feedback, setFeedback] = useState(() => initialGrade(submission).feedback);
  const [reason, setReason] = useState("");
  const [saved, setSaved] = useState(0);
  const grade = useMutation(async (body: { score: number; feedback: string; reason: string }) => {
    const updated = await unwrap(
      api.POST("/api/submissions/{id}/grade/", { params: { path: { id: submission.id } }, body }),
    );
    setReason("");
    setSaved((n) => n + 1);
    onGraded(updated);
  });
  const { busy, error, fields } = grade;
  const empty = score.trim() === "";
  const localScoreError =
    empty || (Number.isFinite(Number(score)) && Number(score) >= 0 && Number(score) <= submission.max_score)
      ? undefined
      : [`Enter a score from 0 to ${submission.max_score}.`];

  useEffect(() => {
    if (autoFocus) scoreRef.current?.focus();
  }, [autoFocus]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (empty || localScoreError) {
      grade.fail(new ApiError(400, { score: localScoreError ?? ["Enter a score."] }));
      return;
    }
    void grade.run({ score: Number(score), feedback, reason });
  }

  const heading = submissionHeading(submission);
  return (
    <div className="stack">
      <form className="card stack" onSubmit={submit} noValidate aria-label={`Grade ${heading}, attempt ${submission.attempt}`}>
        <div className="row row--between">
          <h3 style={{ margin: 0 }}>
            <StudentName student={submission.student} /> — {submission.task_title}
          </h3>
          <StatusBadge submission={submission} />
        </div>
        <p className="muted small" style={{ margin: 0 }}>
          {submission.course.title} · attempt {submission.attempt} · submitted {formatDateTime(submission.submitted_at)}
          {submission.is_late && " · late"}
        </p>
        <div>
          <AnswerText answer={submission.answer} />
        </div>
        <ErrorMessage error={error && !(error instanceof ApiError && error.status === 400) ? error : null} />
        <div className="form-grid">
          <Field label={`Score (0–${submission.max_score} points)`} errors={localScoreError ?? fields.score}>
            <input
              ref={scoreRef}
              type="text"
              inputMode="decimal"
              required
              aria-required="true"
              value={score}
              onChange={(e) => setScore(e.target.value)}
            />
          </Field>
        </div>
        <Field label="Feedback" hint="Optional; the student sees it with the grade." errors={fields.feedback}>
          <textarea rows={3} value={feedback} onChange={(e) => setFeedback(e.target.value)} />
        </Field>
        <Field
          label="Reason"
          hint="Optional; kept in the grade history, which only course staff see."
          errors={fields.reason}
        >
          <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <div className="form-actions">
          <button type="submit" disabled={busy || empty} aria-describedby={empty ? hintId : undefined}>
            {busy ? "Saving…" : "Save grade"}
          </button>
          {empty && (
            <span className="muted small" id={hintId}>
              Enter a score to save.
            </span>
          )}
        </div>
      </form>
      <GradeHistory submissionId={submission.id} version={saved} />
      <CommentsDisclosure key={submission.id} submissionId={submission.id} staff />
    </div>
  );
}
