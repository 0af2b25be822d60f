"""A host's data about learnplat's courses, kept in the host's own table: learnplat's models
are not swappable, so a host extends them with a one-to-one row of its own."""

from django.db import models


class CourseDepartment(models.Model):
    course = models.OneToOneField(
        "learnplat_courses.Course", on_delete=models.CASCADE, related_name="department"
    )
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name
