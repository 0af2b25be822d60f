import { useId } from "react";
import { api, unwrap } from "../../../api/client";
import type { CourseDetail } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { ErrorMessage } from "../../../components/Status";

type Transition = "publish" | "archive";

/** Why `course` cannot be published yet, or null when it can (the API's 409 `course_empty`). */
export function publishBlocker(course: Pick<CourseDetail, "tasks">): string | null {
  return course.tasks.some((task) => task.is_published)
    ? null
    : "Publishing needs at least one task that is visible to students.";
}

/**
 * Publish a draft course, or archive a published one (after a confirmation). Publishing a
 * course with no visible task is refused by the API, so the button says why before the click;
 * the API's refusal still shows if the tasks changed elsewhere.
 */
export function StatusActions({ course, onChange }: { course: CourseDetail; onChange: (c: CourseDetail) => void }) {
  const blockerId = useId();
  const transition = useMutation(async (action: Transition) => {
    const params = { params: { path: { slug: course.slug } } };
    const updated =
      action === "publish"
        ? await unwrap(api.POST("/api/courses/{slug}/publish/", params))
        : await unwrap(api.POST("/api/courses/{slug}/archive/", params));
    onChange({ ...course, ...updated });
  });
  const blocker = course.status === "draft" ? publishBlocker(course) : null;

  function start(action: Transition) {
    if (action === "archive" && !window.confirm(`Archive “${course.title}”? Students can no longer submit.`)) return;
    void transition.run(action);
  }

  return (
    <div className="stack" style={{ alignItems: "flex-end" }}>
      <div className="row">
        {course.status === "draft" && (
          <button
            type="button"
            disabled={transition.busy || blocker !== null}
            aria-describedby={blocker ? blockerId : undefined}
            onClick={() => start("publish")}
          >
            Publish
          </button>
        )}
        {course.status === "published" && (
          <button type="button" className="danger" disabled={transition.busy} onClick={() => start("archive")}>
            Archive
          </button>
        )}
      </div>
      {blocker && (
        <p id={blockerId} className="hint" style={{ margin: 0 }}>
          {blocker}
        </p>
      )}
      <ErrorMessage error={transition.error} />
    </div>
  );
}
