"""mvcalc_helpers.matrix_calculus: numerical_matrix_gradient and matrix_gradient_check (the
core checks; the chapter-6 additions have their own tests in test_matrix_calculus.py).
∂f/∂X has the shape of X (denominator layout); references are Matrix Cookbook identities."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from core_cases import FAST, finite
from mvcalc_helpers import matrix_gradient_check, numerical_matrix_gradient

rng = np.random.default_rng(7)
A34, B43, C44 = rng.normal(size=(3, 4)), rng.normal(size=(4, 3)), rng.normal(size=(4, 4))
a3, b4 = rng.normal(size=3), rng.normal(size=4)
X34 = rng.normal(size=(3, 4))
X44 = rng.normal(size=(4, 4)) + 4 * np.eye(4)          # well-conditioned, det > 0

# (name, f, analytic ∂f/∂X, X) — Petersen & Pedersen, The Matrix Cookbook (2012)
IDENTITIES = [
    ("∂tr(AXB)/∂X = AᵀBᵀ (§2.5)", lambda X: np.trace(B43 @ X @ C44), lambda X: B43.T @ C44.T, X34),
    ("∂aᵀXb/∂X = abᵀ (§2.4)", lambda X: a3 @ X @ b4, lambda X: np.outer(a3, b4), X34),
    ("∂‖X‖_F²/∂X = 2X (§2.6)", lambda X: np.sum(X * X), lambda X: 2 * X, X34),
    ("∂tr(X²)/∂X = 2Xᵀ (§2.5)", lambda X: np.trace(X @ X), lambda X: 2 * X.T, X44),
    ("∂ln det X/∂X = X⁻ᵀ (§2.1)", lambda X: np.log(np.linalg.det(X)), lambda X: np.linalg.inv(X).T, X44),
    ("∂tr(X⁻¹C)/∂X = −(X⁻¹CX⁻¹)ᵀ (§2.5)", lambda X: np.trace(np.linalg.solve(X, C44)),
     lambda X: -(np.linalg.inv(X) @ C44 @ np.linalg.inv(X)).T, X44),
    ("∂xᵀCx/∂x = (C + Cᵀ)x, x a vector", lambda x: x @ C44 @ x, lambda x: (C44 + C44.T) @ x, b4),
]


@pytest.mark.parametrize("name, f, grad, X", IDENTITIES, ids=[i[0] for i in IDENTITIES])
@pytest.mark.parametrize("method, tol", [("central", 1e-9), ("complex", 1e-13), ("forward", 1e-5)])
def test_cookbook_identities(name, f, grad, X, method, tol):
    G = numerical_matrix_gradient(f, X, method=method)
    assert G.shape == X.shape
    assert np.allclose(G, grad(X), rtol=tol, atol=tol)
    assert matrix_gradient_check(f, grad, X, method=method) < tol * 10


def test_wrong_layout_is_caught():
    f = lambda A: np.trace(A @ B43)                        # noqa: E731  ∂/∂A = Bᵀ (3×4)
    with pytest.raises(ValueError, match=r"grad_f\(X\) has shape \(4, 3\) but X has shape \(3, 4\)"):
        matrix_gradient_check(f, lambda A: B43, A34)       # numerator layout: the transpose
    g = lambda X: np.trace(X @ C44)                        # noqa: E731  square X: ∂/∂X = Cᵀ
    assert matrix_gradient_check(g, lambda X: C44.T, X44) < 1e-9
    assert matrix_gradient_check(g, lambda X: C44, X44) > 1e-2   # the transpose: a large error


def test_check_does_not_let_grad_f_change_X():
    X = X34.copy()

    def grad(Y):
        Y *= 0                                              # careless in-place edit
        return 2 * X34
    assert matrix_gradient_check(lambda Y: np.sum(Y * Y), grad, X) < 1e-9
    assert np.array_equal(X, X34)


@FAST
@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_random_trace_and_bilinear_identities(m, n, data):
    A = data.draw(arrays(np.float64, (n, m), elements=finite))
    X = data.draw(arrays(np.float64, (m, n), elements=finite))
    u = data.draw(arrays(np.float64, (m,), elements=finite))
    scale = 1 + np.abs(A).max() + np.abs(u).max() * (1 + np.abs(X).max())
    # ∂tr(AX)/∂X = Aᵀ and ∂uᵀXXᵀu/∂X = 2uuᵀX, each in the shape of X
    assert np.allclose(numerical_matrix_gradient(lambda Y: np.trace(A @ Y), X), A.T, atol=1e-10 * scale)
    G = numerical_matrix_gradient(lambda Y: u @ Y @ Y.T @ u, X, method="complex")
    assert np.allclose(G, 2 * np.outer(u, u) @ X, rtol=1e-12, atol=1e-12 * scale**3)


def test_constant_function_and_one_entry():
    assert np.array_equal(numerical_matrix_gradient(lambda X: 5.0, X34, method="complex"), np.zeros((3, 4)))
    G = numerical_matrix_gradient(lambda X: X[1, 2] ** 3, X34, method="complex")
    expected = np.zeros((3, 4))
    expected[1, 2] = 3 * X34[1, 2] ** 2
    assert np.allclose(G, expected, rtol=1e-15, atol=0)


@pytest.mark.parametrize("call, error, message", [
    (lambda: numerical_matrix_gradient(lambda X: np.sum(X), np.array([[1.0, np.nan]])), ValueError, "non-finite"),
    (lambda: numerical_matrix_gradient(lambda X: np.sum(X), np.array(3.0)), ValueError, "non-empty vector or matrix"),
    (lambda: numerical_matrix_gradient(lambda X: np.sum(X), np.zeros((0, 2))), ValueError, "non-empty"),
    (lambda: numerical_matrix_gradient(lambda X: X, X34), ValueError, r"f\(X\) must return a scalar, got shape \(3, 4\)"),
    (lambda: numerical_matrix_gradient("tr", X34), TypeError, "f must be callable"),
    (lambda: numerical_matrix_gradient(np.sum, X34, method="fd"), ValueError, "method must be one of"),
    (lambda: numerical_matrix_gradient(np.sum, X34, h=0), ValueError, "h must be positive"),
    (lambda: numerical_matrix_gradient(np.sum, X34, h=np.inf), ValueError, "h must be positive"),
    (lambda: numerical_matrix_gradient(lambda X: np.sum(np.abs(X)), X34, method="complex"), ValueError,
     "keeps complex numbers"),
    (lambda: numerical_matrix_gradient(lambda X: np.log(X[0, 0]), np.array([[-1e-13]])), ValueError,
     "not finite at X.*inside its domain"),
    (lambda: numerical_matrix_gradient(lambda X: np.sqrt(X[0, 0]), np.array([[0.0]])), ValueError,
     "non-finite values near X"),
    (lambda: numerical_matrix_gradient(lambda X: "tr", X34), TypeError, "must return numbers"),
    (lambda: matrix_gradient_check(np.sum, np.ones((3, 4)), X34), TypeError, "grad_f must be callable"),
    (lambda: matrix_gradient_check(np.sum, lambda X: None, X34), TypeError, r"grad_f\(X\) returned None"),
    (lambda: numerical_matrix_gradient(lambda X: None, X34), TypeError, r"f\(X\) returned None"),
    (lambda: matrix_gradient_check(np.sum, lambda X: np.full(X.shape, np.inf), X34), ValueError, "non-finite"),
    (lambda: matrix_gradient_check(np.sum, lambda X: np.ones(12), X34), ValueError, "shape of X"),
])
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
