import { useEffect, useRef, useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../api/errors";
import { ltiTargetPath, useAuth } from "../auth/AuthContext";
import { useDocumentTitle } from "../components/Layout";
import { Notice } from "../components/Status";

/**
 * `/lti/launch?code=…`: where an LTI launch from Canvas, Moodle or another platform lands
 * (`LEARNPLAT["LTI"]["LAUNCH_REDIRECT"]`). The code works once, so it is traded exactly once
 * (React may run effects twice in development), then the page replaces itself with the course
 * or task the link opens: the code never stays in the history.
 */
export function LtiLaunchPage() {
  useDocumentTitle("Opening from your course");
  const { startLtiSession } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const code = params.get("code");
  const traded = useRef<string | null>(null);
  const [failed, setFailed] = useState<string | null>(code ? null : "This page needs a launch code.");

  useEffect(() => {
    if (!code || traded.current === code) return;
    traded.current = code;
    startLtiSession(code)
      .then((target) => navigate(ltiTargetPath(target), { replace: true }))
      .catch((caught: unknown) =>
        setFailed(
          caught instanceof ApiError && caught.status === 401
            ? "This link has expired or was already used. Open it again from your course."
            : "learnplat could not be opened. Try again from your course.",
        ),
      );
  }, [code, startLtiSession, navigate]);

  if (failed) {
    return (
      <div className="narrow">
        <h1>Could not open learnplat</h1>
        <Notice kind="warn">{failed}</Notice>
      </div>
    );
  }
  return <p role="status">Opening learnplat…</p>;
}
