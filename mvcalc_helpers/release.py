"""``mvcalc-release DEST`` (``make release`` → ``dist/student/``): the student edition of the course.

The edition is what students receive — as its own git repository, a zip, an nbgitpuller link
or nbgrader's release folder (README, "For instructors — giving the course to students"):

=========================  ==================================================================
in the edition             from the course
=========================  ==================================================================
``notebooks/``             the chapters, outputs stored, as in the repository
``exercises/``             the exercise notebooks generated from ``solutions/`` (stubs, visible
                           checks only; re-generated here, so a stale or answered
                           ``exercises/`` in the instructor's checkout never ships)
``mvcalc_helpers/``        the helper package **without** ``grading/`` (key reader, grader,
                           exercise generator, authoring tools)
``pyproject.toml``         the course's runtime dependencies minus the grading-only ones
``environment.yml``        the same dependencies for conda / Binder
``README.md``, ``Makefile``  two commands: ``make lab`` and ``make check`` (the self-check)
``LICENSE``, ``.gitignore``
=========================  ==================================================================

Nothing of the key ships: no ``solutions/``, no answer, no hidden test, no ``# WRONG:`` line,
no tests folder, no ``nbgrader_config.py``. The exercise notebooks keep the *fingerprints* their
visible checks compare against (:func:`mvcalc_helpers.checking.fingerprint`): salted SHA-256
hashes of the expected values at three fixed points, rounded to 10 significant digits (numbers,
arrays: the values themselves; choices: the option). A fingerprint lets a learner learn exactly
what running the visible check teaches — whether a candidate answer is right — and nothing
more: it holds no expression, no digits, and no hidden-test input (the hidden tests check other
points and cases, and are stripped). It cannot be left out without losing the instant feedback.
After writing, the release scans every text file it produced for every answer line and
hidden-test line of the key and fails (exit 1) if one is found. The only lines it lets through are
those the course teaches openly: a key line that also stands in a chapter notebook or in the
helper package's code (e.g. chapter 7's backward pass ``dW2 = Z.T @ dO`` in ``nn.py``, which an
exercise asks students to rebuild; or ``rng = np.random.default_rng(5)``), and only in those
files — never in an exercise notebook, a README or anything else. :func:`shared_with_course`
lists them and ``mvcalc-release`` prints how many there are.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

__all__ = ["REPO", "GRADING_ONLY", "key_lines", "shared_with_course", "build_release", "find_leaks", "main"]

REPO = Path(__file__).resolve().parent.parent
# runtime dependencies only the instructor's grading needs
GRADING_ONLY = {"nbgrader"}

# what a rebuild keeps in DEST (not part of the edition): a student's answers, git, a venv
_KEPT = ("work", ".git", ".venv")

_BEGIN = re.compile(r"^\s*### BEGIN (SOLUTION|HIDDEN TESTS)")
_END = re.compile(r"^\s*### END (SOLUTION|HIDDEN TESTS)")


def key_lines(solutions: Path | str = REPO / "solutions") -> set[str]:
    """Every non-blank line (stripped) of every answer, hidden test and ``# WRONG:`` variant of the
    keys — except a line that also stands in a visible part of the key (a visible check, the setup,
    a question's text), which every student sees anyway.

    >>> lines = key_lines(REPO / "tests/fixtures/grading/solutions")
    >>> len(lines) > 10, any(ln.startswith("# WRONG:") for ln in lines)
    (True, True)
    """
    import json

    secret, public = set(), set()
    for path in sorted(Path(solutions).glob("*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            inside = False
            for line in src.splitlines():
                if _BEGIN.match(line):
                    inside = True
                elif _END.match(line):
                    inside = False
                elif line.strip():
                    (secret if inside or "# WRONG:" in line else public).add(line.strip())
    return secret - public


def _text_lines(path: Path) -> set[str]:
    """Stripped lines of a text file; for a notebook, of its cell sources and text outputs."""
    import json

    try:
        raw = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return set()
    chunks = [raw]
    if path.suffix == ".ipynb":
        try:
            nb = json.loads(raw)
        except ValueError:
            nb = {"cells": []}
        for cell in nb.get("cells", []):
            chunks.append("".join(cell.get("source", [])))
            for o in cell.get("outputs", []):
                chunks.append("".join(o.get("text", [])))
                for mime, value in (o.get("data") or {}).items():
                    if mime.startswith("text/"):
                        chunks.append("".join(value))
    return {ln.strip() for chunk in chunks for ln in chunk.splitlines() if ln.strip()}


def _teaching_files(root: Path) -> list[Path]:
    """The chapters and the helper package's code (without grading/) under ``root``."""
    root = Path(root)
    pkg = [p for p in sorted(root.glob("mvcalc_helpers/**/*.py"))
           if "grading" not in p.relative_to(root).parts and p.name != "release.py"]
    return sorted(root.glob("notebooks/*.ipynb")) + pkg


def shared_with_course(course: Path | str = REPO, solutions: Path | str | None = None) -> set[str]:
    """Key lines that also stand in the course's chapters or helper package — taught openly.

    >>> shared = shared_with_course()
    >>> len(shared) < len(key_lines()) / 10        # a handful of lines, not the key
    True
    """
    course = Path(course)
    secret = key_lines(solutions or course / "solutions")
    return {ln for f in _teaching_files(course) for ln in _text_lines(f) & secret}


def find_leaks(dest: Path | str, solutions: Path | str = REPO / "solutions",
               taught: set[str] | frozenset = frozenset()) -> list[str]:
    """``["path: line", ...]`` for every key line found in a file under ``dest`` (empty = no leak).

    Lines in ``taught`` (see :func:`shared_with_course`) are let through in the chapters and the
    package only; an exercise notebook or any other file may hold none.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> fixture = REPO / "tests/fixtures/grading/solutions"
    >>> _ = (d / "ok.py").write_text("print('hello')\\n")
    >>> find_leaks(d, fixture)
    []
    >>> line = sorted(key_lines(fixture))[0]
    >>> _ = (d / "bad.py").write_text(line + "\\n")
    >>> find_leaks(d, fixture) == find_leaks(d, fixture, taught={line}) == ["bad.py: " + line]
    True
    """
    secret = key_lines(solutions)
    leaks = []
    dest = Path(dest)
    teaching = set(_teaching_files(dest))
    for path in sorted(dest.rglob("*")):
        parts = path.relative_to(dest).parts
        if path.is_file() and parts[0] not in _KEPT and "__pycache__" not in parts:
            rel = path.relative_to(dest).as_posix()
            found = _text_lines(path) & secret
            if path in teaching:
                found -= set(taught)
            leaks += [f"{rel}: {ln}" for ln in sorted(found)]
    return leaks


def _dep_name(spec: str) -> str:
    return re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].strip().lower()


def _project(course: Path) -> dict:
    """pyproject.toml's ``[project]`` table (tomllib on Python ≥ 3.11, else the few keys by regex)."""
    text = (course / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib
    except ImportError:  # Python 3.10
        def value(key):
            return re.search(rf'^{key}\s*=\s*"([^"]*)"', text, re.M).group(1)
        block = re.search(r"^dependencies\s*=\s*\[(.*?)\]", text, re.S | re.M).group(1)
        return {"version": value("version"), "description": value("description"),
                "requires-python": value("requires-python"),
                "dependencies": re.findall(r'"([^"]+)"', block)}
    return tomllib.loads(text)["project"]


def _dependencies(course: Path) -> list[str]:
    return [d for d in _project(course)["dependencies"] if _dep_name(d) not in GRADING_ONLY]


def _pyproject(course: Path) -> str:
    data = {"project": _project(course)}
    deps = "".join(f'    "{d}",\n' for d in _dependencies(course))
    return f'''[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

# The student edition of mvcalc (made by mvcalc-release): the chapters, the exercises and the
# helper package, without the grading tools. `make lab` installs it into .venv.
[project]
name = "mvcalc-student"
version = "{data["project"]["version"]}"
description = "{data["project"]["description"]} (student edition)"
readme = "README.md"
requires-python = "{data["project"]["requires-python"]}"
license = "MIT"
license-files = ["LICENSE"]
# environment.yml declares the same set
dependencies = [
{deps}]

[tool.setuptools.packages.find]
include = ["mvcalc_helpers*"]
'''


def _environment(course: Path) -> str:
    deps = "".join(f"  - {d}\n" for d in _dependencies(course))
    return f"""# conda / mamba / Binder environment for the student edition of mvcalc
# (the same dependencies as pyproject.toml):
#   conda env create -f environment.yml && conda activate mvcalc && jupyter lab
name: mvcalc
channels:
  - conda-forge
dependencies:
  - python>=3.10
  - pip
{deps}  - pip:
      - -e .
"""


_MAKEFILE = """\
# mvcalc, student edition — two commands on a machine with python3 (3.10+) and make:
#   make lab     create .venv, install the course, copy the notebooks to work/ (your copy: never
#                overwritten) and start JupyterLab on it (PORT=8888 by default)
#   make check   the self-check: your setup, then the visible checks of every exercise in work/
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8888
IP     ?= 127.0.0.1

.PHONY: lab check help

help:
\t@echo "make lab     start JupyterLab on your copy of the course, work/ (PORT=$(PORT))"
\t@echo "make check   check your setup and run the visible checks of your exercises"

$(PY):
\t$(PYTHON) -m venv $(VENV)
\t$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-course: pyproject.toml | $(PY)
\t$(PY) -m pip install --quiet -e .
\t$(PY) -m mvcalc_helpers._setup prune
\t@touch $@

lab: $(VENV)/.installed-course
\t$(PY) -m mvcalc_helpers.workspace sync --course "$(CURDIR)" --work "$(CURDIR)/work"
\t@echo "Starting JupyterLab on http://$(IP):$(PORT)/lab  (the token is printed below; Ctrl-C stops it)"
\t$(VENV)/bin/jupyter lab --no-browser --ip=$(IP) --port=$(PORT) --ServerApp.port_retries=0 \\
\t    --ServerApp.root_dir="$(CURDIR)/work" \\
\t    --LabApp.default_url=/lab/tree/notebooks/00_contents.ipynb \\
\t    $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

check: $(VENV)/.installed-course
\t$(PY) -m mvcalc_helpers.workspace sync --course "$(CURDIR)" --work "$(CURDIR)/work"
\t$(PY) -m mvcalc_helpers.workspace check --course "$(CURDIR)" --work "$(CURDIR)/work"
"""

_GITIGNORE = """.venv/
__pycache__/
*.egg-info/
.ipynb_checkpoints/
# your own copy of the course (make lab): your answers live here, out of git's way
work/
"""

_README = """\
# Multivariable Calculus for Deep Learning — student edition

An open course in JupyterLab, from partial derivatives to backpropagation: seven chapters
(`notebooks/`), each with sliders that move a plot, and an exercise notebook per chapter
(`exercises/`) whose check cells tell you at once whether an answer is right — and what is
wrong with it — without giving the answer away.

## Two commands

On a machine with `python3` (3.10 or newer) and `make`:

```console
$ make lab      # installs the course into .venv, then starts JupyterLab on your copy, work/
$ make check    # self-check: your setup, then the visible checks of every exercise in work/
```

`make lab` prints a URL with a token: open it in a browser; the contents page opens. Run its
setup check first: every line should start with ✓ and a slider should appear. `make lab PORT=9000`
uses another port. Without `make`: `python3 -m venv .venv && .venv/bin/pip install -e .`, then
`.venv/bin/python -m mvcalc_helpers.workspace sync` and `.venv/bin/jupyter lab work`.
With conda: `conda env create -f environment.yml && conda activate mvcalc`.

## Your work lives in `work/`

The first `make lab` copies the chapters and the exercises into `work/`, and JupyterLab opens
that folder: type your answers there. Nothing ever overwrites a notebook you changed — when your
instructor publishes an update (`git pull`, a new zip), `make lab` replaces only the copies you
never touched; for a notebook you changed, the new version appears beside it as
`NAME.course-update.ipynb`. `work/` is ignored by git, so pulling an update never conflicts with
your answers. To hand in an exercise, submit `work/exercises/NN_topic/NN_topic.ipynb` the way your
instructor tells you.

## Working through a chapter

1. Open a chapter, **Run → Run All Cells**, read it top to bottom; every result is computed and
   checked. Change a function or a point and re-run a cell to see what changes.
2. Move the sliders: each explorer redraws its figure and prints the key number.
3. Open the chapter's exercises, replace each `raise NotImplementedError()` with your answer and
   run the check cell below it: `✓ Correct — …`, or what is wrong ("at (x, y) = (1, 2) your ∂z/∂x
   is 16, expected a value that depends on y …"). `make check` runs all of them at once (on a
   copy: it never changes your notebooks).

Your instructor grades the saved notebook with hidden tests as well, so a ✓ here is necessary
but not always sufficient. The helpers are one import away: `import mvcalc_helpers as mh`, and
`help(mh.gradient)` shows how each one is used.
"""


def build_release(dest: Path | str, course: Path | str = REPO, *, force: bool = False) -> list[Path]:
    """Write the student edition into ``dest``; returns the files written (relative to ``dest``).

    ``dest`` must be empty or absent, or a previous edition (it holds ``.mvcalc-edition``) —
    then it is replaced, except a ``work/`` folder and a ``.git`` in it, which are kept.
    """
    from .grading.generate import chapters, exercise_text

    course, dest = Path(course).resolve(), Path(dest)
    if dest.exists() and any(dest.iterdir()):
        if not (dest / ".mvcalc-edition").exists() and not force:
            raise FileExistsError(f"{dest} exists and is not a student edition made by mvcalc-release; "
                                  f"choose an empty folder (or --force)")
        for child in dest.iterdir():
            if child.name in _KEPT:
                continue  # a student's answers, the edition's own history, its environment
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for nb in sorted((course / "notebooks").glob("*.ipynb")):
        (dest / "notebooks").mkdir(exist_ok=True)
        shutil.copyfile(nb, dest / "notebooks" / nb.name)
    for key in chapters(course / "solutions"):
        name = key.parent.name
        (dest / "exercises" / name).mkdir(parents=True, exist_ok=True)
        (dest / "exercises" / name / f"{name}.ipynb").write_text(exercise_text(key), encoding="utf-8")
    shutil.copytree(course / "mvcalc_helpers", dest / "mvcalc_helpers",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "grading", "release.py"))
    del ignore
    init = dest / "mvcalc_helpers" / "__init__.py"  # the package table: no grading/ in this edition
    init.write_text("".join(ln for ln in init.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not ln.startswith("``grading``")), encoding="utf-8")
    (dest / "pyproject.toml").write_text(_pyproject(course), encoding="utf-8")
    (dest / "environment.yml").write_text(_environment(course), encoding="utf-8")
    (dest / "Makefile").write_text(_MAKEFILE, encoding="utf-8")
    (dest / "README.md").write_text(_README, encoding="utf-8")
    (dest / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
    shutil.copyfile(course / "LICENSE", dest / "LICENSE")
    (dest / ".mvcalc-edition").write_text("student edition made by mvcalc-release\n", encoding="utf-8")
    leaks = find_leaks(dest, course / "solutions", shared_with_course(course))
    if leaks:
        raise RuntimeError("the edition would contain lines of the key:\n  " + "\n  ".join(leaks[:20]))
    return sorted(p.relative_to(dest) for p in dest.rglob("*")
                  if p.is_file() and p.relative_to(dest).parts[0] not in _KEPT)


def main(argv=None) -> int:
    """Command line: ``mvcalc-release DEST`` writes the student edition into ``DEST``."""
    parser = argparse.ArgumentParser(prog="mvcalc-release", description=__doc__.splitlines()[0])
    parser.add_argument("dest", help="folder to write the edition into (make release: dist/student)")
    parser.add_argument("--course", default=str(REPO), help="the course repository (default: this one)")
    parser.add_argument("--force", action="store_true",
                        help="write into a non-empty folder that is not a previous edition "
                             "(its work/ and .git are still kept)")
    args = parser.parse_args(argv)
    try:
        files = build_release(args.dest, args.course, force=args.force)
    except (FileExistsError, RuntimeError) as exc:
        print(f"mvcalc-release: {exc}", file=sys.stderr)
        return 1
    n_ex = sum(1 for f in files if f.parts[0] == "exercises")
    n_nb = sum(1 for f in files if f.parts[0] == "notebooks")
    print(f"student edition in {args.dest}: {n_nb} chapter notebooks, {n_ex} exercise notebooks, "
          f"{len(files)} files; no solutions, answers or hidden tests (scanned)")
    taught = shared_with_course(Path(args.course))
    if taught:
        print(f"note: {len(taught)} line(s) of the key also stand in the chapters or the helper package "
              f"(taught openly, e.g. {sorted(taught, key=len)[-1]!r}); they are nowhere else in the edition")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
