"""The demo data that ``python manage.py seed_demo`` creates, one function per part.

Each part receives the :class:`DemoData` built by the parts before it (``data.users["instructor"]``)
and adds its own rows. To add a part, write ``def seed_<thing>(data: DemoData) -> None`` and
append it to :data:`PARTS`. Every part must be idempotent: look rows up by a natural key
(username, slug, title) and update them, so running the command twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from learnplat.courses.models import Accommodation, Course, Task
from learnplat.exceptions import Conflict
from learnplat.flows import accommodations, authoring, enrollment, evaluate, sections, submit
from learnplat.roles import Role


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    first_name: str
    last_name: str
    is_superuser: bool = False

    @property
    def password(self) -> str:
        # Known on purpose: the demo prints it and the README shows it. seed_demo refuses
        # to run with DEBUG off unless told to.
        return f"{self.username}-demo-pass"

    @property
    def email(self) -> str:
        return f"{self.username}@demo.learnplat.invalid"


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", Role.ADMIN, "Ada", "Admin", is_superuser=True),
    DemoAccount("instructor", Role.INSTRUCTOR, "Grace", "Hopper"),
    # A student on the platform, course staff (assistant) of the grading course only.
    DemoAccount("tom", Role.STUDENT, "Tom", "Kilburn"),
    DemoAccount("alice", Role.STUDENT, "Alice", "Liddell"),
    DemoAccount("bob", Role.STUDENT, "Bob", "Builder"),
)


@dataclass
class DemoData:
    """What the parts seeded so far, by natural key, and what they report."""

    users: dict[str, Any] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)


def seed_users(data: DemoData) -> None:
    """The admin (a Django superuser), one instructor, an assistant and two students."""
    user_model = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, created = user_model._default_manager.get_or_create(username=account.username)
        user.email = account.email
        user.first_name = account.first_name
        user.last_name = account.last_name
        user.role = account.role
        user.is_active = True
        user.is_staff = user.is_superuser = account.is_superuser
        if created or not user.check_password(account.password):
            user.set_password(account.password)
        user.save()
        data.users[account.username] = user
        data.log.append(
            f"{'Created' if created else 'Updated'} {account.role} {account.username!r}"
        )


PUBLISHED_SLUG = "python-foundations"
DRAFT_SLUG = "data-structures-in-practice"

PUBLISHED_COURSE: dict[str, Any] = {
    "slug": PUBLISHED_SLUG,
    "title": "Python Foundations: a guided tour",
    "description": """\
Six short exercises on the Python you write every day: strings, types, truthiness,
arithmetic, functions and mutability.

Each exercise shows a different way **learnplat** grades an answer:

| exercise | graded by |
| --- | --- |
| Say hello | exact text (case and spacing ignored) |
| Pick the immutable type | single choice, two attempts |
| Spot the falsy values | multiple choice with partial credit |
| Square roots | a number within a tolerance |
| Write a function header | a regular expression (unlocked by *Say hello*) |
| Mutable or immutable? | an instructor, by hand (has a due date) |

Enroll, answer, and watch your progress fill up.
""",
    "grading_policy": "best",
}

#: The published course's tasks, in order: ``create_course`` fields, with ``prerequisites`` as
#: indices into this list, plus ``due_in_days`` (from the first seed) for a due date.
PUBLISHED_TASKS: tuple[dict[str, Any], ...] = (
    {
        "title": "Say hello",
        "kind": "exact",
        "description": """\
What does this line print?

```python
print("Hello, " + "world")
```

Type the output exactly; upper or lower case and extra spaces do not matter.
""",
        "config": {"answers": ["Hello, world"]},
    },
    {
        "title": "Pick the immutable type",
        "kind": "choice",
        "max_attempts": 2,
        "description": """\
Which of these built-in types is **immutable**: once created, its items cannot change?

You have two attempts.
""",
        "config": {"choices": ["list", "tuple", "dict", "set"], "correct": [1]},
    },
    {
        "title": "Spot the falsy values",
        "kind": "choice",
        "max_score": 3,
        "description": """\
`if value:` skips its block when `value` is *falsy*. Pick **every** falsy value.

Partial credit: each right pick earns a share of the points and each wrong pick takes one
back.
""",
        "config": {
            "choices": ["0", '""', "[]", '"False"', "None"],
            "correct": [0, 1, 2, 4],
            "multiple": True,
            "partial_credit": True,
        },
    },
    {
        "title": "Square roots",
        "kind": "numeric",
        "max_score": 2,
        "description": """\
What is `10 * math.sqrt(2)`? Answer with two decimal places, for example `3.14`.
""",
        "config": {"value": 14.1421356, "abs_tol": 0.006},
    },
    {
        "title": "Write a function header",
        "kind": "regex",
        "max_score": 2,
        "prerequisites": [0],
        "description": """\
Write the first line of a function named `greet` that takes **one** parameter, for example
`def greet(name):`. Any valid parameter name is accepted.

*Unlocked once you have completed "Say hello".*
""",
        "config": {"pattern": r"def greet\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\):"},
    },
    {
        "title": "Mutable or immutable?",
        "kind": "manual",
        "max_score": 5,
        "weight": 2,
        "due_in_days": 14,
        "late_policy": {"deduction_percent": 10, "per": "day", "floor_percent": 50},
        "description": """\
In two or three sentences, explain the difference between a **mutable** and an
**immutable** object in Python, with one example of each.

An instructor grades this answer. It is due two weeks after the course was set up; late
answers lose 10 % per day, down to half the points.
""",
        "config": {},
    },
)

DRAFT_COURSE: dict[str, Any] = {
    "slug": DRAFT_SLUG,
    "title": "Data Structures in Practice",
    "description": """\
*Work in progress.* Stacks, queues and dictionaries through small, practical problems.

Only its instructor sees this course until it is published.
""",
}

DRAFT_TASKS: tuple[dict[str, Any], ...] = (
    {
        "title": "Last in, first out",
        "kind": "choice",
        "description": "Which structure gives back the item added **last** first?",
        "config": {"choices": ["queue", "stack", "heap"], "correct": [1]},
    },
    {
        "title": "Count the words",
        "kind": "numeric",
        "description": 'How many keys does `Counter("to be or not to be".split())` have?',
        "config": {"value": 4},
    },
)

#: Alice's answers to the published course: (task index, answer). Graded on the spot, so
#: the demo opens with a history: right, wrong, partly right, and one awaiting a grader.
ALICE_ANSWERS: tuple[tuple[int, Any], ...] = (
    (0, "hello, world"),
    (1, 0),
    (2, [0, 1, 3]),
    (5, "A list can change after it is made, a tuple cannot: t[0] = 1 raises TypeError."),
)


def _task_fields(task: dict[str, Any]) -> dict[str, Any]:
    fields = {"is_published": True, **task}
    due_in_days = fields.pop("due_in_days", None)
    if due_in_days is not None:
        fields["due_at"] = timezone.now() + timedelta(days=due_in_days)
    return fields


def _course(
    data: DemoData, fields: dict[str, Any], tasks: Sequence[dict[str, Any]], *, publish: bool
) -> Course:
    """The course with ``fields["slug"]``, created with ``tasks`` the first time only, so that
    whatever the demo's users changed since stays as they left it."""
    course = Course.objects.filter(slug=fields["slug"]).first()
    if course is None:
        course = authoring.create_course(
            creator=data.users["instructor"], tasks=[_task_fields(t) for t in tasks], **fields
        )
        if publish:
            course = authoring.publish(course=course)
        data.log.append(f"Created {course.status} course {course.slug!r}")
    else:
        data.log.append(f"Kept {course.status} course {course.slug!r}")
    data.courses[course.slug] = course
    return course


def seed_courses(data: DemoData) -> None:
    """A published course with a task of every built-in kind, and a draft, both taught by
    the instructor."""
    _course(data, PUBLISHED_COURSE, PUBLISHED_TASKS, publish=True)
    _course(data, DRAFT_COURSE, DRAFT_TASKS, publish=False)


def seed_enrollments(data: DemoData) -> None:
    """Alice studies the published course; Bob is left out so the demo can show enrolling."""
    course = data.courses[PUBLISHED_SLUG]
    try:
        enrollment.enroll(user=data.users["alice"], course=course)
        data.log.append(f"Enrolled 'alice' in {course.slug!r}")
    except Conflict as exc:
        if exc.code != "already_enrolled":
            raise
        data.log.append(f"Kept the enrollment of 'alice' in {course.slug!r}")


def seed_submissions(data: DemoData) -> None:
    """Alice's answers, submitted and graded through the same services as the API.

    Each has a fixed Idempotency-Key, so a second run gets the first run's submission back
    instead of a new attempt. They are evaluated right here rather than by the task backend,
    so they are graded even when ``TASKS_BACKEND`` names a worker that is not running; the
    job the backend runs later finds them graded and leaves them alone.
    """
    course = data.courses[PUBLISHED_SLUG]
    made = _submit_answers(data.users["alice"], course, PUBLISHED_TASKS, ALICE_ANSWERS)
    data.log.append(f"Submitted {made} new answer(s) for 'alice' in {course.slug!r}")


# -- the grading course: an assistant grades named students' answers -------------------------

GRADING_SLUG = "readable-code"

GRADING_COURSE: dict[str, Any] = {
    "slug": GRADING_SLUG,
    "title": "Writing Readable Code",
    "description": """\
Three short exercises on names and explanations. Two are graded by hand: the course's
assistant, **Tom Kilburn**, reads each answer in his grading queue.
""",
    "grading_policy": "best",
}

GRADING_TASKS: tuple[dict[str, Any], ...] = (
    {
        "title": "Name the function",
        "kind": "manual",
        "max_score": 5,
        "description": """\
This function returns the users who have not logged in for a year:

```python
def f(xs):
    return [x for x in xs if x.last_login < one_year_ago()]
```

Give it a better name and say why in one sentence.
""",
        "config": {},
    },
    {
        "title": "Explain a review comment",
        "kind": "manual",
        "max_score": 10,
        "description": """\
A reviewer wrote *"this comment says what, not why"* under `# add 1 to i`.
Rewrite the comment so it helps the next reader.
""",
        "config": {},
    },
    {
        "title": "Pick the clearest name",
        "kind": "choice",
        "description": "Which name tells a reader the most about a list of unpaid invoices?",
        "config": {"choices": ["data", "invoices2", "unpaid_invoices", "lst"], "correct": [2]},
    },
)

#: Who answers what in the grading course: username → (task index, answer).
GRADING_ANSWERS: dict[str, tuple[tuple[int, Any], ...]] = {
    "alice": (
        (0, "inactive_users: it names what comes back, not how it is found."),
        (1, "# i counts the header row too, so the data starts at 1."),
        (2, 2),
    ),
    "bob": (
        (0, "get_old_users"),
        (1, "# skip the header"),
    ),
}


def seed_grading_course(data: DemoData) -> None:
    """A second published course, taught by the instructor with ``tom`` as its assistant;
    Alice and Bob answered its manual tasks, so Tom's grading queue names four people's
    answers waiting for review (``needs_review``)."""
    course = _course(data, GRADING_COURSE, GRADING_TASKS, publish=True)
    try:
        enrollment.add_staff(course=course, user=data.users["tom"], role="assistant")
        data.log.append(f"Made 'tom' an assistant of {course.slug!r}")
    except Conflict as exc:
        if exc.code != "already_enrolled":
            raise
    made = 0
    for username, answers in GRADING_ANSWERS.items():
        student = data.users[username]
        try:
            enrollment.enroll(user=student, course=course)
        except Conflict as exc:
            if exc.code != "already_enrolled":
                raise
        made += _submit_answers(student, course, GRADING_TASKS, answers)
    data.log.append(f"Submitted {made} new answer(s) in {course.slug!r}")


def _submit_answers(
    user: Any,
    course: Course,
    specs: Sequence[dict[str, Any]],
    answers: Sequence[tuple[int, Any]],
) -> int:
    """Submit and evaluate ``answers`` (index into ``specs``, answer) once each: a fixed
    Idempotency-Key per task gives a second run the first run's submission back. Returns
    how many were new."""
    tasks = {t.title: t for t in Task.objects.filter(course=course)}
    made = 0
    for index, answer in answers:
        task = tasks.get(specs[index]["title"])
        if task is None:  # removed by someone trying the demo
            continue
        result = submit.submit(
            user=user, task=task, answer=answer, idempotency_key=f"seed-demo-{task.pk}"
        )
        if result.created:
            evaluate.run_evaluation(result.submission.pk)
            made += 1
    return made


#: The task of the published course that always has a deadline ahead, for the student home
#: page's "upcoming deadlines", and how far ahead a run puts it.
UPCOMING_TASK_TITLE = "Square roots"
UPCOMING_IN_DAYS = 5


def seed_upcoming_deadline(data: DemoData) -> None:
    """Give "Square roots" (which Alice has not answered) a due date a few days ahead when it
    has none or its date has passed, so Alice's home page always lists an upcoming deadline,
    however old the demo database is. A date still ahead is kept: a second run changes nothing.
    """
    course = data.courses[PUBLISHED_SLUG]
    task = Task.objects.filter(course=course, title=UPCOMING_TASK_TITLE).first()
    if task is None:  # removed by someone trying the demo
        return
    now = timezone.now()
    if task.due_at is not None and task.due_at > now:
        data.log.append(f"Kept the due date of {task.title!r}")
        return
    due_at = now + timedelta(days=UPCOMING_IN_DAYS)
    closes_at = task.closes_at if task.closes_at is None or task.closes_at >= due_at else due_at
    authoring.update_task(task=task, due_at=due_at, closes_at=closes_at)
    data.log.append(f"Set the due date of {task.title!r} to {UPCOMING_IN_DAYS} days from now")


#: The group-work course: two students in one group of a group set, one group task.
GROUP_SLUG = "team-project"
GROUP_COURSE: dict[str, Any] = {
    "slug": GROUP_SLUG,
    "title": "Team Project",
    "description": "One exercise answered as a team: what a member submits counts for all.",
    "grading_policy": "best",
}
GROUP_TASKS: tuple[dict[str, Any], ...] = (
    {
        "title": "Team answer",
        "kind": "exact",
        "max_score": 4,
        "config": {"answers": ["42"]},
        "description": "The answer to everything, as a team.",
    },
)
#: The group's members (demo accounts of their own, so no other part's data changes).
GROUP_MEMBERS: tuple[DemoAccount, ...] = (
    DemoAccount("carol", Role.STUDENT, "Carol", "Shaw"),
    DemoAccount("dave", Role.STUDENT, "Dave", "Cutler"),
)
GROUP_SET_NAME = "Project teams"
GROUP_NAME = "Team Rocket"


def seed_group_work(data: DemoData) -> None:
    """Carol and Dave study "Team Project" as the group "Team Rocket" of its group set
    "Project teams", which its one task uses: what one submits counts for both."""
    from learnplat.courses.models import GroupMembership, GroupSet, StudentGroup

    user_model = get_user_model()
    members = []
    for account in GROUP_MEMBERS:
        user, created = user_model._default_manager.get_or_create(username=account.username)
        user.email, user.first_name, user.last_name = (
            account.email,
            account.first_name,
            account.last_name,
        )
        user.role, user.is_active = account.role, True
        if created or not user.check_password(account.password):
            user.set_password(account.password)
        user.save()
        data.users[account.username] = user
        members.append(user)
    course = _course(data, GROUP_COURSE, GROUP_TASKS, publish=True)
    for user in members:
        try:
            enrollment.enroll(user=user, course=course)
        except Conflict as exc:
            if exc.code != "already_enrolled":
                raise
    # The group endpoints' flows are another part of issue 13; the rows are what they write.
    group_set, _ = GroupSet.objects.get_or_create(
        course=course, name=GROUP_SET_NAME, defaults={"min_size": 2, "max_size": 3}
    )
    group, _ = StudentGroup.objects.get_or_create(group_set=group_set, name=GROUP_NAME)
    for user in members:
        GroupMembership.objects.get_or_create(
            group_set=group_set, user=user, defaults={"group": group}
        )
    task = Task.objects.filter(course=course, title=GROUP_TASKS[0]["title"]).first()
    if task is not None and task.group_set_id != group_set.pk:
        authoring.update_task(task=task, group_set=group_set)
    data.log.append(f"Grouped 'carol' and 'dave' as {GROUP_NAME!r} in {course.slug!r}")


# -- timed tasks and daily budgets --------------------------------------------------------

DRILLS_SLUG = "arithmetic-drills"

DRILLS_COURSE: dict[str, Any] = {
    "slug": DRILLS_SLUG,
    "title": "Arithmetic Drills",
    "description": (
        "Practice against the clock. **Timed quiz** gives you 20 minutes from the moment you "
        "press Start; **Daily drill** takes three answers a day, and the budget resets at "
        "midnight in the course's time zone. Your course page says what applies to you.\n"
    ),
    "grading_policy": "best",
}

DRILLS_TASKS: tuple[dict[str, Any], ...] = (
    {
        "title": "Timed quiz: seven eights",
        "description": "What is 7 times 8? You have 20 minutes once you start.",
        "kind": "exact",
        "max_score": 1,
        "time_limit_minutes": 20,
        "config": {"answers": ["56"]},
    },
    {
        "title": "Daily drill: twelve",
        "description": "What is 5 + 7? Three tries a day.",
        "kind": "exact",
        "max_score": 1,
        "daily_submission_limit": 3,
        "config": {"answers": ["12"]},
    },
)


def seed_timed_and_budgets(data: DemoData) -> None:
    """A published course with a 20-minute timed quiz and a task of three submissions a day,
    with Alice enrolled (docs/accommodations.md)."""
    course = _course(data, DRILLS_COURSE, DRILLS_TASKS, publish=True)
    try:
        enrollment.enroll(user=data.users["alice"], course=course)
        data.log.append(f"Enrolled 'alice' in {course.slug!r}")
    except Conflict as exc:
        if exc.code != "already_enrolled":
            raise
        data.log.append(f"Kept the enrollment of 'alice' in {course.slug!r}")


#: The published course's late-day bank, its cap per task, the task that allows them, and
#: Alice's accommodation's extra days.
LATE_DAYS_BANK = 3
LATE_DAYS_PER_TASK = 2
LATE_DAYS_TASK_TITLE = UPCOMING_TASK_TITLE
ALICE_EXTRA_LATE_DAYS = 1


def seed_late_days(data: DemoData) -> None:
    """A late-day bank on the published course (3 days, at most 2 per task), late days
    allowed on "Square roots", and an accommodation giving Alice one extra day and 1.5x time.
    Existing values are kept, so a second run changes nothing."""
    course = data.courses[PUBLISHED_SLUG]
    if course.late_days == 0:
        authoring.update_course(
            course=course, late_days=LATE_DAYS_BANK, max_late_days_per_task=LATE_DAYS_PER_TASK
        )
        data.log.append(f"Gave {course.slug!r} a bank of {LATE_DAYS_BANK} late days")
    task = Task.objects.filter(course=course, title=LATE_DAYS_TASK_TITLE).first()
    if task is not None and not task.late_days_allowed:
        authoring.update_task(task=task, late_days_allowed=True)
        data.log.append(f"Allowed late days on {task.title!r}")
    alice = data.users["alice"]
    if not Accommodation.objects.filter(course=course, user=alice).exists():
        accommodations.create_accommodation(
            course=course,
            user=alice,
            time_multiplier=1.5,
            extra_late_days=ALICE_EXTRA_LATE_DAYS,
            note="Demo: extra time and one more late day.",
        )
        data.log.append(f"Gave 'alice' an accommodation in {course.slug!r}")


#: The grading course's sections: Tom's, with Alice and Bob and its own due date for one
#: task, and one with no students yet, for the People tab's section select and CSV form.
MONDAY_SECTION = "Monday lab"
THURSDAY_SECTION = "Thursday lab"
SECTION_DATE_TASK_TITLE = "Pick the clearest name"
SECTION_DUE_IN_DAYS = 5


def seed_sections(data: DemoData) -> None:
    """Two sections of "Writing Readable Code": "Monday lab", with ``tom`` as its staff and
    Alice and Bob as its students, due five days from the first run on "Pick the clearest
    name" (the task's own date is none), and "Thursday lab", staffed by the instructor and
    empty. A due date still ahead is kept, so a second run changes nothing; one that has
    passed is moved ahead again, as the upcoming deadline is."""
    from learnplat.courses.models import Enrollment, Section

    course = data.courses[GRADING_SLUG]
    task = Task.objects.filter(course=course, title=SECTION_DATE_TASK_TITLE).first()
    now = timezone.now()
    sections_by_name = {s.name: s for s in Section.objects.filter(course=course)}
    monday = sections_by_name.get(MONDAY_SECTION)
    if monday is None:
        monday = sections.create_section(course=course, name=MONDAY_SECTION)
        data.log.append(f"Added the section {MONDAY_SECTION!r} to {course.slug!r}")
    staff = [data.users["tom"].pk]
    if sorted(monday.staff.values_list("pk", flat=True)) != staff:
        sections.update_section(section=monday, staff=staff)
    if task is not None:
        date = monday.dates.filter(task=task).first()
        if date is None or date.due_at is None or date.due_at <= now:
            due_at = now + timedelta(days=SECTION_DUE_IN_DAYS)
            sections.update_section(section=monday, dates=[{"task": task.pk, "due_at": due_at}])
            data.log.append(f"Set {MONDAY_SECTION!r}'s due date of {task.title!r}")
    if THURSDAY_SECTION not in sections_by_name:
        sections.create_section(
            course=course, name=THURSDAY_SECTION, staff=[data.users["instructor"].pk]
        )
        data.log.append(f"Added the section {THURSDAY_SECTION!r} to {course.slug!r}")
    for username in ("alice", "bob"):
        member = Enrollment.objects.get(course=course, user=data.users[username])
        if member.section_id is None:
            sections.assign_section(enrollment=member, section=monday)
            data.log.append(f"Put {username!r} in {MONDAY_SECTION!r}")


Part = Callable[[DemoData], None]

#: The parts, in order. Later parts may use what earlier ones put into ``DemoData``.
PARTS: list[Part] = [
    seed_users,
    seed_courses,
    seed_enrollments,
    seed_submissions,
    seed_upcoming_deadline,
    seed_grading_course,
    seed_group_work,
    seed_timed_and_budgets,
    seed_late_days,
    seed_sections,
]


def seed_demo(parts: Sequence[Part] | None = None) -> DemoData:
    """Run every part in one transaction: the demo data is all there or not at all."""
    data = DemoData()
    with transaction.atomic():
        for part in PARTS if parts is None else parts:
            part(data)
    return data
