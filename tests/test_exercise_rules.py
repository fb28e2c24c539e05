"""Every chapter's exercise set follows the rules of solutions/AUTHORING.md: ≥ 7 questions, each
graded part tagged with its kind (derive, compute, implement, concept, apply), at least one derive,
implement, concept and apply question per set, and the intro and summary cells rendered from the key
(`python -m mvcalc_helpers.grading.generate` re-renders them)."""
from __future__ import annotations

import json

import pytest

from grading_support import REPO
from mvcalc_helpers import checking as ck
from mvcalc_helpers.grading.generate import chapters, render_intro, render_summary
from mvcalc_helpers.grading.rules import REQUIRED_KINDS, check_cells, structure_problems

SOLUTIONS = chapters(REPO / "solutions")


@pytest.mark.parametrize("key_path", SOLUTIONS, ids=[p.parent.name for p in SOLUTIONS])
def test_set_follows_the_rules(key_path):
    assert structure_problems(key_path) == []
    nb = json.loads(key_path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    assert "".join(cells[0]["source"]) == render_intro(nb, key_path.parent.name)
    assert "".join(cells[-1]["source"]) == render_summary(nb)
    kinds = {c["metadata"]["mvcalc"]["kind"] for c in check_cells(nb)}
    assert set(REQUIRED_KINDS) <= kinds


def test_rules_catch_a_set_without_kinds(tmp_path):
    key = REPO / "tests/fixtures/grading/solutions/00_fixture/00_fixture.ipynb"
    problems = structure_problems(key)
    assert any("mvcalc.kind" in p for p in problems)
    assert any("at least 7" in p for p in problems)
    assert any("no question of kind" in p for p in problems)


def test_summary_cell_reports_each_part(capsys):
    ns = {"ck": ck, "a": 2.0}
    ck.summary(ns, [("Question 1 (a)", 1, "ck.check_number(a, 2)"),
                    ("Question 1 (b)", 2, "ck.check_number(b, 3)"),
                    ("Question 2", 1, "ck.check_choice(a, 3)")])
    out = capsys.readouterr().out
    assert "✓ Question 1 (a) (1 point)" in out
    assert "· Question 1 (b) (2 points): not answered yet" in out
    assert "✗ Question 2 (1 point)" in out
    assert "Passing now: 1 of 3 checks, 1 of 4 points." in out
    assert "b" not in ns   # the namespace is not changed
