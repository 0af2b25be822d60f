import { useState } from "react";
import { api, unwrap } from "../../../api/client";
import { useQuery } from "../../../api/hooks";
import type { CourseDetail } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { ErrorMessage, Notice, QueryView } from "../../../components/Status";
import { formatPercent, fullName, plural } from "../../../format";
import {
  applyDraft,
  draftOf,
  isDirty,
  LETTER_PRESETS,
  lettersDraft,
  newKey,
  previewRequest,
  summarise,
  weightTotal,
  type Current,
  type Draft,
  type PreviewResult,
  type RecomputeJob,
} from "./gradingConfig";

const SCHEMES = [
  { value: "points", label: "Points", hint: "The course score is the sum of task points; group weights are ignored." },
  {
    value: "weighted",
    label: "Weighted groups",
    hint: "Each group counts its weight in percent of the course; tasks outside any group share what is left.",
  },
] as const;

/**
 * The course's grading settings (scheme, assignment groups, letter scale, each task's
 * group). Nothing is written until the instructor has seen the preview of who changes
 * (`POST courses/{slug}/grading/preview/`) and pressed Apply.
 */
export function GradingTab({ course, onSaved }: { course: CourseDetail; onSaved: () => void }) {
  const groups = useQuery(
    (signal) => unwrap(api.GET("/api/courses/{slug}/groups/", { params: { path: { slug: course.slug } }, signal })),
    [course.slug, course.modified],
  );
  // Kept here: the form starts afresh from what the API has once a change is applied.
  const [applied, setApplied] = useState(false);
  return (
    <QueryView query={groups} loadingLabel="Loading grading settings…">
      {(list) => (
        <GradingForm
          key={`${course.modified}-${list.map((g) => `${g.id}:${g.weight}:${g.drop_lowest}:${g.name}`).join(",")}`}
          course={course}
          current={{
            scheme: course.grading_scheme,
            groups: list,
            letters: course.letter_grades,
            tasks: course.tasks.map((t) => ({ id: t.id, group: t.group })),
          }}
          applied={applied}
          setApplied={setApplied}
          onSaved={() => {
            void groups.reload();
            onSaved();
          }}
        />
      )}
    </QueryView>
  );
}

function GradingForm({
  course,
  current,
  applied,
  setApplied,
  onSaved,
}: {
  course: CourseDetail;
  current: Current;
  applied: boolean;
  setApplied: (applied: boolean) => void;
  onSaved: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(current));
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  const [job, setJob] = useState<RecomputeJob | null>(null);
  const slug = course.slug;
  const dirty = isDirty(draft, current);

  const previewing = useMutation(async () => {
    const result = await unwrap(
      api.POST("/api/courses/{slug}/grading/preview/", { params: { path: { slug } }, body: previewRequest(draft, current) }),
    );
    setPreview(result);
  });
  const applying = useMutation(async () => {
    await applyDraft(slug, draft, current, setJob);
    setPreview(null);
    setApplied(true);
    onSaved();
  });

  const edit = (change: (d: Draft) => Draft) => {
    setPreview(null);
    setApplied(false);
    setDraft(change);
  };
  const total = weightTotal(draft);
  const fields = { ...previewing.fields, ...applying.fields };

  return (
    <div className="stack">
      {applied && <Notice kind="ok">Grading settings applied.</Notice>}
      <fieldset className="card stack">
        <legend>Grading scheme</legend>
        {SCHEMES.map((s) => (
          <label key={s.value} className="checkbox">
            <input
              type="radio"
              name="grading_scheme"
              value={s.value}
              checked={draft.scheme === s.value}
              onChange={() => edit((d) => ({ ...d, scheme: s.value }))}
            />
            <span>
              <strong>{s.label}</strong> <span className="muted small">{s.hint}</span>
            </span>
          </label>
        ))}
        {fields.grading_scheme && <p className="field-error">{fields.grading_scheme.join(" ")}</p>}
      </fieldset>

      <section className="card stack" aria-labelledby="groups-heading">
        <h3 id="groups-heading" style={{ margin: 0 }}>
          Assignment groups
        </h3>
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Weight %</th>
              <th>Drop lowest</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {draft.groups.map((g, index) => {
              const set = (patch: Partial<typeof g>) =>
                edit((d) => ({ ...d, groups: d.groups.map((x) => (x.key === g.key ? { ...x, ...patch } : x)) }));
              return (
                <tr key={g.key}>
                  <td>
                    <input aria-label={`Group ${index + 1} name`} value={g.name} onChange={(e) => set({ name: e.target.value })} />
                  </td>
                  <td>
                    <input
                      aria-label={`Group ${index + 1} weight`}
                      type="number"
                      min={0}
                      max={100}
                      value={g.weight}
                      onChange={(e) => set({ weight: e.target.value })}
                    />
                  </td>
                  <td>
                    <input
                      aria-label={`Group ${index + 1} drop lowest`}
                      type="number"
                      min={0}
                      value={g.dropLowest}
                      onChange={(e) => set({ dropLowest: e.target.value })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="secondary"
                      onClick={() =>
                        edit((d) => ({
                          ...d,
                          groups: d.groups.filter((x) => x.key !== g.key),
                          taskGroups: Object.fromEntries(
                            Object.entries(d.taskGroups).map(([t, k]) => [t, k === g.key ? "" : k]),
                          ),
                        }))
                      }
                    >
                      Remove {g.name || `group ${index + 1}`}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {(fields.name || fields.weight || fields.drop_lowest) && (
          <p className="field-error">{[...(fields.name ?? []), ...(fields.weight ?? []), ...(fields.drop_lowest ?? [])].join(" ")}</p>
        )}
        <div className="row">
          <button
            type="button"
            className="secondary"
            onClick={() =>
              edit((d) => ({ ...d, groups: [...d.groups, { key: newKey("group"), name: "", weight: "0", dropLowest: "0" }] }))
            }
          >
            Add group
          </button>
        </div>
        {draft.scheme === "weighted" && (
          <p className={total > 100 ? "field-error" : "muted small"} data-testid="weight-total">
            Weights add up to {formatPercent(total)}
            {total <= 100
              ? `; ${formatPercent(100 - total)} is left for tasks outside any group.`
              : "; at most 100% is allowed."}
          </p>
        )}
      </section>

      <section className="card stack" aria-labelledby="letters-heading">
        <h3 id="letters-heading" style={{ margin: 0 }}>
          Letter grades
        </h3>
        <p className="muted small">Highest first: a student gets the first letter whose minimum their percent reaches.</p>
        {draft.letters.map((l, index) => {
          const set = (patch: Partial<typeof l>) =>
            edit((d) => ({ ...d, letters: d.letters.map((x) => (x.key === l.key ? { ...x, ...patch } : x)) }));
          return (
            <div className="row" key={l.key}>
              <input aria-label={`Letter ${index + 1}`} value={l.letter} onChange={(e) => set({ letter: e.target.value })} />
              <input
                aria-label={`Letter ${index + 1} minimum %`}
                type="number"
                min={0}
                max={100}
                value={l.minPercent}
                onChange={(e) => set({ minPercent: e.target.value })}
              />
              <button
                type="button"
                className="secondary"
                onClick={() => edit((d) => ({ ...d, letters: d.letters.filter((x) => x.key !== l.key) }))}
              >
                Remove letter {l.letter || index + 1}
              </button>
            </div>
          );
        })}
        {fields.letter_grades && <p className="field-error">{fields.letter_grades.join(" ")}</p>}
        <div className="row">
          <button
            type="button"
            className="secondary"
            onClick={() => edit((d) => ({ ...d, letters: [...d.letters, { key: newKey("letter"), letter: "", minPercent: "" }] }))}
          >
            Add letter
          </button>
          {Object.entries(LETTER_PRESETS).map(([name, scale]) => (
            <button key={name} type="button" className="secondary" onClick={() => edit((d) => ({ ...d, letters: lettersDraft(scale) }))}>
              Use {name}
            </button>
          ))}
        </div>
      </section>

      <section className="card stack" aria-labelledby="task-groups-heading">
        <h3 id="task-groups-heading" style={{ margin: 0 }}>
          Tasks and their groups
        </h3>
        {course.tasks.length === 0 && <p className="muted">No tasks yet.</p>}
        {course.tasks.map((task) => (
          <label key={task.id} className="row">
            <span style={{ minWidth: "12rem" }}>{task.title}</span>
            <select
              aria-label={`Group of ${task.title}`}
              value={draft.taskGroups[task.id] ?? ""}
              onChange={(e) => edit((d) => ({ ...d, taskGroups: { ...d.taskGroups, [task.id]: e.target.value } }))}
            >
              <option value="">No group</option>
              {draft.groups.map((g, index) => (
                <option key={g.key} value={g.key}>
                  {g.name || `Group ${index + 1}`}
                </option>
              ))}
            </select>
          </label>
        ))}
      </section>

      <ErrorMessage error={previewing.error ?? applying.error} />
      {job && (
        <Notice kind="info">
          Recomputing… {job.students_total > 0 ? `${job.students_done} of ${plural(job.students_total, "student")}` : ""}
        </Notice>
      )}
      {preview ? (
        <PreviewPanel
          preview={preview}
          busy={applying.busy}
          onApply={() => void applying.run()}
          onCancel={() => setPreview(null)}
        />
      ) : (
        <div className="form-actions">
          <button type="button" disabled={!dirty || previewing.busy} onClick={() => void previewing.run()}>
            {previewing.busy ? "Previewing…" : "Preview changes"}
          </button>
          {dirty && (
            <button type="button" className="secondary" onClick={() => edit(() => draftOf(current))}>
              Discard changes
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function signed(points: number): string {
  return `${points > 0 ? "+" : ""}${points.toFixed(1)} points`;
}

function PreviewPanel({
  preview,
  busy,
  onApply,
  onCancel,
}: {
  preview: PreviewResult;
  busy: boolean;
  onApply: () => void;
  onCancel: () => void;
}) {
  const summary = summarise(preview);
  return (
    <section className="card stack" aria-labelledby="preview-heading">
      <h3 id="preview-heading" style={{ margin: 0 }}>
        Preview
      </h3>
      <p data-testid="preview-summary">
        {summary.changed === 0
          ? "No student's score, percent or letter changes."
          : `${plural(summary.changed, "student")} of ${preview.results.length} change.`}
      </p>
      {summary.changed > 0 && (
        <ul className="muted small">
          <li>Largest rise: {signed(summary.largestRise)}</li>
          <li>Largest fall: {signed(-summary.largestFall)}</li>
        </ul>
      )}
      {summary.letterChanges.length > 0 && (
        <table aria-label="Letter changes">
          <thead>
            <tr>
              <th>Student</th>
              <th>Now</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {summary.letterChanges.map((row) => (
              <tr key={row.user.id}>
                <td>{fullName(row.user)}</td>
                <td>
                  {row.old.letter ?? "—"} ({formatPercent(row.old.percent)})
                </td>
                <td>
                  {row.new.letter ?? "—"} ({formatPercent(row.new.percent)})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="form-actions">
        <button type="button" disabled={busy} onClick={onApply}>
          {busy ? "Applying…" : "Apply"}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}
