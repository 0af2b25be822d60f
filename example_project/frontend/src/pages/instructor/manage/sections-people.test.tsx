import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { tokenStore } from "../../../api/client";
import type { Enrollment } from "../../../api/types";
import { makeCourse, student } from "../../../test/fixtures";
import { fakeJwt } from "../../../test/jwt";
import { json, mockApi, page } from "../../../test/server";
import { EnrollmentsTab } from "./EnrollmentsTab";

const alice = { id: student.id, username: student.username, first_name: student.first_name, last_name: student.last_name };
const tom = { id: 9, username: "tom", first_name: "Tom", last_name: "Kilburn" };
const sections = [
  { id: 1, name: "Monday lab", staff: [], dates: [] },
  { id: 2, name: "Thursday lab", staff: [], dates: [] },
];

function enrollment(id: number, user: Enrollment["user"], role: Enrollment["role"], section: number | null): Enrollment {
  return { id, user, course: "arith", role, status: "active", section, created: "2026-01-01T00:00:00Z", modified: "2026-01-01T00:00:00Z" };
}

const instructorCourse = () => ({ ...makeCourse([]), my_role: "instructor" as const });

beforeEach(() => {
  tokenStore.set({ access: fakeJwt("a", 300), refresh: "r" });
});

describe("EnrollmentsTab sections", () => {
  it("shows each student's section and moves one with the select", async () => {
    const members = [enrollment(1, alice, "student", 1), enrollment(2, tom, "assistant", null)];
    const { calls } = mockApi({
      "GET /api/courses/arith/enrollments/": () => json(200, page(members)),
      "GET /api/courses/arith/sections/": () => json(200, sections),
      "PATCH /api/courses/arith/enrollments/1/": () => {
        members[0] = enrollment(1, alice, "student", 2);
        return json(200, members[0]);
      },
    });
    const user = userEvent.setup();
    render(<EnrollmentsTab course={instructorCourse()} />);
    const select = await screen.findByLabelText<HTMLSelectElement>("Section of Alice Liddell (alice)");
    expect(select.value).toBe("1");
    // Staff are not put in sections: no select for the assistant.
    expect(screen.queryByLabelText("Section of Tom Kilburn (tom)")).toBeNull();
    await user.selectOptions(select, "Thursday lab");
    await waitFor(() => expect(screen.getByLabelText<HTMLSelectElement>("Section of Alice Liddell (alice)").value).toBe("2"));
    expect(JSON.parse(calls.find((c) => c.method === "PATCH")!.body)).toEqual({ section: 2 });
  });

  it("previews a CSV, shows its problems, and applies a clean one", async () => {
    // The first check finds a problem, the second (the file fixed) none; the third call applies.
    let posts = 0;
    mockApi({
      "GET /api/courses/arith/enrollments/": () => json(200, page([enrollment(1, alice, "student", null)])),
      "GET /api/courses/arith/sections/": () => json(200, sections),
      "POST /api/courses/arith/sections/assign/": () => {
        posts += 1;
        const change = { row: 2, user: alice, old_section: null, new_section: { id: 1, name: "Monday lab" } };
        const errors = posts === 1 ? [{ row: 3, detail: "No user has the username 'ghost'." }] : [];
        return json(200, { changes: [change], errors, applied: posts === 3 });
      },
    });
    const user = userEvent.setup();
    render(<EnrollmentsTab course={instructorCourse()} />);
    const input = await screen.findByLabelText("Sections CSV");
    await user.upload(input, new File(["username,section\nalice,Monday lab\nghost,Monday lab\n"], "s.csv", { type: "text/csv" }));
    await user.click(screen.getByRole("button", { name: "Check file" }));
    expect(await screen.findByText("Row 3: No user has the username 'ghost'.")).toBeTruthy();
    expect(screen.getByText("Alice Liddell (alice): no section → Monday lab")).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Apply 1 move" }).disabled).toBe(true);

    await user.click(screen.getByRole("button", { name: "Check file" }));
    await waitFor(() => expect(screen.queryByText(/Row 3/)).toBeNull());
    await user.click(screen.getByRole("button", { name: "Apply 1 move" }));
    expect(await screen.findByText("Moved 1 student.")).toBeTruthy();
    expect(posts).toBe(3);
  });

  it("shows no section controls to someone who is not an instructor", async () => {
    mockApi({
      "GET /api/courses/arith/enrollments/": () => json(200, page([enrollment(1, alice, "student", 1)])),
    });
    render(<EnrollmentsTab course={{ ...makeCourse([]), my_role: "assistant" }} />);
    expect(await screen.findByRole("cell", { name: "Alice Liddell (alice)" })).toBeTruthy();
    expect(screen.queryByText("Assign sections from CSV")).toBeNull();
    expect(screen.queryByRole("combobox", { name: /Section of/ })).toBeNull();
  });
});
