import { render, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { draftToRequest, newTaskDraft, TaskEditor, type TaskDraft } from "./TaskEditor";
import { errorsUnder } from "./CourseEditorPage";

describe("draftToRequest", () => {
  it("builds each built-in kind's config", () => {
    const exact = { ...newTaskDraft("exact"), title: "Sum", answers: "4\n four \n" };
    expect(draftToRequest(exact, 1)).toMatchObject({
      body: { title: "Sum", kind: "exact", position: 1, config: { answers: ["4", "four"], case_sensitive: false } },
    });
    const choice: TaskDraft = {
      ...newTaskDraft("choice"),
      choices: [
        { text: "2", correct: false },
        { text: "3", correct: true },
      ],
    };
    expect(draftToRequest(choice, 1)).toMatchObject({ body: { config: { choices: ["2", "3"], correct: [1], multiple: false } } });
    const numeric = { ...newTaskDraft("numeric"), value: "3.14", abs_tol: "0.01" };
    expect(draftToRequest(numeric, 1)).toMatchObject({ body: { config: { value: 3.14, abs_tol: 0.01 } } });
  });

  it("passes an unparseable number through for the API to reject", () => {
    const numeric = { ...newTaskDraft("numeric"), value: "pi" };
    expect(draftToRequest(numeric, 1)).toMatchObject({ body: { config: { value: "pi" } } });
  });

  it("rejects config JSON that does not parse", () => {
    const other = { ...newTaskDraft("external"), raw: "{oops" };
    const result = draftToRequest(other, 1);
    expect("errors" in result && result.errors.config).toEqual([expect.stringContaining("Invalid JSON")]);
  });

  it("names a number field that holds no number, as the API's 400 would", () => {
    const draft: TaskDraft = {
      ...newTaskDraft("exact"),
      max_score: "lots",
      late: { enabled: true, deduction_percent: "1e999", per: "day", floor_percent: "" },
    };
    expect(draftToRequest(draft, 1)).toEqual({
      errors: { max_score: ["Enter a number."], "late_policy.deduction_percent": ["Enter a number."] },
    });
  });

  it("sends the weight, and names a weight that is no number", () => {
    expect(draftToRequest({ ...newTaskDraft("manual"), weight: "2.5", max_score: "10" }, 1)).toMatchObject({
      body: { weight: 2.5, max_score: 10 },
    });
    expect(draftToRequest({ ...newTaskDraft("manual"), weight: "heavy" }, 1)).toEqual({ errors: { weight: ["Enter a number."] } });
  });

  it("sends an empty late policy when there is none, which also clears an existing one", () => {
    expect(draftToRequest(newTaskDraft("manual"), 2)).toMatchObject({ body: { late_policy: {}, max_attempts: null, position: 2 } });
  });
});

describe("TaskEditor", () => {
  function Harness({ errors }: { errors: Record<string, string[]> }) {
    const [draft, setDraft] = useState<TaskDraft>({ ...newTaskDraft("exact"), title: "Sum" });
    return <TaskEditor legend="Task 1" draft={draft} onChange={setDraft} errors={errors} />;
  }

  it("puts the API's config errors beside the matching control", () => {
    const fromApi = { "tasks.0.config.answers": ["A non-empty list of strings."], "tasks.0.title": ["Too long."] };
    render(<Harness errors={errorsUnder(fromApi, "tasks.0")} />);
    const answers = screen.getByLabelText("Accepted answers");
    expect(answers.getAttribute("aria-invalid")).toBe("true");
    const describedBy = answers.getAttribute("aria-describedby")!.split(" ");
    const messages = describedBy.map((id) => document.getElementById(id)?.textContent);
    expect(messages).toContain("A non-empty list of strings.");
    expect(screen.getByLabelText("Task title").getAttribute("aria-invalid")).toBe("true");
  });

  it("lists errors for fields it has no control for", () => {
    render(<Harness errors={{ position: ["Must be positive."] }} />);
    expect(screen.getByRole("alert").textContent).toBe("position: Must be positive.");
  });

  it("shows max score and weight, with the API's messages on each field", () => {
    render(<Harness errors={{ max_score: ["Ensure this value is greater than or equal to 0."], weight: ["A valid number is required."] }} />);
    for (const [label, message] of [
      ["Max score", "Ensure this value is greater than or equal to 0."],
      ["Weight", "A valid number is required."],
    ] as const) {
      const input = screen.getByLabelText(label);
      expect(input.getAttribute("aria-invalid")).toBe("true");
      const described = input.getAttribute("aria-describedby")!.split(" ").map((id) => document.getElementById(id)?.textContent);
      expect(described).toContain(message);
    }
  });
});
