import { useId, useState, type FormEvent } from "react";
import { api, unwrap } from "../api/client";
import { ApiError } from "../api/errors";
import { useQuery } from "../api/hooks";
import type { SubmissionComment } from "../api/types";
import { useMutation } from "../api/useMutation";
import { formatDateTime } from "../format";
import { Field, FieldErrors } from "./Field";
import { Badge, ErrorMessage, QueryView } from "./Status";
import { StudentName } from "./StudentName";

/** The longest comment the API accepts (docs/grading.md, "Comments"). */
export const COMMENT_MAX_LENGTH = 10_000;

/** Pages read at most: a thread is short; this bounds a runaway one. */
const MAX_PAGES = 20;

async function loadThread(submissionId: number, signal: AbortSignal): Promise<SubmissionComment[]> {
  const all: SubmissionComment[] = [];
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const body = await unwrap(
      api.GET("/api/submissions/{submission_pk}/comments/", {
        params: { path: { submission_pk: submissionId }, query: { page } },
        signal,
      }),
    );
    all.push(...body.results);
    if (!body.next) break;
  }
  return all;
}

/**
 * A submission's comment thread (oldest first) and a form to add to it. `staff` shows, on each
 * comment, whether the student reads it before the grade is released, and offers a checkbox to
 * make a new comment visible before release. The server decides what the student reads: their
 * own comments, and staff comments once the grade is released or marked visible before.
 */
export function CommentThread({ submissionId, staff = false }: { submissionId: number; staff?: boolean }) {
  const headingId = useId();
  const hintId = useId();
  const thread = useQuery((signal) => loadThread(submissionId, signal), [submissionId]);
  const [body, setBody] = useState("");
  const [early, setEarly] = useState(false);
  const post = useMutation(async (text: string, visible: boolean) => {
    const created = await unwrap(
      api.POST("/api/submissions/{submission_pk}/comments/", {
        params: { path: { submission_pk: submissionId } },
        body: staff ? { body: text, visible_before_release: visible } : { body: text },
      }),
    );
    // Keep whatever was typed meanwhile; clear only the text just sent.
    setBody((current) => (current.trim() === text ? "" : current));
    setEarly(false);
    thread.setData((current) => [...(current ?? []), created]);
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = body.trim();
    if (!text) {
      post.fail(new ApiError(400, { body: ["Write a comment first."] }));
      return;
    }
    if (text.length > COMMENT_MAX_LENGTH) {
      post.fail(new ApiError(400, { body: [`At most ${COMMENT_MAX_LENGTH.toLocaleString("en")} characters.`] }));
      return;
    }
    void post.run(text, early);
  }

  const fieldError = post.error instanceof ApiError && post.error.status === 400;
  return (
    <section className="card stack comment-thread" aria-labelledby={headingId}>
      <h3 id={headingId} className="small-heading">
        Comments
      </h3>
      <QueryView query={thread} loadingLabel="Loading the comments…">
        {(comments) =>
          comments.length === 0 ? (
            <p className="muted small" style={{ margin: 0 }}>
              No comments yet.
            </p>
          ) : (
            <ol className="comment-list" aria-label="Comments, oldest first">
              {comments.map((comment) => (
                <li key={comment.id} className="comment">
                  <div className="row row--between">
                    <strong>{comment.author ? <StudentName student={comment.author} /> : "Deleted user"}</strong>
                    <span className="row">
                      {staff && comment.visible_before_release === true && <Badge tone="info">Visible before release</Badge>}
                      <time className="muted small" dateTime={comment.created}>
                        {formatDateTime(comment.created)}
                      </time>
                    </span>
                  </div>
                  <p className="comment__body">{comment.body}</p>
                </li>
              ))}
            </ol>
          )
        }
      </QueryView>
      <form className="stack" onSubmit={submit} noValidate aria-label="Add a comment">
        <ErrorMessage error={post.error && !fieldError ? post.error : null} />
        <Field
          label={staff ? "Comment to the student" : "Ask course staff"}
          hint={staff ? undefined : "Course staff are told of your comment."}
          errors={fieldError ? [...(post.fields.body ?? []), ...(post.fields.non_field_errors ?? [])] : undefined}
        >
          <textarea rows={3} value={body} maxLength={COMMENT_MAX_LENGTH} onChange={(e) => setBody(e.target.value)} />
        </Field>
        {staff && (
          <div className="field">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={early}
                aria-describedby={hintId}
                onChange={(e) => setEarly(e.target.checked)}
              />{" "}
              Visible before release
            </label>
            <span className="hint" id={hintId}>
              Otherwise the student reads it once the grade is released.
            </span>
            <FieldErrors errors={fieldError ? post.fields.visible_before_release : undefined} />
          </div>
        )}
        <div className="form-actions">
          <button type="submit" disabled={post.busy}>
            {post.busy ? "Sending…" : "Send comment"}
          </button>
        </div>
      </form>
    </section>
  );
}

/**
 * A "Comments" button that opens the submission's thread in place (read only when opened, so a
 * list of submissions makes no request per row).
 */
export function CommentsDisclosure({ submissionId, staff = false }: { submissionId: number; staff?: boolean }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <div className="stack">
      <button
        type="button"
        className="secondary small"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((value) => !value)}
      >
        {open ? "Hide comments" : "Comments"}
      </button>
      {open && (
        <div id={panelId}>
          <CommentThread submissionId={submissionId} staff={staff} />
        </div>
      )}
    </div>
  );
}
