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
from mvcalc_helpers.numerical import DerivativeResult, NumericalDerivativeWarning

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
@example((np.array([[2.0, 0.0625], [0.0625, 0.0625]]), np.array([2.0, 0.0625])))
@example((np.ones((3, 3)), np.array([2.0 ** -14, 1.0, 1.0])))
@example((np.ones((2, 2)), np.array([2.0 ** -9, 1.0])))
@example((np.array([[1.0, 0, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1]]),
          np.array([0.0, 2.0, 1e-5, -1.0, -1.0])))
@example((2 * np.ones((5, 5)), np.array([0.0, 2.0, -1.0, 1e-5, -1.0])))
def test_gradient_of_random_quadratic_form_is_A_plus_At_x(case):
    A, x = case
    exact = (A + A.T) @ x
    scale = 1 + np.abs(A).sum() * (1 + np.abs(x).max())
    # Each result meets the helpers' accuracy target (1e-8 of the derivative's scale), and its
    # error estimate covers the true error up to the round-off of f that the estimate cannot
    # see (module notes): xᵀAx and Ax add terms of size |x|ᵀ|A||x| and |A||x| that may cancel
    # to a far smaller result, so each value of f carries ε·(term size), and a central
    # difference with step h up to 2ε·(term size)/h, more after Richardson. Hypothesis found
    # the examples above: coordinates far smaller than the others (steps relative to |xᵢ|)
    # and sums that cancel, e.g. x = (0, 2, 1e-5, −1, −1): error 7.3e-9, estimate 6.2e-10,
    # term size 8, step 2.5e-8 (the bound below: 5.7e-7).
    terms = np.abs(x) @ np.abs(A) @ np.abs(x)
    for method in ("central", "complex"):
        g, err, h = numerical_gradient(lambda v: v @ A @ v, x, method=method, full_output=True)
        hidden = 0.0 if method == "complex" else 8 * np.finfo(float).eps * terms / h
        assert np.all(np.abs(g - exact) <= np.maximum(err + hidden, 1e-12 * scale))
        assert np.allclose(g, exact, rtol=0, atol=1e-8 * scale)
    # the Jacobian of x ↦ Ax is A, the Hessian of xᵀAx is A + Aᵀ
    J, err, h = numerical_jacobian(lambda v: A @ v, x, full_output=True)
    hidden = 8 * np.finfo(float).eps * (np.abs(A) @ np.abs(x))[:, None] / h
    assert np.all(np.abs(J - A) <= np.maximum(err + hidden, 1e-12 * scale))
    assert np.allclose(J, A, rtol=0, atol=1e-8 * scale)
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


# --- issue 14: badly scaled functions, error estimates, warnings ---------------------------

# (f, x, exact derivative): each was silently wrong with the fixed step rule
SCALED = [
    ("log at 1e-3 (numdifftools' log test)", lambda v: np.log(v[0]), 1e-3, 1e3),
    ("log at 1e-8", lambda v: np.log(v[0]), 1e-8, 1e8),
    ("sin at 1e6", lambda v: np.sin(v[0]), 1e6, np.cos(1e6)),
    ("tanh(1e8 x) at 0", lambda v: np.tanh(1e8 * v[0]), 0.0, 1e8),
    ("tanh(1e8 x) at 1e-9", lambda v: np.tanh(1e8 * v[0]), 1e-9, 1e8 / np.cosh(0.1) ** 2),
    ("exp(1e4 x) at 0", lambda v: np.exp(1e4 * v[0]), 0.0, 1e4),
    ("exp(1e4 x) at 1e-3", lambda v: np.exp(1e4 * v[0]), 1e-3, 1e4 * np.exp(10.0)),
    ("sqrt near its boundary", lambda v: np.sqrt(v[0]), 1e-6, 0.5e3),
    ("math.log (raises outside the domain)", lambda v: __import__("math").log(v[0]), 1e-3, 1e3),
]


@pytest.mark.parametrize("name, f, x0, exact", SCALED, ids=[c[0] for c in SCALED])
@pytest.mark.parametrize("method", ["central", "forward", "backward", "complex"])
def test_badly_scaled_functions_are_right_and_their_error_estimate_holds(name, f, x0, exact, method):
    if method == "complex" and "math.log" in name:
        pytest.skip("math.log does not take complex numbers")
    if method == "backward" and x0 == 0.0 and "tanh" not in name and "exp" not in name:
        pytest.skip("backward steps leave the domain")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # no warning: these are trustworthy
        r = numerical_gradient(f, [x0], method=method, full_output=True)
    tol = {"central": 1e-8, "forward": 1e-6, "backward": 1e-6, "complex": 1e-13}[method]
    assert abs(r.value[0] - exact) <= tol * abs(exact)
    if method != "complex":
        # the error estimate is an honest bound on the true error (and not absurdly loose)
        assert abs(r.value[0] - exact) <= r.error[0] + 1e-15 * abs(exact)
        assert r.error[0] <= 1e-6 * abs(exact)


def test_full_output_is_a_named_result():
    f = lambda v: np.sin(v[0]) * v[1]                   # noqa: E731
    r = numerical_gradient(f, [0.3, 2.0], full_output=True)
    assert isinstance(r, DerivativeResult) and r._fields == ("value", "error", "step")
    value, error, step = r
    assert value.shape == error.shape == step.shape == (2,)
    assert np.all(error >= 0) and np.all(error < 1e-9) and np.all(step > 0)
    exact = np.array([2 * np.cos(0.3), np.sin(0.3)])
    assert np.all(np.abs(value - exact) <= error + 1e-15)
    J = numerical_jacobian(lambda v: np.array([v[0] * v[1], v[1] ** 2]), [1.0, 2.0], full_output=True)
    assert J.value.shape == J.error.shape == (2, 2) and J.step.shape == (2,)
    H = numerical_hessian(f, [0.3, 2.0], full_output=True)
    assert H.value.shape == H.error.shape == (2, 2)
    assert np.allclose(H.value, [[-2 * np.sin(0.3), np.cos(0.3)], [np.cos(0.3), 0]], atol=1e-8)


def test_an_untrustworthy_result_warns():
    # deterministic noise of size 1e-4 (sin of a huge argument): no step size gives 6 correct
    # digits of the slope, the error estimate says so and the warning names the coordinate
    noisy = lambda v: np.sum(v ** 2, axis=0) + 1e-4 * np.sin(1e17 * v[0])   # noqa: E731
    for method in ("central", "forward", "backward"):
        with pytest.warns(NumericalDerivativeWarning, match=r"coordinate\(s\) \[0\] of x"):
            r = numerical_gradient(noisy, [0.7, -1.3], method=method, full_output=True)
        assert abs(r.value[0] - 1.4) <= 3 * r.error[0]      # the estimate is about right
        assert abs(r.value[1] + 2.6) < 1e-9                 # the clean coordinate is fine
    assert issubclass(NumericalDerivativeWarning, UserWarning)


def test_non_analytic_functions_are_refused_by_the_complex_step():
    # the guard does not scale with |f|: a large or a tiny value does not hide the lost part
    for f in (lambda v: np.abs(v[0]) + 1e7, lambda v: 1e-7 * np.abs(v[0])):
        with pytest.raises(ValueError, match="keeps complex numbers"):
            numerical_gradient(f, [1.0], method="complex")
    # an L1 penalty inside a least-squares loss: complex output, but the penalty's
    # imaginary part is lost — compared with a central difference it shows
    rng = np.random.default_rng(1)
    A, b, w0 = rng.normal(size=(20, 5)), rng.normal(size=20), rng.normal(size=5)
    loss = lambda w: np.sum((A @ w - b) ** 2) + 0.1 * np.sum(np.abs(w))   # noqa: E731
    with pytest.raises(ValueError, match="disagrees with a central difference"):
        numerical_gradient(loss, w0, method="complex")
    exact = 2 * A.T @ (A @ w0 - b) + 0.1 * np.sign(w0)
    assert rel(numerical_gradient(loss, w0), exact) < 1e-10       # central is right


def test_hessian_honours_h_inside_and_out():
    calls = []

    def f(v):
        calls.append(np.asarray(v, dtype=float).copy())
        return np.exp(v[0]) * v[1] ** 2

    x = np.array([0.5, 1.5])
    numerical_hessian(f, x, h=1e-3, vectorized=False)
    offsets = {round(float(d), 12) for p in calls for d in np.abs(p - x) if d > 0}
    # plain central inside and out: every point lies 0, h or 2h away in each coordinate
    assert offsets <= {1e-3, 2e-3}
    H = numerical_hessian(f, x, h=1e-3)
    exact = np.array([[np.exp(0.5) * 2.25, np.exp(0.5) * 3], [np.exp(0.5) * 3, 2 * np.exp(0.5)]])
    assert np.allclose(H, exact, rtol=1e-5)


def test_ion_trap_hessian_from_numdifftools():
    # numdifftools' test_run_hamiltonian: two ions in a trap, positions ~3e-6 m, H ~ 5e-12
    from numdifftools.tests.hamiltonian import ClassicalHamiltonian
    from scipy import optimize
    c = ClassicalHamiltonian()
    xopt = optimize.fmin(c.potential, c.initialposition(), xtol=1e-10, disp=False)
    true_h = np.array([[5.23748385e-12, -2.61873829e-12], [-2.61873829e-12, 5.23748385e-12]])
    for method in ("central", "complex"):
        for h in (None, 1e-8):
            H = numerical_hessian(c.potential, xopt, method=method, h=h)
            assert np.all(np.abs((H - true_h) / true_h) < 1e-4), (method, h)


def test_gradient_check_at_a_critical_point_is_tiny():
    # Rosenbrock at its minimum (1, 1): both gradients are ~0; the floor comes from f
    x = np.array([1.0, 1.0])
    assert gradient_check(rosenbrock, rosenbrock_grad, x) < 1e-10
    assert gradient_check(rosenbrock, rosenbrock_grad, x, method="complex") < 1e-10
    assert gradient_check(lambda v: rosenbrock(v) + 5.0, rosenbrock_grad, x) < 1e-10
    # and a wrong gradient there is still caught
    assert gradient_check(rosenbrock, lambda v: rosenbrock_grad(v) + [0.0, 1.0], x) > 1e-2
    # away from critical points it is cs231n's relative error
    y = np.array([-1.2, 1.0])
    wrong = lambda v: rosenbrock_grad(v) * np.array([1.0, 1.1])  # noqa: E731
    a, n = wrong(y), rosenbrock_grad(y)
    assert gradient_check(rosenbrock, wrong, y) == pytest.approx(
        np.max(np.abs(a - n) / np.maximum(np.abs(a), np.abs(n))), rel=1e-6)


@FAST
@given(arrays(np.float64, st.integers(1, 4), elements=st.floats(-3, 3)),
       st.sampled_from([1e-6, 1e-2, 1.0, 1e2, 1e6]))
@example(np.array([0.0, 1e-300]), 1e6)
def test_against_torch_autograd_on_scaled_random_functions(x, scale):
    torch = pytest.importorskip("torch")
    c = np.linspace(0.5, 1.5, x.size)

    def f(v, lib=np, c=c):
        return lib.sum(lib.tanh(scale * c * v) * lib.cos(v)) + lib.exp(-(v ** 2).sum()) * scale

    t = torch.tensor(x, requires_grad=True)
    f(t, torch, torch.tensor(c)).backward()
    exact = t.grad.numpy()
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NumericalDerivativeWarning)
        r = numerical_gradient(f, x, full_output=True)
    size = np.max(np.abs(exact)) + np.abs(exact)
    wrong = np.abs(r.value - exact) > 1e-6 * size + 1e-9
    # never a silently wrong number: an entry is right or the warning said so
    assert not np.any(wrong) or caught
    assert np.all(np.abs(r.value - exact) <= r.error + 1e-12 * size) or caught
