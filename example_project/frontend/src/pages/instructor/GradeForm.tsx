import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import type { Submission } from "../../api/types";
import { useMutation } from "../../api/useMutation";
import { Field } from "../../components/Field";
import { ErrorMessage } from "../../components/Status";
import { AnswerText, StatusBadge } from "../../components/SubmissionList";
import { formatDateTime } from "../../format";

/** One submission with a form to grade it (or override its grade). */
export function GradeForm({
  submission,
  taskTitle,
  studentName,
  onGraded,
}: {
  submission: Submission;
  taskTitle?: string;
  studentName?: string;
  onGraded: (updated: Submission) => void;
}) {
  const [score, setScore] = useState(submission.score === null ? "" : String(submission.score));
  const [feedback, setFeedback] = useState(submission.feedback ?? "");
  const grade = useMutation(async (body: { score: number; feedback: string; reason: string }) => {
    const updated = await unwrap(
      api.POST("/api/submissions/{id}/grade/", { params: { path: { id: submission.id } }, body }),
    );
    onGraded(updated);
  });
  const { busy, error, fields } = grade;
  const localScoreError =
    score.trim() === ""
      ? undefined
      : Number.isFinite(Number(score)) && Number(score) >= 0 && Number(score) <= submission.max_score
        ? undefined
        : [`Enter a score from 0 to ${submission.max_score}.`];

  function submit(event: FormEvent) {
    event.preventDefault();
    if (score.trim() === "" || localScoreError) {
      grade.fail(new ApiError(400, { score: localScoreError ?? ["Enter a score."] }));
      return;
    }
    void grade.run({ score: Number(score), feedback, reason: "" });
  }

  const heading = `${studentName ?? `User ${submission.user}`} — ${taskTitle ?? `task ${submission.task}`}, attempt ${submission.attempt}`;
  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label={`Grade ${heading}`}>
      <div className="row row--between">
        <h3 style={{ margin: 0 }}>{heading}</h3>
        <StatusBadge submission={submission} />
      </div>
      <p className="muted small" style={{ margin: 0 }}>
        Submitted {formatDateTime(submission.submitted_at)}
        {submission.is_late && " · late"}
      </p>
      <div>
        <AnswerText answer={submission.answer} />
      </div>
      <ErrorMessage error={error && !(error instanceof ApiError && error.status === 400) ? error : null} />
      <div className="form-grid">
        <Field label={`Score (0–${submission.max_score})`} errors={localScoreError ?? fields.score}>
          <input type="text" inputMode="decimal" value={score} onChange={(e) => setScore(e.target.value)} />
        </Field>
      </div>
      <Field label="Feedback" errors={fields.feedback}>
        <textarea rows={2} value={feedback} onChange={(e) => setFeedback(e.target.value)} />
      </Field>
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save grade"}
        </button>
      </div>
    </form>
  );
}
