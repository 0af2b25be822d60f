/**
 * Narrowing for values whose type the compiler cannot know (parsed JSON, `unknown` fields of the
 * generated API types, router state, form controls), so the app checks them instead of asserting
 * a type with `as` (which ESLint forbids outside tests).
 */

import type { CourseRole } from "./api/types";

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value` if it is an array, else an empty one. */
export function arrayOr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `value` if it is a plain object, else an empty one. */
export function recordOr(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** A JSON value as a form shows it: strings as they are, anything else as JSON. */
export function displayText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "";
}

/** Whether `value` is one of `options` (for `<select>` values typed as a union). */
export function isOneOf<T extends string>(options: readonly T[], value: string): value is T {
  return options.some((option) => option === value);
}

export const COURSE_ROLES = ["student", "assistant", "instructor"] as const satisfies readonly CourseRole[];
