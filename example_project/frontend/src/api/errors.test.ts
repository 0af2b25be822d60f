import { describe, expect, it } from "vitest";
import { ApiError, flattenFieldErrors } from "./errors";

describe("flattenFieldErrors", () => {
  it("flattens nested serializer errors to dotted paths", () => {
    const body = {
      title: ["This field is required."],
      tasks: [{}, { config: { answers: ["A non-empty list of strings."] }, max_score: ["Bad."] }],
    };
    expect(flattenFieldErrors(body)).toEqual({
      title: ["This field is required."],
      "tasks.1.config.answers": ["A non-empty list of strings."],
      "tasks.1.max_score": ["Bad."],
    });
  });

  it("keeps detail and code out of the field errors", () => {
    expect(flattenFieldErrors({ detail: "No.", code: "attempts_exhausted" })).toEqual({});
  });
});

describe("ApiError", () => {
  it("uses the domain detail and code", () => {
    const error = new ApiError(409, { detail: "No attempts left.", code: "attempts_exhausted" });
    expect(error.message).toBe("No attempts left.");
    expect(error.code).toBe("attempts_exhausted");
  });

  it("summarises field errors and exposes them by path", () => {
    const error = new ApiError(400, { tasks: [{ config: { pattern: ["Invalid."] } }] });
    expect(error.message).toBe("Please correct the errors below.");
    expect(error.field("tasks.0.config.pattern")).toEqual(["Invalid."]);
    expect(error.under("tasks.0")).toEqual({ "tasks.0.config.pattern": ["Invalid."] });
  });

  it("uses non_field_errors as the headline", () => {
    expect(new ApiError(400, { non_field_errors: ["Dates out of order."] }).message).toBe(
      "Dates out of order.",
    );
  });
});
