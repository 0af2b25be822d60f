import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../../api/client";
import { useQuery } from "../../../api/hooks";
import type { CourseDetail, Extension } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { Field } from "../../../components/Field";
import { ErrorMessage, Notice, QueryView } from "../../../components/Status";
import { formatDateTime, fromLocalInput, fullName } from "../../../format";
import { useEnrollments } from "./useEnrollments";

/** The course's extensions (first 100), by student and task. */
export function useExtensions(slug: string) {
  return useQuery(
    (signal) =>
      unwrap(api.GET("/api/courses/{slug}/extensions/", { params: { path: { slug }, query: { page_size: 100 } }, signal })),
    [slug],
  );
}

/** What an extension moves: its task's title, or every task of the course. */
function taskLabel(course: CourseDetail, extension: Extension): string {
  if (extension.task === null) return "All tasks";
  return course.tasks.find((t) => t.id === extension.task)?.title ?? `Task ${extension.task}`;
}

/** The extensions granted so far, each with a button that revokes it after a confirmation. */
export function ExtensionList({ course, extensions }: { course: CourseDetail; extensions: ReturnType<typeof useExtensions> }) {
  const [revoked, setRevoked] = useState<string | null>(null);
  const revoke = useMutation(async (extension: Extension, label: string) => {
    await unwrap(api.DELETE("/api/extensions/{id}/", { params: { path: { id: extension.id } } }));
    setRevoked(`Revoked the extension of ${label}.`);
    await extensions.reload();
  });

  function confirmRevoke(extension: Extension) {
    const label = `${fullName(extension.user)} for ${taskLabel(course, extension)}`;
    const question = `Revoke the extension of ${label}? Their submissions are judged by the task's own due date again.`;
    if (!window.confirm(question)) return;
    setRevoked(null);
    void revoke.run(extension, label);
  }

  return (
    <section className="stack" aria-labelledby="extension-list">
      <h3 id="extension-list" style={{ margin: 0 }}>
        Extensions granted
      </h3>
      {revoked && <Notice kind="ok">{revoked}</Notice>}
      <ErrorMessage error={revoke.error} />
      <QueryView query={extensions} loadingLabel="Loading extensions…">
        {(page) =>
          page.results.length === 0 ? (
            <p className="muted">No extensions yet.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Extensions granted</caption>
                <thead>
                  <tr>
                    <th scope="col">Student</th>
                    <th scope="col">Task</th>
                    <th scope="col">Due</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Granted by</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.results.map((extension) => (
                    <tr key={extension.id}>
                      <td>{fullName(extension.user)}</td>
                      <td>{taskLabel(course, extension)}</td>
                      <td>{formatDateTime(extension.due_at)}</td>
                      <td>{extension.reason || "—"}</td>
                      <td>{extension.granted_by ? fullName(extension.granted_by) : "—"}</td>
                      <td>
                        <button
                          type="button"
                          className="secondary"
                          disabled={revoke.busy}
                          aria-label={`Revoke the extension of ${fullName(extension.user)} for ${taskLabel(course, extension)}`}
                          onClick={() => confirmRevoke(extension)}
                        >
                          Revoke
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </section>
  );
}

/** The course's extensions, and a form that moves one student's due date, for one task or for the whole course. */
export function ExtensionsTab({ course }: { course: CourseDetail }) {
  const enrollments = useEnrollments(course.slug);
  const extensions = useExtensions(course.slug);
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
    // The list shows the new (or replaced) extension.
    void extensions.reload();
  });
  const fields = grant.fields;
  const students = (enrollments.data?.results ?? []).filter((e) => e.role === "student");

  function submit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    void grant.run();
  }

  return (
    <div className="stack">
    <ExtensionList course={course} extensions={extensions} />
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
    </div>
  );
}
