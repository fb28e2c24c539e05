"""exercises/ is generated from solutions/ (deterministically, never stale), and every chapter key
has the required structure: ≥ 6 graded questions with points, a solution, hidden tests, a visible
check that does not contain the answer, and at least one '# WRONG:' answer."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grading_support import FIXTURE_KEY, REPO
from mvcalc_helpers.grading.generate import build_exercise, chapters, exercise_text
from mvcalc_helpers.grading.generate import main as generate_main
from mvcalc_helpers.grading.key import load_key

SOLUTIONS = chapters(REPO / "solutions")
ALL_KEYS = SOLUTIONS + [FIXTURE_KEY]
ids = [p.parent.name for p in ALL_KEYS]


def _cells(text):
    return json.loads(text)["cells"]


def _src(c):
    return "".join(c["source"]) if isinstance(c["source"], list) else c["source"]


@pytest.mark.parametrize("key_path", ALL_KEYS, ids=ids)
def test_generation_is_deterministic_and_strips_answers(key_path):
    a, b = exercise_text(key_path), exercise_text(key_path)
    assert a == b
    ex = json.loads(a)
    assert ex["metadata"]["mvcalc"]["chapter"] == key_path.parent.name
    for cell in ex["cells"]:
        src = _src(cell)
        assert "BEGIN SOLUTION" not in src and "# WRONG:" not in src
        assert "BEGIN HIDDEN TESTS" not in src
        assert not cell.get("outputs")
    key = load_key(key_path)
    answers = {c["metadata"]["nbgrader"]["grade_id"]: _src(c) for c in ex["cells"]
               if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    for q in key.questions:
        assert "raise NotImplementedError()" in answers[q.answer_id]


@pytest.mark.parametrize("key_path", SOLUTIONS, ids=[p.parent.name for p in SOLUTIONS])
def test_exercises_not_stale(key_path):
    name = key_path.parent.name
    dest = REPO / "exercises" / name / f"{name}.ipynb"
    assert dest.exists(), f"{dest} missing: run `make exercises`"
    assert dest.read_text(encoding="utf-8") == exercise_text(key_path), \
        f"{dest} is stale: run `make exercises` (mvcalc-build-exercises)"


def test_check_command_reports_stale(tmp_path):
    out = tmp_path / "ex"
    argv = ["--solutions", str(FIXTURE_KEY.parent.parent), "--exercises", str(out)]
    # the command itself once (its exit code); the same main() in this process after that
    proc = subprocess.run([sys.executable, "-m", "mvcalc_helpers.grading.generate", *argv, "--check"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "missing" in proc.stdout, proc.stdout + proc.stderr
    assert not out.exists()
    assert generate_main(argv) == 0
    assert generate_main(argv + ["--check"]) == 0
    f = out / "00_fixture" / "00_fixture.ipynb"
    f.write_text(f.read_text().replace("Question 1", "Question one"))
    assert generate_main(argv + ["--check"]) == 1


def test_generator_matches_nbgrader_stub_and_locking():
    import nbformat

    ex = build_exercise(nbformat.read(FIXTURE_KEY, as_version=4))
    meta = {c.metadata.nbgrader["grade_id"]: c.metadata for c in ex.cells}
    assert meta["q1_check"]["editable"] is False and meta["q1_check"]["deletable"] is False
    assert meta["setup"]["editable"] is False
    assert meta["q1_answer"].get("editable", True) is True
    assert all("checksum" in m.nbgrader for m in meta.values())


@pytest.mark.parametrize("key_path", ALL_KEYS, ids=ids)
def test_key_structure(key_path):
    key = load_key(key_path)
    nb = json.loads(key_path.read_text(encoding="utf-8"))
    gids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb["cells"]]
    assert len([g for g in gids if g]) == len(set(g for g in gids if g)), "grade_ids must be unique"
    assert "setup" in gids
    assert len(key.questions) >= 6, f"{key.chapter}: only {len(key.questions)} graded questions"
    texts = {c["metadata"]["nbgrader"]["grade_id"]: _src(c) for c in nb["cells"]
             if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}
    for q in key.questions:
        assert q.points > 0, q.qid
        assert q.answer_id == f"{q.qid}_answer" and q.check_id == f"{q.qid}_check"
        number = re.match(r"q(\d+)", q.qid).group(1)   # q4b: part (b) of question 4
        assert "### BEGIN SOLUTION" in q.answer_source, q.qid
        assert "### BEGIN HIDDEN TESTS" in q.check_source, q.qid
        assert q.wrong, f"{q.qid}: no '# WRONG:' line"
        assert "ck.check_" in q.visible_source, f"{q.qid}: no visible check"
        assert q.student_names, f"{q.qid}: the check does not look at any answer"
        text = texts.get(f"q{number}_text", "")
        assert re.search(r"\(\s*\d+\s*points?\s*\)", text), f"{q.qid}: heading must state the points"
        assert re.search(r"[Ss]ection", text), f"{q.qid}: the question must name its section"
        # the visible check never contains the literal solution line
        sol = [ln.strip() for ln in q.answer_source.splitlines()
               if "=" in ln and not ln.strip().startswith("#")]
        for line in sol:
            rhs = line.split("=", 1)[1].strip()
            if len(rhs) > 6:
                assert rhs not in q.visible_source, f"{q.qid}: visible check contains the answer {rhs!r}"


def _gen(out, *extra):
    cmd = [sys.executable, "-m", "mvcalc_helpers.grading.generate",
           "--solutions", str(FIXTURE_KEY.parent.parent), "--exercises", str(out), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def _gen_here(capsys, out, *extra):
    """The same command's main() in this process: ``(exit code, stdout, stderr)``."""
    capsys.readouterr()
    code = generate_main(["--solutions", str(FIXTURE_KEY.parent.parent), "--exercises", str(out), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_generation_refuses_to_overwrite_answers_and_check_says_so(tmp_path, capsys):
    out = tmp_path / "ex"
    assert _gen_here(capsys, out)[0] == 0
    f = out / "00_fixture" / "00_fixture.ipynb"
    nb = json.loads(f.read_text())
    i = next(k for k, c in enumerate(nb["cells"]) if c["metadata"]["nbgrader"]["grade_id"] == "q1_answer")
    nb["cells"][i]["source"] = "dz_dx = 6*x*y**2   # my answer"
    nb["cells"].append({"cell_type": "code", "metadata": {}, "source": "scratch = 1", "outputs": [],
                        "execution_count": None})
    f.write_text(json.dumps(nb))
    answered = f.read_bytes()

    proc = _gen(out)                                        # make exercises: the real command
    assert proc.returncode == 1 and f.read_bytes() == answered
    assert "REFUSED" in proc.stderr and "q1_answer" in proc.stderr and "1 added cell" in proc.stderr
    assert "--force" in proc.stderr

    code, stdout, _ = _gen_here(capsys, out, "--check")     # make check-exercises
    assert code == 1 and f.read_bytes() == answered
    assert "answered" in stdout and "will not overwrite it" in stdout
    assert "STALE" not in stdout and "run: make exercises" not in stdout
    assert "the rest matches solutions/" in stdout

    code, _, stderr = _gen_here(capsys, out, "--force")    # explicit: replaced, answers kept aside
    assert code == 0, stderr
    assert f.with_name(f.name + ".bak").read_bytes() == answered
    assert f.read_text() == exercise_text(FIXTURE_KEY)

    # an unanswered notebook whose course part is out of date is regenerated, and --check says so
    f.write_text(f.read_text().replace("Question 1", "Question one"))
    code, stdout, _ = _gen_here(capsys, out, "--check")
    assert code == 1 and "out of date" in stdout and "no answers in it" in stdout
    assert _gen_here(capsys, out)[0] == 0 and f.read_text() == exercise_text(FIXTURE_KEY)


@pytest.mark.slow                    # real nbgrader commands (~6 s)
def test_nbgrader_generate_assignment_writes_the_same_bytes(tmp_path):
    """nbgrader_config.py adds ChapterTag to nbgrader's own steps: `nbgrader generate_assignment`
    rewrites the tracked exercise with identical bytes, so `--check` and nbgrader agree."""
    import os
    import shutil

    course = tmp_path / "course"
    shutil.copytree(FIXTURE_KEY.parent, course / "solutions" / "00_fixture")
    shutil.copy(REPO / "nbgrader_config.py", course)
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
               PYTHONPATH=str(REPO))
    proc = subprocess.run([str(bin_dir / "nbgrader"), "generate_assignment", "00_fixture", "--force"],
                          cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    written = (course / "exercises" / "00_fixture" / "00_fixture.ipynb").read_text(encoding="utf-8")
    assert written == exercise_text(FIXTURE_KEY)
    assert json.loads(written)["metadata"]["mvcalc"] == {"chapter": "00_fixture"}

    # nbgrader would delete exercises/00_fixture/ before writing: with an answered notebook there,
    # the config stops it first
    f = course / "exercises" / "00_fixture" / "00_fixture.ipynb"
    nb = json.loads(written)
    i = next(k for k, c in enumerate(nb["cells"]) if c["metadata"]["nbgrader"]["grade_id"] == "q1_answer")
    nb["cells"][i]["source"] = "dz_dx = 6*x*y**2   # my answer"
    f.write_text(json.dumps(nb))
    answered = f.read_bytes()
    proc = subprocess.run([str(bin_dir / "nbgrader"), "generate_assignment", "00_fixture", "--force"],
                          cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0 and "hold answers" in proc.stdout + proc.stderr
    assert f.read_bytes() == answered
