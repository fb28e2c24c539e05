"""Figure helpers shared by the chapters: pyplot-free figures for explorers, grids of a
sympy function, surfaces and contour plots with readable defaults."""
from __future__ import annotations

import numpy as np

__all__ = ["new_figure", "function_grid", "lambdify", "plot_surface", "plot_contours"]


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize=(6.4, 4.2), projection=None,
               subplot_kw=None, **kwargs):
    """A matplotlib ``Figure`` with an Agg canvas, *not* registered with pyplot.

    Explorers draw into it and render PNGs themselves; a notebook does not display it twice.
    Returns ``(fig, axes)`` like ``plt.subplots``.

    >>> from mvcalc_helpers.plotting import new_figure
    >>> fig, ax = new_figure()
    >>> type(fig.canvas).__name__
    'FigureCanvasAgg'
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout=kwargs.pop("layout", "constrained"))
    FigureCanvasAgg(fig)
    skw = dict(subplot_kw or {})
    if projection:
        skw["projection"] = projection
    axes = fig.subplots(nrows, ncols, subplot_kw=skw, squeeze=True, **kwargs)
    return fig, axes


def lambdify(expr, vars):
    """``sympy.lambdify`` to numpy whose result always has the broadcast shape of the inputs
    (a constant, or an expression without some of the variables, is broadcast too).

    >>> import sympy as sp, numpy as np
    >>> from mvcalc_helpers.plotting import lambdify
    >>> x, y = sp.symbols("x y")
    >>> lambdify(sp.Integer(3), [x, y])(np.zeros(2), np.zeros(2))
    array([3., 3.])
    >>> lambdify(x, [x, y])(np.arange(3), np.zeros((2, 3))).shape
    (2, 3)
    """
    import sympy as sp

    f = sp.lambdify(list(vars), expr, modules="numpy")

    def wrapped(*args):
        out = f(*args)
        shape = np.broadcast(*[np.asarray(a) for a in args]).shape if args else ()
        return out if np.shape(out) == shape else np.broadcast_to(np.asarray(out, dtype=float), shape).copy()
    return wrapped


def function_grid(f, vars, xlim=(-2, 2), ylim=(-2, 2), n: int = 41):
    """Evaluate a two-variable sympy expression (or numpy callable) on an n×n grid.

    Returns ``X, Y, Z`` (each n×n) ready for ``plot_surface``/``contour``.

    >>> import sympy as sp
    >>> from mvcalc_helpers.plotting import function_grid
    >>> x, y = sp.symbols("x y")
    >>> X, Y, Z = function_grid(x**2 + y**2, [x, y], n=5)
    >>> Z.shape, float(Z[0, 0])
    ((5, 5), 8.0)
    """
    xs = np.linspace(*xlim, n)
    ys = np.linspace(*ylim, n)
    X, Y = np.meshgrid(xs, ys)
    if callable(f) and not hasattr(f, "free_symbols"):
        fn = f
    else:
        import sympy as sp

        if vars is None or len(vars) != 2:
            raise TypeError(f"vars must be the two sympy symbols of the axes, e.g. [x, y]; got {vars!r}")
        extra = sp.sympify(f).free_symbols - set(vars)
        if extra:
            raise ValueError(f"f has symbols {sorted(map(str, extra))} that are not in vars "
                             f"{list(vars)}: substitute values for them first")
        fn = lambdify(f, vars)
    Z = np.asarray(fn(X, Y), dtype=float)
    return X, Y, Z


def plot_surface(ax, X, Y, Z, *, cmap="viridis", alpha=0.85, labels=("x", "y", "z"), title=None, **kw):
    """Draw a surface on a 3-D axes with labelled axes; returns the ``Poly3DCollection``.

    >>> import sympy as sp
    >>> from mvcalc_helpers.plotting import new_figure, function_grid, plot_surface
    >>> x, y = sp.symbols("x y")
    >>> fig, ax = new_figure(projection="3d")
    >>> surf = plot_surface(ax, *function_grid(x**2 - y**2, [x, y], n=21), title="saddle")
    >>> ax.get_zlabel(), ax.get_title()
    ('z', 'saddle')
    """
    surf = ax.plot_surface(X, Y, Z, cmap=cmap, alpha=alpha, linewidth=0, antialiased=True, **kw)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_zlabel(labels[2])
    if title:
        ax.set_title(title)
    return surf


def plot_contours(ax, X, Y, Z, *, levels=20, cmap="viridis", labels=("x", "y"), title=None,
                  filled=True, colorbar=False):
    """Filled contours (plus thin level lines) with labelled axes and equal aspect.

    Returns the filled ``QuadContourSet`` (``None`` with ``filled=False``).

    >>> import sympy as sp
    >>> from mvcalc_helpers.plotting import new_figure, function_grid, plot_contours
    >>> x, y = sp.symbols("x y")
    >>> fig, ax = new_figure()
    >>> cs = plot_contours(ax, *function_grid(x**2 + 3*y**2, [x, y]), levels=10, colorbar=True)
    >>> len(fig.axes)           # the plot and its colorbar
    2
    """
    cs = ax.contourf(X, Y, Z, levels=levels, cmap=cmap) if filled else None
    ax.contour(X, Y, Z, levels=levels, colors="k", linewidths=0.4, alpha=0.5)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    if colorbar and cs is not None:
        ax.figure.colorbar(cs, ax=ax)
    return cs
