/**
 * A student's course grade, group by group: each assignment group's weight (under the
 * weighted scheme), its kept points and percent, then its tasks with dropped ones struck
 * through and named as such, and held-back grades said in words instead of a score.
 */

import type { CourseProgress, GroupFigures, TaskProgress } from "../api/types";
import { missingScoreText } from "../domain";
import { courseScoreExplanation, formatCourseScore, formatPercent, formatPoints } from "../format";
import { Badge } from "./Status";

/** A course whose only group is the implicit one: nothing to break down by. */
export function hasGroups(progress: Pick<CourseProgress, "groups">): boolean {
  return progress.groups.some((group) => group.group !== null);
}

/** "Points: 42 / 60 (70%)" or "Weighted: 70%", then the letter when the course has a scale. */
export function CourseTotal({ progress }: { progress: CourseProgress }) {
  const hasDrops = progress.groups.some((group) => group.dropped.length > 0);
  return (
    <span className="course-total">
      <strong title={courseScoreExplanation(progress.grading_scheme, hasDrops)}>{formatCourseScore(progress)}</strong>
      {progress.letter !== null && (
        <span className="letter-grade">
          Letter grade <strong>{progress.letter}</strong>
        </span>
      )}
    </span>
  );
}

function taskPercent(task: TaskProgress): string {
  if (task.score === null || task.max_score <= 0) return "—";
  return formatPercent((100 * task.score) / task.max_score);
}

function TaskRow({ task, weightColumn }: { task: TaskProgress; weightColumn: boolean }) {
  const missing = missingScoreText(task);
  const points = formatPoints(task.score, task.max_score);
  const dropped = task.dropped && (
    <>
      {" "}
      <Badge tone="warn">Dropped — lowest score</Badge>
    </>
  );
  return (
    <tr className={task.dropped ? "breakdown__task is-dropped" : "breakdown__task"}>
      <th scope="row">
        {task.title}
        {task.weight !== 1 && <span className="muted small"> (counts ×{task.weight})</span>}
      </th>
      {weightColumn && <td />}
      {missing ? (
        <td colSpan={2} className="breakdown__note">
          {missing}
          {dropped}
        </td>
      ) : (
        <>
          <td className="num">
            {task.dropped ? <s>{points}</s> : points}
            {dropped}
          </td>
          <td className="num">{task.dropped ? <s>{taskPercent(task)}</s> : taskPercent(task)}</td>
        </>
      )}
    </tr>
  );
}

function GroupRows({
  group,
  tasks,
  weightColumn,
}: {
  group: GroupFigures;
  tasks: TaskProgress[];
  weightColumn: boolean;
}) {
  return (
    <tbody>
      <tr className="breakdown__group">
        <th scope="rowgroup">{group.name}</th>
        {weightColumn && (
          <td className="num">{group.weight === null ? "—" : `${formatPercent(group.weight)} of the course`}</td>
        )}
        <td className="num">{formatPoints(group.score, group.max_score)}</td>
        <td className="num">{formatPercent(group.percent)}</td>
      </tr>
      {tasks.map((task) => (
        <TaskRow key={task.task} task={task} weightColumn={weightColumn} />
      ))}
    </tbody>
  );
}

export function GradeBreakdown({ progress, caption }: { progress: CourseProgress; caption: string }) {
  const weightColumn = progress.grading_scheme === "weighted";
  const known = new Set(progress.groups.map((group) => group.group));
  // A task whose group has no figures (it should not happen) still shows, with the others outside groups.
  const groupOf = (task: TaskProgress) => (known.has(task.group) ? task.group : null);
  return (
    <div className="table-wrap">
      <table className="breakdown">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Group and task</th>
            {weightColumn && (
              <th scope="col" className="num">
                Weight
              </th>
            )}
            <th scope="col" className="num">
              Score
            </th>
            <th scope="col" className="num">
              Percent
            </th>
          </tr>
        </thead>
        {progress.groups.map((group) => (
          <GroupRows
            key={group.group ?? "none"}
            group={group}
            tasks={progress.tasks.filter((task) => groupOf(task) === group.group)}
            weightColumn={weightColumn}
          />
        ))}
      </table>
    </div>
  );
}
