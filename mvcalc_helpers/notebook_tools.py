"""Notebook set-up and the command that re-executes the course notebooks in place.

``mvcalc-run-notebooks`` (or ``make notebooks``) runs every chapter notebook top to bottom in
a fresh kernel with outputs stored, so the committed outputs are what a learner gets.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

__all__ = ["setup_notebook", "check_setup", "setup_check_slider", "slider_picture", "execute_notebook", "main"]

REPO = Path(__file__).resolve().parent.parent


def setup_notebook(seed: int = 0) -> None:
    """Course-wide notebook defaults: pretty sympy output, readable figures, fixed seeds, and
    Chinese glyphs in figures when a CJK font is installed (see
    :func:`mvcalc_helpers.plotting.use_cjk_font_fallback`).

    Call once at the top of each chapter (``mh.setup_notebook()``).

    >>> import matplotlib, numpy as np
    >>> from mvcalc_helpers import setup_notebook
    >>> with np.printoptions(), matplotlib.rc_context():   # (restores the defaults afterwards)
    ...     setup_notebook()
    ...     print(np.array([1/3]), matplotlib.rcParams["axes.grid"], np.random.randint(100))
    [0.333333] True 44
    """
    import random

    import matplotlib
    import numpy as np
    import sympy as sp

    random.seed(seed)
    np.random.seed(seed)
    np.set_printoptions(precision=6, suppress=True, linewidth=100)
    matplotlib.rcParams.update({
        "figure.figsize": (7.0, 4.5),
        "figure.dpi": 90,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        "font.size": 10,
        "svg.hashsalt": "mvcalc",
    })
    from .plotting import use_cjk_font_fallback

    use_cjk_font_fallback()      # Chinese titles render (glyph fallback) when a CJK font is installed
    try:
        from IPython import get_ipython
        ip = get_ipython()
    except ImportError:  # pragma: no cover
        ip = None
    if ip is not None and getattr(ip, "kernel", None) is not None:
        sp.init_printing(use_latex="mathjax")
        ip.run_line_magic("matplotlib", "inline")
        ip.run_line_magic("config", "InlineBackend.figure_formats = ['png']")
        ip.run_line_magic("config", "InlineBackend.print_figure_kwargs = {'bbox_inches': 'tight'}")


_REQUIREMENTS = {  # what a learner's kernel needs, with the lower bounds the course relies on
    "numpy": "1.26", "sympy": "1.12", "matplotlib": "3.8", "ipywidgets": "8.1",
    "jupyterlab_widgets": "3.0.10", "scikit-learn": "1.4",
}


def check_setup() -> list[tuple[str, bool, str]]:
    """Check that this kernel has what the course needs; returns ``(package, ok, message)`` rows.

    ``jupyterlab_widgets`` must be installed next to JupyterLab for sliders to render in
    JupyterLab 4 (ipywidgets issue 3965); the contents notebook prints this table.

    >>> from mvcalc_helpers.notebook_tools import check_setup
    >>> all(ok for _, ok, _ in check_setup())
    True
    """
    import sys
    from importlib.metadata import PackageNotFoundError, version

    from packaging.version import Version

    rows = [("python", sys.version_info >= (3, 10), "Python 3.10 or newer")]
    for name, minimum in _REQUIREMENTS.items():
        try:
            have = version(name)
        except PackageNotFoundError:
            rows.append((name, False, f"not installed: run `make lab` (or pip install '{name}>={minimum}')"))
            continue
        ok = Version(have) >= Version(minimum)
        rows.append((name, ok, f"{name} >= {minimum}" + ("" if ok else f" needed, found {have}")))
    return rows


def slider_picture(value: int = 3, lo: int = 0, hi: int = 10, description: str = "drag me") -> bytes:
    """A PNG picture of an ipywidgets ``IntSlider`` (what :func:`setup_check_slider` shows until run).

    >>> png = slider_picture()
    >>> png[1:4] == b"PNG", slider_picture() == png    # a PNG, the same bytes every time
    (True, True)
    """
    import io

    import matplotlib
    from matplotlib.figure import Figure

    if not lo <= value <= hi or lo >= hi:
        raise ValueError(f"need lo < hi and lo <= value <= hi; got value={value}, lo={lo}, hi={hi}")
    with matplotlib.rc_context({"svg.hashsalt": "mvcalc", "font.size": 10}):
        fig = Figure(figsize=(5.6, 0.42), dpi=100)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, 560)
        ax.set_ylim(0, 42)
        ax.axis("off")
        x0, x1 = 110, 360
        xv = x0 + (x1 - x0) * (value - lo) / (hi - lo)
        ax.text(100, 21, description, ha="right", va="center", color="#212121")
        ax.plot([x0, x1], [21, 21], color="#bdbdbd", lw=4, solid_capstyle="round")
        ax.plot([x0, xv], [21, 21], color="#2196f3", lw=4, solid_capstyle="round")
        ax.plot([xv], [21], "o", ms=11, mfc="white", mec="#9e9e9e", mew=1.2)
        ax.text(372, 21, str(value), ha="left", va="center", color="#212121")
        ax.text(400, 21, "(picture until the cell runs)", ha="left", va="center", color="#9e9e9e",
                fontsize=8, style="italic")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def setup_check_slider(value: int = 3, lo: int = 0, hi: int = 10, description: str = "drag me",
                       show: bool = True):
    """Display the contents notebook's setup-check slider, with a picture of it as fallback.

    The output bundle holds the live ``IntSlider`` (drawn once the cell has run and the widget
    extension works) and a PNG of it (:func:`slider_picture`): JupyterLab draws widget outputs
    only after the notebook's kernel has connected, so the stored output of a freshly opened
    notebook would otherwise be the text ``IntSlider(...)`` — the very symptom of a broken
    install. Returns ``(slider, bundle)``; ``show=False`` does not display it.

    >>> slider, bundle = setup_check_slider(show=False)
    >>> slider.value, sorted(bundle)
    (3, ['application/vnd.jupyter.widget-view+json', 'image/png', 'text/plain'])
    """
    import base64

    import ipywidgets as widgets

    slider = widgets.IntSlider(value=value, min=lo, max=hi, description=description)
    bundle = dict(slider._repr_mimebundle_() or {"text/plain": repr(slider)})
    bundle["image/png"] = base64.b64encode(slider_picture(value, lo, hi, description)).decode()
    if show:
        from IPython.display import display

        display(bundle, raw=True)
    return slider, bundle


def execute_notebook(path, timeout: int = 600, kernel_name: str = "python3") -> float:
    """Execute one notebook in place (fresh kernel, cwd = its folder); returns seconds taken.

    >>> import tempfile, nbformat
    >>> from pathlib import Path
    >>> from mvcalc_helpers.notebook_tools import execute_notebook
    >>> tmp = tempfile.TemporaryDirectory()
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os; print(1 + 1, os.getcwd())")])
    >>> nbformat.write(nb, Path(tmp.name) / "demo.ipynb")
    >>> seconds = execute_notebook(Path(tmp.name) / "demo.ipynb")
    >>> nbformat.read(Path(tmp.name) / "demo.ipynb", as_version=4).cells[0].outputs[0].text == f"2 {tmp.name}\\n"
    True
    >>> tmp.cleanup()
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name,
                            resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=True)
    client.execute()
    elapsed = time.perf_counter() - t0
    nbformat.write(nb, path)
    return elapsed


def main(argv=None) -> int:
    """Command line: re-execute notebooks in place (default: ``notebooks/*.ipynb``).

    Returns the exit status: 0 when every notebook ran, 1 at the first failure (reported on
    stderr with the notebook's path).

    >>> from mvcalc_helpers.notebook_tools import main
    >>> main(["no_such_notebook.ipynb"])
    1
    """
    parser = argparse.ArgumentParser(prog="mvcalc-run-notebooks", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="notebooks to execute (default: all chapters)")
    parser.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.paths] or sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    for p in paths:
        try:
            secs = execute_notebook(p, timeout=args.timeout)
        except Exception as exc:  # report which notebook failed, then fail
            print(f"FAILED {p}: {type(exc).__name__}: {str(exc)[:2000]}", file=sys.stderr)
            return 1
        print(f"executed {p} in {secs:.1f} s")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
