import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { useQuery } from "../../api/hooks";
import type { RegradeRequest } from "../../api/types";
import { useMutation } from "../../api/useMutation";
import { Field } from "../../components/Field";
import { useDocumentTitle } from "../../components/Layout";
import { REGRADE_STATUS_LABELS } from "../../components/RegradeRequestPanel";
import { ErrorMessage, Notice, QueryView } from "../../components/Status";
import { formatDateTime, formatPoints, fullName } from "../../format";

const PAGE_SIZE = 50;

type Answer = { accept: boolean; response: string; score?: number };

/** One open request with what the student said and a form to accept (new score optional) or reject it. */
function ResolveForm({ request, onResolved }: { request: RegradeRequest; onResolved: (resolved: RegradeRequest) => void }) {
  const [score, setScore] = useState("");
  const [response, setResponse] = useState("");
  const resolve = useMutation(async (body: Answer) => {
    const resolved = await unwrap(
      api.POST("/api/regrade-requests/{id}/resolve/", { params: { path: { id: request.id } }, body }),
    );
    onResolved(resolved);
  });
  const scoreError =
    score.trim() === "" || (Number.isFinite(Number(score)) && Number(score) >= 0 && Number(score) <= request.max_score)
      ? undefined
      : [`Enter a score from 0 to ${request.max_score}.`];

  function accept(event: FormEvent) {
    event.preventDefault();
    if (scoreError) {
      resolve.fail(new ApiError(400, { score: scoreError }));
      return;
    }
    const body: Answer = { accept: true, response };
    if (score.trim() !== "") body.score = Number(score);
    void resolve.run(body);
  }

  function reject() {
    if (!response.trim()) {
      resolve.fail(new ApiError(400, { response: ["Say why the grade stays."] }));
      return;
    }
    void resolve.run({ accept: false, response });
  }

  const heading = `${fullName(request.student)} — ${request.task_title}`;
  return (
    <form className="card stack" onSubmit={accept} noValidate aria-label={`Regrade request of ${heading}`}>
      <h3 style={{ margin: 0 }}>{heading}</h3>
      <p className="muted small" style={{ margin: 0 }}>
        {request.course.title} · asked {formatDateTime(request.created)} · current score{" "}
        {formatPoints(request.old_score, request.max_score)}
      </p>
      <blockquote className="regrade-reason" style={{ margin: 0 }}>
        {request.reason}
      </blockquote>
      <ErrorMessage error={resolve.error && !(resolve.error instanceof ApiError && resolve.error.status === 400) ? resolve.error : null} />
      <div className="form-grid">
        <Field
          label={`New score (0–${request.max_score} points)`}
          hint="Optional: leave empty to accept without changing the grade."
          errors={scoreError ?? resolve.fields.score}
        >
          <input type="text" inputMode="decimal" value={score} onChange={(e) => setScore(e.target.value)} />
        </Field>
      </div>
      <Field label="Response to the student" hint="Required to reject." errors={resolve.fields.response}>
        <textarea rows={2} value={response} onChange={(e) => setResponse(e.target.value)} />
      </Field>
      <div className="form-actions">
        <button type="submit" disabled={resolve.busy}>
          Accept
        </button>
        <button type="button" className="secondary" disabled={resolve.busy} onClick={reject}>
          Reject
        </button>
      </div>
    </form>
  );
}

/** Open regrade requests of every course the user teaches or assists, oldest first. */
export function RegradeRequestsPage() {
  useDocumentTitle("Regrade requests");
  const [answered, setAnswered] = useState<RegradeRequest[]>([]);
  const queue = useQuery(
    (signal) =>
      unwrap(api.GET("/api/regrade-requests/", { params: { query: { status: "open", page_size: PAGE_SIZE } }, signal })),
    [],
  );

  function onResolved(resolved: RegradeRequest) {
    setAnswered((list) => [resolved, ...list]);
    const current = queue.data;
    if (!current) return;
    const results = current.results.filter((r) => r.id !== resolved.id);
    if (results.length === 0 && current.count > current.results.length) {
      void queue.reload();
      return;
    }
    queue.setData({ ...current, count: current.count - 1, results });
  }

  return (
    <>
      <h1>Regrade requests</h1>
      <p className="muted">
        Students asking for another look at a released grade, in every course you teach or assist.{" "}
        <Link to="/grading">Back to the grading queue</Link>
      </p>
      {answered.length > 0 && (
        <Notice kind="ok">
          {answered.map((r) => (
            <span key={r.id} style={{ display: "block" }}>
              {REGRADE_STATUS_LABELS[r.status]}: {fullName(r.student)} — {r.task_title}
              {r.status === "accepted" && <> ({formatPoints(r.new_score, r.max_score)})</>}
            </span>
          ))}
        </Notice>
      )}
      <QueryView query={queue} loadingLabel="Loading regrade requests…">
        {(page) =>
          page.results.length === 0 ? (
            <div className="card empty-state" role="status">
              <h3 style={{ margin: 0 }}>No open requests</h3>
              <p className="muted" style={{ margin: 0 }}>
                Nobody is waiting for an answer.
              </p>
            </div>
          ) : (
            <section className="stack" aria-labelledby="regrade-heading">
              <h2 id="regrade-heading" className="small-heading">
                {page.count} open
              </h2>
              {[...page.results].reverse().map((request) => (
                <ResolveForm key={request.id} request={request} onResolved={onResolved} />
              ))}
            </section>
          )
        }
      </QueryView>
    </>
  );
}
