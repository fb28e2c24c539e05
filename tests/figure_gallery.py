"""Every figure function and explorer of the package, built as the chapters build them.

``FIGURES`` maps a name to a function that returns a matplotlib Figure (or an Explorer); the
readability test (tests/test_plotting.py) runs the text checker on each of them, and every
explorer also at the two ends of each of its sliders. Explorers that can be built with no
arguments are found automatically; a new ``plot_*`` function that needs arguments must be
added here (the coverage test says so).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

import mvcalc_helpers as mh
from mvcalc_helpers.plotting import new_figure

x, y, t, u, v, z = sp.symbols("x y t u v z")


def _one_axes(draw, figsize=(7.5, 4.6), **kw):
    def build():
        fig, ax = new_figure(figsize=figsize, **kw)
        draw(ax)
        return fig
    return build


def _partial_slices():
    fig, ax = new_figure(figsize=(7.5, 5.5), projection="3d")
    mh.plot_partial_slices(ax, x**2 + 3*x*y + y**2, (1, 2), xlim=(-1, 3), ylim=(0, 4))
    return fig


def _gradient_fields():
    fig, axs = new_figure(1, 2, figsize=(11, 4.8))
    mh.plot_gradient_field(axs[0], (x**2 + y**2) / 2, [x, y], (-2, 2), (-2, 2), title="∇f for f = ½(x² + y²)")
    mh.plot_gradient_field(axs[1], x*sp.exp(-x**2 - y**2), [x, y], (-2, 2), (-2, 2), n_arrows=13,
                           title="∇f for f = x·exp(−x² − y²)")
    return fig


def _descent_paths():
    A = np.diag([1.0, 10.0])
    paths = {f"η = {lr}": mh.gradient_descent(lambda p: A @ p, [-1.8, 0.9], lr=lr, steps=25)
             for lr in (0.05, 0.15, 0.19)}
    fig, ax = new_figure(figsize=(8, 4.2))
    mh.plot_descent_paths(ax, (x**2 + 10*y**2) / 2, [x, y], paths, (-2.2, 2.2), (-1.3, 1.3),
                          title="gradient descent on ½(x² + 10y²)")
    return fig


def _surface_gallery():
    return mh.plot_surface_gallery({"bowl  x²+y²: minimum": x**2 + y**2, "dome  −x²−y²: maximum": -x**2 - y**2,
                                    "saddle  x²−y²: none": x**2 - y**2}, [x, y])


def _least_squares():
    rng = np.random.default_rng(0)
    tt = rng.uniform(18, 42, 60)
    yy = 10 * tt - 100 + rng.normal(0, 40, 60)
    a = np.linalg.lstsq(np.column_stack([np.ones_like(tt), tt]), yy, rcond=None)[0]
    fig, axes = new_figure(1, 2, figsize=(11, 4.2))
    mh.plot_least_squares_fit(axes, tt, yy, a, labels=("body-mass index (kg/m²)", "disease progression"),
                              span=(120, 4))
    return fig


def _decision_boundary():
    X, yy = mh.quadratic_boundary_data("circle", n=200)
    model = mh.compare_quadratic_classifiers(X, yy)["QDA"][0]
    fig, ax = new_figure(figsize=(5, 4.5))
    mh.plot_decision_boundary(ax, model, X, yy, title="QDA")
    return fig


def _training_history():
    h = {"epoch": [0, 1, 2, 3], "train_loss": [2.3, 0.5, 0.3, 0.2], "train_acc": [0.1, 0.9, 0.95, 0.96],
         "test_loss": [2.3, 0.6, 0.4, 0.35], "test_acc": [0.1, 0.88, 0.93, 0.94]}
    ax_loss, _ = mh.plot_training_history(h)
    return ax_loss.figure


def _relu():
    fig, axes = new_figure(1, 2, figsize=(10, 3.4))
    mh.plot_relu_subgradients(axes)
    return fig


def _backprop_graph():
    fig, ax = new_figure(figsize=(11, 5.5))
    mh.plot_backprop_graph(ax=ax)
    return fig


FIGURES = {
    "plot_partial_slices": _partial_slices,
    "plot_computation_graph (example 1, t → u, v → z)": _one_axes(
        lambda ax: mh.plot_computation_graph(ax, u*v, {u: sp.exp(t), v: sp.cos(t)}, [t], at={t: 0.5})),
    "plot_computation_graph (example 4, direct edge)": _one_axes(
        lambda ax: mh.plot_computation_graph(ax, u*v + sp.sin(t), {u: sp.exp(t), v: sp.cos(t)}, [t], at={t: 0.5})),
    "plot_computation_graph (example 2, two inputs)": _one_axes(
        lambda ax: mh.plot_computation_graph(ax, sp.exp(u)*sp.sin(v), {u: x*y, v: x + y}, [x, y], at={x: 1, y: 0.5})),
    "plot_computation_graph (example 3, direct edges)": _one_axes(
        lambda ax: mh.plot_computation_graph(ax, sp.exp(x**2 + y**2 + z**2), {z: x**2*sp.sin(y)}, [x, y], output="u")),
    "plot_gradient_field": _gradient_fields,
    "plot_descent_paths": _descent_paths,
    "plot_surface_gallery": _surface_gallery,
    "plot_finite_difference_errors": _one_axes(lambda ax: mh.plot_finite_difference_errors(ax)),
    "plot_least_squares_fit": _least_squares,
    "plot_decision_boundary": _decision_boundary,
    "plot_training_history": _training_history,
    "plot_relu_subgradients": _relu,
    "plot_backprop_graph": _backprop_graph,
}

# explorers built with other arguments than their defaults, as the chapters call them
EXPLORERS = {
    "partial_slice_explorer (x² sin 2y)": lambda: mh.partial_slice_explorer(x**2 * sp.sin(2*y), x0=1, y0=0.5),
    "chain_rule_path_explorer (circle)": lambda: mh.chain_rule_path_explorer(u**2 + v**2, sp.cos(t), sp.sin(t)),
    "directional_derivative_explorer (x²y + xy³)": lambda: mh.directional_derivative_explorer(
        x**2*y + x*y**3, [x, y], (1, 2)),
    "taylor_explorer (3x² − 4xy + y²)": lambda: mh.taylor_explorer(3*x**2 - 4*x*y + y**2, [x, y]),
}


def public_names():
    """The package's public figure functions and explorers (from its lazy export table)."""
    names = sorted(mh.__all__)
    return ([n for n in names if n.startswith("plot_")], [n for n in names if n.endswith("_explorer")])


def _linearization():
    fig, axes = new_figure(1, 2, figsize=(11, 5))
    mh.plot_linearization(axes)
    return fig


def _neuron_loss():
    d = mh.load_neuron_data()
    paths = {f"η = {eta}": mh.gradient_descent(lambda th: mh.neuron_gradient(th[0], th[1], d.x, d.y),
                                                [-2.0, 3.0], lr=eta, steps=40) for eta in (1.0, 5.0, 24.0)}
    fig, ax = new_figure(figsize=(8, 5))
    mh.plot_neuron_loss(ax, paths, data=d)
    return fig


FIGURES["plot_linearization"] = _linearization
FIGURES["plot_neuron_loss"] = _neuron_loss


def _neuron_graph():
    fig, ax = new_figure(figsize=(11, 4.2))
    mh.plot_neuron_graph(ax, w=-2.0, b=3.0, x=1.2, y=1.0)
    return fig


FIGURES["plot_neuron_graph"] = _neuron_graph


# figures of chapters merged from other branches: registered when the package has them
def _vjp_shapes():
    fig, axes = new_figure(1, 2, figsize=(11, 4.2))
    mh.plot_vjp_shapes(axes)
    return fig


def _autodiff_graph():
    return mh.plot_autodiff_graph().figure


def _jacobian_costs():
    return mh.plot_jacobian_costs([1, 10, 100], [1e-4, 1e-3, 1e-2], [1e-4, 1.1e-4, 1.2e-4]).figure


for _name, _build in (("plot_vjp_shapes", _vjp_shapes), ("plot_autodiff_graph", _autodiff_graph),
                      ("plot_jacobian_costs", _jacobian_costs)):
    if _name in mh.__all__:
        FIGURES[_name] = _build
FIGURES["plot_stable_step"] = lambda: mh.plot_stable_step()
