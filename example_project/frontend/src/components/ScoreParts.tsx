import type { Parts } from "../api/types";
import { formatPoints } from "../format";

/**
 * The two parts of a rubric task's score (docs/grading.md, "Automatic + rubric"): the
 * automatic part and the rubric's, with the level chosen for each criterion. The API sends
 * `parts` as null for tasks without a rubric and, to the student, until the grade is released.
 */
export function ScoreParts({ parts, label }: { parts: Parts | null | undefined; label: string }) {
  if (!parts) return null;
  const { automatic, rubric } = parts;
  return (
    <section className="stack" aria-label={`Score parts of ${label}`}>
      <ul className="small" style={{ margin: 0 }}>
        {automatic && <li>Automatic part: {formatPoints(automatic.score, automatic.max_score)}</li>}
        {rubric && (
          <li>
            Rubric: {rubric.score === null ? `not graded yet (of ${rubric.max_score})` : formatPoints(rubric.score, rubric.max_score)}
          </li>
        )}
      </ul>
      {rubric && rubric.criteria.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{`Rubric of ${label}`}</caption>
            <thead>
              <tr>
                <th scope="col">Criterion</th>
                <th scope="col">Level</th>
                <th scope="col">Points</th>
                <th scope="col">Comment</th>
              </tr>
            </thead>
            <tbody>
              {rubric.criteria.map((row) => (
                <tr key={row.criterion}>
                  <th scope="row">{row.title}</th>
                  <td>{row.level_title}</td>
                  <td>{formatPoints(row.points, row.max_points)}</td>
                  <td>{row.comment || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
