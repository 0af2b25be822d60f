import { describe, expect, it } from "vitest";
import { makeTask } from "../../test/fixtures";
import { isTimeZone } from "./manage/SettingsTab";
import { draftToRequest, newTaskDraft, taskToDraft } from "./TaskEditor";

describe("task limits in the editor", () => {
  it("sends empty limits as null and numbers as numbers", () => {
    const draft = { ...newTaskDraft(), title: "Quiz", answers: "4" };
    const empty = draftToRequest(draft, 1);
    expect("body" in empty && empty.body.daily_submission_limit).toBeNull();
    expect("body" in empty && empty.body.time_limit_minutes).toBeNull();
    const set = draftToRequest({ ...draft, daily_submission_limit: "3", time_limit_minutes: "20" }, 1);
    expect("body" in set && [set.body.daily_submission_limit, set.body.time_limit_minutes]).toEqual([3, 20]);
    const bad = draftToRequest({ ...draft, time_limit_minutes: "soon" }, 1);
    expect("errors" in bad && Object.keys(bad.errors)).toEqual(["time_limit_minutes"]);
  });

  it("fills the fields from a task", () => {
    const draft = taskToDraft(makeTask(1, { daily_submission_limit: 5, time_limit_minutes: null, config: { answers: ["4"] } }));
    expect([draft.daily_submission_limit, draft.time_limit_minutes]).toEqual(["5", ""]);
  });
});

describe("course time zone", () => {
  it("knows IANA names and refuses others", () => {
    expect(isTimeZone("America/New_York")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});
