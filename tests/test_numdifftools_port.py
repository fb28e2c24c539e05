"""numdifftools' own test suite, ported to mvcalc_helpers' derivative helpers.

Source: github.com/pbrod/numdifftools, file src/numdifftools/tests/test_numdifftools.py at
commit c48563b9a7f6b3a948896a7affbeb8a47163114f (2026-08-13; identical to the copy shipped
in numdifftools 0.11.2, which the test extra installs), BSD-3-Clause, by Per A. Brodtkorb.
The ion-trap case uses numdifftools.tests.hamiltonian from the same commit.

Ported: every case about first derivatives, gradients, Jacobians (of 1-D outputs) and
Hessians of scalar functions, with numdifftools' expected values and tolerances (or
tighter ones). Our API differs, so the calls are adapted: a derivative of f: R → R is the
1-element gradient; extra arguments (``df(x, a, b=2)``) become closures; ``Hessdiag`` is the
diagonal of ``numerical_hessian``; ``full_output`` gives ``DerivativeResult(value, error,
step)`` instead of ``(estimate, info)``. Not ported (no counterpart here): derivatives of
order n ≥ 2 other than the Hessian, the ``order=`` and ``step=`` generator options, the
multicomplex method, Jacobians of matrix-valued or vectorised-over-points functions
(test_issue_25, the matrix part of test_on_matrix_valued_function), Hessians of vector
functions (ported per component instead). Where the behaviour deliberately differs, the
test says so: a function that is inf everywhere is an error here (numdifftools returns
nan), and a complex-valued f is refused (numdifftools differentiates it by central
differences).
"""
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from mvcalc_helpers import numerical_gradient, numerical_hessian, numerical_jacobian
from mvcalc_helpers.numerical import NumericalDerivativeWarning

METHODS = ["complex", "central", "forward", "backward"]
PORT = settings(max_examples=25, deadline=None)


def rosen(x):
    """numdifftools.testing.rosen (its Rosenbrock variant with 105)."""
    x = np.atleast_1d(x)
    return (1 - x[0]) ** 2 + 105.0 * (x[1] - x[0] ** 2) ** 2


def d1(f, x, **kw):
    """The derivative of f: R → R at x (numdifftools.Derivative)."""
    return numerical_gradient(lambda v: f(v[0]), [x], **kw)


# --- TestDerivative -------------------------------------------------------------------------

def test_directional_diff():
    v = np.array([1.0, -1.0]) / np.sqrt(2)
    assert_allclose(numerical_gradient(rosen, [2.0, 3.0]) @ v, 743.87633380824832)


def test_infinite_functions():
    # numdifftools returns nan for the derivative of f = inf; here a non-finite f(x) is an error
    with pytest.raises(ValueError, match="not finite"):
        d1(lambda x: np.inf * np.ones_like(x), 0.0)


@pytest.mark.parametrize("method", METHODS)
def test_high_order_derivative_cos_first_order(method):
    # test_high_order_derivative_cos, n = 1: d/dx cos at π/2 is −1 (numdifftools: atol 1e-4)
    assert_allclose(d1(np.cos, np.pi / 2, method=method), -1.0, atol=1e-10)


@PORT
@given(st.floats(min_value=0, max_value=10))
@example(7.6564547238847105)
@example(8.9428143931508)
@example(2.2204460492503134e-14)
def test_derivative_of_cos_x(x):
    for method in METHODS:
        r = d1(np.cos, x, method=method, full_output=True)
        aerr = 100 * r.error[0] + 1e-14
        assert_allclose(r.value[0], -np.sin(x), rtol=1e-6, atol=aerr)


@pytest.mark.parametrize("method", METHODS)
def test_fun_with_additional_parameters(method):
    """numdifftools issue #9: f(x, a, b) = b·a·x³ with a = 1, b = 2."""
    def func(x, a, b=1):
        return b * a * x * x * x

    g = lambda v: func(v[0], 1.0, b=2)                   # noqa: E731
    assert_allclose(numerical_gradient(g, [0.0], method=method), 0, atol=1e-13)
    assert_allclose(numerical_gradient(g, [1.0], method=method), 6)
    assert_allclose(numerical_jacobian(lambda v: np.array([g(v)]), [1.0], method=method), [[6]])
    assert_allclose(numerical_hessian(g, [0.0], method=method), 0, atol=1e-8)
    assert_allclose(numerical_hessian(g, [1.0], method=method), [[12]], rtol=1e-7)


def test_derivative_cube():
    """numdifftools issue 7: d/dx x³ elementwise at x = 2 (a (3, 2) array there)."""
    x = np.ones(6) * 2
    assert_allclose(numerical_gradient(lambda v: np.sum(v ** 3, axis=0), x), 3 * x ** 2, rtol=1e-8)


def test_derivative_exp():
    assert_allclose(d1(np.exp, 0.0), np.exp(0), rtol=1e-8)


def test_derivative_sin():
    for x in np.linspace(0, 2.0 * np.pi, 13):
        assert_allclose(d1(np.sin, x), np.cos(x), atol=1e-8)


def test_backward_derivative_on_sinh():
    assert_allclose(d1(np.sinh, 0.0, method="backward"), np.cosh(0.0))


@pytest.mark.parametrize("method", ["central", "forward"])
def test_central_and_forward_derivative_on_log(method):
    # numdifftools needs a hand-made step generator here; the adaptive default suffices
    # (its tolerance is assert_allclose's rtol = 1e-7; the course asks 1e-8)
    x = 0.001
    assert_allclose(d1(np.log, x, method=method), 1.0 / x, rtol=1e-8)


# --- TestJacobian ---------------------------------------------------------------------------

@PORT
@given(st.floats(min_value=-1000, max_value=1000))
def test_scalar_to_vector(val):
    def fun(x):
        return np.array([x[0], x[0] ** 2, x[0] ** 3])

    truth = np.array([[1.0], [2 * val], [3 * val ** 2]])
    for method in METHODS:
        assert_allclose(numerical_jacobian(fun, [val], method=method), truth, rtol=1e-3, atol=1e-6)


@pytest.mark.parametrize("method", METHODS)
def test_jacobian_on_scalar_function(method):
    def fun(x):
        return np.array([x[0] * x[1] * x[2] + np.exp(x[0]) * x[1]])

    assert_allclose(numerical_jacobian(fun, [3.0, 5.0, 7.0], method=method),
                    [[135.42768462, 41.08553692, 15.0]])


@pytest.mark.parametrize("method", METHODS)
def test_on_vector_valued_function(method):
    xdata = np.arange(0, 1, 0.1)
    ydata = 1 + 2 * np.exp(0.75 * xdata)

    def fun(c):
        return (c[0] + c[1] * np.exp(c[2] * xdata) - ydata) ** 2

    # should be numerically zero: each residual vanishes at the solution
    assert_allclose(numerical_jacobian(fun, [1.0, 2.0, 0.75], method=method),
                    np.zeros((ydata.size, 3)), atol=1e-12)


def test_on_matrix_valued_function_one_point():
    def fun(x):
        return np.array([x[0] ** 2 + x[1] ** 2, x[0] ** 3 + x[1] ** 3])

    assert_allclose(numerical_jacobian(fun, [1.0, 2.0]), [[2.0, 4.0], [3.0, 12.0]])
    assert_allclose(numerical_jacobian(fun, [3.0, 4.0]), [[6.0, 8.0], [27.0, 48.0]])


def test_issue_68():
    """A Jacobian of a function with output of shape (1,)."""
    assert_allclose(numerical_jacobian(lambda x: np.array([np.sum(x ** 2) - 1]), [1.0, 2.0]),
                    [[2.0, 4.0]])


@pytest.mark.parametrize("method", METHODS)
def test_issue_27a(method):
    """numdifftools' memory-error test: the 500×500 Jacobian of x ↦ x²."""
    n = 500
    assert_allclose(numerical_jacobian(lambda x: x ** 2, np.ones(n), method=method),
                    2 * np.eye(n), atol=1e-6 if method in ("forward", "backward") else 1e-9)


def test_jacobian_and_gradient_fulloutput():
    """numdifftools issue #52: value and error estimate of d/dx (x + 3) at x = 1."""
    # numdifftools' estimate is < 1e-13; ours includes the rounding bound ε·|f|/h of its
    # smallest first-pass step h = 1.25e-3, ~1e-12, so the bound asked is 1e-11
    for r in (numerical_jacobian(lambda v: np.array([v[0] + 3]), [1.0], full_output=True),
              numerical_gradient(lambda v: v[0] + 3, [1.0], full_output=True)):
        assert_allclose(r.value.ravel(), [1.0], rtol=1e-12)
        assert np.all(r.error < 1e-11)


# --- TestGradient ---------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["complex", "central"])
def test_issue_39(method):
    """numdifftools ran this with its multicomplex method."""
    g = numerical_gradient(lambda x: 1.0 / (np.exp(x[0]) + np.cos(x[1]) + 10), [1.0, 2.0],
                           method=method)
    assert_allclose(g, [-0.017961123762187736, 0.0060082083648822])


@pytest.mark.parametrize("method", METHODS)
def test_gradient(method):
    assert_allclose(numerical_gradient(lambda x: np.sum(x ** 2), [1.0, 2.0, 3.0], method=method),
                    [2.0, 4.0, 6.0])


# --- TestHessdiag ---------------------------------------------------------------------------

def _hd_fun(x):
    return x[0] + x[1] ** 2 + x[2] ** 3


@pytest.mark.parametrize("method", METHODS)
def test_hessdiag_default_step(method):
    import warnings
    with warnings.catch_warnings():
        # one-sided inner gradients are accurate to ~1e-8 only, and the outer difference
        # says so (a conservative estimate ~1e-5): a warning is the honest answer there
        if method in ("forward", "backward"):
            warnings.simplefilter("ignore", NumericalDerivativeWarning)
        r = numerical_hessian(_hd_fun, [1.0, 2.0, 3.0], method=method, full_output=True)
    assert_allclose(np.diag(r.value), [0.0, 2.0, 18.0], atol=1e-8)


@pytest.mark.slow                    # 50 adaptive Hessians (~7 s): make test, not test-fast
@PORT
@given(st.tuples(st.floats(-100, 100), st.floats(-100, 100), st.floats(-100, 100)))
@example((0.0, 16.003907623933742, 68.02057249966789))
@example((1, 2, 3))
@example((1.2009289063e-314, 1.2009289063e-314, 1.2009289063e-314))
@example((88.01663712016305, 88.01663712016305, 88.01663712016305))
@example((0.0, 19.945812226807096, 54.11322414875562))
def test_hessdiag_at_random_points(vals):
    # test_fixed_step with our adaptive steps: rtol 1e-5, atol 100 × the error estimate
    htrue = np.array([0.0, 2.0, 6 * vals[2]])
    for method in ("central", "complex"):
        r = numerical_hessian(_hd_fun, np.array(vals, dtype=float), method=method, full_output=True)
        assert_allclose(np.diag(r.value), htrue, rtol=1e-5, atol=100 * np.max(r.error) + 1e-12)


# --- TestHessian ----------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["central", "complex"])
@pytest.mark.parametrize("h", [None, 1e-8])
def test_run_hamiltonian(method, h):
    # numdifftools restricts the step by hand (base_step=1e-4) "to avoid the discontinuity
    # at x = [0, 0]"; positions are ~3e-6 m, so the adaptive steps (relative to |x|) need no
    # help, and an explicit h = 1e-8 is honoured by the inner and the outer difference
    from numdifftools.tests.hamiltonian import ClassicalHamiltonian
    from scipy import optimize

    c = ClassicalHamiltonian()
    xopt = optimize.fmin(c.potential, c.initialposition(), xtol=1e-10, disp=False)
    true_h = np.array([[5.23748385e-12, -2.61873829e-12], [-2.61873829e-12, 5.23748385e-12]])
    H = numerical_hessian(c.potential, xopt, method=method, h=h)
    assert (np.abs((H - true_h) / true_h) < 1e-4).all()


def test_complex_hessian_issue_35():
    # numdifftools differentiates the complex-valued 1j·xᵀx by central differences; the
    # helpers are for real functions and say so
    with pytest.raises(TypeError, match="real numbers"):
        numerical_hessian(lambda x: 1j * np.inner(x, x), np.random.default_rng(0).normal(size=3))


@pytest.mark.parametrize("method", METHODS)
def test_hessian_cos_x_y_at_0_0(method):
    assert_allclose(numerical_hessian(lambda xy: np.cos(xy[0] - xy[1]), [0.0, 0.0], method=method),
                    [[-1.0, 1.0], [1.0, -1.0]])


@pytest.mark.parametrize("method", METHODS)
def test_hessian_on_scalar_function(method):
    def fun(xyz):
        x, y, z = xyz
        return x * y * z + np.exp(x) * y

    x, y, z = 3.0, 5.0, 7.0
    exact = np.array([[np.exp(x) * y, np.exp(x) + z, y], [np.exp(x) + z, 0, x], [y, x, 0]])
    assert_allclose(numerical_hessian(fun, [x, y, z], method=method), exact, atol=1e-4)


@pytest.mark.parametrize("method", METHODS)
def test_hessian_on_vector_valued_function_per_component(method):
    x, y = 3.0, 5.0
    c, s = np.cos(x * y), np.sin(x * y)
    exact = {np.cos: [[-y * y * c, -x * y * c - s], [-x * y * c - s, -x * x * c]],
             np.sin: [[-y * y * s, c - x * y * s], [c - x * y * s, -x * x * s]]}
    for fn, H in exact.items():
        assert_allclose(numerical_hessian(lambda v, fn=fn: fn(v[0] * v[1]), [x, y], method=method),
                        H, atol=1e-4)
