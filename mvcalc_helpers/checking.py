"""Answer checks for the exercise notebooks, with feedback a learner can act on.

Exercise notebooks import this module as ``ck`` (it is *not* in ``mvcalc_helpers._EXPORTS``;
use ``from mvcalc_helpers import checking as ck``). Every check takes the learner's answer and
either

* the **exact expected answer** (hidden tests, used when grading), or
* a **fingerprint** of it (visible checks, shipped in the exercise notebook): a string made by
  :func:`fingerprint` that holds hashes of the answer's values at fixed test points, so the
  check can say *what* is wrong ("your ∂z/∂x at (x, y) = (1, 2) is 16 …") without the
  notebook containing the answer.

A passing check prints a line starting with ``✓ Correct`` and returns ``None`` (a value would be
read as partial credit by nbgrader); a failing check raises :class:`CheckFailed`, an
``AssertionError`` subclass carrying the message, so nbgrader scores the cell 0.

>>> import sympy as sp
>>> from mvcalc_helpers import checking as ck
>>> x, y = sp.symbols("x y")
>>> ck.check_expression(3*x**2*y, 3*y*x**2, name="∂f/∂x")
✓ Correct — ∂f/∂x is right.
>>> fp = ck.fingerprint(3*x**2*y)
>>> ck.check_expression(x**2*y*3, fp, name="∂f/∂x")
✓ Correct — ∂f/∂x is right.
>>> try:
...     ck.check_expression(-3*x**2*y, fp, name="∂f/∂x")
... except ck.CheckFailed as err:
...     print(err)
✗ ∂f/∂x is not right: at (x, y) = (1, 2) your ∂f/∂x is -6. It is the negative of the expected value at every point tested.
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import numbers
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import sympy as sp

__all__ = [
    "CheckFailed", "fingerprint", "check_expression", "check_number", "check_array",
    "check_function", "check_choice", "pyfunc", "PyFunc", "is_fingerprint", "summary",
]

_PREFIX = "mvfp1:"
_SALT = "mvcalc-exercises"
# points at which expressions are compared; coordinates are assigned to the variables sorted by
# name.  The first one is readable (it appears in feedback); the others catch coincidences.
_POINT_ROWS = [
    ["1", "2", "3", "-1", "2", "1"],
    ["1/2", "-1/3", "3/4", "2/5", "-5/7", "1/6"],
    ["2/3", "5/7", "-3/11", "7/5", "4/9", "-2/7"],
    ["3", "1/2", "2", "-3/2", "5/3", "3/7"],
    ["-1/2", "3/2", "-2/3", "4/3", "1/5", "7/3"],
    ["5/4", "4/7", "1/9", "-6/5", "2/3", "9/8"],
]
_N_POINTS = 3
_EXPR_SIG = 10          # significant digits compared for expression values
_EXPR_ATOL = 1e-12
_NEAR_SIG = 3           # "close but not exact": the answer agrees to this many significant digits
_NEAR_RTOL = 2e-3       # the same, for exact expected values


class CheckFailed(AssertionError):
    """A check found a wrong answer; the message says what is wrong in the learner's words.

    In Jupyter the learner sees only the message, not a traceback through this module
    (IPython's ``_render_traceback_`` protocol); the cell still counts as failed.

    >>> issubclass(CheckFailed, AssertionError)
    True
    >>> CheckFailed("✗ x is not right.")._render_traceback_()
    ['CheckFailed: ✗ x is not right.']
    """

    def _render_traceback_(self):
        return [f"CheckFailed: {line}" if i == 0 else line for i, line in enumerate(str(self).splitlines())]


class PyFunc:
    """A Python function given by its source, so that a test can pass it *into* a learner's function.

    Use it for test inputs that are functions (e.g. the ``f`` handed to a learner's numerical
    gradient). The grader ships the source text to wherever the learner's code runs.

    >>> f = pyfunc("lambda v: v[0]**2 * v[1]")
    >>> f([3.0, 2.0])
    18.0
    """

    def __init__(self, source: str):
        if not isinstance(source, str):
            raise TypeError("pyfunc needs the function's source as a string, e.g. 'lambda v: v[0]**2'")
        self.source = source
        namespace = {"np": np, "sp": sp, "math": math}
        self._func = eval(source, namespace)  # noqa: S307 - source written by the course author
        if not callable(self._func):
            raise TypeError(f"pyfunc source must evaluate to a function, got {type(self._func).__name__}")

    def __call__(self, *args, **kwargs):
        return self._func(*args, **kwargs)

    def __repr__(self):
        return self.source


def pyfunc(source: str) -> PyFunc:
    """Return a callable built from ``source`` (see :class:`PyFunc`).

    >>> pyfunc("lambda t: 2*t")(4)
    8
    """
    return PyFunc(source)


# ----------------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------------

def _type_name(obj) -> str:
    """The type of a learner's value, in words (the grader's stand-ins keep the original name)."""
    return getattr(obj, "type_name", None) or type(obj).__name__


_PLURAL_EXCEPTIONS = ("ss", "us", "is", "'s")


def _plural(name: str) -> bool:
    """Whether ``name`` reads as a plural ("the leading principal minors"): its last word ends in s.

    >>> _plural("the leading principal minors"), _plural("∂z/∂x"), _plural("the number of steps")
    (True, False, False)
    """
    words = name.strip().split(" of ")[0].split()   # "the number of saddle points": number
    last = words[-1] if words else ""
    return (len(words) > 1 and last.isalpha() and last.endswith("s")
            and not last.endswith(_PLURAL_EXCEPTIONS))


def _your(name: str) -> str:
    """'your ∂z/∂x', 'your Jacobian J' (an article in ``name`` is dropped), 'your answer'.

    >>> _your("the Jacobian J"), _your("∂z/∂x"), _your("your answer")
    ('your Jacobian J', 'your ∂z/∂x', 'your answer')
    """
    low = name.lower()
    for article in ("the ", "a ", "an "):
        if low.startswith(article):
            return "your " + name[len(article):]
    return name if low.startswith("your ") else "your " + name


def _describe(obj) -> str:
    """What a learner's value is, in the course's words (never an internal class name).

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> _describe(x + 1), _describe(sp.Eq(x, 1)), _describe(sp.Array([1, 2])), _describe(lambda t: t)
    ('a sympy expression', 'an equation (sp.Eq)', 'a sympy Array', 'a Python function')
    """
    if obj is None:
        return "None"
    if isinstance(obj, (bool, np.bool_)):
        return f"the True/False value {bool(obj)}"
    if isinstance(obj, str):
        return f"the text {obj!r}"
    if isinstance(obj, sp.MatrixBase):
        return f"a {obj.shape[0]}×{obj.shape[1]} sympy Matrix"
    if isinstance(obj, sp.NDimArray):
        return "a sympy Array"
    if isinstance(obj, sp.Basic):
        if isinstance(obj, sp.Equality):
            return "an equation (sp.Eq)"
        if isinstance(obj, sp.core.relational.Relational):
            return "a comparison (an inequality)"
        if isinstance(obj, sp.Number) or (isinstance(obj, sp.Expr) and not obj.free_symbols):
            return "a sympy number"
        if isinstance(obj, sp.Expr):
            return "a sympy expression"
        if isinstance(obj, sp.logic.boolalg.Boolean):
            return "a logical (True/False) sympy expression"
        return "a sympy object that is not an algebraic expression"
    if isinstance(obj, np.ndarray):
        return f"a numpy array of shape {tuple(obj.shape)}"
    if hasattr(obj, "detach") and hasattr(obj, "numpy"):
        return "a torch tensor"
    if isinstance(obj, numbers.Number) or isinstance(obj, np.number):
        return "a number"
    for kind, words in ((dict, "a dictionary"), ((set, frozenset), "a set"), (tuple, "a tuple"),
                        (list, "a list")):
        if isinstance(obj, kind):
            return words
    if callable(obj):
        return "a Python function"
    return f"a value of type {_type_name(obj)}"


def _fmt_value(v) -> str:
    """A learner's concept answer as text; sets are shown sorted so the order never changes.

    >>> _fmt_value({"d", "a", "b"}), _fmt_value("b"), _fmt_value(True)
    ("{'a', 'b', 'd'}", "'b'", 'True')
    """
    if isinstance(v, (set, frozenset)):
        items = sorted(v, key=lambda t: (type(t).__name__, str(t)))
        return "{" + ", ".join(repr(t) for t in items) + "}" if items else "set()"
    return repr(v)


def _fail(name: str, text: str, hint: str | None = None):
    verb = "are" if _plural(name) else "is"
    msg = f"✗ {name} {verb} not right: {text}" if text else f"✗ {name} {verb} not right."
    if hint:
        msg += f" Hint: {hint}"
    raise CheckFailed(msg)


def _ok(name: str, extra: str = ""):
    verb = "are" if _plural(name) else "is"
    print(f"✓ Correct — {name} {verb} right.{(' ' + extra) if extra else ''}")


def _h(text: str) -> str:
    return hashlib.sha256(f"{_SALT}|{text}".encode()).hexdigest()[:16]


def _q(value: complex, sig: int, atol: float) -> str:
    """Quantise a number to ``sig`` significant digits (|value| < atol counts as 0)."""
    re, im = float(value.real), float(value.imag)
    scale = max(abs(re), abs(im))
    if not math.isfinite(re) or not math.isfinite(im):
        return "nonfinite"
    parts = []
    for part in (re, im):
        if abs(part) < atol or abs(part) < 1e-13 * scale:
            parts.append("0")
        else:
            parts.append(f"{part:.{sig - 1}e}")
    return parts[0] if parts[1] == "0" else f"{parts[0]}{parts[1]}j"


def _candidates(value: complex, sig: int, atol: float) -> set[str]:
    """Quantised forms of ``value`` and its close neighbours, so rounding edges do not matter."""
    delta = 0.5 * 10.0 ** (-sig)
    out = {_q(value, sig, atol)}
    for f in (1 - delta, 1 + delta):
        out.add(_q(complex(value.real * f, value.imag * f), sig, atol))
    if abs(value) < 2 * atol:
        out.add("0")
    return out


def _matches(value: complex, target_hash: str, sig: int, atol: float) -> bool:
    return any(_h(c) == target_hash for c in _candidates(value, sig, atol))


def _encode(payload: dict) -> str:
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return _PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(fp: str) -> dict:
    body = fp[len(_PREFIX):]
    body += "=" * (-len(body) % 4)
    return json.loads(base64.urlsafe_b64decode(body.encode()))


def is_fingerprint(value) -> bool:
    """True when ``value`` is a fingerprint string made by :func:`fingerprint`.

    >>> is_fingerprint(fingerprint(2.5)), is_fingerprint("b")
    (True, False)
    """
    return isinstance(value, str) and value.startswith(_PREFIX)


def _sig_for(rtol: float) -> int:
    return max(2, min(14, int(math.ceil(-math.log10(rtol)))))


def _fmt_num(v) -> str:
    v = complex(v)
    if abs(v.imag) < 1e-12 * max(1.0, abs(v.real)):
        r = v.real
        if abs(r - round(r)) < 1e-9 and abs(r) < 1e12:
            return str(int(round(r)))
        return f"{r:.6g}"
    return f"{v.real:.6g}{v.imag:+.6g}j"


def _fmt_array(a: np.ndarray) -> str:
    with np.printoptions(precision=5, suppress=True, threshold=20):
        return np.array2string(np.asarray(a), separator=", ")


# ----------------------------------------------------------------------------------------------
# expressions
# ----------------------------------------------------------------------------------------------

_EXPR_FORMAT = "a sympy expression built from the symbols, e.g. 3*x**2*y"
_UNEVALUATED = (sp.Derivative, sp.Integral, sp.Limit, sp.Subs)
_NOT_A_STRING = ("your answer is the text {text} (in quotes): write a sympy expression, not a string — "
                 "the expected format is " + _EXPR_FORMAT + ", with x, y = sp.symbols('x y').")


def _sympy_leaf(v, name: str, hint):
    """One entry of an answer as sympy, *without* ever parsing text: a string is refused (sympy
    would ``eval`` it), numbers become sympy numbers, anything else that is not sympy fails."""
    if isinstance(v, (sp.Basic, sp.MatrixBase)):
        return v
    if isinstance(v, str):
        _fail(name, _NOT_A_STRING.format(text=repr(v[:60])), hint)
    if isinstance(v, (bool, np.bool_)):
        _fail(name, f"your answer contains {_describe(v)}; the expected format is {_EXPR_FORMAT}.", hint)
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, numbers.Integral):
        return sp.Integer(int(v))
    if isinstance(v, numbers.Real):
        return sp.Float(float(v))
    if isinstance(v, numbers.Complex):
        return sp.Float(v.real) + sp.I * sp.Float(v.imag)
    _fail(name, f"your answer contains {_describe(v)}; the expected format is {_EXPR_FORMAT}.", hint)


def _sympy_nested(v, name: str, hint, depth: int = 0):
    """Lists/tuples/arrays of entries → nested lists of sympy objects (strings refused)."""
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        if depth > 2:
            _fail(name, "your answer is nested too deeply to be a vector or matrix; write it as "
                        "sp.Matrix([[...], [...]]).", hint)
        return [_sympy_nested(e, name, hint, depth + 1) for e in v]
    return _sympy_leaf(v, name, hint)


def _as_sympy(answer, name: str, hint):
    """The learner's answer as a sympy Expr or Matrix, or a CheckFailed in plain words.

    This is the one place where an answer is converted to sympy. Text is never parsed
    (``sympify`` of a string runs ``eval``): a string anywhere in the answer fails with
    "write a sympy expression, not a string".
    """
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer.item()
    if answer is None or answer is Ellipsis:
        _fail(name, "you have not given an answer yet (it is None / ...).", hint)
    if isinstance(answer, str):
        _fail(name, _NOT_A_STRING.format(text=repr(answer[:60])), hint)
    if isinstance(answer, (bool, np.bool_)):
        _fail(name, f"your answer is {_describe(answer)}; the expected format is {_EXPR_FORMAT}.", hint)
    if isinstance(answer, sp.MatrixBase):
        expr = sp.Matrix(answer)
    elif isinstance(answer, (np.ndarray, list, tuple)):
        nested = _sympy_nested(answer, name, hint)      # refuses strings before sympy sees them
        try:
            if (isinstance(answer, np.ndarray) and answer.ndim == 1) or \
                    all(not isinstance(e, list) for e in nested):
                expr = sp.Matrix(len(nested), 1, nested)
            else:
                expr = sp.Matrix(nested)
        except Exception:  # noqa: BLE001
            _fail(name, f"your answer is {_describe(answer)} that is not a vector or matrix; write it as "
                        "sp.Matrix([[...], [...]]).", hint)
    elif callable(answer) and not isinstance(answer, sp.Basic):
        _fail(name, "your answer is a Python function; the expected format is a sympy expression "
                    "(e.g. 2*x*y, not lambda x, y: 2*x*y).", hint)
    elif isinstance(answer, sp.Equality):
        _fail(name, "your answer is an equation (sp.Eq); give only the expression (its "
                    "right-hand side).", hint)
    elif isinstance(answer, sp.NDimArray):
        _fail(name, "your answer is a sympy Array; write it as sp.Matrix(...) instead.", hint)
    elif isinstance(answer, (sp.Basic, numbers.Number, np.generic)):
        expr = _sympy_leaf(answer, name, hint)
    elif isinstance(answer, (Mapping, set, frozenset)):
        _fail(name, f"your answer is {_describe(answer)}, not an algebraic expression; the expected "
                    f"format is {_EXPR_FORMAT}.", hint)
    else:
        _fail(name, f"your answer is {_describe(answer)}; the expected format is {_EXPR_FORMAT}.", hint)
    if not isinstance(expr, (sp.Expr, sp.MatrixBase)):
        _fail(name, f"your answer is {_describe(expr)}; the expected format is {_EXPR_FORMAT}.", hint)
    if expr.has(*_UNEVALUATED):
        _fail(name, "your answer still contains an unevaluated derivative, integral, limit or "
                    "substitution (it prints as Derivative(...), Integral(...), Limit(...) or "
                    "Subs(...)); carry the operation out so that the answer is an explicit formula.",
              hint)
    return expr


def _shape(e):
    return tuple(e.shape) if isinstance(e, sp.MatrixBase) else None


def _var_names(e) -> list[str]:
    return sorted({s.name for s in e.free_symbols if isinstance(s, sp.Symbol)})


def _points(names: list[str]):
    """Yield candidate points {name: Rational}."""
    for row in _POINT_ROWS:
        yield {n: sp.Rational(row[i % len(row)]) + (i // len(row)) for i, n in enumerate(names)}


def _value_at(e, point: dict):
    """Numeric value(s) of e at point (by symbol name): complex or array of complex, or None."""
    subs = {s: point[s.name] for s in e.free_symbols if isinstance(s, sp.Symbol) and s.name in point}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if isinstance(e, sp.MatrixBase):
                vals = [complex(sp.N(v.subs(subs), 20)) for v in e]
                return np.array(vals, dtype=complex).reshape(e.shape)
            return complex(sp.N(e.subs(subs), 20))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            return None


def _finite(v) -> bool:
    return v is not None and bool(np.all(np.isfinite(np.asarray(v))))


def _fingerprint_expr(expected) -> dict:
    names = _var_names(expected)
    pts, hashes, near = [], [], []
    for p in _points(names):
        v = _value_at(expected, p)
        if not _finite(v):
            continue
        pts.append({k: str(r) for k, r in p.items()})
        flat = np.atleast_1d(v).ravel()
        hashes.append([_h(_q(c, _EXPR_SIG, _EXPR_ATOL)) for c in flat])
        near.append([_h(_q(c, _NEAR_SIG, _EXPR_ATOL)) for c in flat])
        if len(pts) == _N_POINTS:
            break
    if not pts:
        raise ValueError("the expected expression is undefined at every test point; "
                         "pass a different expression")
    return {"k": "expr", "vars": names, "shape": _shape(expected), "pts": pts, "h": hashes, "c": near}


def _fmt_point(p: dict) -> str:
    names = list(p)
    if not names:
        return ""
    vals = [str(p[n]) for n in names]
    if len(names) == 1:
        return f"at {names[0]} = {vals[0]}"
    return f"at ({', '.join(names)}) = ({', '.join(vals)})"


_NEAR_TEXT = ("It is close to the expected value but not equal to it (they agree to at least 3 "
              "significant digits)")
_ROUNDED_TEXT = " — if you rounded, give more digits or an exact value such as sp.Rational(1, 3) or sp.sqrt(2)."


def _diagnose(values: list, match, where: str = " at every point tested") -> str | None:
    """Describe a common slip as an observation: match(transformed_values) -> bool."""
    slips = [
        (lambda v: -v, f"It is the negative of the expected value{where}."),
        (lambda v: v / 2, "It is exactly twice the expected value."),
        (lambda v: v * 2, "It is exactly ½ of the expected value."),
    ]
    for transform, text in slips:
        if match([transform(v) for v in values]):
            return text
    return None


def _join(items) -> str:
    """'x', 'x and y', 'x, y and z'."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _check_expr_fp(ans, fp: dict, name: str, hint):
    if isinstance(ans, sp.Expr) and not _var_names(ans) and fp["vars"] and fp["shape"] is None:
        # a constant where an expression is expected
        v = _value_at(ans, {})
        shown = _fmt_num(v) if _finite(v) else str(ans)
        _fail(name, f"your answer is the number {shown}, but the expected answer is an "
                    f"expression in {_join(fp['vars'])}.", hint)
    exp_shape = tuple(fp["shape"]) if fp["shape"] is not None else None
    ans_shape = _shape(ans)
    if exp_shape != ans_shape:
        if exp_shape is None:
            _fail(name, f"your answer is a {ans_shape[0]}×{ans_shape[1]} Matrix, but a single "
                        f"expression is expected.", hint)
        if ans_shape is None:
            _fail(name, f"your answer is a single expression, but a {exp_shape[0]}×{exp_shape[1]} "
                        f"Matrix is expected.", hint)
        if ans_shape == exp_shape[::-1]:
            ans_t = ans.T
            if _expr_matches_fp(ans_t, fp):
                _fail(name, f"your Matrix has shape {ans_shape[0]}×{ans_shape[1]} but should be "
                            f"{exp_shape[0]}×{exp_shape[1]}: it is the transpose of the expected one.", hint)
        _fail(name, f"your Matrix has shape {ans_shape[0]}×{ans_shape[1]} but should be "
                    f"{exp_shape[0]}×{exp_shape[1]}.", hint)
    exp_vars = fp["vars"]
    ans_vars = _var_names(ans)
    extra = [v for v in ans_vars if v not in exp_vars]
    if extra:
        # it may still be equivalent (sin(x)**2 + cos(x)**2 + y): try two values for the extras
        ok = all(_expr_matches_fp(ans, fp, {v: sp.Rational(row[i % len(row)])
                                            for i, v in enumerate(extra)})
                 for row in (_POINT_ROWS[1], _POINT_ROWS[2]))
        if ok:
            return
        _fail(name, f"your answer contains {_join(extra)}, but the expected answer does not "
                    f"depend on {'it' if len(extra) == 1 else 'them'}.", hint)
    values = []
    for p, hashes in zip(fp["pts"], fp["h"]):
        point = {k: sp.Rational(v) for k, v in p.items()}
        v = _value_at(ans, point)
        if not _finite(v):
            _fail(name, f"your answer is undefined {_fmt_point(point)}, but the expected one is "
                        f"defined there.", hint)
        values.append((point, v, hashes))
    bad = [(p, v) for p, v, hs in values if not _flat_match(v, hs, _EXPR_SIG, _EXPR_ATOL)]
    if not bad:
        return
    point, v = bad[0]
    shown = _fmt_num(v) if not isinstance(v, np.ndarray) else _fmt_array(v.real)
    text = f"{_fmt_point(point)} {_your(name)} is {shown}" if point else f"{_your(name)} is {shown}"
    missing = [m for m in exp_vars if m not in ans_vars]
    if missing:
        them = "it" if len(missing) == 1 else "them"
        text += (f"; the expected value depends on {_join(missing)}, but your answer does not "
                 f"contain {them}.")
    else:
        text += "."
    all_vals = [v for _, v, _ in values]
    all_hashes = [hs for _, _, hs in values]
    slip = _diagnose(all_vals, lambda vs: all(_flat_match(t, hs, _EXPR_SIG, _EXPR_ATOL)
                                              for t, hs in zip(vs, all_hashes)))
    if isinstance(ans, sp.MatrixBase) and not slip:
        wrong = [i for i, (c, h) in enumerate(zip(np.asarray(v, dtype=complex).ravel(), hashes_of(fp, point)))
                 if not _matches(c, h, _EXPR_SIG, _EXPR_ATOL)]
        text = text[:-1] + "; " + _wrong_entries_text(wrong, ans.shape) + "."
    if slip:
        text += " " + slip
    elif "c" in fp and all(_flat_match(v, cs, _NEAR_SIG, _EXPR_ATOL) for (_, v, _), cs in zip(values, fp["c"])):
        text += " " + _NEAR_TEXT + _ROUNDED_TEXT
    if isinstance(ans, sp.MatrixBase) and ans.shape[0] == ans.shape[1] and ans.shape[0] > 1:
        if _expr_matches_fp(ans.T, fp):
            text += " It equals the transpose of the expected Matrix."
    _fail(name, text, hint)


def hashes_of(fp: dict, point: dict) -> list:
    """The hashes a fingerprint holds for one of its test points."""
    for p, hs in zip(fp["pts"], fp["h"]):
        if {k: sp.Rational(v) for k, v in p.items()} == point:
            return hs
    return []


def _wrong_entries_text(wrong: list, shape) -> str:
    """'the entry [0, 1] is not right' / 'the entries [0, 1], [1, 0] are not right (of 4)'."""
    shape = tuple(shape)
    idx = [np.unravel_index(i, shape) for i in wrong]
    shown = [f"[{', '.join(str(int(t)) for t in ix)}]" for ix in idx[:6]]
    more = f" and {len(idx) - 6} more" if len(idx) > 6 else ""
    total = int(np.prod(shape))
    if len(idx) == 1:
        others = "the other entry is right" if total == 2 else f"the other {total - 1} are right"
        return f"the entry {shown[0]} is not right ({others}; indices count from 0)"
    if len(idx) == total:
        return f"none of its {total} entries is right"
    return (f"the entries {', '.join(shown)}{more} are not right ({len(idx)} of {total}; "
            f"indices count from 0)")


def _flat_match(v, hashes, sig, atol) -> bool:
    flat = np.atleast_1d(np.asarray(v, dtype=complex)).ravel()
    return len(flat) == len(hashes) and all(_matches(c, h, sig, atol) for c, h in zip(flat, hashes))


def _expr_matches_fp(ans, fp, extra_values=None) -> bool:
    for p, hashes in zip(fp["pts"], fp["h"]):
        v = _value_at(ans, {**(extra_values or {}), **{k: sp.Rational(x) for k, x in p.items()}})
        if not _finite(v) or not _flat_match(v, hashes, _EXPR_SIG, _EXPR_ATOL):
            return False
    return True


def _check_expr_exact(ans, expected, name: str, hint):
    expected = _as_sympy(expected, "the expected answer", None)
    # rename the learner's symbols to the key's symbols of the same name (assumptions may differ)
    by_name = {s.name: s for s in expected.free_symbols if isinstance(s, sp.Symbol)}
    ans = ans.xreplace({s: by_name[s.name] for s in ans.free_symbols
                        if isinstance(s, sp.Symbol) and s.name in by_name})
    # reuse the fingerprint path for the diagnosis (same words as the visible check)
    fp = _fingerprint_expr(expected)
    _check_expr_fp(ans, fp, name, hint)
    # values agree at the test points; now confirm symbolically, with a numeric fallback
    diff = ans - expected
    try:
        zero = (diff.applyfunc(sp.simplify) == sp.zeros(*diff.shape)) if isinstance(diff, sp.MatrixBase) \
            else sp.simplify(diff) == 0
    except Exception:  # noqa: BLE001
        zero = False
    if zero:
        return
    names = _var_names(expected)
    rng = np.random.default_rng(12345)
    for _ in range(8):
        point = {n: sp.Rational(int(rng.integers(-40, 41)), int(rng.integers(7, 23))) for n in names}
        a, e = _value_at(ans, point), _value_at(expected, point)
        if not _finite(e):
            continue
        if not _finite(a) or not np.allclose(a, e, rtol=1e-9, atol=1e-12):
            if a is not None and not isinstance(a, np.ndarray):
                _fail(name, f"{_fmt_point(point)} {_your(name)} is {_fmt_num(a)}, which is not the "
                            f"expected value (your answer agrees with it at a few points only).", hint)
            _fail(name, f"{_fmt_point(point)} {_your(name)} differs from the expected value "
                        f"(your answer agrees with it at a few points only).", hint)


def check_expression(answer, expected, *, name: str = "your answer", hint: str | None = None) -> None:
    """Check a sympy expression or Matrix against the exact ``expected`` one or its fingerprint.

    Equivalent forms pass (``2*x*(x+y)`` vs ``2*x**2 + 2*x*y``); feedback names the first test
    point where the values differ, a missing variable, a sign error, a dropped factor ½, a
    transposed Matrix.

    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> check_expression(2*x*(x + y), 2*x**2 + 2*x*y, name="∂f/∂x")
    ✓ Correct — ∂f/∂x is right.
    >>> try:
    ...     check_expression(16*x, fingerprint(8*x*y**2), name="∂z/∂x")
    ... except CheckFailed as err:
    ...     print(err)
    ✗ ∂z/∂x is not right: at (x, y) = (1, 2) your ∂z/∂x is 16; the expected value depends on y, but your answer does not contain it.
    """
    ans = _as_sympy(answer, name, hint)
    if is_fingerprint(expected):
        fp = _decode(expected)
        if fp.get("k") != "expr":
            raise TypeError(f"this fingerprint is for a {fp.get('k')} answer; use check_{_KIND_FN[fp.get('k')]}")
        _check_expr_fp(ans, fp, name, hint)
    else:
        _check_expr_exact(ans, expected, name, hint)
    _ok(name)


# ----------------------------------------------------------------------------------------------
# numbers and arrays
# ----------------------------------------------------------------------------------------------

_NUMBER_FORMAT = "a single number such as 0.25, sp.Rational(1, 4) or sp.sqrt(2)"
_ARRAY_FORMAT = "an array of numbers such as np.array([1.0, 2.0])"


def _as_array(answer, name: str, hint, what: str = _ARRAY_FORMAT) -> np.ndarray:
    """The learner's numbers as a float (or complex) numpy array, or a CheckFailed saying what to give."""
    if answer is None or answer is Ellipsis:
        _fail(name, "you have not given an answer yet (it is None / ...).", hint)
    if isinstance(answer, str):
        _fail(name, f"your answer is the text {answer!r} (in quotes); the expected format is "
                    f"{what}.", hint)
    if hasattr(answer, "detach") and hasattr(answer, "numpy"):  # torch tensor
        answer = answer.detach().cpu().numpy()
    try:
        if isinstance(answer, (sp.Basic, sp.MatrixBase)):
            arr = np.array(sp.Matrix(answer).evalf() if isinstance(answer, sp.MatrixBase)
                           else sp.N(answer), dtype=complex)
        else:
            arr = np.asarray(answer)
            if arr.dtype == object:
                arr = np.array(arr.tolist(), dtype=complex)
            else:
                arr = arr.astype(complex)
    except (TypeError, ValueError):
        free = sorted(str(t) for t in getattr(answer, "free_symbols", ()) or ())
        if free:
            _fail(name, f"your answer still contains the symbol{'s' if len(free) > 1 else ''} "
                        f"{_join(free)}; the expected format is {what}: substitute the values "
                        f"(e.g. with .subs({{...}})).", hint)
        _fail(name, f"your answer is {_describe(answer)}, which could not be read as {what}.", hint)
    if np.all(np.abs(arr.imag) == 0):
        arr = arr.real
    return arr


def _fingerprint_array(expected, rtol: float, atol: float, kind: str) -> dict:
    arr = np.atleast_1d(_as_array(expected, "the expected answer", None)) if kind == "array" \
        else _as_array(expected, "the expected answer", None)
    sig = _sig_for(rtol)
    flat = np.asarray(arr, dtype=complex).ravel()
    hashes = [_h(_q(c, sig, atol)) for c in flat]
    near = [_h(_q(c, _NEAR_SIG, atol)) for c in flat]
    return {"k": kind, "shape": list(np.shape(arr)), "rtol": rtol, "atol": atol, "h": hashes, "c": near}


def _compare_array(ans: np.ndarray, expected: dict | np.ndarray, rtol, atol, near: bool = False):
    """Return (ok, per-entry ok mask); expected is a fingerprint payload or an exact array.

    With ``near=True`` compare only to about 3 significant digits ("close but not exact")."""
    if isinstance(expected, dict):
        if near and "c" not in expected:
            return False, np.zeros(np.size(ans), dtype=bool)
        sig = _NEAR_SIG if near else _sig_for(expected["rtol"])
        hashes = expected["c"] if near else expected["h"]
        flat = np.asarray(ans, dtype=complex).ravel()
        mask = np.array([_matches(c, h, sig, expected["atol"]) for c, h in zip(flat, hashes)])
        return bool(mask.all()), mask
    with np.errstate(all="ignore"):
        mask = np.isclose(np.asarray(ans, dtype=complex), np.asarray(expected, dtype=complex),
                          rtol=_NEAR_RTOL if near else rtol, atol=atol).ravel()
    return bool(mask.all()), mask


def _array_feedback(ans, expected, shape, rtol, atol, name, hint, subject=None, given=True):
    """Shared shape / value / slip diagnosis for arrays; raises CheckFailed or returns.

    ``subject`` is who the message talks about ("your ∇f", "for the input (1.0) your result");
    ``given`` is False for a function's output (no "if you rounded" advice then)."""
    subject = subject or "your answer"
    shape = tuple(shape)
    if tuple(ans.shape) != shape:
        if not shape and ans.size == 1:
            _fail(name, f"{subject} is an array of shape {tuple(ans.shape)}; the expected format is "
                        f"a single number (use float(...) or .item()).", hint)
        if tuple(ans.shape) == shape[::-1] and len(shape) == 2:
            ok, _ = _compare_array(ans.T, expected, rtol, atol)
            if ok:
                _fail(name, f"{subject} has shape {tuple(ans.shape)} but should have shape "
                            f"{shape}: it is the transpose of the expected one.", hint)
        if ans.size == int(np.prod(shape)) and shape:
            ok, _ = _compare_array(ans.reshape(shape), expected, rtol, atol)
            if ok:
                _fail(name, f"{subject} has the right numbers but shape {tuple(ans.shape)}; "
                            f"reshape it to {shape}.", hint)
        what = "a single number" if not shape else f"shape {shape}"
        _fail(name, f"{subject} has shape {tuple(ans.shape)}, but the expected answer has {what}.",
              hint)
    with np.errstate(all="ignore"):
        if not np.all(np.isfinite(ans)):
            _fail(name, f"{subject} contains nan or inf: {_fmt_array(ans) if ans.ndim else ans}.", hint)
    ok, mask = _compare_array(ans, expected, rtol, atol)
    if ok:
        return
    if ans.ndim == 0:
        text = f"{subject} is {_fmt_num(ans)}."
    else:
        text = f"{subject} is {_fmt_array(ans)}; {_wrong_entries_text(list(np.flatnonzero(~mask)), ans.shape)}."
    slip = _diagnose([ans], lambda vs: _compare_array(vs[0], expected, rtol, atol)[0], where="")
    if slip:
        text += " " + slip
    elif _compare_array(ans, expected, rtol, atol, near=True)[0]:
        text += " " + _NEAR_TEXT + (_ROUNDED_TEXT if given else ".")
    if ans.ndim == 2 and ans.shape[0] == ans.shape[1] and ans.shape[0] > 1 \
            and _compare_array(ans.T, expected, rtol, atol)[0]:
        text += " It equals the transpose of the expected matrix."
    _fail(name, text, hint)


def check_number(answer, expected, *, name: str = "your answer", rtol: float = 1e-6,
                 atol: float = 1e-9, hint: str | None = None) -> None:
    """Check a number (within ``rtol``/``atol``) against ``expected`` or its fingerprint.

    Exact sympy numbers such as ``sp.sqrt(2)/2`` are accepted as answers.

    >>> import sympy as sp
    >>> check_number(sp.sqrt(2) / 2, 0.7071067811865476, name="the slope")
    ✓ Correct — the slope is right.
    >>> try:
    ...     check_number(-2.5, fingerprint(2.5), name="the slope")
    ... except CheckFailed as err:
    ...     print(err)
    ✗ the slope is not right: your answer is -2.5. It is the negative of the expected value.
    """
    if isinstance(answer, (np.ndarray, list, tuple, sp.MatrixBase)) and np.size(answer) != 1:
        _fail(name, f"your answer is {_describe(answer)} with {np.size(answer)} entries; the expected "
                    f"format is {_NUMBER_FORMAT}.", hint)
    if isinstance(answer, (bool, np.bool_)):
        _fail(name, f"your answer is {_describe(answer)}; the expected format is {_NUMBER_FORMAT}.", hint)
    ans = _as_array(answer, name, hint, _NUMBER_FORMAT).reshape(())
    if is_fingerprint(expected):
        fp = _decode(expected)
        if fp.get("k") != "number":
            raise TypeError(f"this fingerprint is for a {fp.get('k')} answer; use check_{_KIND_FN[fp['k']]}")
        _array_feedback(ans, fp, (), fp["rtol"], fp["atol"], name, hint)
    else:
        exp = _as_array(expected, "the expected answer", None, "a number").reshape(())
        _array_feedback(ans, exp, (), rtol, atol, name, hint)
    _ok(name)


def check_array(answer, expected, *, name: str = "your answer", rtol: float = 1e-6,
                atol: float = 1e-9, hint: str | None = None) -> None:
    """Check an array (numpy, list, torch tensor or numeric sympy Matrix) entry by entry.

    Feedback reports a wrong shape, a transposed result, how many entries are wrong, sign errors
    and factor-2 slips.

    >>> import numpy as np
    >>> check_array([[1.0, 2.0]], np.array([[1, 2]]), name="∇f(1, 2)")
    ✓ Correct — ∇f(1, 2) is right.
    >>> try:
    ...     check_array(np.array([[1.0], [2.0]]), fingerprint(np.array([[1, 2]])), name="∇f")
    ... except CheckFailed as err:
    ...     print(err)
    ✗ ∇f is not right: your answer has shape (2, 1) but should have shape (1, 2): it is the transpose of the expected one.
    """
    ans = _as_array(answer, name, hint)
    if is_fingerprint(expected):
        fp = _decode(expected)
        if fp.get("k") not in ("array", "number"):
            raise TypeError(f"this fingerprint is for a {fp.get('k')} answer; use check_{_KIND_FN[fp['k']]}")
        _array_feedback(ans, fp, tuple(fp["shape"]), fp["rtol"], fp["atol"], name, hint)
    else:
        exp = np.asarray(_as_array(expected, "the expected answer", None))
        _array_feedback(ans, exp, exp.shape, rtol, atol, name, hint)
    _ok(name)


# ----------------------------------------------------------------------------------------------
# functions written by the learner
# ----------------------------------------------------------------------------------------------

def _fmt_args(args) -> str:
    parts = []
    for a in args:
        if isinstance(a, np.ndarray) or (isinstance(a, (list, tuple)) and a and
                                         all(isinstance(t, numbers.Number) for t in a)):
            parts.append(_fmt_array(np.asarray(a)))
        else:
            parts.append(repr(a))
    return "(" + ", ".join(parts) + ")"


def _output_payload(value, rtol, atol) -> dict:
    if isinstance(value, tuple):
        return {"k": "tuple", "items": [_output_payload(v, rtol, atol) for v in value]}
    kind = "number" if np.ndim(np.asarray(value, dtype=object)) == 0 else "array"
    return _fingerprint_array(value, rtol, atol, kind)


def _exact_output(value):
    if isinstance(value, tuple):
        return tuple(_exact_output(v) for v in value)
    return np.asarray(_as_array(value, "the expected answer", None))


def _check_output(out, exp, args, name, rtol, atol, hint, output_names, index=None):
    where = f"for the input {_fmt_args(args)}"
    if index is not None:
        part = output_names[index] if output_names and index < len(output_names) else f"output {index + 1}"
        where += f" the output {part}"
    if isinstance(exp, tuple) or (isinstance(exp, dict) and exp.get("k") == "tuple"):
        items = exp if isinstance(exp, tuple) else exp["items"]
        if not isinstance(out, (tuple, list)) or len(out) != len(items):
            names = f" ({', '.join(output_names)})" if output_names else ""
            got = f"a tuple of {len(out)}" if isinstance(out, (tuple, list)) else _describe(out)
            _fail(name, f"{where} your function should return {len(items)} values{names} as a "
                        f"tuple, but it returned {got}.", hint)
        for i, (o, e) in enumerate(zip(out, items)):
            _check_output(o, e, args, name, rtol, atol, hint, output_names, index=i)
        return
    if out is None:
        _fail(name, f"{where} your function returned None — a function without a `return` line "
                    f"returns None.", hint)
    ans = _as_array(out, name, hint)
    subject = f"{where} your function returned" if index is None else f"{where} is"
    # "your function returned 3." / "the output dW is [..]"
    if isinstance(exp, dict):
        fp_shape, e_rtol, e_atol = tuple(exp["shape"]), exp["rtol"], exp["atol"]
    else:
        fp_shape, e_rtol, e_atol = exp.shape, rtol, atol
    try:
        _array_feedback(ans, exp, fp_shape, e_rtol, e_atol, name, hint, subject="\x00", given=False)
    except CheckFailed as err:
        text = str(err)
        text = text.replace("\x00 is ", subject + " ", 1) if index is None else text.replace("\x00 is ", subject + " ", 1)
        text = text.replace("\x00", f"{where} your result" if index is None else f"{where}", 1)
        raise CheckFailed(text) from None


def check_function(func, inputs, expected, *, name: str = "your function", rtol: float = 1e-6,
                   atol: float = 1e-9, output_names=None, hint: str | None = None) -> None:
    """Call the learner's ``func`` on each argument tuple in ``inputs`` and check the outputs.

    ``expected`` is the list of right outputs or ``fingerprint(list_of_outputs)``; an output is a
    number, an array, or a tuple of them (e.g. ``(dX, dW, db)`` of a backward pass, named by
    ``output_names``). Functions passed as inputs must be :func:`pyfunc` objects (so the grader
    can ship them to the learner's kernel).

    >>> import numpy as np
    >>> def grad(v):
    ...     return np.array([2 * v[0], 2 * v[1]])
    >>> check_function(grad, [([1.0, 2.0],), ([0.0, -1.0],)], [[2, 4], [0, -2]], name="grad")
    ✓ Correct — grad is right (checked on 2 inputs).
    >>> try:
    ...     check_function(lambda v: np.array([v[0], v[1]]), [([1.0, 2.0],)],
    ...                    fingerprint([[2, 4]]), name="grad")
    ... except CheckFailed as err:
    ...     print(err)
    ✗ grad is not right: for the input ([1., 2.]) your function returned [1., 2.]; none of its 2 entries is right. It is exactly ½ of the expected value.
    >>> try:
    ...     check_function(lambda a: (a, -a), [(1.0,)], [(1.0, 1.0)], output_names=("y", "dy"))
    ... except CheckFailed as err:
    ...     print(err)
    ✗ your function is not right: for the input (1.0) the output dy is -1. It is the negative of the expected value.
    """
    if not callable(func) or isinstance(func, (sp.Basic, sp.MatrixBase)):
        _fail(name, f"it should be a Python function (def ...), but it is {_describe(func)}.", hint)
    inputs = [tuple(a) if isinstance(a, (tuple, list)) else (a,) for a in inputs]
    if is_fingerprint(expected):
        fp = _decode(expected)
        if fp.get("k") != "list":
            raise TypeError("check_function needs fingerprint([...outputs...], kind=\"list\")")
        items = fp["items"]
    else:
        items = [_exact_output(e) for e in expected]
    if len(items) != len(inputs):
        raise ValueError(f"{len(inputs)} inputs but {len(items)} expected outputs")
    for args, exp in zip(inputs, items):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = func(*args)
        except CheckFailed:
            raise
        except Exception as exc:  # noqa: BLE001 - the learner's code may raise anything
            _fail(name, f"calling it with {_fmt_args(args)} raised {type(exc).__name__}: "
                        f"{str(exc).rstrip('.')}.", hint)
        _check_output(out, exp, args, name, rtol, atol, hint, output_names)
    print(f"✓ Correct — {name} is right (checked on {len(inputs)} input{'s' if len(inputs) > 1 else ''}).")


# ----------------------------------------------------------------------------------------------
# multiple choice / concept answers
# ----------------------------------------------------------------------------------------------

def _norm_choice(value):
    if isinstance(value, (bool, np.bool_)):
        return "bool:" + str(bool(value))
    if isinstance(value, str):
        return "str:" + " ".join(value.strip().lower().split())
    if isinstance(value, numbers.Integral):
        return f"int:{int(value)}"
    if isinstance(value, (set, frozenset, list, tuple)):
        return "set:" + ",".join(sorted(_norm_choice(v) for v in value))
    raise TypeError(type(value).__name__)


def _choice_format(value) -> str:
    """The kind of concept answer: 'set', 'bool', 'int' or 'str'."""
    if isinstance(value, (set, frozenset, list, tuple)):
        return "set"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, numbers.Integral):
        return "int"
    return "str"


_CHOICE_FORMATS = {"set": 'a set of letters, e.g. {"a", "c"}', "bool": "True or False (no quotes)",
                   "int": "a whole number, e.g. 3", "str": 'one letter in quotes, e.g. "b"'}


def check_choice(answer, expected, *, options=None, name: str = "your answer",
                 hint: str | None = None) -> None:
    """Check a concept answer: one option (``"b"``), ``True``/``False``, an integer, or a set of options.

    Strings are compared ignoring case and surrounding spaces. ``options`` (optional) lists the
    allowed answers so a typo gets a clear message instead of "wrong"; when the answer has the
    wrong form (a text "a, c" where a set is expected) the expected format is stated.

    >>> check_choice(" B ", "b", options="abcd", name="Question 3")
    ✓ Correct — Question 3 is right.
    >>> try:
    ...     check_choice("e", fingerprint("b"), options="abcd", name="Question 3")
    ... except CheckFailed as err:
    ...     print(err)
    ✗ Question 3 is not right: 'e' is not one of the options a, b, c, d.
    """
    if answer is None or answer is Ellipsis:
        _fail(name, "you have not given an answer yet (it is None / ...).", hint)
    if is_fingerprint(expected):
        fp = _decode(expected)
        if fp.get("k") != "choice":
            raise TypeError(f"this fingerprint is for a {fp.get('k')} answer; use check_{_KIND_FN[fp['k']]}")
        fmt = fp.get("f")
    else:
        fp, fmt = None, _choice_format(expected)
    got_fmt = _choice_format(answer) if isinstance(answer, (set, frozenset, list, tuple, str, bool,
                                                            np.bool_, numbers.Integral)) else None
    if fmt and got_fmt != fmt and not (fmt == "str" and got_fmt == "set" and len(answer) == 1):
        _fail(name, f"your answer is {_describe(answer)}; the expected format is {_CHOICE_FORMATS[fmt]}.",
              hint)
    if options is not None:
        opts = list(options)
        norm_opts = {_norm_choice(o) for o in opts}
        picked = answer if isinstance(answer, (set, frozenset, list, tuple)) else [answer]
        for p in sorted(picked, key=str) if isinstance(picked, (set, frozenset)) else picked:
            try:
                ok = _norm_choice(p) in norm_opts
            except TypeError:
                ok = False
            if not ok:
                _fail(name, f"{p!r} is not one of the options {', '.join(map(str, opts))}.", hint)
    try:
        norm = _norm_choice(answer)
    except TypeError:
        _fail(name, f"your answer is {_describe(answer)}; the expected format is "
                    f"{_CHOICE_FORMATS.get(fmt, 'one of the options')}.", hint)
    if fp is not None:
        right = _h(norm) == fp["h"]
    else:
        right = norm == _norm_choice(expected)
    if not right:
        what = "set of options" if got_fmt == "set" else "answer"
        _fail(name, f"{_fmt_value(answer)} is not the right {what}.", hint)
    _ok(name)


# ----------------------------------------------------------------------------------------------
# fingerprints
# ----------------------------------------------------------------------------------------------

_KIND_FN = {"expr": "expression", "number": "number", "array": "array", "list": "function",
            "choice": "choice"}


def _payload(value, kind, rtol, atol) -> dict:
    if kind == "choice":
        return {"k": "choice", "h": _h(_norm_choice(value)), "f": _choice_format(value)}
    if kind == "expr":
        return _fingerprint_expr(_as_sympy(value, "the expected answer", None))
    if kind in ("number", "array"):
        return _fingerprint_array(value, rtol, atol, kind)
    raise ValueError(f"unknown kind {kind!r}; use 'expr', 'number', 'array', 'choice' or 'list'")


def fingerprint(value, kind: str | None = None, *, rtol: float = 1e-6, atol: float = 1e-9) -> str:
    """The string a visible check compares against instead of the answer itself.

    ``kind`` is guessed: a sympy object with symbols → ``"expr"``; a number → ``"number"``;
    an array → ``"array"``; a string / bool / set → ``"choice"``; a list of outputs (for
    :func:`check_function`) → ``"list"``. Authors print it once and paste it into the visible
    check: ``print(ck.fingerprint(6*x*y**2))``.

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> fingerprint(x**2).startswith("mvfp1:")
    True
    >>> fingerprint(x**2) == fingerprint(x*x)
    True
    """
    if kind is None:
        if isinstance(value, (sp.Basic, sp.MatrixBase)) and value.free_symbols:
            kind = "expr"
        elif isinstance(value, (str, bool, np.bool_, set, frozenset)):
            kind = "choice"
        elif isinstance(value, list) and value and not all(isinstance(v, numbers.Number) for v in value):
            kind = "list"
        elif np.ndim(np.asarray(value, dtype=object)) == 0:
            kind = "number"
        else:
            kind = "array"
    if kind == "list":
        return _encode({"k": "list", "items": [_output_payload(v, rtol, atol) for v in value]})
    return _encode(_payload(value, kind, rtol, atol))


# ----------------------------------------------------------------------------------------------
# the last cell of an exercise set
# ----------------------------------------------------------------------------------------------

def _assigned_and_loaded(source: str):
    """(names a piece of code assigns, names it reads): assignments, arguments, definitions and
    imports count as assigned. The grader's key parser uses it too."""
    import ast

    tree = ast.parse(source)
    loaded, assigned = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else assigned).add(node.id)
        elif isinstance(node, ast.arg):
            assigned.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            assigned.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                assigned.add((alias.asname or alias.name).split(".")[0])
    return assigned, loaded


def _undefined_names(source: str, namespace: Mapping) -> list:
    """Names a check's source reads that neither it nor ``namespace`` (nor builtins) defines."""
    import builtins

    stored, loaded = _assigned_and_loaded(source)
    return sorted(n for n in loaded - stored if n not in namespace and not hasattr(builtins, n))


def summary(namespace: Mapping, checks) -> None:
    """Run each visible check again and print which questions pass now (the last cell of a set).

    ``checks`` is ``[(label, points, check_source), ...]`` (the generator writes it from the key);
    each source runs in a copy of ``namespace`` (the notebook's globals), with its output hidden.
    Nothing is changed; an unanswered question is reported as such.

    >>> summary({"ck": __import__("mvcalc_helpers.checking").checking, "a": 2},
    ...         [("Question 1", 2, "ck.check_number(a, 2)"), ("Question 2", 1, "ck.check_number(b, 1)"),
    ...          ("Question 3", 1, "ck.check_number(a, 3)")])
    ✓ Question 1 (2 points)
    · Question 2 (1 point): not answered yet
    ✗ Question 3 (1 point): your answer is 2.
    Passing now: 1 of 3 checks, 2 of 4 points.
    """
    import contextlib
    import io
    import re

    passed = points = total = 0
    lines = []
    for label, pts, source in checks:
        total += pts
        unit = f"{pts:g} point{'s' if pts != 1 else ''}"
        ns = dict(namespace)
        if _undefined_names(source, ns):
            lines.append(f"· {label} ({unit}): not answered yet")
            continue
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(compile(source, f"<check {label}>", "exec"), ns)  # noqa: S102 - the key's check
        except NameError:
            lines.append(f"· {label} ({unit}): not answered yet")
            continue
        except NotImplementedError:
            lines.append(f"· {label} ({unit}): not answered yet")
            continue
        except CheckFailed as err:
            first = str(err).splitlines()[0]
            first = re.sub(r"^✗ .*? (is|are) not right: ", "", first)
            lines.append(f"✗ {label} ({unit}): {first[:160]}{'…' if len(first) > 160 else ''}")
            continue
        except Exception as exc:  # noqa: BLE001 - the learner's code may raise anything
            lines.append(f"✗ {label} ({unit}): the check stopped with {type(exc).__name__}: {str(exc)[:100]}")
            continue
        passed += 1
        points += pts
        lines.append(f"✓ {label} ({unit})")
    lines.append(f"Passing now: {passed} of {len(checks)} check{'s' if len(checks) != 1 else ''}, "
                 f"{points:g} of {total:g} points.")
    print("\n".join(lines))
