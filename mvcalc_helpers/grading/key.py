"""Read a solutions notebook (``solutions/NN_topic/NN_topic.ipynb``) as an answer key.

>>> from mvcalc_helpers.grading.key import load_key, REPO
>>> key = load_key(REPO / "tests/fixtures/grading/solutions/00_fixture/00_fixture.ipynb")
>>> key.chapter, len(key.questions), key.max_points
('00_fixture', 6, 10.0)
>>> q = key.questions[0]
>>> q.qid, q.answer_id, q.check_id, q.points, sorted(q.student_names)
('q1', 'q1_answer', 'q1_check', 2.0, ['dz_dx'])
"""
from __future__ import annotations

import builtins
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Question", "Key", "load_key", "REPO", "strip_hidden", "solution_variants"]

REPO = Path(__file__).resolve().parents[2]

_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.S | re.M)
_SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION[^\n]*$", re.S | re.M)


def strip_hidden(source: str) -> str:
    """The visible part of a check cell (hidden tests removed).

    >>> strip_hidden("a\\n### BEGIN HIDDEN TESTS\\nb\\n### END HIDDEN TESTS\\nc")
    'a\\nc'
    """
    return _HIDDEN.sub("", source)


def solution_variants(source: str):
    """``(solution_only_source, [wrong_source, ...])`` of an answer cell: the markers removed,
    and one version per ``# WRONG:`` line with that line's code in place of the solution.

    >>> solution_variants("# hint\\n### BEGIN SOLUTION\\na = 1\\n# WRONG: a = 2\\n### END SOLUTION")
    ('# hint\\na = 1', ['# hint\\na = 2'])
    """
    m = _SOLUTION.search(source)
    if not m:
        return source, []
    indent, body = m.group(1), m.group(2)
    lines = body.splitlines()
    wrong = [ln.split("# WRONG:", 1)[1].strip() for ln in lines if ln.strip().startswith("# WRONG:")]
    keep = "\n".join(ln for ln in lines if not ln.strip().startswith("# WRONG:"))
    right = source[:m.start()] + keep + source[m.end():]
    variants = [source[:m.start()] + indent + w + source[m.end():] for w in wrong]
    return right, variants




@dataclass
class Question:
    qid: str
    answer_id: str | None
    check_id: str
    points: float
    check_source: str
    visible_source: str
    answer_source: str = ""
    text: str = ""
    student_names: frozenset = frozenset()
    wrong: list = field(default_factory=list)


@dataclass
class Key:
    chapter: str
    path: Path
    questions: list
    base_sources: list            # [(grade_id, source)] of locked code cells (setup, given)
    locked_sources: dict          # grade_id -> source, every locked cell (restored like nbgrader)
    base_names: frozenset

    @property
    def max_points(self) -> float:
        return float(sum(q.points for q in self.questions))

    def question(self, qid):
        return next(q for q in self.questions if q.qid == qid)


def _nbg(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def load_key(path) -> Key:
    """Parse a solutions notebook into a :class:`Key` (plain JSON reading, no nbformat)."""
    from ..checking import _assigned_and_loaded   # the one AST walk, shared with the summary cell

    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    src = lambda c: "".join(c["source"]) if isinstance(c["source"], list) else c["source"]  # noqa: E731
    base, locked, questions = [], {}, []
    base_assigned = set()
    last_answer, last_text, last_answer_src = None, "", ""
    for cell in cells:
        meta = _nbg(cell)
        gid = meta.get("grade_id")
        if cell["cell_type"] == "markdown":
            if gid and gid.endswith("_text"):
                last_text = src(cell)
            if gid and meta.get("locked"):
                locked[gid] = src(cell)
            continue
        if cell["cell_type"] != "code":
            continue
        if meta.get("grade") and not meta.get("solution"):
            check = src(cell)
            qid = gid[:-len("_check")] if gid.endswith("_check") else gid
            assigned, loaded = _assigned_and_loaded(check)
            names = frozenset(n for n in loaded - assigned if not hasattr(builtins, n))
            questions.append(Question(qid=qid, answer_id=last_answer, check_id=gid,
                                      points=float(meta.get("points", 0)), check_source=check,
                                      visible_source=strip_hidden(check), answer_source=last_answer_src,
                                      text=last_text, student_names=names))
            locked[gid] = check
        elif meta.get("solution"):
            last_answer, last_answer_src = gid, src(cell)
        else:
            base.append((gid, src(cell)))
            if gid and meta.get("locked"):
                locked[gid] = src(cell)
            try:
                base_assigned |= _assigned_and_loaded(src(cell))[0]
            except SyntaxError:
                pass
    for q in questions:
        q.student_names = frozenset(q.student_names - base_assigned)
        q.wrong = solution_variants(q.answer_source)[1]
    chapter = (nb.get("metadata", {}).get("mvcalc", {}) or {}).get("chapter") or path.parent.name
    return Key(chapter=chapter, path=path, questions=questions, base_sources=base,
               locked_sources=locked, base_names=frozenset(base_assigned))
