"""The grader's own inputs made safe: student names as folder names, spreadsheet cells, ``--out``.

A student name comes from a file or folder name the student chose; it becomes a feedback folder
(:func:`safe_name`, injective: two different names never share a folder), a gradebook cell
(:func:`csv_cell`: no spreadsheet formulas) and a line of feedback (``grader.clean_text``).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from pathlib import Path

__all__ = ["safe_name", "csv_cell", "check_out_dir"]

_KEEP = set("_-")


def safe_name(name: str, limit: int = 120) -> str:
    """A folder name for ``name``: letters and digits (any script) kept, everything else written as
    ``%XX`` bytes, so different names (after Unicode NFC normalisation) never collide, and no name
    is empty, hidden, ``..`` or contains a ``/``.

    >>> safe_name("josé"), safe_name("josè"), safe_name("ann lee"), safe_name("../x")
    ('josé', 'josè', 'ann%20lee', '%2E%2E%2Fx')
    >>> safe_name("jose\\u0301") == safe_name("josé")      # the same name, decomposed
    True
    >>> safe_name(""), len(safe_name("x" * 500))
    ('%', 120)
    """
    name = unicodedata.normalize("NFC", name if isinstance(name, str) else str(name))
    out = "".join(c if (c.isalnum() and c.isprintable()) or c in _KEEP
                  else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in name) or "%"
    if len(out.encode("utf-8")) > limit:   # stay under file-name limits; the hash keeps it unique
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
        out = out.encode("utf-8")[:limit - 17].decode("utf-8", "ignore") + "~" + digest
    return out


def csv_cell(value):
    """A gradebook cell that a spreadsheet never reads as a formula (OWASP "CSV injection"):
    text starting with ``= + - @``, a tab or a carriage return gets a leading ``'``.

    >>> csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell("ann"), csv_cell(2.5), csv_cell("-1")
    ('\\'=HYPERLINK("http://x")', 'ann', 2.5, "'-1")
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def check_out_dir(out) -> str | None:
    """Why ``out`` cannot be the output folder (checked before any grading), else ``None``;
    creates it when missing.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "grades"
    >>> _ = f.write_text("x")
    >>> check_out_dir(f).endswith("exists and is not a folder")
    True
    >>> check_out_dir(f.parent / "new") is None
    True
    """
    out = Path(out)
    if out.is_symlink() and not out.is_dir():
        return f"--out {out} is a symbolic link that does not lead to a folder"
    if out.exists() and not out.is_dir():
        return f"--out {out} exists and is not a folder"
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=out, prefix=".mvcalc-write-test-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return f"--out {out} cannot be written ({exc.strerror or exc})"
    return None
