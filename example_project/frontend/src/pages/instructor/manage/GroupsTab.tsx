import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../../api/client";
import { useQuery } from "../../../api/hooks";
import type { CourseDetail, Enrollment, GroupSet, StudentGroup } from "../../../api/types";
import { useMutation } from "../../../api/useMutation";
import { Field } from "../../../components/Field";
import { sizeText } from "../../../components/GroupsPanel";
import { Badge, ErrorMessage, Notice, QueryView } from "../../../components/Status";
import { formatDateTime, fullName } from "../../../format";
import { useEnrollments } from "./useEnrollments";

type SetDraft = { name: string; min_size: string; max_size: string; self_signup: boolean };

const EMPTY_SET: SetDraft = { name: "", min_size: "1", max_size: "4", self_signup: true };

function draftOf(groupSet: GroupSet): SetDraft {
  return {
    name: groupSet.name,
    min_size: String(groupSet.min_size),
    max_size: String(groupSet.max_size),
    self_signup: groupSet.self_signup,
  };
}

/** Create or edit a group set. */
function GroupSetForm({
  course,
  editing,
  onSaved,
  onCancel,
}: {
  course: CourseDetail;
  editing: GroupSet | null;
  onSaved: (saved: GroupSet) => void;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState<SetDraft>(editing ? draftOf(editing) : EMPTY_SET);
  const save = useMutation(async () => {
    const body = {
      name: draft.name,
      min_size: Number(draft.min_size),
      max_size: Number(draft.max_size),
      self_signup: draft.self_signup,
    };
    const saved = editing
      ? await unwrap(api.PATCH("/api/courses/{slug}/group-sets/{id}/", { params: { path: { slug: course.slug, id: editing.id } }, body }))
      : await unwrap(api.POST("/api/courses/{slug}/group-sets/", { params: { path: { slug: course.slug } }, body }));
    if (!editing) setDraft(EMPTY_SET);
    onSaved(saved);
  });
  const heading = editing ? `Edit ${editing.name}` : "Add a group set";

  function submit(event: FormEvent) {
    event.preventDefault();
    void save.run();
  }

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label={heading}>
      <h3 style={{ margin: 0 }}>{heading}</h3>
      <ErrorMessage error={save.error} />
      <div className="form-grid">
        <Field label="Name" errors={save.fields.name}>
          <input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        </Field>
        <Field label="Smallest group" hint="Members needed to submit" errors={save.fields.min_size}>
          <input type="number" min={1} value={draft.min_size} onChange={(e) => setDraft({ ...draft, min_size: e.target.value })} />
        </Field>
        <Field label="Largest group" errors={save.fields.max_size}>
          <input type="number" min={1} max={50} value={draft.max_size} onChange={(e) => setDraft({ ...draft, max_size: e.target.value })} />
        </Field>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={draft.self_signup} onChange={(e) => setDraft({ ...draft, self_signup: e.target.checked })} />
        Students form their own groups (create, invite, accept, leave)
      </label>
      <div className="form-actions">
        <button type="submit" disabled={save.busy}>
          {editing ? "Save group set" : "Add group set"}
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

/** Checkboxes of some of the course's enrollments: a group's members, a section's staff. */
export function MemberPicker({
  students,
  chosen,
  onChange,
  label,
  empty = "No students enrolled.",
}: {
  students: Enrollment[];
  chosen: number[];
  onChange: (next: number[]) => void;
  label: string;
  empty?: string;
}) {
  return (
    <fieldset className="stack">
      <legend>{label}</legend>
      {students.length === 0 && <p className="muted">{empty}</p>}
      {students.map((s) => (
        <label key={s.user.id} className="checkbox">
          <input
            type="checkbox"
            checked={chosen.includes(s.user.id)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, s.user.id] : chosen.filter((id) => id !== s.user.id))}
          />
          {fullName(s.user)}
        </label>
      ))}
    </fieldset>
  );
}

/** The groups of one set: each with its members, edit and dissolve; a form to form a new one. */
function GroupsOfSet({ groupSet, students }: { groupSet: GroupSet; students: Enrollment[] }) {
  const groups = useQuery(
    (signal) =>
      unwrap(
        api.GET("/api/group-sets/{set_pk}/groups/", { params: { path: { set_pk: groupSet.id }, query: { page_size: 100 } }, signal }),
      ),
    [groupSet.id],
  );
  const [name, setName] = useState("");
  const [members, setMembers] = useState<number[]>([]);
  const [editing, setEditing] = useState<{ id: number; members: number[] } | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const form = useMutation(async () => {
    const body = { members, ...(name.trim() ? { name: name.trim() } : {}) };
    const created = await unwrap(api.POST("/api/group-sets/{set_pk}/groups/", { params: { path: { set_pk: groupSet.id } }, body }));
    setName("");
    setMembers([]);
    setDone(`Formed ${created.name}.`);
    await groups.reload();
  });
  const edit = useMutation(async (group: StudentGroup, next: number[]) => {
    const saved = await unwrap(api.PATCH("/api/groups/{id}/", { params: { path: { id: group.id } }, body: { members: next } }));
    setEditing(null);
    setDone(`Saved the members of ${saved.name}.`);
    await groups.reload();
  });
  const dissolve = useMutation(async (group: StudentGroup) => {
    await unwrap(api.DELETE("/api/groups/{id}/", { params: { path: { id: group.id } } }));
    setDone(`Dissolved ${group.name}.`);
    await groups.reload();
  });

  // Students already in a group of the set are not offered for a new one.
  const grouped = new Set((groups.data?.results ?? []).flatMap((g) => g.members.map((m) => m.id)));
  const free = students.filter((s) => !grouped.has(s.user.id));

  function submit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    void form.run();
  }

  return (
    <div className="stack">
      {done && <Notice kind="ok">{done}</Notice>}
      <ErrorMessage error={form.error || edit.error || dissolve.error} />
      <QueryView query={groups} loadingLabel="Loading groups…">
        {(page) =>
          page.results.length === 0 ? (
            <p className="muted">No groups yet.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{`Groups of ${groupSet.name}`}</caption>
                <thead>
                  <tr>
                    <th scope="col">Group</th>
                    <th scope="col">Members</th>
                    <th scope="col">Invited</th>
                    <th scope="col">State</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.results.map((group) => (
                    <tr key={group.id}>
                      <td>{group.name}</td>
                      <td>
                        {editing?.id === group.id ? (
                          <div className="stack">
                            <MemberPicker
                              label={`Members of ${group.name}`}
                              students={students.filter((s) => !grouped.has(s.user.id) || group.members.some((m) => m.id === s.user.id))}
                              chosen={editing.members}
                              onChange={(next) => setEditing({ id: group.id, members: next })}
                            />
                            <div className="row">
                              <button type="button" disabled={edit.busy} onClick={() => void edit.run(group, editing.members)}>
                                Save members
                              </button>
                              <button type="button" className="secondary" onClick={() => setEditing(null)}>
                                Cancel
                              </button>
                            </div>
                          </div>
                        ) : (
                          group.members.map(fullName).join(", ") || "—"
                        )}
                      </td>
                      <td>{group.invitations.map((i) => fullName(i.user)).join(", ") || "—"}</td>
                      <td>
                        {group.locked_at ? (
                          <Badge tone="info">Submitted {formatDateTime(group.locked_at)}</Badge>
                        ) : group.size < groupSet.min_size ? (
                          <Badge tone="warn">Below {groupSet.min_size}</Badge>
                        ) : (
                          <Badge tone="ok">Ready</Badge>
                        )}
                      </td>
                      <td className="row">
                        {!group.locked_at && editing?.id !== group.id && (
                          <>
                            <button
                              type="button"
                              className="secondary"
                              aria-label={`Edit the members of ${group.name}`}
                              onClick={() => setEditing({ id: group.id, members: group.members.map((m) => m.id) })}
                            >
                              Edit members
                            </button>
                            <button
                              type="button"
                              className="secondary"
                              aria-label={`Dissolve ${group.name}`}
                              disabled={dissolve.busy}
                              onClick={() => {
                                if (window.confirm(`Dissolve ${group.name}? Its members are in no group of the set then.`)) {
                                  setDone(null);
                                  void dissolve.run(group);
                                }
                              }}
                            >
                              Dissolve
                            </button>
                          </>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
      <form className="card stack" onSubmit={submit} noValidate aria-label={`Form a group of ${groupSet.name}`}>
        <h4 style={{ margin: 0 }}>Form a group</h4>
        <Field label="Group name" hint={'Optional: "Group N" when empty'} errors={form.fields.name}>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <MemberPicker label="Students without a group" students={free} chosen={members} onChange={setMembers} />
        {form.fields.members && <p className="field-error">{form.fields.members.join(" ")}</p>}
        <div className="form-actions">
          <button type="submit" disabled={form.busy}>
            Form group
          </button>
        </div>
      </form>
    </div>
  );
}

/** The course's group sets (first 100). */
export function useCourseGroupSets(slug: string) {
  return useQuery(
    (signal) => unwrap(api.GET("/api/courses/{slug}/group-sets/", { params: { path: { slug }, query: { page_size: 100 } }, signal })),
    [slug],
  );
}

/** The course's group sets (for group tasks) and, per set, its groups. */
export function GroupsTab({ course }: { course: CourseDetail }) {
  const sets = useCourseGroupSets(course.slug);
  const enrollments = useEnrollments(course.slug);
  const students = (enrollments.data?.results ?? []).filter((e) => e.role === "student" && e.status === "active");
  const [open, setOpen] = useState<number | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const remove = useMutation(async (groupSet: GroupSet) => {
    await unwrap(api.DELETE("/api/courses/{slug}/group-sets/{id}/", { params: { path: { slug: course.slug, id: groupSet.id } } }));
    setDone(`Deleted ${groupSet.name}.`);
    await sets.reload();
  });

  return (
    <div className="stack">
      <p className="muted small">
        A task with a group set takes one submission per group for every member (pick the set in the task&apos;s editor).
      </p>
      {done && <Notice kind="ok">{done}</Notice>}
      <ErrorMessage error={remove.error} />
      <ErrorMessage error={enrollments.error} onRetry={() => void enrollments.reload()} />
      <QueryView query={sets} loadingLabel="Loading group sets…">
        {(page) =>
          page.results.length === 0 ? (
            <p className="muted">No group sets yet.</p>
          ) : (
            <ul className="stack" style={{ listStyle: "none", padding: 0 }} aria-label="Group sets">
              {page.results.map((groupSet) => (
                <li key={groupSet.id} className="card stack">
                  <div className="row">
                    <h3 style={{ margin: 0 }}>{groupSet.name}</h3>
                    <span className="muted small">
                      {sizeText(groupSet)}; {groupSet.self_signup ? "students sign up" : "staff form groups"}
                    </span>
                  </div>
                  <div className="row">
                    <button type="button" className="secondary" onClick={() => setOpen(open === groupSet.id ? null : groupSet.id)} aria-expanded={open === groupSet.id}>
                      {open === groupSet.id ? "Hide groups" : "Show groups"}
                    </button>
                    <button type="button" className="secondary" onClick={() => setEditing(groupSet.id)}>
                      Edit
                    </button>
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Delete ${groupSet.name}`}
                      disabled={remove.busy}
                      onClick={() => {
                        if (window.confirm(`Delete ${groupSet.name} with its groups?`)) {
                          setDone(null);
                          void remove.run(groupSet);
                        }
                      }}
                    >
                      Delete
                    </button>
                  </div>
                  {editing === groupSet.id && (
                    <GroupSetForm
                      course={course}
                      editing={groupSet}
                      onCancel={() => setEditing(null)}
                      onSaved={(saved) => {
                        setEditing(null);
                        setDone(`Saved ${saved.name}.`);
                        void sets.reload();
                      }}
                    />
                  )}
                  {open === groupSet.id && <GroupsOfSet groupSet={groupSet} students={students} />}
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
      <GroupSetForm
        course={course}
        editing={null}
        onSaved={(saved) => {
          setDone(`Added ${saved.name}.`);
          void sets.reload();
        }}
      />
    </div>
  );
}
