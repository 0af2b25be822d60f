import { useState, type FormEvent } from "react";
import { api, unwrap } from "../api/client";
import { ApiError } from "../api/errors";
import type { RegradeRequest, RegradeRequestStatus, Submission } from "../api/types";
import { useMutation } from "../api/useMutation";
import { formatDateTime, formatPoints, fullName } from "../format";
import { Field } from "./Field";
import { Badge, ErrorMessage } from "./Status";

export const REGRADE_STATUS_LABELS: Record<RegradeRequestStatus, string> = {
  open: "Regrade requested",
  accepted: "Regrade accepted",
  rejected: "Regrade rejected",
};

const TONES: Record<RegradeRequestStatus, "info" | "ok" | "danger"> = { open: "info", accepted: "ok", rejected: "danger" };

export function RegradeStatusBadge({ request }: { request: RegradeRequest }) {
  return <Badge tone={TONES[request.status]}>{REGRADE_STATUS_LABELS[request.status]}</Badge>;
}

/**
 * Whether the student may ask about this submission's grade: it is graded and, when the API
 * says so, released. The server decides in the end (409 `not_released`, `not_graded`).
 */
export function canRequestRegrade(submission: Submission): boolean {
  // `released` joins the submission's representation with release control; until then a
  // graded submission offers the button and the server answers 409 `not_released` if need be.
  const released: unknown = "released" in submission ? submission.released : undefined;
  return submission.status === "graded" && submission.score !== null && released !== false;
}

/** What became of a request: its status, the staff's answer and the score it ended with. */
export function RegradeRequestSummary({ request }: { request: RegradeRequest }) {
  return (
    <div className="regrade-request stack" role="group" aria-label="Regrade request">
      <div className="row">
        <RegradeStatusBadge request={request} />
        <span className="muted small">
          asked {formatDateTime(request.created)}
          {request.resolved_at && <> · answered {formatDateTime(request.resolved_at)}</>}
          {request.resolved_by && <> by {fullName(request.resolved_by)}</>}
        </span>
      </div>
      <p className="small" style={{ margin: 0 }}>
        <span className="muted">Your reason:</span> {request.reason}
      </p>
      {request.response && (
        <p className="small" style={{ margin: 0 }}>
          <span className="muted">Answer:</span> {request.response}
        </p>
      )}
      {request.status !== "open" && request.new_score !== null && request.new_score !== request.old_score && (
        <p className="small" style={{ margin: 0 }}>
          New score: <strong>{formatPoints(request.new_score, request.max_score)}</strong> (was{" "}
          {formatPoints(request.old_score, request.max_score)})
        </p>
      )}
    </div>
  );
}

/**
 * Under one of the student's own submissions: the latest regrade request's status and answer,
 * and, when no request is open and the grade is out, a "Request a regrade" button that opens a
 * form for the reason.
 */
export function RegradeRequestPanel({
  submission,
  request,
  onFiled,
}: {
  submission: Submission;
  request: RegradeRequest | undefined;
  onFiled: (created: RegradeRequest) => void;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const file = useMutation(async (text: string) => {
    const created = await unwrap(
      api.POST("/api/submissions/{submission_pk}/regrade-requests/", {
        params: { path: { submission_pk: submission.id } },
        body: { reason: text },
      }),
    );
    setOpen(false);
    setReason("");
    onFiled(created);
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) {
      file.fail(new ApiError(400, { reason: ["Say why the grade should change."] }));
      return;
    }
    void file.run(reason);
  }

  const askable = canRequestRegrade(submission) && request?.status !== "open";
  return (
    <>
      {request && <RegradeRequestSummary request={request} />}
      {askable && !open && (
        <button type="button" className="secondary small" onClick={() => setOpen(true)}>
          {request ? "Request another regrade" : "Request a regrade"}
        </button>
      )}
      {askable && open && (
        <form className="stack" onSubmit={submit} noValidate aria-label={`Request a regrade of attempt ${submission.attempt}`}>
          <ErrorMessage error={file.error && !(file.error instanceof ApiError && file.error.status === 400) ? file.error : null} />
          <Field label="Why should the grade change?" hint="Course staff read this with your answer." errors={file.fields.reason}>
            <textarea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <div className="form-actions">
            <button type="submit" disabled={file.busy}>
              {file.busy ? "Sending…" : "Send request"}
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </>
  );
}
