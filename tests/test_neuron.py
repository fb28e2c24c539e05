"""The running example (one sigmoid neuron): loss, gradient and Hessian against sympy and torch-free
references, the minimiser against scikit-learn, and clear errors for bad input."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import mvcalc_helpers as mh

DATA = mh.load_neuron_data()


def _sympy_reference(wv, bv, x, y):
    ell, (w, b, xs, ys) = mh.neuron_loss_expr()
    grad = [sp.diff(ell, v) for v in (w, b)]
    hess = [[sp.diff(g, v) for v in (w, b)] for g in grad]
    f = sp.lambdify((w, b, xs, ys), [ell, grad, hess], "mpmath")
    vals = [f(wv, bv, xi, yi) for xi, yi in zip(x, y)]
    loss = np.mean([float(v[0]) for v in vals])
    g = np.mean([[float(c) for c in v[1]] for v in vals], axis=0)
    h = np.mean([[[float(c) for c in row] for row in v[2]] for v in vals], axis=0)
    return loss, g, h


@settings(max_examples=25, deadline=None)
@given(st.floats(-4, 4), st.floats(-4, 4))
def test_loss_gradient_hessian_equal_sympy(w, b):
    x, y = DATA.x[::12], DATA.y[::12]
    loss, g, h = _sympy_reference(w, b, x, y)
    assert np.isclose(mh.neuron_loss(w, b, x, y), loss, rtol=1e-12, atol=1e-14)
    assert np.allclose(mh.neuron_gradient(w, b, x, y), g, rtol=1e-10, atol=1e-13)
    assert np.allclose(mh.neuron_hessian(w, b, x, y), h, rtol=1e-10, atol=1e-13)


def test_grid_evaluation_matches_pointwise():
    W, B = np.meshgrid(np.linspace(-2, 5, 4), np.linspace(-3, 3, 3))
    L = mh.neuron_loss(W, B, DATA.x, DATA.y)
    G = mh.neuron_gradient(W, B, DATA.x, DATA.y)
    H = mh.neuron_hessian(W, B, DATA.x, DATA.y)
    assert L.shape == (3, 4) and G.shape == (2, 3, 4) and H.shape == (2, 2, 3, 4)
    assert np.isclose(L[1, 2], mh.neuron_loss(W[1, 2], B[1, 2], DATA.x, DATA.y))
    assert np.allclose(H[:, :, 2, 3], mh.neuron_hessian(W[2, 3], B[2, 3], DATA.x, DATA.y))


def test_loss_is_finite_for_huge_parameters():
    assert np.isfinite(mh.neuron_loss(1e6, -1e6, DATA.x, DATA.y))
    assert np.all(np.isfinite(mh.neuron_gradient(1e6, -1e6, DATA.x, DATA.y)))


def test_fit_matches_scikit_learn_unpenalised_logistic_regression():
    from sklearn.linear_model import LogisticRegression

    w, b = mh.neuron_fit(DATA.x, DATA.y)
    # unpenalised: C = ∞ (scikit-learn 1.8 deprecates penalty=None for it)
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(DATA.x[:, None], DATA.y)
    assert np.allclose([w, b], [ref.coef_[0, 0], ref.intercept_[0]], rtol=1e-5)
    assert np.all(np.linalg.eigvalsh(mh.neuron_hessian(w, b, DATA.x, DATA.y)) > 0)


def test_fit_refuses_separable_data():
    with pytest.raises(RuntimeError, match="separable"):
        mh.neuron_fit(np.array([-1.0, -2.0, 1.0, 2.0]), np.array([0.0, 0.0, 1.0, 1.0]))


@pytest.mark.parametrize("x, y, match", [
    (np.ones((2, 2)), np.ones((2, 2)), "1-D arrays"),
    (np.ones(3), np.ones(2), "same non-zero length"),
    (np.ones(2), np.array([0.0, 2.0]), "0 or 1"),
])
def test_bad_data_is_a_clear_error(x, y, match):
    with pytest.raises(ValueError, match=match):
        mh.neuron_loss(0.0, 0.0, x, y)


def test_bad_parameter_shapes_are_a_clear_error():
    with pytest.raises(ValueError, match="broadcastable"):
        mh.neuron_loss(np.zeros(3), np.zeros(2), DATA.x, DATA.y)
