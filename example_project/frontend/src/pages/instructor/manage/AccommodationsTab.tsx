import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../../api/client";
import { ApiError } from "../../../api/errors";
import { useQuery } from "../../../api/hooks";
import type { Accommodation, CourseDetail, Enrollment } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { Field } from "../../../components/Field";
import { ErrorMessage, Notice, QueryView } from "../../../components/Status";
import { fullName, numberField, plural } from "../../../format";
import { useEnrollments } from "./useEnrollments";

/** The course's accommodations (first 100), by student. */
export function useAccommodations(slug: string) {
  return useQuery(
    (signal) =>
      unwrap(api.GET("/api/courses/{slug}/accommodations/", { params: { path: { slug }, query: { page_size: 100 } }, signal })),
    [slug],
  );
}

type Draft = { user: string; time_multiplier: string; extra_late_days: string; bonus_submissions: string; note: string };

const EMPTY: Draft = { user: "", time_multiplier: "1", extra_late_days: "0", bonus_submissions: "0", note: "" };

function draftOf(accommodation: Accommodation): Draft {
  return {
    user: String(accommodation.user.id),
    time_multiplier: String(accommodation.time_multiplier),
    extra_late_days: String(accommodation.extra_late_days),
    bonus_submissions: String(accommodation.bonus_submissions),
    note: accommodation.note,
  };
}

/** The body's number fields, or the fields the browser already knows hold no number. */
function numbersOf(draft: Draft) {
  const errors: Record<string, string[]> = {};
  const numbers = {
    time_multiplier: numberField(draft.time_multiplier, 1, "time_multiplier", errors),
    extra_late_days: numberField(draft.extra_late_days, 0, "extra_late_days", errors),
    bonus_submissions: numberField(draft.bonus_submissions, 0, "bonus_submissions", errors),
  };
  return { numbers, errors };
}

/** A time multiplier as the list shows it: "×1.5", or "×1 (none)". */
export function multiplierText(multiplier: number): string {
  return multiplier === 1 ? "×1 (none)" : `×${multiplier}`;
}

/**
 * Add an accommodation for a student without one (`editing` null), or change one (its student
 * stays). A second one for the same student is the API's 400 on `user`, shown by the picker.
 */
function AccommodationForm({
  course,
  editing,
  students,
  onSaved,
  onCancel,
}: {
  course: CourseDetail;
  editing: Accommodation | null;
  /** The students the picker offers (those without an accommodation). */
  students: Enrollment[];
  onSaved: (saved: Accommodation) => void;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(editing ? draftOf(editing) : EMPTY);
  const save = useMutation(async (numbers: ReturnType<typeof numbersOf>["numbers"]) => {
    const saved = editing
      ? await unwrap(
          api.PATCH("/api/courses/{slug}/accommodations/{id}/", {
            params: { path: { slug: course.slug, id: editing.id } },
            body: { ...numbers, note: draft.note },
          }),
        )
      : await unwrap(
          api.POST("/api/courses/{slug}/accommodations/", {
            params: { path: { slug: course.slug } },
            body: { user: Number(draft.user), ...numbers, note: draft.note },
          }),
        );
    if (!editing) setDraft(EMPTY);
    onSaved(saved);
  });
  const fields = save.fields;
  const heading = editing ? `Edit the accommodation of ${fullName(editing.user)}` : "Add an accommodation";

  function submit(event: FormEvent) {
    event.preventDefault();
    const { numbers, errors } = numbersOf(draft);
    if (Object.keys(errors).length > 0) {
      save.fail(new ApiError(400, errors));
      return;
    }
    void save.run(numbers);
  }

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label={heading}>
      <h3 style={{ margin: 0 }}>{heading}</h3>
      <ErrorMessage error={save.error} />
      <div className="form-grid">
        {!editing && (
          <Field label="Student" errors={fields.user}>
            <select value={draft.user} onChange={(e) => setDraft({ ...draft, user: e.target.value })}>
              <option value="">Choose a student…</option>
              {students.map((s) => (
                <option key={s.user.id} value={s.user.id}>
                  {fullName(s.user)}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Time multiplier" hint="Multiplies every timed task's limit: 1.5 is 50 % more time. More than 0, at most 10." errors={fields.time_multiplier}>
          <input
            type="number"
            min={0}
            max={10}
            step="any"
            value={draft.time_multiplier}
            onChange={(e) => setDraft({ ...draft, time_multiplier: e.target.value })}
          />
        </Field>
        <Field label="Extra late days" hint={`Added to the course's bank of ${plural(course.late_days, "late day")}.`} errors={fields.extra_late_days}>
          <input
            type="number"
            min={0}
            step={1}
            value={draft.extra_late_days}
            onChange={(e) => setDraft({ ...draft, extra_late_days: e.target.value })}
          />
        </Field>
        <Field label="Bonus submissions" hint="Added to every daily submission limit of the course." errors={fields.bonus_submissions}>
          <input
            type="number"
            min={0}
            step={1}
            value={draft.bonus_submissions}
            onChange={(e) => setDraft({ ...draft, bonus_submissions: e.target.value })}
          />
        </Field>
      </div>
      <Field label="Note" hint="For the staff only (the student never sees it)." errors={fields.note}>
        <textarea rows={2} maxLength={2000} value={draft.note} onChange={(e) => setDraft({ ...draft, note: e.target.value })} />
      </Field>
      <div className="form-actions">
        <button type="submit" disabled={save.busy || (!editing && !draft.user)}>
          {editing ? "Save accommodation" : "Add accommodation"}
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

/**
 * What single students of the course get beyond its rules (docs/accommodations.md,
 * "Accommodations"): more time on timed tasks, extra late days, bonus daily submissions.
 */
export function AccommodationsTab({ course }: { course: CourseDetail }) {
  const accommodations = useAccommodations(course.slug);
  const enrollments = useEnrollments(course.slug);
  const [editing, setEditing] = useState<number | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const remove = useMutation(async (accommodation: Accommodation) => {
    await unwrap(
      api.DELETE("/api/courses/{slug}/accommodations/{id}/", { params: { path: { slug: course.slug, id: accommodation.id } } }),
    );
    setDone(`Removed the accommodation of ${fullName(accommodation.user)}.`);
    await accommodations.reload();
  });
  const taken = new Set((accommodations.data?.results ?? []).map((a) => a.user.id));
  const students = (enrollments.data?.results ?? []).filter(
    (e) => e.role === "student" && e.status === "active" && !taken.has(e.user.id),
  );

  function confirmRemove(accommodation: Accommodation) {
    const question = `Remove the accommodation of ${fullName(accommodation.user)}? Late days they already spent stay spent.`;
    if (!window.confirm(question)) return;
    setDone(null);
    void remove.run(accommodation);
  }

  return (
    <div className="stack">
      <p className="muted small">
        One per student, seen by the course&apos;s staff; the student sees what applies to them on the course page, not the note.
      </p>
      {done && <Notice kind="ok">{done}</Notice>}
      <ErrorMessage error={remove.error} />
      <ErrorMessage error={enrollments.error} onRetry={() => void enrollments.reload()} />
      <section className="stack" aria-labelledby="accommodation-list">
        <h3 id="accommodation-list" style={{ margin: 0 }}>
          Accommodations
        </h3>
        <QueryView query={accommodations} loadingLabel="Loading accommodations…">
          {(page) =>
            page.results.length === 0 ? (
              <p className="muted">No accommodations yet.</p>
            ) : (
              <div className="table-wrap">
                <table>
                  <caption className="visually-hidden">Accommodations</caption>
                  <thead>
                    <tr>
                      <th scope="col">Student</th>
                      <th scope="col">Time multiplier</th>
                      <th scope="col">Extra late days</th>
                      <th scope="col">Bonus submissions</th>
                      <th scope="col">Note</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.results.map((accommodation) =>
                      editing === accommodation.id ? (
                        <tr key={accommodation.id}>
                          <td colSpan={6}>
                            <AccommodationForm
                              course={course}
                              editing={accommodation}
                              students={[]}
                              onCancel={() => setEditing(null)}
                              onSaved={(saved) => {
                                setEditing(null);
                                setDone(`Saved the accommodation of ${fullName(saved.user)}.`);
                                void accommodations.reload();
                              }}
                            />
                          </td>
                        </tr>
                      ) : (
                        <tr key={accommodation.id}>
                          <td>{fullName(accommodation.user)}</td>
                          <td>{multiplierText(accommodation.time_multiplier)}</td>
                          <td>{accommodation.extra_late_days}</td>
                          <td>{accommodation.bonus_submissions}</td>
                          <td>{accommodation.note || "—"}</td>
                          <td className="row">
                            <button
                              type="button"
                              className="secondary"
                              aria-label={`Edit the accommodation of ${fullName(accommodation.user)}`}
                              onClick={() => {
                                setDone(null);
                                setEditing(accommodation.id);
                              }}
                            >
                              Edit
                            </button>
                            <button
                              type="button"
                              className="secondary"
                              aria-label={`Remove the accommodation of ${fullName(accommodation.user)}`}
                              disabled={remove.busy}
                              onClick={() => confirmRemove(accommodation)}
                            >
                              Remove
                            </button>
                          </td>
                        </tr>
                      ),
                    )}
                  </tbody>
                </table>
              </div>
            )
          }
        </QueryView>
      </section>
      <AccommodationForm
        course={course}
        editing={null}
        students={students}
        onSaved={(saved) => {
          setDone(`Added an accommodation for ${fullName(saved.user)}.`);
          void accommodations.reload();
        }}
      />
    </div>
  );
}
