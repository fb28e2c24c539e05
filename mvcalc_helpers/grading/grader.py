"""Grade one submission against a key.

How a submission is graded (``grade_submission``):

1. The file is read (never written) and parsed as JSON; an empty, invalid, or unsupported
   notebook scores 0 with a message. A notebook whose ``metadata.mvcalc.chapter`` names another
   chapter scores 0 ("this is the notebook of chapter …").
2. The student's cells run in order in a fresh sandboxed kernel
   (:class:`~mvcalc_helpers.grading.sandbox.StudentKernel`), except check cells, which are never
   taken from the student; locked cells (setup, given data) run in the key's version, as
   ``nbgrader autograde`` restores them.
3. Where the check cell stands in the student's notebook (or after its answer cell if the student
   deleted it, or at the end), the **key's** check cell (visible checks and hidden tests) runs in
   *this* process — out of reach of the student's code — on copies of the student's values
   (functions are called back through the kernel). Monkeypatching ``sp.simplify``, ``np.allclose``,
   ``ck``, ``AssertionError`` or builtins in the student's kernel changes nothing here.
4. Each check cell is scored by nbgrader's own ``determine_grade`` (error → 0, else full points).
   If the kernel dies, questions already graded keep their points.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import threading
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .key import Key
from .sandbox import KernelDied, RemoteError, StudentKernel

__all__ = ["QuestionResult", "SubmissionResult", "grade_submission", "grade_with_keys", "read_notebook",
           "NotebookError"]

MAX_FILE_BYTES = 50_000_000


class NotebookError(ValueError):
    """The submission is not a gradable notebook (the message says why, for the student)."""


@dataclass
class QuestionResult:
    qid: str
    points: float
    max_points: float
    status: str          # "passed", "failed", "not graded"
    message: str
    title: str = ""


@dataclass
class SubmissionResult:
    student: str
    chapter: str
    path: str
    questions: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> float:
        return float(sum(q.points for q in self.questions))

    @property
    def max_total(self) -> float:
        return float(sum(q.max_points for q in self.questions))

    def to_dict(self) -> dict:
        d = asdict(self)
        d["total"], d["max_total"] = self.total, self.max_total
        return d


# ------------------------------------------------------------------------------ reading

def read_notebook(path) -> dict:
    """The submission as a v4 notebook dict, or :class:`NotebookError` in a student's words.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "x.ipynb")
    >>> _ = open(p, "w").write("")
    >>> read_notebook(p)
    Traceback (most recent call last):
    ...
    mvcalc_helpers.grading.grader.NotebookError: the file is empty (0 bytes) — was the notebook saved?
    """
    import stat

    path = Path(path)
    try:   # never follow a symbolic link, never block on a FIFO or a device
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if os.path.islink(path):
            raise NotebookError("the submission is a symbolic link, not a file; it was not graded") from None
        raise
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise NotebookError("the submission is not a regular file (a FIFO, device or folder?)")
        size = st.st_size
        if size == 0:
            raise NotebookError("the file is empty (0 bytes) — was the notebook saved?")
        if size > MAX_FILE_BYTES:
            raise NotebookError(f"the file is too large to grade ({size / 1e6:.0f} MB)")
        raw = fh.read(MAX_FILE_BYTES + 1)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise NotebookError("the file is not a text notebook (it is not UTF-8)") from None
    except (ValueError, RecursionError) as exc:
        raise NotebookError(f"the file is not a valid notebook: its JSON is broken ({exc})") from None
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        raise NotebookError("the file is valid JSON but not a Jupyter notebook (no cells)")
    major = data.get("nbformat")
    if major == 3:
        try:
            import nbformat
            data = json.loads(nbformat.writes(nbformat.convert(nbformat.from_dict(data), 4)))
        except Exception as exc:  # noqa: BLE001
            raise NotebookError(f"this old (version 3) notebook could not be converted: {exc}") from None
    elif major != 4:
        raise NotebookError(f"notebook format version {major!r} is not supported (expected 4); "
                            f"re-save it from JupyterLab")
    if not isinstance(data.get("cells"), list):
        raise NotebookError("the notebook's cell list is broken")
    return data


def _src(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else str(s)


def _nbg(cell) -> dict:
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbg if isinstance(nbg, dict) else {}


# ------------------------------------------------------------------------------ plan

def _plan(key: Key, nb: dict):
    """Steps: ("cell", index, source, grade_id) and ("check", question)."""
    check_ids = {q.check_id: q for q in key.questions}
    visible = {q.visible_source.strip(): q for q in key.questions}
    steps, scheduled = [], set()
    for i, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta = _nbg(cell)
        gid = meta.get("grade_id") if isinstance(meta.get("grade_id"), str) else None
        source = _src(cell)
        q = check_ids.get(gid) or visible.get(source.strip())
        if q is not None or (meta.get("grade") and not meta.get("solution")):
            if q is not None and q.qid not in scheduled:
                steps.append(("check", q))
                scheduled.add(q.qid)
            continue
        if gid in key.locked_sources and gid not in {qq.answer_id for qq in key.questions}:
            source = key.locked_sources[gid]
        steps.append(("cell", i, source, gid))
    # a check cell the student deleted: run it after its answer cell, else at the end
    for q in key.questions:
        if q.qid in scheduled:
            continue
        pos = next((k for k, s in enumerate(steps) if s[0] == "cell" and s[3] == q.answer_id), None)
        steps.insert(len(steps) if pos is None else pos + 1, ("check", q))
        scheduled.add(q.qid)
    return steps


# ------------------------------------------------------------------------------ checking

class _CheckTimeout(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def handler(signum, frame):
        raise _CheckTimeout()
    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


_REMOTE_TYPES: dict[str, type] = {}


def _remote_exception(ename: str, evalue: str) -> Exception:
    """An exception whose class name is the student's (so feedback reads 'raised ZeroDivisionError')."""
    name = ename if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,60}", ename or "") else "Error"
    cls = _REMOTE_TYPES.get(name)
    if cls is None:
        cls = _REMOTE_TYPES[name] = type(name, (RemoteError,), {})
    return cls(name, evalue[:500])


class RemoteFunction:
    """A student's function, called back through their kernel with copied arguments."""

    def __init__(self, kernel: StudentKernel, ref: str, name: str):
        self._kernel, self._ref, self.__name__ = kernel, ref, name

    def __call__(self, *args):
        from . import serialize

        args_json = serialize.dumps(list(args), side="grader")
        try:
            text = self._kernel.call(self._ref, args_json)
        except RemoteError as exc:
            raise _remote_exception(exc.ename, exc.evalue) from None
        return serialize.loads(text, make_callable=self._make)

    def _make(self, ref, name):
        return RemoteFunction(self._kernel, ref, name)

    def __repr__(self):
        return f"<your function {self.__name__}>"


class _BaseNamespace:
    """The key's setup and given cells, executed once per process (trusted code)."""

    _cache: dict = {}

    @classmethod
    def get(cls, key: Key) -> dict:
        """The namespace after running the key's setup and given cells (cached).

        >>> from mvcalc_helpers.grading.key import load_key, REPO
        >>> k = load_key(REPO / "tests/fixtures/grading/solutions/00_fixture/00_fixture.ipynb")
        >>> sorted(n for n in _BaseNamespace.get(k) if n in ("ck", "g", "x"))
        ['ck', 'g', 'x']
        """
        k = (str(key.path), key.path.stat().st_mtime if key.path.exists() else 0)
        if k not in cls._cache:
            ns: dict = {"__name__": "__mvcalc_key__"}
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                for gid, source in key.base_sources:
                    exec(compile(source, f"<key {gid}>", "exec"), ns)  # noqa: S102 - the key is trusted
            cls._cache[k] = ns
        return cls._cache[k]


_DETERMINE_GRADE = []


def nbgrader_determine_grade():
    """nbgrader's own ``determine_grade``, loaded from ``nbgrader/utils.py`` without importing the
    whole nbgrader package (whose server extensions take seconds to import)."""
    if not _DETERMINE_GRADE:
        import importlib.util
        import os
        import sys

        sys.modules.setdefault("rfc3987_syntax", None)  # slow optional import of jsonschema; unused
        try:
            spec = importlib.util.find_spec("nbgrader")
            path = os.path.join(list(spec.submodule_search_locations)[0], "utils.py")
            mspec = importlib.util.spec_from_file_location("_mvcalc_nbgrader_utils", path)
            module = importlib.util.module_from_spec(mspec)
            mspec.loader.exec_module(module)
            _DETERMINE_GRADE.append(module.determine_grade)
        except Exception:  # noqa: BLE001 - fall back to the normal import
            from nbgrader.utils import determine_grade
            _DETERMINE_GRADE.append(determine_grade)
    return _DETERMINE_GRADE[0]


def _score(q, error: bool, stderr: bool) -> float:
    """Score the check cell the way ``nbgrader autograde`` does (nbgrader's determine_grade)."""
    from nbformat.notebooknode import from_dict

    determine_grade = nbgrader_determine_grade()

    outputs = []
    if error:
        outputs.append({"output_type": "error", "ename": "AssertionError", "evalue": "", "traceback": []})
    elif stderr:
        outputs.append({"output_type": "stream", "name": "stderr", "text": "warning"})
    cell = from_dict({"cell_type": "code", "source": q.check_source, "execution_count": 1,
                      "outputs": outputs, "metadata": {"nbgrader": {
                          "grade": True, "solution": False, "points": q.points, "grade_id": q.check_id,
                          "locked": True}}})
    score, _ = determine_grade(cell)
    return float(score)


def _is_missing(text) -> bool:
    try:
        data = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("t") == "missing"


def _missing_message(name: str, answer_error: str | None) -> str:
    msg = f"✗ `{name}` is not defined, so there is nothing to check."
    if answer_error and answer_error.startswith("NotImplementedError"):
        msg += " Your answer cell still raises NotImplementedError: replace that line with your answer."
    elif answer_error:
        msg += f" Your answer cell stopped with {answer_error}."
    else:
        msg += " Define it in the answer cell (replace `raise NotImplementedError()`) and run the cell."
    return msg


@contextlib.contextmanager
def no_text_parsing():
    """While a check runs on a student's values, sympy cannot parse text in this process
    (``sympify``/``Matrix`` of a string runs ``eval``): defence in depth behind
    :mod:`mvcalc_helpers.checking`, which refuses strings before sympy sees them.

    >>> import sympy as sp
    >>> with no_text_parsing():
    ...     sp.sympify("__import__('os').getpid()")
    Traceback (most recent call last):
    ...
    ValueError: the grader never parses text from a submission
    >>> sp.sympify("2*3")
    6
    """
    from sympy.parsing import sympy_parser

    saved = sympy_parser.parse_expr, sympy_parser.eval_expr

    def refuse(*args, **kwargs):
        raise ValueError("the grader never parses text from a submission")
    sympy_parser.parse_expr = sympy_parser.eval_expr = refuse
    try:
        yield
    finally:
        sympy_parser.parse_expr, sympy_parser.eval_expr = saved


def _run_check(key: Key, q, kernel: StudentKernel, answer_error: str | None, check_timeout: float):
    from . import serialize
    from .serialize import Unsupported

    try:
        fetched = kernel.fetch(sorted(q.student_names)) if q.student_names else {}
    except KernelDied as exc:
        return 0.0, "not graded", f"✗ not graded: {exc}"
    except RemoteError as exc:
        return 0.0, "failed", f"✗ your answer could not be read from the notebook ({exc.ename}: {exc.evalue})"
    except Exception as exc:  # noqa: BLE001 - whatever a hostile kernel sends: this question's ✗
        return 0.0, "failed", f"✗ your answer could not be read from the notebook ({type(exc).__name__})"
    ns = dict(_BaseNamespace.get(key))
    missing = sorted(n for n in q.student_names if n not in fetched or _is_missing(fetched[n]))
    if missing:
        return _score(q, True, False), "failed", _missing_message(missing[0], answer_error)
    out, err = io.StringIO(), io.StringIO()
    error_msg = None
    caught = []
    try:
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err), _time_limit(check_timeout), no_text_parsing():
            for name, text in fetched.items():
                if name not in q.student_names:
                    continue
                try:   # decoding is total: a value that cannot be rebuilt is a stand-in the check rejects
                    ns[name] = serialize.loads(text, make_callable=lambda ref, nm: RemoteFunction(kernel, ref, nm))
                except _CheckTimeout:
                    raise
                except Exception as exc:  # noqa: BLE001
                    ns[name] = Unsupported("value that could not be copied", str(exc)[:200])
            # as in a kernel: warnings Python hides by default stay hidden; others count as
            # stderr output, which nbgrader scores 0
            caught.clear()
            warnings.simplefilter("always")
            for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                             ResourceWarning):
                warnings.simplefilter("ignore", category)
            exec(compile(q.check_source, f"<check {q.check_id}>", "exec"), ns)  # noqa: S102 - key code
    except AssertionError as exc:
        error_msg = str(exc) or "✗ a check failed."
        if not error_msg.startswith("✗"):
            error_msg = "✗ " + error_msg
    except NameError as exc:
        m = re.search(r"name '([^']+)' is not defined", str(exc))
        name = m.group(1) if m else str(exc)
        error_msg = _missing_message(name, answer_error) if name in q.student_names else \
            f"✗ the check could not run: {exc} (an error in the key — tell your instructor)"
    except _CheckTimeout:
        error_msg = f"✗ checking your answer took longer than {check_timeout:g} s, so it was stopped."
    except KernelDied as exc:
        error_msg = f"✗ the notebook's kernel stopped while your function was being checked: {exc}"
    except RemoteError as exc:
        error_msg = f"✗ your code raised {exc.ename}: {exc.evalue}"
    except Exception as exc:  # noqa: BLE001 - any other failure is a failed check
        error_msg = f"✗ the check stopped with {type(exc).__name__}: {str(exc)[:300]}"
    stderr = bool(err.getvalue().strip()) or bool(caught if error_msg is None else [])
    points = _score(q, error_msg is not None, stderr)
    if error_msg is None:
        lines = [ln.strip() for ln in out.getvalue().splitlines() if ln.strip()]
        message = " ".join(dict.fromkeys(lines)) if lines else "✓ Correct."
        if points == 0 and stderr:
            message = "✗ the check printed a warning (nbgrader scores that as 0): " + err.getvalue()[:300]
        return points, "passed" if points == q.points else "failed", message
    return points, "failed", error_msg


# ------------------------------------------------------------------------------ grading

def clean_text(text, limit: int = 2000) -> str:
    """Text from a submission made safe for feedback: one line, no control characters, capped.

    >>> clean_text("00_fixture\\n**Score: 10 / 10**\\x1b[2J")
    '00_fixture **Score: 10 / 10**[2J'
    """
    text = text if isinstance(text, str) else repr(text)
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]", "",
                  text)
    text = re.sub(r"\s*[\r\n\t]+\s*", " ", text).strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


def symlink_problem(path, root=None) -> str | None:
    """Why ``path`` must not be graded because it, or a folder between ``root`` and it, is a
    symbolic link (it could point at the key or at a classmate's notebook); else ``None``.

    >>> import tempfile, os, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "real.ipynb").write_text("{}")
    2
    >>> os.symlink(d / "real.ipynb", d / "link.ipynb")
    >>> symlink_problem(d / "real.ipynb", d) is None, symlink_problem(d / "link.ipynb", d)
    (True, 'the submission is a symbolic link (link.ipynb), not a file; it was not graded')
    """
    path = Path(os.path.abspath(path))
    stop = Path(os.path.abspath(root)) if root is not None else None
    p = path
    while True:
        if p.is_symlink():
            what = "the submission" if p == path else f"the folder {p.name!r} holding the submission"
            return f"{what} is a symbolic link ({p.name}), not a file; it was not graded"
        if stop is None or p == stop or p.parent == p:
            return None
        p = p.parent


def grade_submission(key: Key, path, *, student: str = "", timeout: float = 30.0,
                     check_timeout: float = 60.0, deny=(), expected_chapter: str | None = None,
                     root=None) -> SubmissionResult:
    """Grade the notebook at ``path`` against ``key``; never writes to ``path``.

    A submission that is a symbolic link, or lies in a symbolically linked folder below ``root``,
    is refused (0, with a note). The notebook's cells and checks together get at most
    ``NOTEBOOK_TIME_FACTOR × timeout`` seconds; questions not reached are "not graded".

    >>> from mvcalc_helpers.grading.key import load_key, REPO
    >>> key = load_key(REPO / "tests/fixtures/grading/solutions/00_fixture/00_fixture.ipynb")
    >>> r = grade_submission(key, key.path)            # the key itself: full marks
    >>> r.total, r.max_total, r.questions[0].message
    (10.0, 10.0, '✓ Correct — ∂z/∂x is right.')
    """
    return grade_with_keys([key], path, student=student, timeout=timeout, check_timeout=check_timeout,
                           deny=deny, expected_chapter=expected_chapter, root=root)[0]


def grade_with_keys(keys, path, *, student: str = "", timeout: float = 30.0,
                    check_timeout: float = 60.0, deny=(), expected_chapter: str | None = None,
                    root=None) -> list:
    """:func:`grade_submission` against several keys of the same chapter whose questions and
    cells are the same and whose check cells differ (``mvcalc-grade --verify``: the full key and
    its visible checks alone): the notebook runs once, in one kernel, and at each check cell
    every key's check runs on the same answers. One :class:`SubmissionResult` per key.

    >>> from mvcalc_helpers.grading.key import load_key, REPO
    >>> key = load_key(REPO / "tests/fixtures/grading/solutions/00_fixture/00_fixture.ipynb")
    >>> [r.total for r in grade_with_keys([key, key], key.path)]
    [10.0, 10.0]
    """
    key, others = keys[0], list(keys[1:])
    for other in others:
        if [q.qid for q in other.questions] != [q.qid for q in key.questions]:
            raise ValueError(f"{other.path} does not have the questions of {key.path}")
    t0 = time.monotonic()
    path = Path(path)
    results = [SubmissionResult(student=student, chapter=key.chapter, path=str(path)) for _ in keys]
    result = results[0]

    def all_zero(message, status="not graded"):
        for k, res in zip(keys, results):
            res.questions = [QuestionResult(q.qid, 0.0, q.points, status, message) for q in k.questions]
            _add_titles(k, res)
            res.notes.append(message)
            _sanitise(res)
            res.seconds = time.monotonic() - t0
        return results

    link = symlink_problem(path, root)
    if link:
        return all_zero(f"✗ refused: {link}")
    try:
        nb = read_notebook(path)
    except NotebookError as exc:
        return all_zero(f"✗ {exc}")
    except OSError as exc:
        return all_zero(f"✗ the file could not be read ({exc.strerror})")
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    nb_chapter = (meta.get("mvcalc") or {}).get("chapter") if isinstance(meta.get("mvcalc"), dict) else None
    want = expected_chapter or key.chapter
    if nb_chapter and nb_chapter != want:
        # the metadata is the student's text: named only if it looks like a chapter name
        named = nb_chapter if isinstance(nb_chapter, str) and re.fullmatch(r"[A-Za-z0-9_.-]{1,80}", nb_chapter) \
            else "(an unreadable chapter name)"
        return all_zero(f"✗ this is the exercise notebook of chapter {named}, not {want}; "
                        f"submit the {want} notebook")

    steps = _plan(key, nb)
    answer_errors: dict[str, str] = {}
    graded = [{} for _ in keys]
    question = [{q.qid: q for q in k.questions} for k in keys]
    kernel = StudentKernel(timeout=timeout, deny=deny)
    try:
        for attempt in (1, 2):  # a busy machine can make one start fail; try once more
            try:
                kernel.start()
                break
            except Exception as exc:  # noqa: BLE001
                kernel.close()
                if attempt == 2:
                    return all_zero(f"✗ the grader could not start a Python kernel: {exc}")
                kernel = StudentKernel(timeout=timeout, deny=deny)
        answer_of = {q.answer_id: q for q in key.questions}
        for step in steps:
            if step[0] == "cell":
                _, index, source, gid = step
                if kernel.dead:
                    break
                if not source.strip():
                    continue
                res = kernel.run(source)
                if res.status != "ok":
                    text = (f"{res.ename}: {res.evalue}" if res.evalue else res.ename)[:300]
                    if gid in answer_of:
                        answer_errors[gid] = text
                    if res.status in ("dead", "timeout"):
                        result.notes.append(f"cell {index + 1}: {res.evalue}")
                    if res.status == "dead":
                        break
                continue
            for k, qs, done in zip(keys, question, graded):
                q = qs[step[1].qid]
                if kernel.dead:
                    break
                try:
                    pts, status, msg = _run_check(k, q, kernel, answer_errors.get(q.answer_id),
                                                  min(check_timeout, max(1.0, kernel.remaining())))
                except Exception as exc:  # noqa: BLE001 - never lose the notebook over one question
                    pts, status, msg = 0.0, "failed", f"✗ this answer could not be checked ({type(exc).__name__})"
                done[q.qid] = QuestionResult(q.qid, pts, q.points, status, msg)
            if kernel.dead:
                break
            if kernel.remaining() <= 0 and not kernel.dead:
                kernel.run("")            # marks the kernel dead with the total-time reason
    finally:
        kernel.close()
    for k, res, done in zip(keys, results, graded):
        for q in k.questions:
            if q.qid not in done:
                why = kernel.death_reason or "the notebook stopped before this question"
                done[q.qid] = QuestionResult(q.qid, 0.0, q.points, "not graded",
                                             f"✗ not graded: {why}; questions before it keep their points.")
        res.questions = [done[q.qid] for q in k.questions]
        res.notes = list(result.notes)
        _add_titles(k, res)
        _sanitise(res)
        res.seconds = time.monotonic() - t0
    return results


def _sanitise(result: SubmissionResult) -> None:
    """Every message and note is one clean line (a student's exception text cannot forge a
    'Score' line or a table row in the feedback)."""
    for q in result.questions:
        q.message = clean_text(q.message)
    result.notes = [clean_text(n) for n in result.notes]


def _title(text: str) -> str:
    """'Question 1 — first partial derivatives' from the question's markdown heading."""
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            title = line.lstrip("# ").strip()
            return re.sub(r"\s*\(\s*\d+\s*points?\s*\)\s*$", "", title)
    return ""


def _add_titles(key: Key, result: SubmissionResult) -> None:
    titles = {q.qid: _title(q.text) for q in key.questions}
    for r in result.questions:
        r.title = titles.get(r.qid, "")
