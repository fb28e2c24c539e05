"""Chapter 4 explorer: the Taylor polynomial slider.

The reference Taylor polynomial is built independently of ``mvcalc_helpers.taylor``: from the
one-variable function g(s) = f(x₀ + s·h, y₀ + s·k), T_m = Σ_{j≤m} g⁽ʲ⁾(0)/j! with h = x − x₀,
k = y − y₀ (the derivation of Taylor's theorem in notes 000 §5). The reference radius of
accuracy is measured differently from the explorer (nearest point of a fine Cartesian grid
where |f − T| ≥ tol, instead of rays).
"""
import itertools
import math
import re

import numpy as np
import pytest
import sympy as sp

import mvcalc_helpers as mh

x, y, s, h, k = sp.symbols("x y s h k")
SINCOS = sp.sin(x) * sp.cos(y)


def _reference_polynomial(f, x0, y0, m):
    g = f.subs({x: x0 + s * h, y: y0 + s * k}, simultaneous=True)
    T = sum(sp.diff(g, s, j).subs(s, 0) / math.factorial(j) for j in range(m + 1))
    return T.subs({h: x - x0, k: y - y0}, simultaneous=True)


def _reference_error(f, x0, y0, m, lim=(-2, 2), n=41):
    T = _reference_polynomial(f, x0, y0, m)
    X, Y = np.meshgrid(np.linspace(*lim, n), np.linspace(*lim, n))
    F = sp.lambdify([x, y], f)(X, Y)
    Tn = np.broadcast_to(sp.lambdify([x, y], T)(X, Y), X.shape)
    return X, Y, np.abs(F - Tn)


def _reference_max_error(f, x0, y0, m):
    return float(np.max(_reference_error(f, x0, y0, m)[2]))


def _reference_radius(f, x0, y0, m, tol=0.01):
    X, Y, E = _reference_error(f, x0, y0, m, n=801)
    bad = E >= tol
    return float(np.min(np.hypot(X[bad] - float(x0), Y[bad] - float(y0)))) if bad.any() else None


def _radius(text):
    return float(re.search(r"within radius <b>([^<]+)</b>", text).group(1))


def _max_error(text):
    return float(re.search(r"largest error on the window (\S+)$", text).group(1))


@pytest.fixture(scope="module")
def explorer():
    return mh.taylor_explorer()


@pytest.mark.parametrize("order, x0, y0", [(1, 0.0, 0.0), (2, 0.5, 0.5), (3, 1.0, -0.5), (2, -1.9, 1.3), (3, 0.0, 0.0)])
def test_readout_is_the_radius_and_max_error_of_the_reference_polynomial(explorer, order, x0, y0):
    explorer.update(order=1 if order != 1 else 2, x0=0.1, y0=0.1)
    before_png, before_text = explorer.png, explorer.readout_text
    text = explorer.update(order=order, x0=x0, y0=y0)
    assert text != before_text and explorer.png != before_png
    assert f"order {order} at (x₀, y₀) = ({x0:.2f}, {y0:.2f})" in text
    X0, Y0 = sp.nsimplify(x0), sp.nsimplify(y0)
    assert _max_error(text) == pytest.approx(_reference_max_error(SINCOS, X0, Y0, order), rel=1e-3)
    ref_r = _reference_radius(SINCOS, X0, Y0, order)
    assert explorer.radius_of_accuracy == pytest.approx(ref_r, abs=0.03)     # ray step 0.014, grid 0.005
    assert _radius(text) == pytest.approx(explorer.radius_of_accuracy, abs=0.006)


def test_radius_of_accuracy_grows_with_the_order_but_the_largest_error_does_not(explorer):
    for x0, y0 in itertools.product(np.linspace(-2, 2, 9), repeat=2):
        radii = []
        for m in (1, 2, 3):
            explorer.update(order=m, x0=float(x0), y0=float(y0))
            r = explorer.radius_of_accuracy
            radii.append(np.inf if r is None else r)
        assert radii[0] <= radii[1] <= radii[2], (x0, y0, radii)
    errors = [_max_error(explorer.update(order=m, x0=0.5, y0=0.5)) for m in (1, 2, 3)]
    assert not errors[0] <= errors[1] <= errors[2]       # why the readout no longer leads with it


def test_the_circle_is_round_and_the_point_marker_is_not_clipped(explorer):
    explorer.update(order=2, x0=-2.0, y0=2.0)                # a corner of the window
    axe = [a for a in explorer.fig.axes if a.name != "3d" and a.get_label() != "<colorbar>"][0]
    assert axe.get_aspect() == 1.0
    (circle,) = axe.patches
    assert circle.get_center() == (-2.0, 2.0) and circle.get_radius() == pytest.approx(explorer.radius_of_accuracy)
    (marker,) = [ln for ln in axe.lines if ln.get_marker() == "o"]
    assert not marker.get_clip_on()


def test_a_quadratic_is_its_own_second_order_expansion():
    ex = mh.taylor_explorer(3 * x**2 - 4 * x * y + y**2, [x, y], order=1, point=(0.3, -0.7))
    assert _max_error(ex.readout_text) > 1
    assert "on the whole window" in ex.update(order=2) and ex.radius_of_accuracy is None
    assert _max_error(ex.readout_text) < 1e-9
    assert _max_error(ex.update(order=3, x0=-1.0)) < 1e-9


def test_first_slider_step_changes_the_number(explorer):
    explorer.update(order=2, x0=0.5, y0=0.5)
    w = explorer.controls["order"]
    before = _radius(explorer.readout_text)
    w.value = w.value + w.step
    assert _radius(explorer.readout_text) != before


def test_figure_labels_do_not_overlap(explorer):
    from mvcalc_helpers.plotting import text_layout_problems
    assert text_layout_problems(explorer.fig) == []


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(order=4), ValueError, "1, 2 or 3"),
    (dict(order=True), ValueError, "1, 2 or 3"),
    (dict(point=(3, 0)), ValueError, "inside the window"),
    (dict(n=3), ValueError, "between 5 and 201"),
    (dict(tol=0), ValueError, "tol must be a positive number"),
    (dict(f=x * y * sp.Symbol("w")), ValueError, "two variables"),
    (dict(f=1 / x, vars=[x, y]), ValueError, "not finite"),
    (dict(f="x*y + "), TypeError, "sympy expression"),
])
def test_bad_arguments_get_clear_errors(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        mh.taylor_explorer(**kwargs)
