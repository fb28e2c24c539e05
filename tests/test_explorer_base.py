"""mvcalc_helpers.explorers._base.Explorer: controls → update(**values) → artists changed in
place → PNG in an ipywidgets.Image + HTML readout; blitting (animated artists) must give the
same pixels as a full redraw."""
import io

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from mvcalc_helpers import Explorer
from mvcalc_helpers.plotting import new_figure

XS = np.linspace(-2, 2, 60)


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def parabola_explorer(animated=False, calls=None, **kwargs):
    """y = a·x² with one slider a; the line is the only changing artist."""
    fig, ax = new_figure(figsize=(4, 3))
    (line,) = ax.plot(XS, XS**2)
    ax.set_ylim(-8, 8)

    def update(a, b=0.0):
        if calls is not None:
            calls.append((a, b))
        line.set_ydata(a * XS**2 + b)
        return f"a = {a:.2f}, b = {b:.2f}"

    controls = {"a": widgets.FloatSlider(value=1.0, min=-2, max=2, step=0.01),
                "b": widgets.FloatSlider(value=0.0, min=-2, max=2, step=0.01)}
    return Explorer(fig, controls, update, animated=[line] if animated else None, **kwargs)


def test_initial_render_readout_and_css_classes():
    ex = parabola_explorer(title="y = a x²", dpi=50)
    assert ex.readout_text == "a = 1.00, b = 0.00" == ex.readout.value
    assert ex.png.startswith(b"\x89PNG") and ex.image.value == ex.png
    assert pixels(ex.png).shape == (150, 200, 3)                 # figsize (4, 3) at dpi 50
    assert "mvcalc-plot" in ex.image._dom_classes
    assert "mvcalc-readout" in ex.readout._dom_classes
    box = ex.widget
    assert "mvcalc-explorer" in box._dom_classes and box is ex.widget      # built once
    assert box.children[0].value == "<b>y = a x²</b>"
    assert ex.image in box.children and ex.readout in box.children
    assert "application/vnd.jupyter.widget-view+json" in ex._repr_mimebundle_()
    assert repr(ex) == "<Explorer a=1.0, b=0.0: a = 1.00, b = 0.00>"
    assert ex.last_update_seconds > 0


def test_png_is_drawn_when_needed_and_at_once_while_shown(monkeypatch):
    ex = parabola_explorer()
    drawn = []
    real = ex._render
    monkeypatch.setattr(ex, "_render", lambda: drawn.append(ex.values["a"]) or real())
    ex.update(a=0.5)
    ex.update(a=0.7)
    assert drawn == []                              # not shown, not read: no drawing
    png = ex.png
    assert drawn == [0.7] and ex.image.value == png and ex.png is png     # drawn once, cached
    ex.widget                                       # shown (a notebook displays it)
    ex.update(a=-1.0)
    assert drawn == [0.7, -1.0] and ex.image.value != png                # drawn on the change
    ex.controls["a"].value = 1.5                    # a slider move in the browser
    assert drawn == [0.7, -1.0, 1.5] and ex.image.value == ex.png


def test_a_new_explorer_is_drawn_when_first_shown():
    ex = parabola_explorer()
    assert bytes(ex.image.value) == b""
    ex.widget
    assert bytes(ex.image.value).startswith(b"\x89PNG")


def test_update_changes_png_readout_and_control_values():
    ex = parabola_explorer()
    before = ex.png
    assert ex.update(a=-1.5) == "a = -1.50, b = 0.00"
    assert ex.controls["a"].value == -1.5 and ex.values == {"a": -1.5, "b": 0.0}
    assert ex.png != before and ex.image.value == ex.png
    assert ex.readout.value == ex.readout_text


def test_moving_a_slider_redraws_once_and_update_of_two_values_redraws_once():
    calls = []
    ex = parabola_explorer(calls=calls)
    assert calls == [(1.0, 0.0)]
    ex.controls["a"].value = 0.5                                  # what a learner's drag does
    assert calls[-1] == (0.5, 0.0) and ex.readout_text.startswith("a = 0.50")
    n = len(calls)
    ex.update(a=0.25, b=1.0)
    assert calls[n:] == [(0.25, 1.0)]                             # one redraw, both values set


@pytest.mark.parametrize("values", [{"a": -1.0}, {"a": 0.3, "b": 1.5}, {"b": -2.0}])
def test_blitting_gives_the_pixels_of_a_full_redraw(values):
    full, blit = parabola_explorer(), parabola_explorer(animated=True)
    full.widget, blit.widget                                      # shown: drawn now and on each change
    assert blit._background is not None                           # the cached background …
    full.update(**values)
    blit.update(**values)
    assert np.array_equal(pixels(blit.png), pixels(full.png))     # … is used for the update


def test_blitting_a_3d_line():
    def make(animated):
        # layout=None: constrained layout re-runs on each full redraw and moves the 3-D axes by
        # a sub-pixel amount when the line changes; blitting keeps the first layout
        fig, ax = new_figure(figsize=(4, 3), projection="3d", layout=None)
        t = np.linspace(0, 4 * np.pi, 100)
        (line,) = ax.plot(np.cos(t), np.sin(t), t / 10)
        ax.set_zlim(-2, 2)

        def update(c):
            line.set_data_3d(np.cos(t), np.sin(t), c * t / 10)
            return f"c = {c:.1f}"
        return Explorer(fig, {"c": widgets.FloatSlider(value=1.0, min=-1, max=1)}, update,
                        animated=[line] if animated else None)

    full, blit = make(False), make(True)
    assert np.array_equal(pixels(blit.png), pixels(full.png))
    full.update(c=-0.5)
    blit.update(c=-0.5)
    assert np.array_equal(pixels(blit.png), pixels(full.png))


def test_invalidate_background_redraws_static_artists():
    ex = parabola_explorer(animated=True)
    ax = ex.fig.axes[0]
    stale = ex.png
    ax.set_title("a new title")                                    # a static artist changes
    ex.refresh()
    assert np.array_equal(pixels(ex.png), pixels(stale))           # the cached background wins
    ex.invalidate_background()
    ex.refresh()
    assert not np.array_equal(pixels(ex.png), pixels(stale))


def test_a_figure_without_agg_canvas_gets_one_and_none_readout_is_empty():
    fig = Figure()
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1])
    ex = Explorer(fig, {"s": widgets.IntSlider(value=1, min=0, max=3)},
                  lambda s: line.set_ydata([0, s]))                # returns None
    assert hasattr(fig.canvas, "buffer_rgba") and ex.png.startswith(b"\x89PNG")
    assert ex.readout_text == "" and ex.update(s=3) == ""


def test_bad_input():
    fig, _ = new_figure()
    with pytest.raises(ValueError, match="at least one control"):
        Explorer(fig, {}, lambda: "")
    with pytest.raises(TypeError, match=r"ipywidgets value widgets .*\['a'\] are not"):
        Explorer(fig, {"a": 1.0}, lambda a: "")
    with pytest.raises(TypeError, match="update must be a function"):
        Explorer(fig, {"a": widgets.FloatSlider()}, "a = 1")
    ex = parabola_explorer()
    with pytest.raises(KeyError, match=r"unknown control\(s\) \['c'\]; this explorer has \['a', 'b'\]"):
        ex.update(c=1.0)
    assert ex.values == {"a": 1.0, "b": 0.0}                       # nothing was changed
