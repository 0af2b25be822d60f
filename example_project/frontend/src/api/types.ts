/**
 * Short names for the generated schema's components, so pages say `Course` rather than
 * `components["schemas"]["Course"]`. Every type here is an alias of generated code.
 */

import type { components } from "./schema";

type Schemas = components["schemas"];

export type User = Schemas["User"];
export type UserSummary = Schemas["UserSummary"];
export type Course = Schemas["Course"];
export type CourseDetail = Schemas["CourseDetail"];
export type CourseCreateRequest = Schemas["CourseCreateRequest"];
export type CourseStatus = Schemas["CourseStatusEnum"];
export type CourseRole = Schemas["CourseRoleEnum"];
export type Task = Schemas["Task"];
export type TaskRequest = Schemas["TaskRequest"];
export type ReleaseMode = Schemas["ReleaseEnum"];
export type CourseTaskInputRequest = Schemas["CourseTaskInputRequest"];
export type Enrollment = Schemas["Enrollment"];
export type Extension = Schemas["Extension"];
export type CourseSettingsRequest = Schemas["PatchedCourseRequest"];
export type Submission = Schemas["Submission"];
export type SubmissionStatus = Schemas["SubmissionStatusEnum"];
export type CourseProgress = Schemas["CourseProgress"];
export type TaskProgress = Schemas["TaskProgress"];
export type GroupFigures = Schemas["GroupFigures"];
export type GradingScheme = Schemas["GradingSchemeEnum"];
export type Gradebook = Schemas["PaginatedGradebookRowList"];
export type GradebookRow = Schemas["GradebookRow"];
export type GradebookTask = Gradebook["tasks"][number];
export type TaskCell = Schemas["TaskCell"];
export type Upcoming = Schemas["Upcoming"];
export type UpcomingStatus = Schemas["UpcomingStatusEnum"];
export type GradeChange = Schemas["GradeChange"];
export type GradeChangeKind = Schemas["GradeChangeKindEnum"];
export type RegradeRequest = Schemas["RegradeRequest"];
export type RegradeRequestStatus = Schemas["RegradeStatusEnum"];
export type GradebookImportResult = Schemas["GradebookImportResult"];
export type SectionAssignResult = Schemas["SectionAssignResult"];
export type SectionAssignChange = Schemas["SectionAssignChange"];
export type GradebookImportChange = Schemas["GradebookImportChange"];
export type SubmissionComment = Schemas["SubmissionComment"];
export type Rubric = Schemas["Rubric"];
export type RubricRequest = Schemas["RubricRequest"];
export type RubricPart = Schemas["RubricPart"];
export type Parts = Schemas["Parts"];
export type SubmissionStudent = Schemas["SubmissionStudent"];
export type Pseudonym = Schemas["Pseudonym"];
/** The `assigned` filter of `GET grading/queue/`. */
export type AssignedFilter = "me" | "none" | "any";
export type Accommodation = Schemas["Accommodation"];
export type MyAllowances = Schemas["MyAllowances"];
export type MyTaskAllowance = Schemas["MyTaskAllowance"];
export type TaskStart = Schemas["TaskStart"];
export type TaskStartRecord = Schemas["TaskStartRecord"];
export type GroupSet = Schemas["GroupSet"];
export type StudentGroup = Schemas["StudentGroup"];
export type GroupInvitation = Schemas["GroupInvitation"];
export type Section = Schemas["Section"];
export type SectionRequest = Schemas["SectionRequest"];
export type SectionDate = Schemas["SectionDate"];
export type EventType = Schemas["EventsEnum"];
export type WebhookEndpoint = Schemas["WebhookEndpoint"];
export type WebhookDelivery = Schemas["Delivery"];
export type WebhookDeliveryStatus = Schemas["DeliveryStatusEnum"];
export type LtiRegistration = Schemas["LtiRegistration"];
export type LtiRegistrationRequest = Schemas["LtiRegistrationRequest"];
