import { Link, Route, Routes } from "react-router";
import { AuthProvider } from "./auth/AuthContext";
import { Layout, RequireAuth, useDocumentTitle } from "./components/Layout";
import { LtiRegistrationsPage } from "./pages/admin/LtiRegistrationsPage";
import { WebhooksPage } from "./pages/admin/WebhooksPage";
import { CatalogPage } from "./pages/CatalogPage";
import { CoursePage } from "./pages/CoursePage";
import { HomePage } from "./pages/HomePage";
import { CourseEditorPage } from "./pages/instructor/CourseEditorPage";
import { GradingQueuePage } from "./pages/instructor/GradingQueuePage";
import { GradingScreenPage } from "./pages/instructor/GradingScreenPage";
import { ManageCoursePage } from "./pages/instructor/ManageCoursePage";
import { RegradeRequestsPage } from "./pages/instructor/RegradeRequestsPage";
import { TeachPage } from "./pages/instructor/TeachPage";
import { LoginPage } from "./pages/LoginPage";
import { LtiLaunchPage } from "./pages/LtiLaunchPage";
import { NotificationsPage } from "./pages/NotificationsPage";
import { ProgressPage } from "./pages/ProgressPage";
import { RegisterPage } from "./pages/RegisterPage";
import { TaskPage } from "./pages/TaskPage";

function NotFound() {
  useDocumentTitle("Not found");
  return (
    <>
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the courses</Link>
      </p>
    </>
  );
}

/** The routes; the router itself is supplied by main.tsx (or a MemoryRouter in tests). */
export function App() {
  return (
    <AuthProvider>
      <Layout>
        <Routes>
          <Route path="/" element={<CatalogPage />} />
          <Route path="/login" element={<LoginPage />} />
          <Route path="/register" element={<RegisterPage />} />
          <Route path="/lti/launch" element={<LtiLaunchPage />} />
          <Route path="/courses/:slug" element={<CoursePage />} />
          <Route path="/courses/:slug/tasks/:taskId" element={<TaskPage />} />
          <Route path="/home" element={<RequireAuth><HomePage /></RequireAuth>} />
          <Route path="/progress" element={<RequireAuth><ProgressPage /></RequireAuth>} />
          <Route path="/notifications" element={<RequireAuth><NotificationsPage /></RequireAuth>} />
          <Route path="/teach" element={<RequireAuth grader><TeachPage /></RequireAuth>} />
          <Route path="/teach/new" element={<RequireAuth instructor><CourseEditorPage /></RequireAuth>} />
          <Route path="/teach/:slug/*" element={<RequireAuth><ManageCoursePage /></RequireAuth>} />
          <Route path="/grading" element={<RequireAuth grader><GradingQueuePage /></RequireAuth>} />
          <Route path="/grading/submissions/:id" element={<RequireAuth grader><GradingScreenPage /></RequireAuth>} />
          <Route path="/grading/regrade-requests" element={<RequireAuth grader><RegradeRequestsPage /></RequireAuth>} />
          <Route path="/platform/webhooks" element={<RequireAuth admin><WebhooksPage /></RequireAuth>} />
          <Route path="/platform/lti-registrations" element={<RequireAuth admin><LtiRegistrationsPage /></RequireAuth>} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Layout>
    </AuthProvider>
  );
}
