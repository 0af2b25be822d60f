import { Link } from "react-router";
import type { Task } from "../api/types";

/**
 * Links to the previous and next published task of the course, in course order (the order
 * the course detail lists its tasks in). Unpublished tasks, which only staff see, are
 * skipped; the first task has no "previous" and the last no "next".
 */
export function TaskNav({ slug, tasks, current }: { slug: string; tasks: Task[]; current: number }) {
  const published = tasks.filter((t) => t.is_published);
  const index = published.findIndex((t) => t.id === current);
  if (index < 0) return null;
  const previous = published[index - 1];
  const next = published[index + 1];
  if (!previous && !next) return null;
  return (
    <nav className="task-nav row row--between" aria-label="Tasks of this course">
      {previous ? (
        <Link to={`/courses/${slug}/tasks/${previous.id}`} rel="prev">
          ← Previous task: {previous.title}
        </Link>
      ) : (
        <span />
      )}
      {next && (
        <Link to={`/courses/${slug}/tasks/${next.id}`} rel="next">
          Next task: {next.title} →
        </Link>
      )}
    </nav>
  );
}
