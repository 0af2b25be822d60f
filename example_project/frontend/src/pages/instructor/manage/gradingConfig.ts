/**
 * The grading settings page's model, free of React: the draft an instructor edits, the
 * preview request it becomes (`POST courses/{slug}/grading/preview/`), the summary of the
 * preview's answer, and the writes that apply the draft, in an order the API accepts.
 */

import { api, authFetch, unwrap } from "../../../api/client";
import { ApiError } from "../../../api/errors";
import type { components } from "../../../api/schema";
import { isRecord } from "../../../guards";

type Schemas = components["schemas"];
export type AssignmentGroup = Schemas["AssignmentGroup"];
export type GradingScheme = Schemas["GradingSchemeEnum"];
export type LetterGrade = { letter: string; min_percent: number };
export type PreviewRequest = Schemas["GradingPreviewRequest"];
export type PreviewResult = Schemas["GradingPreviewResult"];
export type PreviewRow = Schemas["PreviewRow"];

/** A group as the form holds it: `id` for one that exists, `key` for every row. */
export interface DraftGroup {
  key: string;
  id?: number;
  name: string;
  weight: string;
  dropLowest: string;
}

export interface DraftLetter {
  key: string;
  letter: string;
  minPercent: string;
}

export interface Draft {
  scheme: GradingScheme;
  groups: DraftGroup[];
  letters: DraftLetter[];
  /** Task id → the key of its group's row, or "" for none. */
  taskGroups: Record<number, string>;
}

export interface Current {
  scheme: GradingScheme;
  groups: AssignmentGroup[];
  letters: LetterGrade[];
  tasks: { id: number; group: number | null }[];
}

/** A recompute running off the request (the API answers 202 with it on large courses). */
export interface RecomputeJob {
  id: number;
  state: "queued" | "running" | "done" | "failed";
  kind: string;
  students_done: number;
  students_total: number;
  error: string;
}

export const LETTER_PRESETS: Record<string, LetterGrade[]> = {
  "A–F": [
    { letter: "A", min_percent: 90 },
    { letter: "B", min_percent: 80 },
    { letter: "C", min_percent: 70 },
    { letter: "D", min_percent: 60 },
    { letter: "F", min_percent: 0 },
  ],
  "Pass / fail": [
    { letter: "Pass", min_percent: 50 },
    { letter: "Fail", min_percent: 0 },
  ],
};

let counter = 0;
export function newKey(prefix: string): string {
  counter += 1;
  return `${prefix}-new-${counter}`;
}

export function groupKey(id: number): string {
  return `group-${id}`;
}

export function draftOf(current: Current): Draft {
  return {
    scheme: current.scheme,
    groups: current.groups.map((g) => ({
      key: groupKey(g.id),
      id: g.id,
      name: g.name,
      weight: String(g.weight),
      dropLowest: String(g.drop_lowest),
    })),
    letters: lettersDraft(current.letters),
    taskGroups: Object.fromEntries(current.tasks.map((t) => [t.id, t.group === null ? "" : groupKey(t.group)])),
  };
}

export function lettersDraft(letters: LetterGrade[]): DraftLetter[] {
  return letters.map((l) => ({ key: newKey("letter"), letter: l.letter, minPercent: String(l.min_percent) }));
}

function number(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

export function draftLetters(draft: Draft): LetterGrade[] {
  return draft.letters.map((l) => ({ letter: l.letter.trim(), min_percent: number(l.minPercent) }));
}

/** The sum of the draft's group weights (blank or invalid weights count as 0). */
export function weightTotal(draft: Draft): number {
  return draft.groups.reduce((sum, g) => sum + (Number.isFinite(number(g.weight)) ? number(g.weight) : 0), 0);
}

/** The preview request of a draft; new groups get negative ids that tasks refer to. */
export function previewRequest(draft: Draft, current: Current): PreviewRequest {
  const ids = proposalIds(draft);
  const tasks = current.tasks
    .map((t) => ({ id: t.id, group: groupIdOf(draft.taskGroups[t.id] ?? "", ids), before: t.group }))
    .filter((t) => t.group !== t.before)
    .map(({ id, group }) => ({ id, group }));
  return {
    grading_scheme: draft.scheme,
    letter_grades: draftLetters(draft),
    groups: draft.groups.map((g) => ({
      id: ids.get(g.key) ?? 0,
      name: g.name.trim(),
      weight: number(g.weight),
      drop_lowest: number(g.dropLowest),
    })),
    tasks,
  };
}

function proposalIds(draft: Draft): Map<string, number> {
  let next = -1;
  return new Map(draft.groups.map((g) => [g.key, g.id ?? next--]));
}

function groupIdOf(key: string, ids: Map<string, number>): number | null {
  return key === "" ? null : (ids.get(key) ?? null);
}

export interface PreviewSummary {
  changed: number;
  /** The largest rise and fall of a student's percent (points), 0 when none. */
  largestRise: number;
  largestFall: number;
  letterChanges: PreviewRow[];
}

export function summarise(result: PreviewResult): PreviewSummary {
  let largestRise = 0;
  let largestFall = 0;
  for (const row of result.results) {
    const delta = row.new.percent - row.old.percent;
    largestRise = Math.max(largestRise, delta);
    largestFall = Math.min(largestFall, delta);
  }
  return {
    changed: result.changed,
    largestRise,
    largestFall: -largestFall,
    letterChanges: result.results.filter((row) => row.old.letter !== row.new.letter),
  };
}

/** Whether the draft changes anything at all. */
export function isDirty(draft: Draft, current: Current): boolean {
  return JSON.stringify(previewRequest(draft, current)) !== JSON.stringify(previewRequest(draftOf(current), current));
}

const JOB_STATES: readonly RecomputeJob["state"][] = ["queued", "running", "done", "failed"];

/** The recompute job a 202 answers with, checked field by field. */
export function jobOf(value: unknown): RecomputeJob {
  const state = isRecord(value) ? JOB_STATES.find((s) => s === value.state) : undefined;
  if (!isRecord(value) || typeof value.id !== "number" || state === undefined) {
    throw new Error("The server answered 202 without a recompute job.");
  }
  const count = (v: unknown) => (typeof v === "number" ? v : 0);
  return {
    id: value.id,
    state,
    kind: typeof value.kind === "string" ? value.kind : "",
    students_done: count(value.students_done),
    students_total: count(value.students_total),
    error: typeof value.error === "string" ? value.error : "",
  };
}

/** Polls the recompute job at `location` until it has finished; throws when it failed. */
export async function waitForJob(location: string, onJob: (job: RecomputeJob | null) => void, intervalMs = 1000): Promise<void> {
  const read = async () => {
    const response = await authFetch(new Request(new URL(location, window.location.origin)));
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, body);
    return jobOf(body);
  };
  let current = await read();
  onJob(current);
  while (current.state === "queued" || current.state === "running") {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    current = await read();
    onJob(current);
  }
  onJob(null);
  if (current.state === "failed") throw new Error(`The recompute failed: ${current.error || "unknown error"}.`);
}

/**
 * The data of a write; when the API answered 202 (a large course), after the recompute job
 * named by `Location` is done.
 */
async function settle<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
  onJob: (job: RecomputeJob | null) => void,
): Promise<T | null> {
  const result = await call;
  if (!result.response.ok) throw new ApiError(result.response.status, result.error);
  const location = result.response.headers.get("Location");
  if (result.response.status === 202 && location) await waitForJob(location, onJob);
  return result.data ?? null;
}

async function groupIdByName(slug: string, name: string): Promise<number | undefined> {
  const groups = await unwrap(api.GET("/api/courses/{slug}/groups/", { params: { path: { slug } } }));
  return groups.find((g) => g.name === name)?.id;
}

/**
 * Applies a draft with the API's ordinary writes, in an order each step accepts: leaving
 * `weighted` first and entering it last (so weights never block), deletions before changes,
 * lowered weights before raised ones, new groups before the tasks that join them.
 */
export async function applyDraft(
  slug: string,
  draft: Draft,
  current: Current,
  onJob: (job: RecomputeJob | null) => void,
): Promise<void> {
  const patchCourse = (body: { grading_scheme?: GradingScheme; letter_grades?: LetterGrade[] }) =>
    settle(api.PATCH("/api/courses/{slug}/", { params: { path: { slug } }, body }), onJob);
  const schemeChanges = draft.scheme !== current.scheme;
  if (schemeChanges && draft.scheme === "points") await patchCourse({ grading_scheme: "points" });

  const kept = new Set(draft.groups.flatMap((g) => (g.id === undefined ? [] : [g.id])));
  for (const group of current.groups.filter((g) => !kept.has(g.id))) {
    await settle(api.DELETE("/api/courses/{slug}/groups/{id}/", { params: { path: { slug, id: group.id } } }), onJob);
  }
  const before = new Map(current.groups.map((g) => [g.id, g]));
  const updates = draft.groups
    .filter((g) => g.id !== undefined)
    .map((g) => ({ draft: g, old: before.get(g.id!)! }))
    .filter(({ draft: g, old }) => g.name.trim() !== old.name || number(g.weight) !== old.weight || number(g.dropLowest) !== old.drop_lowest)
    .sort((a, b) => number(a.draft.weight) - a.old.weight - (number(b.draft.weight) - b.old.weight));
  for (const { draft: g } of updates) {
    await settle(
      api.PATCH("/api/courses/{slug}/groups/{id}/", {
        params: { path: { slug, id: g.id! } },
        body: { name: g.name.trim(), weight: number(g.weight), drop_lowest: number(g.dropLowest) },
      }),
      onJob,
    );
  }
  const ids = new Map(draft.groups.flatMap((g) => (g.id === undefined ? [] : [[g.key, g.id] as const])));
  for (const g of draft.groups.filter((group) => group.id === undefined)) {
    const created = await settle(
      api.POST("/api/courses/{slug}/groups/", {
        params: { path: { slug } },
        body: { name: g.name.trim(), weight: number(g.weight), drop_lowest: number(g.dropLowest) },
      }),
      onJob,
    );
    // An answer without a body (a host serializer may give none) is found by the unique name.
    const id = created?.id ?? (await groupIdByName(slug, g.name.trim()));
    if (id !== undefined) ids.set(g.key, id);
  }
  for (const task of current.tasks) {
    const key = draft.taskGroups[task.id] ?? "";
    const group = key === "" ? null : (ids.get(key) ?? null);
    if (group !== task.group) {
      await settle(api.PATCH("/api/tasks/{id}/", { params: { path: { id: task.id } }, body: { group } }), onJob);
    }
  }
  const letters = draftLetters(draft);
  const course: { grading_scheme?: GradingScheme; letter_grades?: LetterGrade[] } = {};
  if (schemeChanges && draft.scheme === "weighted") course.grading_scheme = "weighted";
  if (JSON.stringify(letters) !== JSON.stringify(current.letters)) course.letter_grades = letters;
  if (Object.keys(course).length > 0) await patchCourse(course);
}
