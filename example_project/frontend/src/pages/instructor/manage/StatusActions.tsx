import { api, unwrap } from "../../../api/client";
import type { CourseDetail } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { ErrorMessage } from "../../../components/Status";

type Transition = "publish" | "archive";

/** Publish a draft course, or archive a published one (after a confirmation). */
export function StatusActions({ course, onChange }: { course: CourseDetail; onChange: (c: CourseDetail) => void }) {
  const transition = useMutation(async (action: Transition) => {
    const params = { params: { path: { slug: course.slug } } };
    const updated =
      action === "publish"
        ? await unwrap(api.POST("/api/courses/{slug}/publish/", params))
        : await unwrap(api.POST("/api/courses/{slug}/archive/", params));
    onChange({ ...course, ...updated });
  });

  function start(action: Transition) {
    if (action === "archive" && !window.confirm(`Archive “${course.title}”? Students can no longer submit.`)) return;
    void transition.run(action);
  }

  return (
    <div className="row">
      {course.status === "draft" && (
        <button type="button" disabled={transition.busy} onClick={() => start("publish")}>
          Publish
        </button>
      )}
      {course.status === "published" && (
        <button type="button" className="danger" disabled={transition.busy} onClick={() => start("archive")}>
          Archive
        </button>
      )}
      <ErrorMessage error={transition.error} />
    </div>
  );
}
