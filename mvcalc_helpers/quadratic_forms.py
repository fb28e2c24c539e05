"""Definiteness of real symmetric matrices and quadratic forms (chapter 5).

Three equivalent tests for a real symmetric A (note 001 §7.2, §8.4):

* the quadratic form vᵀAv for every v ≠ 0 (one vector can refute definiteness, never prove it);
* the signs of the eigenvalues;
* the principal minors (Sylvester: A ≻ 0 ⇔ all *leading* principal minors > 0; for the
  semidefinite cases *all* principal minors are needed).

Symmetry matters: for a non-symmetric matrix the eigenvalue rule fails, so
``definiteness`` refuses non-symmetric input.
"""
from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

__all__ = ["definiteness", "leading_principal_minors", "quadratic_form"]

_LABELS = ("positive definite", "positive semidefinite", "negative definite",
           "negative semidefinite", "indefinite")


def _as_matrix(M):
    """Return (kind, matrix): kind 'sympy' (exact) or 'numpy' (float)."""
    if isinstance(M, sp.MatrixBase):
        A = sp.Matrix(M)
        kind = "sympy"
        shape = A.shape
    else:
        try:
            A = np.asarray(M)
        except Exception as exc:
            raise ValueError(f"M must be a square matrix (numpy array or sympy Matrix): {exc}") from exc
        if A.dtype == object:
            try:
                A = A.astype(float)
            except (TypeError, ValueError) as exc:
                raise TypeError("M must contain numbers only") from exc
        if not np.issubdtype(A.dtype, np.number) and A.dtype != bool:
            raise TypeError(f"M must contain numbers, got dtype {A.dtype}")
        if np.iscomplexobj(A):
            raise ValueError("M must be a real matrix; got complex entries")
        A = A.astype(float)
        kind = "numpy"
        shape = A.shape
    if len(shape) != 2 or shape[0] != shape[1] or shape[0] == 0:
        raise ValueError(f"M must be a non-empty square matrix; got shape {tuple(shape)}")
    if kind == "numpy":
        if not np.all(np.isfinite(A)):
            raise ValueError("M contains non-finite values (nan or inf)")
        scale = float(np.max(np.abs(A)))      # relative: definiteness does not depend on scale
        if not np.allclose(A, A.T, rtol=0, atol=1e-10 * scale):
            i, j = np.unravel_index(np.argmax(np.abs(A - A.T)), A.shape)
            raise ValueError(
                f"M is not symmetric (M[{i},{j}] = {A[i, j]:g} but M[{j},{i}] = {A[j, i]:g}); "
                "definiteness is defined here for real symmetric matrices — use (M + M.T)/2, "
                "which has the same quadratic form")
    else:
        if any(e.has(sp.oo, -sp.oo, sp.zoo, sp.nan) for e in A):
            raise ValueError("M contains non-finite values (nan or inf)")
        if A.free_symbols:
            raise ValueError(f"M has symbolic entries {sorted(map(str, A.free_symbols))}: "
                             "substitute numbers first")
        diff = (A - A.T).applyfunc(sp.simplify)
        # float entries (e.g. 0.1 + 0.2 vs 0.3) get the numpy path's relative tolerance
        tol = 1e-10 * max(abs(sp.N(e)) for e in A) if A.has(sp.Float) else 0
        if any(abs(sp.N(e)) > tol for e in diff):
            raise ValueError("M is not symmetric; definiteness is defined here for real symmetric "
                             "matrices — use (M + M.T)/2, which has the same quadratic form")
        if any(not e.is_real for e in A if e.is_real is not None) or any(e.is_real is False for e in A):
            raise ValueError("M must be a real matrix")
    return kind, A


def _sign(value) -> int:
    value = sp.nsimplify(value) if isinstance(value, float) else sp.simplify(value)
    if value.is_zero:
        return 0
    if value.is_positive:
        return 1
    if value.is_negative:
        return -1
    # fall back on a high-precision numerical evaluation (exact algebraic numbers)
    num = sp.N(value, 50)
    if num == 0:
        return 0
    return 1 if num > 0 else -1


def definiteness(M) -> str:
    """Classify a real symmetric matrix by the signs its quadratic form vᵀMv takes.

    Returns one of ``"positive definite"``, ``"positive semidefinite"``,
    ``"negative definite"``, ``"negative semidefinite"`` or ``"indefinite"``. The zero
    matrix counts as positive semidefinite (the first label that fits).

    A sympy ``Matrix`` is classified exactly (principal minors); a numpy array through its
    eigenvalues (``eigvalsh``), treating |λ| ≤ n·ε·max|λ| as zero (so the answer does not
    change when M is scaled by a positive number).

    Raises
    ------
    ValueError
        for a non-square, non-symmetric, complex, symbolic or non-finite matrix.

    Examples
    --------
    >>> import numpy as np, sympy as sp
    >>> from mvcalc_helpers import definiteness
    >>> definiteness(np.array([[5, 1, -4], [1, 3, -2], [-4, -2, 7]]))   # note 001 §7.2
    'positive definite'
    >>> definiteness(sp.Matrix([[6, -4, 0], [-4, 2, 0], [0, 0, -6]]))  # note 001 §6.2 Hessian
    'indefinite'
    >>> definiteness(sp.Matrix([[1, 1], [1, 1]]))
    'positive semidefinite'
    >>> definiteness(np.array([[1, -10], [0, 1]]))
    Traceback (most recent call last):
    ...
    ValueError: M is not symmetric (M[0,1] = -10 but M[1,0] = 0); definiteness is defined here for real symmetric matrices — use (M + M.T)/2, which has the same quadratic form
    """
    kind, A = _as_matrix(M)
    n = A.shape[0]
    if kind == "numpy":
        lam = np.linalg.eigvalsh(A)
        tol = n * np.finfo(float).eps * float(np.max(np.abs(lam)))
        pos = bool(np.all(lam > tol))
        neg = bool(np.all(lam < -tol))
        nonneg = bool(np.all(lam >= -tol))
        nonpos = bool(np.all(lam <= tol))
    else:
        lead = [_sign(m) for m in leading_principal_minors(A)]
        pos = all(s > 0 for s in lead)
        neg = all(s == (-1) ** (k + 1) for k, s in enumerate(lead))
        minors = [_sign(A.extract(list(idx), list(idx)).det())
                  for r in range(1, n + 1) for idx in itertools.combinations(range(n), r)]
        sizes = [r for r in range(1, n + 1) for _ in itertools.combinations(range(n), r)]
        nonneg = all(s >= 0 for s in minors)
        nonpos = all(s * (-1) ** r >= 0 for s, r in zip(minors, sizes))
    if pos:
        return "positive definite"
    if neg:
        return "negative definite"
    if nonneg:
        return "positive semidefinite"
    if nonpos:
        return "negative semidefinite"
    return "indefinite"


def leading_principal_minors(M) -> list:
    """Determinants of the upper-left k×k blocks, k = 1..n (Sylvester's criterion).

    Exact for a sympy Matrix, floats for a numpy array.

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import leading_principal_minors
    >>> leading_principal_minors(sp.Matrix([[-2, -3, -1], [-3, -6, -4], [-1, -4, -5]]))
    [-2, 3, -1]
    """
    if isinstance(M, sp.MatrixBase):
        A = sp.Matrix(M)
        if A.rows != A.cols:
            raise ValueError(f"M must be square; got shape {A.shape}")
        return [A[:k, :k].det() for k in range(1, A.rows + 1)]
    A = np.asarray(M, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"M must be square; got shape {A.shape}")
    return [float(np.linalg.det(A[:k, :k])) for k in range(1, A.shape[0] + 1)]


def quadratic_form(A, v):
    """The quadratic form vᵀAv (exact for sympy input, float for numpy input).

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import quadratic_form
    >>> A = np.array([[-2, -3, -1], [-3, -6, -4], [-1, -4, -5]])
    >>> quadratic_form(A, [3, 5, 6])            # note 001 §7.2, first demo
    -714.0
    >>> quadratic_form([[5, 1, -4], [1, 3, -2], [-4, -2, 7]], [-5, 2, -3])   # the second demo's code
    84.0
    """
    if isinstance(A, sp.MatrixBase) or isinstance(v, sp.MatrixBase):
        A = sp.Matrix(A)
        v = sp.Matrix(v)
        if A.rows != A.cols or v.rows != A.rows or v.cols != 1:
            raise ValueError(f"need a square A and a vector of matching length; got A {A.shape}, v {v.shape}")
        return sp.expand((v.T * A * v)[0, 0])
    A = np.asarray(A, dtype=float)
    v = np.asarray(v, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or v.shape != (A.shape[0],):
        raise ValueError(f"need a square A and a vector of matching length; got A {A.shape}, v {v.shape}")
    return float(v @ A @ v)
