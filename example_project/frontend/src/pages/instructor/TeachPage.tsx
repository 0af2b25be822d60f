import { Link } from "react-router";
import { api, unwrap } from "../../api/client";
import { isInstructor, useAuth } from "../../auth/AuthContext";
import { useQuery } from "../../api/hooks";
import { useDocumentTitle } from "../../components/Layout";
import { Badge, QueryView } from "../../components/Status";
import { formatDateTime } from "../../format";

/** The courses the user is staff of. Only platform instructors may create one; an assistant
 * (a platform student) sees the courses they assist. */
export function TeachPage() {
  useDocumentTitle("Teaching");
  const { user } = useAuth();
  const creates = isInstructor(user);
  const courses = useQuery(
    (signal) =>
      unwrap(api.GET("/api/courses/", { params: { query: { mine: "teaching", page_size: 100 } }, signal })),
    [],
  );
  return (
    <>
      <div className="page-head">
        <h1>{creates ? "Courses you teach" : "Courses you teach or assist"}</h1>
        {creates && (
          <Link className="button" to="/teach/new">
            New course
          </Link>
        )}
      </div>
      <QueryView query={courses} loadingLabel="Loading your courses…">
        {(data) =>
          data.results.length === 0 ? (
            <p className="muted">You do not teach any course yet. Create one to get started.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Course</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Tasks
                    </th>
                    <th scope="col">Last changed</th>
                  </tr>
                </thead>
                <tbody>
                  {data.results.map((course) => (
                    <tr key={course.slug}>
                      <td>
                        <Link to={`/teach/${course.slug}`}>{course.title}</Link>
                      </td>
                      <td>
                        <Badge tone={course.status === "published" ? "ok" : course.status === "draft" ? "warn" : undefined}>
                          {course.status}
                        </Badge>
                      </td>
                      <td className="num">{course.task_count}</td>
                      <td>{formatDateTime(course.modified)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </>
  );
}
