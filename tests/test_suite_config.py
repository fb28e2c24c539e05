"""The suite's own configuration (root conftest.py) names things that exist: a renamed doctest
or test file must not silently drop out of the `slow` marks or the xdist split."""
import doctest
import importlib
import importlib.util

import pytest

from course import REPO

_spec = importlib.util.spec_from_file_location("root_conftest", REPO / "conftest.py")
root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(root)


@pytest.mark.parametrize("nodeid", root.SLOW_DOCTESTS)
def test_every_slow_doctest_exists(nodeid):
    path, name = nodeid.split("::")
    assert (REPO / path).is_file(), path
    module = importlib.import_module(name.rsplit(".", 1)[0])
    names = {t.name for t in doctest.DocTestFinder().find(module) if t.examples}
    assert name in names, f"conftest.SLOW_DOCTESTS: {path} has no doctest {name}"


@pytest.mark.parametrize("path", root.SPLIT_FILES)
def test_every_split_file_exists(path):
    assert (REPO / path).is_file(), f"conftest.SPLIT_FILES: no file {path}"
