"""Chapter 8 figures: a computation graph of the autodiff engine, and its reverse sweep step by step."""
from __future__ import annotations

import numpy as np

__all__ = ["neuron_graph", "plot_autodiff_graph", "reverse_sweep_explorer", "plot_jacobian_costs"]

_OP_SYMBOL = {"+": "+", "*": "×", "/": "÷", "@": "@", "neg": "−", "sum": "Σ", "relu": "relu", "exp": "exp",
              "log": "log", "tanh": "tanh", "sin": "sin", "T": "ᵀ", "reshape": "reshape",
              "cross_entropy": "CE"}


def neuron_graph(w: float = 0.5, b: float = -0.5, x: float = 1.5, y: float = 1.0):
    """The running example's loss for one image, built on the engine with named nodes.

    ``ℓ = log(1 + exp(z)) − y·z`` with ``z = w·x + b`` (the binary cross-entropy of chapters 1–7,
    written with softplus). ``z`` is used twice — by ``exp`` and by ``y·z`` — so its gradient
    arrives in two parts that the reverse sweep adds.

    Returns
    -------
    loss : Tensor
        The root, a scalar.
    labels : dict
        ``{id(tensor): name}`` for every node, for drawing.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers.explorers.autodiff import neuron_graph
    >>> loss, labels = neuron_graph(w=0.5, b=-0.5, x=1.5, y=1.0)
    >>> sorted(labels.values())[:5]
    ['1', '1 + exp(z)', 'b', 'exp(z)', 'log(1 + exp(z))']
    >>> p = 1 / (1 + np.exp(-(0.5 * 1.5 - 0.5)))
    >>> bool(np.isclose(loss.item(), -np.log(p)))
    True
    """
    from ..autodiff import Tensor

    W = Tensor(w, requires_grad=True)
    B = Tensor(b, requires_grad=True)
    X, Y = Tensor(x), Tensor(y)
    wx = W * X
    z = wx + B
    ez = z.exp()
    one_plus = ez + 1.0
    sp_ = one_plus.log()
    yz = Y * z
    loss = sp_ - yz
    # "a − b" is built as a + (−b): name the hidden negation too
    neg = loss._parents[1]
    const = one_plus._parents[1]
    names = [(W, "w", 0, 1.0), (X, "x", 0, 0.0), (wx, "w·x", 1, 0.5), (B, "b", 1, -0.5),
             (z, "z = w·x + b", 2, 0.0), (const, "1", 3, 2.0), (ez, "exp(z)", 3, 1.0),
             (Y, "y", 2, -1.5), (yz, "y·z", 3, -1.0), (one_plus, "1 + exp(z)", 4, 1.0),
             (neg, "−y·z", 4, -1.0), (sp_, "log(1 + exp(z))", 5, 1.0), (loss, "ℓ", 6, 0.0)]
    loss.layout = {id(t): (float(cx), float(cy)) for t, _, cx, cy in names}
    return loss, {id(t): name for t, name, _, _ in names}


def _layout(order, root):
    """Positions {id: (x, y)}: a node's column is one right of its latest input; a leaf sits one
    column left of its first use; within a column nodes are ordered by their inputs' heights.
    A root built by :func:`neuron_graph` carries hand-made positions in ``root.layout``."""
    given = getattr(root, "layout", None)
    if given and all(id(n) in given for n in order):
        return dict(given)
    col = {}
    for node in order:                                   # parents come first in ``order``
        if node._parents:
            col[id(node)] = 1 + max(col[id(p)] for p in node._parents if id(p) in col)
        else:
            col[id(node)] = 0
    for node in reversed(order):                        # pull leaves next to their first use
        users = [col[id(n)] for n in order if any(p is node for p in n._parents)]
        if not node._parents and users:
            col[id(node)] = min(users) - 1
    pos, placed = {}, {}
    for node in sorted(order, key=lambda n: col[id(n)]):
        parents_y = [pos[id(p)][1] for p in node._parents if id(p) in pos]
        key = sum(parents_y) / len(parents_y) if parents_y else 0.0
        placed.setdefault(col[id(node)], []).append((key, node))
        pos[id(node)] = (float(col[id(node)]), key)
    for c, items in placed.items():                     # spread each column evenly
        items.sort(key=lambda kn: -kn[0])
        n = len(items)
        for i, (_, node) in enumerate(items):
            pos[id(node)] = (float(c), 1.2 * ((n - 1) / 2.0 - i))
    return pos


def _fmt(a) -> str:
    a = np.asarray(a, dtype=float)
    if a.size == 1:
        return f"{float(a) + 0.0:.3f}"
    return np.array2string(np.round(a, 2) + 0.0, precision=2, separator=" ")


def _steps(root):
    """Run the reverse sweep once and record what the explorer shows after each step."""
    from ..autodiff import _reverse_sweep

    done, states = {}, []
    for node, g, pending in _reverse_sweep(root, record=True):
        done[id(node)] = g
        states.append((node, dict(done), pending))
    return states


def _draw(ax, order, pos, labels, state=None):
    """Draw the graph on ``ax``; with ``state`` (node, done, pending) colour the sweep so far."""
    ax.clear()
    ax.set_axis_off()
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.5)
    current, done, pending = state if state is not None else (None, {}, {})
    users: dict = {}
    for n in order:
        for p in n._parents:
            users.setdefault(id(p), set()).add(id(n))
    boxes = {}
    for node in order:
        x, y = pos[id(node)]
        name = _name(node, labels)
        if current is not None and node is current:
            fc, ec = "#ffd27f", "tab:orange"
        elif id(node) in done:
            fc, ec = "#ffe3e3", "tab:red"
        elif id(node) in pending:
            fc, ec = "#fff4f4", "tab:red"
        else:
            fc, ec = "#eef5ff" if node.requires_grad else "#f2f2f2", "0.5"
        boxes[id(node)] = ax.text(x, y, f"{name}\n= {_fmt(node.data)}", ha="center", va="center",
                                  fontsize=9, zorder=3, bbox=dict(boxstyle="round,pad=0.3", fc=fc, ec=ec))
        g = done.get(id(node), pending.get(id(node)))
        if g is not None:
            # a node waiting in the sweep has its whole gradient once every node that uses it
            # has been processed; before that it holds only part of it
            complete = id(node) in done or all(u in done for u in users.get(id(node), ()))
            tag = "ḡ" if complete else "ḡ so far"
            ax.text(x, y - 0.3, f"{tag} = {_fmt(g)}", ha="center", va="top", fontsize=9,
                    color="tab:red", zorder=3)
    for node in order:                      # arrows from box edge to box edge
        seen = []
        for p in node._parents:
            # an input used twice by one node (x·x), or an edge that skips a column and would run
            # behind other boxes, is drawn as an arc
            skips = pos[id(node)][0] - pos[id(p)][0] > 1 and pos[id(node)][1] == pos[id(p)][1]
            rad = 0.35 * (1 + seen.count(id(p))) if (id(p) in seen or skips) else 0.0
            seen.append(id(p))
            ax.annotate("", xy=(0.0, 0.5), xycoords=boxes[id(node)], xytext=(1.0, 0.5),
                        textcoords=boxes[id(p)], zorder=2,
                        arrowprops=dict(arrowstyle="->", color="0.55", lw=1.0, shrinkA=4, shrinkB=4,
                                        connectionstyle=f"arc3,rad={rad}"))


def _graph(root, labels, what: str):
    """(root, labels, topological order) of the graph to draw; the running example by default."""
    from ..autodiff import Tensor, topological_order

    if root is None:
        root, labels = neuron_graph()
    if not isinstance(root, Tensor):
        raise TypeError(f"{what} needs a Tensor (the root of the graph)")
    order = topological_order(root)
    if len(order) > 30:
        raise ValueError(f"the graph has {len(order)} nodes; {what} draws graphs of at most 30 nodes")
    return root, dict(labels or {}), order


def _name(node, labels) -> str:
    """A node's label: the given name, else its operation's symbol, else 'leaf'."""
    return labels.get(id(node), _OP_SYMBOL.get(node._op, node._op) or "leaf")


def plot_autodiff_graph(root=None, labels=None, ax=None):
    """Draw the computation graph of a scalar Tensor, inputs on the left, the loss on the right.

    Every node shows its value; with the default (the running example's loss, :func:`neuron_graph`)
    it is the graph that chapter 8 differentiates by hand and with the engine. Returns the axes.

    >>> from mvcalc_helpers.explorers.autodiff import plot_autodiff_graph
    >>> ax = plot_autodiff_graph()
    >>> any(t.get_text().startswith("z = w·x + b") for t in ax.texts)
    True
    """
    from ..plotting import new_figure

    root, labels, order = _graph(root, labels, "plot_autodiff_graph")
    pos = _layout(order, root)
    if ax is None:
        width = min(11.0, 2.0 + 1.6 * (max(p[0] for p in pos.values()) + 1))
        height = min(4.2, 1.6 + 0.9 * (max(p[1] for p in pos.values()) - min(p[1] for p in pos.values())))
        _, ax = new_figure(figsize=(width, height), layout=None)
        ax.figure.subplots_adjust(0.01, 0.01, 0.99, 0.99)
    _draw(ax, order, pos, labels)
    return ax


def reverse_sweep_explorer(root=None, labels=None):
    """Step through the reverse sweep: slider k processes the k-th node in reverse topological order.

    The node being processed is orange; processed nodes are red; a node waiting to be processed is
    pale red, labelled "ḡ so far" while some node that uses it has not sent its part yet (a node
    used twice) and "ḡ" once its gradient ḡ = ∂ℓ/∂(node) is complete. The readout
    says what step k does. Default graph: the running example's loss, :func:`neuron_graph`.

    >>> from mvcalc_helpers.explorers.autodiff import reverse_sweep_explorer
    >>> ex = reverse_sweep_explorer()
    >>> ex.controls["k"].max          # one step per node that needs a gradient (not x, y, 1)
    10
    >>> "z = w·x + b" in ex.update(k=6)            # z gets its gradient from two uses
    True
    """
    import ipywidgets as widgets

    from ..plotting import new_figure
    from ._base import Explorer

    root, labels, order = _graph(root, labels, "reverse_sweep_explorer")
    states = _steps(root)
    pos = _layout(order, root)
    fig, ax = new_figure(figsize=(11, 4.2), layout=None)
    fig.subplots_adjust(0.01, 0.01, 0.99, 0.99)

    def update(k):
        if k == 0:
            _draw(ax, order, pos, labels)
            return ("k = 0: the forward pass is done — every node holds its value. "
                    "Move k to run the backward sweep, one node per step.")
        node, done, pending = states[k - 1]
        _draw(ax, order, pos, labels, (node, done, pending))
        g = done[id(node)]
        if not node._parents:
            what = "a leaf: its gradient is final" + (" and goes into .grad" if node.requires_grad else "")
        else:
            parents = ", ".join(_name(p, labels) for p in node._parents if p.requires_grad)
            what = f"its VJP sends gradients to {parents}"
        return (f"step {k}/{len(states)}: node <b>{_name(node, labels)}</b>, ḡ = {_fmt(g)} — {what}.")

    slider = widgets.IntSlider(value=0, min=0, max=len(states), step=1, description="step k")
    return Explorer(fig, {"k": slider}, update, title="Reverse sweep (反向传播), one node at a time")


def plot_jacobian_costs(ns, forward_costs, reverse_costs, ax=None, *, title=None,
                        xlabel="n (number of inputs)",
                        labels=("forward mode (n JVPs)", "reverse mode (1 VJP)"),
                        ylabel="work: array entries computed"):
    """Log–log plot of the cost of a full Jacobian by forward and by reverse mode against n.

    The costs are :func:`~mvcalc_helpers.autodiff.jacobian_costs`' ``*_work`` counts (or its
    ``*_seconds``, with ``ylabel="seconds"``).

    >>> from mvcalc_helpers.explorers.autodiff import plot_jacobian_costs
    >>> ax = plot_jacobian_costs([1, 10, 100], [6, 600, 60000], [6, 60, 600])
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['forward mode (n JVPs)', 'reverse mode (1 VJP)']
    """
    from ..plotting import new_figure

    ns, fw, rv = (np.asarray(a, dtype=float) for a in (ns, forward_costs, reverse_costs))
    if not (ns.shape == fw.shape == rv.shape) or ns.ndim != 1:
        raise ValueError("ns, forward_costs and reverse_costs must be 1-D arrays of one length")
    if ax is None:
        _, ax = new_figure(figsize=(6.4, 4.2))
    ax.loglog(ns, fw, "o-", label=labels[0])
    ax.loglog(ns, rv, "s-", label=labels[1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or "Gradient of f: ℝⁿ → ℝ")
    ax.legend()
    return ax
