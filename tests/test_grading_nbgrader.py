"""The real `nbgrader autograde`, run in a temporary course folder with the shipped
nbgrader_config.py, gives the same per-question scores as `mvcalc-grade` (correct, blank and
partially wrong submissions), and `nbgrader generate_assignment` writes the same exercise notebook
as `mvcalc-build-exercises` (up to the chapter tag mvcalc adds)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grading_support import FIXTURE_KEY, REPO, submission, write
from mvcalc_helpers.grading.generate import chapters, exercise_text
from mvcalc_helpers.grading.key import load_key

pytestmark = pytest.mark.slow

VENV_BIN = Path(sys.executable).parent


def _course(tmp_path: Path, keys: list[Path]) -> Path:
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    for k in keys:
        shutil.copytree(k.parent, course / "solutions" / k.parent.name)
    return course


def _nbgrader(course: Path, *args):
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run([str(VENV_BIN / "nbgrader"), *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nbgrader")
    real = [k for k in chapters(REPO / "solutions")][:1]
    keys = [FIXTURE_KEY] + real
    course = _course(tmp, keys)
    plan = {FIXTURE_KEY: {"correct": {}, "blank": {"default": "blank"},
                          "partial": {"answers": {"q1": "wrong:1", "q4": "wrong:1", "q5": "wrong:1"}}}}
    for k in real:
        qs = [q.qid for q in load_key(k).questions]
        plan[k] = {"correct": {}, "partial": {"answers": {q: "wrong:1" for q in qs[::2]}}}
    for k, subs in plan.items():
        name = k.parent.name
        for student, how in subs.items():
            nb = submission(k, answers=how.get("answers"), default=how.get("default", "right"))
            write(nb, course / "submitted" / student / name / f"{name}.ipynb")
    # a monkeypatching submission (all answers wrong): nbgrader gives false credit, we do not
    nb = submission(FIXTURE_KEY, default="wrong:1")
    first = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "q1_answer")
    first["source"] = PATCH + "\n" + first["source"]
    write(nb, course / "submitted" / "patcher" / "00_fixture" / "00_fixture.ipynb")
    plan[FIXTURE_KEY]["patcher"] = {}
    nbgrader_scores = {}
    # every assignment (chapter) of the course in one run of each command
    proc = _nbgrader(course, "generate_assignment", "*", "--force")
    assert all(f"Updating/creating assignment '{k.parent.name}'" in proc.stderr + proc.stdout for k in keys)
    _nbgrader(course, "autograde", "*", "--create", "--force")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for k, subs in plan.items():
            name = k.parent.name
            for student in subs:
                snb = gb.find_submission_notebook(name, name, student)
                nbgrader_scores[(student, name)] = {g.name: float(g.score) for g in snb.grades}
    out = tmp / "mvcalc"
    proc = subprocess.run([sys.executable, "-m", "mvcalc_helpers.grading.cli", str(course / "submitted"),
                           "--key", str(course / "solutions"), "--out", str(out), "--no-progress"],
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ours = {}
    for r in json.loads((out / "results.json").read_text(encoding="utf-8")):
        ours[(r["student"], r["chapter"])] = {f"{q['qid']}_check": q["points"] for q in r["questions"]}
    return course, keys, nbgrader_scores, ours


PATCH = ("for _n in ('check_expression', 'check_number', 'check_array', 'check_function', 'check_choice'):\n"
         "    setattr(ck, _n, lambda *a, **k: None)")


def test_same_scores_as_nbgrader_autograde(compared):
    _, _, theirs, ours = compared
    assert set(theirs) == set(ours)
    for sub, scores in theirs.items():
        if sub[0] == "patcher":
            continue
        graded = {k: v for k, v in scores.items() if k.endswith("_check")}
        assert graded == ours[sub], sub


def test_scores_discriminate(compared):
    _, _, theirs, ours = compared
    fixture = {s: sum(v.values()) for (s, ch), v in ours.items() if ch == "00_fixture"}
    assert fixture["correct"] == 10 and fixture["blank"] == 0 and 0 < fixture["partial"] < 10


def test_nbgrader_generate_assignment_matches_ours(compared):
    course, keys, _, _ = compared
    for k in keys:
        name = k.parent.name
        theirs = json.loads((course / "exercises" / name / f"{name}.ipynb").read_text(encoding="utf-8"))
        mine = json.loads(exercise_text(k))
        del mine["metadata"]["mvcalc"]
        assert theirs["cells"] == mine["cells"], name


def test_monkeypatching_fools_nbgrader_but_not_mvcalc_grade(compared):
    _, _, theirs, ours = compared
    sub = ("patcher", "00_fixture")
    assert sum(v for k, v in theirs[sub].items() if k.endswith("_check")) == 10   # false credit
    assert sum(ours[sub].values()) == 0
