"""Build ``exercises/NN_topic/NN_topic.ipynb`` from ``solutions/NN_topic/NN_topic.ipynb``.

``mvcalc-build-exercises`` (``make exercises``) runs nbgrader's own preprocessors as a library
(no database, no nbgrader app): the result is what ``nbgrader generate_assignment`` writes —
solutions replaced by ``# YOUR CODE HERE`` stubs, hidden tests removed, outputs cleared, cells
locked, checksums computed. It also records the chapter in the notebook metadata
(``metadata.mvcalc.chapter``) so the grader can tell which chapter a renamed submission is.

``mvcalc-build-exercises --check`` exits 1 when ``exercises/`` is stale.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["REPO", "chapters", "build_exercise", "exercise_text", "main"]

REPO = Path(__file__).resolve().parents[2]


def chapters(solutions_dir: Path | str = REPO / "solutions") -> list[Path]:
    """The chapter notebooks ``<solutions_dir>/NN_topic/NN_topic.ipynb`` present, sorted.

    >>> [p.name for p in chapters(REPO / "tests/fixtures/grading/solutions")]
    ['00_fixture.ipynb']
    """
    root = Path(solutions_dir)
    return sorted(p / f"{p.name}.ipynb" for p in root.glob("[0-9][0-9]_*")
                  if (p / f"{p.name}.ipynb").is_file())


def build_exercise(nb):
    """Return the exercise version of a solutions notebook (a new NotebookNode).

    >>> import nbformat
    >>> from mvcalc_helpers.grading import authoring as au
    >>> key = au.new_solutions_notebook([au.answer_cell("q1", "a = 1"),
    ...                                  au.check_cell("q1", 1, "ck.check_number(a, 'fp')", "assert a == 1")])
    >>> ex = build_exercise(key)
    >>> print(ex.cells[0].source)
    # YOUR CODE HERE
    raise NotImplementedError()
    >>> "assert a == 1" in ex.cells[1].source
    False
    """
    import copy

    from nbconvert.exporters import NotebookExporter
    from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearMarkScheme,
                                        ClearOutput, ClearSolutions, ComputeChecksums, LockCells)

    nb = copy.deepcopy(nb)
    resources = {"nbgrader": {}}
    steps = [LockCells, ClearSolutions, ClearOutput, CheckCellMetadata, ComputeChecksums,
             ClearHiddenTests, ClearMarkScheme, ComputeChecksums, CheckCellMetadata]
    for step in steps:
        pre = step()
        if isinstance(pre, ClearSolutions):
            pre.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
        nb, resources = pre.preprocess(nb, resources)
    del NotebookExporter  # imported for its side effect of registering nbconvert's machinery
    return nb


def exercise_text(solution_path: Path | str) -> str:
    """The exact text ``exercises/NN_topic/NN_topic.ipynb`` must have for this solutions notebook.

    >>> import json
    >>> text = exercise_text(REPO / "tests/fixtures/grading/solutions/00_fixture/00_fixture.ipynb")
    >>> json.loads(text)["metadata"]["mvcalc"], "BEGIN SOLUTION" in text
    ({'chapter': '00_fixture'}, False)
    """
    import nbformat

    path = Path(solution_path)
    nb = nbformat.read(path, as_version=4)
    ex = build_exercise(nb)
    ex.metadata.setdefault("mvcalc", {})["chapter"] = path.parent.name
    return nbformat.writes(ex) + "\n"


def main(argv=None) -> int:
    """Command line: (re)generate every exercise notebook, or ``--check`` that none is stale."""
    parser = argparse.ArgumentParser(prog="mvcalc-build-exercises", description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", default=str(REPO / "solutions"), help="source folder (key)")
    parser.add_argument("--exercises", default=str(REPO / "exercises"), help="release folder")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if an exercise notebook is missing or stale")
    parser.add_argument("chapter", nargs="*", help="only these chapters (e.g. 01_partial_derivatives)")
    args = parser.parse_args(argv)
    out_root = Path(args.exercises)
    stale = []
    for src in chapters(args.solutions):
        name = src.parent.name
        if args.chapter and name not in args.chapter:
            continue
        text = exercise_text(src)
        dest = out_root / name / f"{name}.ipynb"
        current = dest.read_text(encoding="utf-8") if dest.exists() else None
        if current == text:
            print(f"up to date  {dest.relative_to(out_root.parent) if out_root.parent in dest.parents else dest}")
            continue
        if args.check:
            stale.append(dest)
            print(f"STALE       {dest}  (run: make exercises)")
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
        n_q = sum(1 for c in json.loads(text)["cells"]
                  if c.get("metadata", {}).get("nbgrader", {}).get("grade"))
        print(f"wrote       {dest}  ({n_q} graded questions)")
    return 1 if stale else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
