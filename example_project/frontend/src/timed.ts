/**
 * Timed attempts and daily budgets as the student sees them: the countdown to a timed task's
 * deadline (API: POST tasks/{id}/start/ fixes it; a submission exactly at it is accepted) and
 * the "n of m submissions left today" text (the budget resets at midnight, course time).
 */

import { useEffect, useRef, useState } from "react";
import type { MyAllowances, MyTaskAllowance } from "./api/types";

/** Milliseconds from `now` to `deadline`, never below zero. */
export function remainingMs(deadline: string | Date, now: number): number {
  const end = typeof deadline === "string" ? Date.parse(deadline) : deadline.getTime();
  return Math.max(end - now, 0);
}

/** `h:mm:ss` (or `m:ss` under an hour), rounded up to the second so 0:00 means time is up. */
export function formatCountdown(ms: number): string {
  const total = Math.ceil(Math.max(ms, 0) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, "0");
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, "0")}:${ss}`;
  return `${minutes}:${ss}`;
}

/** The task's budget text, or null when it has no daily limit. */
export function budgetText(left: number | null | undefined, limit: number | null | undefined): string | null {
  if (left === null || left === undefined || limit === null || limit === undefined) return null;
  const of = `${left} of ${limit} ${limit === 1 ? "submission" : "submissions"} left today`;
  return left > 0 ? `${of}, resets at local midnight` : `${of}: the budget resets at local midnight`;
}

/** The student's allowance for one task from `accommodations/me/`, if it is listed there. */
export function allowanceFor(me: MyAllowances | null | undefined, taskId: number): MyTaskAllowance | undefined {
  return me?.tasks.find((t) => t.task === taskId);
}

/** The daily limit with the student's bonus submissions (what `submissions_left_today` counts down from). */
export function dailyLimitWithBonus(limit: number | null | undefined, me: MyAllowances | null | undefined): number | null {
  if (limit === null || limit === undefined) return null;
  return limit + (me?.bonus_submissions ?? 0);
}

export type TimerPhase = "untimed" | "not_started" | "running" | "expired";

export function timerPhase(timeLimit: number | null | undefined, deadline: string | null | undefined, now: number): TimerPhase {
  if (timeLimit === null || timeLimit === undefined) return "untimed";
  if (!deadline) return "not_started";
  return now > Date.parse(deadline) ? "expired" : "running";
}

/**
 * Milliseconds left to `deadline`, updated every second; calls `onExpire` once when it reaches
 * zero (also when the deadline has already passed on mount). Null without a deadline.
 */
export function useCountdown(deadline: string | null | undefined, onExpire?: () => void): number | null {
  const [now, setNow] = useState(() => Date.now());
  const expireRef = useRef(onExpire);
  useEffect(() => {
    expireRef.current = onExpire;
  });
  useEffect(() => {
    if (!deadline) return;
    let fired = false;
    const tick = () => {
      const current = Date.now();
      setNow(current);
      if (!fired && remainingMs(deadline, current) === 0) {
        fired = true;
        window.clearInterval(handle);
        expireRef.current?.();
      }
    };
    const handle = window.setInterval(tick, 1000);
    tick();
    return () => window.clearInterval(handle);
  }, [deadline]);
  return deadline ? remainingMs(deadline, now) : null;
}
