import { useState } from "react";
import { Link, Navigate, NavLink, Route, Routes, useLocation, useParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { useQuery } from "../../api/hooks";
import type { CourseDetail } from "../../api/types";
import { useAuth } from "../../auth/AuthContext";
import { useDocumentTitle } from "../../components/Layout";
import { Badge, Notice, QueryView } from "../../components/Status";
import { isRecord } from "../../guards";
import { isCourseStaff } from "../CoursePage";
import { GradebookImportTab } from "./GradebookImportTab";
import { GradebookTab } from "./GradebookTab";
import { GradingQueue } from "./GradingQueue";
import { AccommodationsTab } from "./manage/AccommodationsTab";
import { EnrollmentsTab } from "./manage/EnrollmentsTab";
import { ExtensionsTab } from "./manage/ExtensionsTab";
import { AssignGrading } from "./manage/AssignGrading";
import { GradingTab } from "./manage/GradingTab";
import { GroupsTab } from "./manage/GroupsTab";
import { RubricsTab } from "./manage/RubricsTab";
import { SectionsTab } from "./manage/SectionsTab";
import { SettingsTab } from "./manage/SettingsTab";
import { StatusActions } from "./manage/StatusActions";
import { TasksTab } from "./manage/TasksTab";

/** The course's grading tab: the assign panel with each grader's progress, then the queue. */
function GradingArea({ course, canAssign }: { course: CourseDetail; canAssign: boolean }) {
  const [assigned, setAssigned] = useState(0);
  return (
    <div className="stack">
      <AssignGrading course={course} canAssign={canAssign} onAssigned={() => setAssigned((n) => n + 1)} />
      <GradingQueue course={course.slug} refreshKey={assigned} />
    </div>
  );
}

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
            <NavLink to={`${base}/accommodations`}>Accommodations</NavLink>
            <NavLink to={`${base}/gradebook`}>Gradebook</NavLink>
            <NavLink to={`${base}/import-grades`}>Import grades</NavLink>
            <NavLink to={`${base}/grading`}>Grading queue</NavLink>
            <NavLink to={`${base}/grading-settings`}>Grading settings</NavLink>
            <NavLink to={`${base}/rubrics`}>Rubrics</NavLink>
            <NavLink to={`${base}/groups`}>Groups</NavLink>
            <NavLink to={`${base}/sections`}>Sections</NavLink>
            <NavLink to={`${base}/settings`}>Settings</NavLink>
          </nav>
          <Routes>
            <Route index element={<TasksTab course={data} reload={() => void course.reload()} />} />
            <Route path="enrollments" element={<EnrollmentsTab course={data} />} />
            <Route path="extensions" element={<ExtensionsTab course={data} />} />
            <Route path="accommodations" element={<AccommodationsTab course={data} />} />
            <Route path="gradebook" element={<GradebookTab course={data} />} />
            <Route path="import-grades" element={<GradebookImportTab course={data} />} />
            <Route path="settings" element={<SettingsTab course={data} onSaved={(next) => course.setData(next)} />} />
            <Route path="grading" element={<GradingArea course={data} canAssign={data.my_role === "instructor" || user?.role === "admin"} />} />
            <Route path="grading-settings" element={<GradingTab course={data} onSaved={() => void course.reload()} />} />
            <Route path="rubrics" element={<RubricsTab course={data} />} />
            <Route path="groups" element={<GroupsTab course={data} />} />
            <Route path="sections" element={<SectionsTab course={data} />} />
          </Routes>
        </>
      )}
    </QueryView>
  );
}
