import { useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { ApiError } from "../api/errors";
import { useAuth, type LoginLocationState } from "../auth/AuthContext";
import { Field } from "../components/Field";
import { useDocumentTitle } from "../components/Layout";
import { ErrorMessage, Notice } from "../components/Status";

export function LoginPage() {
  useDocumentTitle("Log in");
  const { login } = useAuth();
  const navigate = useNavigate();
  const state = (useLocation().state ?? {}) as LoginLocationState;
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fields = error instanceof ApiError ? error.fields : {};

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
      navigate(state.from && state.from !== "/login" ? state.from : "/", { replace: true });
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 401
          ? new Error("Wrong username or password.")
          : caught,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="narrow">
      <h1>Log in</h1>
      {state.expired && <Notice kind="warn">Your session has expired. Please log in again.</Notice>}
      <form className="card" onSubmit={submit} noValidate>
        <ErrorMessage error={error} />
        <Field label="Username" errors={fields.username}>
          <input
            type="text"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </Field>
        <Field label="Password" errors={fields.password}>
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <div className="form-actions">
          <button type="submit" disabled={busy || !username || !password}>
            {busy ? "Logging in…" : "Log in"}
          </button>
        </div>
      </form>
      <p>
        New here? <Link to="/register">Create an account</Link>.
      </p>
    </div>
  );
}
