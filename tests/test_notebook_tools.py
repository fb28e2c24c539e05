"""mvcalc_helpers.notebook_tools: setup_notebook (seeds, print options, rcParams, the kernel
branch), check_setup, and the mvcalc-run-notebooks command line. (execute_notebook runs a
real kernel in its doctest; here the command line is tested around it.)"""
import random
from importlib import metadata

import matplotlib
import numpy as np
import pytest
import sympy

from mvcalc_helpers import notebook_tools
from mvcalc_helpers.notebook_tools import check_setup, main, setup_notebook


@pytest.fixture
def restore_globals():
    """setup_notebook changes process-wide state: give it back after the test."""
    with np.printoptions(), matplotlib.rc_context():
        state = np.random.get_state(), random.getstate()
        yield
        np.random.set_state(state[0])
        random.setstate(state[1])


def test_setup_notebook_seeds_and_defaults(restore_globals):
    setup_notebook(seed=3)
    a = (np.random.rand(3), random.random())
    setup_notebook(seed=3)
    assert np.array_equal(np.random.rand(3), a[0]) and random.random() == a[1]
    assert np.array_equal(a[0], np.random.RandomState(3).rand(3))   # the legacy global generator
    assert random.Random(3).random() == a[1]
    assert np.get_printoptions()["precision"] == 6 and np.get_printoptions()["suppress"]
    rc = matplotlib.rcParams
    assert rc["axes.grid"] and rc["figure.dpi"] == 90 and rc["svg.hashsalt"] == "mvcalc"


def test_setup_notebook_in_a_kernel_configures_printing_and_inline_png(restore_globals, monkeypatch):
    class FakeShell:
        kernel = object()

        def __init__(self):
            self.magics = []

        def run_line_magic(self, name, line):
            self.magics.append((name, line))

    shell, printing = FakeShell(), []
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    monkeypatch.setattr(sympy, "init_printing", lambda **kw: printing.append(kw))
    setup_notebook()
    assert printing == [{"use_latex": "mathjax"}]
    assert ("matplotlib", "inline") in shell.magics
    assert ("config", "InlineBackend.figure_formats = ['png']") in shell.magics


def test_check_setup_reports_each_requirement(monkeypatch):
    rows = check_setup()
    assert rows[0][0] == "python" and all(ok for _, ok, _ in rows)
    assert {"numpy", "sympy", "matplotlib", "ipywidgets", "jupyterlab_widgets"} <= {r[0] for r in rows}

    def fake_version(name):
        if name == "ipywidgets":
            raise metadata.PackageNotFoundError(name)
        return "0.1" if name == "sympy" else metadata.distribution(name).version

    monkeypatch.setattr(metadata, "version", fake_version)
    status = {name: (ok, msg) for name, ok, msg in check_setup()}
    assert status["ipywidgets"] == (False, "not installed: run `make lab` (or pip install 'ipywidgets>=8.1')")
    assert status["sympy"] == (False, "sympy >= 1.12 needed, found 0.1")
    assert status["numpy"][0]


def test_main_runs_the_numbered_chapters_by_default(tmp_path, monkeypatch, capsys):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    for name in ("02_b.ipynb", "01_a.ipynb", "scratch.ipynb"):
        (nbdir / name).write_text("{}")
    ran = []
    monkeypatch.setattr(notebook_tools, "REPO", tmp_path)
    monkeypatch.setattr(notebook_tools, "execute_notebook", lambda p, timeout: ran.append((p.name, timeout)) or 1.5)
    assert main([]) == 0
    assert ran == [("01_a.ipynb", 600), ("02_b.ipynb", 600)]      # sorted, scratch skipped
    assert "executed" in capsys.readouterr().out
    ran.clear()
    assert main([str(nbdir / "scratch.ipynb"), "--timeout", "30"]) == 0
    assert ran == [("scratch.ipynb", 30)]


def test_main_reports_failures_and_missing_notebooks(tmp_path, monkeypatch, capsys):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("not json")
    assert main([str(broken)]) == 1
    assert f"FAILED {broken}" in capsys.readouterr().err
    monkeypatch.setattr(notebook_tools, "REPO", tmp_path)
    assert main([]) == 1
    assert "no notebooks found" in capsys.readouterr().err
