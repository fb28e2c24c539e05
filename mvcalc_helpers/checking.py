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
✗ ∂f/∂x is not right: at (x, y) = (1, 2) your ∂f/∂x is -6. It has the opposite sign of the expected value everywhere we tested — check for a sign error.
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
    "check_function", "check_choice", "pyfunc", "PyFunc", "is_fingerprint",
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


def _fail(name: str, text: str, hint: str | None = None):
    msg = f"✗ {name} is not right: {text}" if text else f"✗ {name} is not right."
    if hint:
        msg += f" Hint: {hint}"
    raise CheckFailed(msg)


def _ok(name: str, extra: str = ""):
    print(f"✓ Correct — {name} is right.{(' ' + extra) if extra else ''}")


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

_NOT_A_STRING = ("your answer is text ({text}): write a sympy expression, not a string — build it "
                 "from symbols, e.g. 3*x**2*y with x, y = sp.symbols('x y').")


def _sympy_leaf(v, name: str, hint):
    """One entry of an answer as sympy, *without* ever parsing text: a string is refused (sympy
    would ``eval`` it), numbers become sympy numbers, anything else that is not sympy fails."""
    if isinstance(v, (sp.Basic, sp.MatrixBase)):
        return v
    if isinstance(v, str):
        _fail(name, _NOT_A_STRING.format(text=repr(v[:60])), hint)
    if isinstance(v, (bool, np.bool_)):
        _fail(name, f"your answer contains {v}, a True/False value, but an expression is expected.", hint)
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, numbers.Integral):
        return sp.Integer(int(v))
    if isinstance(v, numbers.Real):
        return sp.Float(float(v))
    if isinstance(v, numbers.Complex):
        return sp.Float(v.real) + sp.I * sp.Float(v.imag)
    _fail(name, f"your answer contains a {_type_name(v)}, which is not a sympy expression.", hint)


def _sympy_nested(v, name: str, hint, depth: int = 0):
    """Lists/tuples/arrays of entries → nested lists of sympy objects (strings refused)."""
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        if depth > 2:
            _fail(name, "your answer is nested too deeply to be a vector or matrix; use sp.Matrix(...).", hint)
        return [_sympy_nested(e, name, hint, depth + 1) for e in v]
    return _sympy_leaf(v, name, hint)


def _as_sympy(answer, name: str, hint):
    """The learner's answer as a sympy Expr or Matrix, or a CheckFailed in plain words.

    Text is never parsed (``sympify`` of a string runs ``eval``): a string anywhere in the answer
    fails with "write a sympy expression, not a string".
    """
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer.item()
    if answer is None or answer is Ellipsis:
        _fail(name, "you have not given an answer yet (it is None / ...).", hint)
    if isinstance(answer, str):
        _fail(name, _NOT_A_STRING.format(text=repr(answer[:60])), hint)
    if isinstance(answer, (bool, np.bool_)):
        _fail(name, f"your answer is {answer}, a True/False value, but an expression is expected.", hint)
    if isinstance(answer, sp.MatrixBase):
        return sp.Matrix(answer)
    if isinstance(answer, (np.ndarray, list, tuple)):
        arr = np.asarray(answer, dtype=object) if not isinstance(answer, np.ndarray) else answer
        nested = _sympy_nested(answer, name, hint)      # refuses strings before sympy sees them
        try:
            if getattr(arr, "ndim", 0) == 1 and all(not isinstance(e, list) for e in nested):
                return sp.Matrix(len(nested), 1, nested)
            return sp.Matrix(nested)
        except Exception:  # noqa: BLE001
            kind = "numpy array" if isinstance(answer, np.ndarray) else "list"
            _fail(name, f"your answer is a {kind} that is not a vector or matrix; use sp.Matrix(...).", hint)
    if callable(answer) and not isinstance(answer, sp.Basic):
        _fail(name, "your answer is a Python function; give a sympy expression instead "
                    "(e.g. 2*x*y, not lambda x, y: 2*x*y).", hint)
    if isinstance(answer, (sp.Basic, numbers.Number, np.generic)):
        expr = _sympy_leaf(answer, name, hint)
    elif isinstance(answer, (Mapping, set, frozenset)):
        _fail(name, f"your answer is a {_type_name(answer)}, not an algebraic expression.", hint)
    else:
        _fail(name, f"your answer is a {_type_name(answer)}, which is not a sympy expression.", hint)
    if not isinstance(expr, (sp.Expr, sp.MatrixBase)):
        _fail(name, f"your answer is a {type(expr).__name__}, not an algebraic expression.", hint)
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
    pts, hashes = [], []
    for p in _points(names):
        v = _value_at(expected, p)
        if not _finite(v):
            continue
        pts.append({k: str(r) for k, r in p.items()})
        flat = np.atleast_1d(v).ravel()
        hashes.append([_h(_q(c, _EXPR_SIG, _EXPR_ATOL)) for c in flat])
        if len(pts) == _N_POINTS:
            break
    if not pts:
        raise ValueError("the expected expression is undefined at every test point; "
                         "pass a different expression")
    return {"k": "expr", "vars": names, "shape": _shape(expected), "pts": pts, "h": hashes}


def _fmt_point(p: dict) -> str:
    names = list(p)
    if not names:
        return ""
    vals = [str(p[n]) for n in names]
    if len(names) == 1:
        return f"at {names[0]} = {vals[0]}"
    return f"at ({', '.join(names)}) = ({', '.join(vals)})"


def _diagnose(values: list, match) -> str | None:
    """Look for a common slip: match(transformed_values) -> bool."""
    slips = [
        (lambda v: -v, "It has the opposite sign of the expected value everywhere we tested — "
                       "check for a sign error."),
        (lambda v: v / 2, "It is exactly twice the expected value — did you drop a factor ½?"),
        (lambda v: v * 2, "It is exactly half the expected value — is a factor 2 missing?"),
    ]
    for transform, text in slips:
        if match([transform(v) for v in values]):
            return text
    return None


def _check_expr_fp(ans, fp: dict, name: str, hint):
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
                            f"{exp_shape[0]}×{exp_shape[1]}: it looks transposed.", hint)
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
        _fail(name, f"your answer contains {', '.join(extra)}, but the expected answer does not "
                    f"depend on {'it' if len(extra) == 1 else 'them'}.", hint)
    values = []
    for p, hashes in zip(fp["pts"], fp["h"]):
        point = {k: sp.Rational(v) for k, v in p.items()}
        v = _value_at(ans, point)
        if not _finite(v):
            _fail(name, f"your answer is undefined {_fmt_point(point)} (division by zero?), but "
                        f"the expected one is not.", hint)
        values.append((point, v, hashes))
    bad = [(p, v) for p, v, hs in values if not _flat_match(v, hs, _EXPR_SIG, _EXPR_ATOL)]
    if not bad:
        return
    point, v = bad[0]
    shown = _fmt_num(v) if not isinstance(v, np.ndarray) else _fmt_array(v.real)
    text = f"{_fmt_point(point)} your {name} is {shown}" if point else f"your {name} is {shown}"
    missing = [m for m in exp_vars if m not in ans_vars]
    if missing:
        text += (f", expected a value that depends on {', '.join(missing)}"
                 f" (your answer does not contain {', '.join(missing)}).")
    else:
        text += "."
    all_vals = [v for _, v, _ in values]
    all_hashes = [hs for _, _, hs in values]
    slip = _diagnose(all_vals, lambda vs: all(_flat_match(t, hs, _EXPR_SIG, _EXPR_ATOL)
                                              for t, hs in zip(vs, all_hashes)))
    if slip:
        text += " " + slip
    if isinstance(ans, sp.MatrixBase) and ans.shape[0] == ans.shape[1] and ans.shape[0] > 1:
        if _expr_matches_fp(ans.T, fp):
            text += " It matches the transpose of the expected Matrix — check rows vs columns."
    _fail(name, text, hint)


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
            shown = _fmt_num(a) if a is not None and not isinstance(a, np.ndarray) else "different"
            _fail(name, f"{_fmt_point(point)} your {name} is {shown}, which is not the expected "
                        f"value (it agrees at a few points only).", hint)


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
    ✗ ∂z/∂x is not right: at (x, y) = (1, 2) your ∂z/∂x is 16, expected a value that depends on y (your answer does not contain y).
    """
    ans = _as_sympy(answer, name, hint)
    if is_fingerprint(expected):
        fp = _decode(expected)
        if fp.get("k") != "expr":
            raise TypeError(f"this fingerprint is for a {fp.get('k')} answer; use check_{_KIND_FN[fp.get('k')]}")
        if isinstance(ans, sp.Expr) and not _var_names(ans) and fp["vars"] and fp["shape"] is None:
            point = {n: sp.Rational(v) for n, v in fp["pts"][0].items()}
            # a constant where an expression is expected: still report with the first point
            v = _value_at(ans, point)
            _fail(name, f"your answer is the number {_fmt_num(v) if _finite(v) else ans}, "
                        f"expected an expression in {', '.join(fp['vars'])}.", hint)
        _check_expr_fp(ans, fp, name, hint)
    else:
        _check_expr_exact(ans, expected, name, hint)
    _ok(name)


# ----------------------------------------------------------------------------------------------
# numbers and arrays
# ----------------------------------------------------------------------------------------------

def _as_array(answer, name: str, hint, what: str = "an array") -> np.ndarray:
    if answer is None or answer is Ellipsis:
        _fail(name, "you have not given an answer yet (it is None / ...).", hint)
    if isinstance(answer, str):
        _fail(name, f"your answer is text ({answer!r}); give numbers, not a string.", hint)
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
        _fail(name, f"your answer ({_type_name(answer)}) could not be read as {what} of numbers"
                    f" — does it still contain a symbol?", hint)
    if np.all(np.abs(arr.imag) == 0):
        arr = arr.real
    return arr


def _fingerprint_array(expected, rtol: float, atol: float, kind: str) -> dict:
    arr = np.atleast_1d(_as_array(expected, "the expected answer", None)) if kind == "array" \
        else _as_array(expected, "the expected answer", None)
    sig = _sig_for(rtol)
    flat = np.asarray(arr, dtype=complex).ravel()
    hashes = [_h(_q(c, sig, atol)) for c in flat]
    return {"k": kind, "shape": list(np.shape(arr)), "rtol": rtol, "atol": atol, "h": hashes}


def _compare_array(ans: np.ndarray, expected: dict | np.ndarray, rtol, atol):
    """Return (ok, per-entry ok mask); expected is a fingerprint payload or an exact array."""
    if isinstance(expected, dict):
        sig = _sig_for(expected["rtol"])
        flat = np.asarray(ans, dtype=complex).ravel()
        mask = np.array([_matches(c, h, sig, expected["atol"]) for c, h in zip(flat, expected["h"])])
        return bool(mask.all()), mask
    with np.errstate(all="ignore"):
        mask = np.isclose(np.asarray(ans, dtype=complex), np.asarray(expected, dtype=complex),
                          rtol=rtol, atol=atol).ravel()
    return bool(mask.all()), mask


def _array_feedback(ans, expected, shape, rtol, atol, name, hint, label="answer"):
    """Shared shape / value / slip diagnosis for arrays; raises CheckFailed or returns."""
    if tuple(ans.shape) != tuple(shape):
        if tuple(ans.shape) == tuple(shape)[::-1] and len(shape) == 2:
            ok, _ = _compare_array(ans.T, expected, rtol, atol)
            if ok:
                _fail(name, f"your {label} has shape {tuple(ans.shape)} but should have shape "
                            f"{tuple(shape)}: it is the transpose of the expected one.", hint)
        if ans.size == int(np.prod(shape)):
            ok, _ = _compare_array(ans.reshape(shape), expected, rtol, atol)
            if ok:
                _fail(name, f"your {label} has the right numbers but shape {tuple(ans.shape)}; "
                            f"reshape it to {tuple(shape)}.", hint)
        _fail(name, f"your {label} has shape {tuple(ans.shape)} but should have shape {tuple(shape)}.",
              hint)
    with np.errstate(all="ignore"):
        if not np.all(np.isfinite(ans)):
            _fail(name, f"your {label} contains nan or inf: {_fmt_array(ans) if ans.ndim else ans}.", hint)
    ok, mask = _compare_array(ans, expected, rtol, atol)
    if ok:
        return
    if ans.ndim == 0:
        text = f"your {label} is {_fmt_num(ans)}."
    else:
        wrong = int((~mask).sum())
        text = (f"your {label} is {_fmt_array(ans)}; {wrong} of its {ans.size} entries "
                f"{'is' if wrong == 1 else 'are'} not right.")
    slip = _diagnose([ans], lambda vs: _compare_array(vs[0], expected, rtol, atol)[0])
    if slip:
        text += " " + slip
    if ans.ndim == 2 and ans.shape[0] == ans.shape[1] and ans.shape[0] > 1 \
            and _compare_array(ans.T, expected, rtol, atol)[0]:
        text += " It matches the transpose of the expected matrix — check rows vs columns."
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
    ✗ the slope is not right: your answer is -2.5. It has the opposite sign of the expected value everywhere we tested — check for a sign error.
    """
    if isinstance(answer, (np.ndarray, list, tuple, sp.MatrixBase)) and np.size(answer) != 1:
        _fail(name, f"your answer has {np.size(answer)} entries; a single number is expected.", hint)
    if isinstance(answer, (bool, np.bool_)):
        _fail(name, f"your answer is {answer}, a True/False value, but a number is expected.", hint)
    ans = _as_array(answer, name, hint, "a number").reshape(())
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
        where += f" {part}"
    if isinstance(exp, tuple) or (isinstance(exp, dict) and exp.get("k") == "tuple"):
        items = exp if isinstance(exp, tuple) else exp["items"]
        if not isinstance(out, (tuple, list)) or len(out) != len(items):
            _fail(name, f"{where} your function should return {len(items)} values "
                        f"({', '.join(output_names or [])}) as a tuple, got "
                        f"{type(out).__name__}.".replace(" ()", ""), hint)
        for i, (o, e) in enumerate(zip(out, items)):
            _check_output(o, e, args, name, rtol, atol, hint, output_names, index=i)
        return
    if out is None:
        _fail(name, f"{where} your function returned None — did you forget `return`?", hint)
    ans = _as_array(out, name, hint)
    label = "\x00"
    try:
        if isinstance(exp, dict):
            _array_feedback(ans, exp, tuple(exp["shape"]), exp["rtol"], exp["atol"], name, hint,
                            label=label)
        else:
            _array_feedback(ans, exp, exp.shape, rtol, atol, name, hint, label=label)
    except CheckFailed as err:
        text = str(err).replace(f"your {label} is", f"{where} your function returned", 1)
        text = text.replace(f"your {label}", f"{where} your result", 1).replace(label, "result")
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
    ✗ grad is not right: for the input ([1., 2.]) your function returned [1., 2.]; 2 of its 2 entries are not right. It is exactly half the expected value — is a factor 2 missing?
    >>> try:
    ...     check_function(lambda a: (a, -a), [(1.0,)], [(1.0, 1.0)], output_names=("y", "dy"))
    ... except CheckFailed as err:
    ...     print(err)
    ✗ your function is not right: for the input (1.0) dy your function returned -1. It has the opposite sign of the expected value everywhere we tested — check for a sign error.
    """
    if not callable(func) or isinstance(func, (sp.Basic, sp.MatrixBase)):
        _fail(name, f"it should be a Python function (def ...), but it is a {_type_name(func)}.", hint)
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
            _fail(name, f"calling it with {_fmt_args(args)} raised {type(exc).__name__}: {exc}", hint)
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


def check_choice(answer, expected, *, options=None, name: str = "your answer",
                 hint: str | None = None) -> None:
    """Check a concept answer: one option (``"b"``), ``True``/``False``, an integer, or a set of options.

    Strings are compared ignoring case and surrounding spaces. ``options`` (optional) lists the
    allowed answers so a typo gets a clear message instead of "wrong".

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
    if options is not None:
        opts = list(options)
        norm_opts = {_norm_choice(o) for o in opts}
        picked = answer if isinstance(answer, (set, frozenset, list, tuple)) else [answer]
        for p in picked:
            try:
                ok = _norm_choice(p) in norm_opts
            except TypeError:
                ok = False
            if not ok:
                _fail(name, f"{p!r} is not one of the options {', '.join(map(str, opts))}.", hint)
    try:
        norm = _norm_choice(answer)
    except TypeError:
        _fail(name, f"your answer is a {_type_name(answer)}; give one of the options "
                    f"(a string such as 'b', True/False, or a number).", hint)
    if is_fingerprint(expected):
        fp = _decode(expected)
        if fp.get("k") != "choice":
            raise TypeError(f"this fingerprint is for a {fp.get('k')} answer; use check_{_KIND_FN[fp['k']]}")
        right = _h(norm) == fp["h"]
    else:
        right = norm == _norm_choice(expected)
    if not right:
        _fail(name, f"{answer!r} is not the right answer.", hint)
    _ok(name)


# ----------------------------------------------------------------------------------------------
# fingerprints
# ----------------------------------------------------------------------------------------------

_KIND_FN = {"expr": "expression", "number": "number", "array": "array", "list": "function",
            "choice": "choice"}


def _payload(value, kind, rtol, atol) -> dict:
    if kind == "choice":
        return {"k": "choice", "h": _h(_norm_choice(value))}
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
