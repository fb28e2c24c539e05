"""Critical points and the second-derivative test (chapter 5).

At a critical point (∇f = 0) the Hessian decides: positive definite → local minimum,
negative definite → local maximum, indefinite → saddle, semidefinite → the test cannot
decide (x⁴ + y⁴ has a minimum at 0, x⁴ − y⁴ has none; both have H = 0 there).
"""
from __future__ import annotations

import sympy as sp

from ._validation import as_expr, as_symbols, point_subs, require_finite
from .quadratic_forms import definiteness
from .symbolic import gradient, hessian

__all__ = ["critical_points", "classify_critical_point"]


def _is_real(value) -> bool:
    value = sp.simplify(value)
    if value.is_real is False:
        return False
    if value.is_real:
        return True
    return sp.simplify(sp.im(value)) == 0 if value.is_number else not value.has(sp.I)


def critical_points(f, vars) -> list[dict]:
    """Real solutions of ∇f = 0, as a list of ``{symbol: value}`` dicts.

    Complex solutions are dropped. When the critical points form a curve, a solution
    expresses some variables in terms of the others (as ``sympy.solve`` does). For a
    periodic f only the solutions sympy.solve reports are listed (sin x + y² gives
    x = π/2 and 3π/2, not every x = π/2 + kπ).

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import critical_points
    >>> x, y = sp.symbols("x y")
    >>> critical_points(x**3 - 3*x + y**2, [x, y])
    [{x: -1, y: 0}, {x: 1, y: 0}]
    >>> critical_points(x**3 + x + y**2, [x, y])      # 3x² + 1 = 0 has no real root
    []
    >>> critical_points(x*sp.sin(x) + y**2, [x, y])
    Traceback (most recent call last):
    ...
    ValueError: sympy cannot solve ∇f = 0 in closed form here (could not solve x*cos(x) + sin(x)); find the critical points numerically instead, e.g. sympy.nsolve or newton_method from a starting guess
    """
    f = as_expr(f)
    vars = as_symbols(vars)
    eqs = [e for e in gradient(f, vars) if e != 0]
    if not eqs:
        raise ValueError("f is constant in vars: every point is critical")
    try:
        sols = sp.solve(eqs, vars, dict=True)
    except NotImplementedError as exc:
        raise ValueError(f"sympy cannot solve ∇f = 0 in closed form here ({exc}); find the critical "
                         "points numerically instead, e.g. sympy.nsolve or newton_method from a "
                         "starting guess") from exc
    real = [s for s in sols if all(_is_real(v) for v in s.values())]

    def key(s):
        return [sp.N(s.get(v, 0)) if s.get(v, sp.Integer(0)).is_number else 0 for v in vars]
    try:
        real.sort(key=lambda s: [float(k) for k in key(s)])
    except TypeError:
        pass
    return real


def classify_critical_point(f, vars, point) -> str:
    """Second-derivative test at a critical point, for any number of variables.

    Returns ``"minimum"``, ``"maximum"``, ``"saddle"`` or ``"inconclusive"`` (semidefinite
    Hessian: the test cannot decide). For two variables this is the AC − B² test of notes 000
    §6 with A = f_xx, B = f_xy, C = f_yy.

    ``point`` may be exact (integers, sympy numbers) or floats, e.g. the end of a
    ``gradient_descent`` path: with float coordinates a gradient of size ≤ 1e-8 counts as 0.

    Raises
    ------
    ValueError
        if ``point`` is not a critical point (∇f ≠ 0 there).

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import classify_critical_point
    >>> x, y = sp.symbols("x y")
    >>> classify_critical_point(x**2 + x*y + y**2, [x, y], (0, 0))
    'minimum'
    >>> classify_critical_point(x**2 - y**2, [x, y], (0, 0))
    'saddle'
    >>> classify_critical_point(x**4 + y**4, [x, y], (0, 0))   # a minimum the test cannot see
    'inconclusive'
    >>> classify_critical_point(x**2 - x + y**2, [x, y], (0.5000000001, 0.0))   # numerical point
    'minimum'
    >>> classify_critical_point(x**2 + y**2, [x, y], (1, 0))
    Traceback (most recent call last):
    ...
    ValueError: (1, 0) is not a critical point: the gradient there is [2, 0], not 0
    """
    f = as_expr(f)
    vars = as_symbols(vars)
    subs = point_subs(vars, point)
    at = tuple(subs.values())
    g = [require_finite(sp.simplify(e.subs(subs, simultaneous=True)), f"∂f/∂{v}", at)
         for v, e in zip(vars, gradient(f, vars))]
    inexact = any(val.has(sp.Float) for val in subs.values())
    if any(e != 0 and not (inexact and e.is_number and abs(sp.N(e)) <= 1e-8) for e in g):
        pt = tuple(subs[v] for v in vars)
        raise ValueError(f"{pt} is not a critical point: the gradient there is {g}, not 0")
    H = hessian(f, vars).subs(subs, simultaneous=True).applyfunc(
        lambda e: require_finite(sp.simplify(e), "the Hessian", at))
    kind = definiteness(H)
    return {"positive definite": "minimum", "negative definite": "maximum",
            "indefinite": "saddle"}.get(kind, "inconclusive")
