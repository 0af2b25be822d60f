import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { ApiError, errorMessage, type FieldErrors } from "./errors";

/** What `run` resolves to: it never rejects, so `void mutation.run()` is safe in a handler. */
export type MutationResult<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface Mutation<A extends unknown[], R> {
  /** Runs the action, with `busy` set and the previous error cleared while it runs. */
  run: (...args: A) => Promise<MutationResult<R>>;
  busy: boolean;
  /** The last failure (after `mapError`), or null; falsy means none, as for <ErrorMessage>. */
  error: unknown;
  /** The failure's field errors (an ApiError's, by dotted path), or `{}`. */
  fields: FieldErrors;
  /** The failure's headline (errorMessage), or null when there is none. */
  message: string | null;
  /** Shows an error without running the action: a check the browser made itself. */
  fail: (error: unknown) => void;
  /** Clears the error. */
  reset: () => void;
}

export interface MutationOptions {
  /** Turns a thrown value into the error to show (e.g. a 401 into "Wrong password"). */
  mapError?: (error: unknown) => unknown;
}

/**
 * A write to the API from an event handler: tracks `busy` and the error of `action` so that
 * forms and buttons do not each hand-roll `useState(false)` and try/catch/finally.
 *
 * Only the latest call updates the state, and nothing is set after the component unmounted
 * (a form that navigates away on success, a row removed by the reload it caused).
 */
export function useMutation<A extends unknown[], R>(
  action: (...args: A) => Promise<R>,
  options: MutationOptions = {},
): Mutation<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  // `run` stays the same function across renders and calls the latest `action`.
  const actionRef = useRef(action);
  const mapErrorRef = useRef(options.mapError);
  useLayoutEffect(() => {
    actionRef.current = action;
    mapErrorRef.current = options.mapError;
  });

  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const latestCall = useRef(0);

  const run = useCallback(async (...args: A): Promise<MutationResult<R>> => {
    latestCall.current += 1;
    const call = latestCall.current;
    const current = () => mounted.current && call === latestCall.current;
    setBusy(true);
    setError(null);
    try {
      const value = await actionRef.current(...args);
      if (current()) setBusy(false);
      return { ok: true, value };
    } catch (caught) {
      const mapError = mapErrorRef.current;
      const mapped = mapError ? mapError(caught) : caught;
      if (current()) {
        setBusy(false);
        setError(mapped);
      }
      return { ok: false, error: mapped };
    }
  }, []);

  const fail = useCallback((next: unknown) => setError(next), []);
  const reset = useCallback(() => setError(null), []);

  return {
    run,
    busy,
    error,
    fields: error instanceof ApiError ? error.fields : {},
    message: error ? errorMessage(error) : null,
    fail,
    reset,
  };
}
