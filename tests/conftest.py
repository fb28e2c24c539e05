"""Shared test configuration (the repository-wide hooks are in ../conftest.py)."""
import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parent.parent
