"""The multivariable chain rule term by term (链式法则) — chapter 2.

z = f(u, v, …) with intermediate variables u = u(t, …), v = v(t, …): the derivative of z in
an input variable t is a sum over the paths from t to z, one term per intermediate variable,

    dz/dt = ∂z/∂u · du/dt + ∂z/∂v · dv/dt + … (+ ∂f/∂t if f also depends on t directly),

notes 000 §3 (theorem 1; eqs 4-3, 4-4 for two inputs; the total derivative of example 4).
Backpropagation computes exactly these path sums on a network's computation graph.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import sympy as sp

from ._validation import as_expr

__all__ = ["ChainTerm", "chain_rule_terms", "total_derivative", "linearization_error"]


class ChainTerm(NamedTuple):
    """One path of the chain rule: ``outer · inner = product``.

    ``via`` is the intermediate variable the path goes through (or the input itself for the
    direct term ∂f/∂t); ``outer`` = ∂f/∂via (in the intermediate variables, as the local
    derivative on the graph's edge), ``inner`` = ∂via/∂t, ``product`` = outer · inner written in
    the input variables.

    >>> import sympy as sp
    >>> from mvcalc_helpers import ChainTerm
    >>> u, t = sp.symbols("u t")
    >>> ChainTerm(u, 2*u, sp.cos(t), 2*sp.sin(t)*sp.cos(t)).product
    2*sin(t)*cos(t)
    """

    via: sp.Symbol
    outer: sp.Expr
    inner: sp.Expr
    product: sp.Expr


def _check_inner(inner):
    if not isinstance(inner, Mapping) or not inner:
        raise TypeError("inner must be a dict {intermediate symbol: expression}, e.g. {u: sp.exp(t), v: sp.cos(t)}")
    out = {}
    for k, e in inner.items():
        if not isinstance(k, sp.Symbol):
            raise TypeError(f"the keys of inner must be sympy symbols (the intermediate variables); got {k!r}")
        out[k] = as_expr(e, f"inner[{k}]")
    for k, e in out.items():
        if e.free_symbols & set(out):
            raise ValueError(f"inner[{k}] = {e} uses another intermediate variable; express every "
                             f"intermediate variable in the input variables only")
    return out


def chain_rule_terms(f, inner, var) -> list[ChainTerm]:
    """The terms of dz/d(var) for z = f(intermediates[, inputs]) by the chain rule.

    Parameters
    ----------
    f : sympy expression in the intermediate variables (and possibly the inputs directly)
    inner : dict {intermediate symbol: expression in the inputs}
    var : the input symbol to differentiate in

    Returns
    -------
    list of :class:`ChainTerm`, one per intermediate variable that f uses and that depends on
    ``var``, plus a direct term (``via`` = var) if f contains ``var`` itself. Their
    ``product``\\ s add up to the derivative of the composite function.

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import chain_rule_terms
    >>> u, v, t = sp.symbols("u v t")
    >>> terms = chain_rule_terms(u*v, {u: sp.exp(t), v: sp.cos(t)}, t)   # notes 000 §3 ex. 1
    >>> [(T.via, T.outer, T.inner) for T in terms]
    [(u, v, exp(t)), (v, u, -sin(t))]
    >>> sum(T.product for T in terms)
    -exp(t)*sin(t) + exp(t)*cos(t)
    >>> [T.via for T in chain_rule_terms(u*v + sp.sin(t), {u: sp.exp(t), v: sp.cos(t)}, t)]  # ex. 4
    [u, v, t]
    """
    f = as_expr(f)
    inner = _check_inner(inner)
    if not isinstance(var, sp.Symbol):
        raise TypeError(f"var must be a sympy symbol (an input variable), got {var!r}")
    if var in inner:
        raise ValueError(f"{var} is an intermediate variable; differentiate in an input variable")
    terms = []
    for m, e in inner.items():
        if not f.has(m):
            continue
        d_in = sp.diff(e, var)
        if d_in == 0:
            continue
        outer = sp.diff(f, m)
        terms.append(ChainTerm(m, outer, d_in, outer.subs(inner, simultaneous=True) * d_in))
    if f.has(var):
        direct = sp.diff(f, var)
        if direct != 0:
            terms.append(ChainTerm(var, direct, sp.Integer(1), direct.subs(inner, simultaneous=True)))
    return terms


def total_derivative(f, inner, var) -> sp.Expr:
    """dz/d(var) of the composite function by the chain rule (sum of the path terms), simplified.

    Equal to ``sympy.diff(f.subs(inner), var)``, but computed the way the notes (and
    backpropagation) do: local derivatives multiplied along each path, then added.

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import total_derivative
    >>> u, v, x, y = sp.symbols("u v x y")
    >>> total_derivative(sp.exp(u)*sp.sin(v), {u: x*y, v: x + y}, x)   # notes 000 §3 ex. 2, eq. (4-3)
    (y*sin(x + y) + cos(x + y))*exp(x*y)
    """
    terms = chain_rule_terms(f, inner, var)
    return sp.factor_terms(sum((T.product for T in terms), sp.Integer(0)))


def linearization_error(F, vars, point, h, *, n: int = 200) -> float:
    """How far a map is from its linear approximation on a small square: the largest
    |F(p + Δ) − F(p) − J(p)Δ| over the boundary of the square Δ ∈ [0, h]².

    ``F`` is a list of sympy expressions (a map ℝ² → ℝᵏ; one expression for a function
    z = f(x, y), then J = ∇fᵀ) in the two symbols ``vars``; ``point`` = p. For a differentiable F
    the error is o(h); for a twice continuously differentiable F it is O(h²): halving h divides it
    by about 4. ``n`` points per side of the square are checked.

    Examples
    --------
    >>> import numpy as np, sympy as sp
    >>> from mvcalc_helpers import linearization_error
    >>> r, th = sp.symbols("r theta")
    >>> polar = [r * sp.cos(th), r * sp.sin(th)]          # (r, θ) ↦ (x, y)
    >>> e = [linearization_error(polar, [r, th], (1.5, np.pi / 6), h) for h in (0.2, 0.1, 0.05)]
    >>> ratios = np.array(e[:-1]) / np.array(e[1:])
    >>> bool(np.allclose(ratios, 4, atol=0.1))           # halving h quarters the error
    True
    >>> linearization_error([3*r - 2*th], [r, th], (1, 2), 0.5) < 1e-12   # linear: exact
    True
    """
    import numpy as np

    F = [as_expr(Fi, "F") for Fi in (F if isinstance(F, (list, tuple, sp.Matrix)) else [F])]
    vars = list(vars)
    if len(vars) != 2 or not all(isinstance(v, sp.Symbol) for v in vars):
        raise TypeError(f"vars must be the two sympy symbols of the map, got {vars!r}")
    extra = set().union(*(Fi.free_symbols for Fi in F)) - set(vars)
    if extra:
        raise ValueError(f"F uses {sorted(map(str, extra))}, which are not in vars {vars}")
    try:
        p = np.array([float(c) for c in point])
        h = float(h)
    except (TypeError, ValueError):
        raise TypeError(f"point must be two numbers and h a number; got {point!r}, {h!r}") from None
    if p.shape != (2,) or not (np.isfinite(h) and h > 0):
        raise ValueError(f"point must be two numbers and h > 0; got {point!r}, {h!r}")
    J = np.array(sp.Matrix(F).jacobian(sp.Matrix(vars)).subs(dict(zip(vars, p))).evalf(), dtype=float)
    f = sp.lambdify(vars, F, "numpy")
    s = np.linspace(0.0, h, n)
    z, full = np.zeros(n), np.full(n, h)
    d = np.concatenate([np.column_stack(c) for c in ((s, z), (full, s), (s, full), (z, s))])
    Fp = np.array([np.broadcast_to(np.asarray(v, dtype=float), ()) for v in f(*p)], dtype=float)
    Fd = np.array([np.broadcast_to(np.asarray(v, dtype=float), d[:, 0].shape)
                   for v in f(p[0] + d[:, 0], p[1] + d[:, 1])], dtype=float)
    err = Fd - Fp[:, None] - J @ d.T
    return float(np.max(np.linalg.norm(err, axis=0)))
