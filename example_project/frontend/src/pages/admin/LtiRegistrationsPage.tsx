import { Fragment, useState, type FormEvent } from "react";
import { api, unwrap } from "../../api/client";
import type { FieldErrors as FieldErrorMap } from "../../api/errors";
import { useQuery } from "../../api/hooks";
import type { LtiRegistration, LtiRegistrationRequest } from "../../api/types";
import { useMutation } from "../../api/useMutation";
import { CopyField } from "../../components/Copy";
import { Field } from "../../components/Field";
import { useDocumentTitle } from "../../components/Layout";
import { ActiveBadge, ErrorMessage, Notice, QueryView } from "../../components/Status";

/** The tool's side of a registration (its `tool` object), in the order a platform's form asks
 * for them, with where Canvas and Moodle want each (docs/lti.md). */
const TOOL_URLS = [
  {
    key: "login_url",
    label: "Login initiation URL",
    hint: "Canvas: OpenID Connect Initiation Url. Moodle: Initiate login URL.",
  },
  {
    key: "launch_url",
    label: "Launch / redirect URL",
    hint: "Canvas: Redirect URIs and Target Link URI. Moodle: Tool URL and Redirection URI(s).",
  },
  {
    key: "deep_linking_url",
    label: "Deep linking URL",
    hint: "Canvas: the Link Selection / Assignment Selection placements' URL. Moodle: Content Selection URL.",
  },
  {
    key: "jwks_url",
    label: "Tool JWKS URL",
    hint: "Canvas: JWK Method → Public JWK URL. Moodle: Public key type → Keyset URL.",
  },
] as const;

/** Deployment ids typed one per line (or comma-separated), trimmed, without blanks or repeats. */
export function parseDeploymentIds(text: string): string[] {
  const ids = text
    .split(/[\n,]/)
    .map((id) => id.trim())
    .filter(Boolean);
  return [...new Set(ids)];
}

/** The messages of `deployment_ids` and of its items (`deployment_ids.0`), in one list. */
function deploymentErrors(fields: FieldErrorMap): string[] {
  return Object.entries(fields)
    .filter(([path]) => path === "deployment_ids" || path.startsWith("deployment_ids."))
    .flatMap(([path, messages]) => {
      const index = Number(path.split(".")[1]);
      return Number.isInteger(index) ? messages.map((m) => `Deployment ${index + 1}: ${m}`) : messages;
    });
}

type Draft = {
  name: string;
  issuer: string;
  client_id: string;
  audience: string;
  auth_url: string;
  token_url: string;
  keyset_url: string;
  deployment_ids: string;
  is_active: boolean;
};

const EMPTY: Draft = {
  name: "",
  issuer: "",
  client_id: "",
  audience: "",
  auth_url: "",
  token_url: "",
  keyset_url: "",
  deployment_ids: "",
  is_active: true,
};

function draftOf(registration: LtiRegistration): Draft {
  return {
    name: registration.name,
    issuer: registration.issuer,
    client_id: registration.client_id,
    audience: registration.audience ?? "",
    auth_url: registration.auth_url,
    token_url: registration.token_url,
    keyset_url: registration.keyset_url,
    deployment_ids: (registration.deployment_ids ?? []).join("\n"),
    is_active: registration.is_active ?? true,
  };
}

function bodyOf(draft: Draft): LtiRegistrationRequest {
  return {
    name: draft.name.trim(),
    issuer: draft.issuer.trim(),
    client_id: draft.client_id.trim(),
    audience: draft.audience.trim(),
    auth_url: draft.auth_url.trim(),
    token_url: draft.token_url.trim(),
    keyset_url: draft.keyset_url.trim(),
    deployment_ids: parseDeploymentIds(draft.deployment_ids),
    is_active: draft.is_active,
  };
}

type TextKey = Exclude<keyof Draft, "is_active" | "deployment_ids">;

/** The platform's side: what its LTI settings page shows for this tool. */
const TEXT_FIELDS: { key: TextKey; label: string; hint: string; type: "text" | "url"; required: boolean }[] = [
  { key: "name", label: "Name", hint: "For you: e.g. “Canvas (production)”.", type: "text", required: true },
  {
    key: "issuer",
    label: "Issuer",
    hint: "The platform's issuer (iss): https://canvas.instructure.com for hosted Canvas, the site URL for Moodle.",
    type: "text",
    required: true,
  },
  { key: "client_id", label: "Client ID", hint: "Canvas: the developer key's Client ID. Moodle: Client ID.", type: "text", required: true },
  { key: "auth_url", label: "Auth URL", hint: "The platform's OIDC authentication request URL.", type: "url", required: true },
  { key: "token_url", label: "Access token URL", hint: "The platform's OAuth 2 token URL (for grade passback and rosters).", type: "url", required: true },
  { key: "keyset_url", label: "Keyset URL", hint: "The platform's public JWKS URL: launches are checked against it.", type: "url", required: true },
  {
    key: "audience",
    label: "Audience (optional)",
    hint: "Only if the platform wants another audience than the token URL in token requests; Canvas: leave empty.",
    type: "text",
    required: false,
  },
];

/** Register a platform (`editing` null) or change a registration. */
function RegistrationForm({
  editing,
  onSaved,
  onCancel,
}: {
  editing: LtiRegistration | null;
  onSaved: (saved: LtiRegistration) => void;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(editing ? draftOf(editing) : EMPTY);
  const save = useMutation(async () => {
    const body = bodyOf(draft);
    const saved = editing
      ? await unwrap(api.PATCH("/api/lti/registrations/{id}/", { params: { path: { id: editing.id } }, body }))
      : await unwrap(api.POST("/api/lti/registrations/", { body }));
    if (!editing) setDraft(EMPTY);
    onSaved(saved);
  });
  const heading = editing ? `Edit the registration ${editing.name}` : "Register a platform";
  const missing = TEXT_FIELDS.some((f) => f.required && !draft[f.key].trim());

  function submit(event: FormEvent) {
    event.preventDefault();
    void save.run();
  }

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label={heading}>
      <h3 style={{ margin: 0 }}>{heading}</h3>
      <ErrorMessage error={save.error} />
      <div className="form-grid">
        {TEXT_FIELDS.map((f) => (
          <Field key={f.key} label={f.label} hint={f.hint} errors={save.fields[f.key]}>
            <input
              type={f.type}
              maxLength={f.type === "url" ? 1024 : 255}
              autoComplete="off"
              spellCheck={false}
              required={f.required}
              value={draft[f.key]}
              onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })}
            />
          </Field>
        ))}
      </div>
      <Field
        label="Deployment IDs"
        hint="One per line: launches are accepted from these deployments only. Canvas shows it in the app's settings, Moodle in the tool's configuration details. Leaving one out switches it off (its users and links stay)."
        errors={deploymentErrors(save.fields)}
      >
        <textarea rows={3} spellCheck={false} value={draft.deployment_ids} onChange={(e) => setDraft({ ...draft, deployment_ids: e.target.value })} />
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={draft.is_active} onChange={(e) => setDraft({ ...draft, is_active: e.target.checked })} />
        Active (launches from an inactive registration are refused with 403)
      </label>
      <div className="form-actions">
        <button type="submit" disabled={save.busy || missing}>
          {editing ? "Save registration" : "Register platform"}
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

/** What to enter on the platform for one registration, each with a copy button. */
function ToolUrls({ registration }: { registration: LtiRegistration }) {
  const urls = TOOL_URLS.flatMap((u) => {
    const value = registration.tool[u.key];
    return value ? [{ ...u, value }] : [];
  });
  return (
    <section className="stack" aria-label={`Tool URLs of ${registration.name}`}>
      <p className="muted" style={{ margin: 0 }}>
        Enter these on the platform ({registration.issuer}).
      </p>
      {urls.map((u) => (
        <CopyField key={u.key} label={u.label} value={u.value} hint={u.hint} />
      ))}
    </section>
  );
}

/**
 * LTI 1.3 platform registrations for platform admins (docs/lti.md): the platforms (Canvas,
 * Moodle…) this tool accepts launches from, with the tool's URLs to enter on each.
 */
export function LtiRegistrationsPage() {
  useDocumentTitle("LTI registrations");
  const registrations = useQuery(
    (signal) => unwrap(api.GET("/api/lti/registrations/", { params: { query: { page_size: 100 } }, signal })),
    [],
  );
  const [editing, setEditing] = useState<number | null>(null);
  const [showing, setShowing] = useState<number | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const toggle = useMutation(async (registration: LtiRegistration) => {
    const saved = await unwrap(
      api.PATCH("/api/lti/registrations/{id}/", {
        params: { path: { id: registration.id } },
        body: { is_active: !registration.is_active },
      }),
    );
    setDone(saved.is_active ? `Activated ${saved.name}: its launches are accepted.` : `Deactivated ${saved.name}: its launches are refused.`);
    await registrations.reload();
  });
  const remove = useMutation(async (registration: LtiRegistration) => {
    await unwrap(api.DELETE("/api/lti/registrations/{id}/", { params: { path: { id: registration.id } } }));
    setDone(`Deleted the registration ${registration.name}.`);
    if (showing === registration.id) setShowing(null);
    await registrations.reload();
  });

  function confirmRemove(registration: LtiRegistration) {
    if (
      !window.confirm(
        `Delete the registration ${registration.name}? Its deployments, platform users and links go with it; local users and their enrollments stay.`,
      )
    )
      return;
    setDone(null);
    void remove.run(registration);
  }

  return (
    <>
      <h1>LTI registrations</h1>
      <p className="muted">
        The LTI 1.3 platforms (Canvas, Moodle, Blackboard…) this tool accepts launches from. Register the tool on the platform
        with the tool URLs shown for each registration, then enter the platform&apos;s values here. The tool&apos;s signing
        keys are rotated on the server (<code>manage.py learnplat_lti_rotate_keys</code>); the JWKS URL stays the same.
      </p>
      {done && <Notice kind="ok">{done}</Notice>}
      <ErrorMessage error={toggle.error || remove.error} />
      <QueryView query={registrations} loadingLabel="Loading registrations…">
        {(page) =>
          page.results.length === 0 ? (
            <p className="muted">No platforms registered yet: every launch is refused.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">LTI platform registrations</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Issuer</th>
                    <th scope="col">Client ID</th>
                    <th scope="col">Deployments</th>
                    <th scope="col">State</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.results.map((registration) =>
                    editing === registration.id ? (
                      <tr key={registration.id}>
                        <td colSpan={6}>
                          <RegistrationForm
                            editing={registration}
                            onCancel={() => setEditing(null)}
                            onSaved={(saved) => {
                              setEditing(null);
                              setDone(`Saved the registration ${saved.name}.`);
                              void registrations.reload();
                            }}
                          />
                        </td>
                      </tr>
                    ) : (
                      <Fragment key={registration.id}>
                        <tr>
                          <td>{registration.name}</td>
                          <td>
                            <code>{registration.issuer}</code>
                          </td>
                          <td>
                            <code>{registration.client_id}</code>
                          </td>
                          <td>
                            {registration.deployment_ids?.length ? (
                              registration.deployment_ids.map((id, index) => (
                                <Fragment key={id}>
                                  {index > 0 && ", "}
                                  <code>{id}</code>
                                </Fragment>
                              ))
                            ) : (
                              <span className="muted">None: launches are refused</span>
                            )}
                          </td>
                          <td>
                            <ActiveBadge active={registration.is_active} />
                          </td>
                          <td className="row">
                            <button
                              type="button"
                              className="secondary"
                              aria-expanded={showing === registration.id}
                              aria-label={`Tool URLs of ${registration.name}`}
                              onClick={() => setShowing(showing === registration.id ? null : registration.id)}
                            >
                              Tool URLs
                            </button>
                            <button
                              type="button"
                              className="secondary"
                              aria-label={`Edit ${registration.name}`}
                              onClick={() => {
                                setDone(null);
                                setEditing(registration.id);
                              }}
                            >
                              Edit
                            </button>
                            <button
                              type="button"
                              className="secondary"
                              aria-label={`${registration.is_active ? "Deactivate" : "Activate"} ${registration.name}`}
                              disabled={toggle.busy}
                              onClick={() => {
                                setDone(null);
                                void toggle.run(registration);
                              }}
                            >
                              {registration.is_active ? "Deactivate" : "Activate"}
                            </button>
                            <button
                              type="button"
                              className="danger"
                              aria-label={`Delete ${registration.name}`}
                              disabled={remove.busy}
                              onClick={() => confirmRemove(registration)}
                            >
                              Delete
                            </button>
                          </td>
                        </tr>
                        {showing === registration.id && (
                          <tr>
                            <td colSpan={6}>
                              <ToolUrls registration={registration} />
                            </td>
                          </tr>
                        )}
                      </Fragment>
                    ),
                  )}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
      <RegistrationForm
        editing={null}
        onSaved={(made) => {
          setDone(`Registered ${made.name}. Enter its tool URLs, shown in the list, on the platform.`);
          setShowing(made.id);
          void registrations.reload();
        }}
      />
    </>
  );
}
