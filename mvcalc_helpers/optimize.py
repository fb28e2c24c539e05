"""Gradient descent and Newton's method (chapters 3 and 4).

Gradient descent (notes 000 §4): x_{n+1} = x_n − η ∇f(x_n) with a step size (learning rate) η > 0
(the notes write λ; the course keeps λ for eigenvalues). The keyword is ``lr``.
Newton's method uses the Hessian as well: x_{n+1} = x_n − H(x_n)⁻¹ ∇f(x_n).
Both return the whole trajectory, shape (steps + 1, n), starting with x0, so it can be
drawn on a contour plot.
"""
from __future__ import annotations

import numpy as np

from ._validation import as_vector, not_none

__all__ = ["gradient_descent", "newton_method", "descent_regime"]


def _check_steps(steps) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    return int(steps)


def _eval_grad(grad_f, x, n, what="grad_f"):
    g = np.asarray(not_none(grad_f(x.copy()), f"{what}(x)"), dtype=float)
    if g.ndim == 0 and n == 1:
        g = g.reshape(1)
    if g.shape != (n,):
        raise ValueError(f"{what}(x) must return shape ({n},) like x; got {g.shape}")
    return g


def gradient_descent(grad_f, x0, lr: float, steps: int) -> np.ndarray:
    """Run ``steps`` iterations of x ← x − lr·∇f(x); return the trajectory (steps+1, n).

    A learning rate that is too large makes the iterates grow without bound: the
    trajectory then contains inf/nan from that step on (check ``np.isfinite``) — the
    divergence is the lesson, not an error.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import gradient_descent
    >>> path = gradient_descent(lambda v: v, [1.0, 1.0], lr=0.1, steps=200)   # f = ½(x² + y²)
    >>> path.shape
    (201, 2)
    >>> np.allclose(path[-1], 0.9**200)       # each step multiplies by 1 − η = 0.9
    True
    >>> gradient_descent(lambda v: v, [1.0], lr=-0.1, steps=3)
    Traceback (most recent call last):
    ...
    ValueError: lr must be a positive number (the step size η > 0), got -0.1
    """
    if not callable(grad_f):
        raise TypeError("grad_f must be callable: grad_f(x) returns the gradient at x")
    try:
        lr_ok = np.isfinite(lr) and lr > 0
    except TypeError:
        lr_ok = False
    if not lr_ok:
        raise ValueError(f"lr must be a positive number (the step size η > 0), got {lr!r}")
    steps = _check_steps(steps)
    x = as_vector(x0, "x0").copy()
    n = x.size
    path = np.empty((steps + 1, n))
    path[0] = x
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            if not np.all(np.isfinite(x)):
                path[k:] = np.nan
                break
            x = x - lr * _eval_grad(grad_f, x, n)
            path[k] = x
    return path


def newton_method(grad_f, hess_f, x0, steps: int) -> np.ndarray:
    """Run ``steps`` Newton iterations x ← x − H(x)⁻¹∇f(x); return the trajectory (steps+1, n).

    On a quadratic with positive definite Hessian one step lands on the minimum.

    Raises
    ------
    ValueError
        if the Hessian is singular at an iterate (Newton's step is undefined there).

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import newton_method
    >>> A = np.array([[3.0, 1.0], [1.0, 2.0]]); b = np.array([1.0, -1.0])
    >>> path = newton_method(lambda v: A @ v - b, lambda v: A, [5.0, 5.0], steps=1)
    >>> np.allclose(path[1], np.linalg.solve(A, b))
    True
    """
    if not callable(grad_f) or not callable(hess_f):
        raise TypeError("grad_f and hess_f must be callables of x")
    steps = _check_steps(steps)
    x = as_vector(x0, "x0").copy()
    n = x.size
    path = np.empty((steps + 1, n))
    path[0] = x
    for k in range(1, steps + 1):
        g = _eval_grad(grad_f, x, n)
        H = np.asarray(not_none(hess_f(x.copy()), "hess_f(x)"), dtype=float)
        if H.ndim < 2 and H.size == 1 and n == 1:      # f'' of a one-variable f: 6.0 or [6.0]
            H = H.reshape(1, 1)
        if H.shape != (n, n):
            raise ValueError(f"hess_f(x) must return shape ({n}, {n}); got {H.shape}")
        if not (np.all(np.isfinite(H)) and np.all(np.isfinite(g))):
            raise ValueError(f"non-finite gradient or Hessian at step {k}: x = {x}")
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            raise ValueError(f"the Hessian is singular at step {k} (x = {x}): Newton's step "
                             "H⁻¹∇f is undefined there") from None
        x = x - step
        path[k] = x
    return path


def descent_regime(losses, path, loss_min: float, *, tol: float = 1e-4,
                   zigzag_fraction: float = 0.25) -> str:
    """Name the behaviour of a gradient-descent run: ``"slow"``, ``"good"``, ``"oscillating"``
    or ``"diverging"``.

    * converged — the final gap to the minimum, ``losses[-1] − loss_min``, is at most ``tol``
      times the first gap;
    * zig-zag — at least ``zigzag_fraction`` of the pairs of consecutive steps point in
      opposite directions (s_k · s_{k+1} < 0 for the steps s_k = x_{k+1} − x_k).

    converged and no zig-zag: ``"good"``; converged with zig-zag: ``"oscillating"`` (overshoots
    but settles); not converged without zig-zag: ``"slow"`` (η too small for this many steps);
    not converged with zig-zag, or a loss that grew or overflowed: ``"diverging"``.

    Parameters
    ----------
    losses : the loss at each iterate, shape (steps+1,)
    path : the iterates, shape (steps+1, n), as returned by :func:`gradient_descent`
    loss_min : the minimum value of the loss (e.g. at the minimiser found by Newton's method)

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import gradient_descent, descent_regime
    >>> def run(eta):          # f = ½x²: x_n = (1 − η)ⁿ x₀
    ...     p = gradient_descent(lambda v: v, [1.0], lr=eta, steps=40)
    ...     return descent_regime(0.5 * p[:, 0]**2, p, 0.0)
    >>> [run(eta) for eta in (0.05, 0.5, 1.7, 2.1)]
    ['slow', 'good', 'oscillating', 'diverging']
    """
    losses = np.asarray(losses, dtype=float)
    path = np.asarray(path, dtype=float)
    if path.ndim == 1:
        path = path[:, None]
    if losses.ndim != 1 or path.ndim != 2 or path.shape[0] != losses.size or losses.size < 3:
        raise ValueError(f"losses (steps+1,) and path (steps+1, n) must describe the same run of at "
                         f"least 2 steps; got shapes {losses.shape} and {path.shape}")
    if not np.all(np.isfinite(losses)) or not np.all(np.isfinite(path)):
        return "diverging"
    gaps = losses - float(loss_min)
    steps = np.diff(path, axis=0)
    moving = np.einsum("ij,ij->i", steps, steps) > 0
    pairs = moving[:-1] & moving[1:]
    dots = np.einsum("ij,ij->i", steps[:-1], steps[1:])[pairs]
    zigzag = bool(dots.size and np.mean(dots < 0) >= zigzag_fraction)
    converged = gaps[-1] <= tol * max(gaps[0], np.finfo(float).tiny)
    if gaps[-1] > gaps[0]:
        return "diverging"
    if converged:
        return "oscillating" if zigzag else "good"
    thrown_off = gaps[-1] > 10 * gaps.min()      # it was much closer before: thrown away again
    return "diverging" if (zigzag or thrown_off) else "slow"
