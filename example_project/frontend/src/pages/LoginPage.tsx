import { useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { ApiError } from "../api/errors";
import { useMutation } from "../api/useMutation";
import { homePathOf, loginStateOf, useAuth } from "../auth/AuthContext";
import { Field } from "../components/Field";
import { useDocumentTitle } from "../components/Layout";
import { ErrorMessage, Notice } from "../components/Status";

export function LoginPage() {
  useDocumentTitle("Log in");
  const { login } = useAuth();
  const navigate = useNavigate();
  const state = loginStateOf(useLocation().state);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const logIn = useMutation(
    async () => {
      const me = await login(username.trim(), password);
      await navigate(state.from ?? homePathOf(me), { replace: true });
    },
    {
      mapError: (caught) =>
        caught instanceof ApiError && caught.status === 401 ? new Error("Wrong username or password.") : caught,
    },
  );
  const { busy, error, fields } = logIn;

  function submit(event: FormEvent) {
    event.preventDefault();
    void logIn.run();
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
