"""A learner's own copy of the course (``work/``) and the learner's self-check.

``make lab`` runs ``python -m mvcalc_helpers.workspace sync`` and then serves ``work/``, so a
learner types answers and notes only into ``work/`` — never into ``notebooks/`` or
``exercises/``, which a course update (``git pull``, a new edition) replaces. ``work/`` is
git-ignored, so pulling an update never conflicts with a learner's answers.

:func:`sync_workspace` never overwrites a file the learner changed:

* a notebook missing from ``work/`` is copied from the course;
* a copy the learner has not changed since it was made (its SHA-256 is the one recorded in
  ``work/.mvcalc-copies.json``) is replaced when the course's version changes — nothing of the
  learner's is lost;
* a copy the learner changed is left alone; when the course's version changed too, the new
  version is written beside it as ``NAME.course-update.ipynb`` (only if that name is free) and
  the learner is told.

``python -m mvcalc_helpers.workspace check`` (``make check``) is the self-check: the setup check
of the contents notebook, then every exercise notebook in ``work/`` run on a temporary copy (the
learner's file is never written), one line per question with its visible check's verdict.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

__all__ = ["course_files", "sync_workspace", "check_exercise", "main"]

MANIFEST = ".mvcalc-copies.json"


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def course_files(course: Path | str) -> list[Path]:
    """The notebooks a learner works in, relative to the course folder: the chapters and the exercises.

    >>> from mvcalc_helpers.grading.key import REPO
    >>> [p.as_posix() for p in course_files(REPO)][:2]
    ['notebooks/00_contents.ipynb', 'notebooks/01_partial_derivatives.ipynb']
    >>> any(p.parts[0] == "solutions" for p in course_files(REPO))
    False
    """
    root = Path(course)
    found = sorted(root.glob("notebooks/*.ipynb")) + sorted(root.glob("exercises/*/*.ipynb"))
    return [p.relative_to(root) for p in found if ".ipynb_checkpoints" not in p.parts]


def sync_workspace(course: Path | str, work: Path | str) -> list[str]:
    """Bring ``work/`` up to date with the course without losing anything the learner wrote.

    Returns one line per file that was copied, updated, or kept with a newer course version.

    >>> import tempfile, pathlib
    >>> course = pathlib.Path(tempfile.mkdtemp()); work = course / "work"
    >>> (course / "notebooks").mkdir()
    >>> _ = (course / "notebooks" / "01_a.ipynb").write_text("v1")
    >>> sync_workspace(course, work)
    ['copied      notebooks/01_a.ipynb']
    >>> _ = (work / "notebooks" / "01_a.ipynb").write_text("my answers")    # the learner works
    >>> _ = (course / "notebooks" / "01_a.ipynb").write_text("v2")          # a course update
    >>> sync_workspace(course, work)[0].split(";")[0]
    'kept        notebooks/01_a.ipynb (you changed it)'
    >>> (work / "notebooks" / "01_a.ipynb").read_text(), (work / "notebooks" / "01_a.course-update.ipynb").read_text()
    ('my answers', 'v2')
    """
    course, work = Path(course).resolve(), Path(work)
    work.mkdir(parents=True, exist_ok=True)
    manifest_path = work / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    lines = []
    for rel in course_files(course):
        src, dest, key = course / rel, work / rel, rel.as_posix()
        new_hash = _sha(src)
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            manifest[key] = new_hash
            lines.append(f"copied      {key}")
            continue
        have = _sha(dest)
        copied_from = manifest.get(key)
        if have == new_hash:
            manifest[key] = new_hash
            continue
        if copied_from == new_hash:
            continue  # the learner changed it; the course did not change since the copy
        if have == copied_from:  # untouched copy of an older course version: safe to update
            shutil.copyfile(src, dest)
            manifest[key] = new_hash
            lines.append(f"updated     {key} (you had not changed it)")
            continue
        # the learner changed it (or it predates the manifest) and the course changed: keep it
        update = dest.with_name(dest.name[:-len(".ipynb")] + ".course-update.ipynb")
        if not update.exists() or _sha(update) == manifest.get(key + "#update"):
            shutil.copyfile(src, update)
            manifest[key + "#update"] = new_hash
            where = f"the course's new version is {update.relative_to(work).as_posix()}"
        else:
            where = f"the course's new version is in {key} of the course folder"
        if copied_from is not None:
            manifest[key] = copied_from
        lines.append(f"kept        {key} (you changed it); {where}")
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return lines


# ------------------------------------------------------------------------------ self-check

def _src(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def _verdict(cell, answer_cell) -> str:
    """The check cell's verdict in one line, from its outputs after a run."""
    outputs = cell.get("outputs") or []
    for o in outputs:
        if o.get("output_type") == "error":
            if answer_cell is not None and any(
                    a.get("output_type") == "error" and a.get("ename") == "NotImplementedError"
                    for a in answer_cell.get("outputs") or []):
                return "· not answered yet (the answer cell still raises NotImplementedError)"
            text = o.get("evalue", "") or o.get("ename", "")
            return text if text.startswith("✗") else f"✗ {o.get('ename')}: {text}"
    lines = [ln.strip() for o in outputs if o.get("output_type") == "stream"
             for ln in _src({"source": o.get("text", "")}).splitlines() if ln.strip()]
    if not lines and cell.get("execution_count") is None:
        return "· not run (a cell above stopped the notebook)"
    return " ".join(dict.fromkeys(lines)) or "✓ passed"


def check_exercise(path: Path | str, timeout: int = 120) -> list[tuple[str, str]]:
    """Run an exercise notebook on a temporary copy; ``[(question, verdict)]`` of its checks.

    The learner's file is only read. Verdicts start with ✓ (the visible check passes),
    ✗ (it says what is wrong) or · (not answered / not run).
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="mvcalc-selfcheck-") as tmp:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": tmp}})
        client.execute()
    out, previous = [], None
    for cell in nb.cells:
        gid = (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id") or ""
        if gid.endswith("_check"):
            out.append((gid[:-len("_check")], _verdict(cell, previous)))
        if cell.get("cell_type") == "code":
            previous = cell
    return out


def _self_check(course: Path, work: Path, notebooks: list[str]) -> int:
    from .notebook_tools import check_setup

    rows = check_setup()
    print("setup check:")
    for _, ok, message in rows:
        print(("  ✓ " if ok else "  ✗ ") + message)
    if not all(ok for _, ok, _ in rows):
        print("fix the lines marked ✗ first (make lab installs everything)")
        return 1
    paths = [Path(p) for p in notebooks] or sorted(work.glob("exercises/*/*.ipynb")) \
        or sorted(course.glob("exercises/*/*.ipynb"))
    for p in paths:
        if not p.exists():
            print(f"{p}: no such notebook")
            return 1
        results = check_exercise(p)
        passed = sum(v.startswith("✓") for _, v in results)
        print(f"{p}: {passed}/{len(results)} visible checks pass")
        for q, verdict in results:
            print(f"  {q}: {verdict}")
    print("(the visible checks are the ones in the notebook; your instructor also grades with hidden tests)")
    return 0


def main(argv=None) -> int:
    """``sync`` (make lab's first step) or ``check`` (the self-check).

    >>> main(["check", "no_such.ipynb"]) in (0, 1)   # doctest: +ELLIPSIS
    setup check:
    ...
    True
    """
    parser = argparse.ArgumentParser(prog="python -m mvcalc_helpers.workspace",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["sync", "check"])
    parser.add_argument("notebooks", nargs="*", help="check: exercise notebooks (default: all in work/)")
    parser.add_argument("--course", default=".", help="the course folder (default: .)")
    parser.add_argument("--work", default=None, help="the learner's copy (default: COURSE/work)")
    args = parser.parse_intermixed_args(argv)
    course = Path(args.course)
    work = Path(args.work) if args.work else course / "work"
    if args.command == "sync":
        lines = sync_workspace(course, work)
        for line in lines:
            print(line)
        print(f"your copy of the course: {work}/ (make lab opens it; your answers stay there)")
        return 0
    return _self_check(course, work, args.notebooks)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
