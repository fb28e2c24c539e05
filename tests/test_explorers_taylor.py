"""Chapter 4 explorer: the Taylor polynomial slider.

The reference Taylor polynomial is built independently of ``mvcalc_helpers.taylor``: from the
one-variable function g(s) = f(x₀ + s·h, y₀ + s·k), T_m = Σ_{j≤m} g⁽ʲ⁾(0)/j! with h = x − x₀,
k = y − y₀ (the derivation of Taylor's theorem in notes 000 §5).
"""
import math
import re

import numpy as np
import pytest
import sympy as sp

import mvcalc_helpers as mh

x, y, s, h, k = sp.symbols("x y s h k")


def _reference_max_error(f, x0, y0, m, lim=(-2, 2), n=41):
    g = f.subs({x: x0 + s * h, y: y0 + s * k}, simultaneous=True)
    T = sum(sp.diff(g, s, j).subs(s, 0) / math.factorial(j) for j in range(m + 1))
    T = T.subs({h: x - x0, k: y - y0}, simultaneous=True)
    X, Y = np.meshgrid(np.linspace(*lim, n), np.linspace(*lim, n))
    F = sp.lambdify([x, y], f)(X, Y)
    Tn = np.broadcast_to(sp.lambdify([x, y], T)(X, Y), X.shape)
    return float(np.max(np.abs(F - Tn)))


def _value(text):
    return float(re.search(r"<b>([^<]+)</b>", text).group(1))


@pytest.fixture(scope="module")
def explorer():
    return mh.taylor_explorer()


@pytest.mark.parametrize("order, x0, y0", [(1, 0.0, 0.0), (2, 0.5, 0.5), (3, 1.0, -0.5), (2, -1.9, 1.3), (3, 0.0, 0.0)])
def test_readout_is_the_max_error_of_the_reference_polynomial(explorer, order, x0, y0):
    explorer.update(order=1 if order != 1 else 2, x0=0.1, y0=0.1)
    before_png, before_text = explorer.png, explorer.readout_text
    text = explorer.update(order=order, x0=x0, y0=y0)
    assert text != before_text and explorer.png != before_png
    assert f"order {order} at (x₀, y₀) = ({x0:.2f}, {y0:.2f})" in text
    ref = _reference_max_error(sp.sin(x) * sp.cos(y), sp.nsimplify(x0), sp.nsimplify(y0), order)
    assert _value(text) == pytest.approx(ref, rel=1e-3)


def test_a_quadratic_is_its_own_second_order_expansion():
    ex = mh.taylor_explorer(3 * x**2 - 4 * x * y + y**2, [x, y], order=1, point=(0.3, -0.7))
    assert _value(ex.readout_text) > 1
    assert _value(ex.update(order=2)) < 1e-9
    assert _value(ex.update(order=3, x0=-1.0)) < 1e-9


def test_first_slider_step_changes_the_number(explorer):
    explorer.update(order=2, x0=0.5, y0=0.5)
    w = explorer.controls["order"]
    before = _value(explorer.readout_text)
    w.value = w.value + w.step
    assert _value(explorer.readout_text) != before


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(order=4), ValueError, "1, 2 or 3"),
    (dict(order=True), ValueError, "1, 2 or 3"),
    (dict(point=(3, 0)), ValueError, "inside the window"),
    (dict(n=3), ValueError, "between 5 and 201"),
    (dict(f=x * y * sp.Symbol("w")), ValueError, "two variables"),
    (dict(f=1 / x, vars=[x, y]), ValueError, "not finite"),
    (dict(f="x*y + "), TypeError, "sympy expression"),
])
def test_bad_arguments_get_clear_errors(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        mh.taylor_explorer(**kwargs)
