"""Django admin for courses, tasks, enrollments and extensions.

Every save and delete goes through the same flow as the API (inside the admin's
transaction), so the flows alone decide when progress and lateness follow a change:

- courses: ``authoring.create_course`` (the admin who adds a course becomes its instructor,
  as every course keeps one), ``update_course`` (grading scheme and letter grades too), and
  the "Publish" and "Archive" actions (``authoring.publish`` / ``archive``); the slug and
  status are read-only on the form;
- assignment groups, inline on their course: ``grading_config.create_group``,
  ``update_group``, ``delete_group``; a task's form offers only its course's groups;
- tasks, on their page and inline: ``authoring.create_task``, ``update_task``,
  ``delete_task(s)``; a task stays in its course, as in the API;
- enrollments, on their page and inline: ``enrollment.add_enrollment`` (a new member, a
  role change, a dropped member back) and the "Drop" action (``enrollment.drop``); rows are
  never deleted, as in the API;
- extensions: ``deadlines.grant_extension`` and ``revoke_extension``;
- group sets (``group_formation.create_group_set``, ``update_group_set``,
  ``delete_group_set``) and student groups, whose members are edited on the group's form
  (``create_group`` / ``update_group`` as staff: refused once the group has submitted);
- rubrics, with their criteria inline (and a criterion's levels on its page): editable
  while no submission was graded with them, read-only after (an edit through the API then
  makes a new version); deletes through ``rubrics.delete_rubric``.

Task forms check the API's rules before saving (``courses.validation.clean_task`` and
``authoring.check_prerequisites``), so the admin cannot store what the API would refuse; a
flow's refusal the form could not foresee is shown as a message (:mod:`learnplat.flowadmin`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from learnplat.courses.choices import CourseRole, EnrollmentStatus, ReleaseMode
from learnplat.courses.models import (
    TASK_AUTHORED_FIELDS,
    Accommodation,
    AssignmentGroup,
    Course,
    Enrollment,
    Extension,
    GroupSet,
    Rubric,
    RubricCriterion,
    RubricLevel,
    StudentGroup,
    Task,
)
from learnplat.courses.validation import check_group_fields, clean_letter_grades, clean_task
from learnplat.exceptions import InvalidInput
from learnplat.flowadmin import FlowAdminMixin
from learnplat.flows import accommodations as accommodations_flow
from learnplat.flows import authoring as authoring_flow
from learnplat.flows import deadlines as deadlines_flow
from learnplat.flows import enrollment as enrollment_flow
from learnplat.flows import grading_config as grading_config_flow
from learnplat.flows import group_formation as group_formation_flow
from learnplat.flows import release as release_flow
from learnplat.flows import rubrics as rubrics_flow


def _user_search_field(prefix: str = "user__") -> str:
    return f"{prefix}{get_user_model().USERNAME_FIELD}"


def _messages(errors: Any) -> list[str]:
    if isinstance(errors, dict):
        return [f"{key}: {msg}" for key, value in errors.items() for msg in _messages(value)]
    if isinstance(errors, list | tuple):
        return [msg for item in errors for msg in _messages(item)]
    return [str(errors)]


def _add_errors(form: forms.BaseForm, exc: InvalidInput) -> None:
    for field, value in exc.errors.items():
        form.add_error(field if field in form.fields else None, _messages(value))


def _adopt(obj: Model, saved: Model) -> None:
    """Give the admin's ``obj`` the state of the row a flow saved (its pk, normalised
    values), for the admin's messages, log entry and redirect."""
    for field in type(saved)._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


def _changed(form: forms.ModelForm, names: frozenset[str]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in names}


_VALIDATED_FIELDS = (
    "description",
    "kind",
    "config",
    "late_policy",
    "max_score",
    "weight",
    "opens_at",
    "due_at",
    "closes_at",
)


class TaskAdminForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ("course", *TASK_AUTHORED_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A task counts only in a group of its own course (a new task on the task page
        # picks its course in the same form: clean() checks the pair).
        course_id = self.instance.course_id if self.instance.course_id else None
        if "group" in self.fields and course_id is not None:
            group_field: Any = self.fields["group"]
            group_field.queryset = AssignmentGroup.objects.filter(course_id=course_id)
        if "rubric" in self.fields:
            # Only a current rubric of the task's course (the flow checks it too).
            rubric_field: Any = self.fields["rubric"]
            current = Rubric.objects.filter(is_current=True)
            rubric_field.queryset = (
                current.filter(course_id=course_id) if course_id is not None else current
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        course_for_group = cleaned.get("course") or getattr(self.instance, "course", None)
        if cleaned.get("group") is not None and course_for_group is not None:
            try:
                authoring_flow.course_group(course_for_group, cleaned["group"])
            except InvalidInput as exc:
                _add_errors(self, exc)
        fields = {name: cleaned[name] for name in _VALIDATED_FIELDS if name in cleaned}
        current = self.instance if self.instance.pk else None
        try:
            normalised = clean_task(fields, current=current)
        except InvalidInput as exc:
            _add_errors(self, exc)
            return cleaned
        cleaned.update({k: normalised[k] for k in ("config", "late_policy") if k in normalised})
        course = cleaned.get("course") or (self.instance.course if current else None)
        if "prerequisites" in self.fields and course is not None:
            try:
                authoring_flow.check_prerequisites(
                    course=course, task=current, prerequisites=cleaned.get("prerequisites") or ()
                )
            except InvalidInput as exc:
                _add_errors(self, exc)
        return cleaned


def _save_task(form: forms.ModelForm, *, course: Course, by: Any = None) -> Task:
    """Create or update the task of ``form`` through the authoring flow (``by``: who, for
    the grade history a date or late-policy change writes)."""
    fields = {
        name: form.cleaned_data[name]
        for name in authoring_flow.TASK_FIELDS
        if name in form.fields or name in ("config", "late_policy")
        if name in form.cleaned_data
    }
    prerequisites = form.cleaned_data.get("prerequisites")
    if form.instance.pk is None:
        return authoring_flow.create_task(
            course=course, prerequisites=list(prerequisites or ()), by=by, **fields
        )
    changed = _changed(form, authoring_flow.TASK_FIELDS)
    if "kind" in changed or "config" in changed:
        changed["config"] = fields["config"]  # normalised by the form's clean()
    if "late_policy" in changed:
        changed["late_policy"] = fields["late_policy"]
    # A fresh row: the form has already written its values onto form.instance.
    task = Task.objects.select_related("course").get(pk=form.instance.pk)
    if prerequisites is not None and "prerequisites" in form.changed_data:
        return authoring_flow.update_task(
            task=task, prerequisites=list(prerequisites), by=by, **changed
        )
    return authoring_flow.update_task(task=task, by=by, **changed)


class TaskInline(admin.TabularInline):
    model = Task
    form = TaskAdminForm
    fields = ("position", "title", "kind", "max_score", "group", "is_published")
    extra = 0
    show_change_link = True
    ordering = ("position", "id")


_GROUP_FIELDS = ("name", "weight", "drop_lowest", "position")


class AssignmentGroupAdminForm(forms.ModelForm):
    """Checks a group's own fields by the API's rule; the flows check the name and the
    weight total against the course's other groups."""

    class Meta:
        model = AssignmentGroup
        fields = _GROUP_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Empty: after the course's last group, as in the API.
        self.fields["position"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = {
            name: cleaned[name] for name in ("name", "weight", "drop_lowest") if name in cleaned
        }
        try:
            cleaned.update(check_group_fields(**given))
        except InvalidInput as exc:
            _add_errors(self, exc)
        return cleaned

    def validate_unique(self) -> None:
        # Under the course lock, by the flow: two saves cannot both pass a check made here.
        return


class AssignmentGroupInline(admin.TabularInline):
    model = AssignmentGroup
    form = AssignmentGroupAdminForm
    fields = _GROUP_FIELDS
    extra = 0
    ordering = ("position", "id")


def _save_group_inline(formset: BaseInlineFormSet, course: Course, by: Any) -> None:
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.initial_forms:
        if _deleted(formset, form):
            grading_config_flow.delete_group(group=form.instance, by=by)
            formset.deleted_objects.append(form.instance)
        elif form.has_changed():
            group = AssignmentGroup.objects.select_related("course").get(pk=form.instance.pk)
            changed = _changed(form, frozenset(_GROUP_FIELDS))
            _adopt(form.instance, grading_config_flow.update_group(group=group, by=by, **changed))
            formset.changed_objects.append((form.instance, form.changed_data))
    for form in formset.extra_forms:
        if form.has_changed() and not _deleted(formset, form):
            values = {name: form.cleaned_data[name] for name in _GROUP_FIELDS}
            if values["position"] is None:
                del values["position"]
            _adopt(form.instance, grading_config_flow.create_group(course=course, by=by, **values))
            formset.new_objects.append(form.instance)


class CourseAdminForm(forms.ModelForm):
    class Meta:
        model = Course
        # The fields the authoring flows take, in the model's order.
        fields = tuple(
            f.name for f in Course._meta.fields if f.name in authoring_flow.COURSE_FIELDS
        )

    def clean_letter_grades(self) -> Any:
        try:
            return clean_letter_grades(self.cleaned_data.get("letter_grades"))
        except InvalidInput as exc:
            raise forms.ValidationError(_messages(exc.errors["letter_grades"])) from None


class EnrollmentAdminForm(forms.ModelForm):
    """An enrollment's role is what changes; it stays with its user and course."""

    class Meta:
        model = Enrollment
        fields = ("user", "course", "role")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is not None:
            for name in ("user", "course"):
                if name in self.fields and cleaned.get(name) != getattr(self.instance, name):
                    self.add_error(name, _("An enrollment stays with its user and course."))
        return cleaned


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    form = EnrollmentAdminForm
    fields = ("user", "role", "status")
    readonly_fields = ("status",)
    raw_id_fields = ("user",)
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrollment]:
        return super().get_queryset(request).select_related("user")


def _deleted(formset: Any, form: forms.BaseForm) -> bool:
    return bool(formset.can_delete and formset._should_delete_form(form))


def _save_task_inline(formset: BaseInlineFormSet, course: Course, by: Any) -> None:
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.initial_forms:
        if _deleted(formset, form):
            authoring_flow.delete_task(task=form.instance)
            formset.deleted_objects.append(form.instance)
        elif form.has_changed():
            _adopt(form.instance, _save_task(form, course=course, by=by))
            formset.changed_objects.append((form.instance, form.changed_data))
    for form in formset.extra_forms:
        if form.has_changed() and not _deleted(formset, form):
            _adopt(form.instance, _save_task(form, course=course, by=by))
            formset.new_objects.append(form.instance)


def _save_enrollment(form: forms.ModelForm, *, course: Course) -> Enrollment:
    return enrollment_flow.add_enrollment(
        course=course, user=form.cleaned_data["user"], role=form.cleaned_data["role"]
    )


def _save_enrollment_inline(formset: BaseInlineFormSet, course: Course) -> None:
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.initial_forms:
        if form.has_changed():
            _adopt(form.instance, _save_enrollment(form, course=course))
            formset.changed_objects.append((form.instance, form.changed_data))
    for form in formset.extra_forms:
        if form.has_changed():
            _adopt(form.instance, _save_enrollment(form, course=course))
            formset.new_objects.append(form.instance)


@admin.register(Course)
class CourseAdmin(FlowAdminMixin, admin.ModelAdmin):
    form = CourseAdminForm
    list_display = ("title", "slug", "status", "grading_scheme", "enrollment_open", "created")
    list_filter = ("status", "enrollment_open", "grading_policy", "grading_scheme")
    search_fields = ("title", "slug", "description")
    readonly_fields = ("status", "published_at", "created", "modified")
    date_hierarchy = "created"
    inlines = (TaskInline, EnrollmentInline, AssignmentGroupInline)
    actions = ["publish", "archive"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The slug never changes (API.md); it is chosen when the course is added.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "slug") if obj is not None else readonly

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        return {} if obj is not None else {"slug": ("title",)}

    def save_model(self, request: HttpRequest, obj: Course, form: Any, change: bool) -> None:
        fields = authoring_flow.COURSE_FIELDS
        if change:
            course = Course.objects.get(pk=obj.pk)
            changed = _changed(form, fields)
            saved = authoring_flow.update_course(course=course, by=request.user, **changed)
        else:
            values = {name: form.cleaned_data[name] for name in fields if name in form.fields}
            saved = authoring_flow.create_course(creator=request.user, **values)
        _adopt(obj, saved)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The course has no many-to-many fields of its own: only the inlines.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is AssignmentGroup:
            _save_group_inline(formset, form.instance, request.user)
        elif formset.model is Task:
            _save_task_inline(formset, form.instance, request.user)
        elif formset.model is Enrollment:
            _save_enrollment_inline(formset, form.instance)
        else:
            super().save_formset(request, form, formset, change)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Enrollments and progress rows are never deleted one by one (their admins refuse:
        # members are dropped, read models rebuilt), but they go with their course, as with
        # DELETE courses/{slug}/: the right to delete the course is the one that counts.
        if self.has_delete_permission(request):
            perms_needed = set()
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request: HttpRequest, obj: Course) -> None:
        authoring_flow.delete_course(course=obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        for course in queryset:
            authoring_flow.delete_course(course=course)

    @admin.action(description=_("Publish the selected courses"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        with transaction.atomic():
            for course in queryset:
                authoring_flow.publish(course=course)
        self.message_user(request, _("Published."), messages.SUCCESS)

    @admin.action(description=_("Archive the selected courses"))
    def archive(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        with transaction.atomic():
            for course in queryset:
                authoring_flow.archive(course=course)
        self.message_user(request, _("Archived."), messages.SUCCESS)


@admin.register(Task)
class TaskAdmin(FlowAdminMixin, admin.ModelAdmin):
    form = TaskAdminForm
    list_display = (
        "title",
        "course",
        "kind",
        "position",
        "max_score",
        "is_published",
        "due_at",
        "release",
        "released_at",
    )
    list_filter = ("is_published", "kind", "release", "course__status")
    list_select_related = ("course",)
    readonly_fields = ("released_at",)
    actions = ["release_scores"]
    search_fields = ("title", "description", "course__title", "course__slug")
    raw_id_fields = ("course",)
    filter_horizontal = ("prerequisites",)
    ordering = ("course", "position", "id")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A task stays in its course (as in the API): its submissions and extensions do.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "course") if obj is not None else readonly

    def save_model(self, request: HttpRequest, obj: Task, form: Any, change: bool) -> None:
        course = obj.course if change else form.cleaned_data["course"]
        _adopt(obj, _save_task(form, course=course, by=request.user))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The flow has set the prerequisites, the task's only many-to-many field.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Task) -> None:
        authoring_flow.delete_task(task=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        authoring_flow.delete_tasks(tasks=queryset)

    @admin.action(description=_("Release the scores of the selected tasks"))
    def release_scores(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        # Tasks already released are left alone (the API's 409 already_released).
        pending = queryset.exclude(release=ReleaseMode.IMMEDIATE).filter(released_at__isnull=True)
        with transaction.atomic():
            released = 0
            for task in pending:
                release_flow.release_task(task=task, by=request.user)
                released += 1
        self.message_user(request, _("%d released.") % released, messages.SUCCESS)


@admin.register(Enrollment)
class EnrollmentAdmin(FlowAdminMixin, admin.ModelAdmin):
    form = EnrollmentAdminForm
    list_display = ("user", "course", "role", "status", "created")
    list_filter = ("role", "status", "course__status")
    list_select_related = ("user", "course")
    raw_id_fields = ("user", "course")
    readonly_fields = ("status",)
    actions = ["drop"]

    def get_search_fields(self, request: HttpRequest) -> tuple[str, ...]:
        # The username field differs between user models; read it when the admin asks.
        return (_user_search_field(), "course__title", "course__slug")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "user", "course") if obj is not None else readonly

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Members are dropped, never deleted: their history stays (as in the API).
        return False

    def save_model(self, request: HttpRequest, obj: Enrollment, form: Any, change: bool) -> None:
        course = obj.course if change else form.cleaned_data["course"]
        user = obj.user if change else form.cleaned_data["user"]
        role = form.cleaned_data.get("role", CourseRole.STUDENT)
        _adopt(obj, enrollment_flow.add_enrollment(course=course, user=user, role=role))

    @admin.action(description=_("Drop the selected enrollments"))
    def drop(self, request: HttpRequest, queryset: QuerySet[Enrollment]) -> None:
        with transaction.atomic():
            dropped = 0
            for enrollment in queryset.filter(status=EnrollmentStatus.ACTIVE):
                enrollment_flow.drop(enrollment=enrollment)
                dropped += 1
        self.message_user(request, _("%d dropped.") % dropped, messages.SUCCESS)


@admin.register(Extension)
class ExtensionAdmin(FlowAdminMixin, admin.ModelAdmin):
    list_display = ("user", "course", "task", "due_at", "granted_by", "created")
    list_filter = ("course__status",)
    list_select_related = ("user", "course", "task", "granted_by")
    raw_id_fields = ("user", "course", "task", "granted_by")

    def get_search_fields(self, request: HttpRequest) -> tuple[str, ...]:
        return (_user_search_field(), "course__title", "task__title", "reason")

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Extension, form: Any, change: bool) -> None:
        data = form.cleaned_data
        key = ("user", "course", "task")
        if change:
            before = Extension.objects.select_related(*key).get(pk=obj.pk)
            if any(getattr(before, f"{name}_id") != getattr(obj, f"{name}_id") for name in key):
                # Moved to another student or task: the one it covered is revoked.
                deadlines_flow.revoke_extension(extension=before, by=request.user)
        granted = deadlines_flow.grant_extension(
            granted_by=data.get("granted_by") or request.user,
            course=data["course"],
            user=data["user"],
            task=data.get("task"),
            due_at=data["due_at"],
            reason=data.get("reason") or "",
        )
        _adopt(obj, granted)

    def delete_model(self, request: HttpRequest, obj: Extension) -> None:
        deadlines_flow.revoke_extension(extension=obj, by=request.user)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Extension]) -> None:
        for extension in queryset.select_related("user", "course", "task"):
            deadlines_flow.revoke_extension(extension=extension, by=request.user)


@admin.register(Accommodation)
class AccommodationAdmin(FlowAdminMixin, admin.ModelAdmin):
    """Accommodations, saved through ``flows.accommodations`` (one per student, an enrolled
    student of the course)."""

    list_display = ("user", "course", "time_multiplier", "extra_late_days", "bonus_submissions")
    list_select_related = ("user", "course")
    raw_id_fields = ("user", "course")

    def get_search_fields(self, request: HttpRequest) -> tuple[str, ...]:
        return (_user_search_field(), "course__title", "note")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The flow keeps an accommodation's student and course.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "user", "course") if obj is not None else readonly

    def save_model(self, request: HttpRequest, obj: Accommodation, form: Any, change: bool) -> None:
        data = form.cleaned_data
        fields = {
            name: data[name]
            for name in ("time_multiplier", "extra_late_days", "bonus_submissions", "note")
            if name in data
        }
        if change:
            saved = accommodations_flow.update_accommodation(accommodation=obj, **fields)
        else:
            saved = accommodations_flow.create_accommodation(
                course=data["course"], user=data["user"], **fields
            )
        _adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: Accommodation) -> None:
        accommodations_flow.delete_accommodation(accommodation=obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Accommodation]) -> None:
        for accommodation in queryset:
            accommodations_flow.delete_accommodation(accommodation=accommodation)


# -- rubrics -------------------------------------------------------------------------------------


def _rubric_in_use(rubric: Rubric | None) -> bool:
    return rubric is not None and rubric.pk is not None and rubrics_flow.in_use(rubric)


class RubricLevelInline(admin.TabularInline):
    model = RubricLevel
    fields = ("position", "title", "points", "description")
    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _rubric_in_use(getattr(obj, "rubric", None)) and super().has_change_permission(
            request, obj
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _rubric_in_use(getattr(obj, "rubric", None)) and super().has_add_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _rubric_in_use(getattr(obj, "rubric", None)) and super().has_delete_permission(
            request, obj
        )


class RubricCriterionInline(admin.TabularInline):
    model = RubricCriterion
    fields = ("position", "title", "description", "levels_summary")
    readonly_fields = ("levels_summary",)
    show_change_link = True
    extra = 0

    @admin.display(description=_("levels"))
    def levels_summary(self, criterion: RubricCriterion) -> str:
        if criterion.pk is None:
            return ""
        return ", ".join(str(level) for level in criterion.levels.all())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _rubric_in_use(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _rubric_in_use(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _rubric_in_use(obj) and super().has_delete_permission(request, obj)


@admin.register(Rubric)
class RubricAdmin(FlowAdminMixin, admin.ModelAdmin):
    """Rubrics with their criteria inline (a criterion's page has its levels). A rubric
    used to grade is read-only here: an edit through the API makes a new version, and its
    graded rows must not change (decision 0020). Deletes go through
    ``rubrics.delete_rubric`` (refused while a task uses the rubric or it graded)."""

    list_display = ("title", "course", "version", "is_current")
    list_filter = ("is_current",)
    list_select_related = ("course",)
    search_fields = ("title", "course__title", "course__slug")
    raw_id_fields = ("course",)
    readonly_fields = ("version", "supersedes", "is_current")
    inlines = [RubricCriterionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "course") if obj is not None else readonly

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _rubric_in_use(obj) and super().has_change_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: Rubric) -> None:
        rubrics_flow.delete_rubric(rubric=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Rubric]) -> None:
        for rubric in queryset:
            rubrics_flow.delete_rubric(rubric=rubric)


@admin.register(RubricCriterion)
class RubricCriterionAdmin(admin.ModelAdmin):
    """A criterion with its levels inline; read-only once its rubric was used to grade."""

    list_display = ("title", "rubric", "position")
    list_select_related = ("rubric",)
    search_fields = ("title", "rubric__title")
    raw_id_fields = ("rubric",)
    inlines = [RubricLevelInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        rubric = getattr(obj, "rubric", None)
        return not _rubric_in_use(rubric) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        rubric = getattr(obj, "rubric", None)
        return not _rubric_in_use(rubric) and super().has_delete_permission(request, obj)


# -- groups -------------------------------------------------------------------------------


@admin.register(GroupSet)
class GroupSetAdmin(FlowAdminMixin, admin.ModelAdmin):
    """Group sets, saved through ``flows.group_formation``."""

    list_display = ("name", "course", "min_size", "max_size", "self_signup")
    list_select_related = ("course",)
    list_filter = ("self_signup",)
    search_fields = ("name", "course__title", "course__slug")
    raw_id_fields = ("course",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "course") if obj is not None else readonly

    def save_model(self, request: HttpRequest, obj: GroupSet, form: Any, change: bool) -> None:
        data = form.cleaned_data
        fields = {
            name: data[name]
            for name in ("name", "min_size", "max_size", "self_signup")
            if name in data
        }
        if change:
            saved = group_formation_flow.update_group_set(group_set=obj, **fields)
        else:
            saved = group_formation_flow.create_group_set(course=data["course"], **fields)
        _adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: GroupSet) -> None:
        group_formation_flow.delete_group_set(group_set=obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[GroupSet]) -> None:
        for group_set in queryset:
            group_formation_flow.delete_group_set(group_set=group_set)


class StudentGroupAdminForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        queryset=get_user_model()._default_manager.none(),
        required=False,
        help_text=_("Enrolled students of the course; frozen once the group has submitted."),
    )

    class Meta:
        model = StudentGroup
        fields = ("group_set", "name")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = get_user_model()._default_manager.all()
        group_set_id = getattr(self.instance, "group_set_id", None)
        if group_set_id is not None:
            course_id = GroupSet.objects.values_list("course_id", flat=True).get(pk=group_set_id)
            users = users.filter(
                pk__in=Enrollment.objects.students().filter(course_id=course_id).values("user_id")
            )
            self.fields["members"].initial = list(
                self.instance.memberships.values_list("user_id", flat=True)
            )
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = users


@admin.register(StudentGroup)
class StudentGroupAdmin(FlowAdminMixin, admin.ModelAdmin):
    """Student groups, saved through ``flows.group_formation`` as course staff would."""

    form = StudentGroupAdminForm
    list_display = ("name", "group_set", "member_count", "locked_at")
    list_select_related = ("group_set", "group_set__course")
    search_fields = ("name", "group_set__name", "group_set__course__title")
    raw_id_fields = ("group_set",)
    readonly_fields = ("locked_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[StudentGroup]:
        return super().get_queryset(request).annotate(members_count=Count("memberships"))

    @admin.display(description=_("members"), ordering="members_count")
    def member_count(self, group: StudentGroup) -> int:
        return int(getattr(group, "members_count", 0))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "group_set") if obj is not None else readonly

    def save_model(self, request: HttpRequest, obj: StudentGroup, form: Any, change: bool) -> None:
        data = form.cleaned_data
        members = [user.pk for user in data.get("members") or []]
        if change:
            saved = group_formation_flow.update_group(group=obj, name=data["name"], members=members)
        else:
            saved = group_formation_flow.create_group(
                group_set=data["group_set"],
                by=request.user,
                as_staff=True,
                name=data["name"],
                members=members,
            )
        _adopt(obj, saved)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The flow wrote the members; the form has no relation of its own to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: StudentGroup) -> None:
        group_formation_flow.delete_group(group=obj)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[StudentGroup]) -> None:
        for group in queryset:
            group_formation_flow.delete_group(group=group)
