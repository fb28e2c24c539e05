"""Chapter 5 explorer (hessian_shape_explorer), quadratic_shape and plot_surface_gallery.

References are independent of the code under test: sympy's exact eigenvalues and its own
``is_positive_definite`` / ``is_indefinite`` … predicates on rational matrices.
"""
import re

import matplotlib
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import mvcalc_helpers as mh

matplotlib.use("Agg")


def sympy_reference(a, b, c):
    """Exact AC − B², eigenvalues and definiteness of [[a, b], [b, c]] (a, b, c rationals)."""
    H = sp.Matrix([[a, b], [b, c]])
    lam = sorted(float(v) for v, m in H.eigenvals().items() for _ in range(m))
    if H.is_positive_definite:
        kind = "positive definite"
    elif H.is_negative_definite:
        kind = "negative definite"
    elif H.is_positive_semidefinite:
        kind = "positive semidefinite"
    elif H.is_negative_semidefinite:
        kind = "negative semidefinite"
    else:
        assert H.is_indefinite
        kind = "indefinite"
    return float(a * c - b**2), lam, kind


def parse_readout(text):
    det = float(re.search(r"AC − B² = <b>(-?[\d.]+)</b>", text).group(1))
    lam = [float(v) for v in re.findall(r"λ[₁₂] = (-?[\d.]+)", text)]
    kind = re.search(r"H is <b>([a-z ]+)</b>", text).group(1)
    return det, lam, kind


@pytest.fixture(scope="module")
def explorer():
    return mh.hessian_shape_explorer()


def test_initial_state_is_a_bowl(explorer):
    explorer.update(A=1.0, B=0.0, C=1.0)
    det, lam, kind = parse_readout(explorer.readout_text)
    assert (det, lam, kind) == (1.0, [1.0, 1.0], "positive definite")
    assert "bowl" in explorer.readout_text and "minimum" in explorer.readout_text


@pytest.mark.parametrize("k", [(10, 0, 10), (-10, 0, -20), (10, 15, 10), (10, 10, 10), (4, 6, 9),
                               (-10, 10, -10), (0, 0, 0), (20, 0, 0), (0, 0, -20), (0, 5, 0),
                               (-20, 20, -20), (3, -3, 3), (20, 20, 20)])
def test_readout_matches_sympy(explorer, k):
    """AC − B², eigenvalues and the classification agree with exact sympy (tenths: k/10)."""
    a, b, c = (sp.Rational(v, 10) for v in k)
    text = explorer.update(A=k[0] / 10, B=k[1] / 10, C=k[2] / 10)
    det, lam, kind = parse_readout(text)
    ref_det, ref_lam, ref_kind = sympy_reference(a, b, c)
    assert det == pytest.approx(ref_det, abs=5e-4)
    assert lam == pytest.approx(ref_lam, abs=5e-4)
    assert kind == ref_kind


@settings(max_examples=25, deadline=None)
@given(st.integers(-20, 20), st.integers(-20, 20), st.integers(-20, 20))
def test_classification_matches_sympy_on_the_slider_grid(explorer, ka, kb, kc):
    text = explorer.update(A=ka / 10, B=kb / 10, C=kc / 10)
    assert parse_readout(text)[2] == sympy_reference(*(sp.Rational(k, 10) for k in (ka, kb, kc)))[2]


def test_cross_sections_are_half_lambda_t_squared(explorer):
    """The right panel's curves are ½λᵢt² with λᵢ the exact eigenvalues (sympy)."""
    explorer.update(A=1.0, B=1.5, C=-0.5)
    lam_ref = sorted(float(v) for v in sp.Matrix([[1, sp.Rational(3, 2)],
                                                    [sp.Rational(3, 2), sp.Rational(-1, 2)]]).eigenvals())
    ax2 = next(ax for ax in explorer.fig.axes if ax.name != "3d")
    curves = [ln for ln in ax2.get_lines() if len(ln.get_xdata()) > 2]
    assert len(curves) == 2
    for line, lam in zip(curves, lam_ref):
        t, z = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        assert np.allclose(z, 0.5 * lam * t**2)


def test_surface_vertices_are_the_quadratic_form(explorer):
    """Every vertex (dx, dy, z) of the 3-D surface satisfies z = ½(A dx² + 2B dx dy + C dy²)."""
    explorer.update(A=-0.7, B=0.4, C=1.3)
    x, y = sp.symbols("x y")
    q = sp.lambdify((x, y), sp.Rational(1, 2) * sp.Matrix([x, y]).T
                    * sp.Matrix([[-0.7, 0.4], [0.4, 1.3]]) * sp.Matrix([x, y]))
    surf = explorer.animated[0]
    # matplotlib keeps the 3-D polygons in private attributes: _faces (3.11+), _vec/_segslices before
    verts = (np.asarray(surf._faces) if hasattr(surf, "_faces")
             else np.array([surf._vec[:3, sl].T for sl in surf._segslices]))
    assert verts.shape[1:] == (4, 3) and len(verts) > 100
    X, Y, Z = verts[..., 0].ravel(), verts[..., 1].ravel(), verts[..., 2].ravel()
    assert np.allclose(Z, np.ravel([q(a, b) for a, b in zip(X, Y)]))


def test_one_arrow_step_on_the_first_slider_changes_readout_and_image():
    """What the browser test does: one step of the FIRST slider (A) changes text and PNG."""
    ex = mh.hessian_shape_explorer()
    first = next(iter(ex.controls.values()))
    assert first.description == "A"
    text, png = ex.readout_text, ex.png
    first.value = first.value + first.step
    assert ex.readout_text != text and ex.png != png
    assert parse_readout(ex.readout_text)[0] == pytest.approx(1.1)


def test_blitted_update_equals_a_full_redraw(explorer):
    explorer.update(A=0.3, B=-1.2, C=0.8)
    blitted = explorer.png
    explorer.invalidate_background()
    explorer.refresh()
    assert explorer.png == blitted


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"A": 3.0}, ValueError, "outside the slider range"),
    ({"B": "1"}, TypeError, "B must be a number"),
    ({"C": float("nan")}, ValueError, "outside the slider range"),
    ({"n": 3}, ValueError, "between 5 and 61"),
    ({"n": 10.5}, ValueError, "integer"),
    ({"step": 0}, ValueError, "step must be a positive number"),
    ({"limit": -1}, ValueError, "limit must be a positive number"),
    ({"limit": 1.0, "step": 2.0}, ValueError, "must not exceed limit"),
])
def test_invalid_builder_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        mh.hessian_shape_explorer(**kwargs)


def test_unknown_control_is_a_clear_error(explorer):
    with pytest.raises(KeyError, match="unknown control"):
        explorer.update(D=1.0)


@pytest.mark.parametrize("abc", [(2, 1, 2), (-3, 1, -1), (1, 3, 1), (1, 1, 1), (-1, 1, -1), (0, 0, 0)])
def test_quadratic_shape_against_sympy(abc):
    s = mh.quadratic_shape(*abc)
    det, lam, kind = sympy_reference(*(sp.Integer(v) for v in abc))
    assert s["det"] == pytest.approx(det)
    assert np.allclose(s["eigenvalues"], lam)
    assert s["definiteness"] == kind
    H = np.array([[abc[0], abc[1]], [abc[1], abc[2]]], dtype=float)
    assert np.allclose(H @ s["eigenvectors"], s["eigenvectors"] * s["eigenvalues"])


@pytest.mark.parametrize("bad, exc", [(("1", 0, 1), TypeError), ((1, None, 1), TypeError),
                                      ((1, 0, float("inf")), ValueError), ((True, 0, 1), TypeError)])
def test_quadratic_shape_rejects_bad_input(bad, exc):
    with pytest.raises(exc):
        mh.quadratic_shape(*bad)


def test_surface_gallery_titles_and_errors():
    import matplotlib.pyplot as plt
    x, y, z = sp.symbols("x y z")
    fig = mh.plot_surface_gallery({"bowl": x**2 + y**2, "dome": -x**2 - y**2, "saddle": x * y},
                                  [x, y], n=9, ncols=2)
    assert [ax.get_title() for ax in fig.axes] == ["bowl", "dome", "saddle"]
    plt.close(fig)
    with pytest.raises(ValueError, match="at least one"):
        mh.plot_surface_gallery({}, [x, y])
    with pytest.raises(ValueError, match="two sympy symbols"):
        mh.plot_surface_gallery({"f": x + y + z}, [x, y, z])
