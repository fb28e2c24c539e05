"""mvcalc_helpers.plotting: pyplot-free figures, broadcasting lambdify, function grids, and the
surface / contour helpers (checked on the artists they create and on a rendered PNG)."""
import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp
from mpl_toolkits.mplot3d import Axes3D

from mvcalc_helpers.plotting import function_grid, lambdify, new_figure, plot_contours, plot_surface

x, y, z = sp.symbols("x y z")


def test_new_figure_is_agg_and_not_registered_with_pyplot():
    before = plt.get_fignums()
    fig, ax = new_figure()
    assert type(fig.canvas).__name__ == "FigureCanvasAgg"
    assert plt.get_fignums() == before                    # a notebook will not show it twice
    fig, axes = new_figure(1, 2, figsize=(8, 3))
    assert axes.shape == (2,) and tuple(fig.get_size_inches()) == (8, 3)
    fig, ax3 = new_figure(projection="3d")
    assert isinstance(ax3, Axes3D)


def test_lambdify_matches_numpy_and_broadcasts():
    f = lambdify(sp.exp(x) * sp.sin(y) + x * y**2, [x, y])
    X, Y = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(0, 2, 4))
    assert np.allclose(f(X, Y), np.exp(X) * np.sin(Y) + X * Y**2, rtol=1e-15)
    assert f(X, Y).shape == (4, 5)
    assert lambdify(sp.Integer(2), [x, y])(X, Y).shape == (4, 5)      # constant
    assert np.array_equal(lambdify(y, [x, y])(X, Y), Y)                 # one variable missing
    assert lambdify(x, [x, y])(np.arange(5.0), Y).shape == (4, 5)       # broadcast to both inputs


def test_function_grid_sympy_and_callable_agree():
    Xs, Ys, Zs = function_grid(x**2 - 3 * x * y, [x, y], xlim=(-1, 2), ylim=(0, 1), n=7)
    Xc, Yc, Zc = function_grid(lambda X, Y: X**2 - 3 * X * Y, None, xlim=(-1, 2), ylim=(0, 1), n=7)
    assert Xs.shape == Ys.shape == Zs.shape == (7, 7)
    assert np.array_equal(Xs[0], np.linspace(-1, 2, 7)) and np.array_equal(Ys[:, 0], np.linspace(0, 1, 7))
    assert np.allclose(Zs, Zc) and np.allclose(Zs, Xs**2 - 3 * Xs * Ys)
    _, _, Zk = function_grid(sp.Integer(4), [x, y], n=3)
    assert np.array_equal(Zk, np.full((3, 3), 4.0))


def test_function_grid_bad_input():
    with pytest.raises(ValueError, match=r"symbols \['z'\] that are not in vars"):
        function_grid(x * z, [x, y])
    with pytest.raises(TypeError, match="vars must be the two sympy symbols"):
        function_grid(x * y, None)
    with pytest.raises(TypeError, match="vars must be the two sympy symbols"):
        function_grid(x * y, [x, y, z])


def test_plot_surface_and_contours_label_and_render(tmp_path):
    fig, default_ax = new_figure(figsize=(9, 4))
    default_ax.remove()
    ax1 = fig.add_subplot(1, 2, 1, projection="3d")
    ax2 = fig.add_subplot(1, 2, 2)
    X, Y, Z = function_grid(x**2 - y**2, [x, y], n=31)
    surf = plot_surface(ax1, X, Y, Z, labels=("x", "y", "f"), title="saddle x² − y²")
    cs = plot_contours(ax2, X, Y, Z, levels=12, colorbar=True, title="level sets")
    assert surf in ax1.collections
    assert (ax1.get_xlabel(), ax1.get_ylabel(), ax1.get_zlabel()) == ("x", "y", "f")
    assert ax2.get_aspect() == 1.0 and ax2.get_title() == "level sets"
    assert len(cs.levels) >= 10 and cs.levels.min() <= Z.min() and cs.levels.max() >= Z.max()
    assert len(fig.axes) == 3                             # 3-D, contour and the colorbar
    assert plot_contours(new_figure()[1], X, Y, Z, filled=False) is None
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    (tmp_path / "plotting.png").write_bytes(buf.getvalue())
    img = plt.imread(io.BytesIO(buf.getvalue()))
    assert img.shape[:2] == (400, 900) and img[..., :3].std() > 0.1     # not a blank image


# --- every figure readable: no overlapping labels, nothing off the canvas ---------------------

import warnings

import matplotlib

import mvcalc_helpers as mh
from figure_gallery import EXPLORERS, FIGURES, public_names
from mvcalc_helpers.plotting import cjk_font, text_layout_problems, use_cjk_font_fallback

# figures of other chapters with a known problem, being fixed by their chapter's owner
KNOWN_PROBLEMS = {
}
# (non-strict: once fixed they show as XPASS; then delete the entry)


def test_text_layout_problems_finds_overlaps_and_labels_off_the_canvas():
    fig, ax = new_figure(figsize=(4, 3))
    ax.set(title="clean", xlabel="x", ylabel="y")
    assert text_layout_problems(fig) == []
    a = ax.text(0.5, 0.5, "first label", transform=ax.transAxes)
    ax.text(0.52, 0.52, "second label", transform=ax.transAxes)
    problems = text_layout_problems(fig)
    assert problems == ["'first label' overlaps 'second label'"]
    a.set_position((0.5, 0.1))                          # moved apart: fixed
    assert text_layout_problems(fig) == []
    ax.text(1.6, 0.5, "far right", transform=ax.transAxes)
    ax.set_title("a title much too long for this small figure to hold on its canvas at all, surely")
    problems = text_layout_problems(fig)
    assert any(p.startswith("'far right' leaves the canvas (right") for p in problems)
    assert any("leaves the canvas (left" in p and "right" in p for p in problems if "title" in p)


def test_text_layout_problems_sees_boxes_animated_texts_and_ignores_hidden_ones():
    fig, ax = new_figure(figsize=(4, 3))
    ax.text(0.3, 0.5, "A", transform=ax.transAxes, bbox=dict(pad=20))
    t = ax.text(0.36, 0.5, "B", transform=ax.transAxes)          # clear of "A", not of A's box
    assert text_layout_problems(fig) == ["'A' overlaps 'B'"]
    t.set_visible(False)
    assert text_layout_problems(fig) == []
    t.set_visible(True)
    t.set_animated(True)                                # explorers draw animated texts on top
    assert text_layout_problems(fig) == ["'A' overlaps 'B'"]
    assert t.get_animated()                             # ... and the flag is restored
    ax.set_xlim(0, 1)
    ax.text(5, 0.5, "outside the axes", clip_on=True)   # clipped away: not drawn, not a problem
    ax.annotate("off-axes annotation", xy=(7, 0.5), annotation_clip=True)
    t.set_visible(False)
    assert text_layout_problems(fig) == []


def _figure_of(obj):
    return obj.fig if hasattr(obj, "fig") else obj


def _markers_outside_view(fig):
    """Point markers (marker-only lines of ≤ 2 points: a slider's current point) that are cut
    off by their axes: the whole marker (centre ± half its size) must lie inside the axes box.
    Measures the figure as last drawn (call right after text_layout_problems, which draws it)."""
    out = []
    for ax in fig.axes:
        if ax.name != "rectilinear":
            continue
        box = ax.get_window_extent()
        for line in ax.get_lines():
            if (line.get_marker() in (None, "", "None", " ") or line.get_linestyle() not in ("None", "", " ")
                    or not line.get_visible() or not line.get_clip_on()):
                continue
            xy = np.column_stack([np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)])
            if not 0 < len(xy) <= 2:
                continue
            half = line.get_markersize() * fig.dpi / 72 / 2
            px = ax.transData.transform(xy)
            cut = (px[:, 0] - half < box.x0 - 0.5) | (px[:, 0] + half > box.x1 + 0.5) | \
                  (px[:, 1] - half < box.y0 - 0.5) | (px[:, 1] + half > box.y1 + 0.5)
            if np.any(cut):
                out.append(f"marker at {[tuple(map(float, p)) for p in xy[cut]]} cut off by the edge of "
                           f"{ax.get_title() or ax.get_xlabel()!r}")
    return out


def _gallery():
    plots, explorers = public_names()
    items = [pytest.param(name, build, id=name) for name, build in FIGURES.items()]
    items += [pytest.param(name, getattr(mh, name), id=name) for name in explorers]
    items += [pytest.param(name, build, id=name) for name, build in EXPLORERS.items()]
    return items


def test_the_gallery_covers_every_public_figure_function():
    plots, _ = public_names()
    covered = {name.split(" (")[0] for name in FIGURES}
    missing = [n for n in plots if n not in covered]
    assert not missing, f"add a builder for {missing} to tests/figure_gallery.py (FIGURES)"


@pytest.mark.slow                    # ~35 s of drawing: make test, not test-fast
@pytest.mark.parametrize("name, build", _gallery())
def test_every_figure_has_readable_labels(name, build, request):
    if name in KNOWN_PROBLEMS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_PROBLEMS[name], strict=False))
    obj = build()
    fig = _figure_of(obj)
    states = [("as built", None)]
    initial = dict(getattr(obj, "values", {}))
    for key, w in getattr(obj, "controls", {}).items():      # explorers: both ends of every slider
        if hasattr(w, "min") and hasattr(w, "max"):
            states += [(f"{key} = min", {key: w.min}), (f"{key} = max", {key: w.max})]
    problems = []
    for label, values in states:
        if values:
            obj.update(**values)
        problems += [f"[{label}] {p}" for p in text_layout_problems(fig) + _markers_outside_view(fig)]
        if values:
            obj.update(**{k: initial[k] for k in values})
    assert not problems, f"{name}:\n" + "\n".join(problems)


# --- Chinese glyphs --------------------------------------------------------------------------

def _render_with_warnings(text):
    fig, ax = new_figure(figsize=(4, 2))
    ax.set_title(text)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return [str(w.message) for w in caught]


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font installed (Debian: apt-get install fonts-noto-cjk)")
def test_chinese_title_renders_without_missing_glyph_warnings():
    with matplotlib.rc_context():
        assert use_cjk_font_fallback() == cjk_font()
        family = list(matplotlib.rcParams["font.family"])
        assert family[-1] == cjk_font() and family.count(cjk_font()) == 1
        assert use_cjk_font_fallback() == cjk_font() and list(matplotlib.rcParams["font.family"]) == family
        messages = _render_with_warnings("偏导数 (partial derivative) ∂f/∂x")
        assert not [m for m in messages if "missing from font" in m], messages
    with matplotlib.rc_context({"font.family": ["sans-serif"]}):       # the independent check:
        with warnings.catch_warnings(record=True) as caught:            # DejaVu alone lacks the glyphs
            warnings.simplefilter("always")
            fig = matplotlib.figure.Figure()
            matplotlib.backends.backend_agg.FigureCanvasAgg(fig)
            fig.suptitle("偏导数")
            fig.canvas.draw()
        assert any("missing from font" in str(w.message) for w in caught)


def test_no_cjk_font_means_no_change_and_no_warning(monkeypatch):
    import mvcalc_helpers.plotting as plotting

    monkeypatch.setattr(plotting, "cjk_font", lambda: None)
    with matplotlib.rc_context():
        before = list(matplotlib.rcParams["font.family"])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert plotting.use_cjk_font_fallback() is None
            mh.setup_notebook()
        assert list(matplotlib.rcParams["font.family"]) == before


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font installed")
def test_setup_notebook_adds_the_cjk_fallback():
    with matplotlib.rc_context():
        matplotlib.rcParams["font.family"] = ["sans-serif"]
        mh.setup_notebook()
        assert list(matplotlib.rcParams["font.family"]) == ["sans-serif", cjk_font()]
