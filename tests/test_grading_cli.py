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
    """One run on a course folder: its submitted/ holds nbgrader's student folders and, beside
    them, flat files (the chapter from the file name or from the notebook's metadata)."""
    course = tmp_path / "course"
    write(submission(), course / "submitted" / "alice" / "00_fixture" / "00_fixture.ipynb")
    write(submission(answers={"q1": "wrong:1", "q6": "wrong:1"}),
          course / "submitted" / "bob" / "00_fixture" / "00_fixture.ipynb")
    flat = course / "submitted"
    write(submission(default="blank"), flat / "carol_00_fixture.ipynb")
    write(submission(answers={"q2": "wrong:2"}), flat / "dave.ipynb")   # chapter from metadata
    before = {p: sha256(p) for p in course.rglob("*.ipynb")}
    assert len(before) == 4

    proc = _grade(course, tmp_path / "out1")           # the course folder: finds submitted/
    assert "grading" in proc.stderr                     # the progress bar
    assert "graded 4 notebooks" in proc.stdout
    rows = list(csv.DictReader((tmp_path / "out1" / "gradebook.csv").open(encoding="utf-8")))
    assert list(rows[0]) == ["student", "chapter", "question", "points", "max_points"]
    totals = {(r["student"], r["chapter"]): (r["points"], r["max_points"])
              for r in rows if r["question"] == "TOTAL"}
    assert totals == {("alice", "00_fixture"): ("10", "10"), ("bob", "00_fixture"): ("6", "10"),
                      ("carol", "00_fixture"): ("0", "10"), ("dave", "00_fixture"): ("9", "10")}, \
        (tmp_path / "out1" / "results.json").read_text(encoding="utf-8")[:5000]
    bob = {r["question"]: r["points"] for r in rows if r["student"] == "bob"}
    assert bob["q1"] == "0" and bob["q6"] == "0" and bob["q4"] == "3"
    md = (tmp_path / "out1" / "feedback" / "bob" / "00_fixture.md").read_text(encoding="utf-8")
    assert "Score: 6 / 10" in md and "∂z/∂x is not right" in md and "✓ Correct" in md
    page = (tmp_path / "out1" / "feedback" / "bob" / "00_fixture.html").read_text(encoding="utf-8")
    assert "<table>" in page and "is not right" in page
    assert all(sha256(p) == h for p, h in before.items())


# ------------------------------------------------------------------------------ summary, flags, LMS
def _flag_submissions(folder):
    from grading_support import cell_index

    def answer(nb, qid, code):
        nb["cells"][cell_index(nb, f"{qid}_answer")]["source"] = code
        return nb

    subs = {"alice": submission()}
    nb = submission(answers={"q1": "wrong:1"})
    nb["cells"][cell_index(nb, "q1_check")]["source"] = "pass"
    subs["bob"] = nb
    nb = submission()
    del nb["cells"][cell_index(nb, "q2_check")]
    subs["carol"] = nb
    nb = submission()
    nb["cells"][cell_index(nb, "setup")]["source"] += "\n# my own line"
    subs["dave"] = nb
    subs["erin"] = answer(submission(), "q2", "while True:\n    pass")
    subs["fred"] = answer(submission(), "q4", "import os\nos._exit(1)")
    nb = submission()
    nb["metadata"]["mvcalc"]["chapter"] = "01_partial_derivatives"
    subs["gina"] = nb
    for name, nb in subs.items():
        write(nb, folder / f"{name}_00_fixture.ipynb")
    return subs


CANVAS_ROSTER = ("Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (501),Current Score\n"
                 "    Points Possible,,,,,5,(read only)\n"
                 "\"Lee, Alice\",1001,S-1,alice,Sec 1,4,80\n"
                 "\"Bo, Bob\",1002,S-2,bob@uni.example,Sec 1,5,100\n"
                 "\"Zhou, Zoe\",1003,S-3,zoe,Sec 2,3,60\n")


def test_summary_flags_feedback_and_canvas_import(tmp_path):
    subs = tmp_path / "subs"
    _flag_submissions(subs)
    roster = tmp_path / "canvas_export.csv"
    roster.write_text(CANVAS_ROSTER, encoding="utf-8")
    out = tmp_path / "grades"
    proc = _grade(subs, out, "--timeout", "5", "--no-progress", "--roster", str(roster))
    assert "summary:" in proc.stdout and "canvas import:" in proc.stdout, proc.stdout
    assert "not in the roster" in proc.stdout and "1 roster student(s) without a submission" in proc.stdout

    rows = {r["student"]: r for r in csv.DictReader((out / "summary.csv").open(encoding="utf-8"))}
    assert list(next(iter(rows.values()))) == ["student", "00_fixture", "total", "max_total", "percent", "flags"]
    assert rows["alice"]["00_fixture"] == "10" and rows["alice"]["percent"] == "100.0"
    assert rows["alice"]["flags"] == ""
    expected = {"bob": "check cell q1 edited", "carol": "check cell q2 deleted",
                "dave": "locked cell setup edited", "erin": "timeout", "fred": "kernel died",
                "gina": "notebook of another chapter (01_partial_derivatives)"}
    for student, flag in expected.items():
        assert flag in rows[student]["flags"], (student, rows[student])
        md = (out / "feedback" / student / "00_fixture.md").read_text(encoding="utf-8")
        assert flag in md, (student, md)
    assert rows["bob"]["total"] == "8" and rows["gina"]["total"] == "0"
    # gradebook totals and the summary agree
    book = {r["student"]: r["points"] for r in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))
            if r["question"] == "TOTAL"}
    assert book == {s: r["total"] for s, r in rows.items()}

    lines = list(csv.reader((out / "lms_import.csv").open(encoding="utf-8")))
    assert lines[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "mvcalc 00_fixture"]
    assert lines[1] == ["    Points Possible", "", "", "", "", "10"]
    by_id = {row[1]: row for row in lines[2:]}
    assert by_id["1001"][-1] == "10" and by_id["1002"][-1] == "8"   # bob matched by his email's login part
    assert by_id["1003"][-1] == ""                                   # no submission: left empty, not 0
    assert by_id["1001"][0] == "Lee, Alice" and by_id["1001"][4] == "Sec 1"


def test_moodle_roster_import_format_and_bad_roster(tmp_path):
    from mvcalc_helpers.grading.report import write_lms_import

    roster = tmp_path / "moodle_export.csv"
    roster.write_text("First name,Last name,ID number,Institution,Department,Email address,"
                      "Assignment: 00_fixture (Real),Course total (Real),Last downloaded from this course\n"
                      "Alice,Lee,u1001,,,alice@uni.example,-,-,1700000000\n"
                      "Zoe,Zhou,u1003,,,zoe@uni.example,-,-,1700000000\n", encoding="utf-8")
    results = [{"student": "u1001", "chapter": "00_fixture", "total": 7.5, "max_total": 10.0, "flags": []},
               {"student": "nobody", "chapter": "00_fixture", "total": 3.0, "max_total": 10.0, "flags": []}]
    lms, unknown, missing = write_lms_import(results, roster, tmp_path / "lms.csv", ["00_fixture"],
                                             {"00_fixture": 10.0})
    assert (lms, unknown, missing) == ("moodle", ["nobody"], 1)
    lines = list(csv.reader((tmp_path / "lms.csv").open(encoding="utf-8")))
    # the existing grade item's column is reused, so Moodle maps it to that item
    assert lines[0] == ["First name", "Last name", "ID number", "Institution", "Department", "Email address",
                        "Assignment: 00_fixture (Real)"]
    assert lines[1][-1] == "7.5" and lines[1][5] == "alice@uni.example" and lines[2][-1] == ""

    bad = tmp_path / "bad.csv"
    bad.write_text("name,score\nann,3\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mvcalc_helpers.grading.cli", str(tmp_path), "--key",
                           str(KEY_DIR), "--roster", str(bad)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "not a Canvas gradebook export" in proc.stderr
    assert "Traceback" not in proc.stderr
