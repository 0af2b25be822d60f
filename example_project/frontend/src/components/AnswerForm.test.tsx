import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { AnswerForm, parseAnswer, parseNumber, EMPTY_DRAFT } from "./AnswerForm";

describe("parseNumber", () => {
  it("accepts the ways people type numbers and rejects the rest", () => {
    expect(parseNumber("3.14")).toBe(3.14);
    expect(parseNumber(" -2 ")).toBe(-2);
    expect(parseNumber("3,5")).toBe(3.5);
    expect(parseNumber("1e3")).toBe(1000);
    expect(parseNumber("abc")).toBeNull();
    expect(parseNumber("1.2.3")).toBeNull();
    expect(parseNumber("Infinity")).toBeNull();
  });
});

describe("parseAnswer", () => {
  it("gives each kind the JSON shape its evaluator accepts", () => {
    expect(parseAnswer("exact", {}, { ...EMPTY_DRAFT, text: "four" })).toEqual({ ok: true, answer: "four" });
    expect(parseAnswer("numeric", {}, { ...EMPTY_DRAFT, text: "4" })).toEqual({ ok: true, answer: 4 });
    expect(parseAnswer("choice", { choices: ["a", "b"] }, { ...EMPTY_DRAFT, choice: 1 })).toEqual({ ok: true, answer: 1 });
    expect(
      parseAnswer("choice", { choices: ["a", "b", "c"], multiple: true }, { ...EMPTY_DRAFT, choices: [2, 0] }),
    ).toEqual({ ok: true, answer: [0, 2] });
    expect(parseAnswer("manual", {}, { ...EMPTY_DRAFT, text: '{"x": 1}', asJson: true })).toEqual({
      ok: true,
      answer: { x: 1 },
    });
  });

  it("explains what is wrong", () => {
    expect(parseAnswer("exact", {}, EMPTY_DRAFT)).toEqual({ ok: false, error: "Enter an answer." });
    expect(parseAnswer("numeric", {}, { ...EMPTY_DRAFT, text: "four" })).toMatchObject({ ok: false });
    expect(parseAnswer("choice", { choices: ["a"], multiple: true }, EMPTY_DRAFT)).toEqual({
      ok: false,
      error: "Select at least one option.",
    });
    const bad = parseAnswer("manual", {}, { ...EMPTY_DRAFT, text: "{nope", asJson: true });
    expect(bad.ok).toBe(false);
  });
});

describe("AnswerForm", () => {
  it("shows a validation message without sending a bad number", async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<AnswerForm task={{ kind: "numeric", public_config: {}, title: "Pi" }} disabledReason={null} onSubmit={onSubmit} />);
    await user.type(screen.getByLabelText("Your answer"), "three");
    await user.click(screen.getByRole("button", { name: "Submit answer" }));
    expect(screen.getByText("Enter a number, for example 42 or 3.14.")).toBeTruthy();
    expect(screen.getByLabelText("Your answer").getAttribute("aria-invalid")).toBe("true");
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("submits the chosen indices of a multiple-choice task, by keyboard", async () => {
    const onSubmit = vi.fn(() => Promise.resolve(undefined));
    const user = userEvent.setup();
    render(
      <AnswerForm
        task={{ kind: "choice", public_config: { choices: ["2", "3", "4"], multiple: true }, title: "Primes" }}
        disabledReason={null}
        onSubmit={onSubmit}
      />,
    );
    await user.click(screen.getByLabelText("3"));
    await user.click(screen.getByLabelText("2"));
    screen.getByRole("button", { name: "Submit answer" }).focus();
    await user.keyboard("{Enter}");
    expect(onSubmit).toHaveBeenCalledWith([0, 1]);
  });

  it("shows the server's message for a rejected answer", async () => {
    const user = userEvent.setup();
    render(
      <AnswerForm
        task={{ kind: "exact", public_config: {}, title: "T" }}
        disabledReason={null}
        onSubmit={() => Promise.resolve(["No attempts left."])}
      />,
    );
    await user.type(screen.getByLabelText("Your answer"), "x");
    await user.click(screen.getByRole("button", { name: "Submit answer" }));
    expect(await screen.findByText("No attempts left.")).toBeTruthy();
  });

  it("is disabled with the reason shown", () => {
    render(
      <AnswerForm
        task={{ kind: "exact", public_config: {}, title: "T" }}
        disabledReason="This task is closed."
        onSubmit={vi.fn()}
      />,
    );
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Submit answer" }).disabled).toBe(true);
    expect(screen.getByText("This task is closed.")).toBeTruthy();
  });
});
