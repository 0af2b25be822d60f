import { useState, type FormEvent } from "react";
import { api, unwrap } from "../api/client";
import { useQuery } from "../api/hooks";
import type { GroupSet, StudentGroup, UserSummary } from "../api/types";
import { useMutation } from "../api/useMutation";
import { Field } from "./Field";
import { Badge, ErrorMessage, Notice, QueryView } from "./Status";
import { formatDateTime, fullName } from "../format";

/** A course's group sets with the groups the caller sees in each (theirs, and those they are invited to). */
export function useGroupSets(slug: string) {
  return useQuery(async (signal) => {
    const sets = await unwrap(
      api.GET("/api/courses/{slug}/group-sets/", { params: { path: { slug }, query: { page_size: 100 } }, signal }),
    );
    return Promise.all(
      sets.results.map(async (groupSet) => {
        const groups = await unwrap(
          api.GET("/api/group-sets/{set_pk}/groups/", {
            params: { path: { set_pk: groupSet.id }, query: { page_size: 100 } },
            signal,
          }),
        );
        return { groupSet, groups: groups.results };
      }),
    );
  }, [slug]);
}

export type GroupSetWithGroups = { groupSet: GroupSet; groups: StudentGroup[] };

/** The size rule of a set, as a student reads it. */
export function sizeText(groupSet: Pick<GroupSet, "min_size" | "max_size">): string {
  if (groupSet.min_size === groupSet.max_size) return `groups of ${groupSet.max_size}`;
  return `groups of ${groupSet.min_size}–${groupSet.max_size}`;
}

function isMember(group: StudentGroup, userId: number): boolean {
  return group.members.some((member: UserSummary) => member.id === userId);
}

/** One set: the student's group (members, invitations, invite, leave) or how to get one. */
function GroupSetCard({ entry, userId, reload }: { entry: GroupSetWithGroups; userId: number; reload: () => Promise<void> }) {
  const { groupSet, groups } = entry;
  const mine = groups.find((g) => isMember(g, userId));
  const invitations = groups.filter((g) => !isMember(g, userId));
  const [username, setUsername] = useState("");
  const [name, setName] = useState("");
  const [done, setDone] = useState<string | null>(null);

  const create = useMutation(async () => {
    const body = name.trim() ? { name: name.trim() } : {};
    const group = await unwrap(api.POST("/api/group-sets/{set_pk}/groups/", { params: { path: { set_pk: groupSet.id } }, body }));
    setName("");
    setDone(`Created ${group.name}. Invite the others by username.`);
    await reload();
  });
  const invite = useMutation(async (group: StudentGroup) => {
    const invitation = await unwrap(
      api.POST("/api/groups/{id}/invite/", { params: { path: { id: group.id } }, body: { username: username.trim() } }),
    );
    setUsername("");
    setDone(`Invited ${fullName(invitation.user)}.`);
    await reload();
  });
  const answer = useMutation(async (group: StudentGroup, accept: boolean) => {
    if (accept) await unwrap(api.POST("/api/groups/{id}/accept/", { params: { path: { id: group.id } } }));
    else await unwrap(api.POST("/api/groups/{id}/decline/", { params: { path: { id: group.id } } }));
    setDone(accept ? `You joined ${group.name}.` : `You declined ${group.name}.`);
    await reload();
  });
  const leave = useMutation(async (group: StudentGroup) => {
    await unwrap(api.POST("/api/groups/{id}/leave/", { params: { path: { id: group.id } } }));
    setDone(`You left ${group.name}.`);
    await reload();
  });

  function submitInvite(event: FormEvent, group: StudentGroup) {
    event.preventDefault();
    setDone(null);
    void invite.run(group);
  }

  function submitCreate(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    void create.run();
  }

  function confirmLeave(group: StudentGroup) {
    if (!window.confirm(`Leave ${group.name}?`)) return;
    setDone(null);
    void leave.run(group);
  }

  const headingId = `group-set-${groupSet.id}`;
  return (
    <section className="card stack" aria-labelledby={headingId}>
      <h3 id={headingId} style={{ margin: 0 }}>
        {groupSet.name} <span className="muted small">({sizeText(groupSet)})</span>
      </h3>
      {done && <Notice kind="ok">{done}</Notice>}
      <ErrorMessage error={create.error || invite.error || answer.error || leave.error} />
      {mine ? (
        <div className="stack">
          <p style={{ margin: 0 }}>
            Your group: <strong>{mine.name}</strong>{" "}
            {mine.locked_at && <Badge tone="info">Submitted {formatDateTime(mine.locked_at)}: members frozen</Badge>}
          </p>
          <ul aria-label={`Members of ${mine.name}`}>
            {mine.members.map((member) => (
              <li key={member.id}>{fullName(member)}</li>
            ))}
          </ul>
          {mine.size < groupSet.min_size && (
            <Notice kind="warn">
              Your group needs at least {groupSet.min_size} members before it can submit.
            </Notice>
          )}
          {mine.invitations.length > 0 && (
            <p className="muted small" style={{ margin: 0 }}>
              Invited, not yet answered: {mine.invitations.map((i) => fullName(i.user)).join(", ")}
            </p>
          )}
          {groupSet.self_signup && !mine.locked_at && (
            <div className="row">
              {mine.size < groupSet.max_size && (
                <form className="row" onSubmit={(e) => submitInvite(e, mine)} noValidate>
                  <Field label="Invite by username" errors={invite.fields.username}>
                    <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
                  </Field>
                  <button type="submit" disabled={invite.busy || !username.trim()}>
                    Invite
                  </button>
                </form>
              )}
              <button type="button" className="secondary" disabled={leave.busy} onClick={() => confirmLeave(mine)}>
                Leave group
              </button>
            </div>
          )}
        </div>
      ) : (
        <div className="stack">
          <p style={{ margin: 0 }}>You are not in a group of this set yet.</p>
          {invitations.length > 0 && (
            <ul aria-label="Your invitations">
              {invitations.map((group) => (
                <li key={group.id} className="row">
                  <span>
                    Invitation to <strong>{group.name}</strong> ({group.members.map(fullName).join(", ")})
                  </span>
                  {groupSet.self_signup && (
                    <>
                      <button type="button" disabled={answer.busy} onClick={() => void answer.run(group, true)}>
                        Accept
                      </button>
                      <button type="button" className="secondary" disabled={answer.busy} onClick={() => void answer.run(group, false)}>
                        Decline
                      </button>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
          {groupSet.self_signup ? (
            <form className="row" onSubmit={submitCreate} noValidate>
              <Field label="Group name" hint="Optional" errors={create.fields.name}>
                <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
              </Field>
              <button type="submit" disabled={create.busy}>
                Create a group
              </button>
            </form>
          ) : (
            <p className="muted">Your course staff form the groups of this set.</p>
          )}
        </div>
      )}
    </section>
  );
}

/** A student's groups in a course, one card per group set; nothing when the course has none. */
export function GroupsPanel({ slug, userId }: { slug: string; userId: number }) {
  const sets = useGroupSets(slug);
  if (sets.data && sets.data.length === 0) return null;
  return (
    <section className="stack" aria-labelledby="groups-heading">
      <h2 id="groups-heading">Groups</h2>
      <QueryView query={sets} loadingLabel="Loading groups…">
        {(entries) => (
          <>
            {entries.map((entry) => (
              <GroupSetCard key={entry.groupSet.id} entry={entry} userId={userId} reload={sets.reload} />
            ))}
          </>
        )}
      </QueryView>
    </section>
  );
}
