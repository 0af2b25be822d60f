import { useCallback, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { api, unwrap } from "../api/client";
import { ApiError } from "../api/errors";
import { useInterval, useQuery } from "../api/hooks";
import type { RegradeRequest, Submission, TaskStart } from "../api/types";
import { useAuth } from "../auth/AuthContext";
import { AnswerForm, choiceConfig, parseAnswer, type AnswerDraft } from "../components/AnswerForm";
import { loadMyAllowances } from "../components/AccommodationsPanel";
import { TimedAttempt } from "../components/TimedAttempt";
import { TimedStartsPanel } from "../components/TimedStartsPanel";
import { Markdown } from "../components/Markdown";
import { useDocumentTitle } from "../components/Layout";
import { Badge, ErrorMessage, Loading, Notice, QueryView } from "../components/Status";
import { SubmissionList } from "../components/SubmissionList";
import { TaskNav } from "../components/TaskNav";
import { isGradeHidden, isPending, kindLabel, NOT_RELEASED_LABEL, progressByTask, taskState } from "../domain";
import { formatPoints, plural } from "../format";
import { allowanceFor, budgetText, dailyLimitWithBonus, timerPhase } from "../timed";
import { TaskDeadlines, TaskStatusBadges, isCourseStaff } from "./CoursePage";

/** What a student without a (large enough) group reads when submitting to a group task. */
export const GROUP_REQUIRED_MESSAGE =
  "This is a group task: join or form a group (the course's Groups panel) with enough members before submitting.";

/** What the student reads for the 409s of budgets and timers. */
export function submitConflictMessage(error: ApiError): string {
  if (error.code === "daily_limit_reached") {
    return "You have used today's submissions for this task. The budget resets at midnight, course time.";
  }
  if (error.code === "time_expired") return "Time is up for this timed task: the answer was not accepted.";
  if (error.code === "not_started") return "Start the timed task before answering.";
  return error.message;
}


/** How often to ask about submissions still being evaluated (tests shorten it). */
export const polling = { intervalMs: 1500 };

export function TaskPage() {
  const { slug = "", taskId = "" } = useParams();
  const id = Number(taskId);
  const { user } = useAuth();

  const course = useQuery(
    (signal) => unwrap(api.GET("/api/courses/{slug}/", { params: { path: { slug } }, signal })),
    [slug],
  );
  const enrolled = course.data?.is_enrolled ?? false;
  const progress = useQuery(
    async (signal) =>
      enrolled ? unwrap(api.GET("/api/courses/{slug}/progress/", { params: { path: { slug } }, signal })) : null,
    [slug, enrolled],
  );
  const submissions = useQuery(
    async (signal) =>
      user
        ? (
            await unwrap(
              api.GET("/api/submissions/", {
                params: { query: { task: id, user: user.id, ordering: "-submitted_at", page_size: 50 } },
                signal,
              }),
            )
          ).results
        : [],
    [id, user?.id],
  );

  // The student's regrade requests of this task, newest first: the first per submission is its latest.
  const regrades = useQuery(
    async (signal) =>
      user
        ? (
            await unwrap(
              api.GET("/api/regrade-requests/", {
                params: { query: { task: id, page_size: 100 } },
                signal,
              }),
            )
          ).results.filter((r) => r.student.id === user.id)
        : [],
    [id, user?.id],
  );
  const latestRegrades = new Map<number, RegradeRequest>();
  for (const request of regrades.data ?? []) {
    if (!latestRegrades.has(request.submission)) latestRegrades.set(request.submission, request);
  }
  function onRegradeFiled(created: RegradeRequest) {
    regrades.setData((current) => [created, ...(current ?? [])]);
  }

  const pending = (submissions.data ?? []).some(isPending);
  const wasPending = useRef(false);
  // useInterval calls the latest `poll`, so it needs no memoizing.
  async function poll() {
    try {
      const page = await unwrap(
        api.GET("/api/submissions/", {
          params: { query: { task: id, user: user?.id, ordering: "-submitted_at", page_size: 50 } },
        }),
      );
      submissions.setData(page.results);
      if (!page.results.some(isPending) && wasPending.current) void progress.reload();
      wasPending.current = page.results.some(isPending);
    } catch {
      // A failed poll is retried on the next tick.
    }
  }
  useInterval(() => void poll(), polling.intervalMs, pending);

  const task = course.data?.tasks.find((t) => t.id === id);
  useDocumentTitle(task?.title);

  // Budgets and the timer (accommodations/me/): one request for the whole course.
  const me = useQuery(async (signal) => (enrolled ? loadMyAllowances(slug, signal) : null), [slug, enrolled]);
  const allowance = allowanceFor(me.data, id);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  // Per task: the page stays mounted when "Next task" moves to another one.
  const [autoSubmitTask, setAutoSubmitTask] = useState<number | null>(null);
  const [expiredTask, setExpiredTask] = useState<number | null>(null);
  const autoSubmit = autoSubmitTask === id;
  const expired = expiredTask === id;
  const draftRef = useRef<AnswerDraft | null>(null);
  const onDraftChange = useCallback((draft: AnswerDraft) => {
    draftRef.current = draft;
  }, []);

  async function start() {
    setStarting(true);
    setStartError(null);
    try {
      const started: TaskStart = await unwrap(api.POST("/api/tasks/{task_pk}/start/", { params: { path: { task_pk: id } } }));
      me.setData((current) =>
        current
          ? { ...current, tasks: current.tasks.map((t) => (t.task === id ? { ...t, ...started } : t)) }
          : current,
      );
      void me.reload();
    } catch (error) {
      setStartError(error instanceof Error ? error.message : "Could not start the task.");
      void me.reload();
    } finally {
      setStarting(false);
    }
  }

  function onExpire() {
    setExpiredTask(id);
    const draft = draftRef.current;
    if (!autoSubmit || !task || !draft) return;
    const parsed = parseAnswer(task.kind, task.public_config, draft);
    // The deadline itself still counts: the answer on screen goes in at zero.
    if (parsed.ok) void submit(parsed.answer);
  }

  async function submit(answer: unknown): Promise<string[] | void> {
    const key = crypto.randomUUID();
    try {
      const created: Submission = await unwrap(
        api.POST("/api/tasks/{task_pk}/submissions/", {
          params: { path: { task_pk: id } },
          headers: { "Idempotency-Key": key },
          body: { answer },
        }),
      );
      submissions.setData((current) => [created, ...(current ?? []).filter((s) => s.id !== created.id)]);
      wasPending.current = isPending(created);
      if (!isPending(created)) void progress.reload();
      void me.reload();
    } catch (error) {
      if (error instanceof ApiError) {
        if (error.code === "group_required") return [GROUP_REQUIRED_MESSAGE];
        if (error.status === 409) {
          void progress.reload();
          void me.reload();
        }
        const messages = Object.values(error.fields).flat();
        return messages.length ? messages : [submitConflictMessage(error)];
      }
      return [error instanceof Error ? error.message : "Could not submit the answer."];
    }
  }

  return (
    <QueryView query={course} loadingLabel="Loading task…">
      {(courseData) => {
        if (!task) return <Notice kind="warn">This task does not exist or is not available to you.</Notice>;
        const byTask = progressByTask(progress.data);
        const state = taskState(task, courseData.tasks, byTask);
        const staff = isCourseStaff(courseData, user);
        const own = submissions.data ?? [];
        const latest = own[0];
        const choices = task.kind === "choice" ? choiceConfig(task.public_config).choices : undefined;
        let disabledReason = state.reason;
        if (!user) disabledReason = "Log in and enroll to answer.";
        else if (!enrolled) disabledReason = staff ? "Staff preview: enroll as a student to answer." : "Enroll in the course to answer.";
        const phase = timerPhase(task.time_limit_minutes, allowance?.deadline, Date.now());
        const budget = budgetText(
          allowance?.submissions_left_today,
          dailyLimitWithBonus(task.daily_submission_limit, me.data),
        );
        if (enrolled && !disabledReason) {
          if (phase === "not_started") disabledReason = "Start the timed task to answer.";
          else if (phase === "expired" || (phase === "running" && expired)) disabledReason = "Time expired.";
          else if (allowance?.submissions_left_today === 0) disabledReason = "No submissions left today.";
        }
        return (
          <>
            <p className="muted small" style={{ margin: 0 }}>
              <Link to="/">Courses</Link> / <Link to={`/courses/${courseData.slug}`}>{courseData.title}</Link> /
            </p>
            <div className="page-head">
              <h1>{task.title}</h1>
              <div className="row">
                <Badge tone="info">{kindLabel(task.kind)}</Badge>
                {enrolled && <TaskStatusBadges state={state} />}
              </div>
            </div>
            <div className="task-meta" style={{ marginBottom: "1rem" }}>
              <span>Worth {plural(task.max_score, "point")}</span>
              <TaskDeadlines task={task} state={state} />
              {enrolled && (
                <span>
                  {state.attemptsLeft === null
                    ? "Unlimited attempts"
                    : `${state.attemptsLeft} of ${task.max_attempts} attempts left`}
                </span>
              )}
              {enrolled && budget && <span data-testid="daily-budget">{budget}</span>}
              {task.time_limit_minutes != null && <span>Timed: {plural(task.time_limit_minutes, "minute")}</span>}
            </div>
            {task.description && <Markdown className="description" text={task.description} />}
            {enrolled && task.group_set !== null && task.group_set !== undefined && (
              <GroupNotice group={own.find((s) => s.group)?.group ?? null} />
            )}
            {state.phase === "late" && enrolled && (
              <Notice kind="warn">{lateNotice(task.late_days_allowed, me.data?.late_days_left, courseData.max_late_days_per_task)}</Notice>
            )}
            {state.locked && enrolled && (
              <Notice kind="warn">
                Locked. Complete{" "}
                {state.missing.map((t, i) => (
                  <span key={t.id}>
                    {i > 0 && ", "}
                    <Link to={`/courses/${courseData.slug}/tasks/${t.id}`}>{t.title}</Link>
                  </span>
                ))}{" "}
                first.
              </Notice>
            )}
            <ErrorMessage error={progress.error} onRetry={() => void progress.reload()} />

            <ErrorMessage error={me.error} onRetry={() => void me.reload()} />
            {enrolled && me.data && task.time_limit_minutes != null && (
              <TimedAttempt
                timeLimitMinutes={task.time_limit_minutes}
                multiplier={me.data.time_multiplier}
                allowance={allowance}
                starting={starting}
                startError={startError}
                autoSubmit={autoSubmit}
                onAutoSubmitChange={(on) => setAutoSubmitTask(on ? id : null)}
                onStart={() => void start()}
                onExpire={onExpire}
              />
            )}
            {staff && task.time_limit_minutes != null && <TimedStartsPanel taskId={task.id} />}
            <section className="card" aria-labelledby="answer-heading">
              <h2 id="answer-heading" style={{ marginTop: 0 }}>
                Answer
              </h2>
              {latest && isGradeHidden(latest) && (
                <Notice>
                  Attempt {latest.attempt}: {NOT_RELEASED_LABEL}.
                </Notice>
              )}
              {latest && latest.status === "graded" && !isGradeHidden(latest) && (
                <Notice kind={latest.score !== null && latest.score >= latest.max_score ? "ok" : "warn"}>
                  Attempt {latest.attempt}: <strong>{formatPoints(latest.score, latest.max_score)}</strong>
                  {latest.feedback && <> — {latest.feedback}</>}
                </Notice>
              )}
              {latest && isPending(latest) && (
                <Notice>Attempt {latest.attempt} is being evaluated…</Notice>
              )}
              {latest && latest.status === "needs_review" && (
                <Notice>Attempt {latest.attempt} is waiting for a teacher to grade it.</Notice>
              )}
              <AnswerForm
                key={task.id}
                task={task}
                disabledReason={disabledReason}
                onSubmit={submit}
                onDraftChange={onDraftChange}
              />
            </section>

            {user && (
              <section aria-labelledby="history-heading">
                <h2 id="history-heading">Your submissions</h2>
                {submissions.loading && !submissions.data ? (
                  <Loading label="Loading submissions…" />
                ) : submissions.error ? (
                  <ErrorMessage error={submissions.error} onRetry={() => void submissions.reload()} />
                ) : (
                  <div className="card">
                    <SubmissionList
                      submissions={own}
                      choices={choices}
                      regradeRequests={latestRegrades}
                      onRegradeFiled={enrolled ? onRegradeFiled : undefined}
                    />
                  </div>
                )}
              </section>
            )}
            <TaskNav slug={courseData.slug} tasks={courseData.tasks} current={task.id} />
          </>
        );
      }}
    </QueryView>
  );
}

/** On a group task: whom an answer counts for. The group is known from its submissions. */
function GroupNotice({ group }: { group: Submission["group"] }) {
  return (
    <Notice>
      {group ? (
        <>
          Submitting for group <strong>{group.name}</strong>: every answer counts for all its members, and the
          attempts are shared.
        </>
      ) : (
        <>This is a group task: an answer counts for your whole group, and the attempts are shared.</>
      )}
    </Notice>
  );
}

/** What a late answer costs: late days from the bank while it covers them (decision 0026),
 * else whatever the late policy deducts. */
export function lateNotice(allowed: boolean | undefined, left: number | undefined, perTask: number | null | undefined): string {
  if (allowed && left !== undefined && left > 0 && perTask !== 0) {
    const cap = perTask != null ? `, at most ${plural(perTask, "day")} on this task` : "";
    return `The due date has passed: a late answer spends whole late days from your bank (${plural(left, "day")} left${cap}) instead of losing points, as long as they cover it.`;
  }
  return "The due date has passed: late answers may lose points.";
}
