"""What ``mvcalc-grade`` writes beside ``gradebook.csv`` for an instructor and an LMS.

* :func:`annotate` — per submission, the ``flags`` an instructor must know about (an edited or
  deleted check cell, a changed locked cell, a kernel that died, a timeout, the notebook of
  another chapter, a file that could not be graded). Each flag also becomes a note, so it is a
  line in that student's feedback.
* :func:`write_summary` — ``summary.csv``: one row per student: ``student``, one column per
  chapter (its total), ``total``, ``max_total``, ``percent``, ``flags``.
* :func:`write_lms_import` — with ``--roster FILE``, a CSV in the format the LMS that exported
  the roster imports:

  - **Canvas** (a file exported from Grades → Export): Canvas's documented gradebook import
    format — the identity columns ``Student, ID, SIS User ID, SIS Login ID, Section`` (and
    ``Integration ID`` if the export has it) exactly as exported, a ``Points Possible`` row,
    then one column per chapter. A column whose header already names the chapter (e.g.
    ``01_partial_derivatives (12345)``, an existing assignment) is reused, so the import updates
    that assignment; otherwise the column is new and Canvas creates the assignment.
  - **Moodle** (a file exported with Grade export → Plain text file): Moodle's CSV grade import —
    the identity columns ``First name, Last name, ID number, Email address``, then one column
    per chapter; in the import's "Identify user by" choose *Email address → useremail* (or
    *ID number → useridnumber*) and map each chapter column to its grade item.

  Students are matched to roster rows by any identity column (login, SIS id, email, ID number,
  or the part of the email before ``@`` if that is unique). A roster student without a
  submission gets an empty cell (the LMS leaves that grade unchanged, not 0); a graded student
  missing from the roster is reported and left out of the import file.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

__all__ = ["annotate", "submission_flags", "write_summary", "read_roster", "write_lms_import"]

_EXERCISES: dict = {}


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _exercise_cells(key_path: str) -> dict:
    """grade_id → (is_check, stripped source) of every locked cell of the generated exercise."""
    if key_path not in _EXERCISES:
        from .generate import exercise_text

        cells = {}
        for cell in json.loads(exercise_text(key_path))["cells"]:
            nbg = (cell.get("metadata") or {}).get("nbgrader") or {}
            if nbg.get("locked") and not nbg.get("solution") and nbg.get("grade_id"):
                cells[nbg["grade_id"]] = (bool(nbg.get("grade")), "".join(cell["source"]).strip())
        _EXERCISES[key_path] = cells
    return _EXERCISES[key_path]


def _structure_flags(key_path: str, path: str) -> list[str]:
    """Edited / deleted check cells and changed locked cells of the submission at ``path``."""
    from .grader import NotebookError, read_notebook

    try:
        nb = read_notebook(path)
    except (NotebookError, OSError):
        return []  # reported from the grading result
    expected = _exercise_cells(key_path)
    found: dict = {}
    sources = set()
    for cell in nb.get("cells", []):
        if not isinstance(cell, dict):
            continue
        src = cell.get("source", "")
        src = ("".join(src) if isinstance(src, list) else str(src)).strip()
        sources.add(src)
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        nbg = meta.get("nbgrader") if isinstance(meta.get("nbgrader"), dict) else {}
        gid = nbg.get("grade_id")
        if isinstance(gid, str) and gid in expected:
            found.setdefault(gid, src)
    flags = []
    for gid, (is_check, src) in expected.items():
        label = f"check cell {gid[:-len('_check')]}" if is_check and gid.endswith("_check") else \
            f"locked cell {gid}"
        if gid not in found:
            if src in sources:
                flags.append(f"{label} lost its nbgrader metadata")
            else:
                flags.append(f"{label} deleted")
        elif found[gid] != src:
            flags.append(f"{label} edited")
    return flags


_RUN_FLAGS = [
    (re.compile(r"this is the exercise notebook of chapter (\S+?)[,;]"), "notebook of another chapter ({0})"),
    (re.compile(r"no solutions for chapter"), "no key for this chapter (not graded)"),
    (re.compile(r"ran longer than|took longer than"), "timeout"),
    (re.compile(r"kernel stopped|kernel did not stop|kernel died|could not start a Python kernel"),
     "kernel died"),
    (re.compile(r"grader error"), "grader error (tell the course maintainers)"),
]


def submission_flags(r: dict, key_path: str | None = None) -> list[str]:
    """The flags of one grading result (a dict from ``results.json``).

    >>> r = {"notes": ["cell 7: the cell ran longer than 30 s and was stopped (an endless loop?)"],
    ...      "questions": [{"message": "✓ Correct", "status": "passed"}]}
    >>> submission_flags(r)
    ['timeout']
    >>> submission_flags({"notes": ["✗ the file is empty (0 bytes) — was the notebook saved?"],
    ...                   "questions": [{"message": "✗ the file is empty", "status": "not graded"}]})
    ['not gradable: the file is empty (0 bytes) — was the notebook saved?']
    """
    texts = list(r.get("notes", [])) + [q.get("message", "") for q in r.get("questions", [])]
    flags = []
    for pattern, label in _RUN_FLAGS:
        for t in texts:
            m = pattern.search(t)
            if m:
                flag = label.format(*m.groups())
                if flag not in flags:
                    flags.append(flag)
                break
    if not flags:
        unreadable = [n for n in r.get("notes", []) if n.startswith("✗")]
        if unreadable and all(q.get("status") == "not graded" for q in r.get("questions", [])):
            flags.append("not gradable: " + unreadable[0].lstrip("✗ "))
    if key_path and not any(f.startswith(("not gradable", "notebook of another")) for f in flags):
        flags += _structure_flags(key_path, r["path"])
    return flags


def annotate(results: list[dict], keys: dict) -> None:
    """Add ``flags`` to every result and one feedback note naming them (``keys``: chapter → key path)."""
    for r in results:
        key = keys.get(r.get("chapter"))
        flags = submission_flags(r, str(key) if key else None)
        r["flags"] = flags
        if flags:
            r.setdefault("notes", []).append(
                "For you and your instructor: " + "; ".join(flags) +
                ". Check cells and locked cells always run in the course's version when grading.")


def _students(results):
    by_student: dict = {}
    for r in results:
        by_student.setdefault(r["student"], []).append(r)
    return by_student


def write_summary(results: list[dict], path: Path, chapters: list[str], max_points: dict) -> None:
    """``summary.csv``: one row per student, one column per chapter, totals, percent, flags.

    ``max_points`` (chapter → points) makes a chapter a student did not submit count in
    ``max_total`` with an empty cell. With two submissions of one chapter the higher counts and
    a flag says so.

    >>> import tempfile, pathlib
    >>> r = {"student": "ann", "chapter": "01_x", "total": 8.0, "max_total": 10.0, "flags": ["timeout"]}
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "summary.csv"
    >>> write_summary([r], out, ["01_x", "02_y"], {"01_x": 10.0, "02_y": 5.0})
    >>> print(out.read_text().strip())
    student,01_x,02_y,total,max_total,percent,flags
    ann,8,,8,15,53.3,01_x: timeout; 02_y: not submitted
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["student", *chapters, "total", "max_total", "percent", "flags"])
        for student, rs in sorted(_students(results).items()):
            best: dict = {}
            flags = []
            for r in sorted(rs, key=lambda r: -r["total"]):
                if r["chapter"] in best:
                    flags.append(f"{r['chapter']}: more than one submission (the best one counts)")
                    continue
                best[r["chapter"]] = r
                flags += [f"{r['chapter']}: {f}" for f in r.get("flags", [])]
            total = sum(r["total"] for r in best.values())
            max_total = sum(max_points.get(c, best[c]["max_total"] if c in best else 0) for c in chapters)
            max_total += sum(r["max_total"] for c, r in best.items() if c not in chapters)
            flags += [f"{c}: not submitted" for c in chapters if c not in best]
            cells = [_fmt(best[c]["total"]) if c in best else "" for c in chapters]
            pct = f"{100 * total / max_total:.1f}" if max_total else ""
            w.writerow([student, *cells, _fmt(total), _fmt(max_total), pct, "; ".join(flags)])


# ------------------------------------------------------------------------------ LMS import

_CANVAS_ID = ["Student", "ID", "SIS User ID", "SIS Login ID", "Integration ID", "Section"]
_MOODLE_ID = ["First name", "Last name", "ID number", "Institution", "Department", "Email address"]


def read_roster(path: Path | str) -> tuple[str, list[str], list[dict]]:
    """``(lms, header, rows)`` of a gradebook CSV exported from Canvas or Moodle.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "canvas.csv"
    >>> _ = p.write_text("Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (11)\\n"
    ...                  "    Points Possible,,,,,10\\nLee Ann,101,S1,ann,Sec A,7\\n")
    >>> lms, header, rows = read_roster(p)
    >>> lms, [r["SIS Login ID"] for r in rows]
    ('canvas', ['ann'])
    """
    text = Path(path).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    header = next(csv.reader(text.splitlines()), [])
    low = {h.strip().lower() for h in header}
    if {"sis user id", "sis login id"} & low:
        lms = "canvas"
        rows = [r for r in rows if "points possible" not in (r.get("Student") or "").lower()
                and "student, test" not in (r.get("Student") or "").lower()]
    elif "email address" in low:
        lms = "moodle"
    else:
        raise ValueError(f"{path}: not a Canvas gradebook export (no 'SIS User ID' / 'SIS Login ID' "
                         f"column) nor a Moodle one (no 'Email address' column); header: {header[:8]}")
    return lms, header, rows


def _match(students: list[str], rows: list[dict], id_columns: list[str]) -> dict:
    """student → roster row index, by any identity value (case-insensitive) or a unique email local part."""
    index: dict = {}
    local: dict = {}
    for i, row in enumerate(rows):
        for col in id_columns:
            v = (row.get(col) or "").strip().lower()
            if v:
                index.setdefault(v, set()).add(i)
                if "@" in v:
                    local.setdefault(v.split("@", 1)[0], set()).add(i)
    out = {}
    for s in students:
        k = s.strip().lower()
        hit = index.get(k) or local.get(k) or set()
        if len(hit) == 1:
            out[s] = next(iter(hit))
    return out


def write_lms_import(results: list[dict], roster: Path | str, path: Path, chapters: list[str],
                     max_points: dict) -> tuple[str, list[str], int]:
    """Write the LMS import CSV; returns ``(lms, graded students not in the roster, roster rows
    without any submission)``."""
    lms, header, rows = read_roster(roster)
    id_columns = [h for h in (_CANVAS_ID if lms == "canvas" else _MOODLE_ID) if h in header]
    if lms == "moodle":
        id_columns += [h for h in header if h.strip().lower() in ("username", "email address", "id number")
                       and h not in id_columns]
    by_student = _students(results)
    matched = _match(list(by_student), rows, id_columns)
    columns = []
    for ch in chapters:
        existing = next((h for h in header if h not in id_columns and ch in h), None)
        columns.append(existing or f"mvcalc {ch}")
    grades: dict = {}
    for student, i in matched.items():
        for r in by_student[student]:
            if r["chapter"] in chapters:
                prev = grades.get((i, r["chapter"]))
                grades[(i, r["chapter"])] = max(prev, r["total"]) if prev is not None else r["total"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(id_columns + columns)
        if lms == "canvas":
            w.writerow(["    Points Possible"] + [""] * (len(id_columns) - 1)
                       + [_fmt(max_points.get(ch, 0)) for ch in chapters])
        for i, row in enumerate(rows):
            w.writerow([row.get(c, "") for c in id_columns]
                       + [_fmt(grades[(i, ch)]) if (i, ch) in grades else "" for ch in chapters])
    unknown = sorted(s for s in by_student if s not in matched)
    missing = sum(1 for i in range(len(rows)) if not any((i, ch) in grades for ch in chapters))
    return lms, unknown, missing


# ------------------------------------------------------------------------------ --verify wording

def verify_line(label: str, expect: dict, result: dict, problems: list) -> str:
    """One line of ``mvcalc-grade --verify`` that says exactly what was checked.

    ``expect`` maps each question to ``"full"`` or ``"zero"``; ``problems`` the ones that failed.
    A label ending in ``(visible)`` is the same notebook graded by the visible checks alone.

    >>> r = {"total": 8.0, "max_total": 15.0}
    >>> verify_line("wrong answers #3", {"q1": "zero", "q2": "full", "q3": "zero"}, r, [])
    "OK    wrong answers #3: the 3rd '# WRONG:' answer of q1, q3 scores 0 on each; q2 (right answers) keep full marks — 8/15 in all"
    >>> verify_line("wrong answers #3 (visible)", {"q1": "zero", "q2": "full", "q3": "zero"}, r, [])
    "OK    wrong answers #3 (visible): the visible checks alone give the 3rd '# WRONG:' answer of q1, q3 ✗ on each; q2 (right answers) ✓ — 8/15 in all"
    >>> verify_line("solution", {"q1": "full", "q2": "full"}, {"total": 3.0, "max_total": 3.0}, [])
    'OK    solution: every question (2) full marks — 3/3'
    """
    status = "OK   " if not problems else "FAIL "
    visible = label.endswith("(visible)")
    base = label[:-len("(visible)")].strip() if visible else label
    zero = [q for q, w in expect.items() if w == "zero"]
    full = [q for q, w in expect.items() if w == "full"]
    score = f"{_fmt(result['total'])}/{_fmt(result['max_total'])}"
    good, bad = ("✓", "✗") if visible else ("full marks", "0")
    lead = f"{label}: the visible checks alone give " if visible else f"{label}: "
    m = re.fullmatch(r"wrong answers #(\d+)", base)
    if m:
        k = int(m.group(1))
        nth = {1: "1st", 2: "2nd", 3: "3rd"}.get(k, f"{k}th")
        text = (f"{lead}the {nth} '# WRONG:' answer of {', '.join(zero)} "
                + (f"{bad} on each" if visible else "scores 0 on each"))
        if full:
            text += f"; {', '.join(full)} (right answers) " + (good if visible else "keep full marks")
        return f"{status} {text} — {score} in all"
    if not zero:
        return f"{status} {lead}every question ({len(full)}) {good} — {score}"
    if not full:
        return f"{status} {lead}every question ({len(zero)}) {'✗' if visible else 'scores 0'} — {score}"
    return f"{status} {lead}{', '.join(full)} {good}, {', '.join(zero)} {bad} — {score}"
