"""Evaluators: pure, deterministic functions of (answer, config) → result.

The registry maps a task ``kind`` to an evaluator class through ``LEARNPLAT["EVALUATORS"]``;
see docs/evaluators.md for writing your own.
"""
