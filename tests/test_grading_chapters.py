"""For every chapter present in solutions/: the solution gets full marks (also from the visible
checks alone), the blank exercise 0, every '# WRONG:' answer 0 on its question and ✗ from its
visible check, and the set follows the rules (`mvcalc-grade --verify`)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from grading_support import FIXTURE_KEY, REPO
from mvcalc_helpers.grading.generate import chapters

KEYS = chapters(REPO / "solutions") + [FIXTURE_KEY]


@pytest.mark.slow
@pytest.mark.parametrize("key_path", KEYS, ids=[p.parent.name for p in KEYS])
def test_solution_full_blank_zero_wrong_zero(key_path):
    proc = subprocess.run([sys.executable, "-m", "mvcalc_helpers.grading.cli", "--verify",
                           key_path.parent.name, "--key", str(key_path.parent.parent),
                           "--timeout", "60", "--no-progress"],
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "verified: OK" in proc.stdout
