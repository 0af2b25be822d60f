import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../../api/client";
import { ApiError } from "../../../api/errors";
import type { CourseDetail, Enrollment, Section, SectionRequest, Task } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { useAuth } from "../../../auth/AuthContext";
import { Field, FieldErrors } from "../../../components/Field";
import { ErrorMessage, Notice, QueryView } from "../../../components/Status";
import { formatDateTime, fromLocalInput, fullName, toLocalInput } from "../../../format";
import { useCourseStaff } from "./AssignGrading";
import { MemberPicker } from "./GroupsTab";
import { useSections } from "./useSections";

const DATE_FIELDS = [
  { name: "opens_at", label: "Opens" },
  { name: "due_at", label: "Due" },
  { name: "closes_at", label: "Closes" },
] as const;

type DateField = (typeof DATE_FIELDS)[number]["name"];

/** One task's dates being edited, as `datetime-local` values ("" keeps the task's own). */
export interface DateDraft extends Record<DateField, string> {
  key: number;
  task: string;
}

export interface SectionDraft {
  id: number | null;
  name: string;
  staff: number[];
  dates: DateDraft[];
}

let nextKey = 1;

export function newDateDraft(): DateDraft {
  return { key: nextKey++, task: "", opens_at: "", due_at: "", closes_at: "" };
}

export function emptySectionDraft(): SectionDraft {
  return { id: null, name: "", staff: [], dates: [] };
}

export function sectionDraftOf(section: Section): SectionDraft {
  return {
    id: section.id,
    name: section.name,
    staff: [...(section.staff ?? [])],
    dates: (section.dates ?? []).map((d) => ({
      key: nextKey++,
      task: String(d.task),
      opens_at: toLocalInput(d.opens_at),
      due_at: toLocalInput(d.due_at),
      closes_at: toLocalInput(d.closes_at),
    })),
  };
}

/** The request body of a draft, or the rows without a task, shaped like the API's 400. */
export function sectionDraftToRequest(draft: SectionDraft): { body: SectionRequest } | { errors: { dates: Record<string, { task: string[] }> } } {
  const missing: Record<string, { task: string[] }> = {};
  draft.dates.forEach((d, index) => {
    if (!d.task) missing[String(index)] = { task: ["Choose a task."] };
  });
  if (Object.keys(missing).length > 0) return { errors: { dates: missing } };
  return {
    body: {
      name: draft.name.trim(),
      staff: draft.staff,
      dates: draft.dates.map((d) => ({
        task: Number(d.task),
        opens_at: fromLocalInput(d.opens_at),
        due_at: fromLocalInput(d.due_at),
        closes_at: fromLocalInput(d.closes_at),
      })),
    },
  };
}

/** "Alice Liddell (alice)" for a staff user id, from the enrollments read (or the bare id). */
function staffName(enrollments: Enrollment[], id: number): string {
  const enrollment = enrollments.find((e) => e.user.id === id);
  return enrollment ? fullName(enrollment.user) : `User ${id}`;
}

function taskTitle(course: CourseDetail, id: number): string {
  return course.tasks.find((t) => t.id === id)?.title ?? `Task ${id}`;
}

/** What a date left empty falls back to: the task's own. */
function taskOwn(task: Task | undefined, field: DateField): string {
  return `Empty keeps the task's: ${formatDateTime(task?.[field] ?? null)}`;
}

/** Creates or edits one section: its name, staff and per-task dates; the API's errors show by field. */
export function SectionEditor({
  course,
  staff,
  initial,
  onSaved,
  onCancel,
}: {
  course: CourseDetail;
  staff: Enrollment[];
  initial: SectionDraft;
  onSaved: (section: Section) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const save = useMutation(async (body: SectionRequest) => {
    const slug = course.slug;
    const saved =
      draft.id === null
        ? await unwrap(api.POST("/api/courses/{slug}/sections/", { params: { path: { slug } }, body }))
        : await unwrap(api.PUT("/api/courses/{slug}/sections/{id}/", { params: { path: { slug, id: draft.id } }, body }));
    onSaved(saved);
  });
  const errors = save.fields;
  const setDate = (index: number, next: Partial<DateDraft>) =>
    setDraft((d) => ({ ...d, dates: d.dates.map((row, i) => (i === index ? { ...row, ...next } : row)) }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const result = sectionDraftToRequest(draft);
    if ("errors" in result) save.fail(new ApiError(400, result.errors));
    else void save.run(result.body);
  }

  const heading = draft.id === null ? "New section" : `Edit ${initial.name}`;
  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label={heading}>
      <h3 style={{ margin: 0 }}>{heading}</h3>
      <ErrorMessage error={save.error} />
      <Field label="Section name" errors={errors.name}>
        <input type="text" maxLength={100} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
      </Field>
      <MemberPicker
        label="Staff"
        empty="The course has no instructors or assistants to choose from."
        students={staff}
        chosen={draft.staff}
        onChange={(next) => setDraft({ ...draft, staff: next })}
      />
      <FieldErrors errors={errors.staff} />
      <p className="muted small" style={{ margin: 0 }}>
        An assistant on a section&apos;s staff sees only its students in the gradebook and the grading queue.
      </p>
      <h4 style={{ margin: 0 }}>Dates</h4>
      <p className="muted small" style={{ margin: 0 }}>
        The section&apos;s students get these dates instead of the task&apos;s; a student&apos;s own extension still comes first. Each must lie
        within the task&apos;s own opening and closing dates.
      </p>
      <FieldErrors errors={errors.dates} />
      {draft.dates.map((row, index) => {
        const label = `Dates ${index + 1}`;
        const at = `dates.${index}`;
        const task = course.tasks.find((t) => String(t.id) === row.task);
        const taken = new Set(draft.dates.filter((_, i) => i !== index).map((d) => d.task));
        return (
          <fieldset key={row.key} className="stack">
            <legend>{label}</legend>
            <FieldErrors errors={errors[`${at}.non_field_errors`]} />
            <div className="form-grid">
              <Field label="Task" errors={errors[`${at}.task`]}>
                <select value={row.task} onChange={(e) => setDate(index, { task: e.target.value })}>
                  <option value="">Choose a task…</option>
                  {course.tasks.map((t) => (
                    <option key={t.id} value={String(t.id)} disabled={taken.has(String(t.id))}>
                      {t.title}
                    </option>
                  ))}
                </select>
              </Field>
              {DATE_FIELDS.map((field) => (
                <Field key={field.name} label={field.label} hint={row.task ? taskOwn(task, field.name) : undefined} errors={errors[`${at}.${field.name}`]}>
                  <input type="datetime-local" value={row[field.name]} onChange={(e) => setDate(index, { [field.name]: e.target.value })} />
                </Field>
              ))}
            </div>
            <div>
              <button
                type="button"
                className="secondary"
                aria-label={`Remove ${label}`}
                onClick={() => setDraft((d) => ({ ...d, dates: d.dates.filter((_, i) => i !== index) }))}
              >
                Remove
              </button>
            </div>
          </fieldset>
        );
      })}
      <div className="form-actions">
        <button
          type="button"
          className="secondary"
          disabled={draft.dates.length >= course.tasks.length}
          onClick={() => setDraft((d) => ({ ...d, dates: [...d.dates, newDateDraft()] }))}
        >
          Add dates for a task
        </button>
        <button type="submit" disabled={save.busy}>
          {save.busy ? "Saving…" : "Save section"}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function SectionCard({
  section,
  course,
  enrollments,
  canEdit,
  onEdit,
  onChanged,
}: {
  section: Section;
  course: CourseDetail;
  enrollments: Enrollment[];
  canEdit: boolean;
  onEdit: () => void;
  onChanged: (message: string) => void;
}) {
  const remove = useMutation(async () => {
    await unwrap(api.DELETE("/api/courses/{slug}/sections/{id}/", { params: { path: { slug: course.slug, id: section.id } } }));
    onChanged(`Deleted ${section.name}.`);
  });
  const staff = section.staff ?? [];
  const dates = section.dates ?? [];
  const headingId = `section-${section.id}`;
  return (
    <section className="card stack" aria-labelledby={headingId}>
      <div className="page-head">
        <h3 id={headingId} style={{ margin: 0 }}>
          {section.name}
        </h3>
        {canEdit && (
          <div className="row">
            <button type="button" className="secondary" onClick={onEdit} aria-label={`Edit ${section.name}`}>
              Edit
            </button>
            <button
              type="button"
              className="secondary"
              disabled={remove.busy}
              aria-label={`Delete ${section.name}`}
              onClick={() => {
                if (window.confirm(`Delete the section ${section.name}? Its students get the tasks' own dates again.`)) void remove.run();
              }}
            >
              Delete
            </button>
          </div>
        )}
      </div>
      <ErrorMessage error={remove.error} />
      <p style={{ margin: 0 }}>
        <strong>Staff:</strong> {staff.length === 0 ? "none" : staff.map((id) => staffName(enrollments, id)).join(", ")}
      </p>
      {dates.length === 0 ? (
        <p className="muted" style={{ margin: 0 }}>
          No dates of its own: its students get the tasks&apos; dates.
        </p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{`Dates of ${section.name}`}</caption>
            <thead>
              <tr>
                <th scope="col">Task</th>
                {DATE_FIELDS.map((field) => (
                  <th scope="col" key={field.name}>
                    {field.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {dates.map((d) => (
                <tr key={d.task}>
                  <th scope="row">{taskTitle(course, d.task)}</th>
                  {DATE_FIELDS.map((field) => (
                    <td key={field.name}>{d[field.name] ? formatDateTime(d[field.name]) : <span className="muted">task&apos;s own</span>}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The course's sections with their staff and dates; instructors create, edit and delete them, assistants read them. */
export function SectionsTab({ course }: { course: CourseDetail }) {
  const { user } = useAuth();
  const canEdit = course.my_role === "instructor" || user?.role === "admin";
  const sections = useSections(course.slug);
  // Who may be a section's staff: the course's active instructors and assistants.
  const staff = useCourseStaff(course.slug);
  const [editing, setEditing] = useState<SectionDraft | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const everyone = staff.data ?? [];
  const changed = (message: string) => {
    setNotice(message);
    void sections.reload();
  };
  return (
    <div className="stack">
      <p className="muted">
        A section is a part of the course with its own staff and, per task, its own dates (a lab group due two days later, say).
        Filter the gradebook and the grading queue by section.
      </p>
      {!canEdit && <Notice kind="info">Only the course&apos;s instructors change sections.</Notice>}
      {notice && <Notice kind="ok">{notice}</Notice>}
      <ErrorMessage error={staff.error} onRetry={() => void staff.reload()} />
      {canEdit &&
        (editing ? (
          <SectionEditor
            course={course}
            staff={everyone}
            initial={editing}
            onCancel={() => setEditing(null)}
            onSaved={(saved) => {
              setEditing(null);
              changed(`Saved ${saved.name}.`);
            }}
          />
        ) : (
          <div>
            <button type="button" onClick={() => setEditing(emptySectionDraft())}>
              New section
            </button>
          </div>
        ))}
      <QueryView query={sections} loadingLabel="Loading sections…">
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No sections yet.</p>
          ) : (
            <>
              {list.map((section) => (
                <SectionCard
                  key={section.id}
                  section={section}
                  course={course}
                  enrollments={everyone}
                  canEdit={canEdit}
                  onEdit={() => {
                    setNotice(null);
                    setEditing(sectionDraftOf(section));
                  }}
                  onChanged={changed}
                />
              ))}
            </>
          )
        }
      </QueryView>
    </div>
  );
}
