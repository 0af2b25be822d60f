import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { api, unwrap } from "../api/client";
import { useQuery } from "../api/hooks";
import type { Course } from "../api/types";
import { useDocumentTitle } from "../components/Layout";
import { summary } from "../components/Markdown";
import { Pagination } from "../components/Pagination";
import { Badge, QueryView } from "../components/Status";
import { fullName } from "../format";

const PAGE_SIZE = 12;

export function CourseCard({ course }: { course: Course }) {
  return (
    <article className="card course-card">
      <div className="row row--between">
        <h2>
          <Link to={`/courses/${course.slug}`}>{course.title}</Link>
        </h2>
        {course.status !== "published" && <Badge tone="warn">{course.status}</Badge>}
        {course.is_enrolled && <Badge tone="ok">Enrolled</Badge>}
      </div>
      {course.description && <p>{summary(course.description)}</p>}
      <p className="muted small">
        {course.task_count} {course.task_count === 1 ? "task" : "tasks"}
        {course.instructors.length > 0 && <> · by {course.instructors.map(fullName).join(", ")}</>}
      </p>
    </article>
  );
}

export function CatalogPage() {
  useDocumentTitle("Courses");
  const [params, setParams] = useSearchParams();
  const search = params.get("search") ?? "";
  const page = Number(params.get("page") ?? "1") || 1;
  const [draft, setDraft] = useState(search);
  // A new search in the URL (back button, a link) replaces what is typed in the box.
  const [draftFor, setDraftFor] = useState(search);
  if (draftFor !== search) {
    setDraftFor(search);
    setDraft(search);
  }

  const courses = useQuery(
    (signal) =>
      unwrap(
        api.GET("/api/courses/", {
          params: { query: { search: search || undefined, page, page_size: PAGE_SIZE } },
          signal,
        }),
      ),
    [search, page],
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    if (draft.trim()) next.set("search", draft.trim());
    setParams(next);
  }

  return (
    <>
      <div className="page-head">
        <h1>Courses</h1>
      </div>
      <form role="search" className="row" onSubmit={submit} style={{ marginBottom: "1rem" }}>
        <label htmlFor="course-search" className="visually-hidden">
          Search courses
        </label>
        <input
          id="course-search"
          type="search"
          placeholder="Search by title or description"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          style={{ flex: "1 1 220px", width: "auto" }}
        />
        <button type="submit">Search</button>
        {search && (
          <button type="button" className="secondary" onClick={() => setParams(new URLSearchParams())}>
            Clear
          </button>
        )}
      </form>
      <QueryView query={courses} loadingLabel="Loading courses…">
        {(data) =>
          data.results.length === 0 ? (
            <p className="muted" role="status">
              {search ? `No courses match “${search}”.` : "No courses have been published yet."}
            </p>
          ) : (
            <>
              <p className="muted small" role="status">
                {data.count} {data.count === 1 ? "course" : "courses"}
                {search && <> matching “{search}”</>}
              </p>
              <div className="grid">
                {data.results.map((course) => (
                  <CourseCard key={course.slug} course={course} />
                ))}
              </div>
              <Pagination
                page={page}
                pageSize={PAGE_SIZE}
                count={data.count}
                onPage={(p) => {
                  const next = new URLSearchParams(params);
                  next.set("page", String(p));
                  setParams(next);
                }}
              />
            </>
          )
        }
      </QueryView>
    </>
  );
}
