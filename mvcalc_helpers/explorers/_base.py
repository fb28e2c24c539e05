"""The :class:`Explorer` base: controls → update(values) → artists → PNG + readout."""
from __future__ import annotations

import io
import time
from collections.abc import Callable, Mapping

__all__ = ["Explorer"]


class Explorer:
    """An interactive figure: ipywidgets controls drive an update function.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Create it with :func:`mvcalc_helpers.plotting.new_figure` (a pyplot-free Figure with an
        Agg canvas), so that the notebook does not also display it as a static image.
    controls : mapping name → ipywidgets value widget (``FloatSlider``, ``IntSlider``, …)
    update : callable(**values) → str
        Changes the figure's artists for the given control values and returns the readout
        text (HTML allowed, e.g. ``"∂f/∂x(1, 0.5) = <b>2.500</b>"``).
    dpi : int
        Resolution of the rendered PNG.
    animated : list of artists, optional
        If given, only these artists change on update: the static rest of the figure is
        rendered once and restored from a cached background (blitting), which keeps 3-D
        surfaces cheap. Their values must be updated by ``update``.

    The PNG is rendered when it is needed: at once on every change once the explorer has
    been shown (``.widget``, or displayed in a notebook), otherwise when ``.png`` is read —
    so code that only reads the readout (a test, a script) does not pay for drawing.

    Examples
    --------
    >>> import numpy as np, ipywidgets as widgets
    >>> from mvcalc_helpers.plotting import new_figure
    >>> from mvcalc_helpers.explorers._base import Explorer
    >>> fig, ax = new_figure()
    >>> xs = np.linspace(-2, 2, 50)
    >>> (line,) = ax.plot(xs, xs**2)
    >>> def update(a):
    ...     line.set_ydata(a * xs**2)
    ...     return f"a = {a:.1f}"
    >>> ex = Explorer(fig, {"a": widgets.FloatSlider(value=1.0, min=-2, max=2)}, update)
    >>> ex.readout_text
    'a = 1.0'
    >>> before = ex.png
    >>> ex.update(a=-1.5)
    'a = -1.5'
    >>> ex.png != before
    True
    """

    def __init__(self, fig, controls: Mapping, update: Callable[..., str], *, dpi: int = 80,
                 animated=None, title: str | None = None):
        import ipywidgets as widgets

        if not controls:
            raise ValueError("an explorer needs at least one control")
        not_widgets = [k for k, w in dict(controls).items() if not hasattr(w, "observe")]
        if not_widgets:
            raise TypeError(f"controls must be ipywidgets value widgets (FloatSlider, …); "
                            f"{not_widgets} are not")
        if not callable(update):
            raise TypeError("update must be a function update(**values) -> readout text")
        self.fig = fig
        if fig.canvas is None or not hasattr(fig.canvas, "buffer_rgba"):
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            FigureCanvasAgg(fig)
        self.controls = dict(controls)
        self._update_fn = update
        self.dpi = dpi
        fig.set_dpi(dpi)
        self.animated = list(animated or [])
        for a in self.animated:
            a.set_animated(True)
        self._background = None
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.image.add_class("mvcalc-plot")
        self.readout = widgets.HTML()
        self.readout.add_class("mvcalc-readout")
        self.title = title
        for w in self.controls.values():
            w.continuous_update = True
            w.observe(self._on_change, names="value")
        self.readout_text = ""
        self._png = b""
        self._png_stale = True
        self._shown = False
        self.last_update_seconds = float("nan")
        self.refresh()

    # --- state -----------------------------------------------------------------------
    @property
    def values(self) -> dict:
        """Current control values, ``{name: value}``."""
        return {k: w.value for k, w in self.controls.items()}

    def _on_change(self, change) -> None:
        if getattr(self, "_setting", False):
            return
        self.refresh()

    def update(self, **values) -> str:
        """Set one or more control values (as a slider move would) and redraw.

        Returns the new readout text. Unknown names raise ``KeyError`` listing the controls.
        """
        unknown = set(values) - set(self.controls)
        if unknown:
            raise KeyError(f"unknown control(s) {sorted(unknown)}; this explorer has {sorted(self.controls)}")
        self._setting = True
        try:
            for k, v in values.items():
                self.controls[k].value = v
        finally:
            self._setting = False
        return self.refresh()

    def refresh(self) -> str:
        """Run the update function for the current values; new readout, and a new PNG (at once
        when the explorer is shown, else when ``.png`` is next read)."""
        t0 = time.perf_counter()
        text = self._update_fn(**self.values)
        self.readout_text = "" if text is None else str(text)
        self._png_stale = True
        if self._shown:
            self._draw_png()
        self.readout.value = self.readout_text
        self.last_update_seconds = time.perf_counter() - t0
        return self.readout_text

    @property
    def png(self) -> bytes:
        """The figure for the current values, as PNG bytes."""
        if self._png_stale:
            self._draw_png()
        return self._png

    def _draw_png(self) -> None:
        self._png = self._render()
        self._png_stale = False
        self.image.value = self._png

    # --- rendering -------------------------------------------------------------------
    def _encode(self) -> bytes:
        from PIL import Image

        canvas = self.fig.canvas
        w, h = canvas.get_width_height(physical=True)
        img = Image.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        img.convert("RGB").save(buf, format="PNG", compress_level=1)
        return buf.getvalue()

    def _render(self) -> bytes:
        canvas = self.fig.canvas
        if not self.animated:
            canvas.draw()
            return self._encode()
        if self._background is None:
            canvas.draw()  # animated artists are skipped by a full draw
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        canvas.restore_region(self._background)
        for a in self.animated:
            a.axes.draw_artist(a) if a.axes is not None else self.fig.draw_artist(a)
        return self._encode()

    def invalidate_background(self) -> None:
        """Call from ``update`` when a static artist changed (forces a full redraw)."""
        self._background = None

    # --- display ---------------------------------------------------------------------
    @property
    def widget(self):
        """The ipywidgets box (controls, figure, readout) that a notebook displays."""
        import ipywidgets as widgets

        self._shown = True                    # from now on every change redraws at once
        if self._png_stale:
            self._draw_png()
        if getattr(self, "_box", None) is None:
            children = []
            if self.title:
                children.append(widgets.HTML(f"<b>{self.title}</b>"))
            children += [widgets.HBox(list(self.controls.values())), self.image, self.readout]
            self._box = widgets.VBox(children)
            self._box.add_class("mvcalc-explorer")
        return self._box

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        vals = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        return f"<{type(self).__name__} {vals}: {self.readout_text}>"
