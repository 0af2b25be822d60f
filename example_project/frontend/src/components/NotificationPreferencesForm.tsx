import { useState, type FormEvent } from "react";
import { api, unwrap } from "../api/client";
import { useQuery } from "../api/hooks";
import { useMutation } from "../api/useMutation";
import {
  CHANNEL_LABELS,
  CHANNELS,
  KIND_LABELS,
  KINDS,
  type Channel,
  type NotificationKind,
  type NotificationPreferences,
} from "../notifications/notifications";
import { ErrorMessage, Notice, QueryView } from "./Status";

/** The caller's notification preferences: a checkbox per kind and channel, saved together. */
export function NotificationPreferencesForm() {
  const stored = useQuery(
    async (signal) => unwrap(api.GET("/api/notifications/preferences/", { signal })),
    [],
  );
  return (
    <QueryView query={stored} loadingLabel="Loading your preferences…">
      {(preferences) => <PreferencesTable initial={preferences} onSaved={(saved) => stored.setData(saved)} />}
    </QueryView>
  );
}

function PreferencesTable({
  initial,
  onSaved,
}: {
  initial: NotificationPreferences;
  onSaved: (saved: NotificationPreferences) => void;
}) {
  const [draft, setDraft] = useState(initial);
  const [saved, setSaved] = useState(false);
  const save = useMutation(async (body: NotificationPreferences) =>
    unwrap(api.PATCH("/api/notifications/preferences/", { body })),
  );

  function toggle(kind: NotificationKind, channel: Channel, on: boolean) {
    setSaved(false);
    setDraft((current) => ({ ...current, [kind]: { ...current[kind], [channel]: on } }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await save.run(draft);
    if (result.ok) {
      onSaved(result.value);
      setDraft(result.value);
      setSaved(true);
    }
  }

  return (
    <form className="stack" onSubmit={(event) => void submit(event)} aria-labelledby="preferences-heading">
      <div className="table-wrap">
      <table>
        <caption className="muted small">Tell me when…</caption>
        <thead>
          <tr>
            <th scope="col">Notification</th>
            {CHANNELS.map((channel) => (
              <th scope="col" key={channel}>
                {CHANNEL_LABELS[channel]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {KINDS.map((kind) => (
            <tr key={kind}>
              <th scope="row">{KIND_LABELS[kind]}</th>
              {CHANNELS.map((channel) => (
                <td key={channel}>
                  <input
                    type="checkbox"
                    aria-label={`${KIND_LABELS[kind]}: ${CHANNEL_LABELS[channel].toLowerCase()}`}
                    checked={draft[kind][channel]}
                    onChange={(event) => toggle(kind, channel, event.target.checked)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      <ErrorMessage error={save.error} />
      {saved && <Notice kind="ok">Preferences saved.</Notice>}
      <div>
        <button type="submit" disabled={save.busy}>
          {save.busy ? "Saving…" : "Save preferences"}
        </button>
      </div>
    </form>
  );
}
