"""``mvcalc-grade``: grade a folder of submissions against the solutions, in parallel.

Usage::

    mvcalc-grade SUBMISSIONS [--key solutions/] [--out grades/] [--jobs N] [--timeout 30]
    mvcalc-grade --verify 01_partial_derivatives [--key solutions/]

``SUBMISSIONS`` is nbgrader's ``submitted/<student>/<chapter>/<chapter>.ipynb`` layout (the folder
``submitted`` itself or a course folder containing it) or a flat folder of ``.ipynb`` files named
like ``alice_01_partial_derivatives.ipynb`` (the chapter comes from the file name, else from the
notebook's ``metadata.mvcalc.chapter``; the student is the rest of the file name).

Writes ``<out>/gradebook.csv`` (student, chapter, question, points, max_points; one ``TOTAL`` row per
student and chapter), ``<out>/feedback/<student>/<chapter>.md`` and ``.html``, and
``<out>/results.json``, ``<out>/summary.csv`` (one row per student, with flags) and, with
``--roster FILE``, ``<out>/lms_import.csv`` (see :mod:`.report`). Submissions are never modified.
"""
from __future__ import annotations

import argparse
import csv
import html
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main", "discover", "grade_all", "write_gradebook", "write_feedback", "verify_chapter",
           "verify_chapters"]

from .grader import clean_text  # noqa: E402
from .inputs import check_out_dir, csv_cell, safe_name  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------------------ discovery

def _chapter_from_metadata(path: Path) -> str | None:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 50_000_000:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        ch = data.get("metadata", {}).get("mvcalc", {}).get("chapter")
        return ch if isinstance(ch, str) else None
    except Exception:  # noqa: BLE001 - broken files are graded (and reported) later
        return None


def discover(root, chapters: list[str]) -> list[tuple[str, str, Path]]:
    """``[(student, chapter, path)]`` found under ``root`` (nbgrader layout or flat folder).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "alice" / "01_x").mkdir(parents=True)
    >>> _ = (d / "alice" / "01_x" / "01_x.ipynb").write_text("{}")
    >>> [(s, c, p.name) for s, c, p in discover(d, ["01_x"])]
    [('alice', '01_x', '01_x.ipynb')]
    >>> f = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (f / "bob_01_x.ipynb").write_text("{}")
    >>> [(s, c) for s, c, p in discover(f, ["01_x"])]
    [('bob', '01_x')]
    """
    root = Path(root)
    if (root / "submitted").is_dir():
        root = root / "submitted"
    found = []
    nested = sorted(p for p in root.glob("*/*/*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    for p in nested:
        student, chapter = p.parent.parent.name, p.parent.name
        if p.stem != chapter and (p.parent / f"{chapter}.ipynb").exists():
            continue  # an extra notebook beside the chapter's own (scratch work): not graded
        found.append((student, chapter, p))
    for p in sorted(root.glob("*.ipynb")):
        stem = p.stem
        chapter = next((c for c in sorted(chapters, key=len, reverse=True) if c in stem), None)
        if chapter is None:
            chapter = _chapter_from_metadata(p)
        if chapter is None and len(chapters) == 1:
            chapter = chapters[0]
        student = re.sub(r"[_\-. ]+$|^[_\-. ]+", "", stem.replace(chapter, "") if chapter else stem) or stem
        found.append((student, chapter or "?", p))
    return found


# ------------------------------------------------------------------------------ workers

_KEYS: dict = {}


def _key(path: str):
    from .key import load_key

    if path not in _KEYS:
        _KEYS[path] = load_key(path)
    return _KEYS[path]


def _grade_task(task: dict) -> dict:
    """The result of one task as a dict; with ``task["also"]`` (paths of more keys, see
    :func:`~mvcalc_helpers.grading.grader.grade_with_keys`) their results are in its ``"also"``."""
    from .grader import QuestionResult, SubmissionResult, grade_with_keys

    if task["key"] is None:
        r = SubmissionResult(task["student"], task["chapter"], task["path"],
                             notes=[f"✗ no solutions for chapter {task['chapter']!r}; not graded"])
        return r.to_dict()
    keys = [_key(k) for k in [task["key"], *task.get("also", [])]]
    try:
        rs = grade_with_keys(keys, task["path"], student=task["student"], timeout=task["timeout"],
                             deny=task["deny"], expected_chapter=task["chapter"], root=task.get("root"))
    except Exception as exc:  # noqa: BLE001 - a grader bug must not lose the other submissions
        rs = []
        for key in keys:
            r = SubmissionResult(task["student"], task["chapter"], task["path"])
            r.questions = [QuestionResult(q.qid, 0.0, q.points, "not graded",
                                          f"✗ grader error: {type(exc).__name__}: {exc}") for q in key.questions]
            r.notes.append(f"grader error: {exc}")
            rs.append(r)
    out = rs[0].to_dict()
    if task.get("also"):
        out["also"] = [r.to_dict() for r in rs[1:]]
    return out


def _preload(tasks: list[dict]) -> None:
    """Import the grader's libraries and run the keys' setup cells once, before the worker
    processes are forked, so each worker inherits them instead of paying the start-up again."""
    from . import grader, sandbox  # noqa: F401
    from jupyter_client.manager import KernelManager  # noqa: F401

    grader.nbgrader_determine_grade()
    for path in sorted({k for t in tasks if t.get("key") for k in [t["key"], *t.get("also", [])]}):
        grader._BaseNamespace.get(_key(path))


def grade_all(tasks: list[dict], jobs: int, progress: bool = True) -> list[dict]:
    """Grade every task (dicts with key, path, student, chapter, timeout, deny) in ``jobs`` processes."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    _preload(tasks)
    results: list = [None] * len(tasks)
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(tasks), desc="grading", unit="notebook", file=sys.stderr)
    if jobs <= 1 or len(tasks) <= 1:
        for i, t in enumerate(tasks):
            results[i] = _grade_task(t)
            bar and bar.update()
    else:
        from .zygote import _die_with_parent

        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=mp.get_context("fork"),
                                 initializer=_die_with_parent) as ex:
            futures = {ex.submit(_grade_task, t): i for i, t in enumerate(tasks)}
            for f in as_completed(futures):
                results[futures[f]] = f.result()
                bar and bar.update()
    if bar:
        bar.close()
    return results


# ------------------------------------------------------------------------------ outputs

def write_gradebook(results: list[dict], path: Path) -> None:
    """One row per question and one TOTAL row per (student, chapter), sorted.

    >>> import tempfile, pathlib
    >>> r = {"student": "ann", "chapter": "01_x", "total": 2.0, "max_total": 3.0, "notes": [],
    ...      "questions": [{"qid": "q1", "points": 2.0, "max_points": 2.0, "message": "✓ Correct"},
    ...                    {"qid": "q2", "points": 0.0, "max_points": 1.0, "message": "✗ no"}]}
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "gradebook.csv"
    >>> write_gradebook([r], out)
    >>> print(out.read_text().strip())
    student,chapter,question,points,max_points
    ann,01_x,q1,2,2
    ann,01_x,q2,0,1
    ann,01_x,TOTAL,2,3
    >>> md = write_feedback(r, out.parent)
    >>> md.relative_to(out.parent).as_posix(), "Score: 2 / 3" in md.read_text()
    ('feedback/ann/01_x.md', True)
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for r in sorted(results, key=lambda r: (r["student"], r["chapter"])):
        for q in r["questions"]:
            rows.append([csv_cell(r["student"]), csv_cell(r["chapter"]), csv_cell(q["qid"]),
                         _fmt(q["points"]), _fmt(q["max_points"])])
        rows.append([csv_cell(r["student"]), csv_cell(r["chapter"]), "TOTAL", _fmt(r["total"]),
                     _fmt(r["max_total"])])
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["student", "chapter", "question", "points", "max_points"])
        w.writerows(rows)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _safe(name: str) -> str:
    return safe_name(name)     # injective: josé and josè get different folders


def write_feedback(r: dict, out_dir: Path) -> Path:
    """``feedback/<student>/<chapter>.md`` and ``.html`` for one result; returns the .md path."""
    d = out_dir / "feedback" / _safe(r["student"])
    d.mkdir(parents=True, exist_ok=True)
    title = clean_text(f"Feedback — {r['chapter']} — {r['student']}", 300)
    md = [f"# {title}", "", f"**Score: {_fmt(r['total'])} / {_fmt(r['max_total'])}**", ""]
    for note in r["notes"]:
        md += [f"> {note}", ""]
    md += ["| question | points | result |", "|---|---|---|"]
    for q in r["questions"]:
        msg = q["message"].replace("|", "\\|").replace("\n", " ")
        label = f"{q['qid']}: {q['title']}" if q.get("title") else q["qid"]
        md.append(f"| {label.replace('|', '/')} | {_fmt(q['points'])} / {_fmt(q['max_points'])} | {msg} |")
    md_path = d / f"{_safe(r['chapter'])}.md"
    md_path.write_text("\n".join(md) + "\n", encoding="utf-8")
    rows = "".join(
        f"<tr class='{'ok' if q['points'] == q['max_points'] and q['max_points'] > 0 else 'bad'}'>"
        f"<td>{html.escape(q['qid'])}<br><small>{html.escape(q.get('title', ''))}</small></td>"
        f"<td>{_fmt(q['points'])} / {_fmt(q['max_points'])}</td>"
        f"<td>{html.escape(q['message'])}</td></tr>" for q in r["questions"])
    notes = "".join(f"<p class='note'>{html.escape(n)}</p>" for n in r["notes"])
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
            "td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}table{border-collapse:collapse}"
            "tr.ok td:last-child{color:#1a7f37}tr.bad td:last-child{color:#b42318}.note{color:#b42318}</style>"
            f"</head><body><h1>{html.escape(title)}</h1><p><b>Score: {_fmt(r['total'])} / "
            f"{_fmt(r['max_total'])}</b></p>{notes}<table><tr><th>question</th><th>points</th>"
            f"<th>result</th></tr>{rows}</table></body></html>\n")
    (d / f"{_safe(r['chapter'])}.html").write_text(page, encoding="utf-8")
    return md_path


# ------------------------------------------------------------------------------ verify

def _variant_notebooks(key_path: Path, tmp: Path) -> list[tuple[str, Path, dict]]:
    """(label, path, expected {qid: 'full'|'zero'}) for the solution, the exercise, the wrong answers."""
    from .generate import exercise_text
    from .key import load_key, solution_variants

    key = load_key(key_path)
    nb = json.loads(key_path.read_text(encoding="utf-8"))
    out = [("solution", key_path, {q.qid: "full" for q in key.questions})]
    ex = tmp / "exercise.ipynb"
    ex.write_text(exercise_text(key_path), encoding="utf-8")
    out.append(("blank exercise", ex, {q.qid: "zero" for q in key.questions}))
    by_answer = {q.answer_id: q for q in key.questions}
    n = max((len(q.wrong) for q in key.questions), default=0)
    for k in range(n):
        variant = json.loads(json.dumps(nb))
        expect = {}
        for cell in variant["cells"]:
            gid = (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")
            q = by_answer.get(gid)
            if q is None:
                continue
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            right, wrongs = solution_variants(src)
            if k < len(wrongs):
                cell["source"] = wrongs[k]
                expect[q.qid] = "zero"
            else:
                cell["source"] = right
                expect[q.qid] = "full"
        p = tmp / f"wrong_{k + 1}.ipynb"
        p.write_text(json.dumps(variant), encoding="utf-8")
        out.append((f"wrong answers #{k + 1}", p, expect))
    return out


def _visible_key(key_path: Path, tmp: Path) -> Path:
    """A copy of the key whose check cells hold only the visible checks (hidden tests removed)."""
    from .key import strip_hidden

    nb = json.loads(key_path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        meta = (cell.get("metadata", {}) or {}).get("nbgrader", {}) or {}
        if cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"):
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = strip_hidden(src)
    folder = tmp / "visible" / key_path.parent.name
    folder.mkdir(parents=True)
    out = folder / key_path.name
    out.write_text(json.dumps(nb), encoding="utf-8")
    return out


def verify_chapter(key_path: Path, jobs: int = 2, timeout: float = 30.0, progress: bool = True):
    """Check a chapter's key. Returns ``(ok, lines)``; ``ok`` is False if any of these fails:

    * the set follows the rules (:func:`mvcalc_helpers.grading.rules.structure_problems`: ≥ 7
      questions, kinds, metadata), every question has points, hidden tests and a ``# WRONG:`` line;
    * the solution gets full marks, from the full check cells *and* from the visible checks alone
      (the fingerprints are right);
    * the blank exercise gets 0;
    * every ``# WRONG:`` answer gets 0 on its question from the full check cells *and* fails the
      visible check (a learner never sees ✓ for an answer that scores 0).
    """
    return verify_chapters([key_path], jobs, timeout, progress)[0]


def verify_chapters(key_paths, jobs: int = 2, timeout: float = 30.0, progress: bool = True):
    """:func:`verify_chapter` for several keys, their notebooks graded together in one pool of
    ``jobs`` workers (no worker waits for the last notebook of a chapter); ``[(ok, lines)]``."""
    plans, tasks = [], []
    with tempfile.TemporaryDirectory(prefix="mvcalc-verify-") as tmp:
        for i, key_path in enumerate(key_paths):
            plan = _verify_plan(Path(key_path), Path(tmp) / str(i), timeout)
            plans.append(plan)
            tasks += plan[2]
        results = grade_all(tasks, jobs, progress)
    out, start = [], 0
    for key_path, (key, runs, chapter_tasks) in zip(key_paths, plans):
        mine = results[start:start + len(chapter_tasks)]
        out.append(_verify_report(Path(key_path), key, runs, _run_results(chapter_tasks, mine)))
        start += len(chapter_tasks)
    return out


def _verify_plan(key_path: Path, tmp: Path, timeout: float):
    """The key, the runs ``(label, key, notebook, expected)`` and their grading tasks."""
    from .key import load_key

    key = load_key(key_path)
    tmp.mkdir(parents=True)
    variants = _variant_notebooks(key_path, tmp)
    visible_key = _visible_key(key_path, tmp)
    runs = [(label, str(key_path), p, expect) for label, p, expect in variants]
    runs += [(f"{label} (visible)", str(visible_key), p, expect) for label, p, expect in variants
             if label != "blank exercise"]
    # each notebook runs once: its visible run is graded by the visible key in the same kernel
    tasks = [{"key": str(key_path), "also": [] if label == "blank exercise" else [str(visible_key)],
              "path": str(p), "student": label, "chapter": key.chapter, "timeout": timeout, "deny": []}
             for label, p, _ in variants]
    return key, runs, tasks


def _run_results(tasks: list[dict], results: list[dict]) -> list[dict]:
    """The results of :func:`_verify_plan`'s runs, in their order: every task's own result, then
    the visible-key results of the tasks that have one."""
    return list(results) + [r["also"][0] for t, r in zip(tasks, results) if t["also"]]


def _verify_report(key_path: Path, key, runs, results):
    from .report import verify_line
    from .rules import structure_problems

    lines = [f"{key.chapter}: {len(key.questions)} graded parts, {_fmt(key.max_points)} points"]
    # the rules of a set apply to every chapter; "00_…" keys are test fixtures of the grader
    problems = [] if key.chapter.startswith("00_") else list(structure_problems(key_path))
    for q in key.questions:
        if q.points <= 0:
            problems.append(f"{q.qid}: no points")
        if "### BEGIN HIDDEN TESTS" not in q.check_source:
            problems.append(f"{q.qid}: no hidden tests")
        if not q.wrong:
            problems.append(f"{q.qid}: no '# WRONG:' answer to show the question discriminates")
    structural = list(problems)
    for (label, _, _, expect), r in zip(runs, results):
        got = {q["qid"]: q for q in r["questions"]}
        bad = []
        for qid, want in expect.items():
            g = got.get(qid)
            if g is None:
                bad.append(f"{qid} missing")
            elif want == "full" and g["points"] != g["max_points"]:
                bad.append(f"{qid} should get full marks: {g['message']}")
            elif want == "zero" and g["points"] != 0:
                where = "its visible check shows ✓" if label.endswith("(visible)") else "it scores points"
                bad.append(f"{qid} should fail but {where}: {g['message'][:200]}")
        lines.append("  " + verify_line(label, expect, r, bad))
        lines += [f"         {b}" for b in bad]
        problems += [f"{label}: {b}" for b in bad]
    ok = not problems
    lines += [f"  problem: {p}" for p in structural]
    lines.append("verified: OK" if ok else f"verified: {len(problems)} problem(s)")
    return ok, lines


# ------------------------------------------------------------------------------ main

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="mvcalc-grade", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("submissions", nargs="?", help="folder of submissions (nbgrader layout or flat)")
    parser.add_argument("--key", default=str(REPO / "solutions"),
                        help="solutions folder: <key>/NN_topic/NN_topic.ipynb (default: solutions/)")
    parser.add_argument("--out", default="grades", help="output folder (default: ./grades)")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 2, help="parallel kernels")
    parser.add_argument("--timeout", type=float, default=30.0, help="per-cell timeout in seconds")
    parser.add_argument("--chapter", action="append", help="grade only this chapter (repeatable)")
    parser.add_argument("--verify", metavar="CHAPTER", nargs="*",
                        help="check chapter keys: solution → full, exercise → 0, WRONG lines → 0")
    parser.add_argument("--roster", metavar="FILE",
                        help="a gradebook CSV exported from Canvas or Moodle: also write "
                             "<out>/lms_import.csv in that LMS's import format")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--no-zygote", action="store_true",
                        help="start a fresh sandbox and interpreter for every kernel (slower) "
                             "instead of forking kernels from one fork server")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="grade without the OS sandbox (bubblewrap) where none exists: only the "
                             "audit hook and resource limits stand between the notebooks and your "
                             "files — for trusted notebooks only")
    args = parser.parse_args(argv)
    if args.timeout <= 0 or args.timeout != args.timeout:
        parser.error("--timeout must be a positive number of seconds")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.verify is None and args.submissions:
        problem = check_out_dir(args.out)       # before any grading, not after
        if problem:
            parser.error(problem)
    # the kernel fork server starts before any key or submission is read (it must never hold one)
    from . import sandbox, zygote

    if args.unsafe_no_sandbox:
        sandbox.allow_unsafe(True)
        print("warning: --unsafe-no-sandbox: notebooks run without the OS sandbox", file=sys.stderr)
    else:
        why = zygote.sandbox_problem()
        if why:
            print(f"mvcalc-grade: refusing to grade untrusted notebooks without a sandbox: {why}",
                  file=sys.stderr)
            return 2
    z = None if args.no_zygote else zygote.Zygote(sandbox=not args.unsafe_no_sandbox)
    zygote.set_current(z)
    try:
        return _main(args, parser)
    finally:
        if z is not None:
            z.close()
            zygote.set_current(None)


def _main(args, parser) -> int:
    from .generate import chapters as key_chapters

    keys = {p.parent.name: p for p in key_chapters(args.key)}
    if args.verify is not None:
        names = args.verify or sorted(keys)
        for name in names:
            if name not in keys:
                print(f"no solutions notebook for {name!r} under {args.key}", file=sys.stderr)
                return 2
        checked = verify_chapters([keys[name] for name in names], jobs=args.jobs, timeout=args.timeout,
                                  progress=not args.no_progress)
        for _, lines in checked:
            print("\n".join(lines))
        return 0 if all(ok for ok, _ in checked) else 1
    if not args.submissions:
        parser.error("give a submissions folder (or --verify CHAPTER)")
    root = Path(args.submissions)
    if not root.is_dir():
        parser.error(f"{root} is not a folder")
    if args.roster:
        from .report import read_roster
        try:
            read_roster(args.roster)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            parser.error(f"--roster: {exc}")
    found = discover(root, sorted(keys))
    if args.chapter:
        found = [f for f in found if f[1] in args.chapter]
    if not found:
        print(f"no .ipynb submissions found under {root}", file=sys.stderr)
        return 2
    out = Path(args.out)
    deny = [str(root.resolve()), str(out.resolve()), str(Path(args.key).resolve())]
    tasks = [{"key": str(keys[c]) if c in keys else None, "path": str(p), "student": clean_text(s, 200),
              "chapter": clean_text(c, 200), "timeout": args.timeout, "deny": deny,
              "root": str(root.absolute())} for s, c, p in found]
    t0 = time.monotonic()
    results = grade_all(tasks, args.jobs, progress=not args.no_progress)
    elapsed = time.monotonic() - t0
    out.mkdir(parents=True, exist_ok=True)
    from . import report

    report.annotate(results, keys)                   # flags, and a feedback line naming them
    write_gradebook(results, out / "gradebook.csv")
    for r in results:
        write_feedback(r, out)
    (out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    graded = args.chapter or sorted({r["chapter"] for r in results if r["chapter"] in keys})
    max_points = {c: _key(str(keys[c])).max_points for c in graded if c in keys}
    report.write_summary(results, out / "summary.csv", graded, max_points)
    lms_line = None
    if args.roster:
        lms, unknown, missing = report.write_lms_import(results, args.roster, out / "lms_import.csv",
                                                        graded, max_points)
        lms_line = f"{lms} import: {out / 'lms_import.csv'}"
        if unknown:
            lms_line += f"  ({len(unknown)} graded student(s) not in the roster, left out: {', '.join(unknown[:10])})"
        if missing:
            lms_line += f"  ({missing} roster student(s) without a submission: left empty)"
    total = sum(r["total"] for r in results)
    print(f"graded {len(results)} notebooks in {elapsed:.1f} s ({args.jobs} jobs): "
          f"{_fmt(total)} points in all")
    print(f"gradebook: {out / 'gradebook.csv'}")
    print(f"summary:   {out / 'summary.csv'}  (one row per student; flags: "
          f"{sum(bool(r['flags']) for r in results)} submission(s) need a look)")
    print(f"feedback:  {out / 'feedback'}/<student>/<chapter>.md|.html")
    if lms_line:
        print(lms_line)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
