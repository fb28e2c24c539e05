"""For every chapter present in solutions/: the solution gets full marks, the blank exercise 0,
and every '# WRONG:' answer 0 on its question (mvcalc-grade --verify)."""
from __future__ import annotations

import pytest

from grading_support import FIXTURE_KEY, REPO
from mvcalc_helpers.grading.cli import verify_chapter
from mvcalc_helpers.grading.generate import chapters

KEYS = chapters(REPO / "solutions") + [FIXTURE_KEY]


@pytest.mark.slow
@pytest.mark.parametrize("key_path", KEYS, ids=[p.parent.name for p in KEYS])
def test_solution_full_blank_zero_wrong_zero(key_path):
    ok, lines = verify_chapter(key_path, jobs=2, timeout=60, progress=False)
    assert ok, "\n".join(lines)
