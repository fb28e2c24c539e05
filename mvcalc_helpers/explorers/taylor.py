"""Chapter 4 explorer: a surface against its Taylor polynomial of order 1, 2 or 3.

The Taylor polynomials are built once with sympy for a *symbolic* expansion point (a, b)
and lambdified; a slider update only evaluates numpy arrays and moves a few artists over a
cached background (blitting), so no sympy runs while the sliders move.
"""
from __future__ import annotations

import math

import numpy as np

from ._base import Explorer

__all__ = ["taylor_explorer"]

_ORDERS = (1, 2, 3)


def taylor_explorer(f=None, vars=None, *, order: int = 2, point=(0.5, 0.5), xlim=(-2.0, 2.0),
                    ylim=(-2.0, 2.0), n: int = 41, tol: float = 0.01):
    """Slider explorer: f(x, y) against its Taylor polynomial T of order 1, 2 or 3 at (x₀, y₀).

    Left: the surface of f (coloured) with T as a red wireframe (values clipped to the
    z-range of f); right: the error |f − T| on the window (log colour scale) with the
    expansion point and the **radius of accuracy**: the largest disc around (x₀, y₀) on which
    |f − T| < ``tol`` (drawn as a circle). Near the point the error of order m is O(r^{m+1}),
    so the radius grows with the order — unlike the largest error over the whole window,
    which far from the point can grow with the order. Default f = sin(x)·cos(y) on [−2, 2]².

    Parameters
    ----------
    f : sympy expression in two variables (default sin(x) cos(y))
    vars : [x, y] (default: the free symbols of f, sorted by name)
    order : initial order, 1, 2 or 3 (the first slider)
    point : initial expansion point (x₀, y₀), inside the window
    xlim, ylim : the window, also the range of the x₀, y₀ sliders
    n : grid points per axis for the error map (the wireframe uses about n/2)
    tol : the error tolerance that defines the radius of accuracy

    The radius is measured on 180 rays from (x₀, y₀) with radial step 1/400 of the window's
    diagonal, counting only points inside the window; when |f − T| < tol on the whole window
    the readout says so. ``radius_of_accuracy`` (an attribute of the returned explorer) holds
    the current value.

    Examples
    --------
    >>> from mvcalc_helpers import taylor_explorer
    >>> ex = taylor_explorer()
    >>> ex.readout_text
    'order 2 at (x₀, y₀) = (0.50, 0.50): |f − T| < 0.01 within radius <b>0.34</b> of (x₀, y₀); largest error on the window 6.568'
    >>> [round(ex.update(order=m) and ex.radius_of_accuracy, 2) for m in (1, 2, 3)]   # grows with the order
    [0.14, 0.34, 0.59]
    >>> [float(ex.update(order=m).rsplit(" ", 1)[1]) for m in (1, 2, 3)]    # the largest error does not
    [2.529, 6.568, 2.97]
    """
    import ipywidgets as widgets
    import sympy as sp
    from matplotlib.colors import LogNorm
    from mpl_toolkits.mplot3d.art3d import Line3DCollection

    from ..plotting import function_grid, lambdify, new_figure, plot_surface
    from ..taylor import taylor_operator_term
    from .gradient import _point, _two_variable_function, _window

    f, vars = _two_variable_function(f, vars, lambda x, y: sp.sin(x) * sp.cos(y))
    if isinstance(order, bool) or order not in _ORDERS:
        raise ValueError(f"order must be 1, 2 or 3, got {order!r}")
    xlim = _window(xlim, 0, "xlim")
    ylim = _window(ylim, 0, "ylim")
    p = _point(point)
    if not (xlim[0] <= p[0] <= xlim[1] and ylim[0] <= p[1] <= ylim[1]):
        raise ValueError(f"point {tuple(p)} must lie inside the window xlim={xlim}, ylim={ylim}")
    if isinstance(n, bool) or not isinstance(n, int) or not 5 <= n <= 201:
        raise ValueError(f"n must be an integer between 5 and 201, got {n!r}")
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")

    a, b = sp.symbols("a b", real=True)      # the expansion point, kept symbolic
    if {a, b} & f.free_symbols:
        raise ValueError("f must not contain the symbols a, b (they name the expansion point)")
    # T_m = Σ_{j≤m} (1/j!)((x−a)∂x + (y−b)∂y)^j f(a, b): each operator term is computed once
    terms = [taylor_operator_term(f, vars, (a, b), (vars[0] - a, vars[1] - b), j) / math.factorial(j)
             for j in range(max(_ORDERS) + 1)]
    T = {m: lambdify(sum(terms[:m + 1], sp.Integer(0)), [*vars, a, b]) for m in _ORDERS}
    fnum = lambdify(f, vars)

    with np.errstate(all="ignore"):
        X, Y, F = function_grid(fnum, vars, xlim, ylim, n=n)
    if not np.all(np.isfinite(F)):
        raise ValueError("f is not finite everywhere on the window: choose another window")
    nw = max(5, n // 2)
    WX, WY, WF = function_grid(fnum, vars, xlim, ylim, n=nw)
    zlo, zhi = float(F.min()), float(F.max())
    pad = 0.25 * max(zhi - zlo, 1e-9)
    zlo, zhi = zlo - pad, zhi + pad

    def segments(Z):
        Z = np.clip(Z, zlo, zhi)
        pts = np.stack([WX, WY, Z], axis=-1)
        rows = [pts[i] for i in range(nw)]
        cols = [pts[:, j] for j in range(nw)]
        return rows + cols

    fig, axes = new_figure(1, 2, figsize=(10.0, 4.3), layout=None)   # constrained layout of 3-D axes is slow
    fig.subplots_adjust(left=0.02, right=0.97, bottom=0.11, top=0.92, wspace=0.12)
    axes[0].remove()
    ax3 = fig.add_subplot(1, 2, 1, projection="3d")
    axe = axes[1]
    plot_surface(ax3, WX, WY, WF, alpha=0.55, labels=(str(vars[0]), str(vars[1]), "z"),
                 title=f"f = ${sp.latex(f)}$ and its Taylor polynomial T (red)")
    wire = Line3DCollection(segments(WF), colors="tab:red", linewidths=0.9)
    ax3.add_collection3d(wire)
    ax3.set_xlim(*xlim)
    ax3.set_ylim(*ylim)
    ax3.set_zlim(zlo, zhi)
    ax3.view_init(elev=25, azim=-55)
    from matplotlib.ticker import MaxNLocator
    for axis in (ax3.xaxis, ax3.yaxis):
        axis.set_major_locator(MaxNLocator(5))        # fewer ticks: no crowded labels in 3-D
    (pt3,) = ax3.plot([], [], [], "ko", ms=6)

    norm = LogNorm(1e-4, 10.0)
    img = axe.imshow(np.full_like(F, 1e-4), origin="lower", extent=(*xlim, *ylim), norm=norm,
                     cmap="magma", aspect="equal", interpolation="bilinear")
    fig.colorbar(img, ax=axe, label="|f − T| (log scale)", shrink=0.85)
    axe.set_xlabel(str(vars[0]))
    axe.set_ylabel(str(vars[1]))
    (pt2,) = axe.plot([], [], "o", color="cyan", mec="k", ms=8, clip_on=False)   # whole at the window edge
    from matplotlib.patches import Circle
    circle = Circle((float(p[0]), float(p[1])), 0.0, fill=False, ec="cyan", lw=1.8, ls="--")
    axe.add_patch(circle)
    axe.set_title(f"error |f − T|; circle: |f − T| < {tol:g} inside")

    # rays from the expansion point for the radius of accuracy
    diag = float(np.hypot(xlim[1] - xlim[0], ylim[1] - ylim[0]))
    radii = np.linspace(0.0, diag, 401)[1:]
    ang = np.linspace(0.0, 2 * np.pi, 180, endpoint=False)
    CR, SR = np.cos(ang)[:, None] * radii, np.sin(ang)[:, None] * radii
    eps = 1e-12

    def accuracy_radius(m, x0, y0):
        PX, PY = x0 + CR, y0 + SR
        inside = ((PX >= xlim[0] - eps) & (PX <= xlim[1] + eps) & (PY >= ylim[0] - eps) & (PY <= ylim[1] + eps))
        with np.errstate(all="ignore"):
            e = np.abs(fnum(PX, PY) - T[m](PX, PY, x0, y0))
        bad = inside & ~(e < tol)                  # nan counts as bad
        if not bad.any():
            return None
        first = np.argmax(bad, axis=1)             # first bad radius on each ray
        hit = bad.any(axis=1)
        return float(radii[first[hit]].min() - (radii[1] - radii[0]))

    state = {"radius": None}

    def update(order, x0, y0):
        m = int(order)
        x0, y0 = round(float(x0), 10), round(float(y0), 10)
        with np.errstate(all="ignore"):
            err = np.abs(F - T[m](X, Y, x0, y0))
            WT = T[m](WX, WY, x0, y0)
        img.set_data(np.clip(err, 1e-4, None))
        wire.set_segments(segments(WT))
        if getattr(ax3, "M", None) is not None:
            wire.do_3d_projection()
        z0 = float(fnum(x0, y0))
        pt3.set_data_3d([x0], [y0], [z0])
        pt2.set_data([x0], [y0])
        r = accuracy_radius(m, x0, y0)
        state["radius"] = r
        circle.set_center((x0, y0))
        circle.set_radius(diag if r is None else max(r, 0.0))
        where = ("on the whole window" if r is None
                 else f"within radius <b>{max(r, 0.0):.2f}</b> of (x₀, y₀)")
        return (f"order {m} at (x₀, y₀) = ({x0:.2f}, {y0:.2f}): |f − T| < {tol:g} {where}; "
                f"largest error on the window {float(np.max(err)):.4g}")

    step_x = round((xlim[1] - xlim[0]) / 40, 6)
    step_y = round((ylim[1] - ylim[0]) / 40, 6)
    controls = {
        "order": widgets.IntSlider(value=order, min=1, max=3, step=1, description="order"),
        "x0": widgets.FloatSlider(value=float(p[0]), min=xlim[0], max=xlim[1], step=step_x,
                                  description="x₀", readout_format=".2f"),
        "y0": widgets.FloatSlider(value=float(p[1]), min=ylim[0], max=ylim[1], step=step_y,
                                  description="y₀", readout_format=".2f"),
    }
    ex = _TaylorExplorer(fig, controls, update, animated=[wire, pt3, img, pt2, circle],
                         title="Taylor polynomial of order 1, 2, 3 around (x₀, y₀)")
    ex._state = state
    return ex


class _TaylorExplorer(Explorer):
    """An :class:`Explorer` that also exposes the current ``radius_of_accuracy``."""

    @property
    def radius_of_accuracy(self):
        """Radius of the largest disc around (x₀, y₀) with |f − T| < tol (None: the whole window)."""
        return self._state["radius"]
