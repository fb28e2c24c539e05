"""Every public function and class of the core modules documents itself with a runnable
example (pytest's --doctest-modules runs them), including names not exported at the top level."""
import importlib
import inspect

import pytest

CORE = ["symbolic", "taylor", "extrema", "quadratic_forms", "numerical", "optimize",
        "matrix_calculus", "plotting", "explorers._base", "notebook_tools", "_validation"]


def public_functions(module_name):
    module = importlib.import_module(f"mvcalc_helpers.{module_name}")
    names = getattr(module, "__all__", None) or [
        n for n, obj in vars(module).items()
        if not n.startswith("_") and inspect.isfunction(obj) and obj.__module__ == module.__name__]
    return [(module_name, n, getattr(module, n)) for n in names]


CASES = [case for m in CORE for case in public_functions(m)]


@pytest.mark.parametrize("module_name, name, obj", CASES, ids=[f"{m}.{n}" for m, n, _ in CASES])
def test_public_name_has_a_runnable_example(module_name, name, obj):
    assert ">>>" in (obj.__doc__ or ""), f"mvcalc_helpers.{module_name}.{name} has no doctest example"
