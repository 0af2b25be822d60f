import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../../api/client";
import type { CourseDetail, CourseRole, Enrollment } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { Field } from "../../../components/Field";
import { Badge, ErrorMessage, Notice, QueryView } from "../../../components/Status";
import { formatDateTime, fullName } from "../../../format";
import { COURSE_ROLES, isOneOf } from "../../../guards";
import { useQuery } from "../../../api/hooks";
import { SectionAssignForm } from "./SectionAssignForm";
import { useEnrollments } from "./useEnrollments";

/** The request key that names a person typed as `text`: an e-mail address has an "@". */
export function personKey(text: string): { username: string } | { email: string } {
  const value = text.trim();
  return value.includes("@") ? { email: value } : { username: value };
}

/** A student's section; instructors change it with the select (PATCH of the enrollment). */
function SectionCell({
  enrollment,
  sections,
  editable,
  onMoved,
}: {
  enrollment: Enrollment;
  sections: readonly { id: number; name: string }[];
  editable: boolean;
  onMoved: () => void;
}) {
  const move = useMutation(async (section: number | null) => {
    await unwrap(
      api.PATCH("/api/courses/{slug}/enrollments/{id}/", {
        params: { path: { slug: enrollment.course, id: enrollment.id } },
        body: { section },
      }),
    );
    onMoved();
  });
  const current = sections.find((s) => s.id === enrollment.section)?.name ?? "—";
  if (!editable || enrollment.role !== "student") return <>{enrollment.section === null ? "—" : current}</>;
  return (
    <>
      <select
        aria-label={`Section of ${fullName(enrollment.user)}`}
        value={enrollment.section ?? ""}
        disabled={move.busy}
        onChange={(e) => void move.run(e.target.value === "" ? null : Number(e.target.value))}
      >
        <option value="">No section</option>
        {sections.map((section) => (
          <option key={section.id} value={section.id}>
            {section.name}
          </option>
        ))}
      </select>
      <ErrorMessage error={move.error} />
    </>
  );
}

/** Who is in the course, and a form to add a person (or change a member's role) by username or e-mail. */
export function EnrollmentsTab({ course }: { course: CourseDetail }) {
  const enrollments = useEnrollments(course.slug);
  // Instructors manage sections (decision 0033); others see the list without them.
  const manages = course.my_role === "instructor";
  const sections = useQuery(
    (signal) =>
      manages
        ? unwrap(api.GET("/api/courses/{slug}/sections/", { params: { path: { slug: course.slug } }, signal }))
        : Promise.resolve([]),
    [course.slug, manages],
  );
  const sectionList = sections.data ?? [];
  const showSections = manages && sectionList.length > 0;
  const [person, setPerson] = useState("");
  const [role, setRole] = useState<CourseRole>("student");
  const [added, setAdded] = useState<string | null>(null);
  const add = useMutation(async () => {
    const created = await unwrap(
      api.POST("/api/courses/{slug}/enrollments/", {
        params: { path: { slug: course.slug } },
        body: { ...personKey(person), role },
      }),
    );
    setAdded(`Added ${fullName(created.user)} as ${created.role}.`);
    setPerson("");
    void enrollments.reload();
  });
  const fields = add.fields;
  // The API names the key it could not resolve; the form has one box for all of them.
  const personErrors = [...(fields.username ?? []), ...(fields.email ?? []), ...(fields.user ?? []), ...(fields.non_field_errors ?? [])];
  function submit(event: FormEvent) {
    event.preventDefault();
    setAdded(null);
    void add.run();
  }

  return (
    <div className="stack">
      <QueryView query={enrollments} loadingLabel="Loading enrollments…">
        {(page) =>
          page.results.length === 0 ? (
            <p className="muted">Nobody is enrolled yet.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Enrollments</caption>
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col" className="num">
                      ID
                    </th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    {showSections && <th scope="col">Section</th>}
                    <th scope="col">Since</th>
                  </tr>
                </thead>
                <tbody>
                  {page.results.map((enrollment) => (
                    <tr key={enrollment.id}>
                      <td>{fullName(enrollment.user)}</td>
                      <td className="num">{enrollment.user.id}</td>
                      <td>{enrollment.role}</td>
                      <td>
                        <Badge tone={enrollment.status === "active" ? "ok" : undefined}>{enrollment.status}</Badge>
                      </td>
                      {showSections && (
                        <td>
                          <SectionCell
                            enrollment={enrollment}
                            sections={sectionList}
                            editable={manages}
                            onMoved={() => void enrollments.reload()}
                          />
                        </td>
                      )}
                      <td>{formatDateTime(enrollment.created)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
      <form className="card" onSubmit={submit} noValidate>
        <h3>Add a person</h3>
        {added && <Notice kind="ok">{added}</Notice>}
        <ErrorMessage error={add.error} />
        <div className="form-grid">
          <Field label="Username or e-mail" hint="Of someone with an account on this site." errors={personErrors}>
            <input type="text" autoComplete="off" value={person} onChange={(e) => setPerson(e.target.value)} />
          </Field>
          <Field label="Course role" errors={fields.role}>
            <select
              value={role}
              onChange={(e) => {
                if (isOneOf(COURSE_ROLES, e.target.value)) setRole(e.target.value);
              }}
            >
              <option value="student">Student</option>
              <option value="assistant">Assistant</option>
              <option value="instructor">Instructor</option>
            </select>
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" disabled={add.busy || !person.trim()}>
            Add
          </button>
        </div>
      </form>
      {showSections && <SectionAssignForm slug={course.slug} onApplied={() => void enrollments.reload()} />}
    </div>
  );
}
