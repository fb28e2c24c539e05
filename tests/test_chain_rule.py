"""The chain rule term by term (mvcalc_helpers.chain_rule), against direct substitution."""
import pytest
import sympy as sp

from mvcalc_helpers import ChainTerm, chain_rule_terms, total_derivative

t, u, v, x, y, z = sp.symbols("t u v x y z")


@pytest.mark.parametrize("f, inner, var", [
    (u*v, {u: sp.exp(t), v: sp.cos(t)}, t),                                 # notes 000 §3 ex. 1
    (u**2*v + sp.sin(u*v), {u: t**2, v: sp.exp(t)}, t),                      # theorem 1
    (u*v + sp.sin(t), {u: sp.exp(t), v: sp.cos(t)}, t),                      # ex. 4: direct term
    (sp.exp(u)*v**2, {u: x*y**2, v: sp.sin(x + y)}, x),                       # (4-3)
    (sp.exp(u)*v**2, {u: x*y**2, v: sp.sin(x + y)}, y),                       # (4-4)
    (sp.exp(x**2 + y**2 + z**2), {z: x**2*sp.sin(y)}, y),                     # ex. 3
    (sp.log(1 + u**2) * v, {u: x - y, v: x*y}, y),
])
def test_sum_of_terms_equals_derivative_of_the_substituted_function(f, inner, var):
    reference = sp.diff(f.subs(inner, simultaneous=True), var)
    assert sp.simplify(total_derivative(f, inner, var) - reference) == 0
    assert sp.simplify(sum(T.product for T in chain_rule_terms(f, inner, var)) - reference) == 0


def test_terms_are_the_notes_local_derivatives():
    terms = chain_rule_terms(u*v, {u: sp.exp(t), v: sp.cos(t)}, t)
    assert terms == [ChainTerm(u, v, sp.exp(t), sp.exp(t)*sp.cos(t)),
                     ChainTerm(v, u, -sp.sin(t), -sp.exp(t)*sp.sin(t))]


def test_direct_dependence_gives_a_direct_term():
    terms = chain_rule_terms(u*v + sp.sin(t), {u: sp.exp(t), v: sp.cos(t)}, t)
    assert [T.via for T in terms] == [u, v, t]
    assert terms[-1].product == sp.cos(t)


def test_unused_or_constant_paths_are_left_out():
    terms = chain_rule_terms(u**2, {u: x + y, v: sp.sin(x)}, y)   # f does not use v
    assert [T.via for T in terms] == [u]
    assert chain_rule_terms(u*v, {u: x, v: y}, y)[0].via == v     # du/dy = 0: only the v path


def test_notes_examples_in_the_notes_form():
    assert total_derivative(u*v, {u: sp.exp(t), v: sp.cos(t)}, t) == sp.exp(t)*(sp.cos(t) - sp.sin(t))
    ex2 = total_derivative(sp.exp(u)*sp.sin(v), {u: x*y, v: x + y}, y)
    assert sp.simplify(ex2 - sp.exp(x*y)*(x*sp.sin(x + y) + sp.cos(x + y))) == 0


@pytest.mark.parametrize("args, exc, msg", [
    ((u*v, [sp.exp(t)], t), TypeError, "dict"),
    ((u*v, {"u": sp.exp(t)}, t), TypeError, "keys of inner"),
    ((u*v, {u: v + t, v: t}, t), ValueError, "another intermediate"),
    ((u*v, {u: t}, "t"), TypeError, "var must be a sympy symbol"),
    ((u*v, {u: t}, u), ValueError, "intermediate variable"),
    ((lambda a: a, {u: t}, t), TypeError, "Python function"),
])
def test_bad_input(args, exc, msg):
    with pytest.raises(exc, match=msg):
        chain_rule_terms(*args)


# --- linearization_error -------------------------------------------------------------------------

import numpy as np  # noqa: E402

from mvcalc_helpers import linearization_error  # noqa: E402


def test_linearization_error_of_a_quadratic_map_is_exact():
    x, y = sp.symbols("x y")
    # F = (x², xy) at p: F(p + Δ) − F(p) − JΔ = (Δx², ΔxΔy), largest at the corner Δ = (h, h): √2·h²
    for h in (0.5, 0.1, 0.01):
        assert np.isclose(linearization_error([x**2, x*y], [x, y], (0.7, -1.2), h), np.sqrt(2) * h**2, rtol=1e-9)
    assert linearization_error([3*x - y, 2*y], [x, y], (1, 1), 0.3) < 1e-14       # linear: no error


def test_linearization_error_of_polar_coordinates_is_quadratic_in_h():
    r, t = sp.symbols("r theta")
    polar = [r * sp.cos(t), r * sp.sin(t)]
    # independent reference: sympy's exact remainder at the far corner (h, h), a point of the boundary
    p, h = (1.5, 0.5), 1e-2
    J = sp.Matrix(polar).jacobian([r, t]).subs({r: p[0], t: p[1]})
    exact = sp.Matrix(polar).subs({r: p[0] + h, t: p[1] + h}) - sp.Matrix(polar).subs({r: p[0], t: p[1]}) - J * sp.Matrix([h, h])
    e = linearization_error(polar, [r, t], p, h)
    assert e >= float(exact.norm()) * (1 - 1e-9)
    assert e / linearization_error(polar, [r, t], p, h / 2) == pytest.approx(4, rel=0.02)


@pytest.mark.parametrize("args, exc, match", [
    (([sp.Symbol("x")], [sp.Symbol("x")], (0, 0), 0.1), TypeError, "two sympy symbols"),
    (([sp.Symbol("z")], sp.symbols("x y"), (0, 0), 0.1), ValueError, "not in vars"),
    (([sp.Symbol("x")], sp.symbols("x y"), (0, 0), -0.1), ValueError, "h > 0"),
])
def test_linearization_error_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        linearization_error(*args)
