"""mvcalc_helpers.symbolic: gradient, jacobian, hessian, directional_derivative,
difference_quotient — checked against sympy's own calculus (limits, series, sympy.hessian,
Matrix.jacobian) and against worked textbook examples."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given
from hypothesis import strategies as st

from core_cases import SYMBOLIC, polynomials
from mvcalc_helpers import (difference_quotient, directional_derivative, gradient, hessian,
                            jacobian, numerical_gradient, numerical_hessian)

x, y, z, t, r, theta, rho, phi = sp.symbols("x y z t r theta rho phi")


def is_zero(expr) -> bool:
    return sp.simplify(expr) == 0


# --- gradient -----------------------------------------------------------------------------

def test_gradient_is_an_n_by_1_column_of_partials():
    f = x**2 * sp.sin(y) + sp.exp(x * z)
    g = gradient(f, [x, y, z])
    assert isinstance(g, sp.MatrixBase) and g.shape == (3, 1)
    # reference: the limit definition of each partial derivative, by sympy.limit
    h = sp.Symbol("h")
    for gi, v in zip(g, [x, y, z]):
        ref = sp.limit((f.subs(v, v + h) - f) / h, h, 0)
        assert is_zero(gi - ref)


def test_gradient_stewart_14_3_example_1():
    # Stewart, Calculus 8e, §14.3 Example 1: f = x³ + x²y³ − 2y², f_x(2,1) = 16, f_y(2,1) = 8
    g = gradient(x**3 + x**2 * y**3 - 2 * y**2, [x, y])
    assert list(g.subs({x: 2, y: 1})) == [16, 8]


def test_gradient_order_follows_vars():
    f = x + 2 * y
    assert list(gradient(f, [y, x])) == [2, 1]
    assert list(gradient(f, (x,))) == [1]
    assert list(gradient(f, x)) == [1]            # a single symbol is accepted
    assert list(gradient("x*y", [x, y])) == [y, x]  # strings are sympified


# --- jacobian -----------------------------------------------------------------------------

def test_jacobian_polar_and_spherical_determinants():
    # Stewart §15.9: ∂(x, y)/∂(r, θ) = r; ∂(x, y, z)/∂(ρ, θ, φ) has |det| = ρ² sin φ
    J = jacobian([r * sp.cos(theta), r * sp.sin(theta)], [r, theta])
    assert J.shape == (2, 2) and is_zero(J.det() - r)
    sph = [rho * sp.sin(phi) * sp.cos(theta), rho * sp.sin(phi) * sp.sin(theta), rho * sp.cos(phi)]
    J3 = jacobian(sph, [rho, theta, phi])
    assert is_zero(J3.det() ** 2 - (rho**2 * sp.sin(phi)) ** 2)


def test_jacobian_is_k_by_n_and_row_i_is_grad_Fi_transposed():
    F = [x * y * z, x + sp.cos(y)]
    J = jacobian(F, [x, y, z])
    assert J.shape == (2, 3)
    for i, Fi in enumerate(F):
        assert J.row(i) == gradient(Fi, [x, y, z]).T
    # accepts a column or a row sympy Matrix, and a single expression (1×n)
    assert jacobian(sp.Matrix(F), [x, y, z]) == J
    assert jacobian(sp.Matrix(F).T, [x, y, z]) == J
    assert jacobian(x * y, [x, y]).shape == (1, 2)


def test_jacobian_bad_input():
    with pytest.raises(ValueError, match="shape"):
        jacobian(sp.Matrix([[x, y], [y, x]]), [x, y])
    with pytest.raises(ValueError, match="at least one"):
        jacobian([], [x])
    with pytest.raises(TypeError, match="F must be a list of sympy expressions"):
        jacobian([x, lambda v: v], [x])


# --- hessian ------------------------------------------------------------------------------

def test_hessian_matches_sympy_and_is_symmetric():
    f = sp.exp(x * y) + x**3 * z - sp.sin(y * z)
    H = hessian(f, [x, y, z])
    assert H.shape == (3, 3)
    assert (H - sp.hessian(f, [x, y, z])).applyfunc(sp.simplify) == sp.zeros(3, 3)
    assert H.is_symmetric()


def test_hessian_clairaut_stewart_14_3():
    # Stewart §14.3 Example 6 (Clairaut): f = x³ + x²y³ − 2y² has f_xy = f_yx = 6xy²
    H = hessian(x**3 + x**2 * y**3 - 2 * y**2, [x, y])
    assert H[0, 1] == H[1, 0] == 6 * x * y**2


def test_hessian_does_not_symmetrise_a_function_with_unequal_mixed_partials():
    # the standard counterexample f = xy(x²−y²)/(x²+y²): f_xy(0,0) = −1 ≠ f_yx(0,0) = 1
    # (Stewart §14.3 exercise). Away from 0 the partials agree; the helper computes each
    # entry itself, so its two off-diagonal entries are the two different derivatives.
    f = x * y * (x**2 - y**2) / (x**2 + y**2)
    H = hessian(f, [x, y])
    assert is_zero(H[0, 1] - sp.diff(f, x, y)) and is_zero(H[1, 0] - sp.diff(f, y, x))


# --- directional derivative --------------------------------------------------------------

@pytest.mark.parametrize("f, point, direction, expected", [
    # Stewart §14.6 Example 2: D_u f(1, 2) for f = x³ − 3xy + 4y², u at angle π/6
    (x**3 - 3 * x * y + 4 * y**2, (1, 2), (sp.sqrt(3) / 2, sp.Rational(1, 2)),
     (13 - 3 * sp.sqrt(3)) / 2),
    # Stewart §14.6: f = x sin(yz) at (1, 3, 0) in the direction v = i + 2j − k: −√6/2
    (x * sp.sin(y * z), (1, 3, 0), (1, 2, -1), -sp.sqrt(6) / 2),
    # Stewart §14.6: f = x e^y at P(2, 0) towards Q(1/2, 2): 1
    (x * sp.exp(y), (2, 0), (sp.Rational(-3, 2), 2), 1),
])
def test_directional_derivative_textbook(f, point, direction, expected):
    vars_ = [x, y, z][:len(point)]
    assert is_zero(directional_derivative(f, vars_, point, direction) - expected)


def test_directional_derivative_is_d_dt_f_along_the_unit_line():
    f = sp.exp(x) * sp.cos(y) + x * y**2
    P, d = (1, -2), (2, 1)
    u = [di / sp.sqrt(5) for di in d]
    line = f.subs({x: P[0] + t * u[0], y: P[1] + t * u[1]}, simultaneous=True)
    ref = sp.limit((line - line.subs(t, 0)) / t, t, 0)        # sympy's own limit
    assert is_zero(directional_derivative(f, [x, y], P, d) - ref)


def test_directional_derivative_by_angle_as_in_notes_000():
    # notes 000 §4 write the unit vector as e_l = (cos α, sin α): no extra normalisation appears
    a = sp.Symbol("alpha", real=True)
    got = directional_derivative(x * y, [x, y], (1, 2), (sp.cos(a), sp.sin(a)))
    assert is_zero(got - (2 * sp.cos(a) + sp.sin(a)))


def test_directional_derivative_normalises_the_direction():
    f = x**2 * y + x * y**3
    one = directional_derivative(f, [x, y], (1, 2), (3, 4))
    for scale in (2, sp.Rational(1, 7), 10.0):
        scaled = directional_derivative(f, [x, y], (1, 2), tuple(scale * c for c in (3, 4)))
        assert abs(float(scaled - one)) < 1e-12
    assert one == sp.Rational(88, 5)                     # exact sympy value, not a float


@pytest.mark.parametrize("zero", [(0, 0), (0.0, 0.0), (sp.Integer(0), sp.Rational(0))])
def test_directional_derivative_zero_direction_raises(zero):
    with pytest.raises(ValueError, match="zero vector"):
        directional_derivative(x * y, [x, y], (1, 2), zero)


def test_directional_derivative_bad_input():
    with pytest.raises(ValueError, match="direction has 3 coordinates but there are 2"):
        directional_derivative(x * y, [x, y], (1, 2), (1, 0, 0))
    with pytest.raises(ValueError, match="point coordinate nan is not finite"):
        directional_derivative(x * y, [x, y], (float("nan"), 2), (1, 0))
    with pytest.raises(ValueError, match="direction coordinate inf is not finite"):
        directional_derivative(x * y, [x, y], (1, 2), (float("inf"), 0))


@pytest.mark.parametrize("f", [
    sp.sqrt(x**2 + y**2),               # the cone's tip: every directional derivative is 1, ∇f does not exist
    x**2 * y / (x**2 + y**2),           # undefined at 0 as written; substituting x first gave a silent 0
])
def test_directional_derivative_where_f_is_not_differentiable(f):
    with pytest.raises(ValueError, match=r"undefined at \(0, 0\) \(sympy gives nan\).*limit definition"):
        directional_derivative(f, [x, y], (0, 0), (1, 1))
    # the limit definition the message points to (sympy's own limit) does exist for the cone
    if f == sp.sqrt(x**2 + y**2):
        assert sp.limit(f.subs({x: t / sp.sqrt(2), y: t / sp.sqrt(2)}) / t, t, 0, "+") == 1


# --- difference quotient -----------------------------------------------------------------

def test_difference_quotient_tends_to_the_partial():
    f = sp.sin(x * y) + x**3
    h = sp.Symbol("h")
    q = difference_quotient(f, [x, y], (1, 2), y, h)
    assert is_zero(sp.limit(q, h, 0) - sp.diff(f, y).subs({x: 1, y: 2}))
    with pytest.raises(ValueError, match="non-zero"):
        difference_quotient(f, [x, y], (1, 2), x, 0)
    with pytest.raises(ValueError, match="not one of vars"):
        difference_quotient(f, [x, y], (1, 2), z, h)


# --- bad input shared by every symbolic helper --------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: gradient(lambda v: v, [x]),
    lambda: gradient(sp.Matrix([x, y]), [x, y]),
    lambda: hessian(x * y, "x y"),
    lambda: gradient(x * y, [x, 2]),
])
def test_symbolic_helpers_reject_non_expressions_and_non_symbols(call):
    with pytest.raises(TypeError):
        call()


def test_repeated_or_missing_variables():
    with pytest.raises(ValueError, match="repeated"):
        gradient(x * y, [x, x])
    with pytest.raises(ValueError, match="at least one"):
        hessian(x * y, [])


# --- properties: random polynomials, symbolic vs numeric ---------------------------------

points3 = st.lists(st.floats(-2, 2), min_size=3, max_size=3)


@SYMBOLIC
@given(polynomials(), points3)
@example((x**3 * y - 2 * y**2 * z + 5, [x, y, z]), [0.5, -1.25, 2.0])
@example((sp.Integer(7), [x]), [1.0, 0, 0])                # a constant: zero gradient
def test_symbolic_gradient_and_hessian_agree_with_numerical(poly, point):
    f, vars_ = poly
    p = np.array(point[:len(vars_)])
    exact = np.array([float(gi.subs(dict(zip(vars_, p)))) for gi in gradient(f, vars_)])
    fn = sp.lambdify([vars_], f, "numpy")
    num = numerical_gradient(lambda v: fn(v), p, method="complex")
    np.testing.assert_allclose(num, exact, rtol=1e-12, atol=1e-10)
    H = np.array(hessian(f, vars_).subs(dict(zip(vars_, p))), dtype=float)
    np.testing.assert_allclose(numerical_hessian(lambda v: fn(v), p, method="complex"), H,
                               rtol=1e-8, atol=1e-7)


@SYMBOLIC
@given(polynomials())
def test_hessian_of_polynomial_is_jacobian_of_gradient(poly):
    f, vars_ = poly
    H = hessian(f, vars_)
    assert H == H.T
    assert (H - jacobian(gradient(f, vars_), vars_)).expand() == sp.zeros(len(vars_))
