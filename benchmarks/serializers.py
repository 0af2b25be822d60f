"""Do the lean read serializers earn their place? ``python -m benchmarks.serializers``.

Each hand-written fast path (a serializer that writes its fields itself when it is used
as it is) is timed in this process, without HTTP, against DRF's field-by-field way of the
same serializer: a subclass that adds nothing, as a host's own serializer named in
``LEARNPLAT["SERIALIZERS"]`` would be, so ``ModelSerializer`` / ``Serializer`` do the work.
Both sides serialize the same objects, read by the annotated queryset its endpoint uses
(a page of 20, the gradebook's 100 students x 30 tasks). Before timing, both answers are
rendered with learnplat's JSON renderer and must be the same bytes, with the same number
of queries; any difference is an error (exit status 1), never a slower figure.

Each of ``--rounds`` rounds times, one after the other, reading the page through its
queryset (the same code and queries for both sides), each side's ``.data`` and each
side's rendering, about ``--round-seconds`` each, alternating which side goes first.
Two speed-ups (DRF's time / the lean path's), each the median over the rounds:

- **serialize**: ``.data`` alone;
- **read**: what the endpoint does in process, read + ``.data`` + render, with the round's
  one read time on both sides (timing the read twice would only add the database's noise
  to a difference that is not there). A fast path is kept only where this is at least
  ``KEEP_SPEEDUP`` (docs/performance.md, "Do the lean serializers earn their place?").

Settings and environment: ``DATABASE_URL`` (``--database-url``: the base URL of
``benchmarks/run.py``, whose 1× database ``<name>_1x`` is used, seeded by
``benchmarks.seed`` when missing or stale), ``DJANGO_SETTINGS_MODULE`` (default
``benchmarks.settings``). Results go to ``--out`` (default benchmarks/results/) as
``serializers.json`` and ``serializers.md``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python benchmarks/serializers.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.seed import database_url_for
from benchmarks.server import DEFAULT_DATABASE_URL, ROOT, ensure_import_path

#: plain / lean time of the "read" figure a fast path must reach to stay (10 % faster).
KEEP_SPEEDUP = 1.10


class OutputMismatch(AssertionError):
    """The lean path and DRF's way answer different JSON (or run different queries)."""


@dataclass
class Case:
    """One fast path: ``lean`` is the serializer as learnplat ships it, ``plain`` a subclass
    that adds nothing (so it takes DRF's way), ``fetch`` reads the objects to serialize."""

    name: str
    title: str
    lean: type[Any]
    plain: type[Any]
    fetch: Callable[[], Any]
    user: Any
    many: bool = True

    def serialize(self, side: str, objects: Any) -> Any:
        serializer_class = self.lean if side == "lean" else self.plain
        return serializer_class(objects, many=self.many, context=self.context).data

    @cached_property
    def context(self) -> dict[str, Any]:
        # One request for every call, as a view has: building it is no serializer's cost.
        return {"request": _request(self.user)}

    def read(self, side: str) -> bytes:
        return render(self.serialize(side, self.fetch()))


def _request(user: Any) -> Any:
    from django.test import RequestFactory
    from rest_framework.request import Request

    request = Request(RequestFactory().get("/"))
    request.user = user
    return request


def render(data: Any) -> bytes:
    from learnplat.renderers import ORJSONRenderer

    return ORJSONRenderer().render(data)


def _first_difference(lean: bytes, plain: bytes) -> str:
    at = next((i for i, (a, b) in enumerate(zip(lean, plain, strict=False)) if a != b), None)
    if at is None:
        at = min(len(lean), len(plain))
    start = max(at - 60, 0)
    return (
        f"first difference at byte {at}:\n"
        f"  lean:  …{lean[start : at + 60].decode(errors='replace')}…\n"
        f"  plain: …{plain[start : at + 60].decode(errors='replace')}…"
    )


def _queries(action: Callable[[], Any]) -> tuple[Any, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = action()
    return result, len(ctx.captured_queries)


def check_identical(case: Case) -> dict[str, Any]:
    """Raise :class:`OutputMismatch` unless both sides render the same bytes with the same
    number of queries; returns what was compared."""
    answers = {}
    queries = {}
    # One read first, uncounted: the fetch caches per-user lookups (the courses the caller
    # is staff of) on the user object, and whichever side ran first would pay for them.
    case.read("plain")
    for side in ("lean", "plain"):
        answers[side], queries[side] = _queries(lambda side=side: case.read(side))
    if answers["lean"] != answers["plain"]:
        raise OutputMismatch(
            f"{case.name}: {case.lean.__name__} and DRF's way answer different JSON; "
            + _first_difference(answers["lean"], answers["plain"])
        )
    if queries["lean"] != queries["plain"]:
        raise OutputMismatch(
            f"{case.name}: {case.lean.__name__} runs {queries['lean']} queries, "
            f"DRF's way {queries['plain']}"
        )
    return {"bytes": len(answers["lean"]), "queries": queries["lean"]}


# -- timing ---------------------------------------------------------------------------------

SIDES = ("lean", "plain")
STEPS = ("serialize", "render")


@dataclass
class Timing:
    """Seconds per call of each step, one figure per round."""

    steps: dict[str, list[float]] = field(default_factory=dict)

    def add(self, step: str, seconds: float) -> None:
        self.steps.setdefault(step, []).append(seconds)

    def median_ms(self, step: str) -> float:
        return statistics.median(self.steps[step]) * 1000

    def read_ms(self, side: str, n: int) -> float:
        return (
            self.steps["fetch"][n]
            + self.steps[f"serialize_{side}"][n]
            + self.steps[f"render_{side}"][n]
        ) * 1000

    def speedups(self) -> dict[str, float]:
        rounds = range(len(self.steps["fetch"]))
        serialize = [
            self.steps["serialize_plain"][n] / self.steps["serialize_lean"][n] for n in rounds
        ]
        read = [self.read_ms("plain", n) / self.read_ms("lean", n) for n in rounds]
        return {"serialize": statistics.median(serialize), "read": statistics.median(read)}

    def as_dict(self) -> dict[str, Any]:
        rounds = range(len(self.steps["fetch"]))
        return {
            **{f"{step}_ms": round(self.median_ms(step), 4) for step in self.steps},
            **{
                f"read_{side}_ms": round(
                    statistics.median(self.read_ms(side, n) for n in rounds), 4
                )
                for side in SIDES
            },
            "speedup": {name: round(value, 3) for name, value in self.speedups().items()},
            "rounds_ms": {
                step: [round(s * 1000, 4) for s in values] for step, values in self.steps.items()
            },
        }


def _per_call(action: Callable[[], Any], calls: int) -> float:
    gc.collect()
    gc.disable()  # as timeit does: a collection lands on whichever side is running
    try:
        started = time.perf_counter()
        for _ in range(calls):
            action()
        return (time.perf_counter() - started) / calls
    finally:
        gc.enable()


def time_steps(steps: dict[str, Callable[[], Any]], *, rounds: int, round_seconds: float) -> Timing:
    """Each step as many calls as fill about ``round_seconds``, ``rounds`` times; the two
    sides take turns going first, so whatever else the machine does hits both alike."""
    calls = {
        name: max(1, round(round_seconds / max(_per_call(step, 1), 1e-6)))
        for name, step in steps.items()
    }
    timing = Timing()
    for n in range(rounds):
        first, second = SIDES if n % 2 == 0 else SIDES[::-1]
        order = ["fetch", *(f"{step}_{side}" for side in (first, second) for step in STEPS)]
        for name in order:
            timing.add(name, _per_call(steps[name], calls[name]))
    return timing


def measure(case: Case, *, rounds: int, round_seconds: float) -> dict[str, Any]:
    compared = check_identical(case)
    objects = case.fetch()
    data = {side: case.serialize(side, objects) for side in SIDES}
    steps: dict[str, Callable[[], Any]] = {"fetch": case.fetch}
    for side in SIDES:
        steps[f"serialize_{side}"] = lambda side=side: case.serialize(side, objects)
        steps[f"render_{side}"] = lambda side=side: render(data[side])
    timing = time_steps(steps, rounds=rounds, round_seconds=round_seconds)
    figures = timing.as_dict()
    return {
        "title": case.title,
        "serializer": f"{case.lean.__module__}.{case.lean.__qualname__}",
        "rows": len(objects) if case.many else 1,
        **compared,
        **figures,
        "keep": figures["speedup"]["read"] >= KEEP_SPEEDUP,
    }


# -- the fast paths -------------------------------------------------------------------------


def cases() -> list[Case]:
    """Every fast path, on the benchmark data of ``benchmarks.seed`` (the 1× database).

    ``TaskSerializer``'s was measured here too and removed (under 10 %); a new fast path
    gets a case here in the commit that adds it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    from learnplat.courses.models import Course
    from learnplat.courses.serializers import CourseSerializer
    from learnplat.progress.querysets import gradebook_students, published_tasks
    from learnplat.progress.reports import course_report, reports_of_students
    from learnplat.progress.serializers import CourseProgressSerializer, GradebookRowSerializer
    from learnplat.submissions.models import Submission
    from learnplat.submissions.serializers import SubmissionSerializer

    users = get_user_model()._default_manager
    student = users.get(username="student-0000000")
    instructor = users.get(username="bench-instructor")
    anonymous = AnonymousUser()
    # As the views find it: the caller's role is then cached for the request.
    course = Course.objects.visible_one(student, "bench-gradebook")
    assert course is not None, "the benchmark student must see the gradebook course"
    Course.objects.visible_one(instructor, "bench-gradebook")

    def plain(serializer: type[Any]) -> type[Any]:
        return type(f"Plain{serializer.__name__}", (serializer,), {"__module__": __name__})

    def catalog() -> list[Any]:
        return list(Course.objects.for_listing(anonymous).order_by("-created", "pk")[:20])

    def submissions() -> list[Any]:
        return list(
            Submission.objects.visible_to(student)
            .with_summaries()
            .order_by("-submitted_at", "-id")[:20]
        )

    def progress() -> Any:
        return course_report(course, student)

    def gradebook() -> list[Any]:
        columns = list(published_tasks(course))
        return reports_of_students(gradebook_students(course)[:100], course, columns)

    return [
        Case("catalog", "Course catalog, 20 courses (anonymous)", CourseSerializer,
             plain(CourseSerializer), catalog, anonymous),
        Case("submissions", "Submissions, 20 (student)", SubmissionSerializer,
             plain(SubmissionSerializer), submissions, student),
        Case("progress", "Course progress, 30 tasks (student)", CourseProgressSerializer,
             plain(CourseProgressSerializer), progress, student, many=False),
        Case("gradebook", "Gradebook page, 100 students x 30 tasks (instructor)",
             GradebookRowSerializer, plain(GradebookRowSerializer), gradebook, instructor),
    ]  # fmt: skip


# -- the report -----------------------------------------------------------------------------


def table(results: dict[str, Any]) -> list[str]:
    """The Markdown table of a run (``benchmarks/report.py`` puts it in results.md too)."""
    lines = (
        []
        if not results["config"].get("smoke")
        else [
            "**Smoke run**: a few very short rounds that check the harness and the identical "
            "answers; its figures decide nothing.",
            "",
        ]
    )
    lines += [
        f"{results['config']['rounds']} alternating rounds of ~{results['config']['round_seconds']}"
        f" s per side and figure, median; in process, {results['data']} data. Speed-up = DRF's "
        f"time / the lean path's; a path stays when its **read** speed-up is at least "
        f"{results['keep_speedup']:.2f}.",
        "",
        "| path | serializer | rows | queries | page read ms | .data ms (lean / DRF) | × "
        "| read + .data + render ms (lean / DRF) | × | keep |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |",
    ]
    for row in results["paths"].values():
        x = row["speedup"]
        lines.append(
            f"| {row['title']} | `{row['serializer'].rsplit('.', 1)[-1]}` | {row['rows']} "
            f"| {row['queries']} | {row['fetch_ms']:.2f} "
            f"| {row['serialize_lean_ms']:.2f} / {row['serialize_plain_ms']:.2f} "
            f"| {x['serialize']:.2f} | {row['read_lean_ms']:.2f} / {row['read_plain_ms']:.2f} "
            f"| {x['read']:.2f} | {'✅' if row['keep'] else '❌'} |"
        )
    for name in results.get("failed", []):
        lines.append(f"| {name} | **the two answers differ** | | | | | | | | |")
    return lines


def markdown(results: dict[str, Any]) -> str:
    header = ["# Lean serializers against DRF's way", "", f"Run {results['started']}.", ""]
    return "\n".join([*header, *table(results)]) + "\n"


def write(results: dict[str, Any], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / "serializers.json"
    md_path = directory / "serializers.md"
    json_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    md_path.write_text(markdown(results))
    return [json_path, md_path]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        help="the base URL of benchmarks/run.py; its 1x database is used",
    )
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--round-seconds", type=float, default=0.1)
    parser.add_argument("--only", default="", help="path names, comma-separated")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--smoke", action="store_true", help="seconds-long CI check")
    options = parser.parse_args(argv)
    if options.smoke:
        options.rounds, options.round_seconds = 3, 0.02
    options.only = {s for s in options.only.split(",") if s}
    return options


def setup(database_url: str, *, reseed: bool) -> None:
    """Point this process at the seeded 1× database and set Django up."""
    ensure_import_path()
    os.environ["DATABASE_URL"] = database_url_for(database_url, 1)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    # As benchmarks/run.py seeds it: migrate then leaves django-tasks-db's tables alone.
    os.environ.setdefault("TASKS_BACKEND", "db")
    from benchmarks.seed import ensure_seeded

    ensure_seeded(1, reseed=reseed, log=lambda m: print(m, file=sys.stderr))


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    setup(options.database_url, reseed=options.reseed)
    results: dict[str, Any] = {
        "started": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "config": {
            "rounds": options.rounds,
            "round_seconds": options.round_seconds,
            "smoke": options.smoke,
        },
        "data": "1×",
        "keep_speedup": KEEP_SPEEDUP,
        "paths": {},
    }
    clock = time.monotonic()
    failed = []
    for case in cases():
        if options.only and case.name not in options.only:
            continue
        try:
            row = measure(case, rounds=options.rounds, round_seconds=options.round_seconds)
        except OutputMismatch as exc:
            print(f"PROBLEM: {exc}", flush=True)
            failed.append(case.name)
            continue
        results["paths"][case.name] = row
        x = row["speedup"]
        print(
            f"  {case.name:<12} .data {row['serialize_lean_ms']:7.3f} / "
            f"{row['serialize_plain_ms']:7.3f} ms x{x['serialize']:5.2f}   read+.data+render "
            f"{row['read_lean_ms']:7.3f} / {row['read_plain_ms']:7.3f} ms x{x['read']:5.2f}   "
            f"{'keep' if row['keep'] else 'REMOVE'}",
            flush=True,
        )
    results["seconds"] = round(time.monotonic() - clock, 1)
    results["failed"] = failed
    for path in write(results, options.out):
        print(f"wrote {path}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
