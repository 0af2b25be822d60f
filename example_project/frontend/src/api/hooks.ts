import { useCallback, useEffect, useLayoutEffect, useRef, useState, type DependencyList } from "react";

export interface Query<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
  setData: (update: T | ((current: T | undefined) => T | undefined)) => void;
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

function sameDeps(a: DependencyList, b: DependencyList): boolean {
  return a.length === b.length && a.every((value, index) => Object.is(value, b[index]));
}

/**
 * Runs `load` when `deps` change and tracks loading and error state. The signal aborts the
 * request when the component unmounts or the deps change, so a slow answer never overwrites a
 * newer one.
 */
export function useQuery<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Query<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  // The deps the state belongs to. New deps name a different thing: never show the old one's
  // data under it. Adjusted while rendering (not in an effect), so no render shows stale data.
  const [key, setKey] = useState(deps);
  if (!sameDeps(key, deps)) {
    setKey(deps);
    setData(undefined);
    setError(null);
    setLoading(true);
  }
  // `load` is read through a ref so it need not be stable; `key` says when to call it.
  const loadRef = useRef(load);
  useLayoutEffect(() => {
    loadRef.current = load;
  });
  const controllerRef = useRef<AbortController | null>(null);

  // Aborts the request in flight (its answer is no longer wanted) and starts a new signal.
  const restart = useCallback(() => {
    controllerRef.current?.abort();
    const controller = new AbortController();
    controllerRef.current = controller;
    return controller;
  }, []);

  // Sets state only once the answer is in: `loading` and `error` were reset before the call.
  const fetchInto = useCallback(async (controller: AbortController) => {
    try {
      const result = await loadRef.current(controller.signal);
      if (!controller.signal.aborted) setData(result);
    } catch (caught) {
      if (!controller.signal.aborted && !isAbort(caught)) setError(caught);
    } finally {
      if (!controller.signal.aborted) setLoading(false);
    }
  }, []);

  const reload = useCallback(async () => {
    const controller = restart();
    setLoading(true);
    setError(null);
    await fetchInto(controller);
  }, [restart, fetchInto]);

  useEffect(() => {
    void fetchInto(restart());
    return () => controllerRef.current?.abort();
  }, [key, restart, fetchInto]);

  return { data, error, loading, reload, setData };
}

/** Calls `tick` every `intervalMs` while `active`; stops on unmount. */
export function useInterval(tick: () => void, intervalMs: number, active: boolean) {
  const tickRef = useRef(tick);
  useLayoutEffect(() => {
    tickRef.current = tick;
  });
  useEffect(() => {
    if (!active) return;
    const id = window.setInterval(() => tickRef.current(), intervalMs);
    return () => window.clearInterval(id);
  }, [intervalMs, active]);
}
