"""Evaluators that misbehave on purpose, for the pipeline's fault tests.

The worker test settings (tests/projects/workers/settings.py) register them too, so a
worker subprocess runs the same code. Markers are files, so the test process can steer a
worker in another process.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from learnplat.evaluation.base import EvaluationResult
from learnplat.evaluation.builtin import ExactEvaluator

#: Set by tests to release every HangingEvaluator still blocked (keeps threads from piling up).
release_hangs = threading.Event()

#: Calls of CountingEvaluator.evaluate in this process.
calls: list[Any] = []


class RaisingEvaluator(ExactEvaluator):
    """Always raises: an evaluator with a bug."""

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        raise RuntimeError("evaluator exploded")


class HangingEvaluator(ExactEvaluator):
    """Never returns (until the test releases it): an evaluator stuck in a loop."""

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        release_hangs.wait(60)
        return super().evaluate(answer, config, max_score=max_score)


class CountingEvaluator(ExactEvaluator):
    """The exact evaluator, recording each call."""

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        calls.append(answer)
        return super().evaluate(answer, config, max_score=max_score)


class JunkEvaluator(ExactEvaluator):
    """Returns a score above max_score."""

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        return EvaluationResult(score=max_score * 2, max_score=max_score)


class SlowEvaluator(ExactEvaluator):
    """Exact, but first announces itself and waits while a hold file exists.

    ``config["marker_dir"]``: a ``started-<answer>`` file is written when a run starts; while
    ``hold`` exists there the run waits (up to 30 s), so a test can kill the worker mid-run.
    """

    def validate_config(self, config: Any) -> dict[str, Any]:
        return dict(config)

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        marker_dir = Path(config["marker_dir"])
        (marker_dir / f"started-{answer}-{time.monotonic_ns()}").touch()
        deadline = time.monotonic() + 30
        while (marker_dir / "hold").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return super().evaluate(answer, config, max_score=max_score)


class FlakyEvaluator(ExactEvaluator):
    """Fails the first run of each answer (marker files in ``config["marker_dir"]``), then works."""

    def validate_config(self, config: Any) -> dict[str, Any]:
        return dict(config)

    def evaluate(
        self, answer: Any, config: dict[str, Any], *, max_score: float
    ) -> EvaluationResult:
        marker = Path(config["marker_dir"]) / f"failed-once-{answer}"
        if not marker.exists():
            marker.touch()
            raise ConnectionError("a transient failure")
        return super().evaluate(answer, config, max_score=max_score)
