"""The course's running deep-learning example: one sigmoid neuron that tells a handwritten 0 from a 1.

Every chapter meets the same small model again, so each new tool is used on something with
parameters and a loss (one example, 单个神经元 / 逻辑回归):

* the data: scikit-learn's bundled 8×8 digits (the ones chapter 7 trains on), only the 0s and
  1s (360 images). Each image is summarised by one number, the **middle ink**: the mean
  intensity of the two middle columns, scaled to [0, 1]. A 1 is a vertical stroke through the
  middle; a 0 has a hole there. Standardised (mean 0, standard deviation 1) it is ``x``.
* the model: ``p = σ(w·x + b)``, the probability that the image is a 1, with the sigmoid
  ``σ(z) = 1 / (1 + e^{-z})``; two parameters, the weight ``w`` and the bias ``b``.
* the loss: the mean binary cross-entropy (交叉熵)
  ``J(w, b) = (1/N) Σ_i [ −y_i log p_i − (1 − y_i) log(1 − p_i) ]``,
  which equals ``(1/N) Σ_i [ softplus(z_i) − y_i z_i ]`` with ``z_i = w x_i + b``.

Its derivatives, derived in the chapters and checked against sympy in the tests:
``∂J/∂w = mean((p − y) x)``, ``∂J/∂b = mean(p − y)``, and the Hessian
``H = mean(p(1 − p) [[x², x], [x, 1]])``, positive definite, so ``J`` is convex and Newton's
method (``neuron_fit``) finds its one minimiser.

With two parameters the loss is a surface over the (w, b) plane: contour plots, gradient
descent paths and curvature can all be drawn. Chapter 6 writes the same model in batch
(matrix) form for all 64 pixels, and chapter 7 grows it into the two-layer softmax network.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["NeuronData", "load_neuron_data", "sigmoid", "neuron_loss", "neuron_gradient",
           "neuron_hessian", "neuron_fit", "neuron_loss_expr"]


class NeuronData(NamedTuple):
    """The running example's data set: feature ``x``, label ``y`` (1 = the digit 1), and more.

    >>> from mvcalc_helpers import load_neuron_data
    >>> d = load_neuron_data()
    >>> d.images.shape, bool(d.ink.min() >= 0), bool(d.ink.max() <= 1)
    ((360, 8, 8), True, True)
    """

    x: np.ndarray
    """standardised middle ink, shape (N,)"""
    y: np.ndarray
    """labels, 0.0 for a 0 and 1.0 for a 1, shape (N,)"""
    ink: np.ndarray
    """the middle ink before standardising, in [0, 1], shape (N,)"""
    images: np.ndarray
    """the 8×8 images (intensities 0–16), shape (N, 8, 8)"""
    mean: float
    """mean of ``ink`` (``x = (ink - mean) / std``)"""
    std: float
    """standard deviation of ``ink``"""


def load_neuron_data() -> NeuronData:
    """The 360 zeros and ones of scikit-learn's digits, each with its middle ink.

    Returns
    -------
    NeuronData
        ``x`` (standardised middle ink), ``y`` (1.0 for a one), ``ink`` (unstandardised, in
        [0, 1]), ``images`` (N, 8, 8), and the ``mean`` and ``std`` used to standardise.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import load_neuron_data
    >>> d = load_neuron_data()
    >>> d.x.shape, int(d.y.sum()), int((1 - d.y).sum())   # 182 ones, 178 zeros
    ((360,), 182, 178)
    >>> np.allclose([d.x.mean(), d.x.std()], [0, 1])
    True
    >>> bool(d.ink[d.y == 1].mean() > d.ink[d.y == 0].mean())   # ones have ink in the middle
    True
    """
    from .training import _digits

    data, target = _digits()
    keep = (target == 0) | (target == 1)
    images = data[keep].reshape(-1, 8, 8)
    y = (target[keep] == 1).astype(np.float64)
    ink = images[:, :, 3:5].mean(axis=(1, 2)) / 16.0
    mean, std = float(ink.mean()), float(ink.std())
    return NeuronData((ink - mean) / std, y, ink, images, mean, std)


def sigmoid(z):
    """The logistic sigmoid σ(z) = 1 / (1 + e^{−z}), without overflow for large |z|.

    >>> import numpy as np
    >>> from mvcalc_helpers import sigmoid
    >>> np.allclose(sigmoid(np.array([-1000.0, 0.0, 1000.0])), [0, 0.5, 1])
    True
    """
    z = np.asarray(z, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -z))


def _prepare(w, b, x, y):
    w = np.asarray(w, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or y.shape != x.shape or x.size == 0:
        raise ValueError(f"x and y must be 1-D arrays of the same non-zero length, got shapes "
                         f"{x.shape} and {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("the labels y must be 0 or 1")
    try:
        w, b = np.broadcast_arrays(w, b)
    except ValueError:
        raise ValueError(f"w and b must have broadcastable shapes, got {w.shape} and {b.shape}") from None
    z = w[..., None] * x + b[..., None]          # (..., N): one row of pre-activations per (w, b)
    return z, x, y


def neuron_loss(w, b, x, y):
    """Mean binary cross-entropy J(w, b) of the neuron p = σ(w·x + b) on the data (x, y).

    ``w`` and ``b`` may be arrays (e.g. a grid from ``np.meshgrid``): the loss is computed for
    every pair, so a contour plot of the loss surface is one call.

    Computed as mean(softplus(z) − y·z) with z = w·x + b, which is the cross-entropy written
    without log(σ) — no overflow or log(0) for any w, b.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import neuron_loss
    >>> x, y = np.array([-1.0, 2.0]), np.array([0.0, 1.0])
    >>> bool(np.isclose(neuron_loss(0.0, 0.0, x, y), np.log(2)))   # p = ½ for every image
    True
    >>> neuron_loss(np.zeros((3, 4)), np.zeros((3, 4)), x, y).shape   # a whole grid at once
    (3, 4)
    """
    z, x, y = _prepare(w, b, x, y)
    return np.mean(np.logaddexp(0.0, z) - y * z, axis=-1)


def neuron_gradient(w, b, x, y):
    """The gradient (∂J/∂w, ∂J/∂b) = (mean((p − y)·x), mean(p − y)) of :func:`neuron_loss`.

    Returns an array of shape ``(2,) + broadcast shape of w and b``.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import neuron_gradient
    >>> x, y = np.array([-1.0, 2.0]), np.array([0.0, 1.0])
    >>> np.allclose(neuron_gradient(0.0, 0.0, x, y), [(0.5 * -1 + -0.5 * 2) / 2, 0.0])
    True
    """
    z, x, y = _prepare(w, b, x, y)
    r = sigmoid(z) - y                              # the residual p − y
    return np.stack([np.mean(r * x, axis=-1), np.mean(r, axis=-1)])


def neuron_hessian(w, b, x, y):
    """The 2×2 Hessian of :func:`neuron_loss`: mean(p(1 − p)·[[x², x], [x, 1]]).

    Returns an array of shape ``(2, 2) + broadcast shape of w and b``. It is positive
    (semi)definite at every (w, b): the loss is convex.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import neuron_hessian
    >>> x, y = np.array([-1.0, 2.0]), np.array([0.0, 1.0])
    >>> neuron_hessian(0.0, 0.0, x, y)          # p(1 − p) = ¼ for both images
    array([[0.625, 0.125],
           [0.125, 0.25 ]])
    """
    z, x, y = _prepare(w, b, x, y)
    s = sigmoid(z)
    c = s * (1.0 - s)                               # σ'(z) = σ(1 − σ)
    return np.array([[np.mean(c * x * x, axis=-1), np.mean(c * x, axis=-1)],
                     [np.mean(c * x, axis=-1), np.mean(c, axis=-1)]])


def neuron_fit(x, y, *, tol: float = 1e-12, max_iter: int = 100):
    """The minimiser (w*, b*) of the neuron's loss, by Newton's method (chapter 4).

    Raises ``RuntimeError`` when the data are linearly separable (then no minimiser exists:
    the loss keeps decreasing as |w| grows) or Newton's method does not converge.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import load_neuron_data, neuron_fit, neuron_gradient
    >>> d = load_neuron_data()
    >>> w, b = neuron_fit(d.x, d.y)
    >>> np.round([w, b], 2)
    array([3.36, 0.5 ])
    >>> bool(np.linalg.norm(neuron_gradient(w, b, d.x, d.y)) < 1e-12)
    True
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    neuron_loss(0.0, 0.0, x, y)                      # validates x and y
    x0, x1 = x[y == 0], x[y == 1]
    if x0.size == 0 or x1.size == 0 or x0.max() < x1.min() or x1.max() < x0.min():
        raise RuntimeError("the two classes are linearly separable (or one is empty): the loss has "
                           "no minimiser, it keeps decreasing as |w| grows")
    theta = np.zeros(2)
    for _ in range(max_iter):
        g = neuron_gradient(theta[0], theta[1], x, y)
        if np.linalg.norm(g) < tol:
            return float(theta[0]), float(theta[1])
        step = np.linalg.solve(neuron_hessian(theta[0], theta[1], x, y), g)
        theta = theta - step
        if np.linalg.norm(theta) > 1e6:
            break
    raise RuntimeError(f"Newton's method did not converge in {max_iter} steps")


def neuron_loss_expr():
    """The loss of one example as a sympy expression, and its symbols (w, b, x, y).

    ``ℓ(w, b; x, y) = −y·log σ(w x + b) − (1 − y)·log(1 − σ(w x + b))`` with σ written out, so
    ``sp.diff`` can differentiate it (chapter 1).

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import neuron_loss_expr
    >>> ell, (w, b, x, y) = neuron_loss_expr()
    >>> p = 1 / (1 + sp.exp(-(w*x + b)))
    >>> sp.simplify(sp.diff(ell, w) - (p - y) * x)
    0
    """
    import sympy as sp

    w, b, x, y = sp.symbols("w b x y", real=True)
    p = 1 / (1 + sp.exp(-(w * x + b)))
    return -y * sp.log(p) - (1 - y) * sp.log(1 - p), (w, b, x, y)
