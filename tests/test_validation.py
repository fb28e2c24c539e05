"""mvcalc_helpers._validation: the shared input checks turn bad input into a ValueError or
TypeError in the learner's words, and pass good input through unchanged."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from core_cases import FAST
from mvcalc_helpers._validation import (as_expr, as_float_array, as_symbols, as_vector, not_none,
                                        point_subs)

x, y = sp.symbols("x y")


def test_as_expr_accepts_expressions_strings_and_numbers():
    assert as_expr(x * y) == x * y
    assert as_expr("sin(x) + y") == sp.sin(x) + y
    assert as_expr(3) == 3 and as_expr(x) == x


@pytest.mark.parametrize("bad, message", [
    (sp.Matrix([x, y]), "scalar sympy expression, got a 2x1 Matrix"),
    (lambda v: v, "not a Python function"),
    (np.sin, "not a Python function"),
    ("x +* y", "could not interpret"),
    (x > 1, "scalar sympy expression, got StrictGreaterThan"),
])
def test_as_expr_rejects(bad, message):
    with pytest.raises(TypeError, match=message):
        as_expr(bad, "f")


def test_as_symbols():
    assert as_symbols(x) == [x]
    assert as_symbols((x, y)) == [x, y] and as_symbols(sp.Matrix([y, x])) == [y, x]
    with pytest.raises(TypeError, match="list of sympy symbols"):
        as_symbols("x y")
    with pytest.raises(TypeError, match="list of sympy symbols"):
        as_symbols({x, y})                                # a set has no order
    with pytest.raises(TypeError, match=r"symbols only; 2 is a int"):
        as_symbols([x, 2])
    with pytest.raises(TypeError, match="symbols only"):
        as_symbols([x, x + 1])
    with pytest.raises(ValueError, match="at least one symbol"):
        as_symbols([])
    with pytest.raises(ValueError, match="repeated symbol"):
        as_symbols([x, y, x])


def test_point_subs_forms_and_exactness():
    assert point_subs([x, y], (1, 2)) == {x: 1, y: 2}
    assert point_subs([x, y], {y: 2, x: 1, sp.Symbol("z"): 5}) == {x: 1, y: 2}
    assert point_subs([x, y], np.array([1.0, 2.0])) == {x: 1, y: 2}     # integer floats → exact
    assert point_subs([x, y], sp.Matrix([1, 2])) == {x: 1, y: 2}
    assert point_subs([x], 3) == {x: 3}                                 # a scalar for one variable
    subs = point_subs([x, y], ("1/3", 0.25))
    assert subs[x] == sp.Rational(1, 3) and subs[y] == sp.Float(0.25)
    assert all(isinstance(v, sp.Integer) for v in point_subs([x, y], (np.int64(1), np.float64(2.0))).values())


@pytest.mark.parametrize("point, error, message", [
    ((1,), ValueError, "point has 1 coordinates but there are 2 variables"),
    ((1, 2, 3), ValueError, "point has 3 coordinates"),
    ({x: 1}, ValueError, r"point gives no value for \[y\]"),
    ((1, float("nan")), ValueError, "point coordinate nan is not finite"),
    ((1, -np.inf), ValueError, "not finite"),
    ((1, sp.zoo), ValueError, "not finite"),
    ((1, object()), TypeError, "is not a number"),
])
def test_point_subs_rejects(point, error, message):
    with pytest.raises(error, match=message):
        point_subs([x, y], point)


def test_as_float_array():
    assert as_float_array([True, False]).dtype == float
    assert as_float_array(np.array([1, 2], dtype=object)).dtype == float
    assert as_float_array([1j, 2], allow_complex=True).dtype == complex
    assert as_float_array(np.float32([1.5])).dtype == np.float32       # floats keep their precision


@pytest.mark.parametrize("bad, kwargs, error, message", [
    ([[1, 2], [3]], {}, ValueError, "could not be turned into an array"),
    (["a", "b"], {}, TypeError, "must contain numbers, got dtype <U1"),
    (np.array([None, 1.0], dtype=object), {}, TypeError, "x contains None"),   # not nan
    (None, {}, TypeError, "x is None"),
    (np.array(["a", 1.0], dtype=object), {}, TypeError, "numbers only"),
    ([1j, 2], {}, TypeError, "must be real, got complex values"),
    ([1.0, 2.0], {"ndim": 2}, ValueError, r"must be 2-dimensional, got shape \(2,\)"),
    ([1.0, np.inf], {}, ValueError, "non-finite values"),
    ([1j, np.nan], {"allow_complex": True}, ValueError, "non-finite values"),
])
def test_as_float_array_rejects(bad, kwargs, error, message):
    with pytest.raises(error, match=message):
        as_float_array(bad, **kwargs)


def test_not_none_names_the_forgotten_return():
    assert not_none(0, "f(x)") == 0
    with pytest.raises(TypeError, match="grad_f returned None: does the function end with a `return`"):
        not_none(None, "grad_f")


def test_as_vector():
    assert as_vector(2.5).shape == (1,)
    with pytest.raises(ValueError, match=r"x must be a 1-D vector \(shape \(n,\)\), got shape \(2, 2\)"):
        as_vector(np.eye(2))
    with pytest.raises(ValueError, match="x is empty"):
        as_vector([])


@FAST
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=8))
def test_as_vector_passes_finite_floats_through_unchanged(values):
    v = as_vector(values)
    assert v.dtype == np.float64 and v.tolist() == values
