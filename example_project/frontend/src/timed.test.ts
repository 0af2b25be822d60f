import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { budgetText, formatCountdown, remainingMs, timerPhase, useCountdown } from "./timed";

describe("countdown arithmetic", () => {
  it("never goes below zero and rounds up to the second", () => {
    const now = Date.parse("2026-03-10T15:00:00Z");
    expect(remainingMs("2026-03-10T15:20:00Z", now)).toBe(20 * 60 * 1000);
    expect(remainingMs("2026-03-10T14:00:00Z", now)).toBe(0);
    expect(formatCountdown(20 * 60 * 1000)).toBe("20:00");
    expect(formatCountdown(1)).toBe("0:01");
    expect(formatCountdown(0)).toBe("0:00");
    expect(formatCountdown((3600 + 65) * 1000)).toBe("1:01:05");
  });

  it("tells the timer's phase, the deadline itself still running", () => {
    const deadline = "2026-03-10T15:20:00Z";
    expect(timerPhase(null, null, 0)).toBe("untimed");
    expect(timerPhase(20, null, 0)).toBe("not_started");
    expect(timerPhase(20, deadline, Date.parse(deadline))).toBe("running");
    expect(timerPhase(20, deadline, Date.parse(deadline) + 1)).toBe("expired");
  });

  it("words the budget", () => {
    expect(budgetText(2, 3)).toBe("2 of 3 submissions left today, resets at local midnight");
    expect(budgetText(0, 1)).toBe("0 of 1 submission left today: the budget resets at local midnight");
    expect(budgetText(null, 3)).toBeNull();
    expect(budgetText(1, null)).toBeNull();
  });
});

describe("useCountdown", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-03-10T15:19:58Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("ticks every second and expires once at the deadline", () => {
    const onExpire = vi.fn();
    const { result } = renderHook(() => useCountdown("2026-03-10T15:20:00Z", onExpire));
    expect(result.current).toBe(2000);
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(result.current).toBe(1000);
    expect(onExpire).not.toHaveBeenCalled();
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(result.current).toBe(0);
    expect(onExpire).toHaveBeenCalledTimes(1);
    act(() => {
      vi.advanceTimersByTime(5000);
    });
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it("expires at once for a deadline already past, and is null without one", () => {
    const onExpire = vi.fn();
    renderHook(() => useCountdown("2026-03-10T15:00:00Z", onExpire));
    expect(onExpire).toHaveBeenCalledTimes(1);
    const { result } = renderHook(() => useCountdown(null, onExpire));
    expect(result.current).toBeNull();
  });
});
