"""Hooks for every pytest run in this repository (also `pytest notebooks/…` alone, which does not
load tests/conftest.py): the pytest-xdist scheduling of `make test`, and nbval / doctests
without torch."""
import importlib.util
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent

# torch is optional (`pip install -e .[torch]`): only the autograd cross-checks need it.
HAS_TORCH = importlib.util.find_spec("torch") is not None
# a doctest example that cannot run without torch (torch_available() itself can)
_NEEDS_TORCH = re.compile(r"\bimport torch\b|\btorch\.|torch_gradients\(|autodiff_matrix_gradient\(")


# the start of the warning mh.check_matrix_identity gives without torch
_NO_TORCH_WARNING = "torch (PyTorch) is not installed"


def _without_torch_warning(outputs):
    """nbval outputs minus the 'torch is not installed' warning (and its source line) on stderr."""
    kept = []
    for out in outputs:
        if out.get("output_type") == "stream" and out.get("name") == "stderr" \
                and _NO_TORCH_WARNING in out.get("text", ""):
            rest, after_warning = [], False
            for line in out["text"].splitlines(keepends=True):
                if _NO_TORCH_WARNING in line:
                    after_warning = True
                    continue
                if after_warning and line.startswith((" ", "\t")):    # the warning's source line
                    after_warning = False
                    continue
                after_warning = False
                rest.append(line)
            if not "".join(rest).strip():
                continue
            out = type(out)(out)
            out["text"] = "".join(rest)
        kept.append(out)
    return kept


# Doctests that start a Jupyter kernel or a grading sandbox (2–4 s each): `slow`, so that
# `make test-fast` leaves them to `make test` like the other kernel-starting tests.
SLOW_DOCTESTS = (
    "mvcalc_helpers/notebook_tools.py::mvcalc_helpers.notebook_tools.execute_notebook",
    "mvcalc_helpers/grading/grader.py::mvcalc_helpers.grading.grader.grade_submission",
    "mvcalc_helpers/grading/grader.py::mvcalc_helpers.grading.grader.grade_with_keys",
)


def pytest_collection_modifyitems(config, items):
    _without_torch(items)
    for item in items:            # (tests/test_suite_config.py checks that each one exists)
        if item.nodeid in SLOW_DOCTESTS:
            item.add_marker(pytest.mark.slow)
        if item.nodeid.split("::")[0].endswith(".ipynb"):      # a cell that nbval runs
            item.add_marker(pytest.mark.notebook)


# Test files whose tests each take long and share little (the browser tests share one JupyterLab
# per worker, cheaper than running them all on one worker): with `--dist loadfile` (make test)
# their tests are spread over the workers one by one.
SPLIT_FILES = ("tests/test_benchmarks.py", "tests/test_browser.py")


@pytest.hookimpl(optionalhook=True)      # (unknown when xdist is not installed or -p no:xdist)
def pytest_xdist_make_scheduler(config, log):
    """`make test` runs `pytest -n auto --dist loadfile`: all tests of one file on one worker,
    in order — what nbval needs (one kernel per notebook, cells in order) and what files with a
    module-scoped fixture (a JupyterLab server, a graded class) want — except SPLIT_FILES.
    (xdist's `loadgroup` cannot do this: its group suffix is lost with pytest 9's node ids.)"""
    if getattr(config.option, "dist", "no") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid):
            file = nodeid.split("::", 1)[0]
            return nodeid if file in SPLIT_FILES else file

    return Scheduling(config, log)


def _without_torch(items):
    """Without torch: a notebook cell that mentions torch still runs (its asserts count and it
    prints why the comparison is skipped) but nbval does not compare its stored outputs, which
    were made with torch; in other cells the helpers' "torch is not installed" warning on stderr
    is ignored; a doctest that calls torch is skipped."""
    if HAS_TORCH:
        return
    skip = pytest.mark.skip(reason="torch is not installed (pip install -e .[torch]): autograd cross-check skipped")
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is not None and hasattr(item, "options") and hasattr(item, "compare_outputs"):
            if "torch" in cell.source:
                item.options["check"] = False
            compare = item.compare_outputs
            item.compare_outputs = (lambda test, ref, skip_compare=None, _compare=compare:
                                    _compare(_without_torch_warning(test), ref, skip_compare))
        dtest = getattr(item, "dtest", None)
        if dtest is not None and any(_NEEDS_TORCH.search(ex.source) for ex in dtest.examples):
            item.add_marker(skip)
