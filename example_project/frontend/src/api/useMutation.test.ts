import { act, renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError, NetworkError } from "./errors";
import { useMutation } from "./useMutation";

// Records every state update the hook makes, to prove there is none after unmounting.
const stateUpdates = vi.hoisted(() => ({ count: 0 }));
vi.mock("react", async (importOriginal) => {
  const React = await importOriginal<typeof import("react")>();
  function useState<S>(initial: S | (() => S)) {
    const [value, setValue] = React.useState(initial);
    const set: typeof setValue = (next) => {
      stateUpdates.count += 1;
      setValue(next);
    };
    return [value, set] as const;
  }
  return { ...React, useState };
});

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("useMutation", () => {
  it("is busy while the action runs and resolves its value", async () => {
    const pending = deferred<number>();
    const action = vi.fn((a: number, b: number) => pending.promise.then((n) => n + a + b));
    const { result } = renderHook(() => useMutation(action));
    expect(result.current.busy).toBe(false);

    let outcome: Promise<unknown> = Promise.resolve();
    act(() => {
      outcome = result.current.run(1, 2);
    });
    expect(action).toHaveBeenCalledWith(1, 2);
    expect(result.current.busy).toBe(true);

    await act(async () => {
      pending.resolve(10);
      await outcome;
    });
    await expect(outcome).resolves.toEqual({ ok: true, value: 13 });
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeNull();
    expect(result.current.message).toBeNull();
    expect(result.current.fields).toEqual({});
  });

  it("keeps an ApiError with its field errors and headline, and never rejects", async () => {
    const failure = new ApiError(400, { title: ["Too long."], tasks: [{ config: { answers: ["Empty."] } }] });
    const { result } = renderHook(() => useMutation(() => Promise.reject(failure)));

    let outcome: unknown;
    await act(async () => {
      outcome = await result.current.run();
    });
    expect(outcome).toEqual({ ok: false, error: failure });
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBe(failure);
    expect(result.current.fields).toEqual({ title: ["Too long."], "tasks.0.config.answers": ["Empty."] });
    expect(result.current.message).toBe("Please correct the errors below.");
  });

  it("words any other failure through errorMessage", async () => {
    const initialProps: { thrown: unknown } = { thrown: new NetworkError(new TypeError("Failed to fetch")) };
    const { result, rerender } = renderHook(
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- on purpose: a thrown non-Error must still get a message
      ({ thrown }) => useMutation(() => Promise.reject(thrown)),
      { initialProps },
    );
    await act(() => result.current.run());
    expect(result.current.message).toBe("Could not reach the server. Check your connection and try again.");
    expect(result.current.fields).toEqual({});

    rerender({ thrown: "not an Error" });
    await act(() => result.current.run());
    expect(result.current.message).toBe("Something went wrong.");
  });

  it("maps the error with mapError", async () => {
    const { result } = renderHook(() =>
      useMutation(() => Promise.reject(new ApiError(401, { detail: "No active account" })), {
        mapError: (error) => (error instanceof ApiError && error.status === 401 ? new Error("Wrong username or password.") : error),
      }),
    );
    let outcome: unknown;
    await act(async () => {
      outcome = await result.current.run();
    });
    expect(result.current.message).toBe("Wrong username or password.");
    expect(outcome).toEqual({ ok: false, error: result.current.error });
  });

  it("clears the previous error when it runs again, and on reset", async () => {
    let fail = true;
    const { result } = renderHook(() =>
      useMutation(() =>
        fail ? Promise.reject(new ApiError(409, { detail: "Conflict.", code: "conflict" })) : Promise.resolve("saved"),
      ),
    );
    await act(() => result.current.run());
    expect(result.current.message).toBe("Conflict.");

    fail = false;
    await act(() => result.current.run());
    expect(result.current.error).toBeNull();

    act(() => result.current.fail(new ApiError(400, { config: ["Invalid JSON."] })));
    expect(result.current.fields).toEqual({ config: ["Invalid JSON."] });
    expect(result.current.busy).toBe(false);
    act(() => result.current.reset());
    expect(result.current.error).toBeNull();
  });

  it("lets only the latest call update the state", async () => {
    const first = deferred<string>();
    const second = deferred<string>();
    const calls = [first, second];
    const { result } = renderHook(() => useMutation(() => calls.shift()!.promise));

    let one: Promise<unknown> = Promise.resolve();
    let two: Promise<unknown> = Promise.resolve();
    act(() => {
      one = result.current.run();
      two = result.current.run();
    });
    await act(async () => {
      first.reject(new Error("stale"));
      await one;
    });
    expect(result.current.busy).toBe(true);
    expect(result.current.error).toBeNull();

    await act(async () => {
      second.resolve("fresh");
      await two;
    });
    expect(result.current.busy).toBe(false);
    await expect(two).resolves.toEqual({ ok: true, value: "fresh" });
  });

  it("calls the latest action passed to it", async () => {
    const { result, rerender } = renderHook(({ value }: { value: string }) => useMutation(() => Promise.resolve(value)), {
      initialProps: { value: "old" },
    });
    const run = result.current.run;
    rerender({ value: "new" });
    expect(result.current.run).toBe(run);
    let outcome: unknown;
    await act(async () => {
      outcome = await run();
    });
    expect(outcome).toEqual({ ok: true, value: "new" });
  });

  it("updates no state after the component unmounted", async () => {
    for (const settle of ["resolve", "reject"] as const) {
      const pending = deferred<string>();
      const { result, unmount } = renderHook(() => useMutation(() => pending.promise));
      let outcome: Promise<unknown> = Promise.resolve();
      act(() => {
        outcome = result.current.run();
      });
      expect(result.current.busy).toBe(true);
      unmount();

      const before = stateUpdates.count;
      if (settle === "resolve") pending.resolve("done");
      else pending.reject(new ApiError(500, null));
      const settled = await outcome;
      expect(stateUpdates.count).toBe(before);
      expect(settled).toMatchObject({ ok: settle === "resolve" });
    }
  });
});
