import { isPseudonym, studentName, type StudentRef } from "../format";

/** What the "Anonymous" badge tells a grader. */
export const ANONYMOUS_HINT = "Anonymous grading: who submitted this stays hidden until the grade is released.";

/** The "Anonymous" badge beside a pseudonym or a column whose scores are hidden. */
export function AnonymousBadge() {
  return (
    <span className="badge badge--info badge--anonymous" title={ANONYMOUS_HINT}>
      Anonymous
    </span>
  );
}

/** A submission's student by name, or their pseudonym with an "Anonymous" badge. */
export function StudentName({ student }: { student: StudentRef }) {
  if (!isPseudonym(student)) return <>{studentName(student)}</>;
  return (
    <span className="student-name student-name--anonymous">
      {student.pseudonym} <AnonymousBadge />
    </span>
  );
}
