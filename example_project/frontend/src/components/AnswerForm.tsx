/**
 * One answer form per built-in evaluator kind, with the checks the browser can make before the
 * server's (which has the final word and returns 400 for a wrongly shaped answer).
 */

import { useEffect, useId, useState, type FormEvent } from "react";
import { errorMessage } from "../api/errors";
import type { Task } from "../api/types";
import { useMutation } from "../api/useMutation";
import { isRecord } from "../guards";
import { FieldErrors } from "./Field";

export interface AnswerDraft {
  text: string;
  choice: number | null;
  choices: number[];
  /** For manual and unknown kinds: send `text` parsed as JSON instead of as a string. */
  asJson: boolean;
}

export const EMPTY_DRAFT: AnswerDraft = { text: "", choice: null, choices: [], asJson: false };

export type ParsedAnswer = { ok: true; answer: unknown } | { ok: false; error: string };

export interface ChoiceConfig {
  choices: string[];
  multiple: boolean;
}

export function choiceConfig(publicConfig: unknown): ChoiceConfig {
  if (!isRecord(publicConfig)) return { choices: [], multiple: false };
  const choices: unknown = publicConfig.choices;
  return { choices: Array.isArray(choices) ? choices.map(String) : [], multiple: publicConfig.multiple === true };
}

/** Parses a decimal number the way people type it: "3.14", "3,14", " -2 ", "1e3". */
export function parseNumber(text: string): number | null {
  const trimmed = text.trim().replace(/^([+-]?\d+),(\d+)$/, "$1.$2");
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

export function parseAnswer(kind: string, publicConfig: unknown, draft: AnswerDraft): ParsedAnswer {
  switch (kind) {
    case "exact":
    case "regex":
      return draft.text.trim() ? { ok: true, answer: draft.text } : { ok: false, error: "Enter an answer." };
    case "numeric": {
      if (!draft.text.trim()) return { ok: false, error: "Enter a number." };
      const value = parseNumber(draft.text);
      return value === null
        ? { ok: false, error: "Enter a number, for example 42 or 3.14." }
        : { ok: true, answer: value };
    }
    case "choice": {
      const { multiple } = choiceConfig(publicConfig);
      if (multiple) {
        return draft.choices.length
          ? { ok: true, answer: [...draft.choices].sort((a, b) => a - b) }
          : { ok: false, error: "Select at least one option." };
      }
      return draft.choice === null ? { ok: false, error: "Select an option." } : { ok: true, answer: draft.choice };
    }
    default: {
      if (!draft.text.trim()) return { ok: false, error: "Enter an answer." };
      if (!draft.asJson) return { ok: true, answer: draft.text };
      try {
        const answer: unknown = JSON.parse(draft.text);
        return { ok: true, answer };
      } catch (error) {
        return { ok: false, error: `This is not valid JSON: ${errorMessage(error)}` };
      }
    }
  }
}

export function AnswerForm({
  task,
  disabledReason,
  onSubmit,
  onDraftChange,
}: {
  task: Pick<Task, "kind" | "public_config" | "title">;
  disabledReason: string | null;
  /** Resolves to field messages from the server, or nothing on success. */
  onSubmit: (answer: unknown) => Promise<string[] | void>;
  /** Told of every change of what is on screen (a timed task submits it when time runs out). */
  onDraftChange?: (draft: AnswerDraft) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<AnswerDraft>(EMPTY_DRAFT);
  useEffect(() => onDraftChange?.(draft), [draft, onDraftChange]);
  const [errors, setErrors] = useState<string[]>([]);
  const sending = useMutation(onSubmit);
  const busy = sending.busy;
  const errorId = `${id}-error`;
  const invalid = errors.length > 0;
  const described = invalid ? errorId : undefined;
  const disabled = disabledReason !== null || busy;

  async function submit(answer: unknown) {
    const result = await sending.run(answer);
    // onSubmit reports the server's messages by resolving them; a rejection is shown too.
    if (!result.ok) setErrors([errorMessage(result.error)]);
    else if (result.value?.length) setErrors(result.value);
    else setDraft(EMPTY_DRAFT);
  }

  function onFormSubmit(event: FormEvent) {
    event.preventDefault();
    const parsed = parseAnswer(task.kind, task.public_config, draft);
    if (!parsed.ok) {
      setErrors([parsed.error]);
      return;
    }
    setErrors([]);
    void submit(parsed.answer);
  }

  const textInput = (props: { inputMode?: "decimal"; hint: string }) => (
    <div className="field">
      <label htmlFor={`${id}-text`}>Your answer</label>
      <input
        id={`${id}-text`}
        type="text"
        inputMode={props.inputMode}
        autoComplete="off"
        value={draft.text}
        disabled={disabled}
        aria-invalid={invalid || undefined}
        aria-describedby={[`${id}-hint`, described].filter(Boolean).join(" ")}
        onChange={(e) => setDraft({ ...draft, text: e.target.value })}
      />
      <span className="hint" id={`${id}-hint`}>
        {props.hint}
      </span>
    </div>
  );

  let control;
  if (task.kind === "exact") control = textInput({ hint: "Type your answer. Extra spaces are ignored." });
  else if (task.kind === "regex") control = textInput({ hint: "Type your answer exactly; the whole text is checked." });
  else if (task.kind === "numeric") control = textInput({ inputMode: "decimal", hint: "A number, e.g. 42 or 3.14." });
  else if (task.kind === "choice") {
    const { choices, multiple } = choiceConfig(task.public_config);
    control = (
      <fieldset aria-invalid={invalid || undefined} aria-describedby={described}>
        <legend>{multiple ? "Select all that apply" : "Select one"}</legend>
        {choices.map((choice, index) => (
          <label key={index} className={multiple ? "checkbox" : "radio"}>
            <input
              type={multiple ? "checkbox" : "radio"}
              name={`${id}-choice`}
              value={index}
              disabled={disabled}
              checked={multiple ? draft.choices.includes(index) : draft.choice === index}
              onChange={(e) =>
                setDraft(
                  multiple
                    ? {
                        ...draft,
                        choices: e.target.checked
                          ? [...draft.choices, index]
                          : draft.choices.filter((c) => c !== index),
                      }
                    : { ...draft, choice: index },
                )
              }
            />
            {choice}
          </label>
        ))}
      </fieldset>
    );
  } else {
    control = (
      <div className="field">
        <label htmlFor={`${id}-text`}>Your answer</label>
        <textarea
          id={`${id}-text`}
          value={draft.text}
          disabled={disabled}
          rows={6}
          aria-invalid={invalid || undefined}
          aria-describedby={[`${id}-hint`, described].filter(Boolean).join(" ")}
          onChange={(e) => setDraft({ ...draft, text: e.target.value })}
        />
        <span className="hint" id={`${id}-hint`}>
          {task.kind === "manual" ? "A teacher reviews this answer and grades it." : "Graded by an external grader."}
        </span>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.asJson}
            disabled={disabled}
            onChange={(e) => setDraft({ ...draft, asJson: e.target.checked })}
          />
          Send as JSON
        </label>
      </div>
    );
  }

  return (
    <form onSubmit={onFormSubmit} noValidate aria-label={`Answer “${task.title}”`}>
      {control}
      <FieldErrors id={errorId} errors={errors} />
      <div className="form-actions">
        <button type="submit" disabled={disabled}>
          {busy ? "Submitting…" : "Submit answer"}
        </button>
        {disabledReason && <span className="muted">{disabledReason}</span>}
      </div>
    </form>
  );
}
