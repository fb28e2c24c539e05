"""The notes' two-layer ReLU network, forward and backward by hand (chapter 7).

Row-vector convention of notes 000 §8: a batch X has one example per row, and

    Y = X·W1 + b1      (batch×n_in)·(n_in×n_hidden)
    Z = relu(Y)
    O = Z·W2 + b2      (batch×n_hidden)·(n_hidden×n_out)   — the logits
    J = softmax_cross_entropy(O, labels)

Backward (each ∂J/∂· has the shape of the variable):

    ∂J/∂W2 = Zᵀ·∂J/∂O,   ∂J/∂b2 = Σ_rows ∂J/∂O,   ∂J/∂Z = ∂J/∂O·W2ᵀ
    ∂J/∂Y  = ∂J/∂Z ∘ relu'(Y)          (∘ = entry-wise product)
    ∂J/∂W1 = Xᵀ·∂J/∂Y,   ∂J/∂b1 = Σ_rows ∂J/∂Y,   ∂J/∂X = ∂J/∂Y·W1ᵀ
"""
from __future__ import annotations

import numpy as np

__all__ = ["TwoLayerMLP", "softmax_cross_entropy", "relu", "relu_grad", "softmax", "softmax_jacobian",
           "dead_relus"]


def relu(y):
    """relu(y) = max(y, 0), element-wise.

    >>> import numpy as np
    >>> from mvcalc_helpers import relu
    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    return np.maximum(y, 0)


def relu_grad(y, at_zero: float = 0.0):
    """The derivative of relu: 1 where y > 0, 0 where y < 0, and ``at_zero`` at y = 0.

    ReLU has a kink at 0, where any value in [0, 1] is a valid subgradient. The notes take
    1 (relu'(y) = 1 for y ≥ 0); PyTorch and JAX take 0, which is the default here.

    >>> import numpy as np
    >>> from mvcalc_helpers import relu_grad
    >>> relu_grad(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    >>> relu_grad(np.array([-2.0, 0.0, 3.0]), at_zero=1.0)     # the notes' convention
    array([0., 1., 1.])
    """
    y = np.asarray(y)
    if not 0.0 <= at_zero <= 1.0:
        raise ValueError(f"at_zero must be a subgradient of relu at 0, i.e. in [0, 1]; got {at_zero}")
    g = (y > 0).astype(y.dtype if np.issubdtype(y.dtype, np.floating) else float)
    if at_zero:
        g[y == 0] = at_zero
    return g


def softmax(logits):
    """softmax(o)_j = e^{o_j} / Σ_k e^{o_k}, row by row: class probabilities from scores.

    Each row of the result is positive and sums to 1. Computed with the row maximum
    subtracted first (softmax(o − c) = softmax(o)), so large logits do not overflow.

    >>> import numpy as np
    >>> from mvcalc_helpers import softmax
    >>> softmax(np.array([[0.0, 0.0], [1000.0, 1000.0 + np.log(3)]]))
    array([[0.5 , 0.5 ],
           [0.25, 0.75]])
    """
    O = np.asarray(logits, dtype=float)
    if O.ndim not in (1, 2) or O.size == 0:
        raise ValueError(f"logits must be a vector or a (batch, n_classes) matrix; got shape {O.shape}")
    if not np.all(np.isfinite(O)):
        raise ValueError("logits contain nan or inf")
    E = np.exp(O - O.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def softmax_jacobian(p):
    """The Jacobian ∂p/∂oᵀ = diag(p) − ppᵀ of p = softmax(o), from the probabilities p.

    ∂p_j/∂o_k = p_j(δ_jk − p_k). It is symmetric, and its rows sum to 0 (adding a constant
    to every logit does not change p).

    >>> import numpy as np
    >>> from mvcalc_helpers import softmax_jacobian
    >>> softmax_jacobian(np.array([0.5, 0.5]))
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    p = np.asarray(p, dtype=float)
    if p.ndim != 1 or p.size == 0 or np.any(p < 0) or not np.isclose(p.sum(), 1.0):
        raise ValueError("p must be one vector of probabilities (non-negative, summing to 1)")
    return np.diag(p) - np.outer(p, p)


def dead_relus(net, X) -> np.ndarray:
    """Boolean mask of the hidden units of ``net`` that are dead on the inputs X.

    A unit is **dead** when its pre-activation y = x·W1[:, j] + b1[j] is ≤ 0 for every row x
    of X: relu outputs 0 and relu' is 0 for all of them, so ∂J/∂W1[:, j] and ∂J/∂b1[j] are 0
    on every batch drawn from X, and gradient descent never changes the unit again.

    >>> import numpy as np
    >>> from mvcalc_helpers import TwoLayerMLP, dead_relus
    >>> net = TwoLayerMLP(2, 3, 2, seed=0)
    >>> net.params["b1"][1] = -100.0                      # pushes unit 1 below 0 for these inputs
    >>> dead_relus(net, np.ones((4, 2)))
    array([False,  True, False])
    """
    if not isinstance(net, TwoLayerMLP):
        raise TypeError(f"net must be a TwoLayerMLP, got {type(net).__name__}")
    X = np.asarray(X, dtype=float)
    n_in = net.params["W1"].shape[0]
    if X.ndim != 2 or X.shape[1] != n_in or X.shape[0] == 0:
        raise ValueError(f"X must have shape (n_examples, {n_in}); got {X.shape}")
    Y = X @ net.params["W1"] + net.params["b1"]
    return np.all(Y <= 0, axis=0)


def softmax_cross_entropy(logits, labels):
    """Mean softmax cross-entropy loss and its gradient with respect to the logits.

    Parameters
    ----------
    logits : array, shape (batch, n_classes)
    labels : int array, shape (batch,), values in [0, n_classes)

    Returns
    -------
    (loss, dlogits) : (float, array of the shape of logits)
        dlogits = (softmax(logits) − onehot(labels)) / batch, i.e. (P − T)/B with T the
        one-hot targets (chapter 7, §7.2.1).

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import softmax_cross_entropy
    >>> loss, d = softmax_cross_entropy(np.zeros((2, 4)), np.array([1, 3]))
    >>> bool(np.isclose(loss, np.log(4)))                  # uniform prediction over 4 classes
    True
    >>> d[0]
    array([ 0.125, -0.375,  0.125,  0.125])
    """
    O = np.asarray(logits)
    if O.ndim != 2 or O.shape[0] == 0 or O.shape[1] == 0:
        raise ValueError(f"logits must have shape (batch, n_classes); got {O.shape}")
    if not np.issubdtype(O.dtype, np.floating):
        O = O.astype(float)
    if not np.all(np.isfinite(O)):
        raise ValueError("logits contain nan or inf (did training diverge? lower the learning rate)")
    y = np.asarray(labels)
    if y.shape != (O.shape[0],):
        raise ValueError(f"labels must have shape ({O.shape[0]},) — one class index per row; got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        if np.issubdtype(y.dtype, np.floating) and np.all(y == np.round(y)):
            y = y.astype(int)
        else:
            raise ValueError("labels must be integer class indices")
    if y.size and (y.min() < 0 or y.max() >= O.shape[1]):
        raise ValueError(f"labels must lie in [0, {O.shape[1]}); got values from {y.min()} to {y.max()}")
    n = O.shape[0]
    shifted = O - O.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    sums = exp.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = float(np.mean(np.log(sums[:, 0]) - shifted[rows, y]))
    d = exp / sums
    d[rows, y] -= 1
    d /= n
    return loss, d


class TwoLayerMLP:
    """X·W1 + b1 → ReLU → ·W2 + b2, the network of notes 000 §8 (100→512→10 there).

    Parameters
    ----------
    n_in, n_hidden, n_out : int
        Layer widths; W1 has shape (n_in, n_hidden) and W2 (n_hidden, n_out).
    seed : int
        Seed of the He-normal initialisation (biases start at 0).
    dtype : numpy float dtype
        float64 (default, for gradient checks) or float32 (faster training).
    relu_grad_at_zero : float
        Subgradient used for relu'(0) (0 like PyTorch; the notes use 1).

    Attributes
    ----------
    params : dict of arrays ``W1, b1, W2, b2``.
    grads : dict of the last ``backward``'s gradients (same keys and shapes).
    dX : ∂J/∂X of the last ``backward`` (computed when first read).

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import TwoLayerMLP, softmax_cross_entropy
    >>> net = TwoLayerMLP(100, 512, 10, seed=0)
    >>> X = np.random.default_rng(1).normal(size=(4, 100))
    >>> O = net.forward(X); O.shape
    (4, 10)
    >>> loss, dO = softmax_cross_entropy(O, np.array([0, 1, 2, 3]))
    >>> grads = net.backward(dO)
    >>> {k: v.shape for k, v in grads.items()}
    {'W1': (100, 512), 'b1': (512,), 'W2': (512, 10), 'b2': (10,)}
    """

    def __init__(self, n_in: int, n_hidden: int, n_out: int, seed: int = 0,
                 dtype=np.float64, relu_grad_at_zero: float = 0.0):
        for name, v in (("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        if not 0.0 <= relu_grad_at_zero <= 1.0:
            raise ValueError("relu_grad_at_zero must lie in [0, 1]")
        self.relu_grad_at_zero = float(relu_grad_at_zero)
        rng = np.random.default_rng(seed)
        self.params = {
            "W1": (rng.standard_normal((n_in, n_hidden)) * np.sqrt(2.0 / n_in)).astype(self.dtype),
            "b1": np.zeros(n_hidden, dtype=self.dtype),
            "W2": (rng.standard_normal((n_hidden, n_out)) * np.sqrt(2.0 / n_hidden)).astype(self.dtype),
            "b2": np.zeros(n_out, dtype=self.dtype),
        }
        self.grads: dict[str, np.ndarray] = {}
        self._cache = None
        self._dX = None
        self._dX_pending = None   # (dY, W1): ∂J/∂X = dY·W1ᵀ is computed on first access

    @property
    def dX(self):
        """∂J/∂X = ∂J/∂Y·W1ᵀ of the last ``backward`` (``None`` before any backward).

        Training never needs it, so it is computed on first access (one matrix product
        fewer per step); ``sgd_step`` keeps it valid by saving W1 before updating it. (If you
        change ``params["W1"]`` in place yourself, read ``dX`` first.)

        >>> import numpy as np
        >>> from mvcalc_helpers import TwoLayerMLP, softmax_cross_entropy
        >>> net = TwoLayerMLP(3, 4, 2, seed=0)
        >>> _, dO = net.loss(np.ones((5, 3)), np.zeros(5, dtype=int))
        >>> grads = net.backward(dO)
        >>> net.dX.shape
        (5, 3)
        """
        if self._dX_pending is not None:
            dY, W1 = self._dX_pending
            self._dX = dY @ W1.T
            self._dX_pending = None
        return self._dX

    @property
    def activations(self) -> dict:
        """The last forward pass's intermediate values ``{'X': X, 'Y': Y, 'Z': Z}``.

        Y = X·W1 + b1 (pre-activations) and Z = relu(Y) (hidden layer), as in the notes.

        >>> import numpy as np
        >>> from mvcalc_helpers import TwoLayerMLP
        >>> net = TwoLayerMLP(100, 512, 10)
        >>> _ = net.forward(np.ones((1, 100)))
        >>> {k: v.shape for k, v in net.activations.items()}
        {'X': (1, 100), 'Y': (1, 512), 'Z': (1, 512)}
        """
        if self._cache is None:
            raise RuntimeError("call forward(X) first: there are no activations yet")
        return dict(zip("XYZ", self._cache))

    @property
    def shapes(self) -> dict:
        """Shapes of the parameters, e.g. ``{'W1': (100, 512), ...}``."""
        return {k: v.shape for k, v in self.params.items()}

    def forward(self, X) -> np.ndarray:
        """Logits O = relu(X·W1 + b1)·W2 + b2 for a batch X of shape (batch, n_in)."""
        X = np.asarray(X)
        n_in = self.params["W1"].shape[0]
        if X.ndim == 1 and X.shape[0] == n_in:
            raise ValueError(f"X must be a batch of shape (batch, {n_in}); for one example "
                             f"use X.reshape(1, -1) (the notes' row-vector convention)")
        if X.ndim != 2 or X.shape[1] != n_in:
            raise ValueError(f"X must have shape (batch, {n_in}); got {X.shape}")
        if X.dtype != self.dtype:
            X = X.astype(self.dtype)
        if not np.all(np.isfinite(X)):
            raise ValueError("X contains nan or inf")
        Y = X @ self.params["W1"]
        Y += self.params["b1"]
        Z = np.maximum(Y, 0)
        O = Z @ self.params["W2"]
        O += self.params["b2"]
        self._cache = (X, Y, Z)
        return O

    __call__ = forward

    def backward(self, dlogits) -> dict:
        """Gradients of the loss w.r.t. every parameter, given ∂J/∂O (shape of the logits).

        Also stores them in ``self.grads`` and ∂J/∂X in ``self.dX``.
        """
        if self._cache is None:
            raise RuntimeError("call forward(X) before backward(dlogits)")
        X, Y, Z = self._cache
        dO = np.asarray(dlogits)
        if dO.shape != (X.shape[0], self.params["W2"].shape[1]):
            raise ValueError(f"dlogits must have the shape of the logits {(X.shape[0], self.params['W2'].shape[1])}; "
                             f"got {dO.shape}")
        if dO.dtype != self.dtype:
            dO = dO.astype(self.dtype)
        W1, W2 = self.params["W1"], self.params["W2"]
        dW2 = Z.T @ dO
        db2 = dO.sum(axis=0)
        dZ = dO @ W2.T
        if self.relu_grad_at_zero == 0.0:
            dY = dZ
            dY *= Y > 0
        else:
            dY = dZ * relu_grad(Y, self.relu_grad_at_zero)
        dW1 = X.T @ dY
        db1 = dY.sum(axis=0)
        self._dX, self._dX_pending = None, (dY, W1)
        self.grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
        return self.grads

    def loss(self, X, labels):
        """Forward pass and mean softmax cross-entropy: returns (loss, dlogits)."""
        return softmax_cross_entropy(self.forward(X), labels)

    def predict(self, X) -> np.ndarray:
        """Predicted class (argmax of the logits) for each row of X."""
        return np.argmax(self.forward(X), axis=1)

    def sgd_step(self, lr: float, grads: dict | None = None) -> None:
        """In-place gradient-descent update p ← p − lr·∂J/∂p for every parameter."""
        if not (np.isfinite(lr) and lr > 0):
            raise ValueError(f"lr must be a positive number, got {lr!r}")
        grads = self.grads if grads is None else grads
        if set(grads) != set(self.params):
            raise ValueError(f"grads must have the keys {sorted(self.params)}")
        if self._dX_pending is not None and self._dX_pending[1] is self.params["W1"]:
            self._dX_pending = (self._dX_pending[0], self.params["W1"].copy())
        for k, p in self.params.items():
            p -= lr * grads[k]
