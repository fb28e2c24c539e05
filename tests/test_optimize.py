"""mvcalc_helpers.optimize: gradient descent and Newton's method return the trajectory
(steps+1, n) starting at x0 — checked against closed-form iterates on quadratics, the
2/λ_max stability limit, Newton's one-step and quadratic convergence, and bad input."""
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core_cases import FAST, rosenbrock_grad, rosenbrock_hess, square_matrices
from mvcalc_helpers import gradient_descent, newton_method


# --- gradient descent ---------------------------------------------------------------------

def test_trajectory_shape_start_and_closed_form():
    # f = ½(x² + γy²), the quadratic of Boyd & Vandenberghe, Convex Optimization §9.3.2 (here
    # with a fixed step): the iterates are ((1 − η)ᵏ x₀, (1 − ηγ)ᵏ y₀)
    gamma, lr, x0 = 10.0, 0.05, np.array([3.0, -1.0])
    path = gradient_descent(lambda v: np.array([v[0], gamma * v[1]]), x0, lr=lr, steps=30)
    assert path.shape == (31, 2)
    assert np.array_equal(path[0], x0) and np.array_equal(x0, [3.0, -1.0])   # x0 untouched
    k = np.arange(31)
    expected = np.stack([(1 - lr) ** k * 3.0, (1 - lr * gamma) ** k * -1.0], axis=1)
    assert np.allclose(path, expected, rtol=1e-12, atol=1e-15)


def test_zero_steps_and_one_variable():
    assert np.array_equal(gradient_descent(lambda v: v, [2.0, 1.0], lr=0.1, steps=0), [[2.0, 1.0]])
    # f = (x − 3)², scalar x0 and a scalar gradient are accepted for n = 1
    path = gradient_descent(lambda v: 2 * (v[0] - 3), 0.0, lr=0.25, steps=2)
    assert path.shape == (3, 1) and np.allclose(path.ravel(), [0.0, 1.5, 2.25])


@FAST
@given(square_matrices(max_n=4, elements=st.floats(-2, 2)))
def test_step_size_below_two_over_lambda_max_converges_above_diverges(M):
    # on f = ½xᵀAx (A ≻ 0) gradient descent converges iff λ < 2/λ_max(A)
    A = M.T @ M + np.eye(M.shape[0])
    lam = np.linalg.eigvalsh(A)
    x0 = np.ones(M.shape[0])
    good = gradient_descent(lambda v: A @ v, x0, lr=1.0 / lam.max(), steps=400)
    assert np.linalg.norm(good[-1]) <= np.linalg.norm(x0) * (1 - lam.min() / lam.max()) ** 400 + 1e-12
    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # divergence is no error and no warning
        bad = gradient_descent(lambda v: A @ v, x0, lr=2.5 / lam.max(), steps=600)
    assert not np.all(np.isfinite(bad[-1])) or np.linalg.norm(bad[-1]) > 1e6 * np.linalg.norm(x0)


def test_divergence_fills_the_rest_with_nan():
    path = gradient_descent(lambda v: 10.0 * v**3, [10.0], lr=1.0, steps=10)
    assert path.shape == (11, 1)
    first_bad = np.argmax(~np.isfinite(path[:, 0]))
    assert first_bad > 0 and np.all(~np.isfinite(path[first_bad:]))


# --- Newton's method ----------------------------------------------------------------------

def test_newton_one_step_on_a_positive_definite_quadratic():
    rng = np.random.default_rng(1)
    M = rng.normal(size=(5, 5))
    A, b = M @ M.T + np.eye(5), rng.normal(size=5)
    path = newton_method(lambda v: A @ v - b, lambda v: A, np.zeros(5), steps=3)
    assert path.shape == (4, 5) and np.array_equal(path[0], np.zeros(5))
    assert np.allclose(path[1:], np.linalg.solve(A, b), rtol=1e-12, atol=1e-12)


def test_newton_converges_quadratically():
    # f = x⁴/4 − x: f' = x³ − 1, f'' = 3x², minimum at 1; e_{k+1}/e_k² → f'''/(2f'') = 1 at 1
    path = newton_method(lambda v: v**3 - 1, lambda v: 3 * v**2, [2.0], steps=6)[:, 0]
    e = np.abs(path - 1.0)
    assert e[-1] < 1e-15
    ratios = e[2:5] / e[1:4] ** 2
    assert np.all((ratios > 0.5) & (ratios < 1.5))


def test_newton_on_rosenbrock_reaches_the_minimiser():
    # Nocedal & Wright, Numerical Optimization 2e, §2.2: Rosenbrock's minimiser is (1, 1);
    # the classic start (−1.2, 1)
    path = newton_method(rosenbrock_grad, rosenbrock_hess, [-1.2, 1.0], steps=10)
    assert np.allclose(path[-1], [1.0, 1.0], atol=1e-12)


# --- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize("lr", [0, -0.1, np.nan, np.inf, "0.1", None, 1j])
def test_bad_learning_rate(lr):
    with pytest.raises(ValueError, match="lr must be a positive number"):
        gradient_descent(lambda v: v, [1.0], lr=lr, steps=3)


@pytest.mark.parametrize("steps", [-1, 2.5, True, "3", None])
def test_bad_steps(steps):
    with pytest.raises(ValueError, match="steps must be a non-negative integer"):
        gradient_descent(lambda v: v, [1.0], lr=0.1, steps=steps)
    with pytest.raises(ValueError, match="steps must be a non-negative integer"):
        newton_method(lambda v: v, lambda v: np.eye(1), [1.0], steps=steps)


def test_numpy_integer_steps_are_accepted():
    assert gradient_descent(lambda v: v, [1.0], lr=0.1, steps=np.int64(2)).shape == (3, 1)


@pytest.mark.parametrize("call, error, message", [
    (lambda: gradient_descent("v", [1.0], lr=0.1, steps=1), TypeError, "grad_f must be callable"),
    (lambda: gradient_descent(lambda v: np.ones(3), [1.0, 2.0], lr=0.1, steps=1), ValueError,
     r"grad_f\(x\) must return shape \(2,\) like x; got \(3,\)"),
    (lambda: gradient_descent(lambda v: v, [[1.0, 2.0]], lr=0.1, steps=1), ValueError, "x0 must be a 1-D vector"),
    (lambda: gradient_descent(lambda v: v, [1.0, np.nan], lr=0.1, steps=1), ValueError, "x0 contains non-finite"),
    (lambda: newton_method(lambda v: v, None, [1.0], steps=1), TypeError, "callables"),
    (lambda: gradient_descent(lambda v: None, [1.0], lr=0.1, steps=2), TypeError,   # was a silent nan path
     r"grad_f\(x\) returned None: does the function end with a `return`"),
    (lambda: newton_method(lambda v: v, lambda v: None, [1.0, 2.0], steps=1), TypeError,
     r"hess_f\(x\) returned None"),
    (lambda: newton_method(lambda v: v, lambda v: np.eye(3), [1.0, 2.0], steps=1), ValueError,
     r"hess_f\(x\) must return shape \(2, 2\); got \(3, 3\)"),
    (lambda: newton_method(lambda v: 3 * v**2, lambda v: 6 * v, [0.0], steps=2), ValueError,
     "Hessian is singular at step 1"),
    (lambda: newton_method(lambda v: v, lambda v: np.full((1, 1), np.nan), [1.0], steps=1), ValueError,
     "non-finite gradient or Hessian at step 1"),
])
def test_bad_callables_and_points(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- descent_regime: names checked on runs whose behaviour is known in closed form -----------

from mvcalc_helpers import descent_regime  # noqa: E402


@pytest.mark.parametrize("eta, expected", [
    (0.02, "slow"),          # x_n = 0.98ⁿ: 40 steps leave 45 % of the distance
    (0.5, "good"),           # 0.5ⁿ, monotone
    (1.0, "good"),           # one step lands on the minimum
    (1.8, "oscillating"),    # (−0.8)ⁿ: the sign flips every step, |x| shrinks
    (2.0, "diverging"),      # (−1)ⁿ: bounces for ever
    (2.3, "diverging"),      # (−1.3)ⁿ: grows
])
def test_descent_regime_on_a_parabola(eta, expected):
    n = np.arange(41)
    path = ((1 - eta) ** n * 1.5)[:, None]          # closed form of descent on f = ½x² from 1.5
    assert descent_regime(0.5 * path[:, 0] ** 2, path, 0.0) == expected


def test_descent_regime_thrown_off_after_getting_close_is_diverging():
    xs = np.concatenate([0.5 ** np.arange(20), 1e-6 * 3.0 ** np.arange(1, 11)])   # in, then out again
    path = xs[:, None]
    assert descent_regime(xs**2, path, 0.0) == "diverging"
    assert descent_regime(np.r_[1.0, np.inf, np.nan], np.array([[1.0], [np.inf], [np.nan]]), 0.0) == "diverging"


def test_descent_regime_rejects_mismatched_runs():
    with pytest.raises(ValueError, match="same run"):
        descent_regime(np.ones(5), np.ones((4, 2)), 0.0)
    with pytest.raises(ValueError, match="same run"):
        descent_regime(np.ones(2), np.ones((2, 1)), 0.0)
