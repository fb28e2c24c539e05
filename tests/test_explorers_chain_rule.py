"""Chapter 2 explorer and computation-graph figure."""
import re

import numpy as np
import pytest
import sympy as sp

import mvcalc_helpers as mh
from mvcalc_helpers.explorers.chain_rule import chain_rule_path_explorer, plot_computation_graph
from mvcalc_helpers.plotting import new_figure

t, u, v, x, y, z = sp.symbols("t u v x y z")


def _numbers(text):
    nums = [float(s) for s in re.findall(r"<b>(-?[\d.]+)</b>", text)]
    assert len(nums) == 3, text
    return nums


def _reference(f, uu, vv, tv):
    """Independent reference: differentiate the substituted function; split by hand."""
    zt = f.subs({u: uu, v: vv}, simultaneous=True)
    pu = (sp.diff(f, u).subs({u: uu, v: vv}, simultaneous=True) * sp.diff(uu, t)).subs(t, tv)
    pv = (sp.diff(f, v).subs({u: uu, v: vv}, simultaneous=True) * sp.diff(vv, t)).subs(t, tv)
    return float(pu), float(pv), float(sp.diff(zt, t).subs(t, tv))


def test_default_is_notes_example_1():
    ex = chain_rule_path_explorer()
    pu, pv, total = _numbers(ex.readout_text)
    ref = _reference(u*v, sp.exp(t), sp.cos(t), sp.Rational(1, 2))
    assert (pu, pv, total) == pytest.approx(ref, abs=1e-3)
    # e^t (cos t − sin t), the notes' answer
    assert total == pytest.approx(float(sp.exp(0.5) * (sp.cos(0.5) - sp.sin(0.5))), abs=1e-3)
    assert ex.animated


def test_slider_step_changes_readout_and_image():
    ex = chain_rule_path_explorer()
    first = list(ex.controls)[0]
    assert first == "t"
    w = ex.controls[first]
    before_text, before_png = ex.readout_text, ex.png
    ex.update(t=w.value + w.step)
    assert ex.readout_text != before_text and ex.png != before_png
    assert _numbers(ex.readout_text) == pytest.approx(_reference(u*v, sp.exp(t), sp.cos(t), 0.55), abs=1e-3)


@pytest.mark.parametrize("f, uu, vv, tv", [
    (u**2 * v + sp.sin(u*v), t**2, sp.exp(t), 0.3),
    (sp.exp(u) * sp.sin(v), t, 2*t, -0.7),
    ("u**2 + v**2", "cos(t)", "sin(t)", 1.2),       # a circle: dz/dt = 0
])
def test_readout_matches_sympy(f, uu, vv, tv):
    ex = chain_rule_path_explorer(f, uu, vv, t0=tv)
    ref = _reference(sp.sympify(f, locals={"u": u, "v": v}), sp.sympify(uu, locals={"t": t}),
                     sp.sympify(vv, locals={"t": t}), tv)
    assert _numbers(ex.readout_text) == pytest.approx(ref, abs=1e-3)


def test_tangent_has_slope_dz_dt():
    ex = chain_rule_path_explorer(t0=1.0)
    tan = ex.animated[3]
    ts, zs = (np.asarray(a, dtype=float) for a in tan.get_data())
    slope = (zs[1] - zs[0]) / (ts[1] - ts[0])
    assert slope == pytest.approx(float((sp.exp(t) * (sp.cos(t) - sp.sin(t))).subs(t, 1)))
    bars = ex.animated[4:7]
    assert bars[0].get_height() + bars[1].get_height() == pytest.approx(bars[2].get_height())


@pytest.mark.parametrize("kwargs, exc, msg", [
    (dict(f=u*v*x), ValueError, "u and v only"),
    (dict(u="x*t"), ValueError, "in t only"),
    (dict(t0=5.0), ValueError, "outside tlim"),
    (dict(tlim=(2, 1)), ValueError, "low < high"),
    (dict(tlim=3), TypeError, "pair of numbers"),
    (dict(u=sp.log(t)), ValueError, "not finite"),
    (dict(f=lambda a, b: a), TypeError, "Python function"),
])
def test_bad_arguments(kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        chain_rule_path_explorer(**kwargs)


def test_computation_graph_edges_are_local_derivatives():
    fig, ax = new_figure()
    edges = plot_computation_graph(ax, u*v + sp.sin(t), {u: sp.exp(t), v: sp.cos(t)}, [t], at={t: 0.5})
    assert edges == {("t", "u"): sp.exp(t), ("t", "v"): -sp.sin(t), ("u", "z"): v, ("v", "z"): u,
                     ("t", "z"): sp.cos(t)}
    # sum over paths of the products of edge values = total derivative (notes 000 §3 ex. 4)
    vals = {k: d.subs({t: 0.5, u: sp.exp(0.5), v: sp.cos(0.5)}) for k, d in edges.items()}
    paths = vals[("t", "u")] * vals[("u", "z")] + vals[("t", "v")] * vals[("v", "z")] + vals[("t", "z")]
    assert float(paths) == pytest.approx(float((sp.exp(t)*(sp.cos(t) - sp.sin(t)) + sp.cos(t)).subs(t, 0.5)))
    texts = [tx.get_text() for tx in ax.texts]
    assert any("0.878" in s for s in texts)


def test_computation_graph_two_inputs_and_bad_input():
    fig, ax = new_figure()
    edges = plot_computation_graph(ax, sp.exp(x**2 + y**2 + z**2), {z: x**2*sp.sin(y)}, [x, y], output="u")
    assert set(edges) == {("x", "z"), ("y", "z"), ("z", "u"), ("x", "u"), ("y", "u")}
    with pytest.raises(ValueError, match="neither inputs"):
        plot_computation_graph(ax, u*v, {u: t, v: t}, [x])
    with pytest.raises(ValueError, match="every input"):
        plot_computation_graph(ax, u*v, {u: t, v: t}, [t], at={x: 1})


def test_exported():
    assert mh.chain_rule_path_explorer is chain_rule_path_explorer
    assert mh.plot_computation_graph is plot_computation_graph


def _edge_labels(ax):
    return [t.get_text().split(" =")[0] for t in ax.texts if " = " in t.get_text() and t.get_text().startswith("$")]


def test_graph_labels_follow_the_chapters_notation():
    t, u, v, x, y, z = sp.symbols("t u v x y z")
    fig, ax = new_figure()
    plot_computation_graph(ax, u*v, {u: sp.exp(t), v: sp.cos(t)}, [t])              # one input: d/dt
    assert _edge_labels(ax) == [r"$\frac{du}{dt}", r"$\frac{dv}{dt}", r"$\frac{\partial z}{\partial u}",
                                r"$\frac{\partial z}{\partial v}"]
    fig, ax = new_figure()
    plot_computation_graph(ax, u*v + sp.sin(t), {u: sp.exp(t), v: sp.cos(t)}, [t])  # direct edge: ∂f/∂·
    assert _edge_labels(ax) == [r"$\frac{du}{dt}", r"$\frac{dv}{dt}", r"$\frac{\partial f}{\partial u}",
                                r"$\frac{\partial f}{\partial v}", r"$\frac{\partial f}{\partial t}"]
    fig, ax = new_figure()
    plot_computation_graph(ax, sp.exp(x**2 + y**2 + z**2), {z: x**2 * sp.sin(y)}, [x, y], output="u")
    assert set(_edge_labels(ax)) == {r"$\frac{\partial z}{\partial x}", r"$\frac{\partial z}{\partial y}",
                                     r"$\frac{\partial f}{\partial z}", r"$\frac{\partial f}{\partial x}",
                                     r"$\frac{\partial f}{\partial y}"}
    fig, ax = new_figure()
    plot_computation_graph(ax, sp.sin(u), {u: x * y}, [x, y])                      # z of one variable
    assert _edge_labels(ax)[-1] == r"$\frac{dz}{du}"


def test_crossing_edge_labels_are_apart():
    from mvcalc_helpers.plotting import text_layout_problems

    u, v, x, y = sp.symbols("u v x y")
    fig, ax = new_figure(figsize=(7.5, 4.6))
    plot_computation_graph(ax, sp.exp(u) * sp.sin(v), {u: x*y, v: x + y}, [x, y], at={x: 1, y: 0.5})
    assert text_layout_problems(fig) == []
    boxes = {t.get_text().split(" =")[0]: t.get_position() for t in ax.texts if t.get_text().startswith("$")}
    a, b = np.array(boxes[r"$\frac{\partial v}{\partial x}"]), np.array(boxes[r"$\frac{\partial u}{\partial y}"])
    assert np.linalg.norm(a - b) > 0.3                  # before: 0.22 apart, boxes touching


def test_neuron_graph_matches_sympy():
    ell, (w, b, xs, ys) = mh.neuron_loss_expr()
    vals = {w: -0.7, b: 0.4, xs: 1.3, ys: 0}
    fig, ax = new_figure(figsize=(11, 4))
    g = mh.plot_neuron_graph(ax, -0.7, 0.4, 1.3, 0)
    assert g["loss"] == pytest.approx(float(ell.subs(vals)), rel=1e-12)
    assert g["dl_dw"] == pytest.approx(float(sp.diff(ell, w).subs(vals)), rel=1e-12)
    assert g["dl_db"] == pytest.approx(float(sp.diff(ell, b).subs(vals)), rel=1e-12)
    zz = sp.Symbol("z")
    p = 1 / (1 + sp.exp(-zz))
    assert g["dl_dp"] * float(sp.diff(p, zz).subs(zz, g["z"])) == pytest.approx(g["dl_dz"], rel=1e-12)
    with pytest.raises(ValueError, match="0 or 1"):
        mh.plot_neuron_graph(ax, 1, 0, 1, 0.5)
