import { useState, type FormEvent } from "react";
import { Link, NavLink, Route, Routes, useLocation, useParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { useQuery } from "../../api/hooks";
import type { CourseDetail, Task } from "../../api/types";
import { Field } from "../../components/Field";
import { useDocumentTitle } from "../../components/Layout";
import { Badge, ErrorMessage, Notice, QueryView } from "../../components/Status";
import { kindLabel } from "../../domain";
import { formatDateTime, fromLocalInput, fullName, plural } from "../../format";
import { GradebookTab } from "./GradebookTab";
import { GradingQueue } from "./GradingQueue";
import { TaskEditor, draftToRequest, newTaskDraft, taskToDraft, type TaskDraft } from "./TaskEditor";

function StatusActions({ course, onChange }: { course: CourseDetail; onChange: (c: CourseDetail) => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function transition(action: "publish" | "archive") {
    if (action === "archive" && !window.confirm(`Archive “${course.title}”? Students can no longer submit.`)) return;
    setBusy(true);
    setError(null);
    try {
      const params = { params: { path: { slug: course.slug } } };
      const updated =
        action === "publish"
          ? await unwrap(api.POST("/api/courses/{slug}/publish/", params))
          : await unwrap(api.POST("/api/courses/{slug}/archive/", params));
      onChange({ ...course, ...updated });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="row">
      {course.status === "draft" && (
        <button type="button" disabled={busy} onClick={() => transition("publish")}>
          Publish
        </button>
      )}
      {course.status === "published" && (
        <button type="button" className="danger" disabled={busy} onClick={() => transition("archive")}>
          Archive
        </button>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}

function TaskRowEditor({ task, course, onSaved }: { task: Task; course: CourseDetail; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<TaskDraft>(() => taskToDraft(task));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    const result = draftToRequest(draft, task.position);
    if ("error" in result) {
      setError(new ApiError(400, { config: [result.error] }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.PATCH("/api/tasks/{id}/", { params: { path: { id: task.id } }, body: result.body }));
      setEditing(false);
      onSaved();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  async function togglePublished() {
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.PATCH("/api/tasks/{id}/", { params: { path: { id: task.id } }, body: { is_published: !task.is_published } }));
      onSaved();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li style={{ display: "block" }}>
      <div className="row row--between">
        <div>
          <div className="row">
            <span className="task-title">{task.title}</span>
            <Badge tone="info">{kindLabel(task.kind)}</Badge>
            {!task.is_published && <Badge tone="warn">Hidden</Badge>}
          </div>
          <div className="task-meta">
            <span>{plural(task.max_score, "point")}</span>
            <span>{task.max_attempts === null ? "unlimited attempts" : plural(task.max_attempts, "attempt")}</span>
            {task.due_at && <span>due {formatDateTime(task.due_at)}</span>}
          </div>
        </div>
        <div className="row">
          <button type="button" className="secondary" disabled={busy} onClick={togglePublished}>
            {task.is_published ? "Hide" : "Show"}
            <span className="visually-hidden"> {task.title}</span>
          </button>
          <button
            type="button"
            className="secondary"
            aria-expanded={editing}
            onClick={() => {
              setDraft(taskToDraft(task));
              setEditing(!editing);
            }}
          >
            {editing ? "Cancel" : "Edit"}
            <span className="visually-hidden"> {task.title}</span>
          </button>
        </div>
      </div>
      {!editing && <ErrorMessage error={error} />}
      {editing && (
        <form onSubmit={save} noValidate style={{ marginTop: "0.75rem" }}>
          <ErrorMessage error={error} />
          <TaskEditor
            legend={`Edit “${task.title}”`}
            draft={draft}
            onChange={setDraft}
            errors={error instanceof ApiError ? error.fields : {}}
            otherTasks={course.tasks}
          />
          <div className="form-actions">
            <button type="submit" disabled={busy}>
              Save task
            </button>
          </div>
        </form>
      )}
    </li>
  );
}

function TasksTab({ course, reload }: { course: CourseDetail; reload: () => void }) {
  const [draft, setDraft] = useState<TaskDraft | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function add(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    const result = draftToRequest(draft, course.tasks.length + 1);
    if ("error" in result) {
      setError(new ApiError(400, { config: [result.error] }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST("/api/courses/{slug}/tasks/", { params: { path: { slug: course.slug } }, body: result.body }));
      setDraft(null);
      reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack">
      {course.tasks.length === 0 ? (
        <p className="muted">No tasks yet.</p>
      ) : (
        <ul className="task-list card">
          {course.tasks.map((task) => (
            <TaskRowEditor key={task.id} task={task} course={course} onSaved={reload} />
          ))}
        </ul>
      )}
      {draft ? (
        <form className="card" onSubmit={add} noValidate>
          <ErrorMessage error={error} />
          <TaskEditor
            legend="New task"
            draft={draft}
            onChange={setDraft}
            errors={error instanceof ApiError ? error.fields : {}}
            otherTasks={course.tasks}
            onRemove={() => setDraft(null)}
          />
          <div className="form-actions">
            <button type="submit" disabled={busy}>
              {busy ? "Adding…" : "Add task"}
            </button>
          </div>
        </form>
      ) : (
        <div>
          <button type="button" className="secondary" onClick={() => setDraft(newTaskDraft())}>
            Add a task
          </button>
        </div>
      )}
    </div>
  );
}

function useEnrollments(slug: string, refreshKey?: string) {
  return useQuery(
    (signal) =>
      unwrap(
        api.GET("/api/courses/{slug}/enrollments/", { params: { path: { slug }, query: { page_size: 100 } }, signal }),
      ),
    [slug, refreshKey],
  );
}

function EnrollmentsTab({ course }: { course: CourseDetail }) {
  const enrollments = useEnrollments(course.slug);
  const [user, setUser] = useState("");
  const [role, setRole] = useState<"student" | "assistant" | "instructor">("student");
  const [error, setError] = useState<unknown>(null);
  const [added, setAdded] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = error instanceof ApiError ? error.fields : {};

  async function add(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setAdded(null);
    try {
      const created = await unwrap(
        api.POST("/api/courses/{slug}/enrollments/", {
          params: { path: { slug: course.slug } },
          body: { user: Number(user), role },
        }),
      );
      setAdded(`Added ${fullName(created.user)} as ${created.role}.`);
      setUser("");
      void enrollments.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack">
      <QueryView query={enrollments} loadingLabel="Loading enrollments…">
        {(page) =>
          page.results.length === 0 ? (
            <p className="muted">Nobody is enrolled yet.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Enrollments</caption>
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col" className="num">
                      ID
                    </th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    <th scope="col">Since</th>
                  </tr>
                </thead>
                <tbody>
                  {page.results.map((enrollment) => (
                    <tr key={enrollment.id}>
                      <td>{fullName(enrollment.user)}</td>
                      <td className="num">{enrollment.user.id}</td>
                      <td>{enrollment.role}</td>
                      <td>
                        <Badge tone={enrollment.status === "active" ? "ok" : undefined}>{enrollment.status}</Badge>
                      </td>
                      <td>{formatDateTime(enrollment.created)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
      <form className="card" onSubmit={add} noValidate>
        <h3>Add a person</h3>
        {added && <Notice kind="ok">{added}</Notice>}
        <ErrorMessage error={error} />
        <div className="form-grid">
          <Field label="User ID" errors={fields.user}>
            <input type="number" min={1} value={user} onChange={(e) => setUser(e.target.value)} />
          </Field>
          <Field label="Course role" errors={fields.role}>
            <select value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
              <option value="student">Student</option>
              <option value="assistant">Assistant</option>
              <option value="instructor">Instructor</option>
            </select>
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" disabled={busy || !user}>
            Add
          </button>
        </div>
      </form>
    </div>
  );
}

function ExtensionsTab({ course }: { course: CourseDetail }) {
  const enrollments = useEnrollments(course.slug);
  const [user, setUser] = useState("");
  const [task, setTask] = useState("");
  const [dueAt, setDueAt] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = error instanceof ApiError ? error.fields : {};
  const students = (enrollments.data?.results ?? []).filter((e) => e.role === "student");

  async function grant(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const body = {
        user: Number(user),
        task: task ? Number(task) : null,
        due_at: fromLocalInput(dueAt) ?? "",
        reason,
      };
      const created = await unwrap(
        api.POST("/api/courses/{slug}/extensions/", { params: { path: { slug: course.slug } }, body }),
      );
      const what = course.tasks.find((t) => t.id === created.task)?.title ?? "every task";
      setDone(`Extended ${what} for ${fullName(created.user)} until ${formatDateTime(created.due_at)}.`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={grant} noValidate>
      <h3>Grant a deadline extension</h3>
      <p className="muted small">Moves one student's due date, for one task or for the whole course.</p>
      {done && <Notice kind="ok">{done}</Notice>}
      <ErrorMessage error={error} />
      <ErrorMessage error={enrollments.error} onRetry={enrollments.reload} />
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
        <button type="submit" disabled={busy || !user || !dueAt}>
          Grant extension
        </button>
      </div>
    </form>
  );
}

export function ManageCoursePage() {
  const { slug = "" } = useParams();
  const location = useLocation();
  const created = (location.state as { created?: boolean } | null)?.created;
  const course = useQuery(
    (signal) => unwrap(api.GET("/api/courses/{slug}/", { params: { path: { slug } }, signal })),
    [slug],
  );
  // Read again on every tab change, so names of students who just enrolled show up.
  const enrollments = useEnrollments(slug, location.pathname);
  useDocumentTitle(course.data ? `Manage ${course.data.title}` : "Manage course");
  const base = `/teach/${slug}`;
  const studentNames = new Map((enrollments.data?.results ?? []).map((e) => [e.user.id, fullName(e.user)]));

  return (
    <QueryView query={course} loadingLabel="Loading course…">
      {(data) => (
        <>
          <p className="muted small" style={{ margin: 0 }}>
            <Link to="/teach">Teaching</Link> /
          </p>
          <div className="page-head">
            <div>
              <h1>{data.title}</h1>
              <div className="row">
                <Badge tone={data.status === "published" ? "ok" : "warn"}>{data.status}</Badge>
                <Link to={`/courses/${data.slug}`}>View as a student</Link>
              </div>
            </div>
            <StatusActions course={data} onChange={(next) => course.setData(next)} />
          </div>
          {created && <Notice kind="ok">Course created as a draft. Publish it when it is ready.</Notice>}
          <nav className="tabs" aria-label="Course management">
            <NavLink to={base} end>
              Tasks
            </NavLink>
            <NavLink to={`${base}/enrollments`}>Enrollments</NavLink>
            <NavLink to={`${base}/extensions`}>Extensions</NavLink>
            <NavLink to={`${base}/gradebook`}>Gradebook</NavLink>
            <NavLink to={`${base}/grading`}>Grading queue</NavLink>
          </nav>
          <Routes>
            <Route index element={<TasksTab course={data} reload={course.reload} />} />
            <Route path="enrollments" element={<EnrollmentsTab course={data} />} />
            <Route path="extensions" element={<ExtensionsTab course={data} />} />
            <Route path="gradebook" element={<GradebookTab course={data} />} />
            <Route
              path="grading"
              element={
                <GradingQueue
                  course={data.slug}
                  taskTitles={new Map(data.tasks.map((t) => [t.id, t.title]))}
                  studentNames={studentNames}
                />
              }
            />
          </Routes>
        </>
      )}
    </QueryView>
  );
}
