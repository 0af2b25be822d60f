import { describe, expect, it } from "vitest";
import { loginStateOf } from "./auth/AuthContext";
import { arrayOr, COURSE_ROLES, displayText, isOneOf, isRecord, recordOr, safeReturnPath } from "./guards";

describe("guards", () => {
  it("tells plain objects from arrays and null", () => {
    expect(isRecord({ a: 1 })).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
    expect(recordOr("x")).toEqual({});
    expect(arrayOr({ length: 1 })).toEqual([]);
    expect(arrayOr([1, "a"])).toEqual([1, "a"]);
  });

  it("shows JSON values as a form field would", () => {
    expect(displayText("a b")).toBe("a b");
    expect(displayText(3.5)).toBe("3.5");
    expect(displayText({ x: [1] })).toBe('{"x":[1]}');
    expect(displayText(undefined)).toBe("");
  });

  it("narrows a select's value to a union", () => {
    expect(isOneOf(COURSE_ROLES, "assistant")).toBe(true);
    expect(isOneOf(COURSE_ROLES, "admin")).toBe(false);
  });

  it("reads the login page's router state defensively", () => {
    expect(loginStateOf(null)).toEqual({});
    expect(loginStateOf({ from: "/courses/arith", expired: true })).toEqual({ from: "/courses/arith", expired: true });
    expect(loginStateOf({ from: 3, expired: "yes" })).toEqual({ from: undefined, expired: false });
  });

  it("returns after login only to paths of this site", () => {
    expect(safeReturnPath("/courses/arith/tasks/3?x=1#top")).toBe("/courses/arith/tasks/3?x=1#top");
    expect(safeReturnPath("/teach/arith/gradebook")).toBe("/teach/arith/gradebook");
    for (const unsafe of [
      "https://evil.example/",
      "//evil.example/path",
      "/\\evil.example",
      "/\tevil",
      "javascript:alert(1)",
      "courses/arith",
      "/login",
      "/register?x=1",
      "",
      42,
      null,
    ]) {
      expect(safeReturnPath(unsafe), String(unsafe)).toBeUndefined();
    }
    expect(loginStateOf({ from: "//evil.example" })).toEqual({ from: undefined, expired: false });
  });
});
