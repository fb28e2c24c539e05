"""No command of the course destroys a learner's answers.

A learner answers an exercise — in their own copy, ``work/`` (where ``make lab`` puts them), and
also, the old habit, in ``exercises/`` itself — and edits a chapter. Then every make target and
command-line tool of the course that writes files runs on a temporary copy of the repository,
and every answer is still there, byte for byte.

Coverage, target by target (``test_every_make_target_is_covered`` fails when a new target appears):

=================  =================================================================================
make target        what runs here
=================  =================================================================================
lab, check         ``workspace sync`` (before and after a course update) and ``workspace check``
exercises          ``mvcalc-build-exercises`` (refuses: answers in exercises/)
check-exercises    ``mvcalc-build-exercises --check``
release            ``mvcalc-release`` into the course's dist/student, twice (the second keeps work/)
notebooks          ``mvcalc-run-notebooks`` on a small notebook: it writes only the paths it is
                   given (default ``notebooks/*.ipynb``), never work/ or exercises/ — running every
                   chapter here would take minutes for nothing more
(grading)          ``mvcalc-grade`` on the answered notebooks (opened read-only)
(nbgrader)         ``nbgrader generate_assignment`` deletes the release folder before writing; the
                   course's nbgrader_config.py refuses first (tests/test_grading_generate.py)
test, test-fast,   not run: they write only to pytest's temporary folders, artifacts/ and, for
test-notebooks,    bench, nothing; ``make -n`` shows no command that touches work/ or exercises/
bench, help
lab-repo           serves the repository: writes only what the user saves
clean              ``make -n clean``: removes .venv, caches, artifacts, dist — never work/
upgrade            newest versions in a separate .venv-upgrade-*; re-executes *copies* of the chapters
                   and prints the diff; writes notebooks/ and constraints.txt only with WRITE=1 —
                   never work/ or exercises/ (not run: it downloads and installs every package)
=================  =================================================================================
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grading_support import REPO, cell_index, submission, write

pytestmark = pytest.mark.slow
CHAPTER = "01_partial_derivatives"
COVERED = {"lab", "check", "exercises", "check-exercises", "release", "notebooks"}
NOT_RUN = {"test", "test-fast", "test-notebooks", "bench", "help", "lab-repo", "clean", "upgrade"}


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _py(*args, cwd):
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=900,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(cwd),
                               "MPLBACKEND": "Agg"})


def _here(main, *args, capsys):
    """A command's main() in this process (same code as ``_py``, without the start-up):
    an object with returncode, stdout and stderr."""
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out.out, out.err)


def _phony_targets() -> set[str]:
    text = (REPO / "Makefile").read_text()
    return set(re.search(r"^\.PHONY:(.*)$", text, re.M).group(1).split())


def test_every_make_target_is_covered():
    assert _phony_targets() == COVERED | NOT_RUN


@pytest.mark.parametrize("target", sorted(NOT_RUN - {"help"}))
def test_targets_not_run_here_never_touch_answers(target):
    proc = subprocess.run(["make", "-n", "--no-print-directory", target], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    commands = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    for ln in commands:
        assert not re.search(r"rm .*\bwork\b|rm .*exercises|rm .*notebooks|--force", ln), ln


def test_answers_survive_every_command(tmp_path, capsys):
    """Each command runs once as a real command (``_py``); where it runs twice, the other run
    calls its main() in this process."""
    from mvcalc_helpers import release, workspace
    from mvcalc_helpers.grading import generate

    course = tmp_path / "course"
    for part in ("notebooks", "exercises", "solutions", "mvcalc_helpers"):
        shutil.copytree(REPO / part, course / part, ignore=shutil.ignore_patterns("__pycache__"))
    for f in ("pyproject.toml", "LICENSE", "Makefile", "nbgrader_config.py"):
        shutil.copy(REPO / f, course / f)
    key = REPO / "solutions" / CHAPTER / f"{CHAPTER}.ipynb"

    # make lab (first step): the learner's copy
    assert _here(workspace.main, "sync", "--course", str(course), capsys=capsys).returncode == 0
    mine = course / "work" / "exercises" / CHAPTER / f"{CHAPTER}.ipynb"
    from mvcalc_helpers.grading.key import load_key

    qs = [q.qid for q in load_key(key).questions]
    answered = submission(key, answers={qs[0]: "right", qs[1]: "wrong:1"}, default="blank")
    write(answered, mine)
    chapter = course / "work" / "notebooks" / "03_gradient_descent.ipynb"
    nb = json.loads(chapter.read_text())
    nb["cells"].insert(1, {"cell_type": "markdown", "metadata": {}, "source": "my notes: ∇f ⟂ level sets"})
    chapter.write_text(json.dumps(nb))
    # the old habit: answers typed straight into exercises/
    in_place = course / "exercises" / CHAPTER / f"{CHAPTER}.ipynb"
    write(answered, in_place)
    precious = [mine, chapter, in_place]
    before = {p: _sha(p) for p in precious}

    def intact(step):
        changed = [str(p.relative_to(course)) for p in precious if _sha(p) != before[p]]
        assert not changed, f"{step} changed {changed}"

    # make exercises / make check-exercises
    gen = ["--solutions", str(course / "solutions"), "--exercises", str(course / "exercises")]
    proc = _py("-m", "mvcalc_helpers.grading.generate", *gen, cwd=course)
    assert proc.returncode == 1 and "REFUSED" in proc.stderr, proc.stdout + proc.stderr
    intact("make exercises")
    proc = _here(generate.main, *gen, "--check", capsys=capsys)
    assert proc.returncode == 1 and "answered" in proc.stdout and "STALE" not in proc.stdout
    intact("make check-exercises")

    # make lab again after a course update: chapters 2 (untouched by the learner) and 3 (edited) change
    for stem in ("02_chain_rule_jacobian", "03_gradient_descent"):
        nb = json.loads((course / "notebooks" / f"{stem}.ipynb").read_text())
        nb["cells"][0]["source"] = "".join(nb["cells"][0]["source"]) + "\n\n(updated)"
        (course / "notebooks" / f"{stem}.ipynb").write_text(json.dumps(nb))
    proc = _py("-m", "mvcalc_helpers.workspace", "sync", "--course", str(course), cwd=course)
    assert proc.returncode == 0, proc.stderr
    assert "updated     notebooks/02_chain_rule_jacobian.ipynb" in proc.stdout, proc.stdout
    assert "kept        notebooks/03_gradient_descent.ipynb (you changed it)" in proc.stdout, proc.stdout
    work_nb = course / "work" / "notebooks"
    assert (work_nb / "02_chain_rule_jacobian.ipynb").read_bytes() == \
        (course / "notebooks" / "02_chain_rule_jacobian.ipynb").read_bytes()
    assert (work_nb / "03_gradient_descent.course-update.ipynb").read_bytes() == \
        (course / "notebooks" / "03_gradient_descent.ipynb").read_bytes()
    intact("make lab after a course update")

    # make check (the self-check runs the learner's notebook on a copy)
    proc = _py("-m", "mvcalc_helpers.workspace", "check", "--course", str(course), str(mine), cwd=course)
    assert proc.returncode == 0 and f"{qs[0]}: ✓" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-3000:]
    intact("make check")

    # make release, twice, into the course's own dist/student (a student's work/ there survives)
    dist = course / "dist" / "student"
    assert _here(release.main, str(dist), "--course", str(course), capsys=capsys).returncode == 0
    write(answered, dist / "work" / "exercises" / CHAPTER / f"{CHAPTER}.ipynb")
    precious.append(dist / "work" / "exercises" / CHAPTER / f"{CHAPTER}.ipynb")
    before[precious[-1]] = _sha(precious[-1])
    proc = _py("-m", "mvcalc_helpers.release", str(dist), "--course", str(course), cwd=course)
    assert proc.returncode == 0, proc.stderr
    intact("make release")

    # make notebooks: writes only the notebooks it is given
    scratch = course / "notebooks" / "zz_scratch.ipynb"
    write({"cells": [{"cell_type": "code", "metadata": {}, "source": "1 + 1", "outputs": [],
                      "execution_count": None}], "metadata": {"kernelspec": {"name": "python3",
                      "display_name": "Python 3", "language": "python"}}, "nbformat": 4,
           "nbformat_minor": 5}, scratch)
    proc = _py("-m", "mvcalc_helpers.notebook_tools", str(scratch), cwd=course)
    assert proc.returncode == 0, proc.stderr[-2000:]
    intact("make notebooks")

    # grading the answered notebooks
    subs = tmp_path / "submitted" / "ann" / CHAPTER
    subs.mkdir(parents=True)
    shutil.copy(mine, subs / f"{CHAPTER}.ipynb")
    proc = _py("-m", "mvcalc_helpers.grading.cli", str(tmp_path / "submitted"), "--key",
               str(course / "solutions"), "--out", str(tmp_path / "grades"), "--jobs", "1",
               "--no-progress", cwd=tmp_path)   # the repository's package, not the copy in course/
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _sha(subs / f"{CHAPTER}.ipynb") == before[mine]
    intact("mvcalc-grade")
    first = cell_index(json.loads(mine.read_text()), load_key(key).questions[0].answer_id)
    assert "NotImplementedError" not in json.loads(mine.read_text())["cells"][first]["source"]
