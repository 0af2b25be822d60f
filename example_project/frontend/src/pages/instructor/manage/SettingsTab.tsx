import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../../api/client";
import { ApiError } from "../../../api/errors";
import { useQuery } from "../../../api/hooks";
import type { CourseDetail, CourseSettingsRequest } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { Field } from "../../../components/Field";
import { ErrorMessage, Notice } from "../../../components/Status";
import { numberField, plural } from "../../../format";

/** How many students are active in the course now (the list's count, one row fetched). */
function useActiveStudentCount(slug: string) {
  return useQuery(
    async (signal) =>
      (
        await unwrap(
          api.GET("/api/courses/{slug}/enrollments/", {
            params: { path: { slug }, query: { role: "student", status: "active", page_size: 1 } },
            signal,
          }),
        )
      ).count,
    [slug],
  );
}

/** The browser's IANA zones, for suggestions (the server decides what it knows). */
const TIME_ZONES: string[] = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

/** Whether the browser knows `name` as a time zone ("UTC" always). */
export function isTimeZone(name: string): boolean {
  if (!name) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * The course's title, description, capacity and enrollment switch, edited after creation
 * (`PATCH courses/{slug}/`). The slug never changes, so it is shown, not edited.
 */
export function SettingsTab({ course, onSaved }: { course: CourseDetail; onSaved: (next: CourseDetail) => void }) {
  const [title, setTitle] = useState(course.title);
  const [description, setDescription] = useState(course.description);
  const [capacity, setCapacity] = useState(course.capacity === null ? "" : String(course.capacity));
  const [enrollmentOpen, setEnrollmentOpen] = useState(course.enrollment_open);
  const [timeZone, setTimeZone] = useState(course.timezone);
  const [lateDays, setLateDays] = useState(String(course.late_days));
  const [lateDaysCap, setLateDaysCap] = useState(course.max_late_days_per_task === null ? "" : String(course.max_late_days_per_task));
  const zoneError = isTimeZone(timeZone.trim()) ? null : `Unknown time zone “${timeZone.trim()}”.`;
  const [saved, setSaved] = useState(false);
  const students = useActiveStudentCount(course.slug);
  const save = useMutation(async (body: CourseSettingsRequest) => {
    const next = await unwrap(api.PATCH("/api/courses/{slug}/", { params: { path: { slug: course.slug } }, body }));
    setSaved(true);
    onSaved(next);
  });
  const fields = save.fields;
  const wanted = capacity.trim() === "" ? null : Number(capacity);
  const enrolled = students.data;
  const overCapacity = wanted !== null && enrolled !== undefined && wanted < enrolled;

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    if (zoneError) return;
    const local: Record<string, string[]> = {};
    const body: CourseSettingsRequest = {
      title: title.trim(),
      description,
      capacity: wanted,
      enrollment_open: enrollmentOpen,
      timezone: timeZone.trim(),
      late_days: numberField(lateDays, 0, "late_days", local),
      max_late_days_per_task: numberField(lateDaysCap, null, "max_late_days_per_task", local),
    };
    if (Object.keys(local).length > 0) {
      save.fail(new ApiError(400, local));
      return;
    }
    void save.run(body);
  }

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-labelledby="course-settings">
      <h3 id="course-settings" style={{ margin: 0 }}>
        Course settings
      </h3>
      {saved && <Notice kind="ok">Settings saved.</Notice>}
      <ErrorMessage error={save.error} />
      <div className="form-grid">
        <Field label="Title" errors={fields.title}>
          <input type="text" value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field label="Web address (slug)" hint="Fixed once the course exists.">
          <input type="text" value={course.slug} readOnly />
        </Field>
      </div>
      <Field label="Description" hint="Markdown." errors={fields.description}>
        <textarea rows={4} value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      <div className="form-grid">
        <Field
          label="Capacity"
          hint={
            enrolled === undefined
              ? "Most active students; empty for no limit."
              : `Most active students; empty for no limit. ${plural(enrolled, "student")} enrolled now.`
          }
          errors={fields.capacity}
        >
          <input type="number" min={0} value={capacity} onChange={(e) => setCapacity(e.target.value)} />
        </Field>
        <Field
          label="Time zone"
          hint="An IANA name such as Europe/Vienna: daily submission budgets reset at its midnight."
          errors={fields.timezone ?? (zoneError ? [zoneError] : undefined)}
        >
          <input type="text" list="time-zones" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />
        </Field>
        <datalist id="time-zones">
          {TIME_ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      </div>
      <fieldset className="stack">
        <legend>Late days</legend>
        <div className="form-grid">
          <Field
            label="Late days per student"
            hint="The bank each student may spend on tasks that allow late days, instead of the late deduction; an accommodation adds to it. 0 for none. Days already spent stay spent."
            errors={fields.late_days}
          >
            <input type="number" min={0} step={1} value={lateDays} onChange={(e) => setLateDays(e.target.value)} />
          </Field>
          <Field
            label="Most late days on one task"
            hint="A submission later than this is deducted as usual. Empty for no cap."
            errors={fields.max_late_days_per_task}
          >
            <input type="number" min={0} step={1} value={lateDaysCap} onChange={(e) => setLateDaysCap(e.target.value)} />
          </Field>
        </div>
      </fieldset>
      {overCapacity && (
        <Notice kind="warn">
          That is fewer than the {plural(enrolled ?? 0, "student")} enrolled now: they all stay, and nobody else can enroll
          themselves until some leave. Staff can still add people.
        </Notice>
      )}
      <label className="checkbox">
        <input type="checkbox" checked={enrollmentOpen} onChange={(e) => setEnrollmentOpen(e.target.checked)} />
        Enrollment open (students may enroll themselves)
      </label>
      {fields.enrollment_open && <p className="field-error">{fields.enrollment_open.join(" ")}</p>}
      <div className="form-actions">
        <button type="submit" disabled={save.busy}>
          {save.busy ? "Saving…" : "Save settings"}
        </button>
      </div>
    </form>
  );
}
