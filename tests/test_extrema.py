"""mvcalc_helpers.extrema: critical points (real ones only) and the second-derivative test in
any number of variables — against textbook problems, the AC − B² rule and, for random
quadratics, the eigenvalues numpy computes."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, example, given

from core_cases import SYMBOLIC, int_matrices
from mvcalc_helpers import classify_critical_point, critical_points, gradient, gradient_descent

x, y, z, w = sp.symbols("x y z w")


def ac_b2_rule(f, point):
    """The two-variable test of notes 000 §6 / Stewart §14.7, written out independently."""
    at = dict(zip((x, y), point))
    A, B, C = (sp.diff(f, *vs).subs(at) for vs in ((x, x), (x, y), (y, y)))
    D = A * C - B**2
    if D > 0:
        return "minimum" if A > 0 else "maximum"
    return "saddle" if D < 0 else "inconclusive"


@pytest.mark.parametrize("f, expected", [
    # 同济《高等数学》第七版下册 §9-8 例4: f = x³ − y³ + 3x² + 3y² − 9x:
    # minimum f(1, 0) = −5, maximum f(−3, 2) = 31, (1, 2) and (−3, 0) are not extrema
    (x**3 - y**3 + 3 * x**2 + 3 * y**2 - 9 * x,
     {(1, 0): "minimum", (-3, 2): "maximum", (1, 2): "saddle", (-3, 0): "saddle"}),
    # Stewart, Calculus 8e, §14.7 Example 3: x⁴ + y⁴ − 4xy + 1 (y⁹ = y also has complex roots)
    (x**4 + y**4 - 4 * x * y + 1, {(0, 0): "saddle", (1, 1): "minimum", (-1, -1): "minimum"}),
    # Stewart §14.7 Example 1: x² + y² − 2x − 6y + 14 has its minimum at (1, 3)
    (x**2 + y**2 - 2 * x - 6 * y + 14, {(1, 3): "minimum"}),
    # notes 000 §6 style: a monkey saddle has a degenerate critical point
    (x**3 - 3 * x * y**2, {(0, 0): "inconclusive"}),
])
def test_textbook_critical_points_and_their_classification(f, expected):
    cps = critical_points(f, [x, y])
    assert all(isinstance(c, dict) and set(c) == {x, y} for c in cps)
    assert {(c[x], c[y]) for c in cps} == set(expected)
    for c in cps:
        kind = classify_critical_point(f, [x, y], c)        # a dict point is accepted
        assert kind == expected[(c[x], c[y])] == ac_b2_rule(f, (c[x], c[y]))


def test_tongji_values_at_the_extrema():
    f = x**3 - y**3 + 3 * x**2 + 3 * y**2 - 9 * x
    assert f.subs({x: 1, y: 0}) == -5 and f.subs({x: -3, y: 2}) == 31


def test_only_real_solutions_are_returned():
    # x³ + x + y² : 3x² + 1 = 0 has only complex roots
    assert critical_points(x**3 + x + y**2, [x, y]) == []
    # x⁵ − 5x: x⁴ = 1 has two real and two imaginary roots
    cps = critical_points(x**5 - 5 * x + y**2, [x, y])
    assert [(c[x], c[y]) for c in cps] == [(-1, 0), (1, 0)]
    # irrational critical points stay exact, and each really is critical
    f = sp.exp(-x**2 - y**2) * (x**2 + 2 * y**2)
    for c in critical_points(f, [x, y]):
        assert all(v.is_real for v in c.values())
        assert all(sp.simplify(g.subs(c)) == 0 for g in gradient(f, [x, y]))
    cps = critical_points(x**3 - 2 * x + y**2, [x, y])
    assert [c[x] for c in cps] == [-sp.sqrt(6) / 3, sp.sqrt(6) / 3]


def test_a_curve_of_critical_points_is_expressed_by_solve():
    assert critical_points((x - y) ** 2, [x, y]) == [{x: y}]


def test_no_closed_form_is_a_clear_error():
    # x sin x: ∇f = 0 needs tan x = −x, which sympy.solve cannot do
    with pytest.raises(ValueError, match="cannot solve ∇f = 0 in closed form.*numerically"):
        critical_points(x * sp.sin(x) + y**2, [x, y])


def test_constant_function_raises():
    with pytest.raises(ValueError, match="constant"):
        critical_points(sp.Integer(3) + 0 * x, [x, y])


@pytest.mark.parametrize("f, kind", [
    (x**2 + y**2 + z**2 - x * y - y * z, "minimum"),
    (-(x**2) - 2 * y**2 - 3 * z**2 - w**2 + x * w, "maximum"),
    (x**2 + y**2 - z**2, "saddle"),
    (x**2 - y**2 + 0 * z, "saddle"),              # indefinite with a zero eigenvalue: a saddle
    (x**4 + y**4, "inconclusive"),                # minimum, H = 0
    (x**4 - y**4, "inconclusive"),                # no extremum, H = 0
    (x**2 + y**4, "inconclusive"),                # positive semidefinite Hessian
    (-(x**2) - y**4 - z**2, "inconclusive"),      # negative semidefinite Hessian
    (x**3, "inconclusive"),
    (sp.cos(x), "maximum"),
])
def test_classify_any_number_of_variables(f, kind):
    vars_ = sorted(f.free_symbols | {x}, key=str)
    assert classify_critical_point(f, vars_, [0] * len(vars_)) == kind


def test_non_critical_point_raises_with_the_gradient():
    with pytest.raises(ValueError, match=r"\(1, 2\) is not a critical point: the gradient there is \[2, 4\]"):
        classify_critical_point(x**2 + y**2, [x, y], (1, 2))
    with pytest.raises(ValueError, match="not a critical point"):
        classify_critical_point(x**2 + y**2, [x, y], (1e-6, 0.0))     # float, but clearly off


def test_float_point_from_gradient_descent_is_accepted():
    # gradient descent stops within rounding of the minimiser (4/7, −1/7): that is critical
    f = x**2 + x * y + 2 * y**2 - x
    grad = sp.lambdify([x, y], list(gradient(f, [x, y])))
    end = gradient_descent(lambda v: np.array(grad(*v)), [1.0, 1.0], lr=0.1, steps=400)[-1]
    assert np.allclose(end, [4 / 7, -1 / 7])
    assert classify_critical_point(f, [x, y], end) == "minimum"


def test_classify_where_f_is_not_differentiable():
    # the cone has a minimum at 0 but no gradient there; x^(4/3) has ∇f = 0 but no Hessian
    with pytest.raises(ValueError, match="undefined at .* not differentiable"):
        classify_critical_point(sp.sqrt(x**2 + y**2), [x, y], (0, 0))
    with pytest.raises(ValueError, match=r"the Hessian is undefined at \(0, 0\)"):
        classify_critical_point(x ** sp.Rational(4, 3) + y**2, [x, y], (0, 0))


def test_classify_bad_input():
    with pytest.raises(ValueError, match="point has 3 coordinates"):
        classify_critical_point(x * y, [x, y], (0, 0, 0))
    with pytest.raises(ValueError, match="not finite"):
        classify_critical_point(x * y, [x, y], (0, float("nan")))
    with pytest.raises(ValueError, match="gives no value"):
        classify_critical_point(x * y, [x, y], {x: 0})
    with pytest.raises(TypeError):
        classify_critical_point(lambda v: v, [x, y], (0, 0))


@SYMBOLIC
@given(int_matrices(rows=(1, 3), cols=(3, 3)), int_matrices(rows=(3, 3), cols=(1, 1)))
@example(np.array([[1, 0, 0], [0, -1, 0], [0, 0, 1]]), np.array([[1], [2], [3]]))
def test_random_quadratics(M, b):
    # f = ½ xᵀAx + bᵀx with A = M + Mᵀ (symmetric, integer) of size n:
    # unique critical point −A⁻¹b when A is invertible; its type is read from eig(A)
    n = M.shape[0]
    A = M[:, :n] + M[:, :n].T
    lam = np.linalg.eigvalsh(A)
    assume(np.all(np.abs(lam) > 1e-9))
    vars_ = [x, y, z][:n]
    v = sp.Matrix(vars_)
    f = (v.T * sp.Matrix(A) * v)[0] / 2 + (sp.Matrix(b[:n]).T * v)[0]
    cps = critical_points(f, vars_)
    assert len(cps) == 1
    expected_point = -np.linalg.solve(A, b[:n].ravel().astype(float))
    assert np.allclose([float(cps[0][s]) for s in vars_], expected_point)
    kind = "minimum" if lam.min() > 0 else "maximum" if lam.max() < 0 else "saddle"
    assert classify_critical_point(f, vars_, cps[0]) == kind
