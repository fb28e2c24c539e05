"""Chapter 1 explorer and figure: the partial derivative as the slope of a slice of a surface.

Cut the surface z = f(x, y) with the plane y = y₀: the cut is the curve z = f(x, y₀), an
ordinary one-variable function, and ∂f/∂x(x₀, y₀) is the slope of its tangent at x₀.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .._validation import as_expr, as_interval
from ..plotting import function_grid, lambdify, new_figure, plot_surface
from ._base import Explorer

__all__ = ["partial_slice_explorer", "plot_partial_slices", "plot_linearization"]


def _xy_function(f, name="f"):
    """f as a sympy expression in the symbols named x and y; returns (expr, x, y)."""
    f = as_expr(f, name)
    by_name = {s.name: s for s in f.free_symbols}
    extra = sorted(set(by_name) - {"x", "y"})
    if extra:
        raise ValueError(f"{name} must be an expression in x and y only; it also contains {extra}")
    x = by_name.get("x", sp.Symbol("x"))
    y = by_name.get("y", sp.Symbol("y"))
    return f, x, y


def _check_inside(value, lim, name, limname):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {value!r}") from None
    if not lim[0] <= value <= lim[1]:
        raise ValueError(f"{name} = {value} lies outside {limname} = {lim}; widen {limname} or move {name}")
    return value


def plot_partial_slices(ax, f, point, *, xlim=None, ylim=None, n=41, half_width=1.2):
    """Draw z = f(x, y) on a 3-D axes with the two slices through ``point`` and their tangents.

    The red curve is the slice y = y₀ (its tangent, dashed navy, has slope ∂f/∂x), the orange
    curve the slice x = x₀ (tangent dashed brown, slope ∂f/∂y). Returns ``(f_x, f_y)`` at the point as floats.

    Parameters
    ----------
    ax : a 3-D matplotlib axes (``projection="3d"``)
    f : sympy expression in x and y
    point : (x₀, y₀)
    xlim, ylim : plot ranges (default: the point ± 2)
    half_width : half length (in x or y) of the drawn tangent segments

    Examples
    --------
    >>> import sympy as sp, numpy as np
    >>> from mvcalc_helpers.plotting import new_figure
    >>> from mvcalc_helpers import plot_partial_slices
    >>> x, y = sp.symbols("x y")
    >>> fig, ax = new_figure(projection="3d")
    >>> np.allclose(plot_partial_slices(ax, x**2 + 3*x*y + y**2, (1, 2)), (8, 7))
    True
    """
    f, x, y = _xy_function(f)
    x0, y0 = (float(v) for v in point)
    xlim = as_interval(xlim or (x0 - 2, x0 + 2), "xlim")
    ylim = as_interval(ylim or (y0 - 2, y0 + 2), "ylim")
    _check_inside(x0, xlim, "x0", "xlim")
    _check_inside(y0, ylim, "y0", "ylim")
    F = lambdify(f, [x, y])
    fx = float(lambdify(sp.diff(f, x), [x, y])(np.array(x0), np.array(y0)))
    fy = float(lambdify(sp.diff(f, y), [x, y])(np.array(x0), np.array(y0)))
    z0 = float(F(np.array(x0), np.array(y0)))
    X, Y, Z = function_grid(F, [x, y], xlim, ylim, n)
    ax.locator_params(nbins=5)
    plot_surface(ax, X, Y, Z, alpha=0.55, title=f"slices of z = ${sp.latex(f)}$ through ({x0:g}, {y0:g})")
    xs = np.linspace(*xlim, 100)
    ys = np.linspace(*ylim, 100)
    ax.plot(xs, np.full_like(xs, y0), F(xs, np.full_like(xs, y0)), color="crimson", lw=2.5,
            label=f"slice y = {y0:g}: slope ∂f/∂x = {fx:.3g}")
    ax.plot(np.full_like(ys, x0), ys, F(np.full_like(ys, x0), ys), color="darkorange", lw=2.5,
            label=f"slice x = {x0:g}: slope ∂f/∂y = {fy:.3g}")
    d = np.linspace(-half_width, half_width, 2)
    ax.plot(x0 + d, np.full(2, y0), z0 + fx * d, color="navy", ls="--", lw=2.2)
    ax.plot(np.full(2, x0), y0 + d, z0 + fy * d, color="saddlebrown", ls="--", lw=2.2)
    ax.plot([x0], [y0], [z0], "ko", ms=6)
    ax.legend(loc="upper left", fontsize=9)
    return fx, fy


def partial_slice_explorer(f=None, x0: float = 1.0, y0: float = 2.0, *, xlim=None, ylim=None,
                           n: int = 41, step: float = 0.1) -> Explorer:
    """Slider explorer: move the slice y = y₀ across z = f(x, y) and read off ∂f/∂x.

    Left: the surface with the slice curve z = f(x, y₀) (red), the point (x₀, y₀, f(x₀, y₀))
    and the tangent line of the slice there. Right: the same slice as an ordinary graph with its
    tangent; the readout gives its slope ∂f/∂x(x₀, y₀).

    Parameters
    ----------
    f : sympy expression (or string) in x and y; default x² + 3xy + y² (notes 000 §1 ex. 1)
    x0, y0 : the starting point (default (1, 2): slope 8, as in the notes' example)
    xlim, ylim : ranges of the sliders and the plot (default: the point ± 2)
    n : grid size of the surface
    step : slider step

    Controls: ``y0`` (first), ``x0``.

    Examples
    --------
    >>> from mvcalc_helpers import partial_slice_explorer
    >>> ex = partial_slice_explorer()
    >>> ex.readout_text
    '∂f/∂x(x₀, y₀) = ∂f/∂x(1.00, 2.00) = <b>8.000</b>'
    >>> ex.update(y0=2.5)          # f_x = 2x + 3y = 2 + 7.5
    '∂f/∂x(x₀, y₀) = ∂f/∂x(1.00, 2.50) = <b>9.500</b>'
    >>> partial_slice_explorer("x*z")
    Traceback (most recent call last):
    ...
    ValueError: f must be an expression in x and y only; it also contains ['z']
    """
    import ipywidgets as widgets

    if f is None:
        x_, y_ = sp.symbols("x y")
        f = x_**2 + 3 * x_ * y_ + y_**2
    f, x, y = _xy_function(f)
    x0 = _check_inside(x0, (-np.inf, np.inf), "x0", "the real line")
    y0 = _check_inside(y0, (-np.inf, np.inf), "y0", "the real line")
    xlim = as_interval(xlim if xlim is not None else (x0 - 2, x0 + 2), "xlim")
    ylim = as_interval(ylim if ylim is not None else (y0 - 2, y0 + 2), "ylim")
    _check_inside(x0, xlim, "x0", "xlim")
    _check_inside(y0, ylim, "y0", "ylim")
    if not isinstance(n, (int, np.integer)) or n < 5:
        raise ValueError(f"n (grid size) must be an integer ≥ 5, got {n!r}")
    if not step > 0:
        raise ValueError(f"step must be positive, got {step!r}")

    F = lambdify(f, [x, y])
    Fx = lambdify(sp.diff(f, x), [x, y])
    with np.errstate(all="ignore"):
        X, Y, Z = function_grid(F, [x, y], xlim, ylim, n)
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        raise ValueError("f has no finite values on the plotted range; choose other xlim/ylim")
    zmin, zmax = float(finite.min()), float(finite.max())
    pad = 0.08 * (zmax - zmin or 1.0)
    zlim = (zmin - pad, zmax + pad)
    xs = np.linspace(*xlim, 200)

    fig, axes = new_figure(1, 2, figsize=(10.5, 4.3))
    axes[0].remove()
    ax3 = fig.add_subplot(1, 2, 1, projection="3d")
    ax2 = axes[1]
    plot_surface(ax3, X, Y, Z, alpha=0.6, title=f"z = ${sp.latex(f)}$")
    ax3.set_xlim(*xlim)
    ax3.set_ylim(*ylim)
    ax3.set_zlim(*zlim)
    ax3.view_init(elev=28, azim=-60)
    ax3.locator_params(nbins=5)
    ax3.tick_params(labelsize=8)
    (slice3,) = ax3.plot([], [], [], color="crimson", lw=2.5)
    (plane3,) = ax3.plot([], [], [], color="crimson", lw=0.8, alpha=0.6)
    (tan3,) = ax3.plot([], [], [], color="navy", lw=2.2, ls="--")
    (pt3,) = ax3.plot([], [], [], "ko", ms=6)

    xpad = 0.04 * (xlim[1] - xlim[0])       # the point at a slider end stays whole (not cut off)
    ax2.set_xlim(xlim[0] - xpad, xlim[1] + xpad)
    ax2.set_ylim(*zlim)
    ax2.set_xlabel("x")
    ax2.set_ylabel("z")
    ax2.set_title("the slice z = f(x, y₀) and its tangent at x₀")
    (slice2,) = ax2.plot([], [], color="crimson", lw=2.5, label="slice z = f(x, y₀)")
    (tan2,) = ax2.plot([], [], color="navy", lw=2.2, ls="--", label="tangent at x₀")
    (pt2,) = ax2.plot([], [], "ko", ms=6)
    ax2.legend(handles=[slice2, tan2], loc="lower right")
    label = ax2.text(0.03, 0.95, "", transform=ax2.transAxes, va="top", fontsize=11,
                     bbox=dict(boxstyle="round", fc="white", ec="0.7", alpha=0.9))
    half = 0.3 * (xlim[1] - xlim[0])

    def update(y0, x0):
        with np.errstate(all="ignore"):
            zs = F(xs, np.full_like(xs, y0))
            z0 = float(F(np.array(x0), np.array(y0)))
            slope = float(Fx(np.array(x0), np.array(y0)))
        slice3.set_data_3d(xs, np.full_like(xs, y0), zs)
        plane3.set_data_3d([xlim[0], xlim[1], xlim[1], xlim[0], xlim[0]], [y0] * 5,
                           [zlim[0], zlim[0], zlim[1], zlim[1], zlim[0]])
        slice2.set_data(xs, zs)
        if np.isfinite(slope) and np.isfinite(z0):
            d = np.array([-half, half])
            tan3.set_data_3d(x0 + d, [y0, y0], z0 + slope * d)
            tan2.set_data(x0 + d, z0 + slope * d)
            pt3.set_data_3d([x0], [y0], [z0])
            pt2.set_data([x0], [z0])
            label.set_text(f"y₀ = {y0:.2f}\nslope at x₀ = {x0:.2f}:\n∂f/∂x = {slope:.3f}")
            return f"∂f/∂x(x₀, y₀) = ∂f/∂x({x0:.2f}, {y0:.2f}) = <b>{slope:.3f}</b>"
        for a in (tan3, pt3):
            a.set_data_3d([], [], [])
        for a in (tan2, pt2):
            a.set_data([], [])
        label.set_text(f"y₀ = {y0:.2f}\n∂f/∂x undefined at x₀ = {x0:.2f}")
        return f"∂f/∂x({x0:.2f}, {y0:.2f}) is <b>not defined</b> (f or its derivative is not finite there)"

    controls = {
        "y0": widgets.FloatSlider(value=y0, min=ylim[0], max=ylim[1], step=step, description="y₀ (slice)",
                                  readout_format=".2f"),
        "x0": widgets.FloatSlider(value=x0, min=xlim[0], max=xlim[1], step=step, description="x₀",
                                  readout_format=".2f"),
    }
    return Explorer(fig, controls, update, animated=[slice3, plane3, tan3, pt3, slice2, tan2, pt2, label],
                    title="Partial derivative = slope of a slice (偏导数的几何意义)")


def plot_linearization(axes, F=None, vars=None, point=(1.5, np.pi / 6), h: float = 0.4, *,
                       cells: int = 3, labels=None):
    """Two panels: a grid and a small square near p, and their images under a map F: ℝ² → ℝ².

    The map bends the grid lines into curves; the image of the small square [p, p + h]² is a
    curved quadrilateral, and the linear approximation F(p + Δ) ≈ F(p) + J(p)Δ replaces it by
    the parallelogram spanned by h times the two columns of the Jacobian J(p) (drawn as
    arrows). Both panels have equal aspect (a circle stays a circle).

    Parameters
    ----------
    axes : two 2-D matplotlib axes (domain, image)
    F : two sympy expressions in ``vars`` (default: polar coordinates (r cos θ, r sin θ))
    vars : the two symbols (default r, θ)
    point : p (default (1.5, π/6))
    h : side of the small square
    cells : the grid has ``cells`` squares of side h on each side of p
    labels : axis names ((domain x, domain y), (image x, image y)); default from vars / x, y

    Returns
    -------
    dict with ``J`` (2×2 numpy array, the Jacobian at p) and ``error`` (the largest distance
    between the image of the square's boundary and the parallelogram, see
    :func:`mvcalc_helpers.linearization_error`).

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers.plotting import new_figure
    >>> from mvcalc_helpers import plot_linearization
    >>> fig, axes = new_figure(1, 2)
    >>> out = plot_linearization(axes)         # polar coordinates at (r, θ) = (1.5, π/6)
    >>> np.allclose(out["J"], [[np.cos(np.pi/6), -1.5*np.sin(np.pi/6)], [np.sin(np.pi/6), 1.5*np.cos(np.pi/6)]])
    True
    """
    from ..chain_rule import linearization_error

    if F is None:
        r, th = sp.symbols("r theta")
        F, vars = [r * sp.cos(th), r * sp.sin(th)], [r, th]
        labels = labels or (("r", "θ"), ("x = r cos θ", "y = r sin θ"))
    F = [as_expr(Fi, "F") for Fi in F]
    if len(F) != 2 or vars is None or len(vars) != 2:
        raise ValueError("F must be two expressions (a map ℝ² → ℝ²) in the two symbols vars")
    labels = labels or ((str(vars[0]), str(vars[1])), ("x", "y"))
    p = np.array([float(c) for c in point])
    h = float(h)
    if not h > 0:
        raise ValueError(f"h must be positive, got {h}")
    ax0, ax1 = axes
    f = sp.lambdify(list(vars), F, "numpy")

    def image(a, b):
        out = f(a, b)
        return [np.broadcast_to(np.asarray(o, dtype=float), np.shape(a)) for o in out]

    J = np.array(sp.Matrix(F).jacobian(sp.Matrix(list(vars))).subs(dict(zip(vars, p))).evalf(), dtype=float)
    Fp = np.array([float(v) for v in image(np.array(p[0]), np.array(p[1]))])
    ticks = np.arange(-cells, cells + 1)
    fine = np.linspace(-cells * h, cells * h, 200)
    for k in ticks:                                     # grid lines through p ± k h
        for a, b in ((p[0] + k * h + 0 * fine, p[1] + fine), (p[0] + fine, p[1] + k * h + 0 * fine)):
            ax0.plot(a, b, color="0.6", lw=0.8)
            ax1.plot(*image(a, b), color="0.6", lw=0.8)
    s = np.linspace(0, h, 50)
    z, full = np.zeros_like(s), np.full_like(s, h)
    sq = np.concatenate([np.column_stack(c) for c in ((s, z), (full, s), (s[::-1], full), (z, s[::-1]))])
    ax0.fill(p[0] + sq[:, 0], p[1] + sq[:, 1], color="tab:orange", alpha=0.5, label="small square at p")
    ax0.plot(*p, "ko", ms=5)
    ax1.fill(*image(p[0] + sq[:, 0], p[1] + sq[:, 1]), color="tab:orange", alpha=0.5,
             label="its image F(square)")
    corners = np.array([[0, 0], [h, 0], [h, h], [0, h], [0, 0]]) @ J.T + Fp
    ax1.plot(corners[:, 0], corners[:, 1], "--", color="tab:blue", lw=1.8,
             label="parallelogram F(p) + J·square (arrows: h·J e₁, h·J e₂)")
    for col, name in ((0, "h·J e₁"), (1, "h·J e₂")):
        v = h * J[:, col]
        ax1.annotate("", xy=Fp + v, xytext=Fp, arrowprops=dict(arrowstyle="-|>", color="tab:blue", lw=1.8))
    ax1.plot(*Fp, "ko", ms=5)
    for ax, (lx, ly), title in ((ax0, labels[0], "domain: a grid and a small square"),
                                (ax1, labels[1], "image under F: curved, ≈ a parallelogram")):
        ax.set_aspect("equal")
        ax.set_xlabel(lx)
        ax.set_ylabel(ly)
        ax.set_title(title)
        ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    return {"J": J, "error": linearization_error(F, vars, p, h)}
