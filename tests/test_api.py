"""The public API: every name in ``__all__`` resolves, is documented with a runnable example,
and importing the package stays cheap (names load lazily)."""
import subprocess
import sys

import pytest

import mvcalc_helpers as mh

REQUIRED = ["gradient", "jacobian", "hessian", "directional_derivative", "taylor_polynomial",
            "critical_points", "classify_critical_point", "definiteness", "numerical_gradient",
            "numerical_jacobian", "numerical_hessian", "gradient_check", "gradient_descent",
            "newton_method", "matrix_gradient_check", "TwoLayerMLP", "softmax_cross_entropy"]


def test_required_names_are_public():
    missing = [n for n in REQUIRED if n not in mh.__all__]
    assert not missing


@pytest.mark.parametrize("name", mh.__all__)
def test_every_public_name_resolves_and_has_a_doctest(name):
    obj = getattr(mh, name)
    doc = obj.__doc__ or ""
    assert ">>>" in doc, f"{name} has no runnable example in its docstring"


def test_unknown_attribute_is_a_clear_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        mh.nope


def test_import_is_lazy():
    code = ("import sys, mvcalc_helpers; "
            "print(sorted(m for m in ('numpy', 'sympy', 'matplotlib', 'ipywidgets', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_no_public_name_is_also_a_submodule_name():
    """Importing a submodule sets a package attribute of its name, which would then shadow a lazily
    loaded function of the same name (this happened once with ``definiteness``)."""
    import pkgutil
    submodules = {m.name for m in pkgutil.iter_modules(mh.__path__)}
    assert not submodules & set(mh.__all__)
