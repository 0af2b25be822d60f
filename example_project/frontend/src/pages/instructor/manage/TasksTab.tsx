import { useState } from "react";
import type { CourseDetail } from "../../../api/types";
import { newTaskDraft, type TaskDraft } from "../TaskEditor";
import { NewTaskForm } from "./NewTaskForm";
import { TaskRow } from "./TaskRow";

/** The course's tasks, each editable in place, and a button that opens the new-task form. */
export function TasksTab({ course, reload }: { course: CourseDetail; reload: () => void }) {
  const [newDraft, setNewDraft] = useState<TaskDraft | null>(null);

  return (
    <div className="stack">
      {course.tasks.length === 0 ? (
        <p className="muted">No tasks yet.</p>
      ) : (
        <ul className="task-list card">
          {course.tasks.map((task) => (
            <TaskRow key={task.id} task={task} course={course} onSaved={reload} />
          ))}
        </ul>
      )}
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
