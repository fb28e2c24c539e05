"""The student edition (``mvcalc-release DEST``, ``make release``): nothing of the key in it, and
it installs and runs on its own — its setup check and an exercise's visible checks — in a fresh
virtualenv that does not see the course repository."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grading_support import REPO, submission, write
from mvcalc_helpers.grading.generate import chapters, exercise_text
from mvcalc_helpers.release import build_release, main

KEYS = chapters(REPO / "solutions")


def _key_lines() -> dict[str, str]:
    """line → where it comes from, for every answer line, hidden-test line and # WRONG: variant
    (read here from the raw JSON, independently of mvcalc_helpers.release.key_lines), minus the
    lines that also stand in a visible part of a key (a visible check, setup, text)."""
    out, public = {}, set()
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            src = "".join(cell["source"])
            hidden = ""
            for block in re.findall(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)[^\n]*\n(.*?)### END", src, re.S):
                hidden += block
                for ln in block.splitlines():
                    if ln.strip():
                        out[ln.strip()] = path.parent.name
            for ln in src.splitlines():
                if "# WRONG:" in ln:
                    out[ln.strip()] = path.parent.name
                    out[ln.split("# WRONG:", 1)[1].strip()] = path.parent.name  # the wrong code alone
            visible = re.sub(r"### BEGIN (SOLUTION|HIDDEN TESTS).*?### END (SOLUTION|HIDDEN TESTS)", "", src,
                             flags=re.S)
            public |= {ln.strip() for ln in visible.splitlines() if "# WRONG:" not in ln}
    return {ln: ch for ln, ch in out.items() if ln not in public}


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    dest = tmp_path_factory.mktemp("edition") / "student"
    assert main([str(dest)]) == 0
    return dest


def test_edition_holds_the_course_and_not_the_key(edition):
    files = {p.relative_to(edition).as_posix() for p in edition.rglob("*") if p.is_file()}
    for key in KEYS:
        name = key.parent.name
        rel = f"exercises/{name}/{name}.ipynb"
        assert (edition / rel).read_text(encoding="utf-8") == exercise_text(key)
    assert {f"notebooks/{p.name}" for p in (REPO / "notebooks").glob("*.ipynb")} <= files
    for must in ("README.md", "Makefile", "pyproject.toml", "environment.yml", "LICENSE", ".gitignore",
                 "mvcalc_helpers/checking.py", "mvcalc_helpers/workspace.py"):
        assert must in files, must
    forbidden = [f for f in files if f.startswith(("solutions/", "tests/", "mvcalc_helpers/grading/"))
                 or f in ("nbgrader_config.py", "mvcalc_helpers/release.py") or f.endswith(".pyc")]
    assert not forbidden
    py = (edition / "pyproject.toml").read_text()
    assert "nbgrader" not in py and "[project.scripts]" not in py and "pytest" not in py
    env = (edition / "environment.yml").read_text()
    deps = lambda text, pat: sorted(re.findall(pat, text, re.M))  # noqa: E731
    assert deps(py, r'^\s+"([^"]+)",$') == [d for d in deps(env, r"^  - ([a-z][^\s:]*[<>=][^\s]*)$")
                                                  if not d.startswith("python>")]
    readme = (edition / "README.md").read_text()
    assert "make lab" in readme and "make check" in readme and "solutions" not in readme
    makefile = (edition / "Makefile").read_text()
    assert re.search(r"^lab:", makefile, re.M) and re.search(r"^check:", makefile, re.M)


def _visible_lines(path: Path) -> set[str]:
    """Stripped lines of a file as a reader sees them (a notebook: its sources and text outputs)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":  # not JSON-escaped
        nb = json.loads(text)
        text += "\n".join("".join(c["source"]) + "\n" + "\n".join(
            "".join(o.get("text", "")) + "".join("".join(v) for k, v in o.get("data", {}).items()
                                                 if k.startswith("text/"))
            for o in c.get("outputs", [])) for c in nb["cells"])
    return {ln.strip() for ln in text.splitlines()}


def _taught(secret) -> set[str]:
    """Key lines that also stand in the course's chapters or its package (not grading/)."""
    files = list((REPO / "notebooks").glob("*.ipynb")) + [
        p for p in (REPO / "mvcalc_helpers").rglob("*.py")
        if "grading" not in p.parts and p.name != "release.py"]
    return {ln for f in files for ln in _visible_lines(f) if ln in secret}


def _edition_hits(root: Path, secret, taught) -> list:
    hits = []
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or rel.startswith(("work/", ".git/", ".venv/")):
            continue
        teaching = rel.startswith(("notebooks/", "mvcalc_helpers/"))
        hits += \
            [(rel, ln, secret[ln]) for ln in _visible_lines(path) if ln in secret
             and not (teaching and ln in taught)]
    return hits


def test_no_answer_or_hidden_test_line_anywhere_in_the_edition(edition):
    secret = _key_lines()
    assert len(secret) > 300  # every chapter's answers, hidden tests and wrong variants
    taught = _taught(secret)
    # what the chapters and the package teach openly is a handful of lines, not the key
    assert len(taught) < len(secret) / 10, sorted(taught)
    hits = _edition_hits(edition, secret, taught)
    assert not hits, hits[:20]
    # the exercises and every non-teaching file hold no key line at all, taught or not
    strict = [(f, ln) for f, ln, _ in _edition_hits(edition, secret, set()) if not f.startswith(
        ("notebooks/", "mvcalc_helpers/"))]
    assert not strict, strict[:20]


def test_a_leak_is_caught_and_an_unknown_folder_is_not_overwritten(tmp_path):
    dest = tmp_path / "not-an-edition"
    dest.mkdir()
    (dest / "thesis.tex").write_text("mine")
    assert main([str(dest)]) == 1
    assert (dest / "thesis.tex").read_text() == "mine"
    # a generator that let a hidden test through: the release refuses to finish
    import mvcalc_helpers.grading.generate as gen

    hidden = next(ln for ln, ch in _key_lines().items() if ch == KEYS[0].parent.name and "check" in ln)
    real = gen.exercise_text

    def leaky(path):
        nb = json.loads(real(path))
        nb["cells"][-1]["source"] = "".join(nb["cells"][-1]["source"]) + "\n" + hidden
        return json.dumps(nb)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(gen, "exercise_text", leaky)
        with pytest.raises(RuntimeError, match="lines of the key"):
            build_release(tmp_path / "leaky")


def test_rebuilding_keeps_a_learners_work_folder(edition, tmp_path):
    dest = tmp_path / "ed"
    build_release(dest)
    write({"cells": []}, dest / "work" / "exercises" / "mine.ipynb")
    build_release(dest)
    assert (dest / "work" / "exercises" / "mine.ipynb").exists()


@pytest.mark.slow
def test_the_edition_installs_and_runs_in_a_fresh_venv(edition, tmp_path):
    """A venv of its own (the shared venv's libraries on its path via a .pth line, so nothing is
    downloaded, but not the course repository's editable install): the edition installs with
    pip, its setup check passes, and the self-check grades an answered exercise's visible checks."""
    venv = tmp_path / "venv"
    # without its own pip and old setuptools: the shared ones (on the .pth path) install the edition
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    site = next(venv.glob("lib/python3*/site-packages"))
    shared = next(Path(p) for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
    (site / "shared-libraries.pth").write_text(str(shared) + "\n")   # a path, not its .pth hooks
    py = str(venv / "bin" / "python")
    proc = subprocess.run([py, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                           "--no-index", str(edition)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONNOUSERSITE": "1",
           "JUPYTER_PLATFORM_DIRS": "1", "JUPYTER_DATA_DIR": str(tmp_path / "jdata"),
           "MPLBACKEND": "Agg"}
    run = lambda *a, cwd=edition: subprocess.run([py, *a], cwd=cwd, env=env,  # noqa: E731
                                                  capture_output=True, text=True, timeout=900)
    where = run("-c", "import mvcalc_helpers, importlib.util as u; print(mvcalc_helpers.__file__); "
                      "print(u.find_spec('mvcalc_helpers.grading'))", cwd=tmp_path)  # not the edition's folder
    assert where.returncode == 0, where.stderr
    assert str(site) in where.stdout and str(REPO) not in where.stdout, where.stdout
    assert where.stdout.strip().endswith("None"), "the edition has no grading package"

    # the learner answers q1 right and q2 wrong in their copy, work/ (made by `make lab`'s sync)
    assert run("-m", "mvcalc_helpers.workspace", "sync").returncode == 0
    key = KEYS[0]
    name = key.parent.name
    mine = edition / "work" / "exercises" / name / f"{name}.ipynb"
    assert mine.exists()
    from mvcalc_helpers.grading.key import load_key

    qs = [q.qid for q in load_key(key).questions]
    answered = submission(key, answers={qs[0]: "right", qs[1]: "wrong:1"}, default="blank")
    write(answered, mine)
    before = mine.read_bytes()
    check = run("-m", "mvcalc_helpers.workspace", "check", str(mine.relative_to(edition)))
    assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-3000:]
    out = check.stdout
    assert "✓ numpy" in out and "✗" not in out.split("visible checks pass")[0], out
    assert re.search(rf"{qs[0]}: ✓ Correct", out), out
    assert re.search(rf"{qs[1]}: ✗ ", out), out
    assert re.search(rf"{qs[2]}: · not answered yet", out), out
    assert f"1/{len(qs)} visible checks pass" in out, out
    assert mine.read_bytes() == before, "the self-check changed the learner's notebook"
