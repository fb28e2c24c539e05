"""Checks for matrix-calculus identities (chapter 6).

Layout: for a scalar f and a matrix (or vector) X, ∂f/∂X has the **shape of X**
((∂f/∂X)ᵢⱼ = ∂f/∂Xᵢⱼ) — the denominator layout of notes 000 §7 (∂(aᵀx)/∂x = a is a
column like x; ∂tr(AB)/∂A = Bᵀ has the shape of A). For a vector function, ∂(Ax)/∂xᵀ = A is
the Jacobian.
"""
from __future__ import annotations

import numpy as np

from ._validation import as_float_array
from .numerical import _METHODS, _default_step, relative_error

__all__ = ["matrix_gradient_check", "numerical_matrix_gradient"]


def numerical_matrix_gradient(f, X, method: str = "central", h=None) -> np.ndarray:
    """Numerical ∂f/∂X of a scalar function of a matrix (or vector), same shape as X.

    Each entry is perturbed in turn (``method`` as in :func:`numerical_gradient`;
    ``"complex"`` needs f to accept complex matrices). With ``h=None`` the central method
    uses Richardson extrapolation.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import numerical_matrix_gradient
    >>> Z = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> np.allclose(numerical_matrix_gradient(lambda Z: np.trace(Z @ Z.T), Z), 2 * Z)
    True
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    if not callable(f):
        raise TypeError("f must be callable: f(X) returns a number")
    X = as_float_array(X, "X")
    if X.ndim == 0 or X.size == 0:
        raise ValueError(f"X must be a non-empty vector or matrix, got shape {X.shape}")
    richardson = h is None and method == "central"
    if h is None:
        h = _default_step(method, richardson)
    elif not (np.isfinite(h) and h > 0):
        raise ValueError(f"h must be positive and finite, got {h!r}")

    def value(Y):
        v = np.asarray(f(Y))
        if v.size != 1:
            raise ValueError(f"f(X) must return a scalar, got shape {v.shape}")
        return v.reshape(())[()]

    def estimate(step):
        G = np.empty(X.shape)
        for idx in np.ndindex(X.shape):
            s = step * max(1.0, abs(X[idx]))
            if method == "complex":
                Y = X.astype(complex)
                Y[idx] += 1j * s
                v = value(Y)
                if not np.iscomplexobj(v):
                    raise ValueError("method='complex' needs f to keep complex numbers; "
                                     "use method='central'")
                G[idx] = np.imag(v) / s
                continue
            Yp = X.copy()
            Ym = X.copy()
            if method in ("central", "forward"):
                Yp[idx] += s
            if method in ("central", "backward"):
                Ym[idx] -= s
            denom = 2 * s if method == "central" else s
            G[idx] = (value(Yp) - value(Ym)) / denom
        return G

    G = estimate(h)
    if richardson:
        G = (4 * estimate(h / 2) - G) / 3
    if not np.all(np.isfinite(G)):
        raise ValueError("f returned non-finite values near X")
    return G


def matrix_gradient_check(f, grad_f, X, method: str = "central", h=None) -> float:
    """Relative error between an analytic ∂f/∂X (``grad_f(X)``, shape of X) and a numerical one.

    A gradient of the wrong shape — e.g. the transpose that another layout convention
    would give — is reported as a ``ValueError`` naming both shapes (for a square X a
    transposed gradient has the right shape and shows up as a large error instead).

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import matrix_gradient_check
    >>> rng = np.random.default_rng(0)
    >>> A, B = rng.normal(size=(3, 4)), rng.normal(size=(4, 3))
    >>> matrix_gradient_check(lambda A: np.trace(A @ B), lambda A: B.T, A) < 1e-9   # ∂tr(AB)/∂A = Bᵀ
    True
    >>> matrix_gradient_check(lambda A: np.trace(A @ B), lambda A: B, A)
    Traceback (most recent call last):
    ...
    ValueError: grad_f(X) has shape (4, 3) but X has shape (3, 4): ∂f/∂X must have the shape of X (denominator layout)
    """
    X = as_float_array(X, "X")
    if not callable(grad_f):
        raise TypeError("grad_f must be callable: grad_f(X) returns ∂f/∂X")
    G = as_float_array(grad_f(X.copy()), "grad_f(X)")
    if G.shape != X.shape:
        raise ValueError(f"grad_f(X) has shape {G.shape} but X has shape {X.shape}: "
                         "∂f/∂X must have the shape of X (denominator layout)")
    return relative_error(G, numerical_matrix_gradient(f, X, method=method, h=h))
