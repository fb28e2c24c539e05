"""mvcalc_helpers.taylor: the multivariate Taylor polynomial (with its 1/k! factors) and the
(h∂x + k∂y)ᵐ operator term, against sympy.series along lines, an independent Σ (1/k!) Dᵏ
construction, the remainder's order and textbook expansions."""
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given

from core_cases import SYMBOLIC, int_points, polynomials
from mvcalc_helpers import taylor_operator_term, taylor_polynomial

x, y, z, t, h, k = sp.symbols("x y z t h k")


def along_line(expr, vars_, point, direction):
    """expr restricted to the line point + t·direction."""
    return expr.subs({v: p + t * d for v, p, d in zip(vars_, point, direction)}, simultaneous=True)


def reference_taylor(f, vars_, point, order):
    """Σ_{k ≤ order} (1/k!) Dᵏf(P) with D = Σ (xᵢ − Pᵢ)∂/∂xᵢ applied k times (no multinomials)."""
    d = sp.symbols(f"d0:{len(vars_)}")
    at = dict(zip(vars_, point))
    total, term = sp.Integer(0), f
    for m in range(order + 1):
        total += term.subs(at) / math.factorial(m)
        term = sum(di * sp.diff(term, v) for di, v in zip(d, vars_))
    return sp.expand(total.subs({di: v - p for di, v, p in zip(d, vars_, point)}))


@pytest.mark.parametrize("f, vars_, point, order", [
    (sp.exp(x) * sp.sin(y), [x, y], (1, 2), 3),
    (sp.cos(x + 2 * y) + x * y**2, [x, y], (0, 1), 4),
    (sp.exp(x - y) * (1 + z), [x, y, z], (0, 0, 1), 2),
    (sp.log(1 + x**2), [x], (1,), 5),
])
def test_taylor_matches_series_along_lines_and_the_operator_sum(f, vars_, point, order):
    T = taylor_polynomial(f, vars_, point, order)
    assert sp.expand(T - reference_taylor(f, vars_, point, order)) == 0
    for direction in ((1, -2, 3), (2, 1, -1)):
        direction = direction[:len(vars_)]
        ref = sp.series(along_line(f, vars_, point, direction), t, 0, order + 1).removeO()
        assert sp.simplify(sp.expand(along_line(T, vars_, point, direction)) - ref) == 0


def test_second_order_term_has_the_half_that_notes_000_drops():
    # e^{x+y} about 0: 1 + (x + y) + (x + y)²/2 — not + (x + y)² as notes 000 §5 writes
    T = taylor_polynomial(sp.exp(x + y), [x, y], (0, 0), 2)
    assert T == sp.expand(1 + (x + y) + (x + y) ** 2 / 2)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_remainder_is_of_order_n_plus_1(order):
    # |f(P + sΔ) − T(P + sΔ)| ~ C s^(order+1): halving s divides the error by 2^(order+1).
    # A wrong 1/k! factor would leave an O(s^k) error and fail this.
    f = sp.exp(x) * sp.cos(y) + x * y**3
    P, d = (0.3, -0.2), (1.0, 0.7)
    err = sp.lambdify([x, y], f - taylor_polynomial(f, [x, y], P, order))
    e1, e2 = (abs(err(P[0] + s * d[0], P[1] + s * d[1])) for s in (1e-2, 5e-3))
    assert e1 / e2 == pytest.approx(2 ** (order + 1), rel=0.05)


def test_textbook_expansions():
    # 同济《高等数学》第七版下册 §9-9 例1: third-order Maclaurin of ln(1 + x + y)
    T = taylor_polynomial(sp.log(1 + x + y), [x, y], (0, 0), 3)
    assert T == sp.expand((x + y) - (x + y) ** 2 / 2 + (x + y) ** 3 / 3)
    # Stewart, Calculus 8e, §14.4 Example 2: the linearisation of x e^{xy} at (1, 0) is x + y
    assert taylor_polynomial(x * sp.exp(x * y), [x, y], (1, 0), 1) == x + y
    # order 0 is the value at the point
    assert taylor_polynomial(sp.exp(x) * y, [x, y], (0, 3), 0) == 3


@SYMBOLIC
@given(polynomials(max_degree=2), int_points(3))
@example((x**2 * y**2 * z - 3 * x + 1, [x, y, z]), [1, -2, 2])
def test_taylor_of_a_polynomial_of_full_order_is_the_polynomial(poly, point):
    f, vars_ = poly
    degree = sp.Poly(f, *vars_).total_degree() if f != 0 else 0
    assert sp.expand(taylor_polynomial(f, vars_, point[:len(vars_)], degree) - f) == 0


def test_operator_term_is_the_binomial_sum_of_notes_000():
    # (h∂x + k∂y)ᵐ f = Σ_p C(m, p) hᵖ k^(m−p) ∂ᵐf/∂xᵖ∂y^(m−p), here at (1, 2)
    f = sp.exp(x) * y**3 + sp.sin(x * y)
    at = {x: 1, y: 2}
    for m in range(4):
        ref = sum(sp.binomial(m, p) * h**p * k**(m - p) * sp.diff(f, x, p, y, m - p)
                  for p in range(m + 1)).subs(at)
        got = taylor_operator_term(f, [x, y], (1, 2), (h, k), m)
        assert sp.simplify(got - ref) == 0


def test_operator_term_numeric_increment_is_directional_derivative_power():
    # with a unit increment u, (u·∇)¹f = D_u f; (u·∇)² f = d²/dt² f(P + t u) at t = 0
    f = x**2 * y + sp.exp(y)
    u = (sp.Rational(3, 5), sp.Rational(4, 5))
    g = along_line(f, [x, y], (1, 0), u)
    for m in (1, 2, 3):
        assert sp.simplify(taylor_operator_term(f, [x, y], (1, 0), u, m)
                           - sp.diff(g, t, m).subs(t, 0)) == 0


@pytest.mark.parametrize("order", [-1, 2.5, True, "2", None])
def test_bad_order(order):
    with pytest.raises(ValueError, match="non-negative integer"):
        taylor_polynomial(x * y, [x, y], (0, 0), order)


def test_numpy_and_sympy_integer_orders_are_accepted():
    assert taylor_polynomial(sp.exp(x), [x], (0,), np.int64(2)) == 1 + x + x**2 / 2
    assert taylor_polynomial(sp.exp(x), [x], (0,), sp.Integer(1)) == 1 + x


def test_expansion_point_where_f_is_not_differentiable():
    with pytest.raises(ValueError, match=r"derivative of order \(1, 0\) is undefined at \(0, 1\)"):
        taylor_polynomial(sp.sqrt(x) + y, [x, y], (0, 1), 2)
    with pytest.raises(ValueError, match=r"f is undefined at \(0,\) \(sympy gives zoo\)"):
        taylor_polynomial(sp.log(x), [x], (0,), 1)


def test_bad_point_and_increments():
    with pytest.raises(ValueError, match="point has 1 coordinates but there are 2 variables"):
        taylor_polynomial(x * y, [x, y], (0,), 2)
    with pytest.raises(ValueError, match="not finite"):
        taylor_polynomial(x * y, [x, y], (0, float("inf")), 2)
    with pytest.raises(ValueError, match="increments has 3 coordinates"):
        taylor_operator_term(x * y, [x, y], (0, 0), (h, k, 1), 1)
    with pytest.raises(ValueError, match="m must be a non-negative integer"):
        taylor_operator_term(x * y, [x, y], (0, 0), (h, k), -2)
