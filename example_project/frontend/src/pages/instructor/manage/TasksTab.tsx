import { useLayoutEffect, useRef, useState, type DragEvent } from "react";
import { api, unwrap } from "../../../api/client";
import { ApiError } from "../../../api/errors";
import type { CourseDetail, Task } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { ErrorMessage } from "../../../components/Status";
import { newTaskDraft, type TaskDraft } from "../TaskEditor";
import { MoveButtons, type MoveDirection } from "./MoveButtons";
import { NewTaskForm } from "./NewTaskForm";
import { TaskRow } from "./TaskRow";

/** `ids` with the id at `from` moved to index `to`. */
export function moveId(ids: number[], from: number, to: number): number[] {
  const next = ids.filter((_, index) => index !== from);
  next.splice(to, 0, ids[from]!);
  return next;
}

/** A 400 on `order` (the list no longer matches the course's tasks) as its own message. */
function orderError(error: unknown): unknown {
  const messages = error instanceof ApiError ? error.fields.order : undefined;
  return messages?.length ? new Error(`${messages.join(" ")} Reload the page to see the current tasks.`) : error;
}

/** The reorder endpoint's largest page: enough for the whole order of any real course. */
const WHOLE_ORDER = 100;

/**
 * The course's tasks, each editable in place, in an order the instructor changes with the
 * move buttons or by dragging a row; and a button that opens the new-task form.
 *
 * A move sends the whole order to `POST courses/{slug}/tasks/reorder/` and shows the order
 * the server answers (never a guess), then reads the course again.
 */
export function TasksTab({ course, reload }: { course: CourseDetail; reload: () => void }) {
  const [newDraft, setNewDraft] = useState<TaskDraft | null>(null);
  // The server's answer to the last reorder, until the course is read again.
  const [answered, setAnswered] = useState<{ for: Task[]; tasks: Task[] } | null>(null);
  const tasks = answered && answered.for === course.tasks ? answered.tasks : course.tasks;
  const listRef = useRef<HTMLUListElement>(null);
  // The move button to focus once the new order is on screen: the moved row moves in the DOM,
  // and a node that moves loses focus.
  const refocus = useRef<{ task: number; move: "up" | "down" } | null>(null);
  const dragged = useRef<number | null>(null);
  const [dropTarget, setDropTarget] = useState<number | null>(null);

  const reorder = useMutation(async (order: number[]) => {
    const answer = await unwrap(
      api.POST("/api/courses/{slug}/tasks/reorder/", {
        params: { path: { slug: course.slug }, query: { page_size: WHOLE_ORDER } },
        body: { order },
      }),
    );
    if (answer.results.length === answer.count) setAnswered({ for: course.tasks, tasks: answer.results });
    reload();
  }, { mapError: orderError });

  useLayoutEffect(() => {
    const target = refocus.current;
    if (!target) return;
    refocus.current = null;
    listRef.current
      ?.querySelector<HTMLButtonElement>(`button[data-task="${target.task}"][data-move="${target.move}"]`)
      ?.focus();
  }, [tasks]);

  const ids = tasks.map((task) => task.id);

  function move(index: number, direction: MoveDirection) {
    refocus.current = { task: ids[index]!, move: direction === -1 ? "up" : "down" };
    void reorder.run(moveId(ids, index, index + direction)).then((result) => {
      if (!result.ok) refocus.current = null;
    });
  }

  function dropOn(index: number, event: DragEvent<HTMLLIElement>) {
    event.preventDefault();
    setDropTarget(null);
    const from = dragged.current === null ? -1 : ids.indexOf(dragged.current);
    dragged.current = null;
    if (from < 0 || from === index || reorder.busy) return;
    void reorder.run(moveId(ids, from, index));
  }

  return (
    <div className="stack">
      {tasks.length === 0 ? (
        <p className="muted">No tasks yet.</p>
      ) : (
        <>
          <p className="hint" id="task-order-hint" style={{ margin: 0 }}>
            Change the order with the arrow buttons, or drag a task by its handle.
          </p>
          <ul className="task-list card" ref={listRef} aria-describedby="task-order-hint" aria-busy={reorder.busy}>
            {tasks.map((task, index) => (
              <TaskRow
                key={task.id}
                task={task}
                course={course}
                onSaved={reload}
                controls={
                  <>
                    <span
                      className="drag-handle"
                      draggable
                      title="Drag to move"
                      aria-hidden="true"
                      onDragStart={(event) => {
                        dragged.current = task.id;
                        event.dataTransfer?.setData("text/plain", String(task.id));
                        if (event.dataTransfer) event.dataTransfer.effectAllowed = "move";
                      }}
                      onDragEnd={() => {
                        dragged.current = null;
                        setDropTarget(null);
                      }}
                    >
                      ⠿
                    </span>
                    <MoveButtons
                      taskId={task.id}
                      title={task.title}
                      first={index === 0}
                      last={index === tasks.length - 1}
                      busy={reorder.busy}
                      onMove={(direction) => move(index, direction)}
                    />
                  </>
                }
                itemProps={{
                  className: dropTarget === task.id ? "drop-target" : undefined,
                  onDragOver: (event) => {
                    if (dragged.current === null) return;
                    event.preventDefault();
                    setDropTarget(task.id);
                  },
                  onDragLeave: () => setDropTarget((current) => (current === task.id ? null : current)),
                  onDrop: (event) => dropOn(index, event),
                }}
              />
            ))}
          </ul>
        </>
      )}
      <ErrorMessage error={reorder.error} />
      {newDraft ? (
        <NewTaskForm
          key={newDraft.key}
          course={course}
          initialDraft={newDraft}
          onAdded={() => {
            setNewDraft(null);
            reload();
          }}
          onCancel={() => setNewDraft(null)}
        />
      ) : (
        <div>
          <button type="button" className="secondary" onClick={() => setNewDraft(newTaskDraft())}>
            Add a task
          </button>
        </div>
      )}
    </div>
  );
}
