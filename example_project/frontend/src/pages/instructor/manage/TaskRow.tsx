import { useState, type FormEvent, type LiHTMLAttributes, type ReactNode } from "react";
import { api, unwrap } from "../../../api/client";
import { ApiError } from "../../../api/errors";
import type { CourseDetail, Task, TaskRequest } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { Badge, ErrorMessage } from "../../../components/Status";
import { kindLabel } from "../../../domain";
import { formatDateTime, plural } from "../../../format";
import { TaskEditor, draftToRequest, taskToDraft, type TaskDraft } from "../TaskEditor";

/** What the confirmation before deleting a task says: the submissions that go with it. */
export function deleteQuestion(title: string, submissions: number): string {
  const what =
    submissions === 0 ? "It has no submissions." : `Its ${plural(submissions, "submission")} will be deleted with it.`;
  return `Delete “${title}”? ${what} This cannot be undone.`;
}

/** What the confirmation before releasing a task's grades says. */
export function releaseQuestion(title: string): string {
  return `Release the grades of “${title}”? Every student will see their score and feedback. This cannot be undone.`;
}

/** Whether staff can still release the task's grades (an immediate task is always released). */
export function canRelease(task: Pick<Task, "release" | "released_at">): boolean {
  return task.release !== "immediate" && task.released_at === null;
}

/**
 * One task of the course: its summary, a Hide/Show toggle, Delete (after a confirmation that
 * counts the task's submissions), and an Edit form that opens in place. `controls` (the
 * move buttons) and `itemProps` (drag and drop) come from the list that orders the rows.
 */
export function TaskRow({
  task,
  course,
  onSaved,
  controls,
  itemProps,
}: {
  task: Task;
  course: CourseDetail;
  onSaved: () => void;
  controls?: ReactNode;
  itemProps?: LiHTMLAttributes<HTMLLIElement>;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<TaskDraft>(() => taskToDraft(task));
  // Saving and hiding share one busy flag and one error: both PATCH the same task.
  const patch = useMutation(async (body: Partial<TaskRequest>, closeEditor: boolean) => {
    await unwrap(api.PATCH("/api/tasks/{id}/", { params: { path: { id: task.id } }, body }));
    if (closeEditor) setEditing(false);
    onSaved();
  });

  // The count comes from the staff's submission list (its `count`), read when Delete is
  // pressed so the number is current.
  const remove = useMutation(async () => {
    const submissions = await unwrap(
      api.GET("/api/submissions/", { params: { query: { task: task.id, page_size: 1 } } }),
    );
    if (!window.confirm(deleteQuestion(task.title, submissions.count))) return;
    await unwrap(api.DELETE("/api/tasks/{id}/", { params: { path: { id: task.id } } }));
    onSaved();
  });

  const release = useMutation(async () => {
    if (!window.confirm(releaseQuestion(task.title))) return;
    await unwrap(api.POST("/api/tasks/{id}/release/", { params: { path: { id: task.id } } }));
    onSaved();
  });

  function save(event: FormEvent) {
    event.preventDefault();
    const result = draftToRequest(draft, task.position);
    if ("errors" in result) {
      patch.fail(new ApiError(400, result.errors));
      return;
    }
    void patch.run(result.body, true);
  }

  return (
    <li style={{ display: "block" }} {...itemProps}>
      <div className="row row--between">
        <div className="row">
          {controls}
          <div>
            <div className="row">
              <span className="task-title">{task.title}</span>
              <Badge tone="info">{kindLabel(task.kind)}</Badge>
              {!task.is_published && <Badge tone="warn">Hidden</Badge>}
              {task.release !== "immediate" &&
                (task.released_at ? (
                  <Badge tone="ok">Grades released</Badge>
                ) : (
                  <Badge tone="warn">{task.release === "manual" ? "Grades not released" : "Grades released after due"}</Badge>
                ))}
            </div>
            <div className="task-meta">
              <span>{plural(task.max_score, "point")}</span>
              <span>{task.max_attempts === null ? "unlimited attempts" : plural(task.max_attempts, "attempt")}</span>
              {task.weight !== 1 && <span>weight {task.weight}</span>}
              {task.due_at && <span>due {formatDateTime(task.due_at)}</span>}
            </div>
          </div>
        </div>
        <div className="row">
          {canRelease(task) && (
            <button type="button" className="secondary" disabled={release.busy} onClick={() => void release.run()}>
              Release grades
              <span className="visually-hidden"> of {task.title}</span>
            </button>
          )}
          <button
            type="button"
            className="secondary"
            disabled={patch.busy}
            onClick={() => void patch.run({ is_published: !task.is_published }, false)}
          >
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
          <button type="button" className="danger" disabled={remove.busy} onClick={() => void remove.run()}>
            Delete
            <span className="visually-hidden"> {task.title}</span>
          </button>
        </div>
      </div>
      <ErrorMessage error={remove.error} />
      <ErrorMessage error={release.error} />
      {!editing && <ErrorMessage error={patch.error} />}
      {editing && (
        <form onSubmit={save} noValidate style={{ marginTop: "0.75rem" }}>
          <ErrorMessage error={patch.error} />
          <TaskEditor
            legend={`Edit “${task.title}”`}
            draft={draft}
            onChange={setDraft}
            errors={patch.fields}
            otherTasks={course.tasks}
            course={course.slug}
          />
          <div className="form-actions">
            <button type="submit" disabled={patch.busy}>
              Save task
            </button>
          </div>
        </form>
      )}
    </li>
  );
}
