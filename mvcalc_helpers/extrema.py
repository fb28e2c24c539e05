"""Critical points and the second-derivative test (chapter 5).

At a critical point (∇f = 0) the Hessian decides: positive definite → local minimum,
negative definite → local maximum, indefinite → saddle, semidefinite → the test cannot
decide (x⁴ + y⁴ has a minimum at 0, x⁴ − y⁴ has none; both have H = 0 there).
"""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import sympy as sp

from ._validation import as_expr, as_symbols, point_subs, require_finite
from .quadratic_forms import definiteness
from .symbolic import gradient, hessian

__all__ = ["critical_points", "classify_critical_point", "IncompleteCriticalPointsWarning"]


def _is_real(value) -> bool:
    value = sp.simplify(value)
    if value.is_real is False:
        return False
    if value.is_real:
        return True
    return sp.simplify(sp.im(value)) == 0 if value.is_number else not value.has(sp.I)


class IncompleteCriticalPointsWarning(UserWarning):
    """critical_points found critical points missing from the list it returns.

    Examples
    --------
    >>> import warnings, sympy as sp
    >>> from mvcalc_helpers.extrema import critical_points
    >>> x, y = sp.symbols("x y")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     cps = critical_points(sp.sin(x) + y**2, [x, y])      # periodic: infinitely many
    >>> cps, [w.category.__name__ for w in caught]
    ([{x: pi/2, y: 0}, {x: 3*pi/2, y: 0}], ['IncompleteCriticalPointsWarning'])
    """


def _numeric(point: dict, vars) -> np.ndarray | None:
    try:
        return np.array([complex(sp.N(point[v], 30)) for v in vars])
    except (TypeError, KeyError):
        return None                          # a curve of critical points: symbols remain


def _polynomial_roots(eqs, vars):
    """All real solutions of a zero-dimensional polynomial system, exactly (or None).

    For every variable a lex Gröbner basis with that variable last gives its elimination
    polynomial (``sympy.groebner``); the real roots of those (``sympy.real_roots``: integers,
    rationals, radicals or ``CRootOf``) are combined and the combinations that satisfy every
    equation (checked at 50 digits) are the solutions. Returns None when the system is not
    polynomial with rational coefficients or has infinitely many (complex) solutions.
    """
    try:
        polys = [sp.Poly(e, *vars) for e in eqs]
    except sp.PolynomialError:
        return None
    if any(not (p.domain.is_ZZ or p.domain.is_QQ) for p in polys):
        return None
    G = sp.groebner(polys, *vars, order="lex")
    if list(G.exprs) == [1]:
        return []                            # no solution at all, not even complex
    if not G.is_zero_dimensional:
        return None
    roots = []
    for v in vars:
        others = [w for w in vars if w != v]
        Gv = sp.groebner(polys, *others, v, order="lex") if others else G
        uni = [g for g in Gv.exprs if g.free_symbols <= {v}]
        elim = sp.Poly(uni[-1], v)
        roots.append(list(dict.fromkeys(sp.real_roots(elim))))
    found = []
    for combo in itertools.product(*roots):
        at = dict(zip(vars, combo))
        vals = [sp.N(e.subs(at), 50) for e in eqs]
        size = 1 + max(abs(sp.N(c, 50)) for c in combo) ** max(sp.Poly(e, *vars).total_degree() for e in eqs)
        if all(abs(val) <= sp.Float(10) ** -30 * size for val in vals):
            found.append(at)
    return found


def _grid_roots(eqs, vars, box, starts):
    """Critical points found by Newton-type root searches from a grid of starts in ``box``."""
    from scipy import optimize

    n = len(vars)
    g = sp.lambdify([vars], eqs, modules="numpy")
    J = sp.lambdify([vars], sp.Matrix(eqs).jacobian(vars).tolist(), modules="numpy")
    lo, hi = box
    per_axis = max(2, int(round(starts ** (1 / n))))
    axes = [np.linspace(lo, hi, per_axis)] * n
    found = []
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grid = np.array(np.meshgrid(*axes, indexing="ij")).reshape(n, -1).T
        scale = np.nanmax([np.max(np.abs(np.asarray(g(p), dtype=float))) for p in grid]) or 1.0
        for p0 in grid:
            try:
                res = optimize.root(lambda p: np.asarray(g(p), dtype=float), p0,
                                    jac=lambda p: np.asarray(J(p), dtype=float), method="hybr")
            except (ValueError, TypeError, ZeroDivisionError, OverflowError):
                continue
            p = res.x
            if not (res.success and np.all(np.isfinite(p)) and np.all(p >= lo - 1e-9) and
                    np.all(p <= hi + 1e-9)):
                continue
            gp = np.asarray(g(p), dtype=float)
            Jp = np.asarray(J(p), dtype=float)
            step = np.linalg.lstsq(Jp, gp, rcond=None)[0]
            # a real root, not a flat tail: tiny gradient AND a tiny Newton step
            if (np.max(np.abs(gp)) <= 1e-9 * scale
                    and np.max(np.abs(step)) <= 1e-7 * (1 + np.max(np.abs(p)))):
                if not any(np.allclose(p, q, rtol=1e-6, atol=1e-6) for q in found):
                    found.append(p)
    return found


def critical_points(f, vars, *, box=(-10.0, 10.0), starts: int = 200) -> list[dict]:
    """Real solutions of ∇f = 0, as a list of ``{symbol: value}`` dicts.

    Complex solutions are dropped. When the critical points form a curve, a solution
    expresses some variables in terms of the others (as ``sympy.solve`` does).

    Completeness is checked, because ``sympy.solve`` can silently drop solutions (for
    10x²y − 5x² − 4y² − x⁴ − 2y⁴ it returns only (0, 0) of five points):

    * polynomial ∇f with rational coefficients and finitely many solutions: a Gröbner-basis
      elimination (``sympy.groebner`` and the real roots of each variable's elimination
      polynomial, ``sympy.real_roots``) finds every real solution exactly — integers,
      rationals and square roots as such, other algebraic numbers as ``CRootOf`` (evaluate
      with ``sp.N``); the list is then complete;
    * otherwise ``sympy.solve``, and a numerical root search from ``starts`` points of a grid over ``box`` (per
      variable) cross-checks the list; critical points it finds that are missing raise an
      :class:`IncompleteCriticalPointsWarning` naming them (e.g. a periodic f, where only
      the solutions sympy.solve reports are listed: sin x + y² gives x = π/2 and 3π/2, not
      every x = π/2 + kπ). Points outside the box are not searched.

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import critical_points
    >>> x, y = sp.symbols("x y")
    >>> critical_points(x**3 - 3*x + y**2, [x, y])
    [{x: -1, y: 0}, {x: 1, y: 0}]
    >>> critical_points(x**3 + x + y**2, [x, y])      # 3x² + 1 = 0 has no real root
    []
    >>> cps = critical_points(10*x**2*y - 5*x**2 - 4*y**2 - x**4 - 2*y**4, [x, y])  # Stewart §14.7 Ex. 4
    >>> [(round(float(c[x]), 2), round(float(c[y]), 2)) for c in cps]
    [(-2.64, 1.9), (-0.86, 0.65), (0.0, 0.0), (0.86, 0.65), (2.64, 1.9)]
    >>> critical_points(x*sp.sin(x) + y**2, [x, y])
    Traceback (most recent call last):
    ...
    ValueError: sympy cannot solve ∇f = 0 in closed form here (could not solve x*cos(x) + sin(x)); find the critical points numerically instead, e.g. sympy.nsolve or newton_method from a starting guess
    """
    f = as_expr(f)
    vars = as_symbols(vars)
    lo, hi = (float(b) for b in box)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"box must be (low, high) with low < high, got {box!r}")
    eqs = [e for e in gradient(f, vars) if e != 0]
    if not eqs:
        raise ValueError("f is constant in vars: every point is critical")
    exact = _polynomial_roots(eqs, vars)
    if exact is not None:
        real = exact                          # complete, exact, verified
    else:
        try:
            sols = sp.solve(eqs, vars, dict=True)
        except NotImplementedError as exc:
            raise ValueError(f"sympy cannot solve ∇f = 0 in closed form here ({exc}); find the "
                             "critical points numerically instead, e.g. sympy.nsolve or "
                             "newton_method from a starting guess") from exc
        real = [s for s in sols if all(_is_real(v) for v in s.values())]
        points = [v for v in (_numeric(s, vars) for s in real) if v is not None]
        if len(points) == len(real):          # isolated points only: cross-check numerically
            missing = [p for p in _grid_roots(eqs, vars, (lo, hi), starts)
                       if not any(np.allclose(p, q.real, rtol=1e-6, atol=1e-6) for q in points)]
            if missing:
                shown = ", ".join("(" + ", ".join(f"{c:.4g}" for c in p) + ")" for p in missing[:5])
                warnings.warn(IncompleteCriticalPointsWarning(
                    f"the list of critical points may be incomplete: a numerical search in the box "
                    f"[{lo:g}, {hi:g}] per variable found {len(missing)} more: {shown}"
                    + (", …" if len(missing) > 5 else "")), stacklevel=2)

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
    if any(v.has(sp.CRootOf) for v in subs.values()):
        return _classify_algebraic(f, vars, subs)
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


def _classify_algebraic(f, vars, subs) -> str:
    """classify_critical_point at a point with ``CRootOf`` coordinates (from critical_points).

    Simplifying expressions in algebraic numbers is slow, so they are evaluated to 60
    digits instead: the gradient of an exact critical point evaluates to ~1e-60, and the
    Hessian's eigenvalues decide (a Hessian with an eigenvalue within rounding of 0 counts
    as semidefinite, as for a numpy matrix).
    """
    g = [sp.N(e.subs(subs, simultaneous=True), 60) for e in gradient(f, vars)]
    if any(abs(v) > sp.Float(10) ** -40 for v in g):
        pt = tuple(subs[v] for v in vars)
        raise ValueError(f"{pt} is not a critical point: the gradient there is "
                         f"{[sp.N(v, 6) for v in g]}, not 0")
    H = hessian(f, vars).subs(subs, simultaneous=True).applyfunc(lambda e: sp.N(e, 60))
    kind = definiteness(np.array(H.tolist(), dtype=float))
    return {"positive definite": "minimum", "negative definite": "maximum",
            "indefinite": "saddle"}.get(kind, "inconclusive")

