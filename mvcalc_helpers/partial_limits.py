"""Partial derivatives at a single point straight from the limit definition (2-1)/(2-3) —
chapter 1.

Formulas such as ``sympy.diff`` give a partial derivative wherever the function is given by
one smooth formula. At a point where the function is *defined separately* (the classic
f = xy(x² − y²)/(x² + y²), f(0, 0) = 0) the formula is 0/0 there, and the partials must come
from the limit of the difference quotient. These helpers do that, and :func:`mixed_partials_at`
applies the definition twice to get the mixed second partials at such a point, where they may
differ (Schwarz's theorem needs continuous mixed partials).

Order convention (both course notes, Tongji): ``f_xy`` = ∂²f/∂x∂y = ∂/∂y(∂f/∂x), first x
then y — the same order as ``sympy.diff(f, x, y)``.
"""
from __future__ import annotations

import sympy as sp

from ._validation import as_expr, as_symbols, point_subs

__all__ = ["partial_from_limit", "mixed_partials_at"]


def _value_at(f, subs, value_at_point, name="f"):
    if value_at_point is not None:
        try:
            val = sp.sympify(value_at_point)
        except (sp.SympifyError, TypeError):
            val = None
        if not isinstance(val, sp.Expr) or not val.is_number:
            raise TypeError(f"value_at_point must be a number, got {value_at_point!r}")
        return _exact(val)
    val = sp.simplify(f.subs(subs, simultaneous=True))
    if val.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        pt = tuple(subs.values())
        raise ValueError(f"{name} is not defined at {pt} by its formula (it gives {val}); "
                         f"pass value_at_point=... to say what {name} equals there")
    return val


def _exact(v):
    """Floats → rationals (0.5 → 1/2): sympy's limits are reliable on exact numbers only."""
    return sp.nsimplify(v, rational=True) if v.has(sp.Float) else v


def _exact_point(vars, point):
    return {k: _exact(v) for k, v in point_subs(vars, point).items()}


def _limit(q, h, what):
    try:
        val = sp.limit(q, h, 0, "+-")
    except ValueError:  # sympy: the one-sided limits differ
        left, right = sp.limit(q, h, 0, "-"), sp.limit(q, h, 0, "+")
        raise ValueError(f"{what} does not exist: the difference quotient tends to {left} from "
                         f"the left and to {right} from the right") from None
    if val.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or isinstance(val, sp.AccumBounds) or val.has(sp.Limit):
        raise ValueError(f"{what} does not exist: the difference quotient has no finite limit "
                         f"(sympy gives {val})")
    return sp.simplify(val)


def partial_from_limit(f, vars, point, var, value_at_point=None):
    """∂f/∂var at ``point`` as the limit of the difference quotient (eqs 2-1, 2-3).

    Parameters
    ----------
    f : sympy expression — the formula of f everywhere except possibly at ``point``
    vars : list of sympy symbols
    point : sequence of numbers (one per variable); floats are made exact (0.5 → 1/2)
    var : the symbol to differentiate in (one of ``vars``)
    value_at_point : number, optional
        The value of f at ``point`` when the formula does not define it (0/0).

    Returns
    -------
    sympy number — lim_{h→0} [f(P + h·e_var) − f(P)] / h

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import partial_from_limit
    >>> x, y = sp.symbols("x y")
    >>> partial_from_limit(x**2 + 3*x*y + y**2, [x, y], (1, 2), x)   # notes 000 §1, example 1
    8
    >>> f = x*y*(x**2 - y**2) / (x**2 + y**2)                          # f(0, 0) := 0
    >>> partial_from_limit(f, [x, y], (0, 0), x, value_at_point=0)
    0
    >>> partial_from_limit(sp.Abs(x), [x, y], (0, 0), x)    # |x| has a corner at 0
    Traceback (most recent call last):
    ...
    ValueError: ∂f/∂x at (0, 0) does not exist: the difference quotient tends to -1 from the left and to 1 from the right
    """
    f = as_expr(f)
    vars = as_symbols(vars)
    if var not in vars:
        raise ValueError(f"var {var!r} is not one of vars {vars}")
    subs = _exact_point(vars, point)
    h = sp.Dummy("h", nonzero=True)
    base = _value_at(f, subs, value_at_point)
    shifted = dict(subs)
    shifted[var] = subs[var] + h
    q = (f.subs(shifted) - base) / h
    pt = "(" + ", ".join(str(v) for v in subs.values()) + ")"
    return _limit(q, h, f"∂f/∂{var} at {pt}")


def mixed_partials_at(f, vars, point, value_at_point=None) -> dict:
    """First and mixed second partials of f(x, y) at ``point`` from the limit definition.

    ``f`` is the formula of the function everywhere except possibly at ``point`` (give the
    value there as ``value_at_point``). The first partials at the point come from the
    difference quotient; on the lines through the point the formula's own derivative is used
    (valid there because the formula holds off the point). Then, with the notes' order
    convention (first the variable written first):

    * ``f_xy`` = ∂/∂y(∂f/∂x) = lim_{k→0} [f_x(x₀, y₀ + k) − f_x(x₀, y₀)] / k
    * ``f_yx`` = ∂/∂x(∂f/∂y) = lim_{h→0} [f_y(x₀ + h, y₀) − f_y(x₀, y₀)] / h

    Returns
    -------
    dict with sympy numbers ``{"f_x", "f_y", "f_xy", "f_yx"}``

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import mixed_partials_at
    >>> x, y = sp.symbols("x y")
    >>> f = x*y*(x**2 - y**2) / (x**2 + y**2)      # f(0, 0) := 0: Schwarz's theorem fails
    >>> mixed_partials_at(f, [x, y], (0, 0), value_at_point=0)
    {'f_x': 0, 'f_y': 0, 'f_xy': -1, 'f_yx': 1}
    >>> mixed_partials_at(x**3*y**2 - 3*x*y**3 - x*y + 1, [x, y], (1, 1))   # smooth: equal
    {'f_x': -1, 'f_y': -8, 'f_xy': -4, 'f_yx': -4}
    """
    f = as_expr(f)
    vars = as_symbols(vars)
    if len(vars) != 2:
        raise ValueError(f"mixed_partials_at works with two variables [x, y]; got {len(vars)}: {vars}")
    x, y = vars
    subs = _exact_point(vars, point)
    x0, y0 = subs[x], subs[y]
    fx0 = partial_from_limit(f, vars, (x0, y0), x, value_at_point)
    fy0 = partial_from_limit(f, vars, (x0, y0), y, value_at_point)
    k = sp.Dummy("k", nonzero=True)
    fx_line = sp.diff(f, x).subs(x, x0)          # f_x(x0, y) for y != y0
    fy_line = sp.diff(f, y).subs(y, y0)          # f_y(x, y0) for x != x0
    pt = f"({x0}, {y0})"
    f_xy = _limit((fx_line.subs(y, y0 + k) - fx0) / k, k, f"∂²f/∂{x}∂{y} at {pt}")
    f_yx = _limit((fy_line.subs(x, x0 + k) - fy0) / k, k, f"∂²f/∂{y}∂{x} at {pt}")
    return {"f_x": fx0, "f_y": fy0, "f_xy": f_xy, "f_yx": f_yx}
