"""Hostile and broken submissions: 0 grader crashes, 0 submissions modified, 0 false credit, a clear
message per case, and a re-run gives the same gradebook.

Every case is graded in one `mvcalc-grade` run (flat folder layout) against the fixture key
(q1 expression 2 pts, q2 number 1, q3 array 1, q4 function 3, q5 choice 1, q6 backward pass 2).
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from grading_support import FIXTURE_KEY, REPO, cell_index, sha256, submission, write

pytestmark = pytest.mark.slow

KEY_DIR = FIXTURE_KEY.parent.parent
POINTS = {"q1": 2, "q2": 1, "q3": 1, "q4": 3, "q5": 1, "q6": 2}
ALL = set(POINTS)


def _all_wrong_with(attack: str) -> dict:
    nb = submission(answers={q: "wrong:1" for q in POINTS})
    i = cell_index(nb, "q1_answer")
    nb["cells"][i]["source"] = attack + "\n" + "".join(nb["cells"][i]["source"])
    return nb


def _replace_answer(nb, qid, code):
    nb["cells"][cell_index(nb, f"{qid}_answer")]["source"] = code
    return nb


def _cases(subs_dir: Path | None = None):
    """name -> (file content, {qid: expected points}, words the feedback must contain)."""
    cases = {}
    other_path = str((subs_dir or Path("/nonexistent")) / "correct_00_fixture.ipynb")
    zero = {q: 0 for q in POINTS}

    # --- honest references
    cases["correct"] = (submission(), dict(POINTS), ["✓ Correct"])
    cases["blank"] = (submission(default="blank"), zero, ["NotImplementedError"])

    # --- test cells tampered with
    nb = submission(answers={"q1": "wrong:1"})
    nb["cells"][cell_index(nb, "q1_check")]["source"] = "pass"
    cases["test_cell_edited"] = (nb, {**POINTS, "q1": 0}, ["∂z/∂x is not right"])
    nb = submission(answers={"q1": "wrong:1"})
    del nb["cells"][cell_index(nb, "q1_check")]
    cases["test_cell_deleted_wrong"] = (nb, {**POINTS, "q1": 0}, ["∂z/∂x is not right"])
    nb = submission()
    del nb["cells"][cell_index(nb, "q2_check")]
    cases["test_cell_deleted_right"] = (nb, dict(POINTS), ["✓ Correct"])
    nb = submission(answers={"q5": "wrong:1"})
    i = cell_index(nb, "q5_check")
    nb["cells"][i]["metadata"] = {}
    nb["cells"][i]["source"] = "print('✓ Correct — Question 5 is right.')"
    cases["test_cell_metadata_stripped"] = (nb, {**POINTS, "q5": 0}, ["Question 5 is not right"])

    # --- monkeypatching the checks (nbgrader and otter give full marks to these)
    cases["patch_checking_functions"] = (_all_wrong_with(
        "import mvcalc_helpers.checking as _c\n"
        "for _n in dir(_c):\n"
        "    if _n.startswith('check_'): setattr(_c, _n, lambda *a, **k: print('✓ Correct'))\n"
        "ck.check_expression = ck.check_number = ck.check_array = lambda *a, **k: None\n"
        "ck.check_function = ck.check_choice = lambda *a, **k: None"), zero, ["not right"])
    cases["patch_sympy_numpy"] = (_all_wrong_with(
        "sp.simplify = lambda *a, **k: 0\nsp.N = lambda *a, **k: 0\n"
        "np.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\n"
        "import sympy.core.expr as _e; _e.Expr.__eq__ = lambda s, o: True"), zero, ["not right"])
    cases["patch_assert_builtins"] = (_all_wrong_with(
        "import builtins\nbuiltins.AssertionError = type('AssertionError', (BaseException,), {})\n"
        "ck.CheckFailed = Exception\nbuiltins.print = lambda *a, **k: None"), zero, ["not right"])
    cases["break_own_kernel"] = (_all_wrong_with(
        "import builtins\nbuiltins.isinstance = lambda *a: True"), zero, ["not graded"])
    cases["fake_success_output"] = (_all_wrong_with(
        "print('✓ Correct — ∂z/∂x is right.')\nimport sys; sys.stdout.write('✓ Correct')"),
        zero, ["not right"])
    cases["lying_objects"] = (_replace_answer(_replace_answer(submission(), "q5",
        "class S(str):\n    def __eq__(self, o): return True\n    def __hash__(self): return 0\n"
        "q5 = S('z')"), "q1",
        "class Liar:\n    def __eq__(self, o): return True\n    def __sub__(self, o): return 0\n"
        "    __rsub__ = __sub__\ndz_dx = Liar()"), {**POINTS, "q1": 0, "q5": 0}, ["not right"])

    # --- reading the key / escaping the sandbox
    key_rel = "../" * 8 + str(FIXTURE_KEY).lstrip("/")
    cases["read_key_from_disk"] = (_replace_answer(submission(), "q1",
        f"import json\nkey = json.load(open({str(FIXTURE_KEY)!r}))\n"
        "dz_dx = [c for c in key['cells'] if 'q1_answer' in str(c)][0]['source']"),
        {**POINTS, "q1": 0}, ["grading sandbox", "not allowed"])
    cases["read_key_relative_and_subprocess"] = (_replace_answer(submission(), "q1",
        "import subprocess, os\n"
        f"try:\n    src = open({key_rel!r}).read()\nexcept Exception:\n    src = ''\n"
        f"out = subprocess.run(['cat', {str(FIXTURE_KEY)!r}], capture_output=True).stdout\n"
        "dz_dx = 0"), {**POINTS, "q1": 0}, ["subprocess.Popen is not allowed"])
    cases["unaudited_spawn_and_file_read"] = (_replace_answer(submission(), "q1",
        "import os, sys, importlib.util\nresult = []\n"
        "try:\n    import _posixsubprocess\n"
        "    _posixsubprocess.fork_exec([b'/bin/cat', " + repr(str(FIXTURE_KEY).encode()) + "], [b'/bin/cat'],"
        " True, (), None, None, -1, -1, -1, -1, -1, -1, *os.pipe(), False, False, False, None, None, None,"
        " -1, None, False)\nexcept Exception as e:\n    result.append(e)\n"
        "try:\n    rl = importlib.util.module_from_spec(importlib.util.find_spec('readline'))\n"
        f"    rl.read_history_file({str(FIXTURE_KEY)!r})\nexcept Exception as e:\n    result.append(e)\n"
        "import sqlite3\ntry:\n    sqlite3.connect(" + repr(str(FIXTURE_KEY)) + ")\n"
        "except Exception as e:\n    result.append(e)\n"
        "assert len(result) == 3, result\ndz_dx = 0"),
        {**POINTS, "q1": 0}, ["∂z/∂x is not right"])
    cases["kill_grader_and_write_files"] = (_replace_answer(submission(), "q2",
        "import os, signal\n"
        "os.write(1, b'FAKE: all students 100%\\n'); os.write(2, b'FAKE: all students 100%\\n')\n"
        "for target in (os.getppid(),):\n"
        "    try: os.kill(target, signal.SIGKILL)\n    except PermissionError: pass\n"
        f"try:\n    open({str(REPO / 'README.md')!r}, 'a').write('pwned')\nexcept PermissionError: pass\n"
        "d_u = -2"), {**POINTS, "q2": 0}, ["directional derivative is not right"])

    cases["read_other_submission_and_repo"] = (_replace_answer(submission(), "q5",
        f"import json, os\nsrc = open({other_path!r}).read()\n"
        f"os.listdir({str(REPO)!r})\nq5 = 'c'"), {**POINTS, "q5": 0}, ["grading sandbox: opening"])

    # --- runaway code
    nb = submission()
    nb = _replace_answer(nb, "q2", "while True:\n    pass")
    cases["infinite_loop"] = (nb, {**POINTS, "q2": 0}, ["longer than"])
    nb = _replace_answer(submission(), "q4", "import os\nos._exit(1)")
    cases["kernel_death_midway"] = (nb, {"q1": 2, "q2": 1, "q3": 1, "q4": 0, "q5": 0, "q6": 0},
                                    ["not graded", "questions before it keep their points"])
    nb = _replace_answer(submission(), "q1",
                         "print('x' * 30_000_000)\nfor i in range(20000): print(i)\ndz_dx = 6*x*y**2")
    cases["huge_output"] = (nb, dict(POINTS), ["✓ Correct"])
    cases["sys_exit"] = (_replace_answer(submission(), "q3", "import sys\nsys.exit('bye')"),
                         {**POINTS, "q3": 0}, ["grad_g` is not defined"])

    # --- broken files
    cases["invalid_json"] = ('{"cells": [ {"cell_type": "code", ', zero, ["JSON is broken"])
    bad_version = submission()
    bad_version["nbformat"] = 99
    cases["wrong_nbformat_version"] = (bad_version, zero, ["version 99 is not supported"])
    cases["empty_file"] = ("", zero, ["the file is empty"])
    cases["not_a_notebook"] = ('["just", "a", "list"]', zero, ["not a Jupyter notebook"])

    # --- structure
    nb = submission()
    i5, i6 = cell_index(nb, "q5_text"), cell_index(nb, "q6_text")
    block5, block6 = nb["cells"][i5:i6], nb["cells"][i6:]
    nb["cells"] = nb["cells"][:i5] + block6 + block5
    cases["cells_reordered"] = (nb, dict(POINTS), ["✓ Correct"])
    other = submission()
    other["metadata"]["mvcalc"]["chapter"] = "01_partial_derivatives"
    cases["notebook_for_another_chapter"] = (other, zero, ["chapter 01_partial_derivatives, not 00_fixture"])
    return cases


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    subs = root / "submissions"
    cases = _cases(subs)
    files = {}
    for name, (content, _, _) in cases.items():
        files[name] = write(content, subs / f"{name}_00_fixture.ipynb")
    hashes = {name: sha256(p) for name, p in files.items()}
    runs = []
    for run in ("a", "b"):
        out = root / f"out_{run}"
        proc = subprocess.run([sys.executable, "-m", "mvcalc_helpers.grading.cli", str(subs),
                               "--key", str(KEY_DIR), "--out", str(out), "--timeout", "6",
                               "--jobs", "2", "--no-progress"],
                              capture_output=True, text=True, timeout=900, cwd=root)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert "FAKE" not in proc.stdout + proc.stderr     # a kernel cannot write to the grader's terminal
        runs.append(out)
    return cases, files, hashes, runs


def _results(out: Path):
    return {r["student"]: r for r in json.loads((out / "results.json").read_text(encoding="utf-8"))}


def test_every_case_graded_without_crash(graded):
    cases, files, _, runs = graded
    res = _results(runs[0])
    assert set(res) == set(cases), "a submission is missing from the results (grader crash?)"
    for name, r in res.items():
        assert not any("grader error" in n for n in r["notes"]), (name, r["notes"])
        assert [q["qid"] for q in r["questions"]] == list(POINTS)


@pytest.mark.parametrize("name", list(_cases()))
def test_case_outcome(graded, name):
    cases, _, _, runs = graded
    _, expected, words = cases[name]
    r = _results(runs[0])[name]
    got = {q["qid"]: q["points"] for q in r["questions"]}
    assert got == {q: float(p) for q, p in expected.items()}, (name, r["questions"], r["notes"])
    text = " ".join([q["message"] for q in r["questions"]] + r["notes"])
    for w in words:
        assert w in text, (name, w, text[:2000])


def test_no_false_credit(graded):
    cases, _, _, runs = graded
    for name, r in _results(runs[0]).items():
        for q in r["questions"]:
            assert q["points"] <= cases[name][1][q["qid"]], (name, q)


def test_submissions_not_modified_and_rerun_identical(graded):
    _, files, hashes, runs = graded
    for name, p in files.items():
        assert sha256(p) == hashes[name], f"{name} was modified"
    a = (runs[0] / "gradebook.csv").read_text(encoding="utf-8")
    b = (runs[1] / "gradebook.csv").read_text(encoding="utf-8")
    assert a == b
    rows = list(csv.DictReader(a.splitlines()))
    assert {r["student"] for r in rows} == set(files)
    assert "pwned" not in (REPO / "README.md").read_text(encoding="utf-8")
