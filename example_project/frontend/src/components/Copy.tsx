import { useEffect, useId, useState, type ReactNode } from "react";

type CopyState = "idle" | "copied" | "failed";

/**
 * A button that copies `value` to the clipboard and says so ("Copied", or how to copy by
 * hand where the browser refuses: an insecure origin, a denied permission).
 */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<CopyState>("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = window.setTimeout(() => setState("idle"), 4000);
    return () => window.clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      // `navigator.clipboard` is missing outside secure contexts: that throws here too.
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
  }

  return (
    <span className="copy">
      <button type="button" className="secondary" aria-label={label} onClick={() => void copy()}>
        Copy
      </button>
      <span role="status" aria-live="polite" className={state === "failed" ? "field-error" : "muted"}>
        {state === "copied" ? "Copied" : state === "failed" ? "Could not copy: select the text and copy it." : ""}
      </span>
    </span>
  );
}

/**
 * A value to paste elsewhere (a URL, an id): a labelled read-only text box, selected whole
 * on focus, with its copy button beside it and its hint below.
 */
export function CopyField({ label, value, hint }: { label: string; value: string; hint?: ReactNode }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field copy-field">
      <label htmlFor={`${id}-control`}>{label}</label>
      <div className="copy-field__row">
        <input
          id={`${id}-control`}
          type="text"
          readOnly
          value={value}
          spellCheck={false}
          aria-describedby={hintId}
          onFocus={(e) => e.target.select()}
        />
        <CopyButton value={value} label={`Copy the ${label}`} />
      </div>
      {hint && (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      )}
    </div>
  );
}
