"""mvcalc_helpers.extrema: critical points (real ones only) and the second-derivative test in
any number of variables — against textbook problems, the AC − B² rule and, for random
quadratics, the eigenvalues numpy computes."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, example, given

from core_cases import SYMBOLIC, int_matrices
from mvcalc_helpers import classify_critical_point, critical_points, gradient, gradient_descent
from mvcalc_helpers.extrema import IncompleteCriticalPointsWarning

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


# --- completeness (issue 14 part 3) ---------------------------------------------------------

def test_stewart_example_4_has_five_critical_points():
    # Stewart, Calculus 8e, §14.7 Example 4: f = 10x²y − 5x² − 4y² − x⁴ − 2y⁴ has (0, 0),
    # (±2.64, 1.90) and (±0.86, 0.65); sympy.solve alone returns only (0, 0).
    # Independent reference by hand: f_x = 2x(10y − 5 − 2x²) = 0 and f_y = 10x² − 8y − 8y³ = 0;
    # x ≠ 0 gives x² = 5y − 5/2 and then 8y³ − 42y + 25 = 0, whose roots with 5y > 5/2 count.
    f = 10 * x**2 * y - 5 * x**2 - 4 * y**2 - x**4 - 2 * y**4
    ys = [r for r in np.roots([8, 0, -42, 25]).real if 5 * r - 2.5 > 0]
    expected = sorted([(0.0, 0.0)] + [(s * np.sqrt(5 * r - 2.5), r) for r in ys for s in (-1, 1)])
    cps = critical_points(f, [x, y])
    got = sorted((float(c[x]), float(c[y])) for c in cps)
    assert len(got) == 5 and np.allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert np.allclose([p for p in got if p[0] > 1], [(2.64, 1.90)], atol=0.005)
    assert np.allclose([p for p in got if 0 < p[0] < 1], [(0.86, 0.65)], atol=0.005)
    # Stewart: local maxima at (0, 0) and (±2.64, 1.90), saddles at (±0.86, 0.65)
    kinds = {(round(float(c[x]), 2), round(float(c[y]), 2)): classify_critical_point(f, [x, y], c)
             for c in cps}
    assert kinds == {(0.0, 0.0): "maximum", (2.64, 1.9): "maximum", (-2.64, 1.9): "maximum",
                     (0.86, 0.65): "saddle", (-0.86, 0.65): "saddle"}
    for c in cps:                                     # each value is exact: ∇f vanishes to 50 digits
        assert all(abs(sp.N(e.subs(c), 50)) < 1e-40 for e in gradient(f, [x, y]))


def _scipy_reference(eqs, vars, box=(-4, 4), per_axis=9):
    """All roots of ∇f = 0 that scipy's fsolve finds from a grid of starts (reference)."""
    from scipy.optimize import fsolve
    g = sp.lambdify([vars], eqs)
    J = sp.lambdify([vars], sp.Matrix(eqs).jacobian(vars).tolist())
    found = []
    axes = [np.linspace(*box, per_axis)] * len(vars)
    for p0 in np.array(np.meshgrid(*axes)).reshape(len(vars), -1).T:
        p, info, ier, _ = fsolve(lambda p: np.asarray(g(p), float), p0, full_output=True,
                                 fprime=lambda p: np.asarray(J(p), float), xtol=1e-13)
        if ier == 1 and np.max(np.abs(g(p))) < 1e-9 and np.all(np.abs(p) < 3):
            if not any(np.allclose(p, q, atol=1e-6) for q in found):
                found.append(p)
    return found


@pytest.mark.parametrize("f", [
    10 * x**2 * y - 5 * x**2 - 4 * y**2 - x**4 - 2 * y**4,      # Stewart §14.7 Ex. 4
    x**4 + y**4 - 4 * x * y + 1,                                # Stewart §14.7 Ex. 3
    x**3 - y**3 + 3 * x**2 + 3 * y**2 - 9 * x,                  # 同济 §9-8 例4
    6 * x**2 * y**3 - x**2 * y**2 + 4 * x * y**2 + 5 * x,       # radicals with I from sympy.solve
    x**3 - 3 * x * y**2 + y**4 / 4 - x,                         # found by a random search
    (x**2 + y**2 - 1) ** 2 + x * y / 3,
], ids=["stewart-4", "stewart-3", "tongji", "casus-irreducibilis", "random", "ring"])
def test_every_critical_point_a_root_search_finds_is_listed(f):
    vars = [x, y]
    eqs = [e for e in gradient(f, vars) if e != 0]
    assert eqs
    G = sp.groebner(eqs, *vars, order="lex")
    assert G.is_zero_dimensional                      # finitely many critical points
    cps = critical_points(f, vars)
    listed = [np.array([float(c[v]) for v in vars]) for c in cps]
    for c in cps:
        assert all(abs(sp.N(e.subs(c), 40)) < 1e-25 for e in eqs)
    for p in _scipy_reference(eqs, vars):
        assert any(np.allclose(p, q, atol=1e-6) for q in listed), (f, p, listed)


def test_a_list_that_may_be_incomplete_comes_with_a_warning():
    # sin x + y²: sympy.solve reports x = π/2 and 3π/2 only; the numerical search finds more
    with pytest.warns(IncompleteCriticalPointsWarning, match=r"\(-1\.571, 0\)"):
        cps = critical_points(sp.sin(x) + y**2, [x, y])
    assert [(c[x], c[y]) for c in cps] == [(sp.pi / 2, 0), (3 * sp.pi / 2, 0)]
    # a narrower box holds nothing more: no warning
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        critical_points(sp.sin(x) + y**2, [x, y], box=(0.5, 5.0))
        # the flat tails of a Gaussian are not critical points
        cps = critical_points(sp.exp(-x**2 - y**2) * (x**2 + 2 * y**2), [x, y])
    assert len(cps) == 5
    with pytest.raises(ValueError, match="box"):
        critical_points(x**2 + y**2, [x, y], box=(1, -1))
