"""Benchmarks of learnplat against plain-Django baselines (``python benchmarks/run.py``).

docs/performance.md explains what is measured and how to run it.
"""
