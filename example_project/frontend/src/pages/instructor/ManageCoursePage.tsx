import { Link, Navigate, NavLink, Route, Routes, useLocation, useParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { useQuery } from "../../api/hooks";
import { useAuth } from "../../auth/AuthContext";
import { useDocumentTitle } from "../../components/Layout";
import { Badge, Notice, QueryView } from "../../components/Status";
import { isRecord } from "../../guards";
import { isCourseStaff } from "../CoursePage";
import { GradebookTab } from "./GradebookTab";
import { GradingQueue } from "./GradingQueue";
import { EnrollmentsTab } from "./manage/EnrollmentsTab";
import { ExtensionsTab } from "./manage/ExtensionsTab";
import { GradingTab } from "./manage/GradingTab";
import { RubricsTab } from "./manage/RubricsTab";
import { SettingsTab } from "./manage/SettingsTab";
import { StatusActions } from "./manage/StatusActions";
import { TasksTab } from "./manage/TasksTab";

/** Whether the router state says the course was just created (CourseEditorPage sets it). */
function justCreated(state: unknown): boolean {
  return isRecord(state) && state.created === true;
}

export function ManageCoursePage() {
  const { slug = "" } = useParams();
  const location = useLocation();
  const created = justCreated(location.state);
  const course = useQuery(
    (signal) => unwrap(api.GET("/api/courses/{slug}/", { params: { path: { slug } }, signal })),
    [slug],
  );
  useDocumentTitle(course.data ? `Manage ${course.data.title}` : "Manage course");
  const base = `/teach/${slug}`;
  const { user } = useAuth();

  // Course roles, not the platform role, decide: an assistant who is a student elsewhere gets in.
  if (course.data && !isCourseStaff(course.data, user)) return <Navigate to={`/courses/${slug}`} replace />;

  return (
    <QueryView query={course} loadingLabel="Loading course…">
      {(data) => (
        <>
          <p className="muted small" style={{ margin: 0 }}>
            <Link to="/teach">Teaching</Link> /
          </p>
          <div className="page-head">
            <div>
              <h1>{data.title}</h1>
              <div className="row">
                <Badge tone={data.status === "published" ? "ok" : "warn"}>{data.status}</Badge>
                <Link to={`/courses/${data.slug}`}>View as a student</Link>
              </div>
            </div>
            <StatusActions course={data} onChange={(next) => course.setData(next)} />
          </div>
          {created && <Notice kind="ok">Course created as a draft. Publish it when it is ready.</Notice>}
          <nav className="tabs" aria-label="Course management">
            <NavLink to={base} end>
              Tasks
            </NavLink>
            <NavLink to={`${base}/enrollments`}>Enrollments</NavLink>
            <NavLink to={`${base}/extensions`}>Extensions</NavLink>
            <NavLink to={`${base}/gradebook`}>Gradebook</NavLink>
            <NavLink to={`${base}/grading`}>Grading queue</NavLink>
            <NavLink to={`${base}/grading-settings`}>Grading settings</NavLink>
            <NavLink to={`${base}/rubrics`}>Rubrics</NavLink>
            <NavLink to={`${base}/settings`}>Settings</NavLink>
          </nav>
          <Routes>
            <Route index element={<TasksTab course={data} reload={() => void course.reload()} />} />
            <Route path="enrollments" element={<EnrollmentsTab course={data} />} />
            <Route path="extensions" element={<ExtensionsTab course={data} />} />
            <Route path="gradebook" element={<GradebookTab course={data} />} />
            <Route path="settings" element={<SettingsTab course={data} onSaved={(next) => course.setData(next)} />} />
            <Route path="grading" element={<GradingQueue course={data.slug} />} />
            <Route path="grading-settings" element={<GradingTab course={data} onSaved={() => void course.reload()} />} />
            <Route path="rubrics" element={<RubricsTab course={data} />} />
          </Routes>
        </>
      )}
    </QueryView>
  );
}
