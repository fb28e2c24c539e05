"""Figure helpers shared by the chapters: pyplot-free figures for explorers, grids of a
sympy function, surfaces and contour plots with readable defaults, Chinese glyphs, and a
checker that finds text labels that overlap or leave the canvas (every figure of the course
is tested with it)."""
from __future__ import annotations

import functools

import numpy as np

__all__ = ["new_figure", "function_grid", "lambdify", "plot_surface", "plot_contours",
           "cjk_font", "use_cjk_font_fallback", "text_layout_problems"]

# fonts with Chinese glyphs, best first (Debian/Ubuntu package fonts-noto-cjk, macOS, Windows)
_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "PingFang SC",
              "Microsoft YaHei", "SimHei", "WenQuanYi Zen Hei")


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of an installed font with Chinese glyphs (Noto Sans CJK SC first), or ``None``.

    >>> from mvcalc_helpers.plotting import cjk_font
    >>> cjk_font() is None or "CJK" in cjk_font() or isinstance(cjk_font(), str)
    True
    """
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FONTS if name in installed), None)


def use_cjk_font_fallback() -> str | None:
    """Let matplotlib draw Chinese characters: append a CJK font to ``rcParams["font.family"]``.

    matplotlib (≥ 3.6) falls back glyph by glyph along the ``font.family`` list, so Latin text,
    digits and symbols keep the default DejaVu Sans and only the Chinese characters come from
    the CJK font. Does nothing (and warns nothing) when no CJK font is installed; on Debian or
    Ubuntu install one with ``apt-get install fonts-noto-cjk``. Idempotent. Returns the font's
    name, or ``None``.

    >>> import matplotlib
    >>> from mvcalc_helpers.plotting import cjk_font, use_cjk_font_fallback
    >>> with matplotlib.rc_context():
    ...     name = use_cjk_font_fallback()
    ...     family = list(matplotlib.rcParams["font.family"])
    >>> name == cjk_font() and (name is None or family[-1] == name)
    True
    """
    import matplotlib

    name = cjk_font()
    if name is None:
        return None
    family = matplotlib.rcParams["font.family"]
    family = [family] if isinstance(family, str) else list(family)
    if name not in family:
        matplotlib.rcParams["font.family"] = family + [name]
    return name


def _texts_drawn(fig):
    """Draw ``fig`` once (animated artists included) and return ``[(Text, Bbox)]`` of every
    text that was really drawn, with its bounding box in pixels (clipped to its clip box)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

    if fig.canvas is None or not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    drawn = []
    original = Text.draw

    def recording_draw(self, renderer):
        original(self, renderer)
        if not self.get_visible() or not self.get_text().strip():
            return
        bbox = self.get_window_extent(renderer)
        patch = self.get_bbox_patch()          # a label's box (bbox=dict(...)) counts as the label
        if patch is not None and patch.get_visible():
            bbox = Bbox.union([bbox, patch.get_window_extent(renderer)])
        clip = self.get_clip_box() if self.get_clip_on() else None
        if clip is not None:
            inter = Bbox.intersection(bbox, clip)
            if inter is None or inter.width <= 0 or inter.height <= 0:
                return                      # clipped away: not visible
            bbox = inter
        drawn.append((self, bbox))

    animated = [a for a in fig.findobj() if a.get_animated()]
    for a in animated:
        a.set_animated(False)
    Text.draw = recording_draw
    try:
        fig.canvas.draw()
    finally:
        Text.draw = original
        for a in animated:
            a.set_animated(True)
    unique = {}
    for t, bb in drawn:                      # a text drawn twice counts once (its last box)
        unique[id(t)] = (t, bb)
    return list(unique.values())


def text_layout_problems(fig, *, tol: float = 1.0) -> list[str]:
    """Text labels of a matplotlib figure that overlap each other or leave the canvas.

    The figure is drawn once with its own canvas (animated artists included, as an explorer
    shows them); every text really drawn — titles, axis and tick labels, legend entries,
    annotations, ``ax.text`` — is measured by the renderer (``Text.get_window_extent``, with
    the label's box if it has one). Two
    labels *overlap* when their boxes share more than ``tol`` pixels in both directions; a
    label *leaves the canvas* when its box sticks out of the figure by more than ``tol`` pixels.

    Returns one readable sentence per problem (an empty list: every label is readable).

    Examples
    --------
    >>> from mvcalc_helpers.plotting import new_figure, text_layout_problems
    >>> fig, ax = new_figure(figsize=(4, 3))
    >>> _ = ax.set(title="a tidy plot", xlabel="x", ylabel="y")
    >>> text_layout_problems(fig)
    []
    >>> _ = ax.text(0.5, 0.5, "first label", transform=ax.transAxes)
    >>> _ = ax.text(0.52, 0.51, "second label", transform=ax.transAxes)
    >>> _ = ax.text(1.5, 0.5, "far right", transform=ax.transAxes)
    >>> for problem in text_layout_problems(fig):
    ...     print(problem.split(" by ")[0])
    'first label' overlaps 'second label'
    'far right' leaves the canvas (right
    """
    drawn = _texts_drawn(fig)
    canvas = fig.bbox
    problems = []

    def name(t):
        s = " ".join(t.get_text().split())
        return repr(s if len(s) <= 40 else s[:37] + "...")

    for i, (a, ba) in enumerate(drawn):
        for b, bb in drawn[i + 1:]:
            w = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
            h = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
            if w > tol and h > tol:
                problems.append(f"{name(a)} overlaps {name(b)}")
    for t, bb in drawn:
        out = {"left": canvas.x0 - bb.x0, "right": bb.x1 - canvas.x1,
               "bottom": canvas.y0 - bb.y0, "top": bb.y1 - canvas.y1}
        sides = [f"{side} by {d:.0f} px" for side, d in out.items() if d > tol]
        if sides:
            problems.append(f"{name(t)} leaves the canvas ({', '.join(sides)})")
    return problems


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

    use_cjk_font_fallback()                 # Chinese titles render when a CJK font is installed
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
