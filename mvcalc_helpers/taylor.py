"""Multivariate Taylor polynomials (chapter 4).

f(x₀ + Δ) = Σₖ (1/k!) (Δ·∇)ᵏ f(x₀) + remainder, where for two variables
(h∂/∂x + k∂/∂y)ᵐ f = Σₚ C(m, p) hᵖ kᵐ⁻ᵖ ∂ᵐf/∂xᵖ∂yᵐ⁻ᵖ  (notes 000 §5).

The second-order polynomial is f(x₀) + ∇fᵀΔ + ½ ΔᵀHΔ — with the ½ that notes 000 drops.
"""
from __future__ import annotations

import itertools
import math
import numbers

import sympy as sp

from ._validation import as_expr, as_symbols, point_subs, require_finite

__all__ = ["taylor_polynomial", "taylor_operator_term"]


def _check_order(order, name="order") -> int:
    if isinstance(order, bool) or not isinstance(order, (numbers.Integral, sp.Integer)) or int(order) < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {order!r}")
    return int(order)


def taylor_operator_term(f, vars, point, increments, m):
    """The term (Δ·∇)ᵐ f(x₀) = (h ∂/∂x + k ∂/∂y + …)ᵐ f evaluated at ``point``.

    Expanded with the multinomial theorem: for two variables this is
    Σₚ C(m, p) hᵖ kᵐ⁻ᵖ ∂ᵐf/∂xᵖ∂yᵐ⁻ᵖ, exactly the notation of notes 000 §5. The
    Taylor polynomial divides the m-th term by m!.

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import taylor_operator_term
    >>> x, y, h, k = sp.symbols("x y h k")
    >>> f = sp.Function("f")(x, y)
    >>> taylor_operator_term(x**2*y, [x, y], (1, 2), (h, k), 1)     # h f_x + k f_y
    4*h + k
    >>> sp.expand(taylor_operator_term(x**2*y, [x, y], (1, 2), (h, k), 2))  # h²f_xx + 2hk f_xy + k²f_yy
    4*h**2 + 4*h*k
    """
    f = as_expr(f)
    vars = as_symbols(vars)
    m = _check_order(m, "m")
    subs = point_subs(vars, point)
    incs = list(point_subs(vars, increments, name="increments").values())
    total = sp.Integer(0)
    n = len(vars)
    # multinomial: sum over exponent tuples (a_1..a_n) with sum m
    for exps in itertools.product(range(m + 1), repeat=n):
        if sum(exps) != m:
            continue
        coeff = math.factorial(m)
        for a in exps:
            coeff //= math.factorial(a)
        deriv = f
        for v, a in zip(vars, exps):
            if a:
                deriv = sp.diff(deriv, v, a)
        mono = sp.Integer(1)
        for d, a in zip(incs, exps):
            mono *= d**a
        what = "f" if m == 0 else f"the derivative of order {exps}"
        value = require_finite(deriv.subs(subs, simultaneous=True), what, subs.values())
        total += coeff * mono * value
    return total


def taylor_polynomial(f, vars, point, order: int):
    """Taylor polynomial of ``f`` of the given order about ``point``, in the variables ``vars``.

    T(x) = Σ_{k=0}^{order} (1/k!) ((x − x₀)·∇)ᵏ f(x₀) — any number of variables, any order,
    with the 1/k! factors (so the quadratic term is ½ ΔᵀHΔ).

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import taylor_polynomial
    >>> x, y = sp.symbols("x y")
    >>> taylor_polynomial(sp.exp(x) * sp.cos(y), [x, y], (0, 0), 2)
    x**2/2 + x - y**2/2 + 1
    >>> taylor_polynomial(x**2 + y**2, [x, y], (0, 0), 2)     # a quadratic is its own expansion
    x**2 + y**2
    >>> sp.expand(taylor_polynomial(x**3, [x], (1,), 1))      # tangent line of x³ at 1
    3*x - 2
    """
    f = as_expr(f)
    vars = as_symbols(vars)
    order = _check_order(order)
    subs = point_subs(vars, point)
    deltas = [v - subs[v] for v in vars]
    poly = sum((taylor_operator_term(f, vars, point, deltas, k) / math.factorial(k)
                for k in range(order + 1)), sp.Integer(0))
    return sp.expand(poly)
