"""Cell builders for solutions notebooks in nbgrader's format (see ``solutions/AUTHORING.md``).

Chapter authors who write notebooks from Python use these so the ``nbgrader`` cell metadata is
always right:

>>> from mvcalc_helpers.grading import authoring as au
>>> nb = au.new_solutions_notebook([
...     au.text_cell("intro", "# Exercises: Partial derivatives"),
...     au.setup_cell(symbols="x y"),
...     au.text_cell("q1_text", "### Question 1 (2 points)\\nCompute ∂z/∂x; name it `dz_dx`."),
...     au.answer_cell("q1", "dz_dx = 6*x*y**2", wrong=["dz_dx = 3*x*y**2"]),
...     au.check_cell("q1", 2, 'ck.check_expression(dz_dx, "<fingerprint>", name="∂z/∂x")',
...                   'ck.check_expression(dz_dx, 6*x*y**2, name="∂z/∂x")'),
... ])
>>> [c.metadata.nbgrader["grade_id"] for c in nb.cells]
['intro', 'setup', 'q1_text', 'q1_answer', 'q1_check']
>>> nb.cells[4].metadata.nbgrader["points"]
2
"""
from __future__ import annotations

__all__ = ["new_solutions_notebook", "setup_cell", "text_cell", "given_cell", "answer_cell", "make_submission",
           "check_cell", "SETUP_SOURCE"]

SETUP_SOURCE = """\
import numpy as np
import sympy as sp
import mvcalc_helpers as mh
from mvcalc_helpers import checking as ck
mh.setup_notebook()"""


def _meta(grade_id: str, *, solution=False, grade=False, locked=True, points=None) -> dict:
    meta = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": locked,
            "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def new_solutions_notebook(cells):
    """A notebook (nbformat v4, python3 kernel) holding ``cells``.

    >>> new_solutions_notebook([]).metadata.kernelspec["name"]
    'python3'
    """
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def text_cell(grade_id: str, markdown: str):
    """A locked markdown cell (title, question text).

    >>> text_cell("q1_text", "### Question 1").metadata.nbgrader["locked"]
    True
    """
    import nbformat

    return nbformat.v4.new_markdown_cell(markdown, metadata=_meta(grade_id))


def setup_cell(symbols: str | None = None, extra: str = ""):
    """The locked first code cell: imports, ``ck``, shared symbols.

    >>> print(setup_cell("x y").source.splitlines()[-1])
    x, y = sp.symbols("x y")
    """
    import nbformat

    src = SETUP_SOURCE
    if symbols:
        names = symbols.replace(",", " ").split()
        src += f'\n{", ".join(names)}{"," if len(names) == 1 else ""} = sp.symbols("{" ".join(names)}")'
    if extra:
        src += "\n" + extra.strip("\n")
    return nbformat.v4.new_code_cell(src, metadata=_meta("setup"))


def given_cell(grade_id: str, source: str):
    """A locked code cell with data the question gives (a function, a matrix); the grader runs it
    from the key, never from the student's copy.

    >>> given_cell("q2_given", "A = sp.Matrix([[2, 1], [1, 3]])").metadata.nbgrader["grade_id"]
    'q2_given'
    """
    import nbformat

    return nbformat.v4.new_code_cell(source, metadata=_meta(grade_id))


def answer_cell(qid: str, solution: str, *, prompt: str = "", wrong=()):
    """The student's answer cell ``<qid>_answer``; ``solution`` goes between the SOLUTION markers,
    each ``wrong`` answer (a plausible mistake that must score 0) as a ``# WRONG:`` line.

    >>> print(answer_cell("q1", "a = 1", prompt="# your answer", wrong=["a = 2"]).source)
    # your answer
    ### BEGIN SOLUTION
    a = 1
    # WRONG: a = 2
    ### END SOLUTION
    """
    import nbformat

    lines = [prompt] if prompt else []
    lines += ["### BEGIN SOLUTION", solution.strip("\n")]
    lines += [f"# WRONG: {w}" for w in wrong]
    lines += ["### END SOLUTION"]
    return nbformat.v4.new_code_cell("\n".join(lines),
                                     metadata=_meta(f"{qid}_answer", solution=True, locked=False))


def check_cell(qid: str, points: int, visible: str, hidden: str):
    """The locked, graded test cell ``<qid>_check``: visible checks, then hidden tests.

    >>> c = check_cell("q1", 2, "ck.check_number(a, 'fp')", "ck.check_number(a, 1)")
    >>> c.metadata.nbgrader["grade"], "### BEGIN HIDDEN TESTS" in c.source
    (True, True)
    """
    import nbformat

    src = "\n".join([visible.strip("\n"), "### BEGIN HIDDEN TESTS", hidden.strip("\n"),
                     "### END HIDDEN TESTS"])
    return nbformat.v4.new_code_cell(src, metadata=_meta(f"{qid}_check", grade=True, points=points))


def make_submission(key_path, answers=None, default: str = "right") -> dict:
    """A student's notebook (JSON dict) made from a key: the generated exercise with its answer
    cells filled in — for tests, benchmarks and demonstrations.

    ``answers`` maps a question id (``"q1"``) to ``"right"``, ``"blank"``, ``"wrong"`` /
    ``"wrong:K"`` (the K-th ``# WRONG:`` line, 1-based) or literal code; the others get ``default``.

    >>> from mvcalc_helpers.grading.key import REPO
    >>> key = REPO / "tests/fixtures/grading/solutions/00_fixture/00_fixture.ipynb"
    >>> nb = make_submission(key, {"q1": "wrong:2"})
    >>> [c["source"].splitlines()[-1] for c in nb["cells"]
    ...  if c["metadata"]["nbgrader"]["grade_id"] in ("q1_answer", "q2_answer")]
    ['dz_dx = 6*x*y', 'd_u = sp.Rational(10, 5)']
    """
    import json
    from pathlib import Path

    from .generate import exercise_text
    from .key import load_key, solution_variants

    def src(cell):
        return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]

    def gid(cell):
        return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")

    key_path = Path(key_path)
    key = load_key(key_path)
    key_nb = json.loads(key_path.read_text(encoding="utf-8"))
    key_answers = {gid(c): src(c) for c in key_nb["cells"] if gid(c)}
    nb = json.loads(exercise_text(key_path))
    answers = answers or {}
    by_answer = {q.answer_id: q for q in key.questions}
    for cell in nb["cells"]:
        q = by_answer.get(gid(cell))
        if q is None:
            continue
        how = answers.get(q.qid, default)
        right, wrongs = solution_variants(key_answers[q.answer_id])
        if how == "right":
            cell["source"] = right
        elif how == "blank":
            pass
        elif how.startswith("wrong"):
            k = int(how.split(":")[1]) - 1 if ":" in how else 0
            cell["source"] = wrongs[min(k, len(wrongs) - 1)]
        else:
            cell["source"] = how
    return nb
