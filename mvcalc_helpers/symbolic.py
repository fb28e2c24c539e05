"""Symbolic derivatives (sympy): partial derivatives, gradient, Jacobian, Hessian and the
directional derivative — chapters 1–4.

Conventions (both course notes use them):

* ``gradient`` is a **column** vector (n×1), ∇f = [∂f/∂x₁, …, ∂f/∂xₙ]ᵀ.
* ``jacobian`` of k functions of n variables is k×n: row i holds ∂yᵢ/∂x₁ … ∂yᵢ/∂xₙ.
* ``sympy.diff(f, x, y)`` differentiates first in x, then in y; the notes write that as
  ∂²f/∂x∂y (the Tongji convention; many English texts read the symbols the other way round).
"""
from __future__ import annotations

import sympy as sp

from ._validation import as_expr, as_symbols, point_subs, require_finite

__all__ = ["gradient", "jacobian", "hessian", "directional_derivative", "difference_quotient"]


def gradient(f, vars) -> sp.Matrix:
    """Gradient ∇f of a scalar expression as an n×1 sympy column ``Matrix``.

    Parameters
    ----------
    f : sympy expression
    vars : list of sympy symbols, in the order of the components

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import gradient
    >>> x, y, z = sp.symbols("x y z")
    >>> gradient(x**3 - x*y**2 - z, [x, y, z])   # notes 000 §4, example 2
    Matrix([
    [3*x**2 - y**2],
    [       -2*x*y],
    [           -1]])
    >>> gradient(x**3 - x*y**2 - z, [x, y, z]).subs({x: 1, y: 1, z: 0}).norm()
    3
    """
    f = as_expr(f)
    vars = as_symbols(vars)
    return sp.Matrix([sp.diff(f, v) for v in vars])


def jacobian(F, vars) -> sp.Matrix:
    """Jacobian matrix (k×n) of k expressions with respect to n variables.

    Row i is the gradient (transposed) of ``F[i]``: J[i, j] = ∂Fᵢ/∂xⱼ. Every component may
    depend on every variable (note 001 §5 says otherwise; see chapter 2).

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import jacobian
    >>> x1, x2, x3 = sp.symbols("x1 x2 x3")
    >>> jacobian([x1**2 + 3*x1*x2 + 2*x3, 2*x1 - 2*x1*x2 + x3**2], [x1, x2, x3])  # note 001 §5.2
    Matrix([
    [2*x1 + 3*x2,  3*x1,    2],
    [ 2 - 2*x2, -2*x1, 2*x3]])
    """
    vars = as_symbols(vars)
    if isinstance(F, sp.MatrixBase):
        if 1 not in F.shape:
            raise ValueError(f"F must be a list (or column/row Matrix) of expressions, got shape {F.shape}")
        F = list(F)
    elif isinstance(F, (sp.Expr, str, int, float)):
        F = [F]
    try:
        F = [as_expr(fi, f"F[{i}]") for i, fi in enumerate(F)]
    except TypeError as exc:
        raise TypeError(f"F must be a list of sympy expressions: {exc}") from exc
    if not F:
        raise ValueError("F must contain at least one expression")
    return sp.Matrix(F).jacobian(sp.Matrix(vars))


def hessian(f, vars) -> sp.Matrix:
    """Hessian matrix (n×n) of second partial derivatives, H[i, j] = ∂²f/∂xᵢ∂xⱼ.

    For f with continuous second partials the matrix is symmetric (Schwarz/Clairaut);
    the result is computed entry by entry, so a function whose mixed partials differ
    would show it rather than be silently symmetrised.

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import hessian
    >>> x, y, z = sp.symbols("x y z")
    >>> H = hessian(3*x**2 - 4*x*y + y**2 - 3*z**2, [x, y, z])   # note 001 §6.2
    >>> H
    Matrix([
    [ 6, -4,  0],
    [-4,  2,  0],
    [ 0,  0, -6]])
    >>> H.is_symmetric()
    True
    """
    f = as_expr(f)
    vars = as_symbols(vars)
    return sp.Matrix(len(vars), len(vars), lambda i, j: sp.diff(f, vars[i], vars[j]))


def directional_derivative(f, vars, point, direction):
    """Exact directional derivative ∂f/∂l = ∇f(P₀) · e_l at ``point``.

    ``direction`` need not be a unit vector: it is normalised (e_l = l/|l|), so the result
    is the rate of change per unit length, as in notes 000 §4. A zero direction has no
    unit vector and raises ``ValueError``.

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import directional_derivative
    >>> x, y = sp.symbols("x y")
    >>> f = (x**2 + y**2) / 2
    >>> directional_derivative(f, [x, y], (1, 1), (1, 1))     # along the gradient: |∇f| = √2
    sqrt(2)
    >>> directional_derivative(f, [x, y], (1, 1), (-1, 1))    # orthogonal to it
    0
    >>> directional_derivative(x**2*y + x*y**3, [x, y], (1, 2), (3, 4))
    88/5
    >>> directional_derivative(sp.sqrt(x**2 + y**2), [x, y], (0, 0), (1, 0))   # the cone's tip
    Traceback (most recent call last):
    ...
    ValueError: ∂f/∂x is undefined at (0, 0) (sympy gives nan): f is not differentiable there as written; use the limit definition instead
    """
    f = as_expr(f)
    vars = as_symbols(vars)
    subs = point_subs(vars, point)
    d = list(point_subs(vars, direction, name="direction").values())
    norm2 = sp.nsimplify(sum(di**2 for di in d))
    if norm2 == 0:
        raise ValueError("direction is the zero vector: a direction must have non-zero length")
    unit = [di / sp.sqrt(norm2) for di in d]
    at = tuple(subs.values())
    g = [require_finite(sp.diff(f, v).subs(subs, simultaneous=True), f"∂f/∂{v}", at)
         for v in vars]
    return sp.simplify(sum(gi * ui for gi, ui in zip(g, unit)))


def difference_quotient(f, vars, point, var, h):
    """The difference quotient [f(P + h·e_var) − f(P)] / h of definition (2-1)/(2-3).

    As h → 0 it tends to the partial derivative ∂f/∂var at P. ``h`` may be a number or a
    symbol (then ``sympy.limit(..., h, 0)`` gives the partial derivative).

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import difference_quotient
    >>> x, y, h = sp.symbols("x y h")
    >>> q = difference_quotient(x**2 + 3*x*y + y**2, [x, y], (1, 2), x, h)
    >>> sp.simplify(q)
    h + 8
    >>> sp.limit(q, h, 0)     # ∂z/∂x at (1, 2), notes 000 §1 example 1
    8
    >>> difference_quotient(x**2 + 3*x*y + y**2, [x, y], (1, 2), x, sp.Rational(1, 1000))
    8001/1000
    """
    f = as_expr(f)
    vars = as_symbols(vars)
    if var not in vars:
        raise ValueError(f"var {var!r} is not one of vars {vars}")
    h = sp.sympify(h)
    if h == 0:
        raise ValueError("h must be non-zero (the quotient divides by h)")
    subs = point_subs(vars, point)
    shifted = dict(subs)
    shifted[var] = subs[var] + h
    return (f.subs(shifted, simultaneous=True) - f.subs(subs, simultaneous=True)) / h
