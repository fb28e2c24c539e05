"""Build student submissions from a key for the grading tests (plain JSON, like a saved notebook)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from mvcalc_helpers.grading.authoring import make_submission

REPO = Path(__file__).resolve().parent.parent
FIXTURE_KEY = REPO / "tests" / "fixtures" / "grading" / "solutions" / "00_fixture" / "00_fixture.ipynb"


def _gid(cell):
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")


def submission(key_path=FIXTURE_KEY, answers=None, default="right") -> dict:
    """The exercise notebook with answer cells filled in (see authoring.make_submission)."""
    return make_submission(key_path, answers, default)


def cell_index(nb: dict, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb["cells"]) if _gid(c) == grade_id)


def write(nb_or_text, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = nb_or_text if isinstance(nb_or_text, (str, bytes)) else json.dumps(nb_or_text, indent=1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
