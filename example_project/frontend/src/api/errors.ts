/**
 * API errors as the UI needs them: a headline message, the domain `code` (API.md: 403/409
 * bodies are `{"detail", "code"}`), and DRF field errors flattened to dotted paths
 * (`tasks.0.config.answers`) so a form can put each message beside its control.
 */

import { isRecord } from "../guards";

export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly fields: FieldErrors;
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    const fields = flattenFieldErrors(body);
    super(messageFor(status, body, fields));
    this.name = "ApiError";
    this.status = status;
    this.body = body;
    this.fields = fields;
    this.code = codeOf(body);
  }

  /** Messages for one field path, e.g. `title` or `tasks.0.config.answers`. */
  field(path: string): string[] {
    return this.fields[path] ?? [];
  }

  /** Messages for every field path under `prefix` (its own and its children's). */
  under(prefix: string): FieldErrors {
    const result: FieldErrors = {};
    for (const [path, messages] of Object.entries(this.fields)) {
      if (path === prefix || path.startsWith(`${prefix}.`)) result[path] = messages;
    }
    return result;
  }
}

export class NetworkError extends Error {
  constructor(cause: unknown) {
    super("Could not reach the server. Check your connection and try again.", { cause });
    this.name = "NetworkError";
  }
}

const NON_FIELD_KEYS = new Set(["detail", "code", "non_field_errors"]);

function codeOf(body: unknown): string | undefined {
  return isRecord(body) && typeof body.code === "string" ? body.code : undefined;
}

export function flattenFieldErrors(body: unknown, prefix = ""): FieldErrors {
  const result: FieldErrors = {};
  const add = (path: string, message: string) => {
    (result[path] ??= []).push(message);
  };
  const walk = (value: unknown, path: string) => {
    if (typeof value === "string") {
      add(path, value);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (typeof item === "string") add(path, item);
        else walk(item, path ? `${path}.${index}` : String(index));
      });
    } else if (isRecord(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (!path && NON_FIELD_KEYS.has(key)) continue;
        walk(child, path ? `${path}.${key}` : key);
      }
    }
  };
  walk(body, prefix);
  return result;
}

function messageFor(status: number, body: unknown, fields: FieldErrors): string {
  if (isRecord(body)) {
    if (typeof body.detail === "string") return body.detail;
    const general = body.non_field_errors;
    if (Array.isArray(general) && typeof general[0] === "string") return general[0];
  }
  if (status === 400 && Object.keys(fields).length > 0) return "Please correct the errors below.";
  if (status === 401) return "Please log in to continue.";
  if (status === 403) return "You do not have permission to do this.";
  if (status === 404) return "Not found.";
  if (status === 429) return "Too many requests. Please wait a moment and try again.";
  if (status >= 500) return "The server had a problem. Please try again later.";
  return `Request failed (${status}).`;
}

/** A message for any thrown value, for error banners. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
