"""Build student submissions from a key for the grading tests (plain JSON, like a saved notebook)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from mvcalc_helpers.grading.generate import exercise_text
from mvcalc_helpers.grading.key import load_key, solution_variants

REPO = Path(__file__).resolve().parent.parent
FIXTURE_KEY = REPO / "tests" / "fixtures" / "grading" / "solutions" / "00_fixture" / "00_fixture.ipynb"


def _src(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _gid(cell):
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")


def submission(key_path=FIXTURE_KEY, answers=None, default="right") -> dict:
    """The exercise notebook with answer cells filled in.

    ``answers`` maps a question id (``"q1"``) to ``"right"``, ``"blank"``, ``"wrong"`` /
    ``"wrong:K"`` (the K-th ``# WRONG:`` line, 1-based) or literal code; others get ``default``.
    """
    key_path = Path(key_path)
    key = load_key(key_path)
    key_nb = json.loads(key_path.read_text(encoding="utf-8"))
    key_answers = {_gid(c): _src(c) for c in key_nb["cells"] if _gid(c)}
    nb = json.loads(exercise_text(key_path))
    answers = answers or {}
    by_answer = {q.answer_id: q for q in key.questions}
    for cell in nb["cells"]:
        q = by_answer.get(_gid(cell))
        if q is None:
            continue
        how = answers.get(q.qid, default)
        right, wrongs = solution_variants(key_answers[q.answer_id])
        if how == "right":
            cell["source"] = right
        elif how == "blank":
            pass
        elif how.startswith("wrong"):
            k = int(how.split(":")[1]) - 1 if ":" in how else 0
            cell["source"] = wrongs[k]
        else:
            cell["source"] = how
    return nb


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
