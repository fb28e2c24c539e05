"""Numerical derivatives: finite differences and the complex step (chapters 1, 6, 7).

Methods (``method=``):

``"forward"``   [f(x + h eᵢ) − f(x)] / h                      error O(h)  + round-off ε/h
``"backward"``  [f(x) − f(x − h eᵢ)] / h                      error O(h)  + round-off ε/h
``"central"``   [f(x + h eᵢ) − f(x − h eᵢ)] / 2h              error O(h²) + round-off ε/h
``"complex"``   Im f(x + i h eᵢ) / h                          error O(h²), no subtraction, so
                                                              h = 1e-20 gives full precision
                                                              (f must accept complex input)

With ``h=None`` a step is chosen per coordinate (scaled by max(1, |xᵢ|)); the default
central method then also applies one Richardson extrapolation, (4·D(h/2) − D(h))/3, whose
error is O(h⁴) — about 1e-12 relative for smooth functions. Pass an explicit ``h`` to see
the plain formula (chapter 6 plots its error against h).

Vectorisation: a function written for one point x of shape (n,) often also accepts an
(n, m) array of m points (columns) and returns m values, e.g. ``lambda x: x[0]**2 + x[1]``.
``vectorized="auto"`` tries that, verifies it against single calls, and falls back to a
loop otherwise.
"""
from __future__ import annotations

import numpy as np

from ._validation import as_vector, not_none

__all__ = ["numerical_gradient", "numerical_jacobian", "numerical_hessian",
           "gradient_check", "relative_error"]

_METHODS = ("forward", "backward", "central", "complex")
_EPS = np.finfo(float).eps


def _check_method(method):
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")


def _default_step(method: str, richardson: bool) -> float:
    if method == "complex":
        return 1e-20
    if method in ("forward", "backward"):
        return float(np.sqrt(_EPS))          # ~1.5e-8
    return float(_EPS ** (1 / 5)) if richardson else float(_EPS ** (1 / 3))


def _call_points(F, points: np.ndarray, vectorized, out_ndim: int):
    """Evaluate F at the columns of ``points`` (shape (n, m)).

    Returns an array of shape (m,) (scalar F, out_ndim=0) or (k, m) (vector F, out_ndim=1).
    """
    n, m = points.shape

    def single(col):
        val = not_none(F(col), "the function")
        arr = np.asarray(val)
        if arr.ndim != out_ndim:
            what = "a scalar" if out_ndim == 0 else "a 1-D array"
            raise ValueError(f"the function must return {what} for one point of shape ({n},); "
                             f"it returned shape {arr.shape}")
        return arr

    if vectorized in ("auto", True):
        ok = False
        try:
            with np.errstate(all="ignore"):
                out = np.asarray(F(points))
            want = (m,) if out_ndim == 0 else None
            if out_ndim == 0 and out.shape == want:
                ok = True
            elif out_ndim == 1 and out.ndim == 2 and out.shape[1] == m:
                ok = True
            if ok and m > 1:
                # verify on the first and last column that the batch is really column-wise
                for j in (0, m - 1):
                    ref = single(points[:, j])
                    got = out[j] if out_ndim == 0 else out[:, j]
                    # real and imaginary parts apart: the complex step's Im ~ 1e-20 carries
                    # the derivative and would vanish inside a tolerance on the whole value
                    if not all(np.allclose(part(got), part(ref), rtol=1e-13, atol=0, equal_nan=True)
                               for part in (np.real, np.imag)):
                        ok = False
                        break
        except Exception:
            if vectorized is True:
                raise
            ok = False
        if ok:
            return out
        if vectorized is True:
            raise ValueError("vectorized=True but the function does not map an (n, m) array of "
                             "points (columns) to m values")
    vals = [single(points[:, j]) for j in range(m)]
    return np.stack(vals, axis=-1)


def _steps(x, h, method, richardson):
    if h is None:
        base = _default_step(method, richardson)
        return base * np.maximum(1.0, np.abs(x.real))
    h_arr = np.asarray(h, dtype=float)
    if h_arr.ndim == 0:
        h_arr = np.full(x.shape, float(h_arr))
    if h_arr.shape != x.shape:
        raise ValueError(f"h must be a number or have the shape of x {x.shape}, got {h_arr.shape}")
    if not np.all(np.isfinite(h_arr)) or np.any(h_arr <= 0):
        raise ValueError(f"h must be positive and finite, got {h!r}")
    return h_arr


def _difference(F, x, method, hs, vectorized, out_ndim):
    """One finite-difference estimate with steps hs; returns shape (n,) or (k, n)."""
    n = x.size
    eye = np.eye(n)
    if method == "complex":
        pts = x[:, None] + 1j * (eye * hs[None, :])
        vals = _call_points(F, pts, vectorized, out_ndim)
        im = np.imag(vals)
        # a zero imaginary part is right only where the derivative is 0; a function that drops
        # it (abs, float(), .real, np.maximum) also gives 0 there: check those coordinates
        # with a central difference and refuse a silent wrong answer
        cols = np.nonzero(np.any(im == 0, axis=tuple(range(im.ndim - 1))))[0]
        if cols.size:
            d = 1e-5 * np.maximum(1.0, np.abs(x[cols]))
            E = eye[:, cols] * d
            chk = _call_points(F, np.concatenate([x[:, None] + E, x[:, None] - E], axis=1),
                               "auto", out_ndim)
            C = (chk[..., :cols.size] - chk[..., cols.size:]) / (2 * d)
            lost = (im[..., cols] == 0) & (np.abs(C) > 1e-6 * (1 + np.max(np.abs(chk))))
            if np.any(lost):
                bad = sorted({int(c) for c in cols[np.nonzero(lost)[-1]]})
                raise ValueError(
                    "method='complex' needs a function that keeps complex numbers: it lost the "
                    f"imaginary part for coordinate(s) {bad} (avoid abs, float(), .real, "
                    "np.maximum; use method='central' instead)")
        return im / hs
    if method == "central":
        pts = np.concatenate([x[:, None] + eye * hs, x[:, None] - eye * hs], axis=1)
        vals = _call_points(F, pts, vectorized, out_ndim)
        return (vals[..., :n] - vals[..., n:]) / (2 * hs)
    if method == "forward":
        pts = np.concatenate([x[:, None] + eye * hs, x[:, None]], axis=1)
        vals = _call_points(F, pts, vectorized, out_ndim)
        return (vals[..., :n] - vals[..., n:n + 1]) / hs
    pts = np.concatenate([x[:, None], x[:, None] - eye * hs], axis=1)  # backward
    vals = _call_points(F, pts, vectorized, out_ndim)
    return (vals[..., :1] - vals[..., 1:]) / hs


def _derivative(F, x, method, h, richardson, vectorized, out_ndim):
    _check_method(method)
    if not callable(F):
        raise TypeError(f"the function to differentiate must be callable, got {type(F).__name__}")
    if vectorized not in ("auto", True, False):
        raise ValueError("vectorized must be 'auto', True or False")
    x = as_vector(x, "x")
    if richardson is None:
        richardson = (h is None and method == "central")
    if richardson and method != "central":
        raise ValueError("Richardson extrapolation is implemented for method='central' only")
    hs = _steps(x, h, method, richardson)
    if not richardson:
        D = _difference(F, x, method, hs, vectorized, out_ndim)
    else:
        D1 = _difference(F, x, method, hs, vectorized, out_ndim)
        D2 = _difference(F, x, method, hs / 2, vectorized, out_ndim)
        D = (4 * D2 - D1) / 3
    D = np.asarray(D, dtype=float)
    if not np.all(np.isfinite(D)):
        raise ValueError("the function returned non-finite values near x; is x inside its domain?")
    return D


def numerical_gradient(f, x, method: str = "central", h=None, *, richardson=None,
                       vectorized="auto") -> np.ndarray:
    """Numerical gradient of a scalar function f: Rⁿ → R at the point ``x``.

    Parameters
    ----------
    f : callable
        ``f(x)`` with ``x`` of shape (n,) returns a number.
    x : array_like, shape (n,)
    method : {"central", "forward", "backward", "complex"}
    h : float or array of shape (n,), optional
        Step. ``None`` chooses one (see the module notes).
    richardson : bool, optional
        Richardson extrapolation of the central difference; default: on when ``h`` is None.
    vectorized : "auto", True or False
        Whether f may be called on an (n, m) batch of points.

    Returns
    -------
    numpy array of shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import numerical_gradient
    >>> f = lambda v: v[0]**2 + 3*v[0]*v[1] + v[1]**2     # notes 000 §1 example 1
    >>> np.allclose(numerical_gradient(f, [1.0, 2.0]), [8, 7])
    True
    >>> g = numerical_gradient(lambda v: np.exp(v[0]) * np.sin(v[1]), [0.5, 1.0], method="complex")
    >>> np.allclose(g, [np.exp(0.5)*np.sin(1.0), np.exp(0.5)*np.cos(1.0)], rtol=1e-15, atol=0)
    True
    >>> numerical_gradient(f, [[1.0, 2.0]])
    Traceback (most recent call last):
    ...
    ValueError: x must be a 1-D vector (shape (n,)), got shape (1, 2); use .ravel() or pass one point at a time
    """
    return _derivative(f, x, method, h, richardson, vectorized, out_ndim=0)


def numerical_jacobian(F, x, method: str = "central", h=None, *, richardson=None,
                       vectorized="auto") -> np.ndarray:
    """Numerical Jacobian (k×n) of F: Rⁿ → Rᵏ at ``x``; row i is ∇Fᵢ(x)ᵀ.

    Same methods and options as :func:`numerical_gradient`; ``F(x)`` must return a 1-D
    array of length k.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import numerical_jacobian
    >>> F = lambda v: np.array([v[0]**2 + 3*v[0]*v[1] + 2*v[2], 2*v[0] - 2*v[0]*v[1] + v[2]**2])
    >>> J = numerical_jacobian(F, [1.0, 2.0, 3.0])      # note 001 §5.2 at (1, 2, 3)
    >>> np.allclose(J, [[8, 3, 2], [-2, -2, 6]])
    True
    """
    return _derivative(F, x, method, h, richardson, vectorized, out_ndim=1)


def numerical_hessian(f, x, method: str = "central", h=None, *, vectorized="auto") -> np.ndarray:
    """Numerical Hessian (n×n, symmetrised) of a scalar function at ``x``.

    Computed as the central-difference Jacobian of the numerical gradient (the gradient by
    ``method``: with ``"complex"`` the inner gradient is exact to rounding, so the Hessian
    is accurate to ~1e-10). ``h`` is the outer step (``None``: chosen automatically).

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import numerical_hessian
    >>> f = lambda v: 3*v[0]**2 - 4*v[0]*v[1] + v[1]**2 - 3*v[2]**2    # note 001 §6.2
    >>> np.allclose(numerical_hessian(f, [0.3, -1.0, 2.0]), [[6, -4, 0], [-4, 2, 0], [0, 0, -6]])
    True
    """
    _check_method(method)
    x = as_vector(x, "x")

    def grad(y):
        return numerical_gradient(f, y, method=method, vectorized=vectorized)

    H = numerical_jacobian(grad, x, method="central", h=h, vectorized=False)
    return (H + H.T) / 2


def relative_error(a, b) -> float:
    """Largest element-wise relative error max |a − b| / max(1e-8, |a| + |b|) (cs231n).

    The 1e-8 floor keeps entries where both values are ~0 from dominating. Rules of thumb
    (double precision): < 1e-7 fine; 1e-7–1e-4 suspicious (or a kink); > 1e-4 a bug.

    Examples
    --------
    >>> from mvcalc_helpers import relative_error
    >>> relative_error([1.0, 2.0], [1.0, 2.0])
    0.0
    >>> round(relative_error([1.0], [1.1]), 4)
    0.0476
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("relative_error got non-finite values (nan or inf)")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def gradient_check(f, grad_f, x, method: str = "central", h=None) -> float:
    """Relative error between an analytic gradient ``grad_f(x)`` and a numerical one.

    The error is :func:`relative_error` (cs231n's definition). A correct gradient gives
    ~1e-10 or less with the default method; a wrong one ~1e-1.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import gradient_check
    >>> f = lambda v: 0.5 * (v[0]**2 + v[1]**2)
    >>> gradient_check(f, lambda v: v, np.array([1.0, 1.0])) < 1e-10
    True
    >>> gradient_check(f, lambda v: 2 * v, np.array([1.0, 1.0])) > 0.1    # a wrong gradient
    True
    """
    x = as_vector(x, "x")
    if not callable(grad_f):
        raise TypeError("grad_f must be callable: grad_f(x) returns the gradient at x")
    analytic = np.asarray(not_none(grad_f(x.copy()), "grad_f(x)"), dtype=float)
    if analytic.shape != x.shape:
        raise ValueError(f"grad_f(x) has shape {analytic.shape} but x has shape {x.shape}")
    numeric = numerical_gradient(f, x, method=method, h=h)
    return relative_error(analytic, numeric)
