"""Chapter 3 explorers and figures: the directional derivative ∂f/∂l = |∇f| cos θ,
gradient descent x_{n+1} = x_n − η∇f(x_n) on a contour map, and gradient descent on the
course's running example (one sigmoid neuron, loss J(w, b)) with a learning-rate slider.

Everything numeric is prepared once with sympy (gradient, lambdified functions); a slider
update only moves a few artists (blitting over a cached contour background).
"""
from __future__ import annotations

import math

import numpy as np

from .._validation import as_interval

__all__ = ["directional_derivative_explorer", "gradient_descent_explorer",
           "plot_gradient_field", "plot_descent_paths", "plot_neuron_loss", "neuron_descent_explorer"]

# loss axis of the descent explorer: values outside are clipped (the path is drawn anyway)
_LOSS_FLOOR, _LOSS_CEIL = 1e-12, 1e6


def _two_variable_function(f, vars, default):
    """Validate (f, vars) for a two-variable plot; returns sympy f, [x, y]."""
    import sympy as sp

    from .._validation import as_expr, as_symbols

    if f is None:
        x, y = sp.symbols("x y")
        return default(x, y), [x, y]
    f = as_expr(f)
    if vars is None:
        vars = sorted(f.free_symbols, key=lambda s: s.name)
        if len(vars) != 2:
            raise ValueError(f"f must be a function of two variables for a contour plot; "
                             f"it has {len(vars)} ({vars}): pass vars=[x, y]")
    vars = as_symbols(vars)
    if len(vars) != 2:
        raise ValueError(f"vars must be two symbols [x, y] (a contour map is 2-D); got {vars}")
    extra = f.free_symbols - set(vars)
    if extra:
        raise ValueError(f"f contains symbols {sorted(map(str, extra))} that are not in vars {vars}: "
                         "substitute numbers for them first")
    return f, vars


def _check_rate_and_steps(rates, steps, min_steps):
    """Learning rates must be positive numbers, step counts integers ≥ ``min_steps``."""
    for name, val in rates:
        if isinstance(val, bool) or not isinstance(val, (int, float)) or not (np.isfinite(val) and val > 0):
            raise ValueError(f"{name} must be a positive number (the step size η > 0), got {val!r}")
    for name, val in steps:
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < min_steps:
            what = "a positive integer" if min_steps == 1 else f"an integer ≥ {min_steps}"
            raise ValueError(f"{name} must be {what}, got {val!r}")


def _window(lim, centre, name):
    if lim is None:
        return (centre - 2.0, centre + 2.0)
    return as_interval(lim, name)


def _point(point, name="point"):
    try:
        p = np.asarray(point, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be two numbers (x0, y0), got {point!r}") from None
    if p.shape != (2,) or not np.all(np.isfinite(p)):
        raise ValueError(f"{name} must be two finite numbers (x0, y0), got {point!r}")
    return p


def plot_gradient_field(ax, f, vars, xlim=(-2, 2), ylim=(-2, 2), *, n_arrows: int = 13,
                        levels: int = 20, n: int = 121, title=None, cmap="viridis"):
    """Contour map of a two-variable sympy expression with its gradient field as arrows.

    The arrows (``quiver``) are ∇f at a grid of points: they cross the level curves at right
    angles and point uphill; their length is |∇f| (scaled to fit the grid). Returns the
    ``Quiver`` artist.

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers.plotting import new_figure
    >>> from mvcalc_helpers.explorers.gradient import plot_gradient_field
    >>> x, y = sp.symbols("x y")
    >>> fig, ax = new_figure()
    >>> q = plot_gradient_field(ax, x**2 - y**2, [x, y], n_arrows=5)
    >>> q.U.size      # 5 × 5 arrows
    25
    """
    from ..plotting import function_grid, lambdify, plot_contours
    from ..symbolic import gradient

    f, vars = _two_variable_function(f, vars, None)
    if isinstance(n_arrows, bool) or not isinstance(n_arrows, int) or n_arrows < 2:
        raise ValueError(f"n_arrows must be an integer ≥ 2, got {n_arrows!r}")
    X, Y, Z = function_grid(f, vars, xlim, ylim, n=n)
    plot_contours(ax, X, Y, Z, levels=levels, cmap=cmap, title=title, labels=[str(v) for v in vars])
    g = gradient(f, vars)
    gx, gy = lambdify(g[0], vars), lambdify(g[1], vars)
    QX, QY = np.meshgrid(np.linspace(*xlim, n_arrows), np.linspace(*ylim, n_arrows))
    return ax.quiver(QX, QY, gx(QX, QY), gy(QX, QY), color="white", edgecolor="k", linewidth=0.4,
                     pivot="tail", width=0.005)


def plot_descent_paths(ax, f, vars, paths, xlim=(-2, 2), ylim=(-2, 2), *, levels: int = 25,
                       title=None):
    """Contour map of f with one or more optimisation paths drawn as connected dots.

    ``paths`` maps a label (e.g. ``"η = 0.1"``) to an array of shape (steps+1, 2), as returned
    by :func:`mvcalc_helpers.gradient_descent`. Points outside the window are clipped.
    Returns the list of ``Line2D`` artists.

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import gradient_descent
    >>> from mvcalc_helpers.plotting import new_figure
    >>> from mvcalc_helpers.explorers.gradient import plot_descent_paths
    >>> x, y = sp.symbols("x y")
    >>> path = gradient_descent(lambda v: v, [1.5, 1.0], lr=0.3, steps=10)   # f = ½(x² + y²)
    >>> fig, ax = new_figure()
    >>> lines = plot_descent_paths(ax, (x**2 + y**2) / 2, [x, y], {"η = 0.3": path})
    >>> len(lines), lines[0].get_xdata().size
    (1, 11)
    """
    from ..plotting import function_grid, plot_contours

    f, vars = _two_variable_function(f, vars, None)
    X, Y, Z = function_grid(f, vars, xlim, ylim, n=121)
    plot_contours(ax, X, Y, Z, levels=levels, cmap="Greys_r", labels=[str(v) for v in vars], title=title)
    lines = []
    for label, path in dict(paths).items():
        p = np.asarray(path, dtype=float)
        if p.ndim != 2 or p.shape[1] != 2:
            raise ValueError(f"path {label!r} must have shape (steps+1, 2), got {p.shape}")
        p = np.clip(p, -1e6, 1e6)
        (line,) = ax.plot(p[:, 0], p[:, 1], "o-", ms=3.5, lw=1.3, label=str(label))
        lines.append(line)
    ax.plot(*np.asarray(next(iter(dict(paths).values())), dtype=float)[0], "k*", ms=11, label="start x₀")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    return lines


def directional_derivative_explorer(f=None, vars=None, point=(1.0, 1.0), *, theta: float = 45.0,
                                    xlim=None, ylim=None):
    """Slider explorer: ∂f/∂l at a point as the direction turns by θ away from ∇f.

    The slider ``theta`` is the angle (degrees) between the unit direction e_l and the
    gradient ∇f(P₀), as in notes 000 §4: ∂f/∂l = ∇f·e_l = |∇f| cos θ. Left: the contour map
    with ∇f (blue) and e_l (red) at P₀; right: the curve |∇f| cos θ with the current value.
    Default f = ½(x² + y²) at P₀ = (1, 1) (notes 000 §4, example 1).

    Parameters
    ----------
    f : sympy expression in two variables (default ½(x² + y²))
    vars : [x, y] (default: the free symbols of f, sorted by name)
    point : (x0, y0) where ∇f must not be zero (θ is measured from ∇f)
    theta : initial angle in degrees, in [−180, 180]
    xlim, ylim : plotting window (default: the point ± 2)

    Examples
    --------
    >>> from mvcalc_helpers import directional_derivative_explorer
    >>> ex = directional_derivative_explorer()
    >>> ex.update(theta=0)          # along the gradient: the maximum |∇f| = √2
    '∂f/∂l = <b>1.414</b> at θ = 0° (e_l = (0.707, 0.707); |∇f| = 1.414)'
    >>> ex.update(theta=90)         # orthogonal to ∇f: rate zero
    '∂f/∂l = <b>0.000</b> at θ = 90° (e_l = (-0.707, 0.707); |∇f| = 1.414)'
    """
    import ipywidgets as widgets
    import sympy as sp

    from ..plotting import function_grid, new_figure, plot_contours
    from ..symbolic import gradient
    from ._base import Explorer

    f, vars = _two_variable_function(f, vars, lambda x, y: (x**2 + y**2) / 2)
    p = _point(point)
    try:
        theta = float(theta)
    except (TypeError, ValueError):
        raise TypeError(f"theta must be a number of degrees, got {theta!r}") from None
    if not -180 <= theta <= 180:
        raise ValueError(f"theta must lie in [-180, 180] degrees, got {theta}")
    g_exact = gradient(f, vars).subs(dict(zip(vars, [sp.nsimplify(v) for v in p])))
    try:
        g = np.array([float(sp.N(gi)) for gi in g_exact])
    except TypeError:
        raise ValueError(f"∇f is not a finite number at {tuple(p)}: choose another point") from None
    if not np.all(np.isfinite(g)):
        raise ValueError(f"∇f is not finite at {tuple(p)}: choose another point")
    gnorm = float(np.hypot(*g))
    if gnorm < 1e-12:
        raise ValueError(f"∇f = 0 at {tuple(p)}: every directional derivative is 0 there and the "
                         "angle θ to the gradient is undefined; choose a point where ∇f ≠ 0")
    xlim = _window(xlim, p[0], "xlim")
    ylim = _window(ylim, p[1], "ylim")
    phi = math.atan2(g[1], g[0])            # direction angle of the gradient

    fig, (ax, axd) = new_figure(1, 2, figsize=(9.6, 4.2), width_ratios=[1, 1.15])
    X, Y, Z = function_grid(f, vars, xlim, ylim, n=101)
    plot_contours(ax, X, Y, Z, levels=18, labels=[str(v) for v in vars],
                  title=f"contours of f = ${sp.latex(f)}$")
    width = min(xlim[1] - xlim[0], ylim[1] - ylim[0])
    glen = gnorm if gnorm <= 0.4 * width else 0.4 * width
    glabel = "∇f(P₀)" if glen == gnorm else "∇f(P₀) (shortened)"
    ax.quiver([p[0]], [p[1]], [g[0] / gnorm * glen], [g[1] / gnorm * glen], angles="xy",
              scale_units="xy", scale=1, color="tab:blue", width=0.012, label=glabel, zorder=4)
    ulen = min(1.0, 0.35 * width)
    (line_l,) = ax.plot([], [], "--", color="tab:red", lw=1.2, zorder=3)
    qdir = ax.quiver([p[0]], [p[1]], [ulen], [0.0], angles="xy", scale_units="xy", scale=1,
                     color="tab:red", width=0.012, label="e_l (unit)" if ulen == 1 else "e_l (scaled)",
                     zorder=5)
    ax.plot(*p, "ko", ms=5, zorder=6)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)

    th = np.linspace(-180, 180, 361)
    axd.plot(th, gnorm * np.cos(np.radians(th)), color="tab:purple", lw=2, label="|∇f| cos θ")
    for val, txt in ((gnorm, "max |∇f| at θ = 0"), (-gnorm, "min −|∇f| at θ = ±180°")):
        axd.axhline(val, color="gray", lw=0.8, ls=":")
        axd.annotate(txt, (-175, val), xytext=(0, -12 if val > 0 else 4), textcoords="offset points",
                     fontsize=8, color="gray")
    axd.axhline(0, color="k", lw=0.6)
    axd.set_xticks([-180, -90, 0, 90, 180])
    axd.set_xlim(-190, 190)                 # the marker at θ = ±180° stays whole (not cut off)
    axd.set_ylim(-1.25 * gnorm, 1.25 * gnorm)
    axd.set_xlabel("θ = angle between e_l and ∇f (degrees)")
    axd.set_ylabel("∂f/∂l at P₀")
    axd.set_title("directional derivative = |∇f| cos θ")
    (marker,) = axd.plot([], [], "o", color="tab:red", ms=9, zorder=5)
    (vline,) = axd.plot([], [], color="tab:red", lw=1, ls="--")

    span = 3 * width

    def update(theta):
        a = phi + math.radians(theta)
        e = np.array([math.cos(a), math.sin(a)])
        d = float(g @ e)
        qdir.set_UVC([e[0] * ulen], [e[1] * ulen])
        line_l.set_data([p[0] - span * e[0], p[0] + span * e[0]], [p[1] - span * e[1], p[1] + span * e[1]])
        marker.set_data([theta], [d])
        vline.set_data([theta, theta], [0, d])
        ez = e + 0.0  # avoid printing -0.000
        ez[np.abs(ez) < 5e-4] = 0.0
        d_txt = 0.0 if abs(d) < 5e-4 else d
        return (f"∂f/∂l = <b>{d_txt:.3f}</b> at θ = {theta:.0f}° "
                f"(e_l = ({ez[0]:.3f}, {ez[1]:.3f}); |∇f| = {gnorm:.3f})")

    controls = {"theta": widgets.FloatSlider(value=theta, min=-180, max=180, step=5,
                                             description="θ (deg)", readout_format=".0f")}
    return Explorer(fig, controls, update, animated=[qdir, line_l, marker, vline],
                    title="Directional derivative: turn the direction e_l away from ∇f")


def gradient_descent_explorer(f=None, vars=None, x0=(-1.8, 0.9), *, lr: float = 0.05, steps: int = 20,
                              lr_max: float = 0.25, steps_max: int = 60, xlim=(-2.2, 2.2),
                              ylim=(-1.3, 1.3)):
    """Slider explorer: gradient descent x_{n+1} = x_n − η∇f(x_n) on a contour map.

    Sliders: the learning rate η (keyword and control ``lr``) and the number of steps. Left: the path on the
    contour map; right: the loss f(x_n) against n (log scale). The readout gives the final
    loss and says "diverged" when the loss ended above f(x₀) (or overflowed). For a quadratic
    f (constant Hessian H) it also shows the stability bound η < 2/λ_max(H) (λ_max: the
    largest eigenvalue of H).
    Default f = ½(x² + 10y²): an ill-conditioned bowl (condition number 10) on which descent
    zig-zags, converges for η < 0.2 and diverges beyond.

    Examples
    --------
    >>> from mvcalc_helpers import gradient_descent_explorer
    >>> ex = gradient_descent_explorer()
    >>> ex.update(lr=0.1, steps=30)      # x₃₀ = (−1.8·0.9³⁰, 0): loss 1.62·0.81³⁰ ≈ 0.002911
    'η = 0.10, 30 steps: final loss f(x₃₀) = <b>0.002911</b> (f(x₀) = 5.67; stable for η < 2/λ_max(H) = 0.200)'
    >>> "diverged" in ex.update(lr=0.22)
    True
    """
    import ipywidgets as widgets
    import sympy as sp

    from ..optimize import gradient_descent
    from ..plotting import function_grid, lambdify, new_figure, plot_contours
    from ..symbolic import gradient, hessian
    from ._base import Explorer

    f, vars = _two_variable_function(f, vars, lambda x, y: (x**2 + 10 * y**2) / 2)
    start = _point(x0, "x0")
    _check_rate_and_steps((("lr", lr), ("lr_max", lr_max)), (("steps", steps), ("steps_max", steps_max)), 1)
    if lr > lr_max or steps > steps_max:
        raise ValueError(f"the initial lr={lr} and steps={steps} must not exceed lr_max={lr_max} "
                         f"and steps_max={steps_max}")
    xlim = _window(xlim, 0, "xlim")
    ylim = _window(ylim, 0, "ylim")
    fnum = lambdify(f, vars)
    g = gradient(f, vars)
    gx, gy = lambdify(g[0], vars), lambdify(g[1], vars)

    def grad(v):
        return np.array([gx(v[0], v[1]), gy(v[0], v[1])], dtype=float)

    f0 = float(fnum(*start))
    H = hessian(f, vars)
    bound = ""
    if not H.free_symbols:
        lam_max = max(abs(float(ev)) for ev in sp.Matrix(H).evalf().eigenvals())
        if lam_max > 0:
            bound = f"; stable for η < 2/λ_max(H) = {2 / lam_max:.3f}"

    fig, (ax, axl) = new_figure(1, 2, figsize=(10.0, 4.0), width_ratios=[1.35, 1])
    X, Y, Z = function_grid(f, vars, xlim, ylim, n=121)
    plot_contours(ax, X, Y, Z, levels=25, labels=[str(v) for v in vars],
                  title=f"gradient descent on f = ${sp.latex(f)}$")
    ax.plot(*start, "k*", ms=12, zorder=6)
    (path_line,) = ax.plot([], [], "o-", color="tab:red", ms=3.5, lw=1.3, zorder=5)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    axl.set_yscale("log")
    axl.set_xlim(0, steps_max)
    axl.set_ylim(_LOSS_FLOOR, _LOSS_CEIL)
    axl.axhline(f0, color="gray", ls=":", lw=1)
    axl.annotate("f(x₀)", (steps_max, f0), xytext=(-30, 3), textcoords="offset points", fontsize=8,
                 color="gray")
    axl.set_xlabel("step n")
    axl.set_ylabel("loss f(xₙ)")
    axl.set_title("loss curve (log scale)")
    (loss_line,) = axl.plot([], [], "o-", color="tab:red", ms=3, lw=1.2)
    status = axl.text(0.5, 0.93, "", transform=axl.transAxes, ha="center", fontsize=11,
                      color="tab:red", fontweight="bold")
    subs = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

    def update(lr, steps):
        path = gradient_descent(grad, start, lr=lr, steps=int(steps))
        with np.errstate(over="ignore", invalid="ignore"):
            loss = np.array([fnum(*xy) for xy in path], dtype=float)
        shown = np.clip(np.nan_to_num(path, nan=1e6, posinf=1e6, neginf=-1e6), -1e6, 1e6)
        path_line.set_data(shown[:, 0], shown[:, 1])
        loss_line.set_data(np.arange(loss.size),
                           np.clip(np.nan_to_num(loss, nan=_LOSS_CEIL, posinf=_LOSS_CEIL), _LOSS_FLOOR, _LOSS_CEIL))
        final = loss[-1]
        diverged = not np.isfinite(final) or final > f0
        status.set_text("diverged" if diverged else "")
        final_txt = "overflow (∞)" if not np.isfinite(final) else f"{final:.4g}"
        text = (f"η = {lr:.2f}, {int(steps)} steps: final loss f(x{str(int(steps)).translate(subs)}) = "
                f"<b>{final_txt}</b> (f(x₀) = {f0:.3g}{bound})")
        if diverged:
            text += " — <b>diverged</b>: the loss grew; make η smaller"
        return text

    controls = {
        "lr": widgets.FloatSlider(value=lr, min=0.01, max=lr_max, step=0.01, description="η",
                                  readout_format=".2f"),
        "steps": widgets.IntSlider(value=steps, min=1, max=steps_max, step=1, description="steps"),
    }
    return Explorer(fig, controls, update, animated=[path_line, loss_line, status],
                    title="Gradient descent: choose the learning rate η and the number of steps")


# the (w, b) window of the running example's loss surface: the minimiser (3.36, 0.50), the
# default start (−2, 3) and the overshoots of the larger learning rates
_NEURON_WLIM, _NEURON_BLIM = (-3.0, 8.0), (-3.5, 4.0)


def _neuron_problem(data):
    from ..neuron import load_neuron_data, neuron_fit, neuron_loss

    d = load_neuron_data() if data is None else data
    w_star, b_star = neuron_fit(d.x, d.y)
    return d, np.array([w_star, b_star]), float(neuron_loss(w_star, b_star, d.x, d.y))


def plot_neuron_loss(ax, paths=None, *, data=None, wlim=_NEURON_WLIM, blim=_NEURON_BLIM,
                     levels: int = 30, n: int = 121, title=None):
    """Contour map of the running example's loss J(w, b) with its minimiser and descent paths.

    ``paths`` maps a label (e.g. ``"η = 5"``) to an array of (w, b) iterates, shape
    (steps+1, 2), as returned by :func:`mvcalc_helpers.gradient_descent`. ``data`` is a
    :class:`~mvcalc_helpers.NeuronData` (default: :func:`~mvcalc_helpers.load_neuron_data`).
    The levels are spaced evenly in log(J − J*), so the flat valley around the minimiser shows.
    Returns ``(w*, b*)``, the minimiser (marked with a star).

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers.plotting import new_figure
    >>> from mvcalc_helpers import plot_neuron_loss
    >>> fig, ax = new_figure()
    >>> np.round(plot_neuron_loss(ax), 2)
    array([3.36, 0.5 ])
    """
    from ..neuron import neuron_loss

    d, star, J_star = _neuron_problem(data)
    wlim, blim = as_interval(wlim, "wlim"), as_interval(blim, "blim")
    W, B = np.meshgrid(np.linspace(*wlim, n), np.linspace(*blim, n))
    gap = neuron_loss(W, B, d.x, d.y) - J_star
    lv = np.geomspace(max(gap.min(), 1e-4), gap.max(), levels)
    ax.contourf(W, B, np.maximum(gap, lv[0]), levels=lv, cmap="viridis_r", norm=_log_norm(lv))
    ax.contour(W, B, np.maximum(gap, lv[0]), levels=lv, colors="k", linewidths=0.3, alpha=0.5)
    ax.plot(*star, "*", color="gold", mec="k", ms=15, zorder=6, label="minimiser (w*, b*)")
    for label, path in dict(paths or {}).items():
        p = np.asarray(path, dtype=float)
        if p.ndim != 2 or p.shape[1] != 2:
            raise ValueError(f"path {label!r} must have shape (steps+1, 2), got {p.shape}")
        ax.plot(p[:, 0], p[:, 1], "o-", ms=3, lw=1.2, label=str(label), zorder=5)
    if paths:
        ax.plot(*np.asarray(next(iter(dict(paths).values())), dtype=float)[0], "ks", ms=7, zorder=6,
                label="start")
    ax.set_xlim(*wlim)
    ax.set_ylim(*blim)
    ax.set_xlabel("weight w")
    ax.set_ylabel("bias b")
    ax.set_title(title or "loss J(w, b) of the neuron (contours of J − J*, log-spaced)")
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    return star


def _log_norm(levels):
    from matplotlib.colors import LogNorm

    return LogNorm(vmin=levels[0], vmax=levels[-1])


_REGIME_TEXT = {
    "slow": "slow: every step goes downhill, but η is too small to get there in this many steps",
    "good": "good: converged",
    "oscillating": "oscillating: the steps overshoot across the valley and zig-zag in, but converge",
    "diverging": "diverging: the steps overshoot more and more and the path never settles; make η smaller",
}


def neuron_descent_explorer(eta: float = 5.0, steps: int = 40, *, start=(-2.0, 3.0),
                            eta_max: float = 40.0, steps_max: int = 100, data=None):
    """Slider explorer: gradient descent on the running example's loss J(w, b), learning rate η.

    The neuron p = σ(w·x + b) on the digits 0/1 (:mod:`mvcalc_helpers.neuron`) is trained by
    (w, b) ← (w, b) − η ∇J(w, b) from ``start``. Left: the path on the contour map of J;
    right: the gap J(wₙ, bₙ) − J* (log scale) against the step n. The readout names the
    regime (:func:`mvcalc_helpers.descent_regime`): slow, good, oscillating or diverging.
    On these data, with 40 steps, that is slow for η ≲ 2, good up to about 22, oscillating
    near 24–26 and diverging beyond (chapter 5 explains the threshold by the curvature at the minimiser).

    Parameters
    ----------
    eta, steps : initial slider values (learning rate η > 0, number of steps)
    start : the initial (w, b)
    eta_max, steps_max : slider ranges (η from 0.5, steps from 1)
    data : a :class:`~mvcalc_helpers.NeuronData` (default: the 360 zeros and ones)

    Examples
    --------
    >>> from mvcalc_helpers import neuron_descent_explorer
    >>> ex = neuron_descent_explorer()
    >>> [ex.update(eta=eta).split("<b>")[-1].split(":")[0] for eta in (1, 10, 24, 30)]
    ['slow', 'good', 'oscillating', 'diverging']
    """
    import ipywidgets as widgets

    from ..neuron import neuron_gradient, neuron_loss
    from ..optimize import descent_regime, gradient_descent
    from ..plotting import new_figure
    from ._base import Explorer

    _check_rate_and_steps((("eta", eta), ("eta_max", eta_max)), (("steps", steps), ("steps_max", steps_max)), 2)
    if not (0.5 <= eta <= eta_max) or steps > steps_max:
        raise ValueError(f"the initial eta={eta} and steps={steps} must lie in [0.5, eta_max={eta_max}] "
                         f"and [2, steps_max={steps_max}]")
    start = _point(start, "start")
    d, star, J_star = _neuron_problem(data)

    def grad(theta):
        return neuron_gradient(theta[0], theta[1], d.x, d.y)

    fig, (ax, axl) = new_figure(1, 2, figsize=(11.0, 4.4), width_ratios=[1.3, 1])
    wlim = (min(_NEURON_WLIM[0], start[0] - 1), max(_NEURON_WLIM[1], start[0] + 1))
    blim = (min(_NEURON_BLIM[0], start[1] - 1), max(_NEURON_BLIM[1], start[1] + 1))
    plot_neuron_loss(ax, data=d, wlim=wlim, blim=blim, title="gradient descent on J(w, b)")
    ax.plot(*start, "ks", ms=7, zorder=6)
    (path_line,) = ax.plot([], [], "o-", color="tab:red", ms=3, lw=1.2, zorder=5)
    (end_marker,) = ax.plot([], [], "o", color="white", mec="tab:red", mew=2, ms=9, zorder=7, clip_on=False)
    gap0 = float(neuron_loss(start[0], start[1], d.x, d.y)) - J_star
    floor = 1e-16
    axl.set_yscale("log")
    axl.set_xlim(0, steps_max)
    axl.set_ylim(floor, 10 * gap0)
    axl.set_xlabel("step n")
    axl.set_ylabel("J(wₙ, bₙ) − J*")
    axl.set_title("distance to the minimum (log scale)")
    (gap_line,) = axl.plot([], [], "o-", color="tab:red", ms=3, lw=1.2)
    subs = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

    def update(eta, steps):
        path = gradient_descent(grad, start, lr=float(eta), steps=int(steps))
        losses = neuron_loss(path[:, 0], path[:, 1], d.x, d.y)
        regime = descent_regime(losses, path, J_star)
        path_line.set_data(path[:, 0], path[:, 1])
        end = np.clip(path[-1], [wlim[0], blim[0]], [wlim[1], blim[1]])   # on the map's edge if off it
        end_marker.set_data([end[0]], [end[1]])
        gap_line.set_data(np.arange(losses.size), np.clip(losses - J_star, floor, None))
        n = str(int(steps)).translate(subs)
        off = "" if np.allclose(end, path[-1]) else " (off the map)"
        return (f"η = {eta:.1f}, {int(steps)} steps: J(w{n}, b{n}) − J* = {max(losses[-1] - J_star, 0):.1e}"
                f"{off} — <b>{_REGIME_TEXT[regime]}</b>")

    controls = {
        "eta": widgets.FloatSlider(value=float(eta), min=0.5, max=float(eta_max), step=0.5, description="η",
                                   readout_format=".1f"),
        "steps": widgets.IntSlider(value=int(steps), min=2, max=int(steps_max), step=1, description="steps"),
    }
    return Explorer(fig, controls, update, animated=[path_line, end_marker, gap_line],
                    title="Training the neuron: choose the learning rate η (slow / good / oscillating / diverging)")
