import type { ReactNode } from "react";
import { ApiError, errorMessage } from "../api/errors";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div className="alert alert--error" role="alert">
      <span>{errorMessage(error)}</span>
      {onRetry && (
        <>
          {" "}
          <button type="button" className="link" onClick={onRetry}>
            Try again
          </button>
        </>
      )}
    </div>
  );
}

export function Notice({
  kind = "info",
  children,
}: {
  kind?: "info" | "ok" | "warn" | "error";
  children: ReactNode;
}) {
  return (
    <div className={`alert alert--${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}

/**
 * Loading, error and data states of a query in one place. A 404 says "not found" rather than a
 * generic error, since outsiders get 404 for things they may not see.
 */
export function QueryView<T>({
  query,
  children,
  loadingLabel,
}: {
  query: { data: T | undefined; error: unknown; loading: boolean; reload: () => void };
  children: (data: T) => ReactNode;
  loadingLabel?: string;
}) {
  if (query.error) {
    if (query.error instanceof ApiError && query.error.status === 404) {
      return <Notice kind="warn">Not found. It may not exist, or you may not have access to it.</Notice>;
    }
    return <ErrorMessage error={query.error} onRetry={query.reload} />;
  }
  if (query.data === undefined) return <Loading label={loadingLabel} />;
  return <>{children(query.data)}</>;
}

export function Badge({ tone, children }: { tone?: "ok" | "warn" | "danger" | "info"; children: ReactNode }) {
  return <span className={tone ? `badge badge--${tone}` : "badge"}>{children}</span>;
}

/** "Active" or "Inactive", for anything with an `is_active` switch (webhook endpoints, LTI registrations). */
export function ActiveBadge({ active }: { active: boolean | undefined }) {
  return active ? <Badge tone="ok">Active</Badge> : <Badge tone="warn">Inactive</Badge>;
}

export function ProgressBar({ percent, label }: { percent: number; label: string }) {
  const value = Math.max(0, Math.min(100, percent));
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(value)}
    >
      <span style={{ width: `${value}%` }} />
    </div>
  );
}
