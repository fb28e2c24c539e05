"""A small reverse-mode automatic-differentiation engine on numpy arrays (chapter 8, 自动微分).

Backpropagation (chapter 7) is one case of a general idea: record every operation of the
forward pass as a node of a computation graph (计算图), then walk the graph backwards once,
each node turning the gradient of the loss with respect to its output into gradients with
respect to its inputs — a **vector–Jacobian product** (VJP, chapter 6). The Jacobian itself is
never formed.

* :class:`Tensor` — an array that remembers how it was computed. Operators ``+ - * / @``,
  ``**`` with a scalar exponent, unary ``-``; ``.sum``, ``.mean``, ``.relu``, ``.exp``, ``.log``,
  ``.tanh``, ``.sin``, ``.T``, ``.reshape``. numpy broadcasting works, and each gradient is
  summed back to its operand's shape. ``loss.backward()`` fills ``.grad`` of every tensor
  created with ``requires_grad=True``.
* :func:`cross_entropy` — the softmax cross-entropy of chapter 7, mean over the batch.
* :class:`Dual` and :func:`jvp` — forward mode (dual numbers): one pass gives one
  Jacobian–vector product. :func:`jacobian` builds a whole Jacobian either way, to compare
  their costs.

Conventions, as in PyTorch: ``relu'(0) = 0``; ``.grad`` of a leaf *accumulates* over
``.backward()`` calls (call :meth:`Tensor.zero_grad` between steps); only leaves keep ``.grad``.

Examples
--------
>>> from mvcalc_helpers.autodiff import Tensor
>>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> loss = (x * x).sum()          # Σ x_i²
>>> loss.backward()
>>> x.grad                        # 2x
array([2., 4., 6.])
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["Tensor", "cross_entropy", "Dual", "jvp", "jacobian", "jacobian_costs", "topological_order"]


# Work counter: the number of array entries computed by recorded operations, their VJPs and the
# forward-mode (Dual) operations — a machine-independent measure of cost for chapter 8.
_work = [0]


def _unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` down to ``shape``: the VJP of numpy broadcasting.

    A value broadcast along an axis was *used* once per entry of that axis, so its gradient is
    the sum of the gradients of all those uses.
    """
    while grad.ndim > len(shape):                    # axes numpy prepended
        grad = grad.sum(axis=0)
    for axis, n in enumerate(shape):                 # axes of length 1 that were stretched
        if n == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def _broadcast_shape(op: str, a: np.ndarray, b: np.ndarray) -> tuple:
    try:
        return np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together") from None


class Tensor:
    """A numpy array that records the operations applied to it, for reverse-mode differentiation.

    Parameters
    ----------
    data : array_like of numbers
        Stored as a float64 array (float32 is kept as float32).
    requires_grad : bool
        Whether ``.backward()`` should compute this tensor's ``.grad``.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers.autodiff import Tensor
    >>> W = Tensor(np.ones((2, 3)), requires_grad=True)
    >>> b = Tensor(np.zeros(3), requires_grad=True)
    >>> X = Tensor([[1.0, 2.0]])
    >>> out = ((X @ W + b).relu() * 2).mean()
    >>> out.backward()
    >>> W.grad                       # ∂out/∂W = Xᵀ · (2/3 · 1)
    array([[0.666667, 0.666667, 0.666667],
           [1.333333, 1.333333, 1.333333]])
    >>> b.grad                       # the bias is broadcast over the batch: its gradient is summed
    array([0.666667, 0.666667, 0.666667])
    """

    __array_priority__ = 1000        # numpy scalars and arrays on the left defer to our operators

    def __init__(self, data, requires_grad: bool = False, *, _parents=(), _vjp=None, _op: str = ""):
        if isinstance(data, Tensor):
            data = data.data
        arr = np.asarray(data)
        if _vjp is None and not _parents:      # made by the user: check, and keep a private copy
            if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
                raise TypeError(f"Tensor data must be numbers, got an array of dtype {arr.dtype}")
            if np.iscomplexobj(arr):
                raise TypeError("Tensor data must be real numbers")
            arr = arr.astype(np.float32 if arr.dtype == np.float32 else np.float64)
        self.data = arr                          # an operation's result is used as it is (no copy)
        self.requires_grad = bool(requires_grad)
        self.grad = None
        self._parents = _parents     # the tensors this one was computed from
        self._vjp = _vjp             # gradient of the output ↦ gradients of the parents
        self._op = _op               # the operation's name, for printing and drawing

    # ------------------------------------------------------------------ basics
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    def __repr__(self) -> str:
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({np.array2string(self.data, separator=', ')}{grad})"

    def __len__(self) -> int:
        return len(self.data)

    def item(self) -> float:
        """The value of a one-element tensor as a Python float."""
        return float(self.data)

    def numpy(self) -> np.ndarray:
        """The value as a numpy array (a copy)."""
        return self.data.copy()

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (before the next ``.backward()``)."""
        self.grad = None

    @staticmethod
    def _lift(other) -> "Tensor":
        if isinstance(other, Tensor):
            return other
        if isinstance(other, Dual):
            raise TypeError("cannot mix a Tensor (reverse mode) with a Dual (forward mode)")
        return Tensor(other)

    def _make(self, data, parents, vjp, op) -> "Tensor":
        _work[0] += np.size(data)
        needs = any(p.requires_grad for p in parents)
        if not needs:                            # a constant: checked and stored like user data
            return Tensor(data)
        return Tensor(data, requires_grad=True, _parents=parents, _vjp=vjp, _op=op)

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other):
        other = self._lift(other)
        _broadcast_shape("+", self.data, other.data)
        a, b = self.shape, other.shape
        return self._make(self.data + other.data, (self, other),
                          lambda g: (_unbroadcast(g, a), _unbroadcast(g, b)), "+")

    def __mul__(self, other):
        other = self._lift(other)
        _broadcast_shape("*", self.data, other.data)
        x, y = self.data, other.data
        return self._make(x * y, (self, other),
                          lambda g: (_unbroadcast(g * y, x.shape), _unbroadcast(g * x, y.shape)), "*")

    def __neg__(self):
        return self._make(-self.data, (self,), lambda g: (-g,), "neg")

    def __sub__(self, other):
        return self + (-self._lift(other))

    def __truediv__(self, other):
        other = self._lift(other)
        _broadcast_shape("/", self.data, other.data)
        x, y = self.data, other.data
        return self._make(x / y, (self, other),
                          lambda g: (_unbroadcast(g / y, x.shape),
                                     _unbroadcast(-g * x / (y * y), y.shape)), "/")

    def __pow__(self, exponent):
        if isinstance(exponent, (Tensor, np.ndarray)) or not isinstance(exponent, numbers.Real):
            raise TypeError("** supports a scalar (real number) exponent only, "
                            f"got {type(exponent).__name__}")
        x, k = self.data, float(exponent)
        return self._make(x ** k, (self,), lambda g: (g * k * x ** (k - 1),), f"**{exponent:g}")

    def __radd__(self, other):
        return self._lift(other) + self

    def __rsub__(self, other):
        return self._lift(other) - self

    def __rmul__(self, other):
        return self._lift(other) * self

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __matmul__(self, other):
        other = self._lift(other)
        A, B = self.data, other.data
        if A.ndim == 0 or B.ndim == 0 or A.ndim > 2 or B.ndim > 2:
            raise ValueError(f"@: needs 1-D or 2-D operands, got shapes {A.shape} and {B.shape}")
        if A.shape[-1] != B.shape[0]:
            raise ValueError(f"@: shapes {A.shape} and {B.shape} do not match "
                             f"({A.shape[-1]} ≠ {B.shape[0]})")

        def vjp(g):
            # C = A B  ⇒  dC = dA B + A dB  ⇒  ∂L/∂A = G Bᵀ, ∂L/∂B = Aᵀ G (chapter 6's trace trick)
            A2 = A if A.ndim == 2 else A[None, :]
            B2 = B if B.ndim == 2 else B[:, None]
            G2 = np.reshape(g, (A2.shape[0], B2.shape[1]))
            # (a product nobody needs, e.g. ∂L/∂X for the input data, is skipped: it is the
            # most expensive line of a network's backward pass)
            dA = np.reshape(G2 @ B2.T, A.shape) if self.requires_grad else None
            dB = np.reshape(A2.T @ G2, B.shape) if other.requires_grad else None
            return dA, dB

        return self._make(A @ B, (self, other), vjp, "@")

    def __rmatmul__(self, other):
        return self._lift(other) @ self

    # ------------------------------------------------------------------ reductions and shapes
    def sum(self, axis=None):
        """Sum over ``axis`` (all axes by default); its VJP copies the gradient back."""
        shape = self.shape
        out = self.data.sum(axis=axis)

        def vjp(g):
            if axis is not None:          # put the summed axes back as length-1 axes
                g = np.expand_dims(g, axis)
            return (np.broadcast_to(g, shape).copy(),)

        return self._make(out, (self,), vjp, "sum")

    def mean(self, axis=None):
        """Mean over ``axis`` (all axes by default)."""
        n = self.data.size if axis is None else np.prod([self.shape[a] for a in np.atleast_1d(axis)])
        return self.sum(axis=axis) * (1.0 / n)

    @property
    def T(self):
        """The transpose (axes reversed); its VJP transposes the gradient back."""
        return self._make(self.data.T, (self,), lambda g: (g.T,), "T")

    def reshape(self, *shape):
        """The same entries in another shape; its VJP reshapes the gradient back."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        old = self.shape
        try:
            out = self.data.reshape(shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape shape {old} ({self.data.size} entries) "
                             f"into shape {shape}") from None
        return self._make(out, (self,), lambda g: (g.reshape(old),), "reshape")

    # ------------------------------------------------------------------ elementwise functions
    def relu(self):
        """max(0, x); the derivative at 0 is taken to be 0 (as in PyTorch)."""
        out = np.maximum(self.data, 0)

        def vjp(g):
            g *= out > 0         # in place, like chapter 7's `dY *= Y > 0`: g belongs to the sweep
            return (g,)

        return self._make(out, (self,), vjp, "relu")

    def exp(self):
        out = np.exp(self.data)
        return self._make(out, (self,), lambda g: (g * out,), "exp")

    def log(self):
        x = self.data
        if np.any(x <= 0):
            raise ValueError("log: the argument must be positive everywhere")
        return self._make(np.log(x), (self,), lambda g: (g / x,), "log")

    def tanh(self):
        out = np.tanh(self.data)
        return self._make(out, (self,), lambda g: (g * (1.0 - out * out),), "tanh")

    def sin(self):
        x = self.data
        return self._make(np.sin(x), (self,), lambda g: (g * np.cos(x),), "sin")

    # ------------------------------------------------------------------ the reverse sweep
    def backward(self, grad=None) -> None:
        """Fill ``.grad`` of every leaf this tensor depends on (reverse mode).

        Walks the graph in reverse topological order; each node receives the *sum* of the
        gradients from all its uses before it passes gradients on (a node used twice gets
        two contributions). Leaves accumulate into ``.grad`` across calls.

        Parameters
        ----------
        grad : array_like, optional
            The seed ∂L/∂self. Needed unless this tensor has a single entry (a loss).
        """
        for _ in _reverse_sweep(self, grad):
            pass

    # so that numpy functions such as np.allclose see the value
    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)


def topological_order(root: Tensor) -> list:
    """Every tensor ``root`` depends on (through operations that need gradients), parents first.

    >>> from mvcalc_helpers.autodiff import Tensor, topological_order
    >>> a = Tensor(2.0, requires_grad=True)
    >>> b = a * a
    >>> [t._op or "leaf" for t in topological_order(b + a)]
    ['leaf', '*', '+']
    """
    order, seen = [], set()
    stack = [(root, False)]
    while stack:                       # iterative depth-first search (deep graphs, no recursion limit)
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for p in reversed(node._parents):
            if id(p) not in seen:
                stack.append((p, False))
    return order


def _reverse_sweep(root: Tensor, grad=None, *, record: bool = False):
    """The reverse sweep, one node at a time.

    Yields ``(node, g, pending)`` after ``node`` has passed its complete gradient ``g`` on;
    with ``record=True`` ``pending`` maps ``id(tensor)`` to the partial gradients of the nodes
    still waiting (else ``None``), and every array yielded is a snapshot. Used by
    :meth:`Tensor.backward` and by chapter 8's step-by-step explorer.

    Memory: the gradient arrays belong to the sweep. A VJP receives ``g`` to use up — it may
    overwrite it (relu does) or hand it on to one input — and the sweep copies an array that a
    VJP hands to two inputs, so no two nodes ever share one. That is what lets a leaf keep its
    gradient without a copy, as the hand-written backward pass of chapter 7 does."""
    if not isinstance(root, Tensor):
        raise TypeError("backward() needs a Tensor")
    if not root.requires_grad:
        raise RuntimeError("backward(): this tensor does not depend on any tensor with "
                           "requires_grad=True, so there is nothing to differentiate")
    if grad is None:
        if root.data.size != 1:
            raise RuntimeError(f"backward() on a tensor of shape {root.shape} needs a seed gradient "
                               f"of that shape, e.g. backward(np.ones({root.shape})); without one, "
                               "only a single-entry tensor (a loss) can be differentiated")
        grad = np.ones_like(root.data)
    grad = np.array(grad, dtype=root.data.dtype)        # a copy: the sweep may overwrite it
    if grad.shape != root.shape:
        raise ValueError(f"backward(): the seed gradient has shape {grad.shape}, "
                         f"the tensor has shape {root.shape}")
    grads = {id(root): grad}             # gradients received so far, by node
    for node in reversed(topological_order(root)):
        g = grads.pop(id(node), None)    # all uses of node come later in the order: g is complete
        if g is None:                    # (a constant, or a node that needs no gradient)
            continue
        if node._parents:
            handed = []                  # arrays already handed to an input by this VJP
            for parent, pg in zip(node._parents, node._vjp(g.copy() if record else g)):
                if pg is not None:
                    _work[0] += np.size(pg)
                if parent.requires_grad and pg is not None:
                    if any(np.may_share_memory(pg, h) for h in handed):
                        pg = pg.copy()       # the same array for two inputs (x + y): copy one
                    handed.append(pg)
                    key = id(parent)
                    grads[key] = grads[key] + pg if key in grads else pg
        elif node.requires_grad:         # a leaf: accumulate into .grad, as PyTorch does
            node.grad = g if node.grad is None else node.grad + g
            if record:
                g = g.copy()
        yield node, g, ({k: v.copy() for k, v in grads.items()} if record else None)


def cross_entropy(logits: Tensor, labels) -> Tensor:
    """Mean softmax cross-entropy −(1/B) Σ_i log softmax(o_i)[y_i] of logits (B, C), labels (B,).

    Computed with the log-sum-exp shift, so logits of ±1000 give finite values; its VJP is
    (P − T)/B, T the one-hot targets, derived in chapter 7.

    >>> import numpy as np
    >>> from mvcalc_helpers.autodiff import Tensor, cross_entropy
    >>> O = Tensor([[1000.0, -1000.0], [0.0, 0.0]], requires_grad=True)
    >>> loss = cross_entropy(O, [0, 1])
    >>> bool(np.isclose(loss.item(), np.log(2) / 2))
    True
    >>> loss.backward(); O.grad                    # (P − T)/B
    array([[ 0.  ,  0.  ],
           [ 0.25, -0.25]])
    """
    logits = Tensor._lift(logits)
    O = logits.data
    if O.ndim != 2:
        raise ValueError(f"cross_entropy: logits must have shape (batch, classes), got {O.shape}")
    y = np.asarray(labels)
    if y.shape != (O.shape[0],):
        raise ValueError(f"cross_entropy: labels must have shape ({O.shape[0]},), one class per row; "
                         f"got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        if not np.all(np.equal(np.mod(y, 1), 0)):
            raise ValueError("cross_entropy: labels must be integer class indices")
        y = y.astype(np.int64)
    if y.size and (y.min() < 0 or y.max() >= O.shape[1]):
        raise ValueError(f"cross_entropy: labels must lie in 0 … {O.shape[1] - 1}")
    B = O.shape[0]
    shifted = O - O.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(B)
    loss = -log_p[rows, y].mean()

    def vjp(g):
        dO = np.exp(log_p)                 # P
        dO[rows, y] -= 1.0                 # P − T (T: one-hot targets)
        return (g * dO / B,)

    return logits._make(loss, (logits,), vjp, "cross_entropy")


# ---------------------------------------------------------------------- forward mode
class Dual:
    """Forward mode: a value with a tangent (dual number a + b·ε, ε² = 0), pushed through a function.

    Supports the same operations as :class:`Tensor`; after ``y = f(Dual(x, v))``, ``y.tangent``
    is the Jacobian–vector product J(x)·v.

    >>> import numpy as np
    >>> from mvcalc_helpers.autodiff import Dual
    >>> x = Dual(np.array([1.0, 2.0]), np.array([1.0, 0.0]))   # tangent: the first axis
    >>> y = (x * x).sum() + x.sin().sum()
    >>> bool(np.isclose(y.tangent, 2 * 1.0 + np.cos(1.0)))      # ∂y/∂x₁
    True
    """

    __array_priority__ = 1000

    def __init__(self, value, tangent=None):
        self.value = np.asarray(value, dtype=np.float64)
        self.tangent = (np.zeros_like(self.value) if tangent is None
                        else np.broadcast_to(np.asarray(tangent, dtype=np.float64), self.value.shape).copy())
        if tangent is not None:                  # an operation's result: value and tangent computed
            _work[0] += 2 * self.value.size

    @property
    def shape(self):
        return self.value.shape

    def __repr__(self):
        return f"Dual(value={self.value!r}, tangent={self.tangent!r})"

    @staticmethod
    def _lift(o):
        if isinstance(o, Dual):
            return o
        if isinstance(o, Tensor):
            raise TypeError("cannot mix a Dual (forward mode) with a Tensor (reverse mode)")
        return Dual(o)

    def __add__(self, o):
        o = self._lift(o)
        return Dual(self.value + o.value, self.tangent + o.tangent)

    __radd__ = __add__

    def __neg__(self):
        return Dual(-self.value, -self.tangent)

    def __sub__(self, o):
        return self + (-self._lift(o))

    def __rsub__(self, o):
        return self._lift(o) - self

    def __mul__(self, o):
        o = self._lift(o)
        return Dual(self.value * o.value, self.tangent * o.value + self.value * o.tangent)

    __rmul__ = __mul__

    def __truediv__(self, o):
        o = self._lift(o)
        return Dual(self.value / o.value,
                    (self.tangent * o.value - self.value * o.tangent) / (o.value * o.value))

    def __rtruediv__(self, o):
        return self._lift(o) / self

    def __pow__(self, k):
        if not isinstance(k, numbers.Real):
            raise TypeError("** supports a scalar (real number) exponent only")
        return Dual(self.value ** k, k * self.value ** (k - 1) * self.tangent)

    def __matmul__(self, o):
        o = self._lift(o)
        return Dual(self.value @ o.value, self.tangent @ o.value + self.value @ o.tangent)

    def __rmatmul__(self, o):
        return self._lift(o) @ self

    def sum(self, axis=None):
        return Dual(self.value.sum(axis=axis), self.tangent.sum(axis=axis))

    def mean(self, axis=None):
        return Dual(self.value.mean(axis=axis), self.tangent.mean(axis=axis))

    @property
    def T(self):
        return Dual(self.value.T, self.tangent.T)

    def reshape(self, *shape):
        return Dual(self.value.reshape(*shape), self.tangent.reshape(*shape))

    def relu(self):
        mask = self.value > 0
        return Dual(self.value * mask, self.tangent * mask)

    def exp(self):
        e = np.exp(self.value)
        return Dual(e, e * self.tangent)

    def log(self):
        return Dual(np.log(self.value), self.tangent / self.value)

    def tanh(self):
        t = np.tanh(self.value)
        return Dual(t, (1 - t * t) * self.tangent)

    def sin(self):
        return Dual(np.sin(self.value), np.cos(self.value) * self.tangent)


def jvp(f, x, v):
    """(f(x), J_f(x)·v) in one forward-mode pass.

    >>> import numpy as np
    >>> from mvcalc_helpers.autodiff import jvp
    >>> value, tangent = jvp(lambda t: t.exp(), np.array([0.0, 1.0]), np.array([1.0, 1.0]))
    >>> np.allclose(tangent, np.exp([0.0, 1.0]))
    True
    """
    x = np.asarray(x, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    if v.shape != x.shape:
        raise ValueError(f"jvp: the tangent has shape {v.shape}, x has shape {x.shape}")
    out = f(Dual(x, v))
    if not isinstance(out, Dual):
        raise TypeError("jvp: f must compute its result from its argument with Dual operations")
    return out.value, out.tangent


def jacobian(f, x, mode: str = "reverse") -> np.ndarray:
    """The Jacobian of f: ℝⁿ → ℝᵐ at a 1-D point x, row by row (reverse) or column by column (forward).

    Reverse mode needs one backward sweep per *output* (m sweeps), forward mode one pass per
    *input* (n passes): for a loss (m = 1) reverse mode gets the whole gradient in one sweep.

    >>> import numpy as np
    >>> from mvcalc_helpers.autodiff import jacobian
    >>> f = lambda t: (t * t).sum() * t            # ℝ² → ℝ²
    >>> J_rev = jacobian(f, np.array([1.0, 2.0]), mode="reverse")
    >>> J_fwd = jacobian(f, np.array([1.0, 2.0]), mode="forward")
    >>> np.allclose(J_rev, J_fwd), J_rev.shape
    (True, (2, 2))
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"jacobian: x must be a 1-D array, got shape {x.shape}")
    n = x.size
    if mode == "forward":
        cols = []
        for j in range(n):                  # one forward pass per input direction e_j
            e = np.zeros(n)
            e[j] = 1.0
            cols.append(np.atleast_1d(jvp(f, x, e)[1]))
        return np.stack(cols, axis=1)
    if mode != "reverse":
        raise ValueError("mode must be 'reverse' or 'forward'")
    t = Tensor(x, requires_grad=True)
    y = f(t)
    if not isinstance(y, Tensor):
        raise TypeError("jacobian: f must compute its result from its argument with Tensor operations")
    m = y.data.size
    flat = y.reshape(m) if y.ndim != 1 else y
    rows = []
    for i in range(m):
        t.zero_grad()
        seed = np.zeros(m)
        seed[i] = 1.0
        flat.backward(seed)
        rows.append(t.grad.copy())
    return np.stack(rows)


def jacobian_costs(ns, *, shape: str = "many-to-one", repeats: int = 1, seed: int = 0) -> dict:
    """The cost of a full Jacobian by forward and by reverse mode, for growing n (chapter 8).

    ``shape="many-to-one"``: f(x) = Σ sin(x_i)·x_i, ℝⁿ → ℝ (a loss: reverse mode needs 1 sweep,
    forward mode n passes). ``shape="one-to-many"``: g(t) = sin(c·t), ℝ → ℝⁿ with a fixed c ∈ ℝⁿ
    (the other way round).

    The cost is counted as **work**: the number of array entries that the operations compute
    (values, tangents, and vector–Jacobian products) — the same on every machine. Wall-clock
    seconds (median of ``repeats`` runs) are returned too; they depend on the machine.

    Returns a dict with ``ns`` and, per mode (``forward``/``reverse``), ``*_passes``, ``*_work``
    and ``*_seconds`` lists.

    >>> from mvcalc_helpers.autodiff import jacobian_costs
    >>> c = jacobian_costs([2, 8])
    >>> c["forward_passes"], c["reverse_passes"]
    ([2, 8], [1, 1])
    >>> c["forward_work"], c["reverse_work"]          # entries computed: grows like n² vs like n
    ([28, 400], [15, 51])
    >>> jacobian_costs([3], shape="one-to-many")["reverse_passes"]
    [3]
    """
    import statistics
    import time

    if shape not in ("many-to-one", "one-to-many"):
        raise ValueError("shape must be 'many-to-one' or 'one-to-many'")
    rng = np.random.default_rng(seed)
    out = {k: [] for k in ("ns", "forward_passes", "reverse_passes", "forward_work", "reverse_work",
                           "forward_seconds", "reverse_seconds")}
    for n in ns:
        n = int(n)
        if n < 1:
            raise ValueError("every n must be a positive integer")
        if shape == "many-to-one":
            f, x = (lambda t: (t.sin() * t).sum()), rng.normal(size=n)
            passes = {"forward": n, "reverse": 1}
        else:
            c = rng.normal(size=n)
            f, x = (lambda t, c=c: (t * c).sin()), rng.normal(size=1)
            passes = {"forward": 1, "reverse": n}
        for mode in ("forward", "reverse"):
            times = []
            for _ in range(max(1, repeats)):
                before = _work[0]
                t0 = time.perf_counter()
                jacobian(f, x, mode=mode)
                times.append(time.perf_counter() - t0)
                work = _work[0] - before
            out[f"{mode}_seconds"].append(statistics.median(times))
            out[f"{mode}_work"].append(work)
            out[f"{mode}_passes"].append(passes[mode])
        out["ns"].append(n)
    return out
