"""Chapter 6 explorers and figures: shapes and layouts of ∂J/∂W, finite-difference step size,
and the least-squares fit.

The layout explorer draws the vector–Jacobian product of a linear layer O = XW as blocks of
cells — Xᵀ·∂J/∂O = ∂J/∂W — next to the full Jacobian ∂O/∂W that backpropagation never forms.

The explorer moves the step h of a numerical derivative along a log scale and shows the
relative error of the forward, central and complex-step formulas: truncation error shrinks
with h (O(h), O(h²), O(h²)) while round-off in f(x+h) − f(x) grows like ε/h — except for the
complex step, which subtracts nothing.
"""
from __future__ import annotations

import numpy as np

from ..matrix_calculus import _fd_errors, _fd_setup, finite_difference_errors, squire_trapp_function
from ..plotting import new_figure
from ._base import Explorer

__all__ = ["finite_difference_explorer", "plot_finite_difference_errors", "plot_least_squares_fit",
           "plot_vjp_shapes", "layout_explorer"]

_FLOOR = 1e-17          # an error of exactly 0 is drawn here on the log axis
_STYLE = {"forward": ("tab:blue", "forward  [f(x+h) − f(x)]/h"),
          "central": ("tab:orange", "central  [f(x+h) − f(x−h)]/2h"),
          "complex": ("tab:green", "complex step  Im f(x+ih)/h")}
_WIDTH = {"forward": 1.8, "central": 3.2, "complex": 1.4}   # central and complex coincide for large h
_EPS = np.finfo(float).eps


def _function(f, x0):
    import sympy as sp

    if f is None:
        f, var = squire_trapp_function()
    else:
        from .._validation import as_expr
        f = as_expr(f, "f")
        free = sorted(f.free_symbols, key=str)
        if len(free) != 1:
            raise ValueError(f"f must be an expression in one variable, it has {free or 'none'}")
        var = free[0]
    try:
        x0 = float(x0)
    except (TypeError, ValueError):
        raise TypeError(f"x0 must be a number, got {x0!r}") from None
    if not np.isfinite(x0):
        raise ValueError(f"x0 must be finite, got {x0}")
    return f, var, x0, sp


def plot_finite_difference_errors(ax, f=None, x0: float = 1.5, *, hs=None, references=True):
    """Log-log plot of the relative error of three numerical derivatives of f at x0 against h.

    Blue: forward difference, orange: central difference, green: complex step. With
    ``references=True`` dashed guides show the slopes h (forward truncation), h² (central
    truncation) and ε/h (round-off). Errors that are exactly 0 are drawn at 1e-17, the bottom
    edge of the plot.
    Default f: Squire & Trapp's eˣ/√(sin³x + cos³x) at x0 = 1.5. Returns the
    :func:`finite_difference_errors` dict.

    Examples
    --------
    >>> from mvcalc_helpers.plotting import new_figure
    >>> from mvcalc_helpers import plot_finite_difference_errors
    >>> fig, ax = new_figure()
    >>> err = plot_finite_difference_errors(ax)
    >>> bool(err["complex"].min() < 1e-15 and err["forward"].min() > 1e-10)
    True
    """
    f, var, x0, sp = _function(f, x0)
    hs = np.logspace(-16, -1, 151) if hs is None else np.asarray(hs, dtype=float)
    err = finite_difference_errors(f, x0, hs, var=var)
    for name, (color, label) in _STYLE.items():
        ax.loglog(hs, np.maximum(err[name], _FLOOR), color=color, lw=_WIDTH[name], label=label)
    if references:
        scale = max(abs(float(f.subs(var, x0))), 1e-300) / max(abs(err["exact"]), 1e-300)
        ax.loglog(hs, hs, "k--", lw=0.8, alpha=0.6)
        ax.loglog(hs, hs ** 2, "k-.", lw=0.8, alpha=0.6)
        ax.loglog(hs, scale * _EPS / hs, "k:", lw=1.0, alpha=0.7)
        for x_txt, y_txt, txt in ((1e-3, 3e-3, "∝ h"), (1e-3, 2e-7, "∝ h²"),
                                  (1e-13, scale * _EPS / 1e-13 * 3, "round-off ∝ ε/h")):
            ax.text(x_txt, y_txt, txt, fontsize=9, ha="left", va="bottom" if txt != "∝ h²" else "top")
    ax.axhline(_EPS, color="grey", lw=0.6)
    ax.text(2e-16, _EPS * 4, "machine ε", fontsize=8, color="grey", va="bottom")   # above the green curve
    ax.set_ylim(_FLOOR / 2, 10)
    ax.set_xlim(hs.min() / 3, hs.max() * 3)     # (log axis) markers at the slider ends stay whole
    ax.set_xlabel("step h")
    ax.set_ylabel("relative error of f′(x₀)")
    ax.set_title(f"f = ${sp.latex(f)}$ at x₀ = {x0:g}", fontsize=11)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    return err


def _fmt(e):
    return "0 (exact to double precision)" if e == 0 else f"{e:.1e}"


def finite_difference_explorer(f=None, x0: float = 1.5, h: float = 1e-5, *, step: float = 0.1) -> Explorer:
    """Slider explorer: choose the step h (log scale, 1e-16 … 1e-1) of a numerical derivative.

    The figure shows the error-vs-h curves of the forward, central and complex-step formulas
    (see :func:`plot_finite_difference_errors`) with markers at the current h; the readout
    gives the three relative errors at that h, computed afresh (not read off the curve).

    Parameters
    ----------
    f : sympy expression in one variable (default: Squire & Trapp's eˣ/√(sin³x + cos³x))
    x0 : the point (default 1.5, where f′ = 4.0534278938986201)
    h : starting step, between 1e-16 and 1e-1
    step : slider step in powers of ten (0.1 → one ArrowRight multiplies h by 10^0.1)

    Examples
    --------
    >>> from mvcalc_helpers import finite_difference_explorer
    >>> ex = finite_difference_explorer()
    >>> ex.readout_text.split("<br>")[0]
    'h = 1.0e-05: relative errors of f′(1.5) = 4.053428'
    >>> before = ex.png
    >>> "forward <b>1.2e-04</b>" in ex.update(h=1e-4)   # forward error ≈ h·|f″/(2f′)| = 1.17e-4
    True
    >>> ex.png != before
    True
    >>> finite_difference_explorer(h=1.0)
    Traceback (most recent call last):
    ...
    ValueError: h must lie between 1e-16 and 1e-1 (the slider's range), got 1.0
    """
    import ipywidgets as widgets

    f, var, x0, sp = _function(f, x0)
    try:
        h = float(h)
    except (TypeError, ValueError):
        raise TypeError(f"h must be a number, got {h!r}") from None
    if not 1e-16 <= h <= 1e-1:
        raise ValueError(f"h must lie between 1e-16 and 1e-1 (the slider's range), got {h!r}")
    if not (isinstance(step, (int, float)) and 0 < step <= 1):
        raise ValueError(f"step (in powers of ten) must be in (0, 1], got {step!r}")

    fig, ax = new_figure(figsize=(7.0, 4.6))
    err0 = plot_finite_difference_errors(ax, f, x0)
    exact = err0["exact"]
    markers = {}
    for name, (color, _) in _STYLE.items():
        (markers[name],) = ax.plot([h], [1.0], "o", color=color, ms=9, mec="k", zorder=5)
    vline = ax.axvline(h, color="crimson", lw=1.2)

    fn, _ = _fd_setup(f, var, x0)

    def update(h):
        e = _fd_errors(fn, x0, exact, np.array([float(h)]))
        for name, m in markers.items():
            m.set_data([h], [max(e[name][0], _FLOOR)])
        vline.set_xdata([h, h])
        return (f"h = {h:.1e}: relative errors of f′({x0:g}) = {exact:.6f}<br>"
                f"forward <b>{_fmt(e['forward'][0])}</b> · central <b>{_fmt(e['central'][0])}</b> · "
                f"complex step <b>{_fmt(e['complex'][0])}</b>")

    slider = widgets.FloatLogSlider(value=h, base=10, min=-16, max=-1, step=step, description="h",
                                    readout_format=".1e", continuous_update=True)
    return Explorer(fig, {"h": slider}, update, animated=[*markers.values(), vline],
                    title="Finite-difference step size: truncation vs round-off")


def plot_least_squares_fit(axes, t, y, a, *, labels=("t", "y"), span=(60.0, 2.5)):
    """Two panels for the straight-line fit y ≈ a₀ + a₁t found from the normal equations.

    Left (``axes[0]``): the data and the fitted line. Right (``axes[1]``): contours of
    f(a) = ‖y − Xa‖² over (a₀, a₁) around ``a`` (X = [1, t]), the minimiser, and arrows of
    −∇f = 2Xᵀy − 2XᵀXa (notes 000 §7) at a few points — they point downhill, towards ``a``.
    ``span`` is the half-width of the (a₀, a₁) window. Returns the gradient at ``a``, which
    is ≈ 0 there.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers.plotting import new_figure
    >>> from mvcalc_helpers import plot_least_squares_fit
    >>> t = np.array([0.0, 1.0, 2.0, 3.0]); y = np.array([1.0, 2.9, 5.2, 6.9])
    >>> a = np.linalg.lstsq(np.column_stack([np.ones(4), t]), y, rcond=None)[0]
    >>> fig, axes = new_figure(1, 2)
    >>> np.allclose(plot_least_squares_fit(axes, t, y, a, span=(2, 1)), 0, atol=1e-9)
    True
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    a = np.asarray(a, dtype=float)
    if t.ndim != 1 or t.shape != y.shape or a.shape != (2,):
        raise ValueError("t and y must be vectors of the same length and a = (a₀, a₁)")
    X = np.column_stack([np.ones_like(t), t])
    ax0, ax1 = axes
    ax0.scatter(t, y, s=10, alpha=0.5, label="data")
    ts = np.linspace(t.min(), t.max(), 2)
    ax0.plot(ts, a[0] + a[1] * ts, color="crimson", lw=2.2, label=f"y = {a[0]:.1f} + {a[1]:.2f}·{labels[0]}")
    ax0.set_xlabel(labels[0])
    ax0.set_ylabel(labels[1])
    ax0.set_title("least-squares line")
    ax0.legend(loc="upper left", fontsize=9)

    A0, A1 = np.meshgrid(np.linspace(a[0] - span[0], a[0] + span[0], 81),
                         np.linspace(a[1] - span[1], a[1] + span[1], 81))
    R = y[None, None, :] - A0[..., None] - A1[..., None] * t[None, None, :]
    F = np.sum(R ** 2, axis=-1)
    cs = ax1.contourf(A0, A1, np.log10(F), levels=20, cmap="viridis")
    ax1.contour(A0, A1, np.log10(F), levels=20, colors="k", linewidths=0.3, alpha=0.5)
    ax1.figure.colorbar(cs, ax=ax1, label="log₁₀ ‖y − Xa‖²")
    P = np.array([[a[0] + s0 * span[0] * 0.7, a[1] + s1 * span[1] * 0.7]
                  for s0 in (-1, 0, 1) for s1 in (-1, 1)])
    G = np.array([2 * X.T @ X @ p - 2 * X.T @ y for p in P])
    D = -G / np.linalg.norm(G / np.array(span), axis=1)[:, None] * 0.25
    ax1.quiver(P[:, 0], P[:, 1], D[:, 0], D[:, 1], angles="xy", scale_units="xy", scale=1,
               color="white", width=0.006)
    ax1.plot(*a, "r*", ms=14, label="solution of XᵀXa = Xᵀy")
    ax1.set_xlabel("a₀ (intercept)")
    ax1.set_ylabel("a₁ (slope)")
    ax1.set_title("f(a) = ‖y − Xa‖² and −∇f")
    ax1.legend(loc="upper right", fontsize=8)
    return 2 * X.T @ X @ a - 2 * X.T @ y


# ---------------------------------------------------------------------------------------
# Shapes and layouts: the vector–Jacobian product of a linear layer drawn as blocks
# ---------------------------------------------------------------------------------------
_MAX_DIM = 6
_LAYOUTS = ("denominator", "numerator")


def _check_dims(m, n, k, layout):
    for name, v in (("m", m), ("n", n), ("k", k)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 1 <= v <= _MAX_DIM:
            raise ValueError(f"{name} must be an integer from 1 to {_MAX_DIM}, got {v!r}")
    if layout not in _LAYOUTS:
        raise ValueError(f"layout must be 'denominator' or 'numerator', got {layout!r}")


def _block(ax, x, top, rows, cols, color, name):
    """A rows×cols matrix drawn as cells with its top-left corner at (x, top); name below it."""
    from matplotlib.patches import Rectangle

    for i in range(rows):
        for j in range(cols):
            ax.add_patch(Rectangle((x + j, top - i - 1), 1, 1, fc=color, ec="white", lw=1.0))
    ax.text(x + cols / 2, top - rows - 0.35, f"{name}\n{rows}×{cols}", ha="center", va="top", fontsize=9)
    return x + cols


def plot_vjp_shapes(axes, m: int = 4, n: int = 3, k: int = 2, layout: str = "denominator", seed: int = 0):
    """Draw the backward step of a linear layer O = XW (X m×n, W n×k) as blocks of cells.

    Left (``axes[0]``): the vector–Jacobian product Xᵀ·∂J/∂O = ∂J/∂W (denominator layout,
    this course: ∂J/∂W has the shape n×k of W) or (∂J/∂O)ᵀ·X = ∂J/∂W of shape k×n (numerator
    layout: the transpose), next to W itself. Right (``axes[1]``): the full Jacobian ∂O/∂W
    as an (m·k)×(n·k) matrix, nonzero entries dark — what the VJP avoids building.
    Returns ``{"grad_shape": …, "jacobian_entries": …, "vjp_inputs": …}``.

    Examples
    --------
    >>> from mvcalc_helpers.plotting import new_figure
    >>> from mvcalc_helpers import plot_vjp_shapes
    >>> fig, axes = new_figure(1, 2)
    >>> plot_vjp_shapes(axes, m=4, n=3, k=2)
    {'grad_shape': (3, 2), 'jacobian_entries': 48, 'vjp_inputs': 20}
    >>> plot_vjp_shapes(axes, m=4, n=3, k=2, layout="numerator")["grad_shape"]
    (2, 3)
    """
    _check_dims(m, n, k, layout)
    ax, axj = axes
    ax.clear()
    axj.clear()
    top, gap = float(_MAX_DIM), 1.6
    c_x, c_g, c_w = "#9ecae1", "#fdae6b", "#a1d99b"
    if layout == "denominator":     # (name, rows, cols, colour) of the two factors and the product
        blocks = [("Xᵀ", n, m, c_x), ("∂J/∂O", m, k, c_g), ("∂J/∂W", n, k, c_w)]
        formula = "Xᵀ·(∂J/∂O) = ∂J/∂W"
    else:
        blocks = [("(∂J/∂O)ᵀ", k, m, c_g), ("X", m, n, c_x), ("∂J/∂W", k, n, c_w)]
        formula = "(∂J/∂O)ᵀ·X = ∂J/∂W"
    shape = blocks[-1][1:3]
    x = 0.0
    for (name, rows, cols, color), op in zip(blocks, ("·", "=", None)):
        x = _block(ax, x, top, rows, cols, color, name)
        if op:
            ax.text(x + gap / 2, top - 0.5, op, ha="center", va="center", fontsize=16 if op == "·" else 14)
            x += gap
    x += 2 * gap
    ax.plot([x - gap, x - gap], [top + 0.2, top - _MAX_DIM - 0.2], color="0.6", lw=1)
    _block(ax, x, top, n, k, "#d9d9d9", "W")
    if layout == "denominator":
        same = "same shape as W ✓"
    elif n == k:
        same = "W's shape, but transposed: W − η·∂J/∂W mixes entries"
    else:
        same = "transposed: W − η·∂J/∂W does not fit"
    ax.set_title(f"{layout} layout: {formula}\n∂J/∂W is {shape[0]}×{shape[1]}: {same}", fontsize=10)
    ax.set_xlim(-0.5, 4 * _MAX_DIM + 5 * gap + 0.5)
    ax.set_ylim(-2.3, top + 0.4)
    ax.set_aspect("equal")
    ax.axis("off")

    X = np.random.default_rng(seed).normal(size=(m, n))
    Jac = np.einsum("ij,kl->ikjl", X, np.eye(k)).reshape(m * k, n * k)
    axj.imshow(Jac != 0, cmap="Greys", vmin=0, vmax=1.6, interpolation="nearest",
               extent=(0, n * k, m * k, 0))
    axj.set_xlim(0, _MAX_DIM ** 2)
    axj.set_ylim(_MAX_DIM ** 2, 0)
    axj.set_xticks([])
    axj.set_yticks([])
    axj.set_xlabel(f"W flattened: {n}·{k} = {n * k} " + ("entry" if n * k == 1 else "entries"))
    axj.set_ylabel(f"O flattened: {m}·{k} = {m * k}")
    entries = Jac.size
    axj.set_title(f"full Jacobian ∂O/∂W: {entries} entries,\n{int((Jac != 0).sum())} nonzero", fontsize=10)
    return {"grad_shape": shape, "jacobian_entries": entries, "vjp_inputs": m * n + m * k}


def layout_explorer(m: int = 4, n: int = 3, k: int = 2, layout: str = "denominator") -> Explorer:
    """Slider explorer: choose the shapes of a linear layer O = XW and the layout convention.

    Sliders m (examples in the batch), n (inputs) and k (outputs), 1 to 6, and a toggle
    between the denominator layout (this course) and the numerator layout. The figure is
    :func:`plot_vjp_shapes`; the readout gives the shape of ∂J/∂W and compares the size of
    the full Jacobian ∂O/∂W with the numbers the vector–Jacobian product reads.

    Examples
    --------
    >>> from mvcalc_helpers import layout_explorer
    >>> ex = layout_explorer()
    >>> "∂J/∂W is <b>3×2</b>" in ex.readout_text
    True
    >>> "∂J/∂W is <b>2×3</b>" in ex.update(layout="numerator")
    True
    >>> "48 entries" in ex.update(m=4, n=3, k=2)
    True
    """
    import ipywidgets as widgets

    _check_dims(m, n, k, layout)
    fig, axes = new_figure(1, 2, figsize=(11, 4.0), gridspec_kw={"width_ratios": [2.2, 1]})

    def update(m, n, k, layout):
        info = plot_vjp_shapes(axes, m, n, k, layout)
        r, c = info["grad_shape"]
        return (f"X is {m}×{n}, W is {n}×{k}, O = XW is {m}×{k}. In the {layout} layout ∂J/∂W is "
                f"<b>{r}×{c}</b>{' (the shape of W)' if layout == 'denominator' else ' (the shape of Wᵀ)'}.<br>"
                f"Full Jacobian ∂O/∂W: {m * k}×{n * k} = <b>{info['jacobian_entries']} entries</b>; "
                f"the VJP reads X and ∂J/∂O: {info['vjp_inputs']} numbers.")

    sliders = {name: widgets.IntSlider(value=v, min=1, max=_MAX_DIM, description=name)
               for name, v in (("m", m), ("n", n), ("k", k))}
    sliders["layout"] = widgets.ToggleButtons(options=list(_LAYOUTS), value=layout, description="layout")
    return Explorer(fig, sliders, update, title="Shapes and layouts: the backward step of O = XW")
