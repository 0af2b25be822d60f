import { useId } from "react";
import type { MyTaskAllowance } from "../api/types";
import { formatDateTime } from "../format";
import { formatCountdown, useCountdown } from "../timed";
import { Notice } from "./Status";

/**
 * A timed task's clock: the Start button before the attempt, then the countdown to the
 * deadline, with the opt-in "submit what is on screen when time runs out". At zero it calls
 * `onExpire` once (the page submits or disables the form).
 */
export function TimedAttempt({
  timeLimitMinutes,
  multiplier,
  allowance,
  starting,
  startError,
  autoSubmit,
  onAutoSubmitChange,
  onStart,
  onExpire,
}: {
  timeLimitMinutes: number;
  multiplier: number;
  allowance: MyTaskAllowance | undefined;
  starting: boolean;
  startError: string | null;
  autoSubmit: boolean;
  onAutoSubmitChange: (value: boolean) => void;
  onStart: () => void;
  onExpire: () => void;
}) {
  const id = useId();
  const deadline = allowance?.deadline ?? null;
  const left = useCountdown(deadline, onExpire);
  const minutes = Math.round(timeLimitMinutes * multiplier * 10) / 10;
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} style={{ marginTop: 0 }}>
        Timed task
      </h2>
      {!deadline ? (
        <>
          <p>
            You have {minutes} minutes from the moment you start
            {multiplier !== 1 && ` (${timeLimitMinutes} × your time multiplier ${multiplier})`}, never past the
            task's close. You can start only once.
          </p>
          <button type="button" onClick={onStart} disabled={starting}>
            {starting ? "Starting…" : "Start"}
          </button>
          {startError && <Notice kind="error">{startError}</Notice>}
        </>
      ) : left !== null && left > 0 ? (
        <>
          <p role="timer" aria-live="off" className="countdown">
            Time left: <strong data-testid="countdown">{formatCountdown(left)}</strong>{" "}
            <span className="muted small">(until {formatDateTime(deadline)})</span>
          </p>
          <label className="checkbox">
            <input type="checkbox" checked={autoSubmit} onChange={(e) => onAutoSubmitChange(e.target.checked)} />{" "}
            Submit what is on screen when time runs out
          </label>
        </>
      ) : (
        <Notice kind="warn">Time expired at {formatDateTime(deadline)}: this attempt takes no more answers.</Notice>
      )}
    </section>
  );
}
