import { useCallback, useEffect, useRef, useState, type DependencyList } from "react";

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

/**
 * Runs `load` when `deps` change and tracks loading and error state. The signal aborts the
 * request when the component unmounts or the deps change, so a slow answer never overwrites a
 * newer one.
 */
export function useQuery<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Query<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const controllerRef = useRef<AbortController | null>(null);

  const run = useCallback(async () => {
    controllerRef.current?.abort();
    const controller = new AbortController();
    controllerRef.current = controller;
    setLoading(true);
    setError(null);
    try {
      const result = await loadRef.current(controller.signal);
      if (!controller.signal.aborted) setData(result);
    } catch (caught) {
      if (!controller.signal.aborted && !isAbort(caught)) setError(caught);
    } finally {
      if (!controller.signal.aborted) setLoading(false);
    }
  }, []);

  useEffect(() => {
    // New deps name a different thing: never show the old one's data under it.
    setData(undefined);
    void run();
    return () => controllerRef.current?.abort();
    // `deps` are the caller's: `load` is read through a ref so it need not be stable.
  }, deps);

  return { data, error, loading, reload: run, setData };
}

/** Calls `tick` every `intervalMs` while `active`; stops on unmount. */
export function useInterval(tick: () => void, intervalMs: number, active: boolean) {
  const tickRef = useRef(tick);
  tickRef.current = tick;
  useEffect(() => {
    if (!active) return;
    const id = window.setInterval(() => tickRef.current(), intervalMs);
    return () => window.clearInterval(id);
  }, [intervalMs, active]);
}
