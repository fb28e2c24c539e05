"""mvcalc_helpers.quadratic_forms: definiteness (exact sympy path and numpy eigenvalue path),
leading principal minors and quadratic forms — textbook matrices, random AᵀA (PSD),
AᵀA + I (PD) and their negatives, agreement of the two paths, and bad input."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from core_cases import FAST, finite, int_matrices, square_matrices
from mvcalc_helpers import definiteness, leading_principal_minors, quadratic_form

NEGATED = {"positive definite": "negative definite", "negative definite": "positive definite",
           "positive semidefinite": "negative semidefinite",
           "negative semidefinite": "positive semidefinite", "indefinite": "indefinite"}


def both_paths(M):
    """Classify M exactly (sympy) and in floats (numpy); they must agree."""
    exact = definiteness(sp.Matrix(M))
    assert definiteness(np.asarray(M, dtype=float)) == exact
    return exact


@pytest.mark.parametrize("M, expected", [
    # Strang, Introduction to Linear Algebra 5e, §6.5: the −1, 2, −1 matrix is positive definite
    ([[2, -1, 0], [-1, 2, -1], [0, -1, 2]], "positive definite"),
    # Lay, Linear Algebra and Its Applications, §7.2: Q = 3x₁² + 2x₂² + x₃² + 4x₁x₂ + 4x₂x₃
    # has eigenvalues 5, 2, −1: indefinite
    ([[3, 2, 0], [2, 2, 2], [0, 2, 1]], "indefinite"),
    # note 001 §7.2: the first demo matrix is negative definite
    ([[-2, -3, -1], [-3, -6, -4], [-1, -4, -5]], "negative definite"),
    ([[1, 2], [2, 4]], "positive semidefinite"),       # singular: det 0
    ([[-1, 0, 0], [0, 0, 0], [0, 0, -3]], "negative semidefinite"),
    ([[0, 0], [0, 0]], "positive semidefinite"),       # the zero matrix: first label that fits
    ([[0, 1], [1, 0]], "indefinite"),
    ([[0, 0], [0, -1]], "negative semidefinite"),      # leading minors 0, 0 but not PSD
    ([[7]], "positive definite"),
])
def test_textbook_matrices_on_both_paths(M, expected):
    assert both_paths(M) == expected


def test_semidefinite_needs_all_principal_minors_not_only_leading_ones():
    # leading minors 1, 0, 0 (all ≥ 0) but the 1×1 minor M[2,2] = −1 < 0: indefinite
    M = [[1, 1, 0], [1, 1, 0], [0, 0, -1]]
    assert [int(m) for m in leading_principal_minors(sp.Matrix(M))][:2] == [1, 0]
    assert both_paths(M) == "indefinite"


def test_exact_irrational_entries():
    s2 = sp.sqrt(2)
    assert definiteness(sp.Matrix([[2, s2], [s2, 1]])) == "positive semidefinite"       # det = 0
    assert definiteness(sp.Matrix([[2, s2], [s2, 1 + sp.Rational(1, 10**30)]])) == "positive definite"


def test_float_entries_in_a_sympy_matrix_get_a_rounding_tolerance():
    # 0.1 + 0.2 ≠ 0.3 in floats: a Hessian built from floats must not count as non-symmetric
    assert definiteness(sp.Matrix([[1, 0.1 + 0.2], [0.3, 1]])) == "positive definite"
    with pytest.raises(ValueError, match="not symmetric"):
        definiteness(sp.Matrix([[1, 0.31], [0.3, 1]]))


def test_scale_does_not_change_the_answer():
    # (bug fixed: the numpy tolerance used max(1, |λ|), so 1e-20·I came out semidefinite)
    for c in (1e-20, 1e-8, 1.0, 1e12):
        assert definiteness(c * np.eye(3)) == "positive definite"
        assert definiteness(-c * np.array([[2.0, 1.0], [1.0, 2.0]])) == "negative definite"


@FAST
@given(int_matrices(rows=(1, 4), cols=(1, 4)))
@example(np.array([[1, 2, 3]]))                     # rank 1 in 3-D: PSD, not PD
@example(np.array([[1, 1], [1, 1], [2, 2]]))
def test_random_AtA_is_psd_and_AtA_plus_I_is_pd(A):
    G = A.T @ A
    n = G.shape[0]
    rank = np.linalg.matrix_rank(A)
    expected = "positive definite" if rank == n else "positive semidefinite"
    assert both_paths(G) == expected
    assert both_paths(-G) == (NEGATED[expected] if G.any() else expected)   # 0 is "PSD" both ways
    assert both_paths(G + np.eye(n, dtype=int)) == "positive definite"
    assert both_paths(-G - np.eye(n, dtype=int)) == "negative definite"


@FAST
@given(int_matrices(rows=(1, 4), cols=(4, 4)))
def test_random_symmetric_integer_matrices_paths_agree_with_eigenvalues(M):
    n = M.shape[0]
    S = M[:, :n] + M[:, :n].T
    lam = np.linalg.eigvalsh(S.astype(float))
    kind = both_paths(S)
    tol = 1e-9 * max(1.0, np.abs(lam).max())
    if kind in ("positive definite", "negative definite"):
        assert np.all(np.sign(lam) == (1 if kind.startswith("positive") else -1))
    elif kind == "indefinite":
        assert lam.min() < -tol and lam.max() > tol
    else:
        assert np.any(np.abs(lam) <= tol)


@FAST
@given(square_matrices(max_n=5), st.floats(1e-6, 1e6))
def test_float_AtA_plus_I_and_scaling(A, c):
    G = A.T @ A + np.eye(A.shape[0])
    assert definiteness(G) == "positive definite"
    assert definiteness(c * G) == "positive definite"
    assert definiteness(-c * G) == "negative definite"


@FAST
@given(square_matrices(max_n=4), arrays(np.float64, 4, elements=finite))
def test_quadratic_form_sign_follows_definiteness(A, v):
    n = A.shape[0]
    v = v[:n]
    G = A.T @ A + np.eye(n)
    q = quadratic_form(G, v)
    assert q == pytest.approx(float(np.sum(G * np.outer(v, v))), rel=1e-12, abs=1e-12)
    assert q >= np.dot(v, v) * (1 - 1e-12)            # vᵀ(AᵀA + I)v = |Av|² + |v|² ≥ |v|²
    assert quadratic_form(-G, v) <= 0


def test_quadratic_form_exact_for_sympy():
    a, b = sp.symbols("a b")
    A = sp.Matrix([[1, 2], [2, 5]])
    assert quadratic_form(A, sp.Matrix([a, b])) == sp.expand(a**2 + 4 * a * b + 5 * b**2)
    assert quadratic_form(A, [sp.Rational(1, 2), 1]) == sp.Rational(1, 4) + 2 + 5


def test_leading_principal_minors_strang():
    M = [[2, -1, 0], [-1, 2, -1], [0, -1, 2]]
    assert leading_principal_minors(sp.Matrix(M)) == [2, 3, 4]
    assert np.allclose(leading_principal_minors(np.array(M)), [2, 3, 4])


# --- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize("M, message", [
    (np.ones((2, 3)), r"square matrix; got shape \(2, 3\)"),
    (sp.ones(2, 3), r"square matrix; got shape \(2, 3\)"),
    (np.ones(3), r"square matrix; got shape \(3,\)"),
    (np.ones((2, 2, 2)), "square matrix"),
    (np.zeros((0, 0)), "non-empty"),
    (np.array([[1.0, 2.0], [0.0, 1.0]]), r"not symmetric \(M\[0,1\] = 2 but M\[1,0\] = 0\)"),
    (1e-12 * np.array([[1.0, 2.0], [0.0, 1.0]]), "not symmetric"),   # tiny, still not symmetric
    (sp.Matrix([[1, 2], [0, 1]]), "not symmetric"),
    (np.array([[1.0, np.nan], [np.nan, 1.0]]), "non-finite"),
    (np.array([[np.inf, 0], [0, 1.0]]), "non-finite"),
    (sp.Matrix([[sp.oo, 0], [0, 1]]), "non-finite"),
    (sp.Matrix([[sp.nan, 0], [0, 1]]), "non-finite"),
    (np.array([[1, 1j], [-1j, 1]]), "real matrix"),
    (sp.Matrix([[1, sp.I], [sp.I, 1]]), "real matrix"),
    (sp.Matrix([[sp.Symbol("a"), 0], [0, 1]]), "symbolic entries"),
])
def test_definiteness_bad_input_value_errors(M, message):
    with pytest.raises(ValueError, match=message):
        definiteness(M)


def test_definiteness_non_numbers_are_type_errors():
    with pytest.raises(TypeError, match="numbers"):
        definiteness(np.array([["a", "b"], ["b", "a"]]))
    with pytest.raises(TypeError, match="numbers only"):
        definiteness(np.array([["a", 1], [1, "a"]], dtype=object))


def test_leading_minors_and_quadratic_form_shape_errors():
    with pytest.raises(ValueError, match="square"):
        leading_principal_minors(np.ones((2, 3)))
    with pytest.raises(ValueError, match="square"):
        leading_principal_minors(sp.ones(3, 2))
    with pytest.raises(ValueError, match="matching length"):
        quadratic_form(np.eye(3), [1, 2])
    with pytest.raises(ValueError, match="matching length"):
        quadratic_form(sp.eye(3), sp.Matrix([1, 2]))
