import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../../api/client";
import { ApiError } from "../../../api/errors";
import type { CourseDetail, TaskRequest } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { ErrorMessage } from "../../../components/Status";
import { TaskEditor, draftToRequest, type TaskDraft } from "../TaskEditor";

/** The form that adds one task at the end of the course. */
export function NewTaskForm({
  course,
  initialDraft,
  onAdded,
  onCancel,
}: {
  course: CourseDetail;
  initialDraft: TaskDraft;
  onAdded: () => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(initialDraft);
  const add = useMutation(async (body: TaskRequest) => {
    await unwrap(api.POST("/api/courses/{slug}/tasks/", { params: { path: { slug: course.slug } }, body }));
    onAdded();
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const result = draftToRequest(draft, course.tasks.length + 1);
    if ("errors" in result) {
      add.fail(new ApiError(400, result.errors));
      return;
    }
    void add.run(result.body);
  }

  return (
    <form className="card" onSubmit={submit} noValidate>
      <ErrorMessage error={add.error} />
      <TaskEditor
        legend="New task"
        draft={draft}
        onChange={setDraft}
        errors={add.fields}
        otherTasks={course.tasks}
        onRemove={onCancel}
        course={course.slug}
      />
      <div className="form-actions">
        <button type="submit" disabled={add.busy}>
          {add.busy ? "Adding…" : "Add task"}
        </button>
      </div>
    </form>
  );
}
