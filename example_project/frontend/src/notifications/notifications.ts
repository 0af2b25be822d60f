/**
 * Notifications shared by the bell and the notifications page: their text, and an event the
 * page fires after marking some read so the bell refetches its count at once.
 */

import type { components } from "../api/schema";
import { formatDateTime, formatScore } from "../format";

export type AppNotification = components["schemas"]["Notification"];
export type NotificationKind = components["schemas"]["NotificationKindEnum"];
export type NotificationPreferences = components["schemas"]["NotificationPreferences"];
export type Channel = keyof components["schemas"]["ChannelPreference"];

export const KINDS: readonly NotificationKind[] = [
  "submission_graded",
  "grade_changed",
  "deadline_soon",
  "regrade_request_resolved",
  "regrade_request_created",
  "grades_released",
  "comment_created",
  "grading_assigned",
  "group_invitation",
  "attempt_restarted",
];
export const CHANNELS: readonly Channel[] = ["in_app", "email"];

export const KIND_LABELS: Record<NotificationKind, string> = {
  submission_graded: "A submission of mine is graded",
  grade_changed: "A grade of mine changes",
  deadline_soon: "A deadline is less than a day away",
  regrade_request_resolved: "A regrade request of mine is answered",
  regrade_request_created: "A student asks for a regrade in a course I teach",
  grades_released: "Grades of a task are released",
  comment_created: "Someone comments on a submission of mine or one I grade",
  grading_assigned: "Submissions are assigned to me for grading",
  group_invitation: "Someone invites me into a group",
  attempt_restarted: "Course staff let me start a timed task again",
};

export const CHANNEL_LABELS: Record<Channel, string> = { in_app: "In the app", email: "By e-mail" };

export const notificationEvents = new EventTarget();
export const NOTIFICATIONS_CHANGED = "notifications-changed";

export function notificationsChanged() {
  notificationEvents.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
}

interface About {
  task?: { id: number; title: string };
  course?: { slug: string; title: string };
  released: boolean;
  score?: number;
  max_score?: number;
  previous_score?: number;
  due_at?: string;
  status?: string;
  student?: string;
  author?: string;
  fromStaff: boolean;
  count?: number;
  group?: string;
  invitedBy?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

const numberOf = (value: unknown) => (typeof value === "number" ? value : undefined);
const stringOf = (value: unknown) => (typeof value === "string" ? value : undefined);

/** The parts of `data` the text uses, each checked: `data` is free-form JSON in the schema. */
function about(notification: AppNotification): About {
  const data = notification.data;
  const task = isRecord(data.task) ? data.task : undefined;
  const course = isRecord(data.course) ? data.course : undefined;
  const taskId = numberOf(task?.id);
  const taskTitle = stringOf(task?.title);
  const slug = stringOf(course?.slug);
  const courseTitle = stringOf(course?.title);
  return {
    task: taskId !== undefined && taskTitle !== undefined ? { id: taskId, title: taskTitle } : undefined,
    course: slug !== undefined && courseTitle !== undefined ? { slug, title: courseTitle } : undefined,
    // Absent in notifications made before release control: those were released.
    released: data.released !== false,
    score: numberOf(data.score),
    max_score: numberOf(data.max_score),
    previous_score: numberOf(data.previous_score),
    due_at: stringOf(data.due_at),
    status: stringOf(data.status),
    student: isRecord(data.student) ? stringOf(data.student.username) : undefined,
    author: isRecord(data.author) ? stringOf(data.author.username) : undefined,
    fromStaff: data.from_staff === true,
    count: numberOf(data.count),
    group: isRecord(data.group) ? stringOf(data.group.name) : undefined,
    invitedBy: isRecord(data.invited_by) ? stringOf(data.invited_by.username) : undefined,
  };
}

/** One line saying what happened, from the notification's kind and data. */
export function describe(notification: AppNotification): string {
  const data = about(notification);
  const task = data.task ? `“${data.task.title}”` : "a task";
  const course = data.course ? ` in ${data.course.title}` : "";
  switch (notification.kind) {
    case "submission_graded":
      if (!data.released) return `Your submission to ${task}${course} was graded; the score is not released yet.`;
      return `Your submission to ${task}${course} was graded: ${formatScore(data.score, data.max_score)}.`;
    case "grade_changed":
      return `Your grade for ${task}${course} changed from ${formatScore(data.previous_score)} to ${formatScore(data.score, data.max_score)}.`;
    case "deadline_soon":
      return `${task}${course} is due ${formatDateTime(data.due_at)}.`;
    case "regrade_request_resolved":
      return data.status === "accepted" || data.status === "rejected"
        ? `Your regrade request for ${task}${course} was ${data.status}.`
        : `Your regrade request for ${task}${course} was answered.`;
    case "regrade_request_created":
      return `${data.student ?? "A student"} asks for a regrade of ${task}${course}.`;
    case "grades_released":
      return `Grades of ${task}${course} are released.`;
    case "comment_created":
      return data.fromStaff
        ? `${data.author ?? "Course staff"} commented on your submission to ${task}${course}.`
        : `${data.author ?? "A student"} commented on a submission to ${task}${course}.`;
    case "group_invitation":
      return `${data.invitedBy ?? "A student"} invited you to join group ${data.group ? `“${data.group}”` : "a group"}${course}.`;
    case "attempt_restarted":
      return `You may start ${task}${course} again: course staff restarted your timed attempt.`;
    case "grading_assigned": {
      const count = data.count ?? 0;
      const what = count === 1 ? "1 submission" : `${count} submissions`;
      return data.task
        ? `${what} of ${task}${course} assigned to you for grading.`
        : `${what}${course} assigned to you for grading.`;
    }
  }
}

/** Where a notification leads: staff to the regrade queue, else its task's page, when it names one. */
export function linkOf(notification: AppNotification): string | null {
  if (notification.kind === "regrade_request_created") return "/grading/regrade-requests";
  if (notification.kind === "grading_assigned") return "/grading";
  // Accepted or declined in the course page's Groups panel.
  if (notification.kind === "group_invitation") {
    const course = about(notification).course;
    return course ? `/courses/${course.slug}` : null;
  }
  const data = about(notification);
  // A student's comment: staff answer it from the course's grading screen.
  if (notification.kind === "comment_created" && !data.fromStaff && data.course) return `/teach/${data.course.slug}/grading`;
  return data.task && data.course ? `/courses/${data.course.slug}/tasks/${data.task.id}` : null;
}
