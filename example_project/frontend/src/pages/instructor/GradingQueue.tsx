import { useState } from "react";
import { Link } from "react-router";
import { api, unwrap } from "../../api/client";
import { useQuery } from "../../api/hooks";
import type { Submission } from "../../api/types";
import { Field } from "../../components/Field";
import { Notice, QueryView } from "../../components/Status";
import { StudentName } from "../../components/StudentName";
import { formatDateTime, formatPoints, fullName } from "../../format";
import { GradeForm, submissionHeading } from "./GradeForm";
import { SectionFilter, sectionParam } from "./SectionFilter";

const PAGE_SIZE = 50;

/** The keyboard grading screen of one submission, in the queue of `course` (or of every course). */
export function gradingScreenPath(id: number, course?: string): string {
  return `/grading/submissions/${id}${course ? `?${new URLSearchParams({ course })}` : ""}`;
}

/** The submission to open after `graded` left the list: the one after it, else the first. */
function nextAfter(before: Submission[], graded: number): Submission | undefined {
  const index = before.findIndex((s) => s.id === graded);
  const rest = before.filter((s) => s.id !== graded);
  return rest[Math.max(index, 0)] ?? rest[0];
}

type View = "waiting" | "graded";

export type Assigned = "any" | "me" | "none";

const ASSIGNED: { value: Assigned; label: string }[] = [
  { value: "any", label: "Anyone or nobody" },
  { value: "me", label: "Me" },
  { value: "none", label: "Nobody" },
];

const VIEWS: Record<View, { label: string; status: "needs_review" | "graded"; ordering: string; caption: string }> = {
  waiting: { label: "Waiting", status: "needs_review", ordering: "submitted_at", caption: "Submissions waiting for a grade" },
  graded: { label: "Graded", status: "graded", ordering: "-evaluated_at", caption: "Graded submissions" },
};

const VIEW_NAMES: readonly View[] = ["waiting", "graded"];

/**
 * Submissions waiting for a person to grade them, oldest first: of one course, or of every
 * course taught. The oldest opens in a grade form; saving opens the next one. The "Graded"
 * view lists graded ones, latest first, to override a grade and read its history.
 */
export function GradingQueue({ course, refreshKey }: { course?: string; refreshKey?: number }) {
  const [view, setView] = useState<View>("waiting");
  const [graded, setGraded] = useState(0);
  const [selected, setSelected] = useState<number | null>(null);
  const [overridden, setOverridden] = useState<Submission | null>(null);
  const [assigned, setAssigned] = useState<Assigned>("any");
  const [chosenCourse, setChosenCourse] = useState("");
  const [task, setTask] = useState("");
  const [section, setSection] = useState("");
  const { status, ordering, caption } = VIEWS[view];
  const slug = course ?? (chosenCourse || undefined);
  const taskId = task ? Number(task) : undefined;
  const sectionId = sectionParam(section);
  const queue = useQuery(
    (signal) =>
      view === "waiting"
        ? // The grading queue: needs_review answers of every course taught, with who grades them.
          unwrap(
            api.GET("/api/grading/queue/", {
              params: { query: { course: slug, task: taskId, section: sectionId, assigned, page_size: PAGE_SIZE } },
              signal,
            }),
          )
        : unwrap(
            api.GET("/api/submissions/", {
              params: { query: { status, mine: "teaching", course: slug, task: taskId, section: sectionId, ordering, page_size: PAGE_SIZE } },
              signal,
            }),
          ),
    [view, slug, taskId, sectionId, assigned, status, ordering, refreshKey],
  );

  function filter(update: () => void) {
    update();
    setSelected(null);
    setGraded(0);
    setOverridden(null);
  }

  function show(next: View) {
    setView(next);
    setSelected(null);
    setGraded(0);
    setOverridden(null);
  }

  function onGraded(updated: Submission) {
    const current = queue.data;
    if (!current) return;
    if (view === "graded") {
      // A graded answer stays open, so its history shows the change just made.
      setOverridden(updated);
      queue.setData({ ...current, results: current.results.map((s) => (s.id === updated.id ? updated : s)) });
      return;
    }
    const next = nextAfter(current.results, updated.id);
    const results = current.results.filter((s) => s.id !== updated.id);
    setGraded((n) => n + 1);
    setSelected(next?.id ?? null);
    if (results.length === 0 && current.count > current.results.length) {
      // This page is done but more wait beyond it.
      void queue.reload();
      return;
    }
    queue.setData({ ...current, count: current.count - 1, results });
  }

  return (
    <div className="stack">
            <div className="row" role="group" aria-label="Show">
              {VIEW_NAMES.map((name) => (
                <button
                  key={name}
                  type="button"
                  className={name === view ? "small" : "secondary small"}
                  aria-pressed={name === view}
                  onClick={() => show(name)}
                >
                  {VIEWS[name].label}
                </button>
              ))}
            </div>
            <QueueFilters
              course={course}
              chosenCourse={chosenCourse}
              task={task}
              section={section}
              assigned={view === "waiting" ? assigned : null}
              onCourse={(value) =>
                filter(() => {
                  setChosenCourse(value);
                  setTask("");
                  // Section ids belong to one course.
                  setSection("");
                })
              }
              onTask={(value) => filter(() => setTask(value))}
              onSection={(value) => filter(() => setSection(value))}
              onAssigned={(value) => filter(() => setAssigned(value))}
            />
    <QueryView query={queue} loadingLabel="Loading the grading queue…">
      {(page) => {
        const open = page.results.find((s) => s.id === selected) ?? page.results[0];
        return (
          <div className="stack">
            {overridden && <Notice kind="ok">Saved the grade of {submissionHeading(overridden)}.</Notice>}
            {graded > 0 && (
              <Notice kind="ok">
                Graded {graded} {graded === 1 ? "submission" : "submissions"}.
              </Notice>
            )}
            {!open ? (
              <div className="card empty-state" role="status">
                <h3 style={{ margin: 0 }}>{view === "graded" ? "Nothing graded yet" : "Queue empty"}</h3>
                <p className="muted" style={{ margin: 0 }}>
                  {view === "graded"
                    ? "Graded answers appear here, latest first."
                    : graded > 0
                      ? "You graded everything that was waiting."
                      : "No answer is waiting for a grade."}
                </p>
              </div>
            ) : (
              <div className="grading-layout">
                <section aria-labelledby="queue-heading">
                  <h2 id="queue-heading" className="small-heading">
                    {view === "graded" ? `${page.count} graded, latest first` : `${page.count} waiting, oldest first`}
                  </h2>
                  <div className="table-wrap">
                    <table>
                      <caption className="visually-hidden">{caption}</caption>
                      <thead>
                        <tr>
                          <th scope="col">Student</th>
                          <th scope="col">Task</th>
                          {!course && <th scope="col">Course</th>}
                          {view === "graded" && <th scope="col">Score</th>}
                          {view === "waiting" && <th scope="col">Assigned to</th>}
                          {view === "waiting" && <th scope="col">Claimed by</th>}
                          <th scope="col">Submitted</th>
                          <th scope="col">
                            <span className="visually-hidden">Open</span>
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {page.results.map((submission) => {
                          const current = submission.id === open.id;
                          return (
                            <tr key={submission.id} className={current ? "is-current" : undefined} aria-current={current || undefined}>
                              <th scope="row">
                                <StudentName student={submission.student} />
                              </th>
                              <td>{submission.task_title}</td>
                              {!course && <td>{submission.course.title}</td>}
                              {view === "graded" && <td>{formatPoints(submission.score, submission.max_score)}</td>}
                              {view === "waiting" && <td>{submission.assigned_to ? fullName(submission.assigned_to) : "—"}</td>}
                              {view === "waiting" && (
                                <td>
                                  {submission.claimed_by
                                    ? `${fullName(submission.claimed_by)}${submission.claimed_at ? ` since ${formatDateTime(submission.claimed_at)}` : ""}`
                                    : "—"}
                                </td>
                              )}
                              <td>
                                {formatDateTime(submission.submitted_at)}
                                {submission.is_late && " · late"}
                              </td>
                              <td>
                                <button
                                  type="button"
                                  className="secondary small"
                                  disabled={current}
                                  aria-label={`Open ${submissionHeading(submission)}`}
                                  onClick={() => setSelected(submission.id)}
                                >
                                  {current ? "Open" : view === "graded" ? "Review" : "Grade"}
                                </button>{" "}
                                {view === "waiting" && (
                                  <Link
                                    className="small"
                                    to={gradingScreenPath(submission.id, course)}
                                    aria-label={`Grade ${submissionHeading(submission)} from the keyboard`}
                                  >
                                    Keyboard
                                  </Link>
                                )}
                              </td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </div>
                  {page.count > page.results.length && (
                    <p className="muted small">
                      {view === "graded"
                        ? `Showing the latest ${page.results.length}.`
                        : `Showing the oldest ${page.results.length}; the rest appear as you grade.`}
                    </p>
                  )}
                </section>
                <GradeForm key={open.id} submission={open} onGraded={onGraded} autoFocus={graded > 0 || selected !== null} />
              </div>
            )}
          </div>
        );
      }}
    </QueryView>
    </div>
  );
}

/**
 * The queue's filters: whose answers (assigned to me, to nobody, or all), and the course
 * (when the queue spans every course taught), task and section (when the course has any). Courses come from the courses the
 * caller teaches or assists, tasks from the chosen course.
 */
function QueueFilters({
  course,
  chosenCourse,
  task,
  section,
  assigned,
  onCourse,
  onTask,
  onSection,
  onAssigned,
}: {
  course: string | undefined;
  chosenCourse: string;
  task: string;
  section: string;
  assigned: Assigned | null;
  onCourse: (slug: string) => void;
  onTask: (task: string) => void;
  onSection: (section: string) => void;
  onAssigned: (assigned: Assigned) => void;
}) {
  const slug = course ?? chosenCourse;
  const courses = useQuery(
    (signal) =>
      course
        ? Promise.resolve(null)
        : unwrap(api.GET("/api/courses/", { params: { query: { mine: "teaching", page_size: 100 } }, signal })),
    [course],
  );
  const detail = useQuery(
    (signal) => (slug ? unwrap(api.GET("/api/courses/{slug}/", { params: { path: { slug } }, signal })) : Promise.resolve(null)),
    [slug],
  );
  return (
    <div className="row" role="group" aria-label="Filters">
      {assigned !== null && (
        <Field label="Assigned to">
          <select value={assigned} onChange={(event) => {
              const picked = ASSIGNED.find((option) => option.value === event.target.value);
              if (picked) onAssigned(picked.value);
            }}>
            {ASSIGNED.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
      )}
      {!course && (
        <Field label="Course">
          <select value={chosenCourse} onChange={(event) => onCourse(event.target.value)}>
            <option value="">Every course</option>
            {(courses.data?.results ?? []).map((c) => (
              <option key={c.slug} value={c.slug}>
                {c.title}
              </option>
            ))}
          </select>
        </Field>
      )}
      {slug && (
        <Field label="Task">
          <select value={task} onChange={(event) => onTask(event.target.value)}>
            <option value="">Every task</option>
            {(detail.data?.tasks ?? []).map((t) => (
              <option key={t.id} value={String(t.id)}>
                {t.title}
              </option>
            ))}
          </select>
        </Field>
      )}
      {slug && <SectionFilter course={slug} value={section} onChange={onSection} />}
    </div>
  );
}
