"""Input validation shared by the helpers: bad input gets a clear ``ValueError``/``TypeError``
in the learner's terms, never a traceback from deep inside numpy or sympy."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import sympy as sp


def as_expr(f, name: str = "f") -> sp.Expr:
    """Return ``f`` as a sympy expression (strings and numbers are sympified).

    >>> from mvcalc_helpers._validation import as_expr
    >>> as_expr("x**2 + 1")
    x**2 + 1
    >>> as_expr(lambda x: x**2)
    Traceback (most recent call last):
    ...
    TypeError: f must be a sympy expression, not a Python function; build it from sympy symbols, e.g. x**2 + 3*x*y
    """
    if isinstance(f, sp.MatrixBase):
        raise TypeError(f"{name} must be a scalar sympy expression, got a {f.shape[0]}x{f.shape[1]} Matrix")
    if callable(f) and not isinstance(f, sp.Basic):
        raise TypeError(f"{name} must be a sympy expression, not a Python function; "
                        f"build it from sympy symbols, e.g. x**2 + 3*x*y")
    try:
        expr = sp.sympify(f)
    except (sp.SympifyError, TypeError) as exc:
        raise TypeError(f"{name} must be a sympy expression; could not interpret {f!r}") from exc
    if not isinstance(expr, sp.Expr):
        raise TypeError(f"{name} must be a scalar sympy expression, got {type(expr).__name__}")
    return expr


def as_symbols(vars, name: str = "vars") -> list[sp.Symbol]:
    """Return ``vars`` as a list of distinct sympy symbols.

    >>> import sympy as sp
    >>> from mvcalc_helpers._validation import as_symbols
    >>> x, y = sp.symbols("x y")
    >>> as_symbols(x), as_symbols((x, y))
    ([x], [x, y])
    >>> as_symbols([x, x])
    Traceback (most recent call last):
    ...
    ValueError: vars contains a repeated symbol: [x, x]
    """
    if isinstance(vars, sp.Symbol):
        vars = [vars]
    if isinstance(vars, (str, bytes)) or not isinstance(vars, (Sequence, sp.MatrixBase, tuple)):
        raise TypeError(f"{name} must be a list of sympy symbols, e.g. [x, y]; got {vars!r}")
    out = list(vars)
    if not out:
        raise ValueError(f"{name} must contain at least one symbol")
    for v in out:
        if not isinstance(v, sp.Symbol):
            raise TypeError(f"{name} must contain sympy symbols only; {v!r} is a {type(v).__name__}")
    if len(set(out)) != len(out):
        raise ValueError(f"{name} contains a repeated symbol: {out}")
    return out


def point_subs(vars: list[sp.Symbol], point, name: str = "point") -> dict:
    """Map each symbol to its coordinate; ``point`` is a sequence or a ``{symbol: value}`` dict.

    Integer-valued floats become exact integers; nan and inf are refused.

    >>> import sympy as sp
    >>> from mvcalc_helpers._validation import point_subs
    >>> x, y = sp.symbols("x y")
    >>> point_subs([x, y], (1.0, sp.Rational(1, 2)))
    {x: 1, y: 1/2}
    >>> point_subs([x, y], (1, float("inf")))
    Traceback (most recent call last):
    ...
    ValueError: point coordinate inf is not finite
    """
    if isinstance(point, Mapping):
        missing = [v for v in vars if v not in point]
        if missing:
            raise ValueError(f"{name} gives no value for {missing}")
        values = [point[v] for v in vars]
    else:
        if isinstance(point, sp.MatrixBase):
            point = list(point)
        try:
            values = list(point)
        except TypeError:
            values = [point]
        if len(values) != len(vars):
            raise ValueError(f"{name} has {len(values)} coordinates but there are {len(vars)} "
                             f"variables {vars}")
    exact = []
    for v in values:
        try:
            val = sp.nsimplify(v) if isinstance(v, float) and float(v).is_integer() else sp.sympify(v)
        except (sp.SympifyError, TypeError) as exc:
            raise TypeError(f"{name} coordinate {v!r} is not a number") from exc
        if val.is_number and (val.has(sp.zoo, sp.oo, -sp.oo, sp.nan)):
            raise ValueError(f"{name} coordinate {v!r} is not finite")
        exact.append(val)
    return dict(zip(vars, exact))


def not_none(value, what: str):
    """Return ``value``; ``None`` (from a function without ``return``) is a clear TypeError.

    >>> from mvcalc_helpers._validation import not_none
    >>> not_none(None, "grad_f(x)")
    Traceback (most recent call last):
    ...
    TypeError: grad_f(x) returned None: does the function end with a `return` statement?
    """
    if value is None:
        raise TypeError(f"{what} returned None: does the function end with a `return` statement?")
    return value


def require_finite(value, what: str, point):
    """Return ``value``; nan, ±oo or zoo (a value or derivative that does not exist at
    ``point``) raises ``ValueError`` instead of flowing on as a silent nan.

    >>> import sympy as sp
    >>> from mvcalc_helpers._validation import require_finite
    >>> x, y = sp.symbols("x y")
    >>> dfdx = sp.diff(sp.sqrt(x**2 + y**2), x)
    >>> require_finite(dfdx.subs({x: 3, y: 4}), "∂f/∂x", (3, 4))
    3/5
    >>> require_finite(dfdx.subs({x: 0, y: 0}, simultaneous=True), "∂f/∂x", (0, 0))
    Traceback (most recent call last):
    ...
    ValueError: ∂f/∂x is undefined at (0, 0) (sympy gives nan): f is not differentiable there as written; use the limit definition instead
    """
    if isinstance(value, sp.Basic) and value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise ValueError(f"{what} is undefined at {tuple(point)} (sympy gives {value}): f is not "
                         "differentiable there as written; use the limit definition instead")
    return value


def as_float_array(x, name: str = "x", ndim: int | None = None, allow_complex: bool = False) -> np.ndarray:
    """Return ``x`` as a finite float (or complex) numpy array, with a clear error otherwise.

    >>> from mvcalc_helpers._validation import as_float_array
    >>> as_float_array([[1, 2], [3, 4]]).dtype
    dtype('float64')
    >>> as_float_array([1.0, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: x contains non-finite values (nan or inf)
    """
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists etc.
        raise ValueError(f"{name} could not be turned into an array: {exc}") from exc
    if arr.dtype == object:
        if any(v is None for v in arr.flat):      # numpy would silently turn None into nan
            raise TypeError(f"{name} is None" if x is None else f"{name} contains None")
        try:
            arr = arr.astype(complex if allow_complex else float)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must contain numbers only (got dtype object: {x!r})") from exc
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must contain numbers, got dtype {arr.dtype}")
    if np.iscomplexobj(arr) and not allow_complex:
        raise TypeError(f"{name} must be real, got complex values")
    if not np.iscomplexobj(arr) and not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(float)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains non-finite values (nan or inf)")
    return arr


def as_vector(x, name: str = "x") -> np.ndarray:
    """A 1-D finite float vector; a scalar becomes a length-1 vector.

    >>> from mvcalc_helpers._validation import as_vector
    >>> as_vector(2)
    array([2.])
    >>> as_vector([[1, 2]], "x0")
    Traceback (most recent call last):
    ...
    ValueError: x0 must be a 1-D vector (shape (n,)), got shape (1, 2); use .ravel() or pass one point at a time
    """
    arr = as_float_array(x, name)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D vector (shape (n,)), got shape {arr.shape}; "
                         f"use .ravel() or pass one point at a time")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    return arr


def as_interval(lim, name: str = "lim") -> tuple[float, float]:
    """A plotting window ``(low, high)`` of finite numbers with low < high.

    >>> from mvcalc_helpers._validation import as_interval
    >>> as_interval([0, 2.5], "xlim")
    (0.0, 2.5)
    >>> as_interval((3, 1), "xlim")
    Traceback (most recent call last):
    ...
    ValueError: xlim must satisfy low < high (finite numbers), got (3, 1)
    """
    try:
        lo, hi = (float(v) for v in lim)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair of numbers (low, high), got {lim!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi:
        raise ValueError(f"{name} must satisfy low < high (finite numbers), got {lim!r}")
    return lo, hi
