import { useState } from "react";
import { api, unwrap } from "../../../api/client";
import { useQuery } from "../../../api/hooks";
import type { components } from "../../../api/schema";
import type { CourseDetail, UserSummary } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { Field } from "../../../components/Field";
import { ErrorMessage, Notice, QueryView } from "../../../components/Status";
import { fullName, plural } from "../../../format";

type AssignResult = components["schemas"]["GradingAssignResult"];

/** The course's active instructors and assistants: who may grade (`graders` of an assign). */
export function useCourseStaff(slug: string) {
  return useQuery(async (signal) => {
    const [instructors, assistants] = await Promise.all(
      (["instructor", "assistant"] as const).map((role) =>
        unwrap(
          api.GET("/api/courses/{slug}/enrollments/", {
            params: { path: { slug }, query: { role, status: "active", page_size: 100 } },
            signal,
          }),
        ),
      ),
    );
    return [...(instructors?.results ?? []), ...(assistants?.results ?? [])];
  }, [slug]);
}

/**
 * "Assign grading": an instructor picks graders among the course's staff (and optionally a
 * task) and hands them the unassigned answers waiting for review in turn
 * (`POST courses/{slug}/grading/assign/`); below, what each grader has assigned and graded
 * (`GET courses/{slug}/grading/progress/`). Assistants see the progress only.
 */
export function AssignGrading({
  course,
  canAssign,
  onAssigned,
}: {
  course: CourseDetail;
  canAssign: boolean;
  onAssigned?: () => void;
}) {
  const [graders, setGraders] = useState<number[]>([]);
  const [task, setTask] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const progress = useQuery(
    (signal) =>
      unwrap(api.GET("/api/courses/{slug}/grading/progress/", { params: { path: { slug: course.slug } }, signal })),
    [course.slug],
  );
  const assign = useMutation(async () => {
    const result: AssignResult = await unwrap(
      api.POST("/api/courses/{slug}/grading/assign/", {
        params: { path: { slug: course.slug } },
        body: { graders, task: task ? Number(task) : null },
      }),
    );
    setDone(
      result.assigned === 0
        ? "Nothing to assign: no unassigned answer is waiting for review."
        : `Assigned ${plural(result.assigned, "submission")}.`,
    );
    await progress.reload();
    onAssigned?.();
  });

  function toggle(id: number, on: boolean) {
    setGraders((current) => (on ? [...current, id] : current.filter((g) => g !== id)));
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setDone(null);
    if (graders.length === 0) {
      assign.fail(new Error("Pick at least one grader."));
      return;
    }
    void assign.run();
  }

  return (
    <section className="card stack" aria-labelledby="assign-heading">
      <h2 id="assign-heading" className="small-heading">
        Assign grading
      </h2>
      {canAssign && <AssignForm course={course} graders={graders} task={task} busy={assign.busy} onToggle={toggle} onTask={setTask} onSubmit={submit} />}
      {canAssign && <ErrorMessage error={assign.error} />}
      {done && <Notice kind="ok">{done}</Notice>}
      <QueryView query={progress} loadingLabel="Loading grading progress…">
        {(rows) =>
          rows.length === 0 ? (
            <p className="muted">Nobody has answers assigned to grade yet.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>Progress per grader</caption>
                <thead>
                  <tr>
                    <th scope="col">Grader</th>
                    <th scope="col">Assigned</th>
                    <th scope="col">Graded</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.grader.id}>
                      <th scope="row">{fullName(row.grader)}</th>
                      <td>{row.assigned}</td>
                      <td>{row.graded}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </section>
  );
}

function AssignForm({
  course,
  graders,
  task,
  busy,
  onToggle,
  onTask,
  onSubmit,
}: {
  course: CourseDetail;
  graders: number[];
  task: string;
  busy: boolean;
  onToggle: (id: number, on: boolean) => void;
  onTask: (task: string) => void;
  onSubmit: (event: React.FormEvent) => void;
}) {
  const staff = useCourseStaff(course.slug);
  return (
    <form className="stack" aria-label="Assign grading" onSubmit={onSubmit}>
      <QueryView query={staff} loadingLabel="Loading course staff…">
        {(people) => (
          <fieldset>
            <legend>Graders</legend>
            {people.map((enrollment) => (
              <GraderCheckbox
                key={enrollment.user.id}
                user={enrollment.user}
                role={enrollment.role}
                checked={graders.includes(enrollment.user.id)}
                onChange={(on) => onToggle(enrollment.user.id, on)}
              />
            ))}
          </fieldset>
        )}
      </QueryView>
      <Field label="Task" hint="Only this task's answers; every task when none is chosen.">
        <select value={task} onChange={(event) => onTask(event.target.value)}>
          <option value="">Every task</option>
          {course.tasks.map((t) => (
            <option key={t.id} value={String(t.id)}>
              {t.title}
            </option>
          ))}
        </select>
      </Field>
      <div className="row">
        <button type="submit" disabled={busy}>
          {busy ? "Assigning…" : "Assign"}
        </button>
      </div>
    </form>
  );
}

function GraderCheckbox({
  user,
  role,
  checked,
  onChange,
}: {
  user: UserSummary;
  role: string;
  checked: boolean;
  onChange: (on: boolean) => void;
}) {
  return (
    <label className="row" style={{ gap: "0.5rem" }}>
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      {fullName(user)} <span className="muted small">{role}</span>
    </label>
  );
}
