"""Chapter 2 explorer and figure: the chain rule along a path, and the computation graph.

A point moves along a path (u(t), v(t)) in the plane of a surface z = f(u, v). The height
z(t) = f(u(t), v(t)) changes at the rate

    dz/dt = ∂z/∂u · du/dt + ∂z/∂v · dv/dt,

one contribution per intermediate variable (notes 000 §3, theorem 1). The computation graph
t → u, v → z with the local derivatives on its edges is the picture behind backpropagation.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .._validation import as_expr, as_interval
from ..chain_rule import _check_inner, chain_rule_terms
from ..plotting import lambdify, new_figure, plot_contours
from ._base import Explorer

__all__ = ["chain_rule_path_explorer", "plot_computation_graph", "plot_neuron_graph"]


def _node_positions(names, x):
    k = len(names)
    ys = np.linspace(0.9, 0.1, k) if k > 1 else [0.5]
    return {n: (x, float(yy)) for n, yy in zip(names, ys)}


def plot_computation_graph(ax, f, inner, inputs, *, output="z", at=None, fontsize=12, function_name="f"):
    """Draw the computation graph of z = f(intermediates, inputs) with local derivatives on the edges.

    Inputs are drawn on the left, intermediate variables in the middle, the output on the
    right. Each edge a → b carries the local derivative of b in a, written as the chapter
    writes it:

    * input edges: ∂u/∂x, or du/dt when there is a single input (u is a function of t alone);
    * output edges: ∂z/∂u (in the intermediate variables, as a network layer sees it), or
      dz/du when z depends on one variable only;
    * when f also uses an input directly, the output node depends on that input along two
      kinds of path, so the edges into the output carry the partials of the *function* f with
      its other arguments held fixed: ∂f/∂t on the direct (curved) edge and ∂f/∂u on the others.

    With ``at`` = {input: value}, each edge also shows its value there; the chain rule
    multiplies along each path and adds the paths.

    Parameters
    ----------
    ax : matplotlib 2-D axes (its axis lines are switched off)
    f : sympy expression in the intermediate variables (and possibly the inputs)
    inner : dict {intermediate symbol: expression in the inputs}
    inputs : list of input symbols
    output : name of the output node
    at : dict {input symbol: number}, optional
    function_name : the name of f on the edges into the output when there is a direct edge

    Returns
    -------
    dict {(a, b): local derivative} for every drawn edge (sympy expressions)

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers.plotting import new_figure
    >>> from mvcalc_helpers import plot_computation_graph
    >>> t, u, v = sp.symbols("t u v")
    >>> fig, ax = new_figure()
    >>> edges = plot_computation_graph(ax, u*v, {u: sp.exp(t), v: sp.cos(t)}, [t])   # notes 000 §3 ex. 1
    >>> edges
    {('t', 'u'): exp(t), ('t', 'v'): -sin(t), ('u', 'z'): v, ('v', 'z'): u}
    >>> print(*[t.get_text().split(" =")[0] for t in ax.texts if "=" in t.get_text()])  # one input: du/dt
    $\\frac{du}{dt} $\\frac{dv}{dt} $\\frac{\\partial z}{\\partial u} $\\frac{\\partial z}{\\partial v}
    """
    from matplotlib.patches import Circle

    f = as_expr(f)
    inner = _check_inner(inner)
    inputs = list(inputs)
    if not inputs or not all(isinstance(s, sp.Symbol) for s in inputs):
        raise TypeError("inputs must be a non-empty list of sympy symbols, e.g. [t] or [x, y]")
    used = {s for e in inner.values() for s in e.free_symbols} | (f.free_symbols - set(inner))
    missing = used - set(inputs) - set(inner)
    if missing:
        raise ValueError(f"the functions use {sorted(map(str, missing))}, which are neither inputs nor "
                         f"intermediate variables; add them to inputs")
    if at is not None:
        at = {k: float(v) for k, v in at.items()}
        if set(at) != set(inputs):
            raise ValueError(f"at must give a value for every input {inputs}")
    mids = [m for m in inner if f.has(m)]
    pos = {**_node_positions([str(s) for s in inputs], 0.0), **_node_positions([str(m) for m in mids], 1.0),
           output: (2.0, 0.5)}
    values = {}
    if at is not None:
        values = {str(k): v for k, v in at.items()}
        subs_in = {k: v for k, v in at.items()}
        for m in mids:
            values[str(m)] = float(inner[m].subs(subs_in))
        values[output] = float(f.subs(inner, simultaneous=True).subs(subs_in))
    subs_all = None if at is None else {**{k: v for k, v in at.items()},
                                        **{m: values[str(m)] for m in mids}}
    edges = {}
    for s in inputs:
        for m in mids:
            d = sp.diff(inner[m], s)
            if d != 0:
                edges[(str(s), str(m))] = d
    for m in mids:
        edges[(str(m), output)] = sp.diff(f, m)
    for s in inputs:
        if f.has(s):
            d = sp.diff(f, s)
            if d != 0:
                edges[(str(s), output)] = d

    has_direct = any(b == output and a in {str(s) for s in inputs} for a, b in edges)
    n_into_output = sum(1 for _, b in edges if b == output)

    def edge_symbol(a, b):
        if b == output:
            head = function_name if has_direct else b
            one = n_into_output == 1 and not has_direct
        else:
            head = b
            one = len(inputs) == 1
        return rf"\frac{{d{head}}}{{d{a}}}" if one else rf"\frac{{\partial {head}}}{{\partial {a}}}"

    def crosses(a, b):           # an input edge that goes diagonally across the picture
        return pos[a][0] == 0.0 and pos[b][0] == 1.0 and abs(pos[a][1] - pos[b][1]) > 0.4

    r = 0.11
    mid_ys = [pos[str(m)][1] for m in mids] or [0.5]
    top, bottom = max(mid_ys) + 0.3, min(mid_ys) - 0.3
    y_extent = [-0.12, 1.02]
    for (a, b), d in edges.items():
        (xa, ya), (xb, yb) = pos[a], pos[b]
        direct = xb - xa > 1.5
        # several inputs: input-edge labels near the source, so that crossing edges' labels don't collide
        # crossing edges: labels near the target, away from the crossing and from each other
        frac = 0.36 if (xa == 0.0 and len(inputs) > 1) else 0.5
        if crosses(a, b):
            frac = 0.72
        mx, my = xa + frac * (xb - xa), ya + frac * (yb - ya)
        rad = 0.0
        if direct:   # arc over (or under) the middle layer; arc3's apex is rad·dx/2 off the chord
            target = max(top, ya + 0.2, yb + 0.2) if ya >= 0.5 else min(bottom, ya - 0.2, yb - 0.2)
            y_extent.append(target)
            mx, my = (xa + xb) / 2, (ya + yb) / 2
            rad = -(target - my) / (0.5 * (xb - xa))
            my = target
        ax.annotate("", xy=(xb, yb), xytext=(xa, ya),
                    arrowprops=dict(arrowstyle="-|>", lw=1.6, color="0.25", shrinkA=22, shrinkB=22,
                                    mutation_scale=16, connectionstyle=f"arc3,rad={rad:.3f}"))
        label = rf"${edge_symbol(a, b)} = {sp.latex(d)}$"
        if subs_all is not None:
            label += f"\n= {float(d.subs(subs_all)):.3f}".replace("-", "−")
        ax.text(mx, my, label, ha="center", va="center", fontsize=fontsize - 1,
                bbox=dict(boxstyle="round,pad=0.25", fc="lightyellow", ec="0.6"))
    for name, (xn, yn) in pos.items():
        colour = {0.0: "#cfe3ff", 1.0: "#d8f5d0", 2.0: "#ffd9cc"}[xn]
        ax.add_patch(Circle((xn, yn), r, fc=colour, ec="0.2", lw=1.5, zorder=3))
        ax.text(xn, yn, f"${name}$", ha="center", va="center", fontsize=fontsize + 3, zorder=4)
        if name in values:
            ax.text(xn, yn - r - 0.05, f"{values[name]:.3f}".replace("-", "−"), ha="center", va="top", fontsize=fontsize - 2,
                    color="0.3", zorder=4)
    ax.set_xlim(-0.3, 2.3)
    ax.set_ylim(min(y_extent) - 0.1, max(y_extent) + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    return edges


def _path_callables(f, u_expr, v_expr):
    f = as_expr(f, "f")
    u_expr = as_expr(u_expr, "u")
    v_expr = as_expr(v_expr, "v")
    names_f = {s.name: s for s in f.free_symbols}
    extra = sorted(set(names_f) - {"u", "v"})
    if extra:
        raise ValueError(f"f must be an expression in u and v only; it also contains {extra}")
    for nm, e in (("u", u_expr), ("v", v_expr)):
        extra = sorted({s.name for s in e.free_symbols} - {"t"})
        if extra:
            raise ValueError(f"{nm}(t) must be an expression in t only; it contains {extra}")
    U = names_f.get("u", sp.Symbol("u"))
    V = names_f.get("v", sp.Symbol("v"))
    t = next((s for s in (u_expr.free_symbols | v_expr.free_symbols) if s.name == "t"), sp.Symbol("t"))
    terms = {T.via: T for T in chain_rule_terms(f, {U: u_expr, V: v_expr}, t)}
    zero = sp.Integer(0)
    parts = [terms[m].product if m in terms else zero for m in (U, V)]
    return dict(
        f=lambdify(f, [U, V]), u=lambdify(u_expr, [t]), v=lambdify(v_expr, [t]),
        z=lambdify(f.subs({U: u_expr, V: v_expr}, simultaneous=True), [t]),
        du=lambdify(sp.diff(u_expr, t), [t]), dv=lambdify(sp.diff(v_expr, t), [t]),
        part_u=lambdify(parts[0], [t]), part_v=lambdify(parts[1], [t]),
        latex=(sp.latex(f), sp.latex(u_expr), sp.latex(v_expr)),
    )


def chain_rule_path_explorer(f=None, u=None, v=None, t0: float = 0.5, *, tlim=(-1.0, 2.0),
                             step: float = 0.05) -> Explorer:
    """Slider explorer: move t along a path (u(t), v(t)) and split dz/dt into its two chain-rule terms.

    Left: contours of z = f(u, v), the path and the moving point with its velocity
    (du/dt, dv/dt). Middle: z(t) = f(u(t), v(t)) with the tangent at t (slope dz/dt). Right: the
    contributions ∂z/∂u·du/dt and ∂z/∂v·dv/dt as bars, and their sum dz/dt.

    Parameters
    ----------
    f : sympy expression in u, v (default u·v, notes 000 §3 example 1)
    u, v : sympy expressions in t (default u = eᵗ, v = cos t)
    t0 : starting value of t
    tlim : range of the t slider
    step : slider step

    Examples
    --------
    >>> import re
    >>> from mvcalc_helpers import chain_rule_path_explorer
    >>> ex = chain_rule_path_explorer(t0=0.0)       # dz/dt = eᵗ(cos t − sin t) = 1 at t = 0
    >>> [float(s) for s in re.findall(r"<b>(-?[0-9.]+)</b>", ex.readout_text)]
    [1.0, 0.0, 1.0]
    >>> chain_rule_path_explorer(u="x*t")
    Traceback (most recent call last):
    ...
    ValueError: u(t) must be an expression in t only; it contains ['x']
    """
    import ipywidgets as widgets

    t_ = sp.Symbol("t")
    u_ = sp.Symbol("u")
    v_ = sp.Symbol("v")
    f = u_ * v_ if f is None else f
    u = sp.exp(t_) if u is None else u
    v = sp.cos(t_) if v is None else v
    C = _path_callables(f, u, v)
    lo, hi = as_interval(tlim, "tlim")
    try:
        t0 = float(t0)
    except (TypeError, ValueError):
        raise TypeError(f"t0 must be a number, got {t0!r}") from None
    if not lo <= t0 <= hi:
        raise ValueError(f"t0 = {t0} lies outside tlim = {tlim}")
    if not step > 0:
        raise ValueError(f"step must be positive, got {step!r}")

    ts = np.linspace(lo, hi, 300)
    with np.errstate(all="ignore"):
        us, vs, zs = C["u"](ts), C["v"](ts), C["z"](ts)
        pu, pv = C["part_u"](ts), C["part_v"](ts)
    if not all(np.all(np.isfinite(a)) for a in (us, vs, zs, pu, pv)):
        raise ValueError("the path or z(t) is not finite for some t in tlim; choose another tlim")
    du_, dv_ = C["du"](ts), C["dv"](ts)
    span_u = max(us.max() - us.min(), 1e-3)
    span_v = max(vs.max() - vs.min(), 1e-3)
    ulim = (us.min() - 0.15 * span_u - 0.2, us.max() + 0.15 * span_u + 0.2)
    vlim = (vs.min() - 0.15 * span_v - 0.2, vs.max() + 0.15 * span_v + 0.2)
    # velocity arrows drawn as displacement over dt so they stay inside the picture
    vmax = float(np.max(np.hypot(du_ / (ulim[1] - ulim[0]), dv_ / (vlim[1] - vlim[0])))) or 1.0
    dt = 0.25 / vmax

    fig, axes = new_figure(1, 3, figsize=(13, 4.2), width_ratios=[1.15, 1.15, 0.8])
    axc, axz, axb = axes
    gu, gv = np.meshgrid(np.linspace(*ulim, 80), np.linspace(*vlim, 80))
    with np.errstate(all="ignore"):
        gz = np.asarray(C["f"](gu, gv), dtype=float)
    fl, ul, vl = C["latex"]
    plot_contours(axc, gu, gv, np.where(np.isfinite(gz), gz, np.nan), levels=18, labels=("u", "v"),
                  title=f"z = ${fl}$ and the path", cmap="viridis")
    # equal scales when u and v have comparable ranges, so a circular path is drawn as a circle;
    # otherwise (e.g. u = eᵗ against v = cos t) stretch the axes to use the panel
    wide = (ulim[1] - ulim[0]) / (vlim[1] - vlim[0])
    axc.set_aspect("equal" if 0.4 < wide < 2.5 else "auto")
    axc.plot(us, vs, color="white", lw=2.5)
    axc.plot(us, vs, color="crimson", lw=1.5, label=f"path u = ${ul}$, v = ${vl}$")
    axc.legend(loc="upper right", fontsize=8)
    (pt_c,) = axc.plot([], [], "o", color="crimson", mec="white", ms=9)
    arrow = axc.annotate("", xy=(0, 0), xytext=(0, 0),
                         arrowprops=dict(arrowstyle="-|>", color="black", lw=2, mutation_scale=15))

    axz.plot(ts, zs, color="navy", lw=2, label="z(t) = f(u(t), v(t))")
    axz.set(xlabel="t", ylabel="z", title="z(t) and its tangent: slope dz/dt")
    zpad = 0.1 * (zs.max() - zs.min() or 1.0)
    tpad = 0.04 * (hi - lo)                 # the point at a slider end stays whole (not cut off)
    axz.set_xlim(lo - tpad, hi + tpad)
    axz.set_ylim(zs.min() - zpad, zs.max() + zpad)
    (tan_z,) = axz.plot([], [], "--", color="darkorange", lw=2, label="tangent")
    (pt_z,) = axz.plot([], [], "o", color="crimson", ms=8)
    axz.legend(loc="lower left", fontsize=9)

    names = ["∂z/∂u·du/dt", "∂z/∂v·dv/dt", "dz/dt"]
    bars = axb.bar([0, 1, 2], [0, 0, 0], color=["tab:blue", "tab:green", "darkorange"], width=0.6)
    axb.set_xticks([0, 1, 2], names, fontsize=9)
    axb.axhline(0, color="k", lw=0.8)
    allv = np.concatenate([pu, pv, pu + pv, [0.0]])
    bpad = 0.15 * (allv.max() - allv.min() or 1.0)
    axb.set_ylim(allv.min() - bpad, allv.max() + bpad)
    axb.set_title("the chain rule: two contributions")
    texts = [axb.text(i, 0, "", ha="center", fontsize=9) for i in range(3)]
    tlabel = axz.text(0.03, 0.95, "", transform=axz.transAxes, va="top", fontsize=10,
                      bbox=dict(boxstyle="round", fc="white", ec="0.7", alpha=0.9))
    half = 0.18 * (hi - lo)
    off = 0.03 * (allv.max() - allv.min() + 2 * bpad)

    def update(t):
        a = np.array(float(t))
        uu, vv, zz = float(C["u"](a)), float(C["v"](a)), float(C["z"](a))
        du, dv = float(C["du"](a)), float(C["dv"](a))
        p_u, p_v = float(C["part_u"](a)), float(C["part_v"](a))
        total = p_u + p_v
        pt_c.set_data([uu], [vv])
        arrow.xy = (uu + du * dt, vv + dv * dt)
        arrow.set_position((uu, vv))
        pt_z.set_data([t], [zz])
        tan_z.set_data([t - half, t + half], [zz - total * half, zz + total * half])
        for bar, txt, val in zip(bars, texts, (p_u, p_v, total)):
            bar.set_height(val)
            txt.set_position((txt.get_position()[0], val + (off if val >= 0 else -off)))
            txt.set_va("bottom" if val >= 0 else "top")
            txt.set_text(f"{val:.3f}")
        tlabel.set_text(f"t = {t:.2f}\ndz/dt = {total:.3f}")
        return (f"t = {t:.2f}: dz/dt = ∂z/∂u·du/dt + ∂z/∂v·dv/dt = <b>{p_u:.3f}</b> + "
                f"<b>{p_v:.3f}</b> = <b>{total:.3f}</b>")

    controls = {"t": widgets.FloatSlider(value=t0, min=lo, max=hi, step=step, description="t",
                                         readout_format=".2f")}
    animated = [pt_c, arrow, pt_z, tan_z, *bars, *texts, tlabel]
    return Explorer(fig, controls, update, animated=animated,
                    title="Chain rule along a path (链式法则): dz/dt = ∂z/∂u·du/dt + ∂z/∂v·dv/dt")


def plot_neuron_graph(ax, w: float, b: float, x: float, y: float, *, fontsize: int = 11):
    """The running example's computation graph for one image, forward and backward.

    Nodes w, x, b → z = w·x + b → p = σ(z) → ℓ = −y log p − (1 − y) log(1 − p) (and the
    label y → ℓ). Each edge carries its local derivative (∂z/∂w = x, ∂z/∂b = 1,
    dp/dz = p(1 − p), ∂ℓ/∂p = (p − y)/(p(1 − p))) and its value; above each node its forward
    value, below it in red the backward value ∂ℓ/∂(node), the product of the local derivatives
    along the path from ℓ. The edges from the data x and y are grey: they are not trained.

    Returns
    -------
    dict with the forward values ``z``, ``p``, ``loss`` and the backward values ``dl_dp``,
    ``dl_dz``, ``dl_dw``, ``dl_db`` (floats).

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers.plotting import new_figure
    >>> from mvcalc_helpers import plot_neuron_graph, sigmoid
    >>> fig, ax = new_figure(figsize=(11, 4))
    >>> g = plot_neuron_graph(ax, w=2.0, b=-1.0, x=1.5, y=1.0)
    >>> p = sigmoid(2.0 * 1.5 - 1.0)
    >>> np.allclose([g["dl_dz"], g["dl_dw"], g["dl_db"]], [p - 1, (p - 1) * 1.5, p - 1])
    True
    """
    from matplotlib.patches import Circle

    from ..neuron import sigmoid

    try:
        w, b, x, y = (float(v) for v in (w, b, x, y))
    except (TypeError, ValueError):
        raise TypeError("w, b, x and y must be numbers (one example)") from None
    if y not in (0.0, 1.0):
        raise ValueError(f"the label y must be 0 or 1, got {y}")
    z = w * x + b
    p = float(sigmoid(z))
    loss = float(np.logaddexp(0.0, z) - y * z)
    dp_dz = p * (1 - p)
    dl_dp = (p - y) / dp_dz
    dl_dz = p - y                        # = dl_dp · dp_dz, without dividing by a tiny p(1 − p)
    dl_dw, dl_db = dl_dz * x, dl_dz
    pos = {"w": (0.0, 1.0), "x": (0.0, 0.5), "b": (0.0, 0.0), "z": (1.3, 0.5), "p": (2.6, 0.5),
           "y": (2.6, -0.25), "ℓ": (3.9, 0.5)}
    tex = {"w": "w", "x": "x", "b": "b", "z": "z", "p": "p", "y": "y", "ℓ": r"\ell"}
    fwd = {"w": w, "x": x, "b": b, "z": z, "p": p, "y": y, "ℓ": loss}
    back = {"w": dl_dw, "b": dl_db, "z": dl_dz, "p": dl_dp, "ℓ": 1.0}
    local = {("w", "z"): (r"\frac{\partial z}{\partial w} = x", x),
             ("b", "z"): (r"\frac{\partial z}{\partial b} = 1", 1.0),
             ("z", "p"): (r"\frac{dp}{dz} = p(1-p)", dp_dz),
             ("p", "ℓ"): (r"\frac{\partial \ell}{\partial p} = \frac{p-y}{p(1-p)}", dl_dp)}
    num = lambda v: f"{v:.3f}".replace("-", "−")
    r = 0.13
    for (a, c) in [("w", "z"), ("x", "z"), ("b", "z"), ("z", "p"), ("p", "ℓ"), ("y", "ℓ")]:
        (xa, ya), (xc, yc) = pos[a], pos[c]
        data_edge = (a, c) not in local
        ax.annotate("", xy=(xc, yc), xytext=(xa, ya),
                    arrowprops=dict(arrowstyle="-|>", lw=1.6, color="0.7" if data_edge else "0.25",
                                    shrinkA=20, shrinkB=20, mutation_scale=15))
        if not data_edge:
            lab, val = local[(a, c)]
            frac = 0.5 if ya == yc else 0.55
            mx, my = xa + frac * (xc - xa), ya + frac * (yc - ya)
            my += 0.2 if ya == yc else 0.0
            ax.text(mx, my, f"${lab}$\n= {num(val)}", ha="center", va="center", fontsize=fontsize - 1,
                    bbox=dict(boxstyle="round,pad=0.25", fc="lightyellow", ec="0.6"))
    for name, (xn, yn) in pos.items():
        data_node = name in ("x", "y")
        colour = "#eeeeee" if data_node else ("#cfe3ff" if xn == 0.0 else "#ffd9cc" if name == "ℓ" else "#d8f5d0")
        ax.add_patch(Circle((xn, yn), r, fc=colour, ec="0.2", lw=1.5, zorder=3))
        ax.text(xn, yn, f"${tex[name]}$", ha="center", va="center", fontsize=fontsize + 4, zorder=4)
        side = -1 if xn == 0.0 else 1
        if xn == 0.0:      # inputs: values to the left of the node
            ax.text(xn - r - 0.06, yn + 0.07, f"{name} = {num(fwd[name])}", ha="right", va="center",
                    fontsize=fontsize - 1, color="0.2")
            if name in back:
                ax.text(xn - r - 0.06, yn - 0.08, f"∂ℓ/∂{name} = {num(back[name])}", ha="right",
                        va="center", fontsize=fontsize - 1, color="tab:red")
        else:
            ax.text(xn, yn + r + 0.04, f"{name} = {num(fwd[name])}", ha="center", va="bottom",
                    fontsize=fontsize - 1, color="0.2")
            if name in back:
                ax.text(xn, yn - r - 0.04, f"∂ℓ/∂{name} = {num(back[name])}", ha="center", va="top",
                        fontsize=fontsize - 1, color="tab:red")
        del side
    ax.set_xlim(-1.25, 4.3)
    ax.set_ylim(-0.5, 1.25)
    ax.set_aspect("equal")
    ax.axis("off")
    return {"z": z, "p": p, "loss": loss, "dl_dp": dl_dp, "dl_dz": dl_dz, "dl_dw": dl_dw, "dl_db": dl_db}
