"""Query helpers shared by learnplat's apps.

:class:`AttachingQuerySet` runs per-page reads once a queryset's rows are fetched, e.g.
``Course.objects.with_instructors()`` gives each course of a page its instructors with
one ``.values()`` query for the whole page. It is what ``prefetch_related`` does, without
building model objects for the related rows and without correlated subqueries to compile
on every request, which is most of what a list endpoint spends beyond its own rows.

:func:`annotation` reads such a value back in a serializer, and raises
:class:`MissingAnnotation` (naming the queryset method that provides it) for an object
read without it, instead of quietly running a query per object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)

#: Reads the rows a page needs and sets them on its objects.
Attachment = Callable[[list[Any]], None]


class MissingAnnotation(RuntimeError):
    """An object reached a serializer without a value that its queryset method annotates
    or attaches: a programming error in the code that read it (a 500, never a 4xx)."""


def annotation(obj: Any, name: str, provider: str) -> Any:
    """``obj.<name>``, set by an annotation or an attachment; :class:`MissingAnnotation`
    naming ``provider`` (the queryset method that sets it) when ``obj`` was read without.

    It reads the instance's own attributes only: a model field or property of the same
    name cannot stand in for it."""
    try:
        return obj.__dict__[name]
    except KeyError:
        raise MissingAnnotation(
            f"{type(obj).__name__} {getattr(obj, 'pk', None)!r} has no {name!r}: read it "
            f"through {provider}, which sets it (learnplat does not run a query per object "
            "to make up for it)."
        ) from None


class AttachingQuerySet(models.QuerySet[M]):
    """A QuerySet whose :meth:`attach`-ed functions run once on its fetched model objects.

    They run when the queryset is evaluated (``list()``, iteration, slicing a page), on
    model instances only (not ``.values()`` rows), and not for ``.iterator()``.
    """

    _attachments: dict[str, Attachment] = {}

    def attach(self, name: str, attachment: Attachment) -> AttachingQuerySet[M]:
        """A clone that calls ``attachment(objects)`` after fetching; ``name`` keeps one
        attachment per kind however often it is asked for."""
        clone = self._chain()  # type: ignore[attr-defined]
        clone._attachments = {**self._attachments, name: attachment}
        return clone

    def _clone(self) -> Any:
        clone = super()._clone()  # type: ignore[misc]
        clone._attachments = self._attachments
        return clone

    def _fetch_all(self) -> None:
        fetch = self._result_cache is None
        super()._fetch_all()
        if fetch and self._attachments and self._result_cache:
            objects = [obj for obj in self._result_cache if isinstance(obj, self.model)]
            if objects:
                for attachment in self._attachments.values():
                    attachment(objects)
