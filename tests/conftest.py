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


def pytest_collection_modifyitems(config, items):
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
