"""For every chapter present in solutions/: the solution gets full marks (also from the visible
checks alone), the blank exercise 0, every '# WRONG:' answer 0 on its question and ✗ from its
visible check, and the set follows the rules (`mvcalc-grade --verify`).

All chapters are verified by one `mvcalc-grade --verify` run (one sandbox and fork server, every
chapter's notebooks graded in one pool of workers); each test reads its chapter's report."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from grading_support import FIXTURE_KEY, REPO
from mvcalc_helpers.grading.generate import chapters

KEYS = chapters(REPO / "solutions") + [FIXTURE_KEY]
NAMES = [p.parent.name for p in KEYS]
BROKEN = "00_broken_fixture"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def verified(tmp_path_factory):
    """``(returncode, {chapter: its lines of the report}, whole output)``."""
    keys = tmp_path_factory.mktemp("keys")
    for k in KEYS:                     # one --key folder holding the chapters and the fixture
        shutil.copytree(k.parent, keys / k.parent.name)
    # and a fixture whose 2nd '# WRONG:' answer of q1 is right after all: --verify must say so
    nb = json.loads(FIXTURE_KEY.read_text(encoding="utf-8"))
    text = json.dumps(nb)
    assert text.count("# WRONG: dz_dx = 6*x*y\\n") == 1
    (keys / BROKEN).mkdir()
    (keys / BROKEN / f"{BROKEN}.ipynb").write_text(text.replace("# WRONG: dz_dx = 6*x*y\\n",
                                                                "# WRONG: dz_dx = 6*y**2*x\\n"))
    proc = subprocess.run([sys.executable, "-m", "mvcalc_helpers.grading.cli", "--verify", *NAMES, BROKEN,
                           "--key", str(keys), "--timeout", "60", "--jobs", "2", "--no-progress"],
                          capture_output=True, text=True, timeout=2400)
    reports, current = {}, None
    for line in proc.stdout.splitlines():
        head = line.split(":", 1)[0]
        if not line.startswith(" ") and head in (*NAMES, BROKEN):
            current = head
        if current is not None:
            reports.setdefault(current, []).append(line)
    return proc.returncode, reports, proc.stdout + proc.stderr[-3000:]


@pytest.mark.parametrize("name", NAMES)
def test_solution_full_blank_zero_wrong_zero(verified, name):
    _, reports, output = verified
    lines = reports.get(name)
    assert lines, output
    assert lines[-1] == "verified: OK", "\n".join(lines)
    assert any("solution (visible)" in ln for ln in lines) and any("blank exercise" in ln for ln in lines)
    assert any("wrong answers #1" in ln for ln in lines), "\n".join(lines)


def test_a_wrong_answer_that_scores_is_reported(verified):
    """The run can fail: the broken fixture's right '# WRONG:' answer is found by the full and
    by the visible checks, and the exit code is 1."""
    returncode, reports, output = verified
    lines = reports.get(BROKEN)
    assert lines, output
    assert lines[-1] == "verified: 2 problem(s)", "\n".join(lines)
    fails = [ln.split(":")[0].strip() for ln in lines if ln.lstrip().startswith("FAIL")]
    assert fails == ["FAIL  wrong answers #2", "FAIL  wrong answers #2 (visible)"], "\n".join(lines)
    assert returncode == 1, output
    assert set(reports) == {*NAMES, BROKEN}, output
