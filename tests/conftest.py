"""Shared test configuration (the repository-wide hooks are in ../conftest.py)."""
import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parent.parent

# Test data, not tests: nbval would run the fixture key notebook and --doctest-modules would
# import its builder. The grading tests grade that key for real (tests/test_grading_chapters.py).
collect_ignore_glob = ["fixtures/*"]
