"""Chapter 7 explorer and figures: backpropagation through the notes' two-layer network.

* :func:`backprop_explorer` — scrub one weight w of a network: the loss J(w) along that
  weight, the tangent whose slope is the gradient the backward pass computed, and a central
  finite difference for comparison. Everything is precomputed once on a grid of w values;
  a slider update only moves a marker and the tangent line (blitting).
* :func:`plot_backprop_graph` — the graph X → Y → Z → O → J of a tiny instance with every
  node's value (black) and gradient ∂J/∂· (red).
* :func:`plot_training_history` — loss and accuracy curves of :func:`train_mlp`.
* :func:`plot_relu_subgradients` — relu, its derivative and the choices for relu'(0).
"""
from __future__ import annotations

import numpy as np

__all__ = ["backprop_explorer", "plot_backprop_graph", "plot_training_history", "plot_relu_subgradients",
           "weight_slice"]

_PARAMS = ("W1", "b1", "W2", "b2")


def _default_problem():
    """A small seeded network and batch (3 inputs, 4 hidden units, 2 classes, 8 examples)."""
    from ..nn import TwoLayerMLP

    rng = np.random.default_rng(7)
    net = TwoLayerMLP(3, 4, 2, seed=7)
    net.params["b1"][:] = rng.normal(scale=0.5, size=4)
    X = rng.normal(size=(8, 3))
    y = rng.integers(0, 2, size=8)
    return net, X, y


def _check_problem(net, X, y):
    from ..nn import TwoLayerMLP

    if net is None:
        if X is not None or y is not None:
            raise ValueError("give net together with X and y (or none of them for the default example)")
        return _default_problem()
    if not isinstance(net, TwoLayerMLP):
        raise TypeError(f"net must be a TwoLayerMLP, got {type(net).__name__}")
    if X is None or y is None:
        raise ValueError("give the batch X and labels y on which the loss J is computed")
    X = np.asarray(X)
    n_in = net.params["W1"].shape[0]
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(f"X must have shape (batch, {n_in}) to fit the network; got {X.shape}")
    return net, X, np.asarray(y)


def _check_index(net, param, index):
    if param not in _PARAMS:
        raise ValueError(f"param must be one of {_PARAMS}, got {param!r}")
    shape = net.params[param].shape
    idx = (index,) if np.isscalar(index) else tuple(index)
    if len(idx) != len(shape) or not all(isinstance(i, (int, np.integer)) for i in idx) \
            or not all(0 <= i < n for i, n in zip(idx, shape)):
        raise ValueError(f"index must be {len(shape)} integer(s) inside {param}'s shape {shape}; got {index!r}")
    return tuple(int(i) for i in idx)


def weight_slice(net, X, y, param: str = "W2", index=(0, 0), ws=None, *, h: float = 1e-6):
    """Loss, backprop gradient and central difference as one weight takes the values ``ws``.

    For each w in ``ws`` the entry ``net.params[param][index]`` is set to w, and the forward
    pass, the loss J and the backward pass are run; the parameter is restored afterwards.

    Returns
    -------
    J, dJ_backprop, dJ_fd : arrays of the shape of ``ws``
        J(w), the entry of ∂J/∂param computed by ``net.backward``, and
        [J(w + h) − J(w − h)] / 2h.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import TwoLayerMLP
    >>> from mvcalc_helpers import weight_slice
    >>> net = TwoLayerMLP(3, 4, 2, seed=0)
    >>> X, y = np.random.default_rng(0).normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
    >>> J, g, fd = weight_slice(net, X, y, "W2", (1, 0), ws=[-0.5, 0.0, 0.5])
    >>> np.allclose(g, fd, atol=1e-8)       # backprop's slope = finite difference
    True
    """
    _check_problem(net, X, y)
    index = _check_index(net, param, index)
    ws = np.atleast_1d(np.asarray(ws, dtype=float))
    P = net.params[param]
    w0 = P[index]
    J = np.empty(ws.shape)
    G = np.empty(ws.shape)
    FD = np.empty(ws.shape)
    from ..training import _blas_threads

    try:
        with _blas_threads(1):     # small matrices: one BLAS thread is fastest (see train_mlp)
            for k, w in enumerate(ws):
                P[index] = w + h
                Jp, _ = net.loss(X, y)
                P[index] = w - h
                Jm, _ = net.loss(X, y)
                P[index] = w
                J[k], dO = net.loss(X, y)
                G[k] = net.backward(dO)[param][index]
                FD[k] = (Jp - Jm) / (2 * h)
    finally:
        P[index] = w0
    return J, G, FD


def backprop_explorer(net=None, X=None, y=None, *, param: str = "W2", index=(0, 0),
                      span: float = 1.0, n_points: int = 81):
    """Slider explorer: the loss J as one weight w varies, with backprop's tangent at w.

    The slider moves the chosen weight ``w = net.params[param][index]`` over
    [w₀ − span, w₀ + span] (w₀ its current value). The curve is J(w) (all other weights
    fixed); the red line is the tangent at the current w with slope ∂J/∂w taken from the
    backward pass; the readout compares it with a central finite difference. For a weight
    of W1 the curve can have kinks where a hidden unit's pre-activation crosses 0 (ReLU).
    Everything is precomputed on ``n_points`` grid values (the slider's steps); an update
    only moves the marker and the tangent. The network is left unchanged.

    Parameters
    ----------
    net, X, y : TwoLayerMLP and the batch on which J is measured (default: a small seeded
        3→4→2 network on 8 random examples)
    param : "W1", "b1", "W2" or "b2"
    index : the entry of that parameter, e.g. (0, 0) for a matrix, 3 for a bias
    span : half-width of the scanned interval
    n_points : grid size (odd, so that w₀ itself is a grid value)

    Examples
    --------
    >>> from mvcalc_helpers import backprop_explorer
    >>> ex = backprop_explorer()
    >>> text = ex.update(w=ex.controls["w"].min)
    >>> "∂J/∂w (backprop)" in text and "finite difference" in text
    True
    """
    import ipywidgets as widgets

    from ..plotting import new_figure
    from ._base import Explorer

    net, X, y = _check_problem(net, X, y)
    index = _check_index(net, param, index)
    if isinstance(n_points, bool) or not isinstance(n_points, (int, np.integer)) or n_points < 5 \
            or n_points % 2 == 0:
        raise ValueError(f"n_points must be an odd integer ≥ 5 (w₀ is the middle grid point), got {n_points!r}")
    if not (isinstance(span, (int, float)) and np.isfinite(span) and span > 0):
        raise ValueError(f"span must be a positive number, got {span!r}")
    w0 = float(net.params[param][index])
    ws = w0 + np.linspace(-span, span, n_points)
    J, G, FD = weight_slice(net, X, y, param, index, ws)
    step = ws[1] - ws[0]
    name = f"{param}[{', '.join(map(str, index))}]"

    fig, ax = new_figure(figsize=(7.2, 4.2))
    ax.plot(ws, J, color="tab:blue", lw=2, label=f"J(w), w = {name}")
    ax.axvline(w0, color="gray", lw=0.8, ls=":", label="w₀ (current network)")
    pad = 0.15 * (J.max() - J.min() + 1e-12)
    edge = 0.04 * (ws[-1] - ws[0])           # the current-weight marker stays whole at the slider ends
    ax.set_xlim(ws[0] - edge, ws[-1] + edge)
    ax.set_ylim(J.min() - pad, J.max() + pad)
    ax.set_xlabel(f"w = {name}")
    ax.set_ylabel("loss J")
    ax.set_title("slope of the tangent = ∂J/∂w from the backward pass")
    (tangent,) = ax.plot([], [], color="tab:red", lw=1.6, label="tangent, slope ∂J/∂w (backprop)")
    (marker,) = ax.plot([], [], "o", color="tab:red", ms=8, zorder=5)
    ax.legend(loc="upper center", fontsize=8, framealpha=0.9)
    half = 0.35 * span

    def update(w):
        k = int(np.clip(round((w - ws[0]) / step), 0, n_points - 1))
        wk, Jk, gk = ws[k], J[k], G[k]
        marker.set_data([wk], [Jk])
        tangent.set_data([wk - half, wk + half], [Jk - gk * half, Jk + gk * half])
        return (f"w = {name} = {wk:+.3f}: J = <b>{Jk:.6f}</b>, ∂J/∂w (backprop) = <b>{gk:+.6f}</b>, "
                f"finite difference = {FD[k]:+.6f}")

    slider = widgets.FloatSlider(value=w0, min=ws[0], max=ws[-1], step=step, description="w",
                                 readout_format=".3f")
    return Explorer(fig, {"w": slider}, update, animated=[tangent, marker],
                    title=f"Scrub the weight {name}: loss and its backprop tangent")


def plot_backprop_graph(net=None, X=None, y=None, ax=None):
    """The computation graph X → Y → Z → O → J with values and gradients of a tiny instance.

    Runs forward and backward on ``net`` (default: a seeded 2→3→2 network on one example) and
    writes each node's value in black and ∂J/∂(node) in red; black arrows are the forward pass,
    red dashed arrows the backward pass. Returns the axes.

    Examples
    --------
    >>> from mvcalc_helpers import plot_backprop_graph
    >>> ax = plot_backprop_graph()
    >>> any("∂J/∂W1" in t.get_text() for t in ax.texts)
    True
    """
    from ..nn import TwoLayerMLP
    from ..plotting import new_figure

    if net is None:
        if X is not None or y is not None:
            raise ValueError("give net together with X and y (or none of them for the default example)")
        net = TwoLayerMLP(2, 3, 2, seed=3)
        net.params["b1"][:] = [0.1, -0.2, 0.3]
        X, y = np.array([[1.0, -0.5]]), np.array([0])
    net, X, y = _check_problem(net, X, y)
    if X.shape[0] * max(net.params["W1"].shape) > 12:
        raise ValueError("the graph prints every number: use a tiny instance (one example, ≤ 4 units per layer)")
    O = net.forward(X)
    acts = net.activations
    Xc, Y, Z = acts["X"], acts["Y"], acts["Z"]
    from ..nn import softmax_cross_entropy

    J, dO = softmax_cross_entropy(O, y)
    g = net.backward(dO)
    dZ = dO @ net.params["W2"].T
    dY = dZ * (Y > 0) if net.relu_grad_at_zero == 0 else dZ * ((Y > 0) + net.relu_grad_at_zero * (Y == 0))
    if ax is None:
        _, ax = new_figure(figsize=(12, 5.2), layout=None)
        ax.figure.subplots_adjust(0.01, 0.01, 0.99, 0.92)

    def fmt(a):
        a = np.atleast_2d(a)
        return "\n".join("[" + " ".join(f"{round(v, 2) + 0.0:+.2f}" for v in row) + "]" for row in a)

    # Main chain on y = 0, parameters on y = 2.4, each parameter offset so that no box or
    # gradient label reaches its neighbour (a 3-column matrix is ≈ 1.5 x-units wide).
    nodes = {  # name: (x, y, value, gradient, label)
        "X": (0.0, 0.0, Xc, net.dX, "X (input)"),
        "W1": (1.5, 2.4, net.params["W1"], g["W1"], "W1"),
        "b1": (4.1, 2.4, net.params["b1"], g["b1"], "b1"),
        "Y": (3.1, 0.0, Y, dY, "Y = X·W1 + b1"),
        "Z": (6.0, 0.0, Z, dZ, "Z = relu(Y)"),
        "W2": (7.6, 2.4, net.params["W2"], g["W2"], "W2"),
        "b2": (10.0, 2.4, net.params["b2"], g["b2"], "b2"),
        "O": (9.0, 0.0, O, dO, "O = Z·W2 + b2"),
        "J": (11.9, 0.0, np.array([J]), np.array([1.0]), f"J = CE(O, label {int(y[0])})"),
    }
    ax.set_xlim(-0.9, 12.9)
    ax.set_ylim(-0.85, 3.45)
    texts = {}
    for key, (x0, y0, val, grad, label) in nodes.items():
        param = key in _PARAMS
        rows = np.atleast_2d(val).shape[0]
        t_label = ax.text(x0, y0 + 0.22 + 0.17 * rows, label, ha="center", va="bottom", fontsize=10,
                          weight="bold", color="tab:green" if param else "black")
        t_val = ax.text(x0, y0 + 0.08, fmt(val), ha="center", va="bottom", family="monospace", fontsize=8,
                        bbox=dict(boxstyle="round", fc="#eef5ff" if not param else "#effaf0", ec="gray"))
        gname = "∂J/∂J" if key == "J" else f"∂J/∂{key}"
        t_grad = ax.text(x0, y0 - 0.1, f"{gname} =\n{fmt(grad)}", ha="center", va="top", family="monospace",
                         fontsize=8, color="tab:red")
        texts[key] = (t_label, t_val, t_grad)
    # arrows run between the rendered text boxes, so they never cross a label
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    inv = ax.transData.inverted()

    def box(t):
        (x0, y0), (x1, y1) = inv.transform(t.get_window_extent(renderer).get_points())
        return x0, y0, x1, y1

    gap = 0.12
    chain = ["X", "Y", "Z", "O", "J"]
    for a, b in zip(chain, chain[1:]):
        va, vb = box(texts[a][1].get_bbox_patch()), box(texts[b][1].get_bbox_patch())
        y_fwd = (va[1] + va[3]) / 2
        ax.annotate("", xy=(vb[0] - gap, y_fwd), xytext=(va[2] + gap, y_fwd),
                    arrowprops=dict(arrowstyle="-|>", color="black", lw=1.2))
        ga, gb = box(texts[a][2]), box(texts[b][2])
        y_bwd = (gb[1] + gb[3]) / 2
        ax.annotate("", xy=(ga[2] + gap, y_bwd), xytext=(gb[0] - gap, y_bwd),
                    arrowprops=dict(arrowstyle="-|>", color="tab:red", lw=1.2, ls="--"))
    for a, b in (("W1", "Y"), ("b1", "Y"), ("W2", "O"), ("b2", "O")):
        ga, lb = box(texts[a][2]), box(texts[b][0])
        xa = nodes[a][0]
        xb = nodes[b][0] + 0.25 * np.sign(xa - nodes[b][0])
        ax.annotate("", xy=(xb, lb[3] + gap), xytext=(xa, ga[1] - gap),
                    arrowprops=dict(arrowstyle="-|>", color="black", lw=1.2))
    ax.axis("off")
    ax.set_title("forward pass (black): values — backward pass (red dashed): gradients ∂J/∂·", fontsize=11)
    return ax


def plot_training_history(history, axes=None):
    """Loss (log scale) and accuracy per epoch from :func:`~mvcalc_helpers.train_mlp`.

    Returns the two axes.

    Examples
    --------
    >>> from mvcalc_helpers import plot_training_history
    >>> h = {"epoch": [0, 1, 2], "train_loss": [2.3, 0.5, 0.3], "train_acc": [0.1, 0.9, 0.95],
    ...      "test_loss": [2.3, 0.6, 0.4], "test_acc": [0.1, 0.88, 0.93]}
    >>> ax_loss, ax_acc = plot_training_history(h)
    >>> [l.get_label() for l in ax_acc.get_lines()]
    ['train', 'test']
    """
    if not isinstance(history, dict) or not {"epoch", "train_loss", "train_acc"} <= set(history):
        raise ValueError("history must be the dict returned by train_mlp (keys epoch, train_loss, train_acc, …)")
    if axes is None:
        from ..plotting import new_figure

        _, axes = new_figure(1, 2, figsize=(10, 3.8))
    ax_loss, ax_acc = axes
    ep = history["epoch"]
    for split, style in (("train", "-o"), ("test", "-s")):
        if f"{split}_loss" in history:
            ax_loss.plot(ep, history[f"{split}_loss"], style, ms=3, label=split)
            ax_acc.plot(ep, history[f"{split}_acc"], style, ms=3, label=split)
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("cross-entropy loss J")
    ax_loss.set_title("loss")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_ylim(0, 1.02)
    ax_acc.set_title("accuracy")
    for a in axes:
        a.legend()
    return ax_loss, ax_acc


def plot_relu_subgradients(axes=None, slopes=(0.0, 0.5, 1.0)):
    """relu and its derivative, with the choices for relu'(0) (any value in [0, 1]).

    Left: relu(y) with lines through the kink of slopes in ``slopes`` — each stays below the
    graph, so each slope is a *subgradient* at 0. Right: relu'(y) = 1[y > 0] with the value at
    y = 0 chosen by the notes (1), sympy's Heaviside(0) (½) and PyTorch/JAX (0). Returns the
    two axes.

    Examples
    --------
    >>> from mvcalc_helpers import plot_relu_subgradients
    >>> ax_f, ax_d = plot_relu_subgradients()
    >>> len(ax_f.get_lines())                    # relu + one line per subgradient
    4
    """
    slopes = [float(s) for s in slopes]
    if not slopes or any(not 0 <= s <= 1 for s in slopes):
        raise ValueError(f"subgradients of relu at 0 lie in [0, 1]; got slopes {slopes}")
    if axes is None:
        from ..plotting import new_figure

        _, axes = new_figure(1, 2, figsize=(10, 3.6))
    ax_f, ax_d = axes
    y = np.linspace(-2, 2, 401)
    ax_f.plot(y, np.maximum(y, 0), color="k", lw=2.5, label="relu(y) = max(y, 0)")
    colors = ["tab:blue", "tab:purple", "tab:red", "tab:orange", "tab:green"]
    for i, s in enumerate(slopes):
        ax_f.plot(y, s * y, ls="--", lw=1.3, color=colors[i % len(colors)], label=f"slope {s:g} at 0")
    ax_f.set(xlabel="y", ylabel="relu(y)", ylim=(-1.2, 2.1), title="lines under the kink: subgradients ∈ [0, 1]")
    ax_f.legend(fontsize=8, loc="upper left")
    ax_d.plot(y[y < 0], 0 * y[y < 0], color="k", lw=2.5)
    ax_d.plot(y[y > 0], 1 + 0 * y[y > 0], color="k", lw=2.5, label="relu'(y), y ≠ 0")
    ax_d.plot([0, 0], [0, 1], color="gray", lw=6, alpha=0.3, label="all subgradients at 0")
    for val, lab, c in ((1.0, "notes: relu'(0) = 1", "tab:red"), (0.5, "sympy Heaviside(0) = ½", "tab:purple"),
                        (0.0, "PyTorch / JAX: relu'(0) = 0", "tab:blue")):
        ax_d.plot([0], [val], "o", ms=8, color=c, label=lab, zorder=5)
    ax_d.set(xlabel="y", ylabel="relu'(y)", ylim=(-0.2, 1.3), title="the derivative: a mask, undefined at 0")
    ax_d.legend(fontsize=8, loc="center right")
    return ax_f, ax_d
