"""Chapters 4–5 explorer: curvature and the learning rate.

Gradient descent on a quadratic ``q(δ) = ½ δᵀHδ`` (the second-order Taylor model of a loss
around its minimiser, δ = θ − θ*) is the linear map ``δ ← (I − ηH)δ``. In the eigenbasis of H
each coordinate is multiplied by ``1 − ηλᵢ`` per step, so the iterates contract exactly when
every ``|1 − ηλᵢ| < 1``, i.e. ``0 < η < 2/λ_max``. The slider moves η across that bound.
"""
from __future__ import annotations

import numbers

import numpy as np

from ._base import Explorer

__all__ = ["learning_rate_explorer", "plot_stable_step"]


def _running_example_hessian():
    from ..neuron import load_neuron_data, neuron_fit, neuron_hessian

    d = load_neuron_data()
    w, b = neuron_fit(d.x, d.y)
    return np.asarray(neuron_hessian(w, b, d.x, d.y), dtype=float)


def _spd_2x2(H):
    try:
        H = np.asarray(H, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"H must be a 2×2 matrix of numbers, got {H!r}") from None
    if H.shape != (2, 2) or not np.all(np.isfinite(H)):
        raise ValueError(f"H must be a finite 2×2 matrix, got shape {H.shape}")
    if not np.allclose(H, H.T, rtol=1e-12, atol=1e-15):
        raise ValueError("H must be symmetric (a Hessian of a C² function is)")
    lam = np.linalg.eigvalsh(H)
    if not lam[0] > 0:
        raise ValueError(f"H must be positive definite (a minimum), its eigenvalues are {lam}: "
                         "with λ ≤ 0 no step size makes gradient descent contract")
    return (H + H.T) / 2, lam


def plot_stable_step(H=None, *, fractions=(0.95, 1.05), start=(0.01, 0.01), steps: int = 300, ax=None):
    """A static figure: distance to the minimum against the step for η just below and just above 2/λ_max.

    Gradient descent δ_{k+1} = δ_k − η·Hδ_k on the quadratic model ½δᵀHδ from ``start``, one
    curve |δ_k| (log scale) for each η = fraction·2/λ_max, and the level |δ₀| dashed. Below the
    bound the curve falls to 0; above it, it rises like |1 − ηλ_max|^k. This is the picture of
    :func:`learning_rate_explorer` that a reader without a running kernel still sees.

    Parameters
    ----------
    H : symmetric positive definite 2×2 matrix (default: the running example's Hessian at its minimiser)
    fractions : the step sizes as multiples of 2/λ_max (each in (0, 3))
    start : the first iterate δ₀ (not the minimum itself)
    steps : number of steps (1…2000)
    ax : a matplotlib Axes to draw into (default: a new pyplot-free figure)

    Returns the Figure; its first ``len(fractions)`` lines are the curves |δ_k|, k = 0…steps.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import plot_stable_step
    >>> fig = plot_stable_step(np.diag([1.0, 4.0]), fractions=(0.98, 1.02), start=(1.0, 0.6), steps=100)
    >>> below, above = (line.get_ydata() for line in fig.axes[0].get_lines()[:2])
    >>> round(float(above[0]), 3)                                      # |δ₀| = |(1, 0.6)|
    1.166
    >>> bool(below[-1] < 0.02 and above[-1] > 25)    # factors 0.96¹⁰⁰ ≈ 0.017 and 1.04¹⁰⁰ ≈ 50 on the 0.6-component
    True
    >>> [line.get_label() for line in fig.axes[0].get_lines()[:2]]
    ['η = 0.98 × 2/λ_max', 'η = 1.02 × 2/λ_max']
    """
    from ..optimize import gradient_descent
    from ..plotting import new_figure
    from .gradient import _point

    H, lam = _spd_2x2(_running_example_hessian() if H is None else H)
    crit = 2.0 / float(lam[1])
    d0 = _point(start, "start")
    if not np.any(d0):
        raise ValueError("start must not be the minimum (0, 0) itself: there is nothing to descend")
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or not 1 <= steps <= 2000:
        raise ValueError(f"steps must be an integer between 1 and 2000, got {steps!r}")
    try:
        fractions = [float(f) for f in fractions]
    except (TypeError, ValueError):
        raise TypeError(f"fractions must be a sequence of numbers, got {fractions!r}") from None
    if not fractions or not all(0 < f < 3 for f in fractions):
        raise ValueError(f"fractions must be numbers in (0, 3) (multiples of 2/λ_max), got {fractions!r}")
    if ax is None:
        fig, ax = new_figure(figsize=(7.5, 4.2))
    else:
        fig = ax.figure
    colors = ["tab:blue", "tab:red", "tab:green", "tab:purple", "tab:brown"]
    ks = np.arange(steps + 1)
    for i, frac in enumerate(fractions):
        with np.errstate(over="ignore", invalid="ignore"):
            dist = np.linalg.norm(gradient_descent(lambda v: H @ v, d0, lr=frac * crit, steps=steps), axis=1)
        ax.semilogy(ks, dist, color=colors[i % len(colors)], lw=2, label=f"η = {frac:.2f} × 2/λ_max")
    ax.axhline(np.linalg.norm(d0), color="0.4", lw=0.8, ls="--", label="|δ₀| (the start)")
    ax.set_xlim(0, steps)
    ax.set_xlabel("step k")
    ax.set_ylabel("|δ_k|  (distance to the minimum)")
    ax.set_title(f"gradient descent on ½δᵀHδ, λ_max = {lam[1]:.3g}, 2/λ_max = {crit:.4g}")
    ax.legend(fontsize=9)
    return fig


class _LearningRateExplorer(Explorer):
    """An :class:`Explorer` that also exposes the current gradient-descent ``path``."""

    @property
    def path(self) -> np.ndarray:
        return self._state["path"]


def learning_rate_explorer(H=None, *, start=(1.0, 0.6), steps: int = 30, eta: float | None = None,
                           labels=("w − w*", "b − b*")):
    """Slider η: gradient descent on the quadratic model ½δᵀHδ, and the bound η < 2/λ_max.

    Left: contours of ½δᵀHδ (aspect equal: circles look like circles) with the first
    ``steps`` gradient-descent iterates δ_{k+1} = δ_k − η·Hδ_k from ``start``. Middle: the
    distance |δ_k| to the minimum on a log scale. Right: the per-step factors |1 − ηλ| of the
    two eigen-directions against η, with the stable-step bound 2/λ_max marked — the λ_max
    curve crosses 1 exactly there. The slider runs from 2/λ_max/50 to 1.5·2/λ_max in steps of
    (2/λ_max)/50, so 2/λ_max itself is a slider position.

    Parameters
    ----------
    H : symmetric positive definite 2×2 matrix. Default: the running example's Hessian at its
        minimiser (one sigmoid neuron on the standardised middle ink, chapter 4).
    start : the first iterate δ₀
    steps : number of gradient-descent steps (1…200)
    eta : initial learning rate (default 0.5·2/λ_max)
    labels : axis labels of the two coordinates

    The returned explorer has ``critical_eta`` (2/λ_max), ``eigenvalues`` (ascending) and
    ``path`` (the current iterates, shape (steps + 1, 2)).

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import learning_rate_explorer
    >>> ex = learning_rate_explorer(np.diag([1.0, 4.0]))       # λ_max = 4: 2/λ_max = 0.5
    >>> ex.critical_eta
    0.5
    >>> print(ex.update(eta=0.49).split(":")[0])              # |1 − 0.49·4| = 0.96 < 1
    η = 0.49 = 0.98 × 2/λ_max
    >>> bool(np.linalg.norm(ex.path[-1]) < np.linalg.norm(ex.path[0]))
    True
    >>> "diverges" in ex.update(eta=0.51)                     # |1 − 0.51·4| = 1.04 > 1
    True
    """
    import ipywidgets as widgets

    from ..optimize import gradient_descent
    from ..plotting import new_figure
    from .gradient import _point

    H, lam = _spd_2x2(_running_example_hessian() if H is None else H)
    lam_min, lam_max = float(lam[0]), float(lam[1])
    crit = 2.0 / lam_max
    kappa = lam_max / lam_min
    d0 = _point(start, "start")
    if not np.any(d0):
        raise ValueError("start must not be the minimum (0, 0) itself: there is nothing to descend")
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or not 1 <= steps <= 200:
        raise ValueError(f"steps must be an integer between 1 and 200, got {steps!r}")
    step = crit / 50
    eta_max = 1.5 * crit
    if eta is None:
        eta = 0.5 * crit
    if isinstance(eta, bool) or not isinstance(eta, numbers.Real) or not step <= eta <= eta_max:
        raise ValueError(f"eta must be a number in the slider range [{step:.4g}, {eta_max:.4g}] "
                         f"(2/λ_max = {crit:.4g}), got {eta!r}")
    if not (isinstance(labels, (tuple, list)) and len(labels) == 2):
        raise ValueError(f"labels must be two axis labels, got {labels!r}")

    fig, (axp, axd, axf) = new_figure(1, 3, figsize=(11.5, 3.9),
                                      gridspec_kw={"width_ratios": [1.1, 1.0, 1.0]})
    # left: contours of q over a square window around the minimum
    R = 1.35 * float(np.max(np.abs(d0)))
    g = np.linspace(-R, R, 161)
    GX, GY = np.meshgrid(g, g)
    Q = 0.5 * (H[0, 0] * GX**2 + 2 * H[0, 1] * GX * GY + H[1, 1] * GY**2)
    q0 = 0.5 * d0 @ H @ d0
    axp.contour(GX, GY, Q, levels=q0 * np.geomspace(1e-3, 4, 12), cmap="viridis", linewidths=0.9)
    axp.plot([0], [0], "*", color="k", ms=11, zorder=5)
    axp.plot([d0[0]], [d0[1]], "o", color="tab:red", ms=6, zorder=5)
    (path_line,) = axp.plot([], [], "o-", color="tab:red", ms=3, lw=1.2)
    axp.set_xlim(-R, R)
    axp.set_ylim(-R, R)
    axp.set_aspect("equal")
    axp.set_xlabel(str(labels[0]))
    axp.set_ylabel(str(labels[1]))
    axp.set_title("gradient descent on ½δᵀHδ")

    # middle: distance to the minimum
    ks = np.arange(steps + 1)
    lo, hi = 1e-8, 1e4
    (dist_line,) = axd.semilogy([], [], color="tab:red", lw=1.8)
    axd.axhline(np.linalg.norm(d0), color="0.4", lw=0.8, ls="--")
    axd.set_xlim(0, steps)
    axd.set_ylim(lo, hi)
    axd.set_xlabel("step k")
    axd.set_ylabel("|δ_k|  (distance to the minimum)")
    axd.set_title(f"{steps} steps (dashed: |δ₀|)")

    # right: per-step factors of the eigen-directions
    etas = np.linspace(0.0, eta_max, 301)
    axf.plot(etas, np.abs(1 - etas * lam_min), color="tab:blue", lw=1.8, label="|1 − ηλ_min|")
    axf.plot(etas, np.abs(1 - etas * lam_max), color="tab:orange", lw=1.8, label="|1 − ηλ_max|")
    axf.axhline(1.0, color="k", lw=0.8)
    axf.axvline(crit, color="tab:red", ls="--", lw=1.2, label=f"η = 2/λ_max = {crit:.4g}")
    eta_line = axf.axvline(eta, color="0.3", lw=1.0)
    (dots,) = axf.plot([], [], "o", color="k", ms=5, zorder=5)
    top = float(max(np.abs(1 - eta_max * lam_max), 1.0)) * 1.12
    axf.set_xlim(-0.03 * eta_max, 1.03 * eta_max)      # markers at the slider ends stay whole
    axf.set_ylim(-0.03 * top, top)                       # dots on the η axis stay whole
    axf.set_xlabel("learning rate η")
    axf.set_ylabel("factor per step")
    axf.set_title(f"λ = {lam_min:.3g}, {lam_max:.3g};  κ = {kappa:.3g}")
    axf.legend(loc="upper left", fontsize=8)

    state = {"path": None}

    def update(eta):
        eta = float(eta)
        path = gradient_descent(lambda v: H @ v, d0, lr=eta, steps=steps)
        state["path"] = path
        path_line.set_data(path[:, 0], path[:, 1])
        with np.errstate(over="ignore", invalid="ignore"):
            dist = np.linalg.norm(path, axis=1)
        dist_line.set_data(ks, np.clip(np.nan_to_num(dist, nan=hi, posinf=hi), lo, hi))
        eta_line.set_xdata([eta, eta])
        f_min, f_max = abs(1 - eta * lam_min), abs(1 - eta * lam_max)
        dots.set_data([eta, eta], [f_min, f_max])
        rho = max(f_min, f_max)
        if abs(rho - 1.0) < 1e-9:
            verdict = "<b>neither</b>: the λ_max component flips sign forever (|1 − ηλ_max| = 1)"
        elif rho < 1:
            verdict = f"<b>converges</b>: |δ| shrinks by about {rho:.3f} per step"
        else:
            verdict = f"<b>diverges</b>: |δ| grows by about {rho:.3f} per step"
        return (f"η = {eta:.4g} = {eta / crit:.2f} × 2/λ_max: factors |1 − ηλ| = {f_min:.3f} (λ_min), "
                f"{f_max:.3f} (λ_max) → {verdict}")

    controls = {"eta": widgets.FloatSlider(value=float(eta), min=step, max=eta_max, step=step,
                                           description="η", readout_format=".4g",
                                           layout=widgets.Layout(width="420px"))}
    ex = _LearningRateExplorer(fig, controls, update, animated=[path_line, dist_line, eta_line, dots],
                               title="Learning rate vs curvature: gradient descent contracts exactly "
                                     "when η < 2/λ_max")
    ex.critical_eta = crit
    ex.eigenvalues = lam.copy()
    ex.hessian = H
    ex._state = state
    return ex
