"""The rules every chapter's exercise set follows (``solutions/AUTHORING.md`` explains them).

One source for ``mvcalc-grade --verify``, the exercise generator (intro and summary cells) and the
tests: question numbering with parts, the question kinds, the minimum size of a set.

>>> question_of("q4b"), question_of("q12")
((4, 'b'), (12, ''))
>>> label("q4b"), label("q3")
('Question 4 (b)', 'Question 3')
"""
from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["KINDS", "REQUIRED_KINDS", "MIN_QUESTIONS", "MINUTES", "question_of", "label",
           "check_cells", "structure_problems", "estimated_minutes"]

#: what a question practises; stored in the check cell's metadata as ``{"mvcalc": {"kind": ...}}``
KINDS = ("derive", "compute", "implement", "concept", "apply")
#: every set has at least one question of each of these kinds
REQUIRED_KINDS = ("derive", "implement", "concept", "apply")
#: distinct question numbers per set (parts (a), (b) of one question count once)
MIN_QUESTIONS = 7
#: default minutes a learner needs per graded part, by kind (``mvcalc.minutes`` overrides)
MINUTES = {"derive": 8, "compute": 5, "implement": 12, "concept": 3, "apply": 8}

_QID = re.compile(r"^q(\d+)([a-z]?)$")


def question_of(qid: str) -> tuple[int, str]:
    """(question number, part letter or '') of a question id such as ``q4b``."""
    m = _QID.match(qid)
    if not m:
        raise ValueError(f"question id {qid!r} is not q<number> or q<number><part letter>")
    return int(m.group(1)), m.group(2)


def label(qid: str) -> str:
    """How a learner reads a question id: 'Question 4 (b)'."""
    n, part = question_of(qid)
    return f"Question {n}" + (f" ({part})" if part else "")


def _src(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def check_cells(nb: dict) -> list[dict]:
    """The graded check cells of a solutions notebook (JSON dict), in order."""
    out = []
    for c in nb["cells"]:
        meta = (c.get("metadata", {}) or {}).get("nbgrader", {}) or {}
        if c.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"):
            out.append(c)
    return out


def _gid(cell) -> str:
    return ((cell.get("metadata", {}) or {}).get("nbgrader", {}) or {}).get("grade_id", "")


def estimated_minutes(nb: dict) -> int:
    """Estimated working time of a set, rounded up to 5 minutes: per question the minutes of its
    kind (``MINUTES``, or the check cell's ``mvcalc.minutes``) plus 2 per extra part."""
    per_question: dict = {}
    for c in check_cells(nb):
        mv = (c.get("metadata", {}) or {}).get("mvcalc", {}) or {}
        gid = _gid(c)
        try:
            n = question_of(gid[:-len("_check")] if gid.endswith("_check") else gid)[0]
        except ValueError:
            n = gid
        minutes = int(mv.get("minutes") or MINUTES.get(mv.get("kind"), 5))
        per_question[n] = per_question[n] + 2 if n in per_question else minutes
    total = sum(per_question.values())
    return max(5, -(-total // 5) * 5)


def structure_problems(key_path) -> list[str]:
    """What breaks the rules in a solutions notebook (empty list: none).

    >>> from mvcalc_helpers.grading.key import REPO
    >>> structure_problems(REPO / "tests/fixtures/grading/solutions/00_fixture/00_fixture.ipynb")[-1]
    'notebook metadata mvcalc.about is missing (the intro is made from it)'
    """
    nb = json.loads(Path(key_path).read_text(encoding="utf-8"))
    problems = []
    numbers, kinds = set(), set()
    for c in check_cells(nb):
        gid = _gid(c)
        qid = gid[:-len("_check")] if gid.endswith("_check") else gid
        try:
            numbers.add(question_of(qid)[0])
        except ValueError as exc:
            problems.append(str(exc))
        kind = ((c.get("metadata", {}) or {}).get("mvcalc", {}) or {}).get("kind")
        if kind not in KINDS:
            problems.append(f"{qid}: metadata mvcalc.kind is {kind!r}, not one of {', '.join(KINDS)}")
        kinds.add(kind)
    if len(numbers) < MIN_QUESTIONS:
        problems.append(f"only {len(numbers)} questions (at least {MIN_QUESTIONS} needed)")
    missing = [k for k in REQUIRED_KINDS if k not in kinds]
    if missing:
        problems.append(f"no question of kind {', '.join(missing)} (every set needs "
                        f"{', '.join(REQUIRED_KINDS)})")
    mv = (nb.get("metadata", {}) or {}).get("mvcalc", {}) or {}
    for field in ("title", "about"):
        if not mv.get(field):
            problems.append(f"notebook metadata mvcalc.{field} is missing (the intro is made from it)")
    return problems
