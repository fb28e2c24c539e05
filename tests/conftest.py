"""Shared test configuration.

Also loaded as a plugin (``-p conftest``) by tests/test_roundoff.py's subprocesses, so the hook
below applies there too.
"""
import importlib.util
import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parent.parent

# torch is optional (`pip install -e .[torch]`): only the autograd cross-checks need it.
HAS_TORCH = importlib.util.find_spec("torch") is not None
# a doctest example that cannot run without torch (torch_available() itself can)
_NEEDS_TORCH = re.compile(r"\bimport torch\b|\btorch\.|torch_gradients\(|autodiff_matrix_gradient\(")


def pytest_collection_modifyitems(config, items):
    """Without torch: a notebook cell that mentions torch still runs (its asserts count and it
    prints why the comparison is skipped) but nbval does not compare its stored outputs, which
    were made with torch; a doctest that calls torch is skipped."""
    if HAS_TORCH:
        return
    skip = pytest.mark.skip(reason="torch is not installed (pip install -e .[torch]): autograd cross-check skipped")
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is not None and hasattr(item, "options") and "torch" in cell.source:
            item.options["check"] = False
        dtest = getattr(item, "dtest", None)
        if dtest is not None and any(_NEEDS_TORCH.search(ex.source) for ex in dtest.examples):
            item.add_marker(skip)
