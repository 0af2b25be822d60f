from django.apps import AppConfig


class DepartmentsConfig(AppConfig):
    """A host's own app next to learnplat: the department of each course (docs/adapter.md)."""

    name = "tests.projects.departments"
    label = "departments"
    default_auto_field = "django.db.models.BigAutoField"
