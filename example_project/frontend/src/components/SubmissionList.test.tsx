import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { makeSubmission } from "../test/fixtures";
import { SubmissionList, lateDaysUsedLabel } from "./SubmissionList";

describe("late days on the submission list", () => {
  it("says how many late days a covered submission used", () => {
    render(
      <SubmissionList
        submissions={[
          makeSubmission(2, { attempt: 2, is_late: true, late_days_used: 2 }),
          makeSubmission(1, { attempt: 1, is_late: true, late_days_used: 0 }),
        ]}
      />,
    );
    expect(screen.getByText("2 late days used")).toBeTruthy();
    expect(screen.getAllByText("Late")).toHaveLength(2);
    expect(screen.queryAllByText(/late days? used/)).toHaveLength(1);
  });

  it("words one day in the singular", () => {
    expect(lateDaysUsedLabel(1)).toBe("1 late day used");
    expect(lateDaysUsedLabel(3)).toBe("3 late days used");
  });
});
