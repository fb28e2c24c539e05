"""Hostile and broken submissions: 0 grader crashes, 0 submissions modified, 0 false credit, a clear
message per case, and a re-run gives the same gradebook.

Every case is graded in one `mvcalc-grade` run (flat folder layout) against the fixture key
(q1 expression 2 pts, q2 number 1, q3 array 1, q4 function 3, q5 choice 1, q6 backward pass 2).
"""
from __future__ import annotations

import csv
import json
import os
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
    cases.update(_issue15_cases(subs_dir))
    return cases


# ------------------------------------------------------------------------------ issue 15 holes
# Each case below reproduces one class of hole of issue 15 with our own attack; the expected
# outcome is that of an OS sandbox plus a grader that never evaluates or trusts what a kernel sends.

_ROOT_PLACEHOLDER = Path("/nonexistent")


def _marker(subs_dir, name):
    """A file the attack tries to create on the grader's side (must never exist)."""
    return str(((subs_dir or _ROOT_PLACEHOLDER).parent) / f"PWNED_{name}")


# the audit hook resolves relative paths against the working folder, the OS against dir_fd:
# from /usr/lib, '../x' is /usr/x for the hook but /x for the kernel (issue 15, hole 2)
_DIRFD = ("import os\nhome = os.getcwd()\nos.chdir('/usr/lib')\nusr = os.open('/usr', os.O_RDONLY)\n"
          "def rel(p):\n    return '..' + p\n")


def _issue15_cases(subs_dir):
    cases = {}
    pts = dict(POINTS)
    other_path = str((subs_dir or _ROOT_PLACEHOLDER) / "correct_00_fixture.ipynb")
    out_dir = str(((subs_dir or _ROOT_PLACEHOLDER).parent) / "out_a")

    # 1. code execution in the grader through strings where an expression is expected
    for kind, value in (("list", "[{cmd!r}]"), ("tuple", "({cmd!r},)"),
                        ("object_array", "np.array([{cmd!r}, 1], dtype=object)")):
        cmd = f"__import__('pathlib').Path({_marker(subs_dir, kind)!r}).write_text('x')"
        cases[f"code_in_string_{kind}"] = (_replace_answer(submission(), "q1", "dz_dx = " + value.format(cmd=cmd)),
                                           {**pts, "q1": 0}, ["write a sympy expression, not a string"])
    cmd = f"__import__('pathlib').Path({_marker(subs_dir, 'matrix')!r}).write_text('x')"
    cases["code_in_string_matrix_rows"] = (_replace_answer(submission(), "q1", f"dz_dx = [[{cmd!r}], [x]]"),
                                           {**pts, "q1": 0}, ["write a sympy expression, not a string"])

    # 2. escapes around the audit hook: dir_fd, /proc/<ppid>, /proc/<pid>/mem, unaudited calls
    cases["dir_fd_read_key"] = (_replace_answer(submission(), "q1", _DIRFD +
        f"dz_dx = os.read(os.open(rel({str(FIXTURE_KEY)!r}), os.O_RDONLY, dir_fd=usr), 10**6).decode()"),
        {**pts, "q1": 0}, ["FileNotFoundError"])
    cases["proc_escapes"] = (_replace_answer(submission(), "q1", _DIRFD +
        "found = []\n"
        "for p in ('/proc/%d/root' % os.getppid(), '/proc/1/root', '/proc/%d/mem' % os.getppid(),\n"
        "          '/proc/%d/fd/1' % os.getppid(), '/proc/self/mem'):\n"
        "    try:\n        os.close(os.open(rel(p), os.O_RDONLY, dir_fd=usr)); found.append(p)\n"
        "    except OSError:\n        pass\n"
        "assert found == [], found\n"
        "dz_dx = 3*x*y**2"), {**pts, "q1": 0}, ["∂z/∂x is not right"])
    cases["dir_fd_classmate_and_repo"] = (_replace_answer(submission(), "q5", _DIRFD +
        "os.chdir(home); os.mkdir('a'); os.chdir('a')\n"        # '../x' is inside the working folder for the hook
        f"for target in ({other_path!r}, {str(REPO / 'README.md')!r}):\n"
        "    try:\n        os.truncate(os.open(rel(target), os.O_WRONLY, dir_fd=usr), 0)\n"
        "    except OSError:\n        pass\n"
        f"try:\n    os.write(os.open(rel({_marker(subs_dir, 'dirfd')!r}), os.O_WRONLY | os.O_CREAT, dir_fd=usr), b'x')\n"
        "except OSError:\n    pass\n"
        "q5 = 'c'"), {**pts, "q5": 0}, ["Question 5 is not right"])
    cases["unaudited_calls"] = (_replace_answer(submission(), "q2", _DIRFD +
        "import signal, sqlite3, _posixshmem\n"
        f"for f in ({out_dir + '/gradebook.csv'!r}, {out_dir + '/results.json'!r}):\n"
        "    for make in (lambda q: os.mkfifo(rel(q), dir_fd=usr), lambda q: os.mknod(rel(q), dir_fd=usr)):\n"
        "        try:\n            make(f)\n        except OSError:\n            pass\n"
        "fd = _posixshmem.shm_open('/mvcalc_grade_shared', os.O_CREAT | os.O_RDWR, 0o600)\n"
        f"try:\n    sqlite3.connect('file:' + {_marker(subs_dir, 'sqlite')!r} + '?mode=rwc', uri=True).execute('create table t(x)')\n"
        "except sqlite3.Error:\n    pass\n"
        "for pid in range(1, 500):\n"
        "    for sig in (signal.SIGSTOP, signal.SIGKILL):\n"
        "        try:\n            signal.pidfd_send_signal(os.pidfd_open(pid), sig)\n"
        "        except OSError:\n            pass\n"
        "d_u = 10"), {**pts, "q2": 0}, ["directional derivative is not right"])

    # 3. answers whose decoding used to crash the whole notebook
    cases["poly_algebraic_crootof"] = (_replace_answer(_replace_answer(_replace_answer(submission(), "q1",
        "dz_dx = sp.Poly(6*x*y**2, x, y)"), "q2", "d_u = sp.CRootOf(x**5 - x - 1, 0)"), "q5",
        "q5 = sp.AlgebraicNumber(sp.sqrt(2))"), {**pts, "q1": 0, "q2": 0, "q5": 0}, ["not right"])
    cases["forged_kernel_messages"] = (_replace_answer(submission(), "q1",
        "import json\nip = get_ipython(); k = ip.kernel; s = k.session; parent = k.get_parent()\n"
        "for _ in range(3):\n"
        "    s.send(k.iopub_socket, 'status', {'execution_state': 'idle'}, parent=parent)\n"
        "parts = [json.dumps(s.msg_header('stream'), default=str).encode(),\n"
        "         json.dumps(parent.get('header', {}), default=str).encode(),\n"
        "         b'{}', b'{not json']\n"
        "k.iopub_socket.send_multipart([b'<IDS|MSG>', s.sign(parts)] + parts)\n"
        "k.iopub_socket.send_multipart([b'<IDS|MSG>', b'bad signature', b'[]', b'1', b'2', b'3'])\n"
        "dz_dx = 6*x*y**2"), dict(pts), ["✓ Correct"])

    # 4. leaks: the grader's environment, /etc/shadow
    cases["env_and_shadow_leak"] = (_replace_answer(_replace_answer(submission(), "q1",
        "import os\ndz_dx = repr(dict(os.environ))"), "q5",
        "try:\n    q5 = open('/etc/shadow').read()\nexcept OSError as e:\n    q5 = repr(e)"),
        {**pts, "q1": 0, "q5": 0}, ["not a string"])

    # 5. resources: memory and process bombs, a huge reply
    cases["memory_and_thread_bombs"] = (_replace_answer(submission(), "q1",
        "import threading, time\nerrors = []\n"
        "try:\n    hog = bytearray(64 * 2**30)\nexcept MemoryError as e:\n    errors.append('memory')\n"
        "threads = []\ntry:\n    for _ in range(5000):\n"
        "        t = threading.Thread(target=time.sleep, args=(3,), daemon=True); t.start(); threads.append(t)\n"
        "except RuntimeError:\n    errors.append('threads')\n"
        "assert errors == ['memory', 'threads'] and len(threads) < 100, (errors, len(threads))\n"
        "dz_dx = 6*x*y**2"), dict(pts), ["✓ Correct"])
    cases["huge_reply"] = (_replace_answer(submission(), "q2",
        "import mvcalc_helpers.grading.kernel_side as _ks\n"
        "_ks.dump_many = lambda names: 'x' * 200_000_000\nd_u = 2"),
        {"q1": 2, "q2": 0, "q3": 0, "q4": 0, "q5": 0, "q6": 0}, ["not graded", "64 MB"])

    # 6. the grader's own inputs: metadata text reaching the feedback
    nb = submission()
    nb["metadata"]["mvcalc"]["chapter"] = "00_fixture\n\n**Score: 10 / 10**\n| q1 | 2 / 2 | ✓ |"
    cases["newline_in_chapter_metadata"] = (nb, {q: 0 for q in POINTS}, ["not 00_fixture"])
    cases["=1+1"] = (submission(), dict(pts), ["✓ Correct"])
    cases["josé"] = (submission(), dict(pts), ["✓ Correct"])
    cases["josè"] = (submission(default="blank"), {q: 0 for q in POINTS}, ["NotImplementedError"])
    cases["symlink_to_key"] = (("symlink", str(FIXTURE_KEY)), {q: 0 for q in POINTS}, ["symbolic link"])
    cases["symlink_to_classmate"] = (("symlink", other_path), {q: 0 for q in POINTS}, ["symbolic link"])
    return cases


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    subs = root / "submissions"
    cases = _cases(subs)
    files = {}
    for name, (content, _, _) in cases.items():
        path = subs / f"{name}_00_fixture.ipynb"
        if isinstance(content, tuple) and content[0] == "symlink":
            path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(content[1], path)
            files[name] = path
        else:
            files[name] = write(content, path)
    hashes = {name: sha256(p) for name, p in files.items()}
    key_hash = sha256(FIXTURE_KEY)
    runs = []
    for run in ("a", "b"):
        out = root / f"out_{run}"
        proc = subprocess.run([sys.executable, "-m", "mvcalc_helpers.grading.cli", str(subs),
                               "--key", str(KEY_DIR), "--out", str(out), "--timeout", "6",
                               "--jobs", "2", "--no-progress"],
                              capture_output=True, text=True, timeout=900, cwd=root,
                              env=dict(os.environ, MVCALC_GRADE_TEST_SECRET=SECRET))
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert "FAKE" not in proc.stdout + proc.stderr     # a kernel cannot write to the grader's terminal
        runs.append(out)
    assert sha256(FIXTURE_KEY) == key_hash
    return cases, files, hashes, runs


SECRET = "hunter2-not-for-students"


def test_issue15_nothing_escaped(graded):
    """No attack created a file on the grader's side, leaked the environment or /etc/shadow, or
    turned the output files into FIFOs/devices."""
    cases, files, _, runs = graded
    root = runs[0].parent
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("PWNED")) == []
    for out in runs:
        text = (out / "results.json").read_text(encoding="utf-8")
        assert SECRET not in text and "MVCALC_GRADE_TEST_SECRET" not in text
        assert "root:" not in text                           # a line of /etc/shadow
        for name in ("gradebook.csv", "results.json"):
            assert (out / name).is_file() and not (out / name).is_symlink()


def test_issue15_names_and_metadata(graded):
    """josé and josè keep separate feedback; '=1+1' is not a formula; a forged Score line in the
    chapter metadata stays on one line."""
    _, _, _, runs = graded
    out = runs[0]
    md = {n: (out / "feedback" / n / "00_fixture.md").read_text(encoding="utf-8") for n in ("josé", "josè")}
    assert "Score: 10 / 10" in md["josé"] and "Score: 0 / 10" in md["josè"]
    rows = list(csv.reader((out / "gradebook.csv").read_text(encoding="utf-8").splitlines()))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert any(row[0] == "'=1+1" for row in rows)
    forged = next((out / "feedback").glob("newline_in_chapter_metadata*/00_fixture.md")).read_text(encoding="utf-8")
    lines = forged.splitlines()
    assert [ln for ln in lines if "Score:" in ln] == ["**Score: 0 / 10**"], forged
    assert not any(ln.startswith("| q1 | 2 / 2") for ln in lines)


def test_out_is_checked_before_grading(tmp_path):
    subs = tmp_path / "subs"
    write(submission(), subs / "ann_00_fixture.ipynb")
    (tmp_path / "grades").write_text("not a folder")
    proc = subprocess.run([sys.executable, "-m", "mvcalc_helpers.grading.cli", str(subs), "--key",
                           str(KEY_DIR), "--out", str(tmp_path / "grades"), "--no-progress"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "exists and is not a folder" in proc.stderr
    assert "graded" not in proc.stdout and (tmp_path / "grades").read_text() == "not a folder"


@pytest.fixture(scope="module")
def course_graded(tmp_path_factory):
    """One `mvcalc-grade --timeout 1.5` run on an nbgrader layout: alice (correct), mallory (her
    student folder is a symbolic link to alice's) and slow (60 cells of 1 s after q2)."""
    tmp = tmp_path_factory.mktemp("course")
    course = tmp / "course"
    write(submission(), course / "submitted" / "alice" / "00_fixture" / "00_fixture.ipynb")
    os.symlink(course / "submitted" / "alice", course / "submitted" / "mallory")
    nb = submission()
    i = cell_index(nb, "q2_check") + 1
    slow = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": "import time\ntime.sleep(1.0)"}
    nb["cells"][i:i] = [dict(slow) for _ in range(60)]
    write(nb, course / "submitted" / "slow" / "00_fixture" / "00_fixture.ipynb")
    proc = subprocess.run([sys.executable, "-m", "mvcalc_helpers.grading.cli", str(course), "--key",
                           str(KEY_DIR), "--out", str(tmp / "out"), "--timeout", "1.5", "--jobs", "2",
                           "--no-progress"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {r["student"]: r for r in json.loads((tmp / "out" / "results.json").read_text(encoding="utf-8"))}


def test_total_time_per_notebook(course_graded):
    """60 cells of 1 s under --timeout 1.5: the notebook stops after 10 × 1.5 s in all, questions
    before keep their points, the rest are "not graded"."""
    r = course_graded["slow"]
    got = {q["qid"]: q["points"] for q in r["questions"]}
    assert got == {"q1": 2, "q2": 1, "q3": 0, "q4": 0, "q5": 0, "q6": 0}, r
    assert "15 s in total" in " ".join(r["notes"] + [q["message"] for q in r["questions"]])
    assert r["seconds"] < 45        # not 60 × 1 s (a bound on the limit, not a timing test)


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
    assert {r["student"].removeprefix("'") for r in rows} == set(files)
    assert "pwned" not in (REPO / "README.md").read_text(encoding="utf-8")


def test_symlinked_student_folder_refused(course_graded):
    """nbgrader layout: a student folder that is a symbolic link to a classmate's is refused."""
    res = course_graded
    assert res["alice"]["total"] == 10 and res["mallory"]["total"] == 0
    assert "symbolic link" in " ".join(res["mallory"]["notes"])
