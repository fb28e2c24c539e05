"""Build ``exercises/NN_topic/NN_topic.ipynb`` from ``solutions/NN_topic/NN_topic.ipynb``.

``mvcalc-build-exercises`` (``make exercises``) runs nbgrader's own preprocessors as a library
(no database, no nbgrader app): the result is what ``nbgrader generate_assignment`` writes —
solutions replaced by ``# YOUR CODE HERE`` stubs, hidden tests removed, outputs cleared, cells
locked, checksums computed. It also records the chapter in the notebook metadata
(``metadata.mvcalc.chapter``) so the grader can tell which chapter a renamed submission is.

``mvcalc-build-exercises`` never destroys a learner's answers: it refuses (exit 1, a message
saying why) to replace an exercise notebook whose answer cells, or cells the learner added,
differ from the generated ones; ``--force`` replaces it and keeps the old file as ``.ipynb.bak``.
``mvcalc-build-exercises --check`` (``make check-exercises``) never writes: it exits 1 when an
exercise notebook is missing, out of date, or holds answers, and says which of these it is.

``nbgrader generate_assignment`` writes the same bytes: ``nbgrader_config.py`` adds
:class:`ChapterTag` (the step that records ``metadata.mvcalc.chapter``) to nbgrader's own
preprocessors, and :func:`build_exercise` runs that same list.
"""
from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path

__all__ = ["REPO", "chapters", "build_exercise", "exercise_text", "render_intro", "render_summary",
           "frame_notebook", "sync_frames", "learner_work", "ChapterTag", "answered_releases", "main"]

REPO = Path(__file__).resolve().parents[2]


def chapters(solutions_dir: Path | str = REPO / "solutions") -> list[Path]:
    """The chapter notebooks ``<solutions_dir>/NN_topic/NN_topic.ipynb`` present, sorted.

    >>> [p.name for p in chapters(REPO / "tests/fixtures/grading/solutions")]
    ['00_fixture.ipynb']
    """
    root = Path(solutions_dir)
    return sorted(p / f"{p.name}.ipynb" for p in root.glob("[0-9][0-9]_*")
                  if (p / f"{p.name}.ipynb").is_file())


def _chapter_tag_class():
    from nbgrader.preprocessors import NbGraderPreprocessor

    class ChapterTag(NbGraderPreprocessor):
        """Record the chapter (nbgrader's assignment name) in ``metadata.mvcalc.chapter``, so the
        grader can tell which chapter a renamed submission is."""

        def preprocess(self, nb, resources):
            chapter = (resources.get("nbgrader") or {}).get("assignment")
            if chapter:
                nb.metadata.setdefault("mvcalc", {})["chapter"] = chapter
            return nb, resources

    return ChapterTag


def __getattr__(name):  # ChapterTag is built lazily: importing nbgrader takes seconds
    if name == "ChapterTag":
        cls = globals()["ChapterTag"] = _chapter_tag_class()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def nbgrader_preprocessors() -> list:
    """nbgrader's own ``generate_assignment`` steps followed by :class:`ChapterTag`.

    ``nbgrader_config.py`` sets ``c.GenerateAssignment.preprocessors`` to this list, so
    ``nbgrader generate_assignment`` and ``make exercises`` write byte-identical notebooks.

    >>> [p.__name__ for p in nbgrader_preprocessors()][-2:]
    ['CheckCellMetadata', 'ChapterTag']
    """
    from nbgrader.converters import GenerateAssignment

    import sys as _sys
    default = list(GenerateAssignment.class_traits()["preprocessors"].default())
    return default + [getattr(_sys.modules[__name__], "ChapterTag")]


def build_exercise(nb, chapter: str | None = None):
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
    from nbgrader.preprocessors import ClearSolutions, SaveCells

    nb = copy.deepcopy(nb)
    resources = {"nbgrader": {"assignment": chapter} if chapter else {}}
    for step in nbgrader_preprocessors():
        if step is SaveCells:  # writes nbgrader's database: not wanted (nor needed) here
            continue
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
    path = Path(solution_path)
    return _exercise_text(path.parent.name, path.read_bytes())


@functools.lru_cache(maxsize=32)
def _exercise_text(chapter: str, key_bytes: bytes) -> str:
    """exercise_text by the key's content (generation is deterministic; nbgrader's metadata
    validation makes one build take ~0.25 s, and tests build the same exercise many times)."""
    import nbformat

    nb = nbformat.reads(key_bytes.decode("utf-8"), as_version=4)
    ex = build_exercise(nb, chapter=chapter)
    return nbformat.writes(ex) + "\n"


# ------------------------------------------------------------------------------ intro and summary
# The first cell (``intro``) and the last cell (``summary``) of every set are rendered from the key
# itself (title and blurb from the notebook metadata ``mvcalc``, questions, points and time from
# the check cells), so the numbers a learner reads cannot drift from the questions.

HAND_IN = (
    "**How to hand it in.** Save the notebook under its name `{name}.ipynb` (do not rename it, and do "
    "not delete or copy cells: the grader finds your answers by the cells' ids) and submit it the way "
    "your course says — in JupyterLab's *Assignments* tab (nbgrader: *Submit*) or by uploading the "
    "file. It is graded by running it from top to bottom in a fresh kernel, so before you submit, "
    "restart the kernel and run the cells from the top (*Run All* stops at the first ✗; continue "
    "with *Run Selected Cell and All Below*), then read the last cell.")


def _question_groups(nb) -> list:
    """[(qid, points, visible_source)] of the check cells, in order."""
    from .key import strip_hidden
    from .rules import check_cells

    out = []
    for c in check_cells(nb):
        meta = c["metadata"]["nbgrader"]
        gid = meta["grade_id"]
        qid = gid[:-len("_check")] if gid.endswith("_check") else gid
        src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        out.append((qid, meta.get("points", 0), strip_hidden(src).strip()))
    return out


def _pts(p) -> str:
    p = float(p)
    return str(int(p)) if p.is_integer() else f"{p:g}"


def render_intro(nb, chapter: str) -> str:
    """The intro cell's markdown for the solutions notebook ``nb`` (a dict) of ``chapter``.

    >>> nb = {"metadata": {"mvcalc": {"title": "Partial derivatives", "about": "Limits."}},
    ...       "cells": [{"cell_type": "code", "source": "ck.check_number(a, 'fp')", "metadata": {
    ...           "nbgrader": {"grade": True, "solution": False, "grade_id": "q1_check", "points": 2},
    ...           "mvcalc": {"kind": "compute"}}}]}
    >>> print(render_intro(nb, "01_partial_derivatives").splitlines()[0])
    # Exercises 01 · Partial derivatives
    >>> "1 question · 2 points · about 5 minutes" in render_intro(nb, "01_partial_derivatives")
    True
    """
    from .rules import estimated_minutes, question_of

    mv = (nb.get("metadata", {}) or {}).get("mvcalc", {}) or {}
    number = chapter.split("_", 1)[0]
    groups = _question_groups(nb)
    n_q = len({question_of(q)[0] for q, _, _ in groups})
    n_parts = len(groups)
    points = sum(float(p) for _, p, _ in groups)
    title = mv.get("title", chapter)
    parts = f" ({n_parts} graded parts)" if n_parts != n_q else ""
    lines = [
        f"# Exercises {number} · {title}", "",
        f"Practice for [chapter {number} · {title}](../../notebooks/{chapter}.ipynb): {mv.get('about', '')}".rstrip(),
        "",
        f"**{n_q} question{'s' if n_q != 1 else ''}{parts} · {_pts(points)} point{'s' if points != 1 else ''}"
        f" · about {estimated_minutes(nb)} minutes.**",
        "",
    ]
    if mv.get("note"):
        lines += [mv["note"].strip(), ""]
    lines += [
        "**How to work.** Run the setup cell first. Write each answer in the cell marked "
        "`# YOUR CODE HERE` (delete the line `raise NotImplementedError()`), then run the check cell "
        "below it. ✓ means your answer has the properties the grader tests — the hidden tests check "
        "the same properties on more inputs, so a ✓ means full marks unless the question says "
        "otherwise; ✗ says what is wrong. A question with parts (a), (b), … has one answer cell "
        "and one check cell per part, and each part earns its own points. Run the last cell at any "
        "time: it lists which questions pass their checks now.",
        "",
        HAND_IN.format(name=chapter),
    ]
    return "\n".join(lines)


def render_summary(nb) -> str:
    """The last cell's code: re-runs every visible check and lists which questions pass now.

    >>> nb = {"metadata": {}, "cells": [{"cell_type": "code", "source": "ck.check_number(a, 'fp')",
    ...       "metadata": {"nbgrader": {"grade": True, "solution": False, "grade_id": "q1_check",
    ...                                 "points": 2}}}]}
    >>> print(render_summary(nb).splitlines()[-2])
        ("Question 1", 2, "ck.check_number(a, 'fp')"),
    """
    import json as _json

    from .rules import label

    rows = [f"    ({_json.dumps(label(q), ensure_ascii=False)}, {_pts(p)}, {_json.dumps(src, ensure_ascii=False)}),"
            for q, p, src in _question_groups(nb)]
    return "\n".join(["# Which questions pass their checks now? Run this cell at any time: it runs the",
                      "# visible checks above again (it changes nothing) and lists the result of each part.",
                      "ck.summary(globals(), [", *rows, "])"])


def frame_notebook(nb, chapter: str) -> bool:
    """Put the rendered intro (first cell) and summary (last cell) into the solutions notebook ``nb``
    (a dict, changed in place); True if anything changed."""
    import nbformat

    from .authoring import _meta

    intro, summary = render_intro(nb, chapter), render_summary(nb)
    cells = nb["cells"]

    def gid(c):
        return ((c.get("metadata", {}) or {}).get("nbgrader", {}) or {}).get("grade_id")

    def src(c):
        return "".join(c["source"]) if isinstance(c["source"], list) else c["source"]

    changed = False
    if cells and gid(cells[0]) == "intro":
        if src(cells[0]) != intro:
            cells[0]["source"], changed = intro, True
    else:
        cells.insert(0, nbformat.v4.new_markdown_cell(intro, metadata=_meta("intro")))
        changed = True
    if cells and gid(cells[-1]) == "summary":
        if src(cells[-1]) != summary:
            cells[-1]["source"], changed = summary, True
    else:
        cells.append(nbformat.v4.new_code_cell(summary, metadata=_meta("summary")))
        changed = True
    return changed


def sync_frames(solutions_dir, only=(), check: bool = False) -> list:
    """Re-render the intro and summary cells of every solutions notebook whose metadata has
    ``mvcalc.title`` (the sets that follow the format). Returns the notebooks that were (with
    ``check``: would be) changed."""
    import nbformat

    changed = []
    for path in chapters(solutions_dir):
        name = path.parent.name
        if only and name not in only:
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        if not ((nb.get("metadata", {}) or {}).get("mvcalc", {}) or {}).get("title"):
            continue
        if frame_notebook(nb, name):
            changed.append(path)
            if not check:
                nbformat.write(nbformat.from_dict(nb), str(path))
    return changed


def _cells_by_id(text: str):
    nb = json.loads(text)
    out, loose = {}, []
    for cell in nb.get("cells", []):
        src = "".join(cell["source"]) if isinstance(cell.get("source"), list) else cell.get("source", "")
        gid = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        if gid:
            out[gid] = (cell, src)
        else:
            loose.append(src)
    return out, loose


def learner_work(current_text: str, generated_text: str) -> list[str]:
    """What a learner wrote in ``current_text`` that regenerating would lose: the grade_ids of
    answer cells whose source differs from the generated stub, and cells the learner added.

    Outputs, execution counts and the locked cells (the course's part) are not learner work.

    >>> import json
    >>> cell = lambda gid, src, sol: {"cell_type": "code", "source": src, "outputs": [],
    ...     "metadata": {"nbgrader": {"grade_id": gid, "solution": sol}}, "execution_count": None}
    >>> blank = json.dumps({"cells": [cell("q1_answer", "raise NotImplementedError()", True),
    ...                               cell("q1_check", "ck.check(a)", False)]})
    >>> learner_work(blank, blank)
    []
    >>> mine = json.loads(blank); mine["cells"][0]["source"] = "a = 1"
    >>> mine["cells"].append({"cell_type": "code", "source": "scratch", "metadata": {}, "outputs": []})
    >>> learner_work(json.dumps(mine), blank)
    ['q1_answer', '1 added cell']
    """
    try:
        cur, cur_loose = _cells_by_id(current_text)
    except (ValueError, KeyError, TypeError, AttributeError):
        return ["the whole file (it is not a readable notebook)"]
    gen, gen_loose = _cells_by_id(generated_text)
    changed = []
    for gid, (cell, src) in cur.items():
        if not ((cell.get("metadata") or {}).get("nbgrader") or {}).get("solution"):
            continue
        if gid not in gen or gen[gid][1].strip() != src.strip():
            changed.append(gid)
    added = [s for s in cur_loose if s.strip() and s not in gen_loose]
    if added:
        changed.append(f"{len(added)} added cell{'s' if len(added) > 1 else ''}")
    return changed


def _course_part_matches(current_text: str, generated_text: str) -> bool:
    """True when everything but the learner's answers equals the generated notebook."""
    try:
        cur, _ = _cells_by_id(current_text)
    except (ValueError, KeyError, TypeError, AttributeError):
        return False
    gen, _ = _cells_by_id(generated_text)
    course = lambda d: {g: s.strip() for g, (c, s) in d.items()  # noqa: E731
                        if not ((c.get("metadata") or {}).get("nbgrader") or {}).get("solution")}
    return course(cur) == course(gen) and set(cur) == set(gen)


def answered_releases(argv: list[str], course: Path | str,
                      release: str = "exercises", source: str = "solutions") -> list[str]:
    """For ``nbgrader generate_assignment`` (called from ``nbgrader_config.py``): the release
    notebooks of the assignments named in ``argv`` that hold a learner's answers. nbgrader deletes
    the release folder before it writes (with ``--force``, or when the source is newer), so the
    check has to come before nbgrader starts.

    >>> answered_releases(["nbgrader", "autograde", "01_x"], REPO)     # other commands: nothing
    []
    >>> answered_releases(["nbgrader", "generate_assignment", "01_partial_derivatives"], REPO)
    []
    >>> import json, shutil, tempfile
    >>> course = Path(tempfile.mkdtemp())
    >>> _ = shutil.copytree(REPO / "tests/fixtures/grading/solutions", course / "solutions")
    >>> nb = json.loads(exercise_text(course / "solutions/00_fixture/00_fixture.ipynb"))
    >>> nb["cells"].append({"cell_type": "code", "metadata": {}, "source": "mine = 1", "outputs": [],
    ...                     "execution_count": None})
    >>> (course / "exercises/00_fixture").mkdir(parents=True)
    >>> _ = (course / "exercises/00_fixture/00_fixture.ipynb").write_text(json.dumps(nb))
    >>> [Path(p).name for p in answered_releases(["nbgrader", "generate_assignment", "*"], course)]
    ['00_fixture.ipynb']
    """
    args = [a for a in argv[1:] if not a.startswith("-")]
    if not args or args[0] != "generate_assignment":
        return []
    course = Path(course)
    # nbgrader takes a glob for the assignment ("*": every chapter); none: every chapter
    patterns = args[1:] or ["[0-9][0-9]_*"]
    names = sorted({p.name for pattern in patterns for p in (course / source).glob(pattern)})
    found = []
    for name in names:
        for src in sorted((course / source / name).glob("*.ipynb")):
            dest = course / release / name / src.name
            if not dest.exists():
                continue
            current = dest.read_text(encoding="utf-8", errors="replace")
            text = exercise_text(src)
            if current != text and learner_work(current, text):
                found.append(str(dest))
    return found


def main(argv=None) -> int:
    """Command line: (re)generate every exercise notebook, or ``--check`` them without writing."""
    parser = argparse.ArgumentParser(prog="mvcalc-build-exercises", description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", default=str(REPO / "solutions"), help="source folder (key)")
    parser.add_argument("--exercises", default=str(REPO / "exercises"), help="release folder")
    parser.add_argument("--check", action="store_true",
                        help="never write; exit 1 if an exercise notebook is missing, out of date "
                             "or holds answers (make check-exercises)")
    parser.add_argument("--force", action="store_true",
                        help="replace exercise notebooks even when they hold answers "
                             "(the old file is kept as NAME.ipynb.bak)")
    parser.add_argument("chapter", nargs="*", help="only these chapters (e.g. 01_partial_derivatives)")
    args = parser.parse_args(argv)
    out_root = Path(args.exercises)
    framed = sync_frames(args.solutions, args.chapter, check=args.check)
    for p in framed if args.check else []:
        print(f"out of date {p}  (its intro/summary cell; make exercises rewrites it)")
    differs, refused = (list(framed) if args.check else []), []
    for src in chapters(args.solutions):
        name = src.parent.name
        if args.chapter and name not in args.chapter:
            continue
        text = exercise_text(src)
        dest = out_root / name / f"{name}.ipynb"
        current = dest.read_text(encoding="utf-8", errors="replace") if dest.exists() else None
        if current == text:
            print(f"up to date  {dest}")
            continue
        work = learner_work(current, text) if current is not None else []
        if args.check:
            differs.append(dest)
            if current is None:
                print(f"missing     {dest}  (make exercises writes it)")
            elif work and _course_part_matches(current, text):
                print(f"answered    {dest}  holds answers ({', '.join(work)}); the rest matches "
                      f"solutions/. make exercises will not overwrite it.")
            elif work:
                print(f"answered    {dest}  holds answers ({', '.join(work)}) and the course part "
                      f"differs from solutions/. make exercises will not overwrite it; move the "
                      f"answers to your own copy (work/) first.")
            else:
                print(f"out of date {dest}  (no answers in it; make exercises regenerates it)")
            continue
        if work and not args.force:
            refused.append(dest)
            print(f"REFUSED     {dest} holds answers ({', '.join(work)}); not overwritten. "
                  f"Keep your work in your own copy (make lab uses work/); to replace this file "
                  f"anyway run mvcalc-build-exercises --force {name} (the old file is kept as "
                  f"{dest.name}.bak).", file=sys.stderr)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        note = ""
        if work:
            backup = dest.with_name(dest.name + ".bak")
            backup.write_text(current, encoding="utf-8")
            note = f"; the answered version was kept as {backup}"
        dest.write_text(text, encoding="utf-8")
        n_q = sum(1 for c in json.loads(text)["cells"]
                  if c.get("metadata", {}).get("nbgrader", {}).get("grade"))
        print(f"wrote       {dest}  ({n_q} graded questions){note}")
    return 1 if (differs or refused) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
