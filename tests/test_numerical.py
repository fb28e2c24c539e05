"""mvcalc_helpers.numerical: finite-difference and complex-step derivatives, gradient checks —
against analytic derivatives (hand-written or sympy's), the accuracy goals the benchmarks
measure, the error orders of the formulas, auto-vectorisation vs the plain loop, bad input."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from benchmarks.suite import smooth_test_function
from core_cases import (FAST, finite, matrix_and_point, rosenbrock, rosenbrock_grad,
                        rosenbrock_hess)
from mvcalc_helpers import (gradient_check, numerical_gradient, numerical_hessian,
                            numerical_jacobian, relative_error)

METHODS = ["central", "forward", "backward", "complex"]
# attainable relative accuracy of each method with its automatic step (smooth f, |x| ~ 1)
TOL = {"central": 1e-10, "forward": 1e-6, "backward": 1e-6, "complex": 1e-15}


def rel(a, b) -> float:
    """Norm-wise relative error, the measure the benchmarks report."""
    return float(np.linalg.norm(np.asarray(a) - b) / np.linalg.norm(b))


# --- accuracy against analytic derivatives ------------------------------------------------

@pytest.mark.parametrize("method", ["central", "complex"])
def test_benchmark_accuracy_goals_on_a_smooth_100d_function(method):
    f, grad, x = smooth_test_function(100)        # the function `make bench` measures
    goal = {"central": 1e-10, "complex": 1e-15}[method]
    assert rel(numerical_gradient(f, x, method=method), grad(x)) <= goal
    assert rel(numerical_gradient(f, x, method=method, vectorized=False), grad(x)) <= goal


@pytest.mark.parametrize("method", METHODS)
def test_rosenbrock_gradient_every_method(method):
    for p in ([-1.2, 1.0], [1.0, 1.0], [0.3, -2.5]):
        g = numerical_gradient(rosenbrock, p, method=method)
        assert g.shape == (2,) and g.dtype == float
        exact = rosenbrock_grad(np.array(p))
        assert np.allclose(g, exact, rtol=TOL[method] * 100, atol=TOL[method] * 1e3)


def test_complex_step_on_the_squire_trapp_function():
    # Squire & Trapp, "Using complex variables to estimate derivatives of real functions",
    # SIAM Review 40 (1998): f(x) = eˣ / √(sin³x + cos³x) at x = 1.5; reference from sympy
    s = sp.Symbol("s")
    F = sp.exp(s) / sp.sqrt(sp.sin(s) ** 3 + sp.cos(s) ** 3)
    exact = float(sp.diff(F, s).subs(s, sp.Rational(3, 2)).evalf(30))

    def f(v):
        return np.exp(v[0]) / np.sqrt(np.sin(v[0]) ** 3 + np.cos(v[0]) ** 3)

    assert abs(numerical_gradient(f, [1.5], method="complex")[0] - exact) <= 1e-15 * abs(exact)
    assert abs(numerical_gradient(f, [1.5])[0] - exact) <= 1e-10 * abs(exact)
    # the complex step has no subtractive cancellation: h = 1e-100 works as well
    assert abs(numerical_gradient(f, [1.5], method="complex", h=1e-100)[0] - exact) <= 1e-15 * abs(exact)


@pytest.mark.parametrize("method, order", [("forward", 1), ("backward", 1), ("central", 2)])
def test_truncation_error_order_with_an_explicit_step(method, order):
    # Nocedal & Wright §8.1: forward/backward differences are O(h), central O(h²); halving h
    # divides the error by 2^order while truncation dominates round-off (h ≥ 1e-3 here)
    f = lambda v: np.exp(v[0]) * np.sin(v[1])         # noqa: E731
    p = np.array([0.4, 1.1])
    exact = np.array([np.exp(0.4) * np.sin(1.1), np.exp(0.4) * np.cos(1.1)])
    e1 = np.abs(numerical_gradient(f, p, method=method, h=2e-2) - exact)
    e2 = np.abs(numerical_gradient(f, p, method=method, h=1e-2) - exact)
    assert np.allclose(e1 / e2, 2**order, rtol=0.1)


def test_richardson_extrapolation_is_on_by_default_and_improves_central():
    f, grad, x = smooth_test_function(10, seed=3)
    plain = rel(numerical_gradient(f, x, richardson=False), grad(x))
    extrapolated = rel(numerical_gradient(f, x), grad(x))
    assert extrapolated < plain / 10
    with pytest.raises(ValueError, match="Richardson"):
        numerical_gradient(f, x, method="complex", richardson=True)


def test_per_coordinate_steps_scale_with_x():
    # a coordinate of size 1e6 needs a larger absolute step than one of size 1
    f = lambda v: np.log(v[0]) + v[1] ** 3                # noqa: E731
    p = np.array([1e6, 0.5])
    assert rel(numerical_gradient(f, p), np.array([1e-6, 0.75])) < 1e-9
    h = np.array([1.0, 1e-4])                            # an array of steps, one per coordinate
    assert rel(numerical_gradient(f, p, h=h), np.array([1e-6, 0.75])) < 1e-7


# --- Jacobian and Hessian -----------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_jacobian_polar_coordinates(method):
    F = lambda v: np.array([v[0] * np.cos(v[1]), v[0] * np.sin(v[1]), v[0] ** 2])  # noqa: E731
    r, t = 2.0, 0.7
    exact = np.array([[np.cos(t), -r * np.sin(t)], [np.sin(t), r * np.cos(t)], [2 * r, 0.0]])
    J = numerical_jacobian(F, [r, t], method=method)
    assert J.shape == (3, 2)
    assert np.allclose(J, exact, rtol=TOL[method] * 100, atol=TOL[method] * 1e3)


@pytest.mark.parametrize("method", ["central", "complex"])
def test_hessian_of_rosenbrock(method):
    for p in ([1.0, 1.0], [-1.2, 1.0]):
        H = numerical_hessian(rosenbrock, p, method=method)
        assert H.shape == (2, 2) and np.array_equal(H, H.T)
        assert np.allclose(H, rosenbrock_hess(np.array(p)), rtol=1e-9, atol=1e-7)


@FAST
@given(matrix_and_point())
@example((np.array([[1.0, 2.0], [0.0, 3.0]]), np.array([1.0, -1.0])))
def test_gradient_of_random_quadratic_form_is_A_plus_At_x(case):
    A, x = case
    exact = (A + A.T) @ x
    scale = 1 + np.abs(A).sum() * (1 + np.abs(x).max())
    for method in ("central", "complex"):
        g = numerical_gradient(lambda v: v @ A @ v, x, method=method)
        assert np.allclose(g, exact, rtol=0, atol=1e-12 * scale)
    # the Jacobian of x ↦ Ax is A, the Hessian of xᵀAx is A + Aᵀ
    assert np.allclose(numerical_jacobian(lambda v: A @ v, x), A, rtol=0, atol=1e-12 * scale)
    assert np.allclose(numerical_hessian(lambda v: v @ A @ v, x), A + A.T, rtol=0, atol=1e-7 * scale)


@FAST
@given(arrays(np.float64, st.integers(1, 6), elements=st.floats(-2, 2)))
@example(np.array([0.5, 0.5, 0.5]))
def test_complex_step_is_exact_to_rounding_on_analytic_functions(x):
    # f = Σ exp(sin xᵢ)·cos(xᵢ/2) + (Σ xᵢ)³, analytic derivative written out by hand
    def f(v):
        return np.sum(np.exp(np.sin(v)) * np.cos(v / 2), axis=0) + np.sum(v, axis=0) ** 3

    exact = (np.exp(np.sin(x)) * (np.cos(x) * np.cos(x / 2) - 0.5 * np.sin(x / 2))
             + 3 * np.sum(x) ** 2)
    g = numerical_gradient(f, x, method="complex")
    assert np.all(np.abs(g - exact) <= 4e-15 * (np.abs(np.exp(np.sin(x))) + 3 * np.sum(x) ** 2 + 1))


# --- auto-vectorisation -------------------------------------------------------------------

def column_wise(v):
    """Accepts one point (n,) or a batch (n, m) of points in columns."""
    return np.sin(v[0]) * v[-1] + np.sum(v**2, axis=0)


def wrong_axis_sum(v):
    """Written for one point; on a batch it reduces the wrong axis (returns n values)."""
    return np.prod(np.cos(v) + 2, axis=-1) + v[0]


def sums_everything(v):
    """np.sum over the whole batch: right shape (m,), wrong values."""
    return np.sum(np.tanh(v)) + v[0] * v[-1]


def vector_column_wise(v):
    return np.array([v[0] * v[-1], np.sum(np.cos(v), axis=0)])


def vector_wrong_axis(v):
    """Stacks along the last axis: on a batch it returns (m, 2), the transpose of (2, m)."""
    return np.stack([v[0] * v[-1], np.sin(v[0])], axis=-1)


@FAST
@given(arrays(np.float64, st.integers(1, 5), elements=finite), st.sampled_from(METHODS))
@example(np.array([1.0, -1.0]), "complex")          # points matrix symmetric: both axes agree
@example(np.array([0.3, 0.3, 0.3]), "complex")
def test_auto_vectorisation_gives_the_loop_answers_and_falls_back(x, method):
    for f in (column_wise, wrong_axis_sum, sums_everything):
        auto = numerical_gradient(f, x, method=method)
        loop = numerical_gradient(f, x, method=method, vectorized=False)
        np.testing.assert_allclose(auto, loop, rtol=1e-12, atol=1e-12)
    for F in (vector_column_wise, vector_wrong_axis):
        J_auto = numerical_jacobian(F, x, method=method)
        J_loop = numerical_jacobian(F, x, method=method, vectorized=False)
        np.testing.assert_allclose(J_auto, J_loop, rtol=1e-12, atol=1e-12)


def test_auto_vectorisation_really_batches():
    calls = []

    def f(v):
        calls.append(np.shape(v))
        return column_wise(v)

    numerical_gradient(f, np.ones(4), vectorized=True)
    # f(x), then one batch: 3 steps × 2 sides × n coordinates, + 2 single-point checks
    assert calls.count((4, 24)) == 1 and len(calls) == 4
    calls.clear()
    numerical_gradient(f, np.ones(4), vectorized=False, richardson=False)
    assert calls == [(4,)] * 9                           # f(x) and 2n points one by one


def test_vectorized_true_refuses_a_function_that_cannot_batch():
    with pytest.raises(ValueError, match="vectorized=True but the function does not map"):
        numerical_gradient(sums_everything, [1.0, 2.0], vectorized=True)
    with pytest.raises(ValueError, match="vectorized must be"):
        numerical_gradient(sums_everything, [1.0, 2.0], vectorized="yes")


# --- gradient_check and relative_error ----------------------------------------------------

def test_relative_error_is_the_cs231n_definition():
    # cs231n assignment 1: max |a − b| / max(1e-8, |a| + |b|)
    a, b = np.array([1.0, -2.0, 0.0]), np.array([1.1, -2.0, 1e-12])
    expected = max(0.1 / 2.1, 0.0, 1e-12 / 1e-8)
    assert relative_error(a, b) == pytest.approx(expected, rel=1e-12)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([], []) == 0.0
    assert isinstance(relative_error([1.0], [2.0]), float)


def test_gradient_check_flags_a_wrong_gradient():
    x = np.array([-1.2, 1.0])
    assert gradient_check(rosenbrock, rosenbrock_grad, x) < 1e-9
    assert gradient_check(rosenbrock, rosenbrock_grad, x, method="complex") < 1e-14
    assert gradient_check(rosenbrock, rosenbrock_grad, x, method="forward") < 1e-5
    wrong = lambda v: rosenbrock_grad(v) * np.array([1.0, 1.05])   # noqa: E731  (5 % off)
    assert gradient_check(rosenbrock, wrong, x) > 1e-2


def test_gradient_check_does_not_let_grad_f_change_x():
    def grad(v):
        out = rosenbrock_grad(v)
        v[:] = 99.0                                     # a careless in-place update
        return out
    x = np.array([0.5, 0.5])
    assert gradient_check(rosenbrock, grad, x) < 1e-9
    assert np.array_equal(x, [0.5, 0.5])


# --- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: numerical_gradient(rosenbrock, [[1.0, 2.0]]), ValueError, r"1-D vector .*got shape \(1, 2\)"),
    (lambda: numerical_gradient(rosenbrock, []), ValueError, "empty"),
    (lambda: numerical_gradient(rosenbrock, [1.0, np.nan]), ValueError, "non-finite"),
    (lambda: numerical_gradient(rosenbrock, [1.0, np.inf]), ValueError, "non-finite"),
    (lambda: numerical_gradient(rosenbrock, ["a", "b"]), TypeError, "numbers"),
    (lambda: numerical_gradient(rosenbrock, [1j, 0]), TypeError, "real"),
    (lambda: numerical_gradient(rosenbrock, [1.0, 2.0], method="centered"), ValueError, "method must be one of"),
    (lambda: numerical_gradient(rosenbrock, [1.0, 2.0], h=0.0), ValueError, "h must be positive"),
    (lambda: numerical_gradient(rosenbrock, [1.0, 2.0], h=-1e-3), ValueError, "h must be positive"),
    (lambda: numerical_gradient(rosenbrock, [1.0, 2.0], h=[1e-3, 1e-3, 1e-3]), ValueError, "shape of x"),
    (lambda: numerical_gradient("x**2", [1.0]), TypeError, "callable"),
    (lambda: numerical_gradient(lambda v: v**2, [1.0, 2.0]), ValueError,
     r"must return a scalar for one point of shape \(2,\); it returned shape \(2,\)"),
    (lambda: numerical_jacobian(lambda v: v[0] * v[1], [1.0, 2.0]), ValueError, "must return a 1-D array"),
    (lambda: numerical_gradient(lambda v: np.log(v[0]), [-1.0]), ValueError, "inside its domain"),
    (lambda: numerical_gradient(lambda v: np.sqrt(v[0]), [0.0]), ValueError, "non-finite values near x"),
    (lambda: numerical_gradient(lambda v: "abc", [1.0]), TypeError, "must return numbers"),
    (lambda: numerical_gradient(lambda v: str(v[0]), [1.0, 2.0]), TypeError, "must return numbers"),
    (lambda: numerical_gradient(lambda v: np.abs(v[0]) + v[1], [1.0, 2.0], method="complex"),
     ValueError, "keeps complex numbers"),
    (lambda: numerical_hessian(rosenbrock, [1.0, 2.0], method="spline"), ValueError, "method must be one of"),
    (lambda: numerical_hessian(rosenbrock, np.ones((2, 2))), ValueError, "1-D vector"),
    (lambda: gradient_check(rosenbrock, rosenbrock_grad(np.ones(2)), np.ones(2)), TypeError, "grad_f must be callable"),
    (lambda: gradient_check(rosenbrock, lambda v: np.ones(3), np.ones(2)), ValueError,
     r"grad_f\(x\) has shape \(3,\) but x has shape \(2,\)"),
    (lambda: numerical_gradient(lambda v: None, [1.0, 2.0]), TypeError, "the function returned None"),
    (lambda: gradient_check(rosenbrock, lambda v: None, np.ones(2)), TypeError, r"grad_f\(x\) returned None"),
    (lambda: relative_error([1.0, 2.0], [1.0]), ValueError, "shapes differ"),
    (lambda: relative_error([1.0, np.nan], [1.0, 2.0]), ValueError, "non-finite"),
])
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_constant_function_has_zero_gradient_for_every_method():
    for method in METHODS:
        assert np.array_equal(numerical_gradient(lambda v: 3.0, [1.0, 2.0], method=method), [0, 0])
