import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../../api/client";
import type { CourseDetail } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { Field } from "../../../components/Field";
import { ErrorMessage, Notice } from "../../../components/Status";
import { formatDateTime, fromLocalInput, fullName } from "../../../format";
import { useEnrollments } from "./useEnrollments";

/** A form that moves one student's due date, for one task or for the whole course. */
export function ExtensionsTab({ course }: { course: CourseDetail }) {
  const enrollments = useEnrollments(course.slug);
  const [user, setUser] = useState("");
  const [task, setTask] = useState("");
  const [dueAt, setDueAt] = useState("");
  const [reason, setReason] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const grant = useMutation(async () => {
    const body = {
      user: Number(user),
      task: task ? Number(task) : null,
      due_at: fromLocalInput(dueAt) ?? "",
      reason,
    };
    const created = await unwrap(api.POST("/api/courses/{slug}/extensions/", { params: { path: { slug: course.slug } }, body }));
    const what = course.tasks.find((t) => t.id === created.task)?.title ?? "every task";
    setDone(`Extended ${what} for ${fullName(created.user)} until ${formatDateTime(created.due_at)}.`);
  });
  const fields = grant.fields;
  const students = (enrollments.data?.results ?? []).filter((e) => e.role === "student");

  function submit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    void grant.run();
  }

  return (
    <form className="card" onSubmit={submit} noValidate>
      <h3>Grant a deadline extension</h3>
      <p className="muted small">Moves one student's due date, for one task or for the whole course.</p>
      {done && <Notice kind="ok">{done}</Notice>}
      <ErrorMessage error={grant.error} />
      <ErrorMessage error={enrollments.error} onRetry={() => void enrollments.reload()} />
      <div className="form-grid">
        <Field label="Student" errors={fields.user}>
          <select value={user} onChange={(e) => setUser(e.target.value)}>
            <option value="">Choose a student…</option>
            {students.map((s) => (
              <option key={s.user.id} value={s.user.id}>
                {fullName(s.user)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Task" errors={fields.task}>
          <select value={task} onChange={(e) => setTask(e.target.value)}>
            <option value="">All tasks of the course</option>
            {course.tasks.map((t) => (
              <option key={t.id} value={t.id}>
                {t.title}
              </option>
            ))}
          </select>
        </Field>
        <Field label="New due date" errors={fields.due_at}>
          <input type="datetime-local" value={dueAt} onChange={(e) => setDueAt(e.target.value)} />
        </Field>
      </div>
      <Field label="Reason (optional)" errors={fields.reason}>
        <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <div className="form-actions">
        <button type="submit" disabled={grant.busy || !user || !dueAt}>
          Grant extension
        </button>
      </div>
    </form>
  );
}
