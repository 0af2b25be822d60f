import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { useMutation } from "../api/useMutation";
import { useAuth, type RegisterInput } from "../auth/AuthContext";
import { Field } from "../components/Field";
import { useDocumentTitle } from "../components/Layout";
import { ErrorMessage } from "../components/Status";

type Errors = Record<string, string[]>;

/** Checks the browser can make before asking the server, which has the final word. */
export function validateRegistration(input: RegisterInput & { confirm: string }): Errors {
  const errors: Errors = {};
  if (!input.username.trim()) errors.username = ["Choose a username."];
  if (!/^\S+@\S+\.\S+$/.test(input.email)) errors.email = ["Enter a valid email address."];
  if (input.password.length < 8) errors.password = ["Use at least 8 characters."];
  if (input.confirm !== input.password) errors.confirm = ["The passwords do not match."];
  return errors;
}

export function RegisterPage() {
  useDocumentTitle("Sign up");
  const { register } = useAuth();
  const navigate = useNavigate();
  const [form, setForm] = useState({
    username: "",
    email: "",
    first_name: "",
    last_name: "",
    password: "",
    confirm: "",
  });
  // The browser's checks; once they pass, the server's field errors show instead.
  const [localErrors, setLocalErrors] = useState<Errors>({});
  const signUp = useMutation(async (input: RegisterInput) => {
    await register(input);
    await navigate("/", { replace: true });
  });
  const { busy, error } = signUp;
  const errors = Object.keys(localErrors).length > 0 ? localErrors : signUp.fields;
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    signUp.reset();
    const local = validateRegistration(form);
    setLocalErrors(local);
    if (Object.keys(local).length) return;
    const { confirm: _confirm, ...input } = form;
    void signUp.run({ ...input, username: input.username.trim() });
  }

  return (
    <div className="narrow">
      <h1>Create an account</h1>
      <form className="card" onSubmit={submit} noValidate>
        <ErrorMessage error={error} />
        <Field label="Username" errors={errors.username}>
          <input type="text" autoComplete="username" required value={form.username} onChange={set("username")} />
        </Field>
        <Field label="Email" errors={errors.email}>
          <input type="email" autoComplete="email" required value={form.email} onChange={set("email")} />
        </Field>
        <div className="form-grid" style={{ marginTop: "0.85rem" }}>
          <Field label="First name (optional)" errors={errors.first_name}>
            <input type="text" autoComplete="given-name" value={form.first_name} onChange={set("first_name")} />
          </Field>
          <Field label="Last name (optional)" errors={errors.last_name}>
            <input type="text" autoComplete="family-name" value={form.last_name} onChange={set("last_name")} />
          </Field>
        </div>
        <Field label="Password" hint="At least 8 characters; not only digits." errors={errors.password}>
          <input type="password" autoComplete="new-password" required value={form.password} onChange={set("password")} />
        </Field>
        <Field label="Repeat password" errors={errors.confirm}>
          <input type="password" autoComplete="new-password" required value={form.confirm} onChange={set("confirm")} />
        </Field>
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? "Creating account…" : "Create account"}
          </button>
        </div>
      </form>
      <p>
        Already have an account? <Link to="/login">Log in</Link>.
      </p>
    </div>
  );
}
