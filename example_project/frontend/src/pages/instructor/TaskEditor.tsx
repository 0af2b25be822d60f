/**
 * The form for one task: the fields every task has, then a config form for its evaluator kind.
 *
 * Config is checked by the API (each evaluator validates its own), so this form sends what the
 * instructor typed and puts the server's field errors beside the matching controls; only JSON
 * that cannot be parsed at all is caught here.
 */

import { useId } from "react";
import { errorMessage, type FieldErrors as FieldErrorMap } from "../../api/errors";
import type { ReleaseMode, Task, TaskRequest } from "../../api/types";
import { Field, FieldErrors } from "../../components/Field";
import { KIND_LABELS } from "../../domain";
import { fromLocalInput, numberField, toLocalInput } from "../../format";
import { arrayOr, displayText, isOneOf, isRecord, recordOr } from "../../guards";
import { sizeText } from "../../components/GroupsPanel";
import { useCourseGroupSets } from "./manage/GroupsTab";
import { useRubrics } from "./manage/RubricsTab";

export interface ChoiceDraft {
  text: string;
  correct: boolean;
}

export interface TaskDraft {
  key: string;
  id?: number;
  title: string;
  description: string;
  kind: string;
  max_score: string;
  weight: string;
  max_attempts: string;
  /** Empty for no daily limit (docs/accommodations.md, "Daily submission budgets"). */
  daily_submission_limit: string;
  /** Empty for an untimed task. */
  time_limit_minutes: string;
  opens_at: string;
  due_at: string;
  closes_at: string;
  is_published: boolean;
  release: ReleaseMode;
  anonymous_grading: boolean;
  /** The rubric's id, null for none; undefined where the form offers no rubric (a new course). */
  rubric?: number | null;
  prerequisites: number[];
  /** A late answer spends the student's late days instead of the late policy (decision 0026). */
  late_days_allowed: boolean;
  /** The group set's id, null for an individual task; undefined where the form offers none (a new course). */
  group_set?: number | null;
  late: { enabled: boolean; deduction_percent: string; per: LatePer; floor_percent: string };
  // Config forms, one set of fields per built-in kind; `raw` is JSON for any other kind.
  answers: string;
  case_sensitive: boolean;
  choices: ChoiceDraft[];
  multiple: boolean;
  value: string;
  abs_tol: string;
  pattern: string;
  raw: string;
}

export type LatePer = "hour" | "day";

/** What students see of a grade under each release mode (docs/grading.md, "Release"). */
export const RELEASE_HINTS: Record<ReleaseMode, string> = {
  immediate: "Students see their score as soon as it is graded.",
  after_due:
    "Students see their score after their due date (extensions included). Without a due date it waits for a manual release.",
  manual: "Students see that it is graded, not the score, until you release the grades.",
};

function releaseMode(value: string): ReleaseMode {
  return value === "after_due" || value === "manual" ? value : "immediate";
}

export const BUILTIN_KINDS = ["exact", "choice", "numeric", "regex", "manual"] as const;

let draftCounter = 0;

export function newTaskDraft(kind: string = "exact"): TaskDraft {
  draftCounter += 1;
  return {
    key: `task-${draftCounter}`,
    title: "",
    description: "",
    kind,
    max_score: "1",
    weight: "1",
    max_attempts: "",
    daily_submission_limit: "",
    time_limit_minutes: "",
    opens_at: "",
    due_at: "",
    closes_at: "",
    is_published: true,
    release: "immediate",
    anonymous_grading: false,
    prerequisites: [],
    late_days_allowed: false,
    late: { enabled: false, deduction_percent: "10", per: "day", floor_percent: "0" },
    answers: "",
    case_sensitive: false,
    choices: [
      { text: "", correct: true },
      { text: "", correct: false },
    ],
    multiple: false,
    value: "",
    abs_tol: "0",
    pattern: "",
    raw: "{}",
  };
}

/**
 * A number typed into a config field: empty → fallback; anything unparseable is sent as typed
 * for the evaluator to reject (config is free-form JSON, so its 400 names the field).
 */
function numberOr<T>(text: string, fallback: T): number | T | string {
  if (text.trim() === "") return fallback;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

export type ConfigResult = { ok: true; config: Record<string, unknown> } | { ok: false; error: string };

export function draftConfig(draft: TaskDraft): ConfigResult {
  switch (draft.kind) {
    case "exact":
      return {
        ok: true,
        config: {
          answers: draft.answers
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean),
          case_sensitive: draft.case_sensitive,
        },
      };
    case "choice":
      return {
        ok: true,
        config: {
          choices: draft.choices.map((c) => c.text.trim()),
          correct: draft.choices.flatMap((c, index) => (c.correct ? [index] : [])),
          multiple: draft.multiple,
        },
      };
    case "numeric":
      return { ok: true, config: { value: numberOr(draft.value, null), abs_tol: numberOr(draft.abs_tol, 0) } };
    case "regex":
      return { ok: true, config: { pattern: draft.pattern } };
    case "manual":
      return { ok: true, config: {} };
    default:
      try {
        const parsed: unknown = JSON.parse(draft.raw || "{}");
        if (!isRecord(parsed)) {
          return { ok: false, error: "The config must be a JSON object, e.g. {}." };
        }
        return { ok: true, config: parsed };
      } catch (error) {
        return { ok: false, error: `Invalid JSON: ${errorMessage(error)}` };
      }
  }
}

/**
 * The request body for a draft, or the field errors the browser can find on its own (config
 * JSON that does not parse, a number field that holds no number), keyed like the API's 400.
 */
export function draftToRequest(draft: TaskDraft, position: number): { body: TaskRequest } | { errors: FieldErrorMap } {
  const errors: FieldErrorMap = {};
  const config = draftConfig(draft);
  if (!config.ok) errors.config = [config.error];
  const body: TaskRequest = {
    title: draft.title.trim(),
    description: draft.description,
    kind: draft.kind,
    position,
    max_score: numberField(draft.max_score, 1, "max_score", errors),
    weight: numberField(draft.weight, 1, "weight", errors),
    max_attempts: numberField(draft.max_attempts, null, "max_attempts", errors),
    daily_submission_limit: numberField(draft.daily_submission_limit, null, "daily_submission_limit", errors),
    time_limit_minutes: numberField(draft.time_limit_minutes, null, "time_limit_minutes", errors),
    opens_at: fromLocalInput(draft.opens_at),
    due_at: fromLocalInput(draft.due_at),
    closes_at: fromLocalInput(draft.closes_at),
    is_published: draft.is_published,
    release: draft.release,
    anonymous_grading: draft.anonymous_grading,
    ...(draft.rubric !== undefined ? { rubric: draft.rubric } : {}),
    ...(draft.group_set !== undefined ? { group_set: draft.group_set } : {}),
    prerequisites: draft.prerequisites,
    late_days_allowed: draft.late_days_allowed,
    // `{}` is "no deduction"; it also clears the policy of an existing task.
    late_policy: draft.late.enabled
      ? {
          deduction_percent: numberField(draft.late.deduction_percent, 0, "late_policy.deduction_percent", errors),
          per: draft.late.per,
          floor_percent: numberField(draft.late.floor_percent, 0, "late_policy.floor_percent", errors),
        }
      : {},
    config: config.ok ? config.config : {},
  };
  return Object.keys(errors).length > 0 ? { errors } : { body };
}

/** A draft filled from an existing task (its config is visible to course staff). */
export function taskToDraft(task: Task): TaskDraft {
  const draft = newTaskDraft(task.kind);
  const config = recordOr(task.config);
  const late = task.late_policy;
  const list = arrayOr;
  return {
    ...draft,
    id: task.id,
    title: task.title,
    description: task.description,
    max_score: String(task.max_score),
    weight: String(task.weight),
    max_attempts: task.max_attempts === null ? "" : String(task.max_attempts),
    daily_submission_limit: task.daily_submission_limit == null ? "" : String(task.daily_submission_limit),
    time_limit_minutes: task.time_limit_minutes == null ? "" : String(task.time_limit_minutes),
    opens_at: toLocalInput(task.opens_at),
    due_at: toLocalInput(task.due_at),
    closes_at: toLocalInput(task.closes_at),
    is_published: task.is_published,
    release: task.release,
    anonymous_grading: task.anonymous_grading,
    rubric: task.rubric ?? null,
    group_set: task.group_set ?? null,
    prerequisites: task.prerequisites,
    late_days_allowed: task.late_days_allowed,
    late: {
      enabled: Object.keys(late).length > 0,
      deduction_percent: String(late.deduction_percent ?? 10),
      per: late.per === "hour" ? "hour" : "day",
      floor_percent: String(late.floor_percent ?? 0),
    },
    answers: list(config.answers).map(displayText).join("\n"),
    case_sensitive: config.case_sensitive === true,
    choices: list(config.choices).length
      ? list(config.choices).map((text, index) => ({
          text: displayText(text),
          correct: list(config.correct).includes(index),
        }))
      : draft.choices,
    multiple: config.multiple === true,
    value: config.value === undefined ? "" : displayText(config.value),
    abs_tol: config.abs_tol === undefined ? "0" : displayText(config.abs_tol),
    pattern: typeof config.pattern === "string" ? config.pattern : "",
    raw: JSON.stringify(config, null, 2),
  };
}

/** What the "Students may spend late days" checkbox does (docs/accommodations.md, "Late days"). */
export const LATE_DAYS_HINT =
  "A late answer spends whole days from the student's late-day bank (set in the course's Settings) instead of the deduction, while the bank and the per-task cap cover it.";

/** What the "Anonymous grading" checkbox does (docs/grading.md, "Anonymous grading"). */
export const ANONYMOUS_GRADING_HINT =
  "Graders see “Student N” instead of names until the grades are released; needs a release that waits (after the due date or by staff).";

/**
 * The draft with anonymous grading switched on or off. Anonymity lasts until the grades are
 * released, so switching it on for a task released as soon as graded moves it to a manual release.
 */
export function withAnonymousGrading(draft: TaskDraft, on: boolean): TaskDraft {
  const release = on && draft.release === "immediate" ? "manual" : draft.release;
  return { ...draft, anonymous_grading: on, release };
}

/** The field paths this form shows beside a control; anything else is listed at the top. */
const SHOWN = [
  "title",
  "description",
  "kind",
  "max_score",
  "weight",
  "max_attempts",
  "daily_submission_limit",
  "time_limit_minutes",
  "opens_at",
  "due_at",
  "closes_at",
  "release",
  "anonymous_grading",
  "rubric",
  "group_set",
  "prerequisites",
  "late_policy",
  "late_days_allowed",
  "config",
];

export function TaskEditor({
  draft,
  onChange,
  errors,
  legend,
  otherTasks = [],
  onRemove,
  course,
}: {
  draft: TaskDraft;
  onChange: (draft: TaskDraft) => void;
  /** Field errors relative to this task: `title`, `config.answers`, … */
  errors: Record<string, string[]>;
  legend: string;
  /** Tasks that can be prerequisites (existing tasks of the course). */
  otherTasks?: Pick<Task, "id" | "title">[];
  onRemove?: () => void;
  /** The course's slug: offers its rubrics (a task of an existing course). */
  course?: string;
}) {
  const id = useId();
  const set = <K extends keyof TaskDraft>(key: K, value: TaskDraft[K]) => onChange({ ...draft, [key]: value });
  const err = (path: string) => errors[path];
  const under = (prefix: string) =>
    Object.entries(errors)
      .filter(([path]) => path === prefix || path.startsWith(`${prefix}.`))
      .flatMap(([, messages]) => messages);
  const configErrors = (key: string) => under(`config.${key}`);
  const generalConfigErrors = errors.config;
  const unplaced = Object.entries(errors).filter(
    ([path]) => !SHOWN.some((shown) => path === shown || path.startsWith(`${shown}.`)),
  );
  const kinds = isOneOf(BUILTIN_KINDS, draft.kind)
    ? [...BUILTIN_KINDS, "external"]
    : [...BUILTIN_KINDS, "external", draft.kind];

  return (
    <fieldset className="stack" data-testid="task-editor">
      <legend>{legend}</legend>
      {unplaced.map(([path, messages]) => (
        <p key={path} className="field-error" role="alert">
          {path === "non_field_errors" ? "" : `${path}: `}
          {messages.join(" ")}
        </p>
      ))}
      <div className="form-grid">
        <Field label="Task title" errors={err("title")}>
          <input type="text" value={draft.title} onChange={(e) => set("title", e.target.value)} />
        </Field>
        <Field label="Answer type" errors={err("kind")}>
          <select value={draft.kind} onChange={(e) => set("kind", e.target.value)}>
            {kinds.map((kind) => (
              <option key={kind} value={kind}>
                {KIND_LABELS[kind] ?? kind}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label="Instructions" errors={err("description")}>
        <textarea rows={3} value={draft.description} onChange={(e) => set("description", e.target.value)} />
      </Field>
      <div className="form-grid">
        <Field label="Max score" hint="Points for a fully right answer." errors={err("max_score")}>
          <input type="number" min={0} step="any" value={draft.max_score} onChange={(e) => set("max_score", e.target.value)} />
        </Field>
        <Field label="Weight" hint="How much the task counts in a weighted course grade." errors={err("weight")}>
          <input type="number" min={0} step="any" value={draft.weight} onChange={(e) => set("weight", e.target.value)} />
        </Field>
        <Field label="Release" hint={RELEASE_HINTS[draft.release]} errors={err("release")}>
          <select value={draft.release} onChange={(e) => set("release", releaseMode(e.target.value))}>
            <option value="immediate">As soon as graded</option>
            <option value="after_due">After the due date</option>
            <option value="manual">When staff release it</option>
          </select>
        </Field>
        {course !== undefined && (
          <RubricSelect course={course} value={draft.rubric ?? null} errors={err("rubric")} onChange={(value) => set("rubric", value)} />
        )}
        {course !== undefined && (
          <GroupSetSelect
            course={course}
            value={draft.group_set ?? null}
            errors={err("group_set")}
            onChange={(value) => set("group_set", value)}
          />
        )}
      </div>
      <div className="stack" style={{ gap: "0.25rem" }}>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.anonymous_grading}
            aria-describedby={`${id}-anonymous-hint`}
            onChange={(e) => onChange(withAnonymousGrading(draft, e.target.checked))}
          />
          Anonymous grading
        </label>
        <p id={`${id}-anonymous-hint`} className="muted small" style={{ margin: 0 }}>
          {ANONYMOUS_GRADING_HINT}
        </p>
        <FieldErrors errors={err("anonymous_grading") ?? []} />
      </div>

      <ConfigFields
        id={id}
        draft={draft}
        set={set}
        configErrors={configErrors}
        nestedConfigErrors={under("config").filter((m) => !generalConfigErrors?.includes(m))}
        general={generalConfigErrors}
      />

      <details>
        <summary>Attempts, deadlines and prerequisites</summary>
        <div className="form-grid" style={{ marginTop: "0.75rem" }}>
          <Field label="Attempts allowed" hint="Empty for unlimited." errors={err("max_attempts")}>
            <input type="number" min={1} step={1} value={draft.max_attempts} onChange={(e) => set("max_attempts", e.target.value)} />
          </Field>
          <Field
            label="Submissions per day"
            hint="Per student (or group), reset at midnight in the course's time zone. Empty for no limit."
            errors={err("daily_submission_limit")}
          >
            <input
              type="number"
              min={1}
              step={1}
              value={draft.daily_submission_limit}
              onChange={(e) => set("daily_submission_limit", e.target.value)}
            />
          </Field>
          <Field
            label="Time limit (minutes)"
            hint="From the student's Start, times their time multiplier, never past the close. Empty for untimed."
            errors={err("time_limit_minutes")}
          >
            <input
              type="number"
              min={1}
              step={1}
              value={draft.time_limit_minutes}
              onChange={(e) => set("time_limit_minutes", e.target.value)}
            />
          </Field>
          <Field label="Opens at" errors={err("opens_at")}>
            <input type="datetime-local" value={draft.opens_at} onChange={(e) => set("opens_at", e.target.value)} />
          </Field>
          <Field label="Due at" errors={err("due_at")}>
            <input type="datetime-local" value={draft.due_at} onChange={(e) => set("due_at", e.target.value)} />
          </Field>
          <Field label="Closes at" hint="Nothing is accepted after this." errors={err("closes_at")}>
            <input type="datetime-local" value={draft.closes_at} onChange={(e) => set("closes_at", e.target.value)} />
          </Field>
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.late.enabled}
            onChange={(e) => set("late", { ...draft.late, enabled: e.target.checked })}
          />
          Deduct points for late answers
        </label>
        {draft.late.enabled && (
          <div className="form-grid">
            <Field label="Deduction (%)" errors={under("late_policy.deduction_percent")}>
              <input
                type="number"
                min={0}
                max={100}
                value={draft.late.deduction_percent}
                onChange={(e) => set("late", { ...draft.late, deduction_percent: e.target.value })}
              />
            </Field>
            <Field label="Per" errors={under("late_policy.per")}>
              <select value={draft.late.per} onChange={(e) => set("late", { ...draft.late, per: e.target.value === "hour" ? "hour" : "day" })}>
                <option value="hour">hour late</option>
                <option value="day">day late</option>
              </select>
            </Field>
            <Field label="Never below (%)" errors={under("late_policy.floor_percent")}>
              <input
                type="number"
                min={0}
                max={100}
                value={draft.late.floor_percent}
                onChange={(e) => set("late", { ...draft.late, floor_percent: e.target.value })}
              />
            </Field>
          </div>
        )}
        <FieldErrors errors={errors.late_policy} />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.late_days_allowed}
            aria-describedby={`${id}-late-days-hint`}
            onChange={(e) => set("late_days_allowed", e.target.checked)}
          />
          Students may spend late days
        </label>
        <p id={`${id}-late-days-hint`} className="muted small" style={{ margin: 0 }}>
          {LATE_DAYS_HINT}
        </p>
        <FieldErrors errors={err("late_days_allowed")} />
        {otherTasks.length > 0 && (
          <fieldset>
            <legend>Prerequisites</legend>
            <span className="hint">Students must complete these first.</span>
            {otherTasks
              .filter((t) => t.id !== draft.id)
              .map((t) => (
                <label key={t.id} className="checkbox">
                  <input
                    type="checkbox"
                    checked={draft.prerequisites.includes(t.id)}
                    onChange={(e) =>
                      set(
                        "prerequisites",
                        e.target.checked ? [...draft.prerequisites, t.id] : draft.prerequisites.filter((p) => p !== t.id),
                      )
                    }
                  />
                  {t.title}
                </label>
              ))}
            <FieldErrors errors={under("prerequisites")} />
          </fieldset>
        )}
      </details>
      <div className="row">
        <label className="checkbox">
          <input type="checkbox" checked={draft.is_published} onChange={(e) => set("is_published", e.target.checked)} />
          Visible to students
        </label>
        {onRemove && (
          <button type="button" className="danger" onClick={onRemove}>
            Remove task
          </button>
        )}
      </div>
    </fieldset>
  );
}

function ConfigFields({
  id,
  draft,
  set,
  configErrors,
  nestedConfigErrors,
  general,
}: {
  id: string;
  draft: TaskDraft;
  set: <K extends keyof TaskDraft>(key: K, value: TaskDraft[K]) => void;
  configErrors: (key: string) => string[];
  /** Every message about a key inside config, for the raw JSON editor. */
  nestedConfigErrors: string[];
  general: string[] | undefined;
}) {
  const body = (() => {
    switch (draft.kind) {
      case "exact":
        return (
          <>
            <Field label="Accepted answers" hint="One per line. Extra spaces are ignored." errors={configErrors("answers")}>
              <textarea rows={3} value={draft.answers} onChange={(e) => set("answers", e.target.value)} />
            </Field>
            <label className="checkbox">
              <input type="checkbox" checked={draft.case_sensitive} onChange={(e) => set("case_sensitive", e.target.checked)} />
              Case sensitive
            </label>
            <FieldErrors errors={configErrors("case_sensitive")} />
          </>
        );
      case "choice":
        return (
          <>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={draft.multiple}
                onChange={(e) => set("multiple", e.target.checked)}
              />
              Students may select several options
            </label>
            <fieldset>
              <legend>Options</legend>
              <span className="hint">Tick the correct {draft.multiple ? "options" : "option"}.</span>
              {draft.choices.map((choice, index) => (
                <div className="row" key={index} style={{ marginTop: "0.4rem" }}>
                  <label className="visually-hidden" htmlFor={`${id}-choice-${index}`}>
                    Option {index + 1}
                  </label>
                  <input
                    id={`${id}-choice-${index}`}
                    type="text"
                    value={choice.text}
                    style={{ flex: "1 1 180px", width: "auto" }}
                    onChange={(e) =>
                      set(
                        "choices",
                        draft.choices.map((c, i) => (i === index ? { ...c, text: e.target.value } : c)),
                      )
                    }
                  />
                  <label className="checkbox">
                    <input
                      type={draft.multiple ? "checkbox" : "radio"}
                      name={`${id}-correct`}
                      checked={choice.correct}
                      onChange={(e) =>
                        set(
                          "choices",
                          draft.choices.map((c, i) =>
                            draft.multiple
                              ? i === index
                                ? { ...c, correct: e.target.checked }
                                : c
                              : { ...c, correct: i === index },
                          ),
                        )
                      }
                    />
                    Correct<span className="visually-hidden"> (option {index + 1})</span>
                  </label>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`Remove option ${index + 1}`}
                    disabled={draft.choices.length <= 1}
                    onClick={() => set("choices", draft.choices.filter((_, i) => i !== index))}
                  >
                    Remove
                  </button>
                </div>
              ))}
              <div style={{ marginTop: "0.5rem" }}>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => set("choices", [...draft.choices, { text: "", correct: false }])}
                >
                  Add option
                </button>
              </div>
              <FieldErrors errors={[...configErrors("choices"), ...configErrors("correct"), ...configErrors("multiple")]} />
            </fieldset>
          </>
        );
      case "numeric":
        return (
          <div className="form-grid">
            <Field label="Correct value" errors={configErrors("value")}>
              <input type="text" inputMode="decimal" value={draft.value} onChange={(e) => set("value", e.target.value)} />
            </Field>
            <Field label="Tolerance (±)" errors={configErrors("abs_tol")}>
              <input type="text" inputMode="decimal" value={draft.abs_tol} onChange={(e) => set("abs_tol", e.target.value)} />
            </Field>
          </div>
        );
      case "regex":
        return (
          <Field
            label="Pattern (regular expression)"
            hint="The whole answer must match, e.g. ^x\s*=\s*\d+$"
            errors={configErrors("pattern")}
          >
            <input type="text" value={draft.pattern} spellCheck={false} onChange={(e) => set("pattern", e.target.value)} />
          </Field>
        );
      case "manual":
        return <p className="hint">Answers are queued for you or an assistant to grade.</p>;
      default:
        return (
          <Field label="Evaluator config (JSON)" errors={nestedConfigErrors}>
            <textarea rows={4} spellCheck={false} value={draft.raw} onChange={(e) => set("raw", e.target.value)} />
          </Field>
        );
    }
  })();
  return (
    <div className="stack" aria-label="Answer key">
      {body}
      <FieldErrors errors={general} />
    </div>
  );
}

/** The task's rubric: one of the course's current rubrics, or none. */
function RubricSelect({
  course,
  value,
  errors,
  onChange,
}: {
  course: string;
  value: number | null;
  errors: string[] | undefined;
  onChange: (value: number | null) => void;
}) {
  const rubrics = useRubrics(course);
  const options = rubrics.data ?? [];
  const chosen = options.find((r) => r.id === value);
  const hint = chosen
    ? `Graded with the rubric (${chosen.max_points} points); an automatic kind's part is worth the max score minus that.`
    : "Grade with a rubric of the course (the Rubrics tab), or by a score.";
  return (
    <Field label="Rubric" hint={hint} errors={errors}>
      <select value={value === null ? "" : String(value)} onChange={(e) => onChange(e.target.value === "" ? null : Number(e.target.value))}>
        <option value="">No rubric</option>
        {value !== null && !chosen && <option value={String(value)}>{`Rubric ${value}`}</option>}
        {options.map((r) => (
          <option key={r.id} value={String(r.id)}>
            {`${r.title} (${r.max_points} points)`}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** The task's group set: one of the course's sets (a group task), or none (each student on their own). */
function GroupSetSelect({
  course,
  value,
  errors,
  onChange,
}: {
  course: string;
  value: number | null;
  errors: string[] | undefined;
  onChange: (value: number | null) => void;
}) {
  const sets = useCourseGroupSets(course);
  const options = sets.data?.results ?? [];
  const chosen = options.find((s) => s.id === value);
  const hint = chosen
    ? `One submission per group of ${chosen.name} counts for every member (${sizeText(chosen)}).`
    : "Individual: each student submits on their own. Group sets are made in the Groups tab.";
  return (
    <Field label="Group set" hint={hint} errors={errors}>
      <select value={value === null ? "" : String(value)} onChange={(e) => onChange(e.target.value === "" ? null : Number(e.target.value))}>
        <option value="">Individual</option>
        {value !== null && !chosen && <option value={String(value)}>{`Group set ${value}`}</option>}
        {options.map((s) => (
          <option key={s.id} value={String(s.id)}>
            {s.name}
          </option>
        ))}
      </select>
    </Field>
  );
}
