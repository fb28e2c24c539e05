"""Partials at a point from the limit definition (mvcalc_helpers.partial_limits)."""
import pytest
import sympy as sp

from mvcalc_helpers import mixed_partials_at, partial_from_limit

x, y = sp.symbols("x y")
SCHWARZ_CE = x * y * (x**2 - y**2) / (x**2 + y**2)   # f(0, 0) := 0


@pytest.mark.parametrize("f, point", [
    (x**2 + 3*x*y + y**2, (1, 2)),
    (x**2 * sp.sin(2*y), (sp.Rational(1, 2), sp.pi / 6)),
    (sp.exp(x*y) * sp.cos(x + y), (0.5, -1)),
    (x**3*y**2 - 3*x*y**3 - x*y + 1, (-2, 3)),
])
def test_limit_definition_agrees_with_diff_for_smooth_functions(f, point):
    subs = dict(zip((x, y), (sp.nsimplify(p) for p in point)))
    for var in (x, y):
        ref = sp.diff(f, var).subs(subs)
        assert sp.simplify(partial_from_limit(f, [x, y], point, var) - ref) == 0


def test_schwarz_counterexample_mixed_partials_differ():
    # reference: the classical computation f_x(0, y) = -y, f_y(x, 0) = x  (Peano's example)
    res = mixed_partials_at(SCHWARZ_CE, [x, y], (0, 0), value_at_point=0)
    assert res == {"f_x": 0, "f_y": 0, "f_xy": -1, "f_yx": 1}


def test_mixed_partials_agree_with_sympy_for_a_polynomial():
    f = x**3*y**2 - 3*x*y**3 - x*y + 1            # notes 000 §2, example 3
    res = mixed_partials_at(f, [x, y], (2, -1))
    ref = sp.diff(f, x, y).subs({x: 2, y: -1})
    assert res["f_xy"] == res["f_yx"] == ref
    assert res["f_x"] == sp.diff(f, x).subs({x: 2, y: -1})


def test_wrong_value_at_point_gives_no_partial():
    # with f(0, 0) = 1 instead of 0 the function jumps: the quotient blows up
    with pytest.raises(ValueError, match="does not exist"):
        partial_from_limit(SCHWARZ_CE, [x, y], (0, 0), x, value_at_point=1)


def test_undefined_formula_asks_for_the_value():
    with pytest.raises(ValueError, match="value_at_point"):
        partial_from_limit(SCHWARZ_CE, [x, y], (0, 0), x)


def test_corner_has_no_partial():
    with pytest.raises(ValueError, match="from the left"):
        partial_from_limit(sp.Abs(x) + y, [x, y], (0, 0), x)


def test_bad_arguments():
    with pytest.raises(ValueError, match="not one of vars"):
        partial_from_limit(x + y, [x, y], (0, 0), sp.Symbol("z"))
    with pytest.raises(ValueError, match="two variables"):
        mixed_partials_at(x + y, [x], (0,))
    with pytest.raises(ValueError, match="coordinates"):
        partial_from_limit(x + y, [x, y], (0, 0, 0), x)
    with pytest.raises(TypeError, match="value_at_point must be a number"):
        partial_from_limit(x + y, [x, y], (0, 0), x, value_at_point=[1, 2])
