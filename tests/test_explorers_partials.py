"""Chapter 1 explorer and figure: partial derivative as the slope of a slice."""
import re

import numpy as np
import pytest
import sympy as sp

import mvcalc_helpers as mh
from mvcalc_helpers.explorers.partials import partial_slice_explorer, plot_partial_slices
from mvcalc_helpers.plotting import new_figure

x, y = sp.symbols("x y")


def _number(text):
    m = re.search(r"<b>(-?[\d.]+)</b>", text)
    assert m, text
    return float(m.group(1))


def test_default_reproduces_notes_example_1():
    ex = partial_slice_explorer()
    ref = sp.diff(x**2 + 3*x*y + y**2, x).subs({x: 1, y: 2})        # 8 in notes 000 §1
    assert _number(ex.readout_text) == pytest.approx(float(ref), abs=5e-4)
    assert "∂f/∂x" in ex.readout_text
    assert ex.animated, "the explorer should blit over a cached surface"


def test_slider_step_changes_readout_and_image():
    ex = partial_slice_explorer()
    before_text, before_png = ex.readout_text, ex.png
    slider = list(ex.controls.values())[0]            # the browser test moves this one
    assert list(ex.controls)[0] == "y0"
    ex.update(y0=slider.value + slider.step)
    assert ex.readout_text != before_text
    assert ex.png != before_png
    ref = sp.diff(x**2 + 3*x*y + y**2, x).subs({x: 1, y: sp.Rational(21, 10)})
    assert _number(ex.readout_text) == pytest.approx(float(ref), abs=5e-4)


@pytest.mark.parametrize("f, x0, y0", [
    (x**2 * sp.sin(2*y), 1.5, 0.3),
    ("exp(-x**2 - y**2) * x", -0.5, 0.7),
    (x**2 + 3*x*y - 2*y**2, 0.0, -1.0),
])
def test_readout_matches_sympy_for_other_functions(f, x0, y0):
    ex = partial_slice_explorer(f, x0=x0, y0=y0)
    fe = sp.sympify(f)
    X, Y = sp.Symbol("x"), sp.Symbol("y")
    for xv, yv in [(x0, y0), (x0 + 0.4, y0 - 0.6)]:
        ex.update(x0=xv, y0=yv)
        ref = float(sp.diff(fe, X).subs({X: ex.values["x0"], Y: ex.values["y0"]}))
        assert _number(ex.readout_text) == pytest.approx(ref, abs=5e-4)


def test_tangent_line_is_the_tangent_of_the_slice():
    ex = partial_slice_explorer(x**3 - x*y, x0=0.5, y0=1.0)
    tan2 = ex.animated[5]
    xs, zs = (np.asarray(a, dtype=float) for a in tan2.get_data())
    slope = (zs[1] - zs[0]) / (xs[1] - xs[0])
    assert slope == pytest.approx(3 * 0.5**2 - 1.0)          # f_x = 3x² − y
    z_mid = np.interp(0.5, xs, zs)
    assert z_mid == pytest.approx(0.5**3 - 0.5 * 1.0)


def test_undefined_partial_is_reported_not_crashing():
    ex = partial_slice_explorer(sp.sqrt(x**2 + y**2), x0=0.0, y0=0.0)
    assert "not defined" in ex.readout_text
    ex.update(y0=0.5)
    assert _number(ex.readout_text) == pytest.approx(0.0, abs=5e-4)


@pytest.mark.parametrize("kwargs, exc, msg", [
    (dict(f="x*z"), ValueError, "x and y only"),
    (dict(f=lambda a, b: a * b), TypeError, "not a Python function"),
    (dict(x0=5.0, xlim=(-1, 3)), ValueError, "outside xlim"),
    (dict(xlim=(3, -1)), ValueError, "low < high"),
    (dict(ylim="ab"), TypeError, "pair of numbers"),
    (dict(x0="one"), TypeError, "x0 must be a number"),
    (dict(n=2), ValueError, "grid size"),
    (dict(f=sp.Matrix([x, y])), TypeError, "scalar"),
])
def test_bad_arguments_raise_clear_errors(kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        partial_slice_explorer(**kwargs)


def test_plot_partial_slices_returns_both_partials():
    fig, ax = new_figure(projection="3d")
    fx, fy = plot_partial_slices(ax, x**2 * sp.sin(2*y), (1.0, 0.4))
    assert fx == pytest.approx(float(sp.diff(x**2 * sp.sin(2*y), x).subs({x: 1, y: 0.4})))
    assert fy == pytest.approx(float(sp.diff(x**2 * sp.sin(2*y), y).subs({x: 1, y: 0.4})))
    assert len(ax.lines) == 5


def test_exported():
    assert mh.partial_slice_explorer is partial_slice_explorer
    assert "plot_partial_slices" in mh.__all__


def test_plot_linearization_parallelogram_is_spanned_by_the_jacobian_columns():
    r, t = sp.symbols("r theta")
    F = [r * sp.cos(t), r * sp.sin(t)]
    fig, axes = new_figure(1, 2, figsize=(10, 5))
    out = mh.plot_linearization(axes, F, [r, t], (2.0, 1.0), h=0.25)
    J = np.array(sp.Matrix(F).jacobian([r, t]).subs({r: 2.0, t: 1.0}).evalf(), dtype=float)
    np.testing.assert_allclose(out["J"], J)
    dashed = [ln for ln in axes[1].get_lines() if ln.get_linestyle() == "--"][0]
    corners = np.column_stack([dashed.get_xdata(), dashed.get_ydata()])
    F0 = np.array([2 * np.cos(1.0), 2 * np.sin(1.0)])
    np.testing.assert_allclose(corners[1] - F0, 0.25 * J[:, 0])
    np.testing.assert_allclose(corners[3] - F0, 0.25 * J[:, 1])
    assert out["error"] == pytest.approx(mh.linearization_error(F, [r, t], (2.0, 1.0), 0.25))
    assert axes[0].get_aspect() == axes[1].get_aspect() == 1.0          # circles stay circles
    with pytest.raises(ValueError, match="h must be positive"):
        mh.plot_linearization(axes, F, [r, t], (2.0, 1.0), h=0)
