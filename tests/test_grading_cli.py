"""mvcalc-grade on both layouts: nbgrader's submitted/<student>/<chapter>/ and a flat folder (chapter
from the file name or the notebook metadata); gradebook CSV rows and totals; feedback files."""
from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from grading_support import FIXTURE_KEY, sha256, submission, write

pytestmark = pytest.mark.slow
KEY_DIR = FIXTURE_KEY.parent.parent


def _grade(subs, out, *extra):
    proc = subprocess.run([sys.executable, "-m", "mvcalc_helpers.grading.cli", str(subs), "--key",
                           str(KEY_DIR), "--out", str(out), "--jobs", "2", *extra],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return proc


def test_nbgrader_layout_and_flat_folder(tmp_path):
    course = tmp_path / "course"
    write(submission(), course / "submitted" / "alice" / "00_fixture" / "00_fixture.ipynb")
    write(submission(answers={"q1": "wrong:1", "q6": "wrong:1"}),
          course / "submitted" / "bob" / "00_fixture" / "00_fixture.ipynb")
    flat = tmp_path / "flat"
    write(submission(default="blank"), flat / "carol_00_fixture.ipynb")
    write(submission(answers={"q2": "wrong:2"}), flat / "dave.ipynb")   # chapter from metadata
    before = {p: sha256(p) for p in list(course.rglob("*.ipynb")) + list(flat.glob("*.ipynb"))}

    proc = _grade(course, tmp_path / "out1")           # the course folder: finds submitted/
    assert "grading" in proc.stderr                     # the progress bar
    assert "graded 2 notebooks" in proc.stdout
    rows = list(csv.DictReader((tmp_path / "out1" / "gradebook.csv").open(encoding="utf-8")))
    assert list(rows[0]) == ["student", "chapter", "question", "points", "max_points"]
    totals = {r["student"]: (r["points"], r["max_points"]) for r in rows if r["question"] == "TOTAL"}
    assert totals == {"alice": ("10", "10"), "bob": ("6", "10")}, \
        (tmp_path / "out1" / "results.json").read_text(encoding="utf-8")[:5000]
    bob = {r["question"]: r["points"] for r in rows if r["student"] == "bob"}
    assert bob["q1"] == "0" and bob["q6"] == "0" and bob["q4"] == "3"
    md = (tmp_path / "out1" / "feedback" / "bob" / "00_fixture.md").read_text(encoding="utf-8")
    assert "Score: 6 / 10" in md and "∂z/∂x is not right" in md and "✓ Correct" in md
    page = (tmp_path / "out1" / "feedback" / "bob" / "00_fixture.html").read_text(encoding="utf-8")
    assert "<table>" in page and "is not right" in page

    _grade(flat, tmp_path / "out2", "--no-progress")
    rows = list(csv.DictReader((tmp_path / "out2" / "gradebook.csv").open(encoding="utf-8")))
    totals = {(r["student"], r["chapter"]): r["points"] for r in rows if r["question"] == "TOTAL"}
    assert totals == {("carol", "00_fixture"): "0", ("dave", "00_fixture"): "9"}, \
        (tmp_path / "out2" / "results.json").read_text(encoding="utf-8")[:5000]
    assert all(sha256(p) == h for p, h in before.items())
