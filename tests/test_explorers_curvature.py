"""Chapters 4–5 explorer: gradient descent on ½δᵀHδ and the stable-step bound η < 2/λ_max.

References are independent of the explorer: the iterates in closed form from the eigen-
decomposition, δ_k = Q diag((1 − ηλ)^k) Qᵀ δ₀, and the running example's Hessian from
numdifftools-free central differences of the loss (not from ``neuron_hessian``).
"""
import numpy as np
import pytest

import mvcalc_helpers as mh


def _closed_form(H, d0, eta, k):
    lam, Q = np.linalg.eigh(H)
    return Q @ (((1 - eta * lam) ** k) * (Q.T @ d0))


def _fd_hessian(f, theta, h=1e-4):
    theta = np.asarray(theta, float)
    H = np.empty((2, 2))
    E = np.eye(2) * h
    for i in range(2):
        for j in range(2):
            H[i, j] = (f(theta + E[i] + E[j]) - f(theta + E[i] - E[j]) - f(theta - E[i] + E[j])
                       + f(theta - E[i] - E[j])) / (4 * h * h)
    return H


@pytest.fixture(scope="module")
def explorer():
    return mh.learning_rate_explorer(steps=200)


def test_default_is_the_running_examples_hessian_at_its_minimiser(explorer):
    d = mh.load_neuron_data()
    w, b = mh.neuron_fit(d.x, d.y)
    H_ref = _fd_hessian(lambda t: float(mh.neuron_loss(t[0], t[1], d.x, d.y)), (w, b))
    assert np.allclose(explorer.hessian, H_ref, rtol=1e-5, atol=1e-8)
    lam = np.linalg.eigvalsh(H_ref)
    assert explorer.critical_eta == pytest.approx(2 / lam[1], rel=1e-5)
    assert lam[1] / lam[0] == pytest.approx(3.97, abs=0.01)          # κ ≈ 4 with standardised x


def test_raw_ink_has_condition_number_about_119():
    d = mh.load_neuron_data()
    w, b = mh.neuron_fit(d.ink, d.y)
    H_ref = _fd_hessian(lambda t: float(mh.neuron_loss(t[0], t[1], d.ink, d.y)), (w, b))
    ex = mh.learning_rate_explorer(H_ref)
    lam = ex.eigenvalues
    assert lam[1] / lam[0] == pytest.approx(118.6, rel=2e-3)
    assert "κ = 119" in ex.fig.axes[2].get_title()


@pytest.mark.parametrize("fraction", [0.5, 0.98, 1.02, 1.3])
def test_path_is_the_closed_form_iteration(explorer, fraction):
    eta = fraction * explorer.critical_eta
    explorer.update(eta=eta)
    H, d0 = explorer.hessian, explorer.path[0]
    for k in (1, 7, 50, 200):
        assert np.allclose(explorer.path[k], _closed_form(H, d0, eta, k), rtol=1e-9, atol=1e-12)


def test_contracts_just_below_and_blows_up_just_above_two_over_lambda_max(explorer):
    crit = explorer.critical_eta
    step = explorer.controls["eta"].step
    n_crit = (crit - explorer.controls["eta"].min) / step + 1
    assert n_crit == pytest.approx(round(n_crit), abs=1e-9)        # 2/λ_max is a slider position

    text = explorer.update(eta=crit - step)                      # one slider step below: 0.98·2/λ_max
    dist = np.linalg.norm(explorer.path, axis=1)
    assert "converges" in text and dist[-1] < 1e-3 * dist[0]
    assert np.all(np.diff(dist[20:]) < 0)

    text = explorer.update(eta=crit + step)                      # one slider step above
    dist = np.linalg.norm(explorer.path, axis=1)
    assert "diverges" in text and dist[-1] > 100 * dist[0]
    assert np.all(np.diff(dist[20:]) > 0)

    text = explorer.update(eta=crit)                             # exactly on the bound: |1 − ηλ_max| = 1
    assert "neither" in text
    lam, Q = np.linalg.eigh(explorer.hessian)
    c = Q.T @ explorer.path.T                                    # eigen-coordinates of the iterates
    assert np.allclose(np.abs(c[1, -1]), np.abs(c[1, 0]), rtol=1e-9)   # the λ_max part neither shrinks nor grows


def test_readout_factors_and_png_change_on_one_slider_step(explorer):
    explorer.update(eta=0.5 * explorer.critical_eta)
    w = explorer.controls["eta"]
    before_png, before = explorer.png, explorer.readout_text
    w.value = w.value + w.step
    assert explorer.readout_text != before and explorer.png != before_png
    lam = explorer.eigenvalues
    assert f"{abs(1 - w.value * lam[1]):.3f} (λ_max)" in explorer.readout_text
    assert f"{abs(1 - w.value * lam[0]):.3f} (λ_min)" in explorer.readout_text


def test_nothing_is_clipped_or_overlapping_at_the_slider_ends(explorer):
    w = explorer.controls["eta"]
    for value in (w.min, w.max):
        explorer.update(eta=value)
        ax = explorer.fig.axes[2]
        xlo, xhi = ax.get_xlim()
        ylo, yhi = ax.get_ylim()
        dots = [ln for ln in ax.lines if ln.get_marker() == "o"][0]
        xs, ys = dots.get_data()
        assert np.all((xlo < np.asarray(xs)) & (np.asarray(xs) < xhi))
        assert np.all((ylo < np.asarray(ys)) & (np.asarray(ys) < yhi))
    from mvcalc_helpers.plotting import text_layout_problems
    assert text_layout_problems(explorer.fig) == []


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(H=[[1, 2], [0, 1]]), ValueError, "symmetric"),
    (dict(H=[[1, 0], [0, -1]]), ValueError, "positive definite"),
    (dict(H=np.eye(3)), ValueError, "2×2"),
    (dict(H="abc"), TypeError, "2×2 matrix"),
    (dict(H=np.eye(2), start=(0, 0)), ValueError, "must not be the minimum"),
    (dict(H=np.eye(2), steps=0), ValueError, "between 1 and 200"),
    (dict(H=np.eye(2), eta=5.0), ValueError, "slider range"),
    (dict(H=np.eye(2), labels="w"), ValueError, "two axis labels"),
])
def test_bad_arguments_get_clear_errors(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        mh.learning_rate_explorer(**kwargs)


def test_stable_step_figure_draws_the_closed_form_distances():
    H = np.array([[2.0, 0.5], [0.5, 1.0]])
    lam_max = np.linalg.eigvalsh(H)[1]
    fig = mh.plot_stable_step(H, fractions=(0.9, 1.1), start=(0.3, -0.2), steps=80)
    lines = fig.axes[0].get_lines()
    for line, frac in zip(lines[:2], (0.9, 1.1)):
        ref = [np.linalg.norm(_closed_form(H, np.array([0.3, -0.2]), frac * 2 / lam_max, k)) for k in range(81)]
        assert np.allclose(line.get_ydata(), ref, rtol=1e-9, atol=1e-15)
    below, above = lines[0].get_ydata(), lines[1].get_ydata()
    assert below[-1] < 1e-2 * below[0] and above[-1] > 100 * above[0]
    from mvcalc_helpers.plotting import text_layout_problems
    assert text_layout_problems(fig) == []


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(H=[[1, 0], [0, -1]]), ValueError, "positive definite"),
    (dict(fractions=(0.5, "x")), TypeError, "sequence of numbers"),
    (dict(fractions=(0.5, 4.0)), ValueError, r"\(0, 3\)"),
    (dict(start=(0, 0)), ValueError, "must not be the minimum"),
    (dict(steps=0), ValueError, "between 1 and 2000"),
])
def test_stable_step_figure_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        mh.plot_stable_step(**{"H": np.eye(2), **kwargs})
