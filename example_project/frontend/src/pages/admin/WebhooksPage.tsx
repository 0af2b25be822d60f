import { useState, type FormEvent, type ReactNode } from "react";
import { api, unwrap } from "../../api/client";
import { useQuery } from "../../api/hooks";
import type { EventType, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from "../../api/types";
import { useMutation } from "../../api/useMutation";
import { Field, FieldErrors } from "../../components/Field";
import { useDocumentTitle } from "../../components/Layout";
import { Pagination } from "../../components/Pagination";
import { CopyButton } from "../../components/Copy";
import { ActiveBadge, Badge, ErrorMessage, Notice, QueryView } from "../../components/Status";
import { formatDateTime } from "../../format";
import { isOneOf } from "../../guards";

const DELIVERY_PAGE_SIZE = 25;

/** Every event type an endpoint may ask for (docs/events.md); `satisfies` keeps it in step
 * with the API's enum: a type the API adds or drops breaks the build here. */
export const EVENT_TYPES = [
  "submission.created",
  "submission.graded",
  "grade.changed",
  "enrollment.created",
  "enrollment.dropped",
  "course.completed",
  "regrade_request.created",
  "regrade_request.resolved",
] as const satisfies readonly EventType[];

// A type missing from the list above fails here.
type Missing = Exclude<EventType, (typeof EVENT_TYPES)[number]>;
const noneMissing: Missing[] = [];
void noneMissing;

const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const satisfies readonly WebhookDeliveryStatus[];

const STATUS_TONES: Record<WebhookDeliveryStatus, "ok" | "warn" | "danger"> = {
  delivered: "ok",
  pending: "warn",
  failed: "danger",
};

/** "All events", or the endpoint's types. */
export function eventsText(events: readonly string[]): string {
  return events.length === 0 ? "All events" : events.join(", ");
}

/** A secret the API shows once: in a notice with the words to keep it. */
function SecretNotice({ title, secret, children }: { title: string; secret: string; children?: ReactNode }) {
  return (
    <Notice kind="ok">
      <strong>{title}</strong> Copy the signing secret now: it is not shown again.{" "}
      <code aria-label="Signing secret" className="secret">
        {secret}
      </code>
      <CopyButton value={secret} label="Copy the secret" />
      {children}
    </Notice>
  );
}

type Draft = { url: string; events: EventType[]; is_active: boolean; secret: string };

/** Add an endpoint (`editing` null) or change one; its secret changes only by rotation. */
function EndpointForm({
  editing,
  onSaved,
  onCancel,
}: {
  editing: WebhookEndpoint | null;
  onSaved: (saved: WebhookEndpoint, secret: string | null) => void;
  onCancel?: () => void;
}) {
  const initial: Draft = editing
    ? { url: editing.url, events: [...editing.events], is_active: editing.is_active, secret: "" }
    : { url: "", events: [], is_active: true, secret: "" };
  const [draft, setDraft] = useState<Draft>(initial);
  const save = useMutation(async () => {
    const body = { url: draft.url.trim(), events: draft.events, is_active: draft.is_active };
    if (editing) {
      const saved = await unwrap(api.PATCH("/api/webhooks/endpoints/{id}/", { params: { path: { id: editing.id } }, body }));
      onSaved(saved, null);
      return;
    }
    const made = await unwrap(
      api.POST("/api/webhooks/endpoints/", { body: draft.secret.trim() ? { ...body, secret: draft.secret.trim() } : body }),
    );
    setDraft(initial);
    onSaved(made, made.secret);
  });
  const heading = editing ? `Edit the endpoint ${editing.url}` : "Add an endpoint";

  function toggle(type: EventType, on: boolean) {
    const events = on ? [...draft.events, type] : draft.events.filter((t) => t !== type);
    setDraft({ ...draft, events: EVENT_TYPES.filter((t) => events.includes(t)) });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void save.run();
  }

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label={heading}>
      <h3 style={{ margin: 0 }}>{heading}</h3>
      <ErrorMessage error={save.error} />
      <Field label="URL" hint="http(s); events are POSTed here as JSON, signed per Standard Webhooks." errors={save.fields.url}>
        <input type="url" maxLength={2000} value={draft.url} onChange={(e) => setDraft({ ...draft, url: e.target.value })} />
      </Field>
      <fieldset className="stack" aria-describedby="event-types-hint">
        <legend>Events</legend>
        <span className="hint" id="event-types-hint">
          None ticked sends every type, including types added later.
        </span>
        <div className="checkbox-grid">
          {EVENT_TYPES.map((type) => (
            <label key={type} className="checkbox">
              <input type="checkbox" checked={draft.events.includes(type)} onChange={(e) => toggle(type, e.target.checked)} />
              <code>{type}</code>
            </label>
          ))}
        </div>
        <FieldErrors errors={save.fields.events} />
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={draft.is_active} onChange={(e) => setDraft({ ...draft, is_active: e.target.checked })} />
        Active (an inactive endpoint gets nothing; a receiver answering 410 turns it off)
      </label>
      {!editing && (
        <Field label="Secret (optional)" hint="Leave empty to have one generated (whsec_ followed by base64)." errors={save.fields.secret}>
          <input type="text" autoComplete="off" value={draft.secret} onChange={(e) => setDraft({ ...draft, secret: e.target.value })} />
        </Field>
      )}
      <div className="form-actions">
        <button type="submit" disabled={save.busy || !draft.url.trim()}>
          {editing ? "Save endpoint" : "Add endpoint"}
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

/** The endpoints (first 100; a site has a handful): the page's list and the filter's options. */
function useEndpoints() {
  return useQuery((signal) => unwrap(api.GET("/api/webhooks/endpoints/", { params: { query: { page_size: 100 } }, signal })), []);
}

/** The receivers of signed events, with add, edit, rotate and delete. */
function EndpointsSection({
  endpoints,
  onShowDeliveries,
}: {
  endpoints: ReturnType<typeof useEndpoints>;
  onShowDeliveries: (endpoint: WebhookEndpoint) => void;
}) {
  const [editing, setEditing] = useState<number | null>(null);
  const [secret, setSecret] = useState<{ title: string; secret: string; rotated: boolean } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const rotate = useMutation(async (endpoint: WebhookEndpoint) => {
    const answer = await unwrap(api.POST("/api/webhooks/endpoints/{id}/rotate-secret/", { params: { path: { id: endpoint.id } } }));
    setSecret({ title: `New secret of ${endpoint.url}.`, secret: answer.secret, rotated: true });
  });
  const remove = useMutation(async (endpoint: WebhookEndpoint) => {
    await unwrap(api.DELETE("/api/webhooks/endpoints/{id}/", { params: { path: { id: endpoint.id } } }));
    setDone(`Deleted the endpoint ${endpoint.url} and its delivery log.`);
    await endpoints.reload();
  });

  function clearNotices() {
    setDone(null);
    setSecret(null);
  }

  function confirmRotate(endpoint: WebhookEndpoint) {
    if (!window.confirm(`Make a new secret for ${endpoint.url}? The old one keeps signing beside it for a while, so the receiver can switch.`))
      return;
    clearNotices();
    void rotate.run(endpoint);
  }

  function confirmRemove(endpoint: WebhookEndpoint) {
    if (!window.confirm(`Delete the endpoint ${endpoint.url}? Its pending deliveries are dropped.`)) return;
    clearNotices();
    void remove.run(endpoint);
  }

  return (
    <section className="stack" aria-labelledby="endpoints-heading">
      <h2 id="endpoints-heading">Endpoints</h2>
      {secret && (
        <SecretNotice title={secret.title} secret={secret.secret}>
          {secret.rotated && <> Requests carry both signatures until the previous secret expires.</>}
        </SecretNotice>
      )}
      {done && <Notice kind="ok">{done}</Notice>}
      <ErrorMessage error={rotate.error || remove.error} />
      <QueryView query={endpoints} loadingLabel="Loading endpoints…">
        {(page) =>
          page.results.length === 0 ? (
            <p className="muted">No endpoints yet: nothing is sent.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Webhook endpoints</caption>
                <thead>
                  <tr>
                    <th scope="col">URL</th>
                    <th scope="col">Events</th>
                    <th scope="col">State</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.results.map((endpoint) =>
                    editing === endpoint.id ? (
                      <tr key={endpoint.id}>
                        <td colSpan={4}>
                          <EndpointForm
                            editing={endpoint}
                            onCancel={() => setEditing(null)}
                            onSaved={(saved) => {
                              setEditing(null);
                              setDone(`Saved the endpoint ${saved.url}.`);
                              void endpoints.reload();
                            }}
                          />
                        </td>
                      </tr>
                    ) : (
                      <tr key={endpoint.id}>
                        <td>
                          <code>{endpoint.url}</code>
                        </td>
                        <td>{eventsText(endpoint.events)}</td>
                        <td>
                          <ActiveBadge active={endpoint.is_active} />
                        </td>
                        <td className="row">
                          <button
                            type="button"
                            className="secondary"
                            aria-label={`Edit ${endpoint.url}`}
                            onClick={() => {
                              clearNotices();
                              setEditing(endpoint.id);
                            }}
                          >
                            Edit
                          </button>
                          <button type="button" className="secondary" aria-label={`Deliveries of ${endpoint.url}`} onClick={() => onShowDeliveries(endpoint)}>
                            Deliveries
                          </button>
                          <button
                            type="button"
                            className="secondary"
                            aria-label={`Rotate the secret of ${endpoint.url}`}
                            disabled={rotate.busy}
                            onClick={() => confirmRotate(endpoint)}
                          >
                            Rotate secret
                          </button>
                          <button
                            type="button"
                            className="danger"
                            aria-label={`Delete ${endpoint.url}`}
                            disabled={remove.busy}
                            onClick={() => confirmRemove(endpoint)}
                          >
                            Delete
                          </button>
                        </td>
                      </tr>
                    ),
                  )}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
      <EndpointForm
        editing={null}
        onSaved={(made, madeSecret) => {
          setDone(null);
          if (madeSecret) setSecret({ title: `Added ${made.url}.`, secret: madeSecret, rotated: false });
          void endpoints.reload();
        }}
      />
    </section>
  );
}

type DeliveryFilters = { endpoint: string; status: "" | WebhookDeliveryStatus; type: "" | EventType };

/** The delivery log: what was sent where, with its last answer and the next try; replay. */
function DeliveriesSection({
  filters,
  onFilters,
  endpoints,
}: {
  filters: DeliveryFilters;
  onFilters: (filters: DeliveryFilters) => void;
  endpoints: WebhookEndpoint[];
}) {
  const [page, setPage] = useState(1);
  const [done, setDone] = useState<string | null>(null);
  const deliveries = useQuery(
    (signal) =>
      unwrap(
        api.GET("/api/webhooks/deliveries/", {
          params: {
            query: {
              page,
              page_size: DELIVERY_PAGE_SIZE,
              ...(filters.endpoint ? { endpoint: Number(filters.endpoint) } : {}),
              ...(filters.status ? { status: filters.status } : {}),
              ...(filters.type ? { type: filters.type } : {}),
            },
          },
          signal,
        }),
      ),
    [page, filters.endpoint, filters.status, filters.type],
  );
  const replay = useMutation(async (delivery: WebhookDelivery) => {
    await unwrap(api.POST("/api/webhooks/deliveries/{id}/replay/", { params: { path: { id: delivery.id } } }));
    setDone(`Queued ${delivery.event_id} again: it is sent with the same webhook-id.`);
    await deliveries.reload();
  });
  const urlOf = new Map(endpoints.map((e) => [e.id, e.url]));

  function filter(next: Partial<DeliveryFilters>) {
    setPage(1);
    setDone(null);
    onFilters({ ...filters, ...next });
  }

  return (
    <section className="stack" aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">Deliveries</h2>
      <div className="form-grid" role="search" aria-label="Filter deliveries">
        <Field label="Endpoint">
          <select value={filters.endpoint} onChange={(e) => filter({ endpoint: e.target.value })}>
            <option value="">Every endpoint</option>
            {endpoints.map((e) => (
              <option key={e.id} value={e.id}>
                {e.url}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Status">
          <select value={filters.status} onChange={(e) => filter({ status: isOneOf(DELIVERY_STATUSES, e.target.value) ? e.target.value : "" })}>
            <option value="">Any status</option>
            <option value="pending">Pending</option>
            <option value="delivered">Delivered</option>
            <option value="failed">Failed</option>
          </select>
        </Field>
        <Field label="Event type">
          <select value={filters.type} onChange={(e) => filter({ type: isOneOf(EVENT_TYPES, e.target.value) ? e.target.value : "" })}>
            <option value="">Any type</option>
            {EVENT_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {done && <Notice kind="ok">{done}</Notice>}
      <ErrorMessage error={replay.error} />
      <QueryView query={deliveries} loadingLabel="Loading deliveries…">
        {(data) =>
          data.results.length === 0 ? (
            <p className="muted">No deliveries match.</p>
          ) : (
            <>
              <div className="table-wrap">
                <table>
                  <caption className="visually-hidden">Webhook deliveries</caption>
                  <thead>
                    <tr>
                      <th scope="col">Event</th>
                      <th scope="col">Type</th>
                      <th scope="col">Endpoint</th>
                      <th scope="col">Status</th>
                      <th scope="col">Attempts</th>
                      <th scope="col">Last answer</th>
                      <th scope="col">Next attempt</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.results.map((delivery) => (
                      <tr key={delivery.id}>
                        <td>
                          <code>{delivery.event_id}</code>
                        </td>
                        <td>
                          <code>{delivery.type}</code>
                        </td>
                        <td>{urlOf.get(delivery.endpoint) ?? `#${delivery.endpoint}`}</td>
                        <td>
                          <Badge tone={STATUS_TONES[delivery.status]}>{delivery.status}</Badge>
                        </td>
                        <td>{delivery.attempts}</td>
                        <td>{delivery.last_status_code ?? "—"}</td>
                        <td>{delivery.status === "pending" ? formatDateTime(delivery.next_attempt_at) : "—"}</td>
                        <td>
                          <button
                            type="button"
                            className="secondary"
                            aria-label={`Replay ${delivery.event_id}`}
                            disabled={replay.busy}
                            onClick={() => {
                              setDone(null);
                              void replay.run(delivery);
                            }}
                          >
                            Replay
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pagination page={page} pageSize={DELIVERY_PAGE_SIZE} count={data.count} onPage={setPage} />
            </>
          )
        }
      </QueryView>
    </section>
  );
}

/**
 * Webhooks for platform admins (docs/webhooks.md): the endpoints that receive learnplat's
 * events, signed per Standard Webhooks, and the log of every delivery with replay.
 */
export function WebhooksPage() {
  useDocumentTitle("Webhooks");
  const [filters, setFilters] = useState<DeliveryFilters>({ endpoint: "", status: "", type: "" });
  const endpoints = useEndpoints();
  return (
    <>
      <h1>Webhooks</h1>
      <p className="muted">
        Every event (a submission graded, a grade changed, an enrollment…) is POSTed to each active endpoint that asks for its type,
        signed with the endpoint&apos;s secret; failed requests are retried with backoff, then marked failed.
      </p>
      <EndpointsSection endpoints={endpoints} onShowDeliveries={(endpoint) => setFilters({ ...filters, endpoint: String(endpoint.id) })} />
      <DeliveriesSection filters={filters} onFilters={setFilters} endpoints={endpoints.data?.results ?? []} />
    </>
  );
}
