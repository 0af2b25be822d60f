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

/**
 * `value` if it is a path of this site to return to after logging in, else undefined: only
 * "/…" paths, never "//host" or "/\host" (which browsers read as another origin), never the
 * login and sign-up pages themselves.
 */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== "string" || !value.startsWith("/") || /^\/[/\\]/.test(value)) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return undefined;
  const base = "https://learnplat.invalid";
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return undefined;
  }
  if (url.origin !== base || url.pathname === "/login" || url.pathname === "/register") return undefined;
  return url.pathname + url.search + url.hash;
}
