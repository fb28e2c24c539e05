"""Chapter 6 explorer and figures: the finite-difference step-size slider and the
least-squares plot. Readout numbers are checked against sympy's exact derivative."""
import re

import numpy as np
import pytest
import sympy as sp

import mvcalc_helpers as mh
from mvcalc_helpers.plotting import new_figure


def _readout_errors(text):
    return dict(re.findall(r"(forward|central|complex step) <b>([^<]+)</b>", text))


def _reference_errors(f, var, x0, h):
    """The three relative errors from sympy's exact derivative and the textbook formulas."""
    exact = float(sp.diff(f, var).subs(var, x0).evalf(30))
    F = sp.lambdify(var, f, "numpy")
    est = {"forward": (F(x0 + h) - F(x0)) / h,
           "central": (F(x0 + h) - F(x0 - h)) / (2 * h),
           "complex step": np.imag(F(x0 + 1j * h)) / h}
    return {k: abs(v - exact) / abs(exact) for k, v in est.items()}


def _fmt(e):
    return "0 (exact to double precision)" if e == 0 else f"{e:.1e}"


def test_update_changes_readout_and_png():
    ex = mh.finite_difference_explorer()
    text0, png0 = ex.readout_text, ex.png
    text1 = ex.update(h=1e-3)
    assert text1 != text0 and ex.png != png0
    assert ex.readout_text == text1 and ex.readout.value == text1 and ex.image.value == ex.png


@pytest.mark.parametrize("h", [1e-2, 1e-5, 1e-9, 1e-13])
def test_readout_numbers_match_sympy(h):
    f, x = mh.squire_trapp_function()
    ex = mh.finite_difference_explorer(h=h)
    got = _readout_errors(ex.readout_text)
    ref = _reference_errors(f, x, 1.5, h)
    assert got == {k: _fmt(v) for k, v in ref.items()}
    assert "4.053428" in ex.readout_text            # f'(1.5), Squire & Trapp


def test_custom_function_readout():
    x = sp.Symbol("x")
    ex = mh.finite_difference_explorer(sp.sin(x), x0=0.7, h=1e-4)
    assert _readout_errors(ex.readout_text) == {k: _fmt(v) for k, v in
                                                _reference_errors(sp.sin(x), x, 0.7, 1e-4).items()}
    assert f"{np.cos(0.7):.6f}" in ex.readout_text


def test_one_slider_step_changes_the_readout():
    """What the browser test does: one ArrowRight on the first slider (h × 10^step)."""
    ex = mh.finite_difference_explorer()
    slider = ex.controls["h"]
    assert list(ex.controls) == ["h"]
    before = ex.readout_text
    slider.value = 10 ** (np.log10(slider.value) + slider.step)
    assert ex.readout_text != before
    assert _readout_errors(ex.readout_text)["forward"] != _readout_errors(before)["forward"]


def test_markers_follow_h():
    ex = mh.finite_difference_explorer()
    ex.update(h=1e-7)
    xs = [a.get_xdata()[0] for a in ex.animated]
    assert np.allclose(xs, 1e-7)


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"h": 1.0}, ValueError, "between 1e-16 and 1e-1"),
    ({"h": "small"}, TypeError, "h must be a number"),
    ({"x0": "a"}, TypeError, "x0 must be a number"),
    ({"x0": np.inf}, ValueError, "finite"),
    ({"f": "x*y"}, ValueError, "one variable"),
    ({"f": lambda t: t}, TypeError, "sympy expression"),
    ({"step": 0}, ValueError, "step"),
])
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        mh.finite_difference_explorer(**kwargs)


def test_static_error_plot_draws_three_curves():
    fig, ax = new_figure()
    err = mh.plot_finite_difference_errors(ax)
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert sum(lab.startswith(("forward", "central", "complex")) for lab in labels) == 3
    assert err["h"].shape == err["forward"].shape


def test_least_squares_plot_gradient_vanishes_at_the_fit():
    X, y, _ = mh.diabetes_data()
    t = X[:, 2]
    a = np.linalg.lstsq(np.column_stack([np.ones_like(t), t]), y, rcond=None)[0]
    fig, axes = new_figure(1, 2)
    g = mh.plot_least_squares_fit(axes, t, y, a, span=(100, 4))
    assert np.max(np.abs(g)) < 1e-6 * np.abs(2 * t @ y)
    with pytest.raises(ValueError, match="same length"):
        mh.plot_least_squares_fit(axes, t, y[:-1], a)


# --- the layout / VJP-shape explorer -------------------------------------------------------
@pytest.mark.parametrize("m,n,k,layout", [(4, 3, 2, "denominator"), (1, 6, 5, "numerator"),
                                          (6, 1, 1, "denominator"), (6, 6, 6, "numerator"),
                                          (3, 4, 4, "numerator")])
def test_vjp_shapes_figure_matches_numpy_and_its_labels_are_clean(m, n, k, layout):
    from mvcalc_helpers.plotting import text_layout_problems

    fig, axes = new_figure(1, 2, figsize=(11, 4.0), gridspec_kw={"width_ratios": [2.2, 1]})
    info = mh.plot_vjp_shapes(axes, m, n, k, layout)
    X, G = np.ones((m, n)), np.ones((m, k))
    expected = (X.T @ G).shape if layout == "denominator" else (G.T @ X).shape   # numpy, not the helper
    assert info["grad_shape"] == expected
    assert info["jacobian_entries"] == (m * k) * (n * k) and info["vjp_inputs"] == m * n + m * k
    # the grey image on the right is the nonzero pattern of the Jacobian: m·n·k nonzeros
    img = axes[1].images[0].get_array()
    assert img.shape == (m * k, n * k) and int(np.sum(img)) == m * n * k
    # blocks: one cell per matrix entry (Xᵀ or X, ∂J/∂O, ∂J/∂W, W)
    assert len(axes[0].patches) == m * n + m * k + 2 * n * k
    shapes = [t.get_text().split("\n")[1] for t in axes[0].texts if "\n" in t.get_text()]
    assert f"{expected[0]}×{expected[1]}" in shapes and f"{n}×{k}" in shapes
    assert text_layout_problems(fig) == []


def test_layout_explorer_readout_and_square_transposed_warning():
    ex = mh.layout_explorer(m=2, n=3, k=3)
    assert "∂J/∂W is <b>3×3</b> (the shape of W)" in ex.readout_text
    text = ex.update(layout="numerator")
    assert "(the shape of Wᵀ)" in text
    title = ex.fig.axes[0].get_title()
    assert "transposed" in title and "mixes entries" in title    # n = k: same shape, wrong matrix
    assert "18×9 = <b>162 entries</b>" in ex.update(m=6, n=3, k=3, layout="denominator")


@pytest.mark.parametrize("kwargs,msg", [({"m": 0}, "m must be an integer from 1 to 6"),
                                        ({"k": 7}, "k must be an integer from 1 to 6"),
                                        ({"n": 2.5}, "n must be an integer"),
                                        ({"layout": "row"}, "layout must be 'denominator' or 'numerator'")])
def test_layout_explorer_bad_input(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        mh.layout_explorer(**kwargs)
