import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../../api/client";
import type { GradebookImportResult } from "../../api/types";
import { fakeJwt } from "../../test/jwt";
import { makeCourse, makeTask, student } from "../../test/fixtures";
import { renderApp } from "../../test/render";
import { json, mockApi } from "../../test/server";

const grace = { ...student, id: 2, username: "grace", first_name: "Grace", last_name: "Hopper", role: "instructor" };
const TASKS = [makeTask(1, { title: "Quiz", max_score: 10 })];
const alice = { id: 7, username: "alice", first_name: "Alice", last_name: "Liddell" };
const bob = { id: 8, username: "bob", first_name: "", last_name: "" };

const diff: GradebookImportResult = {
  changes: [
    { row: 2, user: alice, task: { id: 1, title: "Quiz" }, old_score: 4, new_score: 7.5, creates_submission: false },
    { row: 3, user: bob, task: { id: 1, title: "Quiz" }, old_score: null, new_score: 3, creates_submission: true },
  ],
  errors: [],
  applied: false,
};

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

function mockImport(answer: (dryRun: string) => Response) {
  const sent: { dryRun: string; type: string; hasFile: boolean }[] = [];
  const api = mockApi({
    "GET /api/auth/me/": () => json(200, grace),
    "GET /api/courses/arith/": () => json(200, makeCourse(TASKS, { my_role: "instructor" })),
    "POST /api/courses/arith/gradebook/import/": async (request) => {
      const form = await request.formData();
      const value = form.get("dry_run");
      const dryRun = typeof value === "string" ? value : "";
      // jsdom's File does not survive Node's FormData, so only its presence is checked here
      // (the e2e spec uploads a real one).
      const type = (request.headers.get("Content-Type") ?? "").split(";")[0]!;
      sent.push({ dryRun, type, hasFile: form.has("file") });
      return answer(dryRun);
    },
  });
  return { ...api, sent };
}

async function chooseAndCheck(contents = "user_id,username\n") {
  const user = userEvent.setup();
  renderApp("/teach/arith/import-grades");
  const input = await screen.findByLabelText("Gradebook CSV");
  await user.upload(input, new File([contents], "intro-gradebook.csv", { type: "text/csv" }));
  await user.click(screen.getByRole("button", { name: "Check file" }));
  return user;
}

describe("gradebook import", () => {
  it("is a tab of the course area next to the gradebook", async () => {
    mockImport(() => json(200, diff));
    renderApp("/teach/arith/import-grades");
    const nav = await screen.findByRole("navigation", { name: "Course management" }, { timeout: 5000 });
    const names = within(nav).getAllByRole("link").map((link) => link.textContent);
    expect(names.indexOf("Import grades")).toBe(names.indexOf("Gradebook") + 1);
    expect(screen.getByRole("heading", { name: "Import grades" })).toBeTruthy();
  });

  it("shows the dry run's diff, then applies it", async () => {
    const { sent } = mockImport((dryRun) => json(200, { ...diff, applied: dryRun === "false" }));
    const user = await chooseAndCheck("user_id,username,first_name\n7,alice,\n");

    const table = await screen.findByRole("table", { name: "Changes the file makes" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      "2Alice Liddell (alice)Quiz4→ 7.5",
      "3bobQuiz—→ 3 (no submission yet: one is recorded)",
    ]);
    expect(sent).toEqual([{ dryRun: "true", type: "multipart/form-data", hasFile: true }]);

    await user.click(screen.getByRole("button", { name: "Apply 2 changes" }));
    expect(await screen.findByText("Applied 2 changes. The gradebook shows the new scores.")).toBeTruthy();
    expect(sent.map((s) => s.dryRun)).toEqual(["true", "false"]);
    expect(screen.queryByRole("table", { name: "Changes the file makes" })).toBeNull();
  });

  it("lists the row errors and keeps Apply disabled", async () => {
    mockImport(() =>
      json(200, { ...diff, errors: [{ row: 3, detail: "Quiz: 'ten' is not a number." }], changes: diff.changes.slice(0, 1) }),
    );
    await chooseAndCheck();
    const problems = await screen.findByRole("table", { name: "Problems in the file" });
    expect(within(problems).getAllByRole("row")[1]!.textContent).toBe("3Quiz: 'ten' is not a number.");
    expect(screen.getByRole("alert").textContent).toContain("1 problem in the file. Nothing can be applied");
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Apply 1 change" }).disabled).toBe(true);
  });

  it("says so when the file changes nothing", async () => {
    mockImport(() => json(200, { changes: [], errors: [], applied: false }));
    await chooseAndCheck();
    expect(await screen.findByText("No changes: every score in the file is already in the gradebook.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Apply/ })).toBeNull();
  });

  it("shows a refused file's error", async () => {
    mockImport(() => json(413, { detail: "The file is larger than 2097152 bytes.", code: "file_too_large" }));
    await chooseAndCheck();
    expect((await screen.findByRole("alert")).textContent).toContain("The file is larger than 2097152 bytes.");
  });

  it("asks for a file before checking", async () => {
    mockImport(() => json(200, diff));
    const user = userEvent.setup();
    renderApp("/teach/arith/import-grades");
    await user.click(await screen.findByRole("button", { name: "Check file" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Choose the CSV file to import first.");
  });
});

describe("gradebook import applies only the checked file", () => {
  it("shows the new diff when the gradebook moved since the check", async () => {
    let calls = 0;
    mockImport(() => {
      calls += 1;
      return json(200, calls === 1 ? diff : { ...diff, errors: [{ row: 2, detail: "Quiz: changed meanwhile." }] });
    });
    const user = await chooseAndCheck();
    await user.click(await screen.findByRole("button", { name: "Apply 2 changes" }));
    await waitFor(() => expect(screen.getByRole("table", { name: "Problems in the file" })).toBeTruthy());
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Apply 2 changes" }).disabled).toBe(true);
  });
});
