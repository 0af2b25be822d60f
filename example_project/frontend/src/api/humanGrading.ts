/**
 * Hand-written types and a typed client for the human-grading endpoints of issue 12
 * (../shared/design/API.md, "Rubrics and human grading") that the generated `schema.d.ts`
 * does not have yet.
 *
 * MERGE: once the back end of issue 12 is on main, run `npm run gen:api`, replace the types
 * below by aliases in `types.ts` (`Schemas["Rubric"]`, …), replace `gradingApi` by `api` from
 * `client.ts`, and delete this file. Every use goes through `gradingApi` + `unwrap`, exactly as
 * the generated client is used, so the swap changes imports only.
 */

import createClient from "openapi-fetch";
import { authFetch, baseUrl } from "./client";
import type { GradeChange, Submission, Task, UserSummary } from "./types";

export interface RubricLevel {
  id: number;
  title: string;
  points: number;
  description: string;
}

export interface RubricCriterion {
  id: number;
  title: string;
  description: string;
  levels: RubricLevel[];
}

export interface Rubric {
  id: number;
  title: string;
  criteria: RubricCriterion[];
}

/** How staff see the submitter while the task grades anonymously and the grade is unreleased. */
export interface Pseudonym {
  pseudonym: string;
}

export type SubmissionStudent = UserSummary | Pseudonym;

/** A submission as staff read it once issue 12 is in: maybe a pseudonym, maybe claimed. */
export type GradingSubmission = Omit<Submission, "student"> & {
  student: SubmissionStudent;
  assigned_to?: UserSummary | number | null;
  claimed_by?: UserSummary | number | null;
  claimed_at?: string | null;
};

/** A task with the fields issue 12 adds. */
export type RubricTask = Task & { rubric: number | null; anonymous_grading?: boolean };

export interface RubricChoice {
  criterion: number;
  level: number;
  comment?: string;
}

export interface RubricGradeRequest {
  rubric: RubricChoice[];
  feedback?: string;
  reason?: string;
}

export interface ScoreGradeRequest {
  score: number;
  feedback?: string;
  reason?: string;
}

export interface GradingQueuePage {
  count: number;
  next: string | null;
  previous: string | null;
  results: GradingSubmission[];
}

export type AssignedFilter = "me" | "none" | "any";

export interface GradingQueueQuery {
  course?: string;
  task?: number;
  assigned?: AssignedFilter;
  page?: number;
  page_size?: number;
}

/** The `{detail, code}` body of a 4xx (and of the claim's 409, which may name the claimant). */
interface ErrorBody {
  detail?: string;
  code?: string;
  claimed_by?: UserSummary | number | null;
}

type Json<T> = { content: { "application/json": T } };
type NoContent = { content?: never };
interface Operation<Path, Query, Body, Ok, OkStatus extends number = 200> {
  parameters: { query?: Query; header?: never; path: Path; cookie?: never };
  requestBody: Body extends never ? never : { content: { "application/json": Body } };
  responses: { [S in OkStatus]: S extends 204 ? NoContent : Json<Ok> } & {
    400: Json<ErrorBody>;
    403: Json<ErrorBody>;
    404: Json<ErrorBody>;
    409: Json<ErrorBody>;
  };
}
interface PathItem {
  parameters: { query?: never; header?: never; path?: never; cookie?: never };
}
type Id = { id: number };

/** The `paths` of the endpoints above, shaped like openapi-typescript's output. */
export interface HumanGradingPaths {
  "/api/courses/{slug}/rubrics/{id}/": PathItem & {
    get: Omit<Operation<{ slug: string; id: number }, never, never, Rubric>, "requestBody">;
  };
  "/api/grading/queue/": PathItem & {
    get: Omit<Operation<never, GradingQueueQuery, never, GradingQueuePage>, "requestBody" | "parameters"> & {
      parameters: { query?: GradingQueueQuery; header?: never; path?: never; cookie?: never };
    };
  };
  "/api/submissions/{id}/": PathItem & {
    get: Omit<Operation<Id, never, never, GradingSubmission>, "requestBody">;
  };
  "/api/submissions/{id}/grade/": PathItem & {
    post: Operation<Id, never, RubricGradeRequest | ScoreGradeRequest, GradingSubmission>;
  };
  "/api/submissions/{id}/claim/": PathItem & {
    post: Omit<Operation<Id, never, never, GradingSubmission>, "requestBody">;
    delete: Omit<Operation<Id, never, never, never, 204>, "requestBody">;
  };
  "/api/submissions/{id}/history/": PathItem & {
    get: Omit<Operation<Id, never, never, GradeChange[]>, "requestBody">;
  };
  "/api/tasks/{id}/": PathItem & {
    get: Omit<Operation<Id, never, never, RubricTask>, "requestBody">;
  };
}

/** The same auth fetch and base URL as `api`, typed by the hand-written paths above. */
export const gradingApi = createClient<HumanGradingPaths>({ baseUrl, fetch: authFetch });

export function isPseudonym(student: SubmissionStudent): student is Pseudonym {
  return "pseudonym" in student && typeof student.pseudonym === "string";
}
