import { useEffect, useRef, type ReactNode } from "react";
import { Link, NavLink, Navigate, useLocation, useNavigate } from "react-router";
import { homePathOf, isInstructor, useAuth, type LoginLocationState } from "../auth/AuthContext";
import { useGradesAnyCourse } from "../auth/useGradesAnyCourse";
import { NotificationBell } from "./NotificationBell";
import { Loading } from "./Status";

export function Layout({ children }: { children: ReactNode }) {
  const { user, logout, checking } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const { grades } = useGradesAnyCourse();

  // Move focus to the new page on navigation, as a full page load would.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [location.pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand">
            learn<span>plat</span>
          </Link>
          <nav className="site-nav" aria-label="Main">
            <NavLink to="/" end>
              Catalog
            </NavLink>
            {user && <NavLink to="/home">My to-do</NavLink>}
            {user && <NavLink to="/progress">My progress</NavLink>}
            {grades && <NavLink to="/teach">Teaching</NavLink>}
            {grades && (
              <NavLink to="/grading" end>
                Grading
              </NavLink>
            )}
            {grades && <NavLink to="/grading/regrade-requests">Regrade requests</NavLink>}
            {user?.role === "admin" && <NavLink to="/platform/webhooks">Webhooks</NavLink>}
            {user?.role === "admin" && <NavLink to="/platform/lti-registrations">LTI registrations</NavLink>}
          </nav>
          <div className="user-menu">
            {checking ? null : user ? (
              <>
                <NotificationBell />
                <span>
                  Signed in as <strong>{user.username}</strong>
                </span>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void logout().then(() => navigate("/", { replace: true }))}
                >
                  Log out
                </button>
              </>
            ) : (
              <>
                <Link to="/login" state={{ from: location.pathname + location.search }}>
                  Log in
                </Link>
                <Link to="/register" className="button">
                  Sign up
                </Link>
              </>
            )}
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={mainRef}>
        {/* Pages wait for the stored session to be checked, so none loads twice (as a visitor, then as the user). */}
        {checking ? <Loading label="Checking your session…" /> : children}
      </main>
    </>
  );
}

/** Renders children for a logged-in user; else sends to login, which comes back here. With
 * `instructor`, someone without the platform instructor role goes to their home instead; with
 * `grader`, someone who is neither a platform instructor nor staff of any course does; with
 * `admin`, someone who is not a platform admin does. */
export function RequireAuth({
  children,
  instructor = false,
  grader = false,
  admin = false,
}: {
  children: ReactNode;
  instructor?: boolean;
  grader?: boolean;
  admin?: boolean;
}) {
  const { user, checking } = useAuth();
  const location = useLocation();
  const grading = useGradesAnyCourse();
  if (checking) return <Loading label="Checking your session…" />;
  if (!user) {
    const state: LoginLocationState = { from: location.pathname + location.search };
    return <Navigate to="/login" replace state={state} />;
  }
  if (instructor && !isInstructor(user)) return <Navigate to={homePathOf(user)} replace />;
  if (admin && user.role !== "admin") return <Navigate to={homePathOf(user)} replace />;
  if (grader && grading.checking) return <Loading label="Checking your courses…" />;
  if (grader && !grading.grades) return <Navigate to={homePathOf(user)} replace />;
  return <>{children}</>;
}

export function useDocumentTitle(title: string | undefined) {
  useEffect(() => {
    document.title = title ? `${title} · learnplat` : "learnplat";
  }, [title]);
}
