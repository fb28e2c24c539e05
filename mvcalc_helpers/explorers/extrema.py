"""Chapter 5 explorer and figures: the shape of the quadratic form ½ dᵀHd at a critical point.

At a critical point the second-order Taylor term ½(A·dx² + 2B·dx·dy + C·dy²) decides the
shape of the graph: a bowl (H positive definite, minimum), a dome (negative definite,
maximum), a saddle (indefinite) or a trough/ridge (semidefinite: the test cannot decide).
"""
from __future__ import annotations

import numbers

import numpy as np

from ..plotting import function_grid, new_figure, plot_surface

__all__ = ["hessian_shape_explorer", "plot_surface_gallery", "quadratic_shape"]

_SHAPES = {
    "positive definite": "bowl → local minimum",
    "negative definite": "dome → local maximum",
    "indefinite": "saddle → no extremum",
    "positive semidefinite": "trough (flat along one line) → the test cannot decide",
    "negative semidefinite": "ridge (flat along one line) → the test cannot decide",
}


def quadratic_shape(A, B, C) -> dict:
    """Classify the 2×2 Hessian ``[[A, B], [B, C]]``: AC − B², eigenvalues, definiteness, shape.

    The definiteness comes from :func:`mvcalc_helpers.definiteness`; the shape names the graph
    of ½(Ax² + 2Bxy + Cy²) near the critical point.

    Returns a dict with keys ``"det"`` (AC − B²), ``"eigenvalues"`` (ascending),
    ``"eigenvectors"`` (columns, as ``numpy.linalg.eigh``), ``"definiteness"`` and ``"shape"``.

    Examples
    --------
    >>> from mvcalc_helpers import quadratic_shape
    >>> s = quadratic_shape(1, 2, 1)            # AC − B² = 1 − 4 < 0
    >>> s["det"], s["definiteness"], s["shape"]
    (-3.0, 'indefinite', 'saddle → no extremum')
    >>> import numpy as np
    >>> np.allclose(s["eigenvalues"], [-1, 3])
    True
    >>> quadratic_shape(-1, 0, -2)["shape"]
    'dome → local maximum'
    """
    from ..quadratic_forms import definiteness

    vals = []
    for name, v in (("A", A), ("B", B), ("C", C)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"{name} must be a real number, got {v!r}")
        if not np.isfinite(float(v)):
            raise ValueError(f"{name} must be finite, got {v!r}")
        vals.append(float(v))
    A, B, C = vals
    H = np.array([[A, B], [B, C]])
    lam, vecs = np.linalg.eigh(H)
    kind = definiteness(H)
    if kind == "positive semidefinite" and np.allclose(H, 0):
        shape = "flat (H = 0) → the test cannot decide"
    else:
        shape = _SHAPES[kind]
    return {"det": A * C - B * B, "eigenvalues": lam, "eigenvectors": vecs,
            "definiteness": kind, "shape": shape}


def _check_range(name, value, lo, hi):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not (lo <= value <= hi):
        raise ValueError(f"{name} = {value} is outside the slider range [{lo}, {hi}]")


def hessian_shape_explorer(A: float = 1.0, B: float = 0.0, C: float = 1.0, *,
                           limit: float = 2.0, step: float = 0.1, n: int = 21):
    """Sliders for the Hessian entries A = f_xx, B = f_xy, C = f_yy at a critical point.

    Left: the surface z = ½(Ax² + 2Bxy + Cy²) = ½ dᵀHd over the unit disc, which morphs between a
    bowl, a dome, a saddle and a trough. The two curves drawn on it (and on the right, as
    cross-sections) run along the eigenvectors u₁, u₂ of H: along them the surface is the
    parabola ½λᵢt². The readout shows AC − B², the eigenvalues and the classification
    (:func:`mvcalc_helpers.definiteness`).

    The surface is updated in place (new vertices and colours) and blitted over a cached
    background, so a slider step costs a few milliseconds.

    Parameters
    ----------
    A, B, C : float
        Initial slider values, each in [−limit, limit].
    limit : float
        Slider range; the z-axis is fixed to ±limit, so every surface fits (|λ| ≤ 2·limit).
    step : float
        Slider step.
    n : int
        Resolution of the polar surface grid: (n+1)//2 radii × (2n−1) angles (5…61).

    Examples
    --------
    >>> from mvcalc_helpers import hessian_shape_explorer
    >>> ex = hessian_shape_explorer()
    >>> "positive definite" in ex.readout_text
    True
    >>> before = ex.png
    >>> "indefinite" in ex.update(B=1.5)           # AC − B² = 1 − 2.25 < 0: a saddle
    True
    >>> ex.png != before
    True
    """
    import ipywidgets as widgets

    for name, value in (("limit", limit), ("step", step)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    if step > limit:
        raise ValueError(f"step = {step} must not exceed limit = {limit}")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 5 <= n <= 61:
        raise ValueError(f"n (grid points per axis) must be an integer between 5 and 61, got {n!r}")
    for name, value in (("A", A), ("B", B), ("C", C)):
        _check_range(name, value, -limit, limit)

    zmax = float(limit)      # |½ dᵀHd| ≤ ½·|λ|max·|d|² ≤ limit on the unit disc |d| ≤ 1
    r = np.linspace(0.0, 1.0, (n + 1) // 2)
    theta = np.linspace(0.0, 2 * np.pi, 2 * n - 1)
    R, TH = np.meshgrid(r, theta)
    X, Y = R * np.cos(TH), R * np.sin(TH)
    t = np.linspace(-1.0, 1.0, 41)

    fig, axes = new_figure(1, 2, figsize=(9.6, 4.0))
    axes[0].remove()
    ax3 = fig.add_subplot(1, 2, 1, projection="3d")
    ax2 = axes[1]
    from matplotlib.colors import Normalize
    norm = Normalize(-zmax, zmax)
    surf = plot_surface(ax3, X, Y, 0.5 * (X**2 + Y**2), cmap="viridis", norm=norm, alpha=0.9,
                        labels=("dx", "dy", "z"), title="z = ½(A dx² + 2B dx dy + C dy²), |d| ≤ 1")
    surf.set_edgecolor((0.15, 0.15, 0.15, 0.3))
    surf.set_linewidth(0.3)
    ax3.set_xlim(-1, 1)
    ax3.set_ylim(-1, 1)
    ax3.set_zlim(-zmax, zmax)
    ax3.view_init(elev=22, azim=-60)
    colors = ("tab:green", "tab:purple")
    curves3 = [ax3.plot([], [], [], color=c, lw=2.5)[0] for c in colors]
    curves2 = [ax2.plot([], [], color=c, lw=2.5)[0] for c in colors]
    labels = [ax2.text(0.03, 0.95 - 0.08 * i, "", transform=ax2.transAxes, color=c,
                       fontsize=10, va="top") for i, c in enumerate(colors)]
    ax2.axhline(0, color="k", lw=0.8)
    ax2.set_xlim(-1, 1)
    ax2.set_ylim(-1.05 * zmax, 1.05 * zmax)
    ax2.set_xlabel("t  (d = t·u)")
    ax2.set_ylabel("z = ½ λ t²")
    ax2.set_title("cross-sections along the eigenvectors u₁, u₂")

    # the quadrilaterals of the surface, in plot_surface's order (stride 1)
    rows, cols = X.shape

    def polys(Z):
        P = np.empty((rows - 1, cols - 1, 4, 3))
        for k, (di, dj) in enumerate(((0, 0), (0, 1), (1, 1), (1, 0))):
            P[:, :, k, 0] = X[di:rows - 1 + di, dj:cols - 1 + dj]
            P[:, :, k, 1] = Y[di:rows - 1 + di, dj:cols - 1 + dj]
            P[:, :, k, 2] = Z[di:rows - 1 + di, dj:cols - 1 + dj]
        return P.reshape(-1, 4, 3)

    def update(A, B, C):
        A, B, C = (round(float(v), 10) for v in (A, B, C))
        s = quadratic_shape(A, B, C)
        Z = 0.5 * (A * X**2 + 2 * B * X * Y + C * Y**2)
        P = polys(Z)
        surf.set_verts(P)
        surf.set_array(P[:, :, 2].mean(axis=1))
        if getattr(ax3, "M", None) is not None:
            surf.do_3d_projection()
        for i in range(2):
            u = s["eigenvectors"][:, i]
            lam = s["eigenvalues"][i]
            zz = 0.5 * lam * t**2
            curves3[i].set_data_3d(t * u[0], t * u[1], zz)
            curves2[i].set_data(t, zz)
            labels[i].set_text(f"λ{'₁₂'[i]} = {lam:+.3f},  u{'₁₂'[i]} = ({u[0]:+.2f}, {u[1]:+.2f})")
        lam1, lam2 = s["eigenvalues"]
        return (f"A = {A:.2f}, B = {B:.2f}, C = {C:.2f} &nbsp;→&nbsp; AC − B² = <b>{s['det']:.3f}</b>, "
                f"eigenvalues λ₁ = {lam1:.3f}, λ₂ = {lam2:.3f} &nbsp;→&nbsp; "
                f"H is <b>{s['definiteness']}</b>: {s['shape']}")

    controls = {name: widgets.FloatSlider(value=float(v), min=-limit, max=limit, step=step,
                                          description=name, readout_format=".2f",
                                          layout=widgets.Layout(width="260px"))
                for name, v in (("A", A), ("B", B), ("C", C))}
    from ._base import Explorer
    return Explorer(fig, controls, update, animated=[surf, *curves3, *curves2, *labels],
                    title="Hessian entries → shape of the graph near a critical point")


def plot_surface_gallery(functions, vars, *, lim: float = 1.0, n: int = 41, ncols: int = 3,
                         size: float = 3.4, cmap: str = "coolwarm", mark=(0, 0)):
    """Small multiples: one 3-D surface per function, titled with its name.

    Parameters
    ----------
    functions : mapping title → sympy expression in ``vars`` (two symbols)
    vars : the two sympy symbols
    lim : the square [−lim, lim]² that is drawn
    n : grid points per axis
    ncols : surfaces per row
    size : inches per panel
    mark : point (x, y) marked with a black dot on every surface (the critical point), or None

    Returns the matplotlib ``Figure`` (made with pyplot, so a notebook shows it with
    ``plt.show()``).

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import plot_surface_gallery
    >>> x, y = sp.symbols("x y")
    >>> fig = plot_surface_gallery({"bowl": x**2 + y**2, "saddle": x**2 - y**2}, [x, y], n=11)
    >>> [ax.get_title() for ax in fig.axes]
    ['bowl', 'saddle']
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    import matplotlib.pyplot as plt

    functions = dict(functions)
    if not functions:
        raise ValueError("functions must map at least one title to a sympy expression")
    if len(list(vars)) != 2:
        raise ValueError(f"vars must be two sympy symbols (a surface needs x and y), got {vars!r}")
    if isinstance(ncols, bool) or not isinstance(ncols, numbers.Integral) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    k = len(functions)
    ncols = min(ncols, k)
    nrows = -(-k // ncols)
    from matplotlib.ticker import MaxNLocator

    fig = plt.figure(figsize=(size * ncols, size * nrows * 0.95), layout="constrained")
    for i, (title, f) in enumerate(functions.items()):
        ax = fig.add_subplot(nrows, ncols, i + 1, projection="3d")
        X, Y, Z = function_grid(f, vars, (-lim, lim), (-lim, lim), n=n)
        plot_surface(ax, X, Y, Z, cmap=cmap, title=title, labels=(str(vars[0]), str(vars[1]), ""))
        if mark is not None:
            z0 = float(f.subs(dict(zip(vars, mark))))
            ax.scatter([mark[0]], [mark[1]], [z0], color="k", s=18, depthshade=False)
        ax.view_init(elev=25, azim=-60)
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):     # fewer ticks: labels that never crowd
            axis.set_major_locator(MaxNLocator(4))
    # constrained layout does not see where mplot3d will put its tick labels: keep a margin so they
    # stay on the canvas with every matplotlib version (3.10 put them a few pixels outside)
    fig.get_layout_engine().set(w_pad=0.1, h_pad=0.1)
    return fig
