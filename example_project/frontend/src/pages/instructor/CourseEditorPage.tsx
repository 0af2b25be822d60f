import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { api, unwrap } from "../../api/client";
import type { CourseCreateRequest, CourseTaskInputRequest } from "../../api/types";
import { useMutation } from "../../api/useMutation";
import { Field } from "../../components/Field";
import { useDocumentTitle } from "../../components/Layout";
import { ErrorMessage } from "../../components/Status";
import { slugify } from "../../format";
import { BUILTIN_KINDS, TaskEditor, draftToRequest, newTaskDraft, type TaskDraft } from "./TaskEditor";
import { KIND_LABELS } from "../../domain";

/** Errors under `prefix.` with the prefix removed: `tasks.1.config.answers` → `config.answers`. */
export function errorsUnder(fields: Record<string, string[]>, prefix: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [path, messages] of Object.entries(fields)) {
    if (path.startsWith(`${prefix}.`)) result[path.slice(prefix.length + 1)] = messages;
    else if (path === prefix) result.non_field_errors = messages;
  }
  return result;
}

export function CourseEditorPage() {
  useDocumentTitle("New course");
  const navigate = useNavigate();
  const [title, setTitle] = useState("");
  const [slug, setSlug] = useState("");
  const [slugTouched, setSlugTouched] = useState(false);
  const [description, setDescription] = useState("");
  const [enrollmentOpen, setEnrollmentOpen] = useState(true);
  const [capacity, setCapacity] = useState("");
  const [tasks, setTasks] = useState<TaskDraft[]>([newTaskDraft("exact")]);
  const [newKind, setNewKind] = useState<string>("exact");
  // Errors the browser found in the task drafts; the API's own come with `create.fields`.
  const [localTaskErrors, setLocalTaskErrors] = useState<Record<string, string[]>>({});
  const create = useMutation(async (body: CourseCreateRequest) => {
    const created = await unwrap(api.POST("/api/courses/", { body }));
    await navigate(`/teach/${created.slug}`, { state: { created: true } });
  });
  const fields = create.fields;
  const taskErrors = Object.keys(localTaskErrors).length > 0 ? localTaskErrors : create.fields;

  function submit(event: FormEvent) {
    event.preventDefault();
    create.reset();
    const local: Record<string, string[]> = {};
    const bodies: CourseTaskInputRequest[] = [];
    tasks.forEach((draft, index) => {
      const result = draftToRequest(draft, index + 1);
      if ("errors" in result) {
        for (const [path, messages] of Object.entries(result.errors)) local[`tasks.${index}.${path}`] = messages;
      } else {
        bodies.push(result.body);
      }
    });
    setLocalTaskErrors(local);
    if (Object.keys(local).length) return;

    const body: CourseCreateRequest = {
      // Only a slug the instructor typed: the server makes one from the title otherwise, and
      // picks a free one (algebra-2) when the title's is taken.
      slug: slugTouched && slug.trim() ? slug.trim() : undefined,
      title: title.trim(),
      description,
      enrollment_open: enrollmentOpen,
      capacity: capacity.trim() === "" ? null : Number(capacity),
      tasks: bodies,
    };
    void create.run(body);
  }

  return (
    <>
      <p className="muted small" style={{ margin: 0 }}>
        <Link to="/teach">Teaching</Link> /
      </p>
      <h1>New course</h1>
      <form onSubmit={submit} noValidate className="stack">
        <ErrorMessage error={create.error} />
        <section className="card" aria-labelledby="course-fields">
          <h2 id="course-fields" style={{ marginTop: 0 }}>
            Course
          </h2>
          <div className="form-grid">
            <Field label="Title" errors={fields.title}>
              <input
                type="text"
                value={title}
                onChange={(e) => {
                  setTitle(e.target.value);
                  if (!slugTouched) setSlug(slugify(e.target.value));
                }}
              />
            </Field>
            <Field label="Web address (slug)" hint="Lowercase letters, digits and hyphens. Leave it to be made from the title (with -2, -3… when taken); it never changes later." errors={fields.slug}>
              <input
                type="text"
                value={slug}
                onChange={(e) => {
                  // Emptied again: back to following the title.
                  setSlugTouched(e.target.value.trim() !== "");
                  setSlug(e.target.value);
                }}
              />
            </Field>
          </div>
          <Field label="Description" errors={fields.description}>
            <textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
          </Field>
          <div className="form-grid" style={{ marginTop: "0.85rem" }}>
            <Field label="Capacity" hint="Most active students; empty for no limit." errors={fields.capacity}>
              <input type="number" min={1} value={capacity} onChange={(e) => setCapacity(e.target.value)} />
            </Field>
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={enrollmentOpen} onChange={(e) => setEnrollmentOpen(e.target.checked)} />
            Enrollment open
          </label>
        </section>

        <section aria-labelledby="tasks-fields" className="stack">
          <h2 id="tasks-fields">Tasks</h2>
          {tasks.length === 0 && <p className="muted">No tasks yet: you can add them now or later.</p>}
          {tasks.map((draft, index) => (
            <div className="card" key={draft.key}>
              <TaskEditor
                legend={`Task ${index + 1}`}
                draft={draft}
                errors={errorsUnder(taskErrors, `tasks.${index}`)}
                onChange={(next) => setTasks((all) => all.map((t) => (t.key === draft.key ? next : t)))}
                onRemove={() => setTasks((all) => all.filter((t) => t.key !== draft.key))}
              />
            </div>
          ))}
          <div className="row">
            <label htmlFor="new-task-kind">New task of type</label>
            <select id="new-task-kind" value={newKind} onChange={(e) => setNewKind(e.target.value)} style={{ width: "auto" }}>
              {BUILTIN_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {KIND_LABELS[kind]}
                </option>
              ))}
            </select>
            <button type="button" className="secondary" onClick={() => setTasks((all) => [...all, newTaskDraft(newKind)])}>
              Add task
            </button>
          </div>
        </section>

        <div className="form-actions">
          <button type="submit" disabled={create.busy}>
            {create.busy ? "Creating…" : "Create course"}
          </button>
          <span className="muted small">The course starts as a draft; publish it when it is ready.</span>
        </div>
      </form>
    </>
  );
}
