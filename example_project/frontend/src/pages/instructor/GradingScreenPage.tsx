import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate, useParams, useSearchParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { useQuery } from "../../api/hooks";
import type { operations } from "../../api/schema";
import type { AssignedFilter, Rubric, Submission, Task } from "../../api/types";
import { useMutation } from "../../api/useMutation";
import { choiceConfig } from "../../components/AnswerForm";
import { Field, FieldErrors } from "../../components/Field";
import { useDocumentTitle } from "../../components/Layout";
import { Badge, ErrorMessage, Notice, QueryView } from "../../components/Status";
import { AnswerText, StatusBadge } from "../../components/SubmissionList";
import { formatDateTime, formatScore, isPseudonym, studentName } from "../../format";
import { isRecord } from "../../guards";
import { submissionHeading } from "./GradeForm";
import { CommentThread } from "../../components/CommentThread";
import { GradeHistory } from "./GradeHistory";

/** The shortcuts of the grading screen, as the help dialog and docs/frontend.md list them. */
export const SHORTCUTS: readonly { keys: string[]; action: string }[] = [
  { keys: ["1", "…", "9"], action: "Pick that level of the current criterion" },
  { keys: ["↓", "j"], action: "Next criterion" },
  { keys: ["↑", "k"], action: "Previous criterion" },
  { keys: ["Ctrl+Enter"], action: "Save the grade and open the next submission (also while typing)" },
  { keys: ["n", "]"], action: "Next submission in the queue" },
  { keys: ["p", "["], action: "Previous submission in the queue" },
  { keys: ["?"], action: "Show or hide this list" },
  { keys: ["Esc"], action: "Close this list" },
];

const QUEUE_PAGE_SIZE = 100;
const ASSIGNED: readonly AssignedFilter[] = ["me", "none", "any"];

/** Controls where a letter is text, so single-key shortcuts must not fire there. */
function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !["radio", "checkbox", "button", "submit", "reset", "range", "color", "file"].includes(target.type);
  }
  return false;
}

/** The queue's filters from the page's query string (`?course=&task=&assigned=`). */
type QueueQuery = NonNullable<operations["grading_queue_list"]["parameters"]["query"]>;

function queueQuery(search: URLSearchParams): QueueQuery {
  const query: QueueQuery = { page_size: QUEUE_PAGE_SIZE };
  const course = search.get("course");
  const task = Number(search.get("task"));
  const assigned = ASSIGNED.find((value) => value === search.get("assigned"));
  if (course) query.course = course;
  if (Number.isInteger(task) && task > 0) query.task = task;
  if (assigned) query.assigned = assigned;
  return query;
}

/**
 * Claims and releases go out one after the other, in the order asked: leaving one submission
 * and opening the next (or React's double effects in development) never lets a release
 * overtake the claim it undoes.
 */
let claimChain: Promise<unknown> = Promise.resolve();
function inOrder<T>(step: () => Promise<T>): Promise<T> {
  const run = claimChain.then(step, step);
  claimChain = run.catch(() => undefined);
  return run;
}

type Claim =
  | { state: "pending" }
  | { state: "claimed" }
  | { state: "taken"; claimant: unknown }
  | { state: "failed"; error: unknown };

/** Claims the submission while the screen shows it; releases it on leaving. */
function useClaim(id: number): Claim {
  const [claim, setClaim] = useState<Claim>({ state: "pending" });
  useEffect(() => {
    let held = false;
    let left = false;
    void inOrder(async () => {
      try {
        await unwrap(api.POST("/api/submissions/{id}/claim/", { params: { path: { id } } }));
        held = true;
        if (!left) setClaim({ state: "claimed" });
      } catch (error) {
        if (left) return;
        if (error instanceof ApiError && error.status === 409) {
          setClaim({ state: "taken", claimant: isRecord(error.body) ? error.body.claimed_by : undefined });
        } else {
          setClaim({ state: "failed", error });
        }
      }
    });
    return () => {
      left = true;
      void inOrder(async () => {
        if (!held) return;
        // A release that fails (the claim expired, the grade was saved) leaves nothing to undo.
        await api.DELETE("/api/submissions/{id}/claim/", { params: { path: { id } } }).catch(() => undefined);
      });
    };
  }, [id]);
  return claim;
}

/** "Grace Hopper (grace)" for a claimant given as a user summary; null when not named. */
function claimantName(claimant: unknown): string | null {
  if (!isRecord(claimant) || typeof claimant.username !== "string") return null;
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  return studentName({ username: claimant.username, first_name: text(claimant.first_name), last_name: text(claimant.last_name) });
}

interface Loaded {
  submission: Submission;
  task: Task;
  rubric: Rubric | null;
}

/**
 * `/grading/submissions/:id`: one submission of the grading queue on a screen made for the
 * keyboard (see SHORTCUTS): the answer, the rubric or score, the history and the comments side
 * by side. Next and previous follow the queue (`grading/queue/`, with the filters of the
 * query string); saving opens the next submission not graded here yet.
 */
export function GradingScreenPage() {
  const id = Number(useParams().id);
  const [search] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const query = queueQuery(search);
  const queueKey = JSON.stringify(query);
  const queue = useQuery(
    (signal) => unwrap(api.GET("/api/grading/queue/", { params: { query }, signal })),
    [queueKey],
  );
  const [graded, setGraded] = useState<ReadonlySet<number>>(() => new Set());
  const [announcement, setAnnouncement] = useState("");

  const order = queue.data?.results ?? [];
  const index = order.findIndex((s) => s.id === id);
  const later = index >= 0 ? order.slice(index + 1) : order.filter((s) => s.id !== id);
  const next = later[0];
  const previous = index > 0 ? order[index - 1] : undefined;
  // After saving: the next one not graded here yet, after this one or else before it.
  const nextToGrade =
    later.find((s) => !graded.has(s.id)) ?? order.find((s) => s.id !== id && !graded.has(s.id) && !later.includes(s));

  const open = useCallback(
    (target: Submission | undefined) => {
      if (target) void navigate({ pathname: `/grading/submissions/${target.id}`, search: location.search });
    },
    [navigate, location.search],
  );

  function onSaved(updated: Submission) {
    setGraded((before) => new Set(before).add(updated.id));
    const target = nextToGrade && nextToGrade.id !== updated.id ? nextToGrade : undefined;
    if (target) {
      setAnnouncement(`Saved, next: ${submissionHeading(target)}`);
      open(target);
    } else {
      setAnnouncement("Saved. Nothing else waits in this queue.");
    }
  }

  const queuePath = query.course ? `/teach/${query.course}/grading` : "/grading";
  return (
    <div className="stack">
      <nav className="row row--between" aria-label="Grading queue">
        <Link to={queuePath}>Back to the grading queue</Link>
        <span className="row">
          {queue.data && (
            <span className="muted small">
              {index >= 0 ? `${index + 1} of ${queue.data.count} in the queue` : `${queue.data.count} in the queue`}
            </span>
          )}
          <button type="button" className="secondary small" disabled={!previous} aria-keyshortcuts="p [" onClick={() => open(previous)}>
            Previous
          </button>
          <button type="button" className="secondary small" disabled={!next} aria-keyshortcuts="n ]" onClick={() => open(next)}>
            Next
          </button>
        </span>
      </nav>
      {queue.error ? <ErrorMessage error={queue.error} onRetry={() => void queue.reload()} /> : null}
      <p className="muted small grading-screen__announce" role="status" aria-live="polite">
        {announcement}
      </p>
      <GradingSubmission
        key={id}
        id={id}
        onSaved={onSaved}
        onNext={() => open(next)}
        onPrevious={() => open(previous)}
      />
    </div>
  );
}

function GradingSubmission({
  id,
  onSaved,
  onNext,
  onPrevious,
}: {
  id: number;
  onSaved: (updated: Submission) => void;
  onNext: () => void;
  onPrevious: () => void;
}) {
  const loaded = useQuery<Loaded>(
    async (signal) => {
      const submission = await unwrap(api.GET("/api/submissions/{id}/", { params: { path: { id } }, signal }));
      const task = await unwrap(api.GET("/api/tasks/{id}/", { params: { path: { id: submission.task } }, signal }));
      const rubric =
        task.rubric === null || task.rubric === undefined
          ? null
          : await unwrap(
              api.GET("/api/courses/{slug}/rubrics/{id}/", {
                params: { path: { slug: submission.course.slug, id: task.rubric } },
                signal,
              }),
            );
      return { submission, task, rubric };
    },
    [id],
  );
  const claim = useClaim(id);
  useDocumentTitle(loaded.data ? `Grade ${submissionHeading(loaded.data.submission)}` : "Grade");
  return (
    <QueryView query={loaded} loadingLabel="Loading the submission…">
      {(data) => (
        <GradingWorkspace
          {...data}
          claim={claim}
          onSaved={(updated) => {
            // The screen may stay on it (nothing left to grade): show its new status.
            loaded.setData({ ...data, submission: updated });
            onSaved(updated);
          }}
          onNext={onNext}
          onPrevious={onPrevious}
        />
      )}
    </QueryView>
  );
}

function GradingWorkspace({
  submission,
  task,
  rubric,
  claim,
  onSaved,
  onNext,
  onPrevious,
}: Loaded & {
  claim: Claim;
  onSaved: (updated: Submission) => void;
  onNext: () => void;
  onPrevious: () => void;
}) {
  const criteria = rubric?.criteria ?? [];
  const readOnly = claim.state === "taken";
  const wasGraded = submission.status === "graded" && submission.score !== null;
  const [levels, setLevels] = useState<Record<number, number>>({});
  const [comments, setComments] = useState<Record<number, string>>({});
  const [active, setActive] = useState(0);
  const [score, setScore] = useState(wasGraded && !rubric ? String(submission.score) : "");
  const [feedback, setFeedback] = useState(wasGraded ? (submission.feedback ?? "") : "");
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState<string | null>(null);
  const [saved, setSaved] = useState(0);
  const [help, setHelp] = useState(false);
  const criterionRefs = useRef<(HTMLFieldSetElement | null)[]>([]);
  const scoreRef = useRef<HTMLInputElement>(null);
  const helpId = useId();

  const grade = useMutation(async () => {
    const body = rubric
      ? {
          rubric: criteria.map((c) => {
            const comment = comments[c.id]?.trim();
            return { criterion: c.id, level: levels[c.id]!, ...(comment ? { comment } : {}) };
          }),
          feedback,
          reason,
        }
      : { score: Number(score), feedback, reason };
    const updated = await unwrap(
      api.POST("/api/submissions/{id}/grade/", { params: { path: { id: submission.id } }, body }),
    );
    setSaved((n) => n + 1);
    setReason("");
    onSaved(updated);
  });

  const chosen = criteria.map((c) => c.levels.find((l) => l.id === levels[c.id]));
  const total = chosen.reduce((sum, level) => sum + (level?.points ?? 0), 0);
  const rubricMax = criteria.reduce((sum, c) => sum + Math.max(0, ...c.levels.map((l) => l.points)), 0);
  const left = chosen.filter((level) => !level).length;
  const scoreValue = Number(score);
  const scoreError =
    score.trim() === "" || (Number.isFinite(scoreValue) && scoreValue >= 0 && scoreValue <= submission.max_score)
      ? undefined
      : [`Enter a score from 0 to ${submission.max_score}.`];

  /** Focuses the criterion's chosen level (or its first), so a screen reader follows. */
  const focusCriterion = useCallback((index: number) => {
    const fieldset = criterionRefs.current[index];
    const radio =
      fieldset?.querySelector<HTMLInputElement>("input[type=radio]:checked") ??
      fieldset?.querySelector<HTMLInputElement>("input[type=radio]");
    radio?.focus();
  }, []);

  function moveTo(index: number) {
    const bounded = Math.max(0, Math.min(criteria.length - 1, index));
    setActive(bounded);
    focusCriterion(bounded);
  }

  function pick(criterionIndex: number, levelIndex: number) {
    const criterion = criteria[criterionIndex];
    const level = criterion?.levels[levelIndex];
    if (!criterion || !level || readOnly) return;
    setLevels((before) => ({ ...before, [criterion.id]: level.id }));
    setMissing(null);
    focusAfterRender.current = criterionIndex;
  }

  // A level picked with a key: focus its radio once it is checked, so a screen reader reads it.
  const focusAfterRender = useRef<number | null>(null);
  useEffect(() => {
    if (focusAfterRender.current === null) return;
    focusCriterion(focusAfterRender.current);
    focusAfterRender.current = null;
  }, [levels, focusCriterion]);

  function save() {
    if (readOnly || grade.busy) return;
    if (rubric) {
      const unpicked = criteria.filter((c) => levels[c.id] === undefined);
      if (unpicked.length > 0) {
        setMissing(`Pick a level for every criterion; still open: ${unpicked.map((c) => c.title).join(", ")}.`);
        moveTo(criteria.indexOf(unpicked[0]!));
        return;
      }
    } else if (score.trim() === "" || scoreError) {
      grade.fail(new ApiError(400, { score: scoreError ?? ["Enter a score."] }));
      scoreRef.current?.focus();
      return;
    }
    void grade.run();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    save();
  }

  // Focus where grading starts: the first criterion, or the score field.
  useEffect(() => {
    if (rubric) focusCriterion(0);
    else scoreRef.current?.focus();
  }, [rubric, focusCriterion]);

  // One key handler for the page, reading this render's state through a ref.
  const onKey = useRef<(event: KeyboardEvent) => void>(() => undefined);
  useLayoutEffect(() => {
    onKey.current = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        save();
        return;
      }
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "Escape" && help) {
        event.preventDefault();
        setHelp(false);
        return;
      }
      if (isTextField(event.target)) return;
      const key = event.key;
      if (key === "?") {
        event.preventDefault();
        setHelp((open) => !open);
      } else if (key === "n" || key === "]") {
        event.preventDefault();
        onNext();
      } else if (key === "p" || key === "[") {
        event.preventDefault();
        onPrevious();
      } else if (rubric && (key === "j" || key === "ArrowDown")) {
        event.preventDefault();
        moveTo(active + 1);
      } else if (rubric && (key === "k" || key === "ArrowUp")) {
        event.preventDefault();
        moveTo(active - 1);
      } else if (rubric && /^[1-9]$/.test(key)) {
        event.preventDefault();
        pick(active, Number(key) - 1);
      }
    };
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey.current(event);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);

  const heading = submissionHeading(submission);
  const anonymous = isPseudonym(submission.student);
  const choices = task.kind === "choice" ? choiceConfig(task.public_config).choices : undefined;
  const claimant = claim.state === "taken" ? (claimantName(claim.claimant) ?? claimantName(submission.claimed_by)) : null;
  const rubricErrors = (index: number) =>
    Object.entries(grade.fields)
      .filter(([path]) => path === `rubric.${index}` || path.startsWith(`rubric.${index}.`))
      .flatMap(([, messages]) => messages);

  return (
    <div className="stack">
      <header className="stack" style={{ gap: "0.25rem" }}>
        <div className="row row--between">
          <h1 style={{ margin: 0 }}>{heading}</h1>
          <span className="row">
            {anonymous && (
              <Badge tone="info">
                <span title="Names stay hidden until the grades are released">Anonymous grading</span>
              </Badge>
            )}
            {submission.is_late && <Badge tone="warn">Late</Badge>}
            <StatusBadge submission={submission} />
          </span>
        </div>
        <p className="muted small" style={{ margin: 0 }}>
          {submission.course.title} · attempt {submission.attempt} · submitted {formatDateTime(submission.submitted_at)}
          {" · "}
          <button
            type="button"
            className="link"
            aria-expanded={help}
            aria-controls={help ? helpId : undefined}
            aria-keyshortcuts="?"
            onClick={() => setHelp((open) => !open)}
          >
            Keyboard shortcuts (?)
          </button>
        </p>
      </header>
      {help && <ShortcutHelp id={helpId} onClose={() => setHelp(false)} />}
      {claim.state === "taken" && (
        <Notice kind="warn">
          {claimant ? `Claimed by ${claimant}` : "Claimed by another grader"}
          {submission.claimed_at ? ` since ${formatDateTime(submission.claimed_at)}` : ""}. You can read this submission
          but not grade it; press n for the next one.
        </Notice>
      )}
      {claim.state === "failed" && <ErrorMessage error={claim.error} />}
      <div className="grading-screen">
        <section className="card stack" aria-labelledby="grading-answer-heading">
          <h2 id="grading-answer-heading" className="small-heading">
            Answer
          </h2>
          <div>
            <AnswerText answer={submission.answer} choices={choices} />
          </div>
        </section>

        <form
          className="card stack"
          onSubmit={submit}
          noValidate
          aria-label={`Grade ${heading}`}
          aria-describedby={readOnly ? "grading-read-only" : undefined}
        >
          {readOnly && (
            <p id="grading-read-only" className="visually-hidden">
              Read only: another grader has claimed this submission.
            </p>
          )}
          {rubric ? (
            <>
              <h2 className="small-heading" style={{ margin: 0 }}>
                Rubric: {rubric.title}
              </h2>
              {criteria.map((criterion, index) => {
                const errors = rubricErrors(index);
                return (
                  <fieldset
                    key={criterion.id}
                    ref={(element) => {
                      criterionRefs.current[index] = element;
                    }}
                    className={index === active ? "rubric-criterion is-active" : "rubric-criterion"}
                    disabled={readOnly}
                    aria-invalid={errors.length > 0 || undefined}
                    onFocus={() => setActive(index)}
                  >
                    <legend>
                      {criterion.title}
                      <span className="visually-hidden">
                        , criterion {index + 1} of {criteria.length}
                      </span>
                    </legend>
                    {criterion.description && <p className="muted small rubric-criterion__description">{criterion.description}</p>}
                    <div className="rubric-levels">
                      {criterion.levels.map((level, levelIndex) => (
                        <label key={level.id} className="rubric-level">
                          <input
                            type="radio"
                            name={`criterion-${criterion.id}`}
                            value={level.id}
                            checked={levels[criterion.id] === level.id}
                            onChange={() => pick(index, levelIndex)}
                          />
                          {levelIndex < 9 && (
                            <kbd aria-hidden="true" className="rubric-level__key">
                              {levelIndex + 1}
                            </kbd>
                          )}
                          <span>
                            <strong>{level.title}</strong> · {formatScore(level.points)} {level.points === 1 ? "point" : "points"}
                            {level.description && <span className="muted small"> — {level.description}</span>}
                          </span>
                        </label>
                      ))}
                    </div>
                    <FieldErrors errors={errors.length ? errors : undefined} />
                    <Field label={`Comment on ${criterion.title}`} hint="Optional.">
                      <textarea
                        rows={1}
                        value={comments[criterion.id] ?? ""}
                        onChange={(e) => setComments((before) => ({ ...before, [criterion.id]: e.target.value }))}
                      />
                    </Field>
                  </fieldset>
                );
              })}
              <p className="rubric-total" aria-live="polite">
                Total: <strong>{formatScore(total)}</strong> of {formatScore(rubricMax)} points
                {left > 0 && ` · ${left} ${left === 1 ? "criterion" : "criteria"} to pick`}
                {task.kind !== "manual" && " · added to the automatic score"}
              </p>
              {missing && (
                <p className="field-error" role="alert">
                  {missing}
                </p>
              )}
            </>
          ) : (
            <Field label={`Score (0–${submission.max_score} points)`} errors={scoreError ?? grade.fields.score}>
              <input
                ref={scoreRef}
                type="text"
                inputMode="decimal"
                required
                aria-required="true"
                readOnly={readOnly}
                value={score}
                onChange={(e) => setScore(e.target.value)}
              />
            </Field>
          )}
          <ErrorMessage error={grade.error && !(grade.error instanceof ApiError && grade.error.status === 400 && Object.keys(grade.fields).length > 0) ? grade.error : null} />
          <Field label="Feedback" hint="Optional; the student sees it with the grade." errors={grade.fields.feedback}>
            <textarea rows={3} readOnly={readOnly} value={feedback} onChange={(e) => setFeedback(e.target.value)} />
          </Field>
          <Field label="Reason" hint="Optional; kept in the grade history, which only course staff see." errors={grade.fields.reason}>
            <input type="text" readOnly={readOnly} value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <div className="form-actions">
            <button type="submit" disabled={readOnly || grade.busy} aria-keyshortcuts="Control+Enter">
              {grade.busy ? "Saving…" : "Save and next"}
            </button>
            <span className="muted small">Ctrl+Enter</span>
          </div>
        </form>

        <div className="stack">
          <GradeHistory submissionId={submission.id} version={saved} />
          <section className="card stack grading-screen__comments" aria-labelledby="grading-comments-heading" data-region="comments">
            <h2 id="grading-comments-heading" className="small-heading">
              Comments
            </h2>
            <CommentThread key={submission.id} submissionId={submission.id} staff />
          </section>
        </div>
      </div>
    </div>
  );
}

function ShortcutHelp({ id, onClose }: { id: string; onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => before?.focus();
  }, []);
  return (
    <div id={id} className="card stack shortcut-help" role="dialog" aria-modal="false" aria-labelledby={`${id}-title`}>
      <div className="row row--between">
        <h2 id={`${id}-title`} className="small-heading" style={{ margin: 0 }}>
          Keyboard shortcuts
        </h2>
        <button ref={closeRef} type="button" className="secondary small" onClick={onClose}>
          Close
        </button>
      </div>
      <table>
        <caption className="visually-hidden">Keys of the grading screen</caption>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.action}>
              <td>
                {shortcut.keys.map((key, index) => (
                  <span key={key}>
                    {index > 0 && (key === "…" || shortcut.keys[index - 1] === "…" ? " " : " or ")}
                    {key === "…" ? "…" : <kbd>{key}</kbd>}
                  </span>
                ))}
              </td>
              <td>{shortcut.action}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small" style={{ margin: 0 }}>
        Letters and digits are text while a text field has the focus; Ctrl+Enter still saves. ← and → pick the level
        beside the chosen one, as in any group of radio buttons.
      </p>
    </div>
  );
}
