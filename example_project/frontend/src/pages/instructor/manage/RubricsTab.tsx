import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../../api/client";
import { ApiError } from "../../../api/errors";
import { useQuery } from "../../../api/hooks";
import type { CourseDetail, Rubric, RubricRequest } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { Field, FieldErrors } from "../../../components/Field";
import { ErrorMessage, Notice, QueryView } from "../../../components/Status";

/** A level or criterion being edited: `key` keeps React's rows stable while they move. */
export interface LevelDraft {
  key: number;
  title: string;
  points: string;
  description: string;
}

export interface CriterionDraft {
  key: number;
  title: string;
  description: string;
  levels: LevelDraft[];
}

export interface RubricDraft {
  id: number | null;
  title: string;
  criteria: CriterionDraft[];
}

let nextKey = 1;
const key = () => nextKey++;

export function newLevel(points = ""): LevelDraft {
  return { key: key(), title: "", points, description: "" };
}

export function newCriterion(): CriterionDraft {
  return { key: key(), title: "", description: "", levels: [newLevel("0"), newLevel("1")] };
}

export function emptyDraft(): RubricDraft {
  return { id: null, title: "", criteria: [newCriterion()] };
}

export function draftOf(rubric: Rubric): RubricDraft {
  return {
    id: rubric.id,
    title: rubric.title,
    criteria: rubric.criteria.map((c) => ({
      key: key(),
      title: c.title,
      description: c.description ?? "",
      levels: c.levels.map((l) => ({ key: key(), title: l.title, points: String(l.points), description: l.description ?? "" })),
    })),
  };
}

type NestedErrors = Record<string, Record<string, Record<string, Record<string, Record<string, string[]>>>>>;

/** The request body of a draft, or the errors the browser finds itself (points that are no number), shaped like the API's 400. */
export function draftToRequest(draft: RubricDraft): { body: RubricRequest } | { errors: NestedErrors } {
  const criteria: NestedErrors["criteria"] = {};
  const body: RubricRequest = {
    title: draft.title.trim(),
    criteria: draft.criteria.map((c, ci) => ({
      title: c.title.trim(),
      description: c.description,
      levels: c.levels.map((l, li) => {
        const points = Number(l.points);
        if (l.points.trim() === "" || !Number.isFinite(points)) {
          const levels = ((criteria[String(ci)] ??= { levels: {} }).levels ??= {});
          levels[String(li)] = { points: ["A valid number is required."] };
        }
        return { title: l.title.trim(), points, description: l.description };
      }),
    })),
  };
  return Object.keys(criteria).length > 0 ? { errors: { criteria } } : { body };
}

export function move<T>(items: T[], index: number, by: number): T[] {
  const target = index + by;
  if (target < 0 || target >= items.length) return items;
  const copy = [...items];
  copy.splice(target, 0, ...copy.splice(index, 1));
  return copy;
}

/** The course's rubrics (current versions). */
export function useRubrics(slug: string) {
  return useQuery((signal) => unwrap(api.GET("/api/courses/{slug}/rubrics/", { params: { path: { slug } }, signal })), [slug]);
}

/** Builds or edits one rubric: criteria and levels can be added, removed and reordered; the API's errors show by field. */
export function RubricEditor({
  course,
  initial,
  onSaved,
  onCancel,
}: {
  course: string;
  initial: RubricDraft;
  onSaved: (rubric: Rubric) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const save = useMutation(async (body: RubricRequest) => {
    const saved =
      draft.id === null
        ? await unwrap(api.POST("/api/courses/{slug}/rubrics/", { params: { path: { slug: course } }, body }))
        : await unwrap(api.PUT("/api/courses/{slug}/rubrics/{id}/", { params: { path: { slug: course, id: draft.id } }, body }));
    onSaved(saved);
  });
  const errors = save.fields;
  const setCriterion = (index: number, next: Partial<CriterionDraft>) =>
    setDraft((d) => ({ ...d, criteria: d.criteria.map((c, i) => (i === index ? { ...c, ...next } : c)) }));
  const setLevel = (ci: number, li: number, next: Partial<LevelDraft>) =>
    setCriterion(ci, { levels: (draft.criteria[ci]?.levels ?? []).map((l, i) => (i === li ? { ...l, ...next } : l)) });

  function submit(event: FormEvent) {
    event.preventDefault();
    const result = draftToRequest(draft);
    if ("errors" in result) save.fail(new ApiError(400, result.errors));
    else void save.run(result.body);
  }

  const heading = draft.id === null ? "New rubric" : `Edit ${initial.title}`;
  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label={heading}>
      <h3 style={{ margin: 0 }}>{heading}</h3>
      <ErrorMessage error={save.error} />
      <Field label="Rubric title" errors={errors.title}>
        <input type="text" value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.target.value })} />
      </Field>
      <FieldErrors errors={errors.criteria} />
      {draft.criteria.map((criterion, ci) => {
        const label = `Criterion ${ci + 1}`;
        return (
          <fieldset key={criterion.key} className="stack">
            <legend>{label}</legend>
            <div className="form-grid">
              <Field label={`${label} title`} errors={errors[`criteria.${ci}.title`]}>
                <input type="text" value={criterion.title} onChange={(e) => setCriterion(ci, { title: e.target.value })} />
              </Field>
              <Field label={`${label} description`} errors={errors[`criteria.${ci}.description`]}>
                <input type="text" value={criterion.description} onChange={(e) => setCriterion(ci, { description: e.target.value })} />
              </Field>
            </div>
            <FieldErrors errors={errors[`criteria.${ci}.levels`]} />
            <table>
              <caption className="visually-hidden">{`Levels of ${label}`}</caption>
              <thead>
                <tr>
                  <th scope="col">Level</th>
                  <th scope="col">Points</th>
                  <th scope="col">Description</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {criterion.levels.map((level, li) => {
                  const name = `${label} level ${li + 1}`;
                  const at = `criteria.${ci}.levels.${li}`;
                  return (
                    <tr key={level.key}>
                      <td>
                        <input aria-label={`${name} title`} type="text" value={level.title} onChange={(e) => setLevel(ci, li, { title: e.target.value })} />
                        <FieldErrors errors={errors[`${at}.title`]} />
                      </td>
                      <td>
                        <input
                          aria-label={`${name} points`}
                          type="number"
                          min={0}
                          step="any"
                          value={level.points}
                          aria-invalid={errors[`${at}.points`] ? true : undefined}
                          onChange={(e) => setLevel(ci, li, { points: e.target.value })}
                        />
                        <FieldErrors errors={errors[`${at}.points`]} />
                      </td>
                      <td>
                        <input aria-label={`${name} description`} type="text" value={level.description} onChange={(e) => setLevel(ci, li, { description: e.target.value })} />
                      </td>
                      <td className="row">
                        <button type="button" className="secondary" aria-label={`Move ${name} up`} disabled={li === 0} onClick={() => setCriterion(ci, { levels: move(criterion.levels, li, -1) })}>
                          ↑
                        </button>
                        <button
                          type="button"
                          className="secondary"
                          aria-label={`Move ${name} down`}
                          disabled={li === criterion.levels.length - 1}
                          onClick={() => setCriterion(ci, { levels: move(criterion.levels, li, 1) })}
                        >
                          ↓
                        </button>
                        <button type="button" className="secondary" aria-label={`Remove ${name}`} onClick={() => setCriterion(ci, { levels: criterion.levels.filter((_, i) => i !== li) })}>
                          Remove
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <div className="row">
              <button type="button" className="secondary" onClick={() => setCriterion(ci, { levels: [...criterion.levels, newLevel()] })}>
                {`Add a level to ${label}`}
              </button>
              <button type="button" className="secondary" aria-label={`Move ${label} up`} disabled={ci === 0} onClick={() => setDraft({ ...draft, criteria: move(draft.criteria, ci, -1) })}>
                Move up
              </button>
              <button
                type="button"
                className="secondary"
                aria-label={`Move ${label} down`}
                disabled={ci === draft.criteria.length - 1}
                onClick={() => setDraft({ ...draft, criteria: move(draft.criteria, ci, 1) })}
              >
                Move down
              </button>
              <button type="button" className="secondary" aria-label={`Remove ${label}`} onClick={() => setDraft({ ...draft, criteria: draft.criteria.filter((_, i) => i !== ci) })}>
                Remove criterion
              </button>
            </div>
          </fieldset>
        );
      })}
      <div className="form-actions">
        <button type="button" className="secondary" onClick={() => setDraft({ ...draft, criteria: [...draft.criteria, newCriterion()] })}>
          Add a criterion
        </button>
        <button type="submit" disabled={save.busy}>
          {save.busy ? "Saving…" : "Save rubric"}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {draft.id !== null && <p className="muted small">A rubric already used to grade is saved as a new version; earlier grades keep the old one.</p>}
    </form>
  );
}

/** Copies a rubric to another course the user teaches. */
function CopyForm({ rubric, course, onDone }: { rubric: Rubric; course: string; onDone: (message: string) => void }) {
  const teaching = useQuery(
    (signal) => unwrap(api.GET("/api/courses/", { params: { query: { mine: "teaching", page_size: 100 } }, signal })),
    [],
  );
  const [target, setTarget] = useState("");
  const copy = useMutation(async () => {
    await unwrap(api.POST("/api/courses/{slug}/rubrics/{id}/copy/", { params: { path: { slug: course, id: rubric.id } }, body: { course: target } }));
    const title = teaching.data?.results.find((c) => c.slug === target)?.title ?? target;
    onDone(`Copied ${rubric.title} to ${title}.`);
  });
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        if (target) void copy.run();
      }}
    >
      <Field label={`Copy ${rubric.title} to`} errors={copy.fields.course}>
        <select value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">Choose a course…</option>
          {(teaching.data?.results ?? []).map((c) => (
            <option key={c.slug} value={c.slug}>
              {c.title}
            </option>
          ))}
        </select>
      </Field>
      <button type="submit" className="secondary" disabled={!target || copy.busy}>
        Copy
      </button>
      <ErrorMessage error={copy.error} />
    </form>
  );
}

function RubricCard({ rubric, course, onEdit, onChanged }: { rubric: Rubric; course: string; onEdit: () => void; onChanged: (message: string) => void }) {
  const remove = useMutation(async () => {
    await unwrap(api.DELETE("/api/courses/{slug}/rubrics/{id}/", { params: { path: { slug: course, id: rubric.id } } }));
    onChanged(`Deleted ${rubric.title}.`);
  });
  const [copying, setCopying] = useState(false);
  return (
    <section className="card stack" aria-labelledby={`rubric-${rubric.id}`}>
      <div className="page-head">
        <h3 id={`rubric-${rubric.id}`} style={{ margin: 0 }}>
          {rubric.title} <span className="muted small">{`${rubric.max_points} points · version ${rubric.version}${rubric.in_use ? " · used to grade" : ""}`}</span>
        </h3>
        <div className="row">
          <button type="button" className="secondary" onClick={onEdit} aria-label={`Edit ${rubric.title}`}>
            Edit
          </button>
          <button type="button" className="secondary" onClick={() => setCopying((v) => !v)} aria-label={`Copy ${rubric.title}`} aria-expanded={copying}>
            Copy…
          </button>
          <button
            type="button"
            className="secondary"
            disabled={remove.busy}
            aria-label={`Delete ${rubric.title}`}
            onClick={() => {
              if (window.confirm(`Delete the rubric ${rubric.title}?`)) void remove.run();
            }}
          >
            Delete
          </button>
        </div>
      </div>
      <ErrorMessage error={remove.error} />
      {copying && <CopyForm rubric={rubric} course={course} onDone={onChanged} />}
      <table>
        <caption className="visually-hidden">{`Criteria of ${rubric.title}`}</caption>
        <thead>
          <tr>
            <th scope="col">Criterion</th>
            <th scope="col">Levels</th>
          </tr>
        </thead>
        <tbody>
          {rubric.criteria.map((c) => (
            <tr key={c.id}>
              <th scope="row">
                {c.title}
                {c.description ? <div className="muted small">{c.description}</div> : null}
              </th>
              <td>{c.levels.map((l) => `${l.title} (${l.points})`).join(" · ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The course's rubrics: list, build, edit, delete and copy them. */
export function RubricsTab({ course }: { course: CourseDetail }) {
  const rubrics = useRubrics(course.slug);
  const [editing, setEditing] = useState<RubricDraft | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const changed = (message: string) => {
    setNotice(message);
    void rubrics.reload();
  };
  return (
    <div className="stack">
      <p className="muted">
        A rubric scores a task criterion by criterion: graders pick one level of each, and the score is the levels&apos; points. Attach a rubric to a task in the task&apos;s editor.
      </p>
      {notice && <Notice kind="ok">{notice}</Notice>}
      {editing ? (
        <RubricEditor
          course={course.slug}
          initial={editing}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            changed(`Saved ${saved.title}${saved.version > 1 ? ` as version ${saved.version}` : ""}.`);
          }}
        />
      ) : (
        <div>
          <button type="button" onClick={() => setEditing(emptyDraft())}>
            New rubric
          </button>
        </div>
      )}
      <QueryView query={rubrics} loadingLabel="Loading rubrics…">
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No rubrics yet.</p>
          ) : (
            <>
              {list.map((rubric) => (
                <RubricCard key={rubric.id} rubric={rubric} course={course.slug} onEdit={() => setEditing(draftOf(rubric))} onChanged={changed} />
              ))}
            </>
          )
        }
      </QueryView>
    </div>
  );
}
