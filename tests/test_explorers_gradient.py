"""Chapter 3 explorers: directional derivative and gradient descent.

References are independent of the explorers' code: the directional derivative is
d/dt f(P₀ + t e_l) at t = 0 computed by sympy, and gradient descent on a quadratic
½xᵀAx has the closed form x_n = (I − ηA)ⁿ x₀ (exact rational arithmetic).
"""
import math
import re

import numpy as np
import pytest
import sympy as sp

import mvcalc_helpers as mh
from mvcalc_helpers.plotting import new_figure

x, y, t = sp.symbols("x y t")


def _number(text, after):
    m = re.search(re.escape(after) + r"\s*(?:<b>)?\s*(-?[0-9.]+(?:e[-+]?\d+)?)", text)
    assert m, f"no number after {after!r} in {text!r}"
    return float(m.group(1))


def _dd_reference(f, point, theta_deg):
    """d/dt f(P + t e) at 0, with e the gradient direction turned by θ (sympy, exact)."""
    g = [sp.diff(f, v).subs({x: point[0], y: point[1]}) for v in (x, y)]
    phi = sp.atan2(g[1], g[0]) + sp.rad(theta_deg)
    e = (sp.cos(phi), sp.sin(phi))
    line = f.subs({x: point[0] + t * e[0], y: point[1] + t * e[1]}, simultaneous=True)
    return float(sp.diff(line, t).subs(t, 0))


@pytest.mark.parametrize("theta", [-150, -90, 0, 35, 90, 180])
def test_directional_readout_matches_derivative_along_the_line(theta):
    ex = mh.directional_derivative_explorer(theta=10)
    before_png, before_text = ex.png, ex.readout_text
    text = ex.update(theta=theta)
    assert text != before_text and ex.png != before_png
    assert _number(text, "∂f/∂l =") == pytest.approx(_dd_reference((x**2 + y**2) / 2, (1, 1), theta), abs=6e-4)
    assert f"θ = {theta}°" in text


def test_directional_explorer_on_the_notes_example_2_variable_function():
    f = x**2 * y + x * y**3                       # notes item 000-S4-def, point (1, 2)
    ex = mh.directional_derivative_explorer(f, [x, y], (1, 2))
    # direction (3/5, 4/5) makes angle θ with ∇f = (12, 13); its derivative is 88/5
    theta = math.degrees(math.atan2(4, 3) - math.atan2(13, 12))
    text = ex.update(theta=theta)
    assert _number(text, "∂f/∂l =") == pytest.approx(88 / 5, abs=6e-4)
    assert _number(ex.update(theta=0), "∂f/∂l =") == pytest.approx(math.hypot(12, 13), abs=6e-4)


def test_one_slider_step_changes_the_number():
    ex = mh.directional_derivative_explorer()
    w = ex.controls["theta"]
    a = _number(ex.readout_text, "∂f/∂l =")
    w.value = w.value + w.step                      # what one ArrowRight does in the browser
    assert _number(ex.readout_text, "∂f/∂l =") != a


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(point=(0, 0)), ValueError, "∇f = 0"),
    (dict(point=(1, 2, 3)), ValueError, "two finite numbers"),
    (dict(theta=270), ValueError, r"\[-180, 180\]"),
    (dict(f=x**2 + y**2 + sp.Symbol("z")), ValueError, "two variables"),
    (dict(f=lambda a, b: a + b), TypeError, "sympy expression"),
    (dict(xlim=(2, 1)), ValueError, "low < high"),
])
def test_directional_explorer_rejects_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        mh.directional_derivative_explorer(**kwargs)


def _gd_reference(A, x0, lr, n):
    A = sp.Matrix(A)
    M = sp.eye(2) - sp.nsimplify(lr) * A
    xn = M**n * sp.Matrix([sp.nsimplify(v) for v in x0])
    return float((xn.T * A * xn)[0] / 2)


@pytest.mark.parametrize("lr, steps", [(0.05, 21), (0.1, 7), (0.19, 40), (0.21, 25)])
def test_descent_readout_matches_closed_form(lr, steps):
    ex = mh.gradient_descent_explorer()        # f = ½(x² + 10y²) from (−1.8, 0.9)
    before_png, before_text = ex.png, ex.readout_text
    text = ex.update(lr=lr, steps=steps)
    assert text != before_text and ex.png != before_png
    ref = _gd_reference([[1, 0], [0, 10]], (-1.8, 0.9), lr, steps)
    value = float(re.search(r"<b>([^<]+)</b>", text).group(1))
    assert value == pytest.approx(ref, rel=1e-3)
    assert ("diverged" in text) == (ref > 5.67)
    assert "2/λ_max(H) = 0.200" in text


def test_descent_diverges_beyond_two_over_lambda_max_on_the_notes_function():
    f = (x**2 + y**2) / 2                       # converges for 0 < η < 2 (notes 000-S4-GD)
    ex = mh.gradient_descent_explorer(f, [x, y], (1.0, 1.0), lr=0.5, lr_max=2.5, steps=10)
    assert "diverged" not in ex.readout_text
    assert "2/λ_max(H) = 2.000" in ex.readout_text
    assert "diverged" in ex.update(lr=2.1)
    assert "diverged" not in ex.update(lr=1.9)


def test_descent_overflow_is_reported_not_raised():
    ex = mh.gradient_descent_explorer(x**4 + y**4, [x, y], (1.5, 1.5), lr=0.25, lr_max=1.0, steps_max=60)
    text = ex.update(lr=1.0, steps=60)
    assert "overflow" in text and "diverged" in text


def test_first_descent_slider_step_changes_the_number():
    ex = mh.gradient_descent_explorer()
    w = ex.controls["lr"]
    before = ex.readout_text
    w.value = round(w.value + w.step, 10)
    assert ex.readout_text != before


@pytest.mark.parametrize("kwargs, match", [
    (dict(lr=-0.1), "positive number"),
    (dict(lr=0.3, lr_max=0.25), "must not exceed"),
    (dict(steps=0), "positive integer"),
    (dict(steps=2.5), "positive integer"),
    (dict(x0=(1,)), "two finite numbers"),
    (dict(x0=(np.nan, 0)), "two finite numbers"),
])
def test_descent_explorer_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        mh.gradient_descent_explorer(**kwargs)


def test_gradient_field_arrows_are_the_gradient():
    fig, ax = new_figure()
    q = mh.plot_gradient_field(ax, x**2 * y - y**3, [x, y], (-1, 1), (-2, 2), n_arrows=4)
    X, Y = q.X.reshape(4, 4), q.Y.reshape(4, 4)
    np.testing.assert_allclose(q.U.reshape(4, 4), 2 * X * Y)
    np.testing.assert_allclose(q.V.reshape(4, 4), X**2 - 3 * Y**2)
    with pytest.raises(ValueError, match="n_arrows"):
        mh.plot_gradient_field(ax, x * y, [x, y], n_arrows=1)


def test_descent_paths_plot_rejects_wrong_shape():
    fig, ax = new_figure()
    with pytest.raises(ValueError, match=r"shape \(steps\+1, 2\)"):
        mh.plot_descent_paths(ax, x * y, [x, y], {"bad": np.zeros((3, 3))})


# --- the running example: gradient descent on the neuron ---------------------------------------

def _independent_neuron_reference(eta, steps, start=(-2.0, 3.0)):
    """Plain numpy gradient descent on the mean cross-entropy, and J* from scipy's BFGS."""
    from scipy.optimize import minimize

    d = mh.load_neuron_data()
    X, Y = d.x, d.y

    def loss(th):
        zz = th[0] * X + th[1]
        return np.mean(np.log1p(np.exp(-np.abs(zz))) + np.maximum(zz, 0) - Y * zz)

    th = np.array(start, dtype=float)
    for _ in range(steps):
        r = 1 / (1 + np.exp(-(th[0] * X + th[1]))) - Y
        th = th - eta * np.array([np.mean(r * X), np.mean(r)])
    best = minimize(loss, [0.0, 0.0], method="BFGS", options={"gtol": 1e-12})
    return loss(th) - best.fun, best.x


@pytest.mark.parametrize("eta, steps, regime", [(1.0, 40, "slow"), (5.0, 40, "good"), (24.0, 40, "oscillating"),
                                                (30.0, 40, "diverging"), (2.0, 100, "good")])
def test_neuron_descent_readout_matches_an_independent_run(eta, steps, regime):
    ex = mh.neuron_descent_explorer()
    before = ex.png
    text = ex.update(eta=eta, steps=steps)
    assert ex.png != before or (eta, steps) == (5.0, 40)
    gap_ref, _ = _independent_neuron_reference(eta, steps)
    gap = _number(text, "− J* =")
    if gap_ref > 1e-8:
        assert gap == pytest.approx(gap_ref, rel=0.06)
    else:
        assert gap < 1e-7
    assert f"<b>{regime}:" in text


def test_neuron_loss_plot_marks_the_minimiser():
    fig, ax = new_figure()
    star = mh.plot_neuron_loss(ax, {"η = 5": mh.gradient_descent(lambda th: th, [1.0, 1.0], lr=0.5, steps=3)})
    _, best = _independent_neuron_reference(1.0, 0)
    np.testing.assert_allclose(star, best, atol=1e-5)
    with pytest.raises(ValueError, match=r"shape \(steps\+1, 2\)"):
        mh.plot_neuron_loss(ax, {"bad": np.zeros((3, 3))})


@pytest.mark.parametrize("kwargs, match", [
    (dict(eta=0), "positive number"),
    (dict(eta=50.0), "must lie in"),
    (dict(steps=1), "integer ≥ 2"),
    (dict(steps=200), "must lie in"),
    (dict(start=(1.0,)), "two finite numbers"),
])
def test_neuron_descent_explorer_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        mh.neuron_descent_explorer(**kwargs)
