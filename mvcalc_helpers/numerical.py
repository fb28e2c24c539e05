"""Numerical derivatives: finite differences and the complex step (chapters 1, 6, 7).

Methods (``method=``):

``"forward"``   [f(x + h eᵢ) − f(x)] / h                      error O(h)  + round-off ε/h
``"backward"``  [f(x) − f(x − h eᵢ)] / h                      error O(h)  + round-off ε/h
``"central"``   [f(x + h eᵢ) − f(x − h eᵢ)] / 2h              error O(h²) + round-off ε/h
``"complex"``   Im f(x + i h eᵢ) / h                          error O(h²), no subtraction, so
                                                              h = 1e-20 gives full precision
                                                              (f must accept complex input)

Step selection with ``h=None`` (adaptive, after numdifftools [1]_)
    A difference quotient D(h) is wrong in two ways: truncation (too large an h) and
    round-off (too small an h); where the balance lies depends on the function's own scale
    (sin at x = 10⁶, tanh(10⁸x), log near 0), which a fixed rule cannot know. So, per
    coordinate, D(h) is computed for a geometric sequence of steps (made exactly
    representable: h = (xᵢ + h) − xᵢ); two Richardson extrapolations remove the h² and h⁴
    terms (h and h² for forward/backward); each extrapolated value gets an error estimate —
    how much it differs from its neighbours in the sequence plus the propagated round-off
    ε·|f|/h — and the estimate with the smallest error estimate wins. A cheap first pass
    uses three steps 10⁻²·sᵢ·(1, ½, ¼) relative to sᵢ = |xᵢ| (1 at xᵢ = 0; four steps
    10⁻³·sᵢ·(1, …, ⅛) for forward/backward); only coordinates whose estimate is not yet accurate (error estimate
    above 1e-8 of the derivative's scale, or a non-finite value, e.g. a step that left the
    domain of log) get a second pass over ~24 steps from max(1, |xᵢ|) down to
    10⁻¹³·max(1, |xᵢ|) and below 10⁻³·|xᵢ| (ratio 4). All points of a pass are evaluated in
    one batched call when f accepts a batch (see Vectorisation).

    The complex step has no cancellation: one step h = 10⁻²⁰·sᵢ is exact to rounding. A function that drops the imaginary part (abs, float(), .real, np.maximum)
    would make it silently wrong, so one more complex step along a random direction is
    compared with an (adaptive) central difference along it; a disagreement raises
    ``ValueError``. A non-analytic part smaller than ~1e-8 of the gradient goes unnoticed.

Trust
    ``full_output=True`` returns a :class:`DerivativeResult` ``(value, error, step)`` with
    the error estimate of every entry. When an error estimate exceeds 1e-6 of the
    derivative's scale (the entry's size plus the largest entry of its gradient) and the
    floor below which a derivative cannot be told from 0 (1e6·ε·|f|/max(1, |xᵢ|), the
    rounding of f, plus 1e-10 of how fast f changes over the first step), a
    :class:`NumericalDerivativeWarning` names the entries: the number is not to be
    trusted. An estimate can still be fooled by structure far below the first-pass step
    (a kink or a feature narrower than 10⁻³·|xᵢ| that the first-pass steps jump over); numbers
    that matter deserve a second method (complex step, torch) or an explicit ``h``. The
    round-off model ε·|f| assumes f is computed to about ε relative to its value; an f that
    sums terms much larger than its result (xᵀAx ≈ 10⁻⁵ from terms of size 4) carries
    ε·(size of the terms) instead, which no black-box method sees, and its central
    differences along a small coordinate (a step relative to a tiny |xᵢ|) can be off by
    more than the estimate — still within 1e-8 of the derivative's scale. With
    an explicit ``h`` the plain formula is returned (chapter 6 studies its error against
    h), without warnings.

Vectorisation: a function written for one point x of shape (n,) often also accepts an
(n, m) array of m points (columns) and returns m values, e.g. ``lambda x: x[0]**2 + x[1]``.
``vectorized="auto"`` tries that, verifies it against single calls, and falls back to a
loop otherwise.

.. [1] P. A. Brodtkorb, numdifftools (github.com/pbrod/numdifftools): step generators,
   Richardson extrapolation and the choice of the estimate with the smallest error.
"""
from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

from ._validation import as_vector, not_none

__all__ = ["numerical_gradient", "numerical_jacobian", "numerical_hessian",
           "gradient_check", "relative_error", "DerivativeResult",
           "NumericalDerivativeWarning"]

_METHODS = ("forward", "backward", "central", "complex")
_EPS = np.finfo(float).eps
_ACCEPT = 1e-8          # first pass accepted below this relative error estimate
_TRUST = 1e-6           # a warning above this relative error estimate
_FLOOR = 1e6 * _EPS     # derivatives below 1e6·ε·|f(x)|/s (≈ 2e-10·|f|/s) cannot be told from 0,
_ZERO = 1e-10           # nor below 1e-10 of how fast f changes over the first step
_FIRST = {"central": (1e-2, 2.0, 3), "forward": (1e-3, 2.0, 4), "backward": (1e-3, 2.0, 4)}
_SECOND_RATIO = 4.0
_SECOND_LOW = 1e-13     # second pass: steps from s down to 1e-13·s (and below |x| if |x| < 1)


class NumericalDerivativeWarning(UserWarning):
    """A numerical derivative whose error estimate says it cannot be trusted.

    Examples
    --------
    >>> import warnings, numpy as np
    >>> from mvcalc_helpers.numerical import numerical_gradient, NumericalDerivativeWarning
    >>> noisy = lambda v: v[0] ** 2 + 1e-4 * np.sin(1e17 * v[0])    # noise of size 1e-4
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     g = numerical_gradient(noisy, [0.7])
    >>> [w.category.__name__ for w in caught]
    ['NumericalDerivativeWarning']
    """


class DerivativeResult(NamedTuple):
    """What ``full_output=True`` returns.

    ``value``: the derivative (gradient, Jacobian or Hessian); ``error``: an estimate of
    its absolute error, entry by entry (same shape); ``step``: the step used per
    coordinate of x (for a Jacobian, whose rows choose their steps apart, the smallest).

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers.numerical import numerical_gradient
    >>> value, error, step = numerical_gradient(lambda v: np.sin(v[0]), [1e6], full_output=True)
    >>> bool(abs(value[0] - np.cos(1e6)) <= error[0] < 1e-9)       # sin at x = 10⁶
    True
    """
    value: np.ndarray
    error: np.ndarray
    step: np.ndarray


def _check_method(method):
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")


def _default_step(method: str, richardson: bool) -> float:
    """The fixed step of the plain formulas (``richardson=False``), relative to max(1, |xᵢ|)."""
    if method == "complex":
        return 1e-20
    if method in ("forward", "backward"):
        return float(np.sqrt(_EPS))          # ~1.5e-8
    return float(_EPS ** (1 / 5)) if richardson else float(_EPS ** (1 / 3))


def _as_numbers(val, what: str) -> np.ndarray:
    arr = np.asarray(not_none(val, what))
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"{what} must return numbers; it returned {type(val).__name__} "
                        f"{str(val)[:40]!r}")
    return arr


def _call_points(F, points: np.ndarray, vectorized, out_ndim: int, fill=None):
    """Evaluate F at the columns of ``points`` (shape (n, m)).

    Returns an array of shape (m,) (scalar F, out_ndim=0) or (k, m) (vector F, out_ndim=1).
    With ``fill`` (an array like f(x)), a point where F raises an arithmetic or domain error
    (``math.log(-1)``, 1/0) gets ``fill`` (nan): a difference step that left the domain.
    """
    n, m = points.shape

    def single(col):
        try:
            val = F(col)
        except (ArithmeticError, ValueError):
            if fill is None:
                raise
            return fill
        arr = _as_numbers(val, "the function")
        if arr.ndim != out_ndim:
            what = "a scalar" if out_ndim == 0 else "a 1-D array"
            raise ValueError(f"the function must return {what} for one point of shape ({n},); "
                             f"it returned shape {arr.shape}")
        return arr

    if vectorized in ("auto", True) and m > 1:
        ok = False
        try:
            with np.errstate(all="ignore"):
                out = np.asarray(F(points))
            if out.dtype.kind in "biufc":
                if out_ndim == 0 and out.shape == (m,):
                    ok = True
                elif out_ndim == 1 and out.ndim == 2 and out.shape[1] == m:
                    ok = True
            if ok:
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
        except (TypeError, ValueError) as exc:
            if vectorized is True or isinstance(exc, TypeError) and "must return numbers" in str(exc):
                raise
            ok = False
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


# --- the adaptive engine --------------------------------------------------------------------

class _Quotients(NamedTuple):
    D: np.ndarray      # (..., d, K) difference quotients
    dD: np.ndarray     # (..., d, K) their round-off
    h: np.ndarray      # (d, K) steps
    sec: np.ndarray    # (..., d) secant slope max|f(x ± h₀v) − f(x)| / h₀ over the largest step
    mag: np.ndarray    # (..., d, K) the size of the values each quotient subtracts


def _quotients(F, x, f0, V, hs, kind, vectorized, out_ndim, exact, noise=None) -> _Quotients:
    """Difference quotients of F along the columns of V (n, d) for steps hs (d, K).

    ``noise``: the absolute error of F's values beyond rounding (per output component),
    e.g. of an inner numerical gradient inside a Hessian.
    """
    nz = 0.0 if noise is None else np.asarray(noise, dtype=float)[..., None, None]
    n, d = V.shape
    K = hs.shape[1]
    sign = -1.0 if kind == "backward" else 1.0
    if exact:                                     # exactly representable steps
        xi = (V.T @ x)[:, None]                   # V = columns of the identity
        hs = sign * (((xi + sign * hs) - xi))
        hs = np.abs(hs)
    steps = (V[:, :, None] * hs[None, :, :]).reshape(n, d * K)
    fill = np.full(np.shape(f0), np.nan)
    with np.errstate(all="ignore"):
        if kind == "central":
            pts = np.concatenate([x[:, None] + steps, x[:, None] - steps], axis=1)
            vals = _call_points(F, pts, vectorized, out_ndim, fill).astype(float)
            vals = vals.reshape(vals.shape[:-1] + (2, d, K))
            vp, vm = vals[..., 0, :, :], vals[..., 1, :, :]
            D = (vp - vm) / (2 * hs)
            mag = np.abs(vp) + np.abs(vm)
            dD = (_EPS * mag + 2 * nz) / hs
            f0e = f0[..., None]
            sec = np.maximum(np.abs(vp[..., 0] - f0e), np.abs(vm[..., 0] - f0e)) / hs[:, 0]
        else:
            pts = x[:, None] + sign * steps
            vals = _call_points(F, pts, vectorized, out_ndim, fill).astype(float)
            vals = vals.reshape(vals.shape[:-1] + (d, K))
            f0e = f0[..., None, None]
            D = sign * (vals - f0e) / hs
            mag = np.abs(vals) + np.abs(f0e)
            dD = 2 * (_EPS * mag + 2 * nz) / hs
            sec = np.abs(D[..., 0])
    return _Quotients(D, dD, hs, np.nan_to_num(sec, nan=0.0, posinf=0.0), mag)


def _extrapolate(q: _Quotients, kind: str, ratio: float):
    """Two Richardson steps along the step axis; the best estimate per direction.

    Returns value, error estimate, the size of |f| at the points it used (all (..., d)) and
    its smallest step (d,).
    """
    orders = (2, 4) if kind == "central" else (1, 2)
    R, dR = q.D, q.dD
    levels = [R]
    with np.errstate(all="ignore"):
        for p in orders:
            c = ratio ** p
            R, dR = (c * R[..., 1:] - R[..., :-1]) / (c - 1), (c * dR[..., 1:] + dR[..., :-1]) / (c - 1)
            levels.append(R)
        # the largest disagreement with the neighbours in the sequence and with the previous
        # level's estimate from the same smallest steps: conservative, and robust to noise
        trunc = np.abs(R - levels[-2][..., 1:])
        if R.shape[-1] > 1:
            diff = np.abs(np.diff(R, axis=-1))
            left = np.concatenate([diff[..., :1], diff], axis=-1)
            right = np.concatenate([diff, diff[..., -1:]], axis=-1)
            trunc = np.maximum(trunc, np.maximum(left, right))
        err = trunc + dR
    err = np.where(np.isfinite(err) & np.isfinite(R), err, np.inf)
    # the best estimate per entry (each output component of a Jacobian picks its own)
    k = np.argmin(err, axis=-1)[..., None]                       # (..., d, 1)
    value = np.take_along_axis(R, k, axis=-1)[..., 0]
    error = np.take_along_axis(err, k, axis=-1)[..., 0]
    last = k[..., 0] + len(orders)                               # the smallest step it used
    h = np.broadcast_to(q.h, q.D.shape)
    step = np.take_along_axis(h, last[..., None], axis=-1)[..., 0]
    fmag = np.take_along_axis(q.mag, last[..., None], axis=-1)[..., 0]
    fmag = np.nan_to_num(fmag, nan=0.0, posinf=0.0)
    step = np.where(np.isfinite(error), step, np.nan)
    return value, error, fmag, step


def _scales(x):
    return np.maximum(1.0, np.abs(x))


def _own_scales(x):
    """The length scale of the first pass: |xᵢ| (a relative step), 1 where xᵢ ≈ 0."""
    a = np.abs(x)
    return np.where(a > 1e-30, a, 1.0)


def _row_scale(value):
    """The size of the gradient each entry belongs to (per output component)."""
    a = np.where(np.isfinite(value), np.abs(value), 0.0)
    return np.max(a, axis=-1, keepdims=True) if a.ndim else a


def _adaptive(F, x, f0, V, s, kind, vectorized, out_ndim, exact, noise=None):
    """Adaptive difference estimate along the columns of V (n, d); see the module notes.

    Returns value, error estimate, round-off floor (all (..., d)) and step (d,).
    """
    H, r, K = _FIRST[kind]
    hs = s[:, None] * H * r ** -np.arange(K)
    big = np.maximum(1.0, s)
    q = _quotients(F, x, f0, V, hs, kind, vectorized, out_ndim, exact, noise)
    value, error, fmag, step = _extrapolate(q, kind, r)
    # below the floor a derivative cannot be told from 0: the round-off of f over the scale,
    # and 1e-10 of the secant slope over the largest step (how fast f changes nearby)
    f0mag = np.abs(f0)[..., None]
    zero = _ZERO * q.sec
    floor = _FLOOR * np.maximum(f0mag, fmag) / big + zero
    scale = np.abs(value) + _row_scale(value)
    redo = ~np.all(np.isfinite(value) & (error <= _ACCEPT * scale + floor),
                   axis=tuple(range(value.ndim - 1)))
    if np.any(redo):
        cols = np.nonzero(redo)[0]
        # from max(1, |x|) down to 1e-13·max(1, |x|), and below 1e-3·|x| when |x| < 1
        low = np.maximum(np.minimum(_SECOND_LOW, 1e-3 * s[cols] / big[cols]), 1e-30)
        K2 = int(np.ceil(np.log(1 / low.min()) / np.log(_SECOND_RATIO))) + 1
        hs2 = big[cols, None] * _SECOND_RATIO ** -np.arange(K2)
        v2, e2, fm2, st2 = _extrapolate(_quotients(F, x, f0, V[:, cols], hs2, kind, vectorized,
                                                   out_ndim, exact, noise), kind, _SECOND_RATIO)
        better = ~(error[..., cols] <= e2)                       # entry by entry
        for arr, new in ((value, v2), (error, e2), (step, st2),
                         (floor, _FLOOR * np.maximum(f0mag, fm2) / big[cols] + zero[..., cols])):
            sub = arr[..., cols]
            sub[better] = new[better]
            arr[..., cols] = sub
    return value, error, floor, step


def _complex_step(F, x, f0, hs, vectorized, out_ndim, name):
    n = x.size
    # a function that drops the imaginary part (abs, float(), .real, np.maximum) makes the
    # complex step silently wrong: one more complex step along a random direction u (with a
    # tiny step, so that it is exact for an analytic f whatever h is) is compared with a
    # central difference along u
    u = np.random.default_rng(20).standard_normal(n)
    u /= np.linalg.norm(u)
    s = _own_scales(np.array([np.max(np.abs(x))]))
    hu = 1e-20 * s[0]
    pts = x[:, None] + 1j * np.concatenate([np.eye(n) * hs[None, :], hu * u[:, None]], axis=1)
    vals = _call_points(F, pts, vectorized, out_ndim)
    D = np.imag(vals[..., :n]) / hs
    along = np.imag(vals[..., n]) / hu
    dc, ec, floor, _ = _adaptive(F, x, f0, u[:, None], s, "central", vectorized, out_ndim,
                                 exact=False)
    dc, ec = dc[..., 0], ec[..., 0]
    gap = np.abs(along - dc)
    # (+ 1e-280: below that, f'·h underflows and no complex step can see a derivative)
    tol = 10 * ec + 1e-8 * (np.abs(D) @ np.abs(u) + np.abs(dc)) + floor[..., 0] + 1e-280
    if not np.all(np.isfinite(D)) or np.any(~(gap <= tol)):
        lost = np.isrealobj(vals) or np.all(np.imag(vals) == 0)
        raise ValueError(
            "method='complex' needs a function that keeps complex numbers: "
            + ("its value has no imaginary part at all" if lost else
               f"its complex-step derivative along a direction ({along!s:.40}) disagrees with a "
               f"central difference ({dc!s:.40})")
            + " (avoid abs, float(), .real, np.maximum, np.sign; use method='central' instead)")
    return D, 10 * _EPS * (np.abs(D) + _row_scale(D))


def _derivative(F, x, method, h, richardson, vectorized, out_ndim, full_output=False,
                name="x", warn=True, whole=False, noise=None):
    _check_method(method)
    if not callable(F):
        raise TypeError(f"the function to differentiate must be callable, got {type(F).__name__}")
    if vectorized not in ("auto", True, False):
        raise ValueError("vectorized must be 'auto', True or False")
    x = as_vector(x, name)
    if richardson is None:
        richardson = h is None and method != "complex"
    if richardson and method == "complex":
        raise ValueError("Richardson extrapolation is for the difference methods; the complex "
                         "step needs none")
    n = x.size
    f0 = _as_numbers(F(x.copy()), "the function")
    if f0.ndim != out_ndim:
        what = "a scalar" if out_ndim == 0 else "a 1-D array"
        raise ValueError(f"the function must return {what} for one point of shape ({n},); "
                         f"it returned shape {f0.shape}")
    if np.iscomplexobj(f0):
        raise TypeError("the function must return real numbers at a real point")
    if not np.all(np.isfinite(f0)):
        raise ValueError(f"the function is not finite at {name} ({f0}); is {name} inside its domain?")
    f0 = f0.astype(float)
    s = _own_scales(x)
    eye = np.eye(n)
    if method == "complex":
        hs = 1e-20 * s if h is None else _steps(x, h, method, False)
        D, err = _complex_step(F, x, f0, hs, vectorized, out_ndim, name)
        step = hs
    elif h is None and richardson:
        D, err, floor, step = _adaptive(F, x, f0, eye, s, method, vectorized, out_ndim,
                                        exact=True, noise=noise)
        if not np.all(np.isfinite(D)):
            raise ValueError(f"the function returned non-finite values near {name} for every step "
                             f"tried; is {name} inside its domain?")
        size = np.max(np.abs(D)) if whole else _row_scale(D)     # whole: a Hessian
        bad = ~(err <= _TRUST * (np.abs(D) + size) + floor)
        if warn and np.any(bad):
            where = sorted({int(i) for i in np.nonzero(bad)[-1]})
            warnings.warn(NumericalDerivativeWarning(
                f"the numerical derivative cannot be trusted for coordinate(s) {where} of {name}: "
                f"error estimate {np.max(err[..., where]):.1e} vs value(s) "
                f"{np.array2string(D[..., where].ravel()[:4], precision=3)}; the function may be "
                "non-smooth, noisy or badly scaled there"), stacklevel=3)
    else:
        hs = _steps(x, h, method, richardson)
        both = richardson or full_output       # D(h/2) for the extrapolation or the error
        q = _quotients(F, x, f0, eye, np.stack([hs, hs / 2], axis=1) if both else hs[:, None],
                       method, vectorized, out_ndim, exact=False)
        p = 2 if method == "central" else 1
        D = q.D[..., 0]
        err = q.dD[..., 0]
        if both:
            D1, D2 = q.D[..., 0], q.D[..., 1]
            if richardson:
                D = (2**p * D2 - D1) / (2**p - 1)
                err = np.abs(D - D2) + q.dD[..., 1]
            else:
                err = np.abs(D1 - D2) * 2**p / (2**p - 1) + q.dD[..., 0]
        step = hs
        if not np.all(np.isfinite(D)):
            raise ValueError(f"the function returned non-finite values near {name}; is {name} "
                             "inside its domain?")
    D = np.asarray(D, dtype=float)
    step = np.asarray(step, dtype=float)
    if step.ndim > 1:                  # a Jacobian: the smallest step over its rows
        step = np.nanmin(np.where(np.isfinite(step), step, np.inf), axis=0)
        step[~np.isfinite(step)] = np.nan
    if full_output:
        return DerivativeResult(D, np.asarray(err, dtype=float), np.asarray(step, dtype=float))
    return D


def _steps(x, h, method, richardson):
    if h is None:
        return _default_step(method, richardson) * _scales(x)
    h_arr = np.asarray(h, dtype=float)
    if h_arr.ndim == 0:
        h_arr = np.full(x.shape, float(h_arr))
    if h_arr.shape != x.shape:
        raise ValueError(f"h must be a number or have the shape of x {x.shape}, got {h_arr.shape}")
    if not np.all(np.isfinite(h_arr)) or np.any(h_arr <= 0):
        raise ValueError(f"h must be positive and finite, got {h!r}")
    return h_arr


def numerical_gradient(f, x, method: str = "central", h=None, *, richardson=None,
                       vectorized="auto", full_output: bool = False):
    """Numerical gradient of a scalar function f: Rⁿ → R at the point ``x``.

    Parameters
    ----------
    f : callable
        ``f(x)`` with ``x`` of shape (n,) returns a number.
    x : array_like, shape (n,)
    method : {"central", "forward", "backward", "complex"}
    h : float or array of shape (n,), optional
        Step of the plain formula. ``None``: adaptive steps (see the module notes).
    richardson : bool, optional
        With ``h=None`` (default on): the adaptive scheme; ``False`` gives the plain formula
        with a fixed step (√ε or ε^⅓ times max(1, |xᵢ|)). With an explicit ``h``: one
        extrapolation (2ᵖ·D(h/2) − D(h))/(2ᵖ − 1).
    vectorized : "auto", True or False
        Whether f may be called on an (n, m) batch of points.
    full_output : bool
        Return a :class:`DerivativeResult` ``(value, error, step)`` instead of the value.

    Returns
    -------
    numpy array of shape (n,) (or a DerivativeResult)

    Warns
    -----
    NumericalDerivativeWarning
        when the error estimate says the adaptive result cannot be trusted.

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
    >>> r = numerical_gradient(lambda v: np.log(v[0]), [1e-3], full_output=True)   # d/dx log x = 1/x
    >>> bool(abs(r.value[0] - 1000) < 1e-8 * 1000), bool(r.error[0] < 1e-6 * 1000)
    (True, True)
    >>> numerical_gradient(f, [[1.0, 2.0]])
    Traceback (most recent call last):
    ...
    ValueError: x must be a 1-D vector (shape (n,)), got shape (1, 2); use .ravel() or pass one point at a time
    """
    return _derivative(f, x, method, h, richardson, vectorized, out_ndim=0, full_output=full_output)


def numerical_jacobian(F, x, method: str = "central", h=None, *, richardson=None,
                       vectorized="auto", full_output: bool = False):
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
    return _derivative(F, x, method, h, richardson, vectorized, out_ndim=1, full_output=full_output)


def numerical_hessian(f, x, method: str = "central", h=None, *, vectorized="auto",
                      full_output: bool = False):
    """Numerical Hessian (n×n, symmetrised) of a scalar function at ``x``.

    Computed as the central-difference Jacobian of the numerical gradient (the gradient by
    ``method``: with ``"complex"`` the inner gradient is exact to rounding). ``h`` is the
    step of both differences, inner and outer; ``None`` chooses both adaptively (see the
    module notes), and then a :class:`NumericalDerivativeWarning` flags an untrustworthy
    result. ``full_output=True`` returns a :class:`DerivativeResult`.

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
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NumericalDerivativeWarning)
            return numerical_gradient(f, y, method=method, h=h, vectorized=vectorized)

    if h is not None and not full_output:      # the plain formula, nothing more evaluated
        H = _derivative(grad, x, "central", h, None, False, out_ndim=1)
        return (H + H.T) / 2
    # the inner gradient is accurate to its own error estimate, not to rounding: the outer
    # difference must know, or a gradient that is flat at that level looks like H = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumericalDerivativeWarning)
        inner = numerical_gradient(f, x, method=method, h=h, vectorized=vectorized,
                                   full_output=True)
    res = _derivative(grad, x, "central", h, None, False, out_ndim=1, full_output=True,
                      whole=True, noise=2 * inner.error)
    H = (res.value + res.value.T) / 2
    if full_output:
        return DerivativeResult(H, np.maximum(res.error, res.error.T), res.step)
    return H


def relative_error(a, b) -> float:
    """Largest element-wise relative error max |a − b| / max(1e-8, |a| + |b|) (cs231n).

    The 1e-8 floor keeps entries where both values are ~0 from dominating. Rules of thumb
    (double precision): < 1e-7 fine; 1e-7–1e-4 suspicious (or a kink); > 1e-4 a bug.
    Near a critical point (gradient ~0) use :func:`gradient_check`, whose floor comes
    from the function itself.

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
    """Relative error between an analytic gradient ``grad_f(x)`` = a and a numerical one n.

    cs231n's rule, ``max_i |aᵢ − nᵢ| / max(|aᵢ|, |nᵢ|, σᵢ)``, with an absolute floor σᵢ
    that comes from f itself: the secant slope |f(x ± δᵢeᵢ) − f(x)| / δᵢ over a 1 % step
    δᵢ = 0.01·max(1, |xᵢ|). Away from critical points σᵢ ≈ |aᵢ| and this is the plain
    relative error; at a critical point (a = 0) it measures the numerical noise against
    how fast f changes nearby, so a correct gradient still gives a tiny number instead of
    noise/noise ≈ 1. Correct gradients give ≤ 1e-10 with the default method (also at a
    critical point), a wrong one ~1e-1; rules of thumb: < 1e-7 fine, 1e-7–1e-4
    suspicious (or a kink), > 1e-4 a bug.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import gradient_check
    >>> f = lambda v: 0.5 * (v[0]**2 + v[1]**2)
    >>> gradient_check(f, lambda v: v, np.array([1.0, 1.0])) < 1e-10
    True
    >>> gradient_check(f, lambda v: v, np.array([0.0, 0.0])) < 1e-10      # a critical point
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
    if not np.all(np.isfinite(analytic)):
        raise ValueError("grad_f(x) has non-finite entries (nan or inf)")
    numeric = numerical_gradient(f, x, method=method, h=h)
    n = x.size
    d = 0.01 * _scales(x)
    E = np.eye(n) * d
    with np.errstate(all="ignore"):
        vals = np.asarray(_call_points(f, np.concatenate([x[:, None], x[:, None] + E,
                                                          x[:, None] - E], axis=1), "auto", 0),
                          dtype=float)
    sigma = np.maximum(np.abs(vals[1:n + 1] - vals[0]), np.abs(vals[n + 1:] - vals[0])) / d
    sigma = np.where(np.isfinite(sigma), sigma, 0.0)
    denom = np.maximum.reduce([np.abs(analytic), np.abs(numeric), sigma,
                               np.full(n, np.finfo(float).tiny)])
    return float(np.max(np.abs(analytic - numeric) / denom))
