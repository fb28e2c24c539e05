"""Training the notes' two-layer network on real data (chapter 7).

``load_digits_split`` gives scikit-learn's bundled 8×8 handwritten digits (1797 images, no
download), split into train and test sets and standardised with the training statistics;
``train_mlp`` runs minibatch stochastic gradient descent with the hand-written backward pass
of :class:`~mvcalc_helpers.nn.TwoLayerMLP` and returns the loss/accuracy history.
"""
from __future__ import annotations

import time

import numpy as np

from .nn import TwoLayerMLP

__all__ = ["load_digits_split", "train_mlp", "evaluate", "network_gradient_check", "torch_gradients"]


def _digits():
    """(data, target) of scikit-learn's ``load_digits()``, read from the file it ships.

    Importing scikit-learn costs about a second (it pulls in scipy.stats); the 1797 digits are
    a small CSV inside the package, so we read that file directly and fall back to
    ``sklearn.datasets.load_digits`` if it is not where we expect.
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    if spec is None:
        raise ImportError("scikit-learn is needed for the digits data: pip install scikit-learn")
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "digits.csv.gz"
    if path.exists():
        raw = np.loadtxt(path, delimiter=",")
        return raw[:, :-1], raw[:, -1].astype(np.int64)
    from sklearn.datasets import load_digits  # pragma: no cover - other sklearn layouts

    d = load_digits()  # pragma: no cover
    return d.data, d.target.astype(np.int64)  # pragma: no cover


def load_digits_split(test_size: float = 0.25, seed: int = 0, dtype=np.float64, *,
                      return_indices: bool = False, standardize: bool = True):
    """The 8×8 digits of scikit-learn, split (stratified) and standardised.

    Each image is a row of 64 pixel intensities (0–16); the rows are exactly those of
    ``sklearn.datasets.load_digits()``. For every digit a shuffled ``test_size`` fraction goes
    to the test set (a stratified split). Pixels are standardised with the
    mean and standard deviation of the *training* rows (a pixel that is constant there, e.g.
    always 0, is only centred), so no information from the test set leaks into training.

    Parameters
    ----------
    test_size : float in (0, 1)
        Fraction of the 1797 images kept for testing.
    seed : int
        Seed of the shuffled split.
    dtype : float32 or float64
    standardize : bool
        True (default): standardise every pixel as above. False: only divide by 16, so every
        pixel lies in [0, 1] (all inputs non-negative: chapter 7 shows what that does to ReLUs).
    return_indices : bool
        Also return the row numbers (in ``load_digits()``) of the training and test images,
        e.g. to show ``load_digits().images[test_idx]``.

    Returns
    -------
    X_train, X_test, y_train, y_test : arrays of shapes (n_train, 64), (n_test, 64),
        (n_train,), (n_test,); labels are ints 0–9.
    train_idx, test_idx : int arrays, only with ``return_indices=True``.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import load_digits_split
    >>> X_train, X_test, y_train, y_test = load_digits_split()
    >>> X_train.shape, X_test.shape
    ((1347, 64), (450, 64))
    >>> sorted(set(y_test.tolist())) == list(range(10))
    True
    >>> np.allclose(X_train.mean(axis=0), 0)
    True
    >>> raw = load_digits_split(standardize=False)[0]          # pixels / 16, in [0, 1]
    >>> float(raw.min()), float(raw.max())
    (0.0, 1.0)
    """
    if isinstance(test_size, bool) or not isinstance(test_size, (float, int)) or not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction strictly between 0 and 1, got {test_size!r}")
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    data, target = _digits()
    rng = np.random.default_rng(seed)
    test_idx = []
    for c in np.unique(target):                 # stratified: the same fraction of every digit
        idx = rng.permutation(np.flatnonzero(target == c))
        test_idx.append(idx[:int(round(test_size * idx.size))])
    test_mask = np.zeros(target.size, dtype=bool)
    test_mask[np.concatenate(test_idx)] = True
    X_train, X_test = data[~test_mask], data[test_mask]
    y_train, y_test = target[~test_mask], target[test_mask]
    if standardize:
        mean = X_train.mean(axis=0)
        std = X_train.std(axis=0)
        std[std == 0] = 1.0
    else:
        mean, std = 0.0, 16.0
    X_train = ((X_train - mean) / std).astype(dtype)
    X_test = ((X_test - mean) / std).astype(dtype)
    out = (X_train, X_test, y_train, y_test)
    if return_indices:
        out += (np.flatnonzero(~test_mask), np.flatnonzero(test_mask))
    return out


def _check_data(net, X, y, name):
    X = np.asarray(X)
    y = np.asarray(y)
    n_in = net.params["W1"].shape[0]
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(f"{name}: X must have shape (n_examples, {n_in}) to fit the network; got {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"{name}: y must hold one label per row of X, shape ({X.shape[0]},); got {y.shape}")
    return X, y


def evaluate(net: TwoLayerMLP, X, y) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy (fraction correct) of ``net`` on (X, y).

    >>> import numpy as np
    >>> from mvcalc_helpers import TwoLayerMLP, evaluate
    >>> net = TwoLayerMLP(2, 3, 2)
    >>> for k in net.params: net.params[k][...] = 0          # all logits 0: uniform prediction
    >>> loss, acc = evaluate(net, np.ones((4, 2)), np.array([0, 0, 1, 1]))
    >>> bool(np.isclose(loss, np.log(2))), acc                # argmax of ties is class 0
    (True, 0.5)
    """
    if not isinstance(net, TwoLayerMLP):
        raise TypeError(f"net must be a TwoLayerMLP, got {type(net).__name__}")
    X, y = _check_data(net, X, y, "evaluate")
    O = net.forward(X)
    from .nn import softmax_cross_entropy

    loss, _ = softmax_cross_entropy(O, y)
    return loss, float(np.mean(np.argmax(O, axis=1) == y))


def train_mlp(net: TwoLayerMLP, X_train, y_train, X_test=None, y_test=None, *, epochs: int = 20,
              lr: float = 0.05, batch_size: int = 32, seed: int = 0, progress: bool = False,
              keep_params: bool = False, threads: int | None = 1) -> dict:
    """Minibatch SGD on the softmax cross-entropy of ``net`` (updated in place).

    Each epoch shuffles the training rows (seeded), and for every batch runs
    forward → loss → backward → ``net.sgd_step(lr)``. After each epoch (and once before
    training, epoch 0) the loss and accuracy on the full training set — and on the test set if
    given — are recorded.

    Parameters
    ----------
    net : TwoLayerMLP
    X_train, y_train : arrays (n, n_in) and (n,) of integer labels
    X_test, y_test : optional held-out data
    epochs, lr, batch_size, seed : training settings (plain SGD, constant learning rate)
    progress : bool
        Show a tqdm progress bar over the epochs (a widget in Jupyter).
    keep_params : bool
        Also store a copy of the parameters after every epoch (``history["params"]``), e.g.
        to scrub through training with an explorer.
    threads : int or None
        BLAS threads while training. With batches this small one thread is fastest, and on a
        busy machine several threads can be 20× slower; ``None`` keeps numpy's setting.

    Returns
    -------
    history : dict with lists ``epoch``, ``train_loss``, ``train_acc`` (and ``test_loss``,
        ``test_acc``), optionally ``params``, and ``seconds`` (wall time of the training loop).

    Examples
    --------
    >>> from mvcalc_helpers import TwoLayerMLP, load_digits_split, train_mlp
    >>> X_train, X_test, y_train, y_test = load_digits_split()
    >>> net = TwoLayerMLP(64, 64, 10, seed=0)
    >>> h = train_mlp(net, X_train, y_train, X_test, y_test, epochs=5)
    >>> h["epoch"]
    [0, 1, 2, 3, 4, 5]
    >>> h["train_loss"][-1] < h["train_loss"][0], h["test_acc"][-1] > 0.9
    (True, True)
    """
    if not isinstance(net, TwoLayerMLP):
        raise TypeError(f"net must be a TwoLayerMLP, got {type(net).__name__}")
    for name, v in (("epochs", epochs), ("batch_size", batch_size)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    if not (isinstance(lr, (int, float)) and np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr (the learning rate) must be a positive number, got {lr!r}")
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
        raise ValueError(f"threads must be a positive integer or None, got {threads!r}")
    if (X_test is None) != (y_test is None):
        raise ValueError("give both X_test and y_test, or neither")
    X_train, y_train = _check_data(net, X_train, y_train, "training data")
    X_train = X_train.astype(net.dtype, copy=False)
    if X_test is not None:
        X_test, y_test = _check_data(net, X_test, y_test, "test data")
        X_test = X_test.astype(net.dtype, copy=False)

    history: dict = {"epoch": [], "train_loss": [], "train_acc": []}
    if X_test is not None:
        history.update(test_loss=[], test_acc=[])
    if keep_params:
        history["params"] = []

    def record(epoch):
        history["epoch"].append(epoch)
        loss, acc = evaluate(net, X_train, y_train)
        history["train_loss"].append(loss)
        history["train_acc"].append(acc)
        if X_test is not None:
            loss, acc = evaluate(net, X_test, y_test)
            history["test_loss"].append(loss)
            history["test_acc"].append(acc)
        if keep_params:
            history["params"].append({k: v.copy() for k, v in net.params.items()})

    rng = np.random.default_rng(seed)
    epoch_iter = range(1, epochs + 1)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(epoch_iter, desc="training", unit="epoch")
        epoch_iter = bar
    t0 = time.perf_counter()
    with _blas_threads(threads):
        _train_loop(net, X_train, y_train, epoch_iter, batch_size, lr, rng, record, history, bar,
                    X_test is not None)
    if bar is not None:
        bar.close()
    history["seconds"] = time.perf_counter() - t0
    return history


def _blas_threads(threads):
    """Context manager limiting BLAS threads (threadpoolctl ships with scikit-learn)."""
    import contextlib

    if threads is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")


def _train_loop(net, X_train, y_train, epoch_iter, batch_size, lr, rng, record, history, bar, has_test):
    n = X_train.shape[0]
    record(0)
    for epoch in epoch_iter:
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            _, dO = net.loss(X_train[idx], y_train[idx])
            net.backward(dO)
            net.sgd_step(lr)
        record(epoch)
        if bar is not None:
            postfix = {"loss": f"{history['train_loss'][-1]:.3f}"}
            if has_test:
                postfix["test acc"] = f"{history['test_acc'][-1]:.3f}"
            bar.set_postfix(postfix)


def network_gradient_check(net: TwoLayerMLP, X, y, *, method: str = "central", h=None,
                           tensors=("W1", "b1", "W2", "b2", "X")) -> dict:
    """Relative error (cs231n) between backprop's gradient and a numerical one, per tensor.

    For every tensor T in ``tensors`` (parameters, or the input ``"X"``), ∂J/∂T from
    ``net.backward`` is compared with :func:`~mvcalc_helpers.numerical_matrix_gradient` of
    the loss as a function of T alone (every entry perturbed in turn, so keep the network
    small). Rules of thumb in float64: < 1e-7 correct; 1e-7–1e-4 suspicious, e.g. a step
    that crosses a kink of ReLU; > 1e-4 a bug. The network is left unchanged.

    Returns
    -------
    dict tensor name → relative error

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import TwoLayerMLP, network_gradient_check
    >>> net = TwoLayerMLP(4, 5, 3, seed=0)
    >>> X, y = np.random.default_rng(0).normal(size=(2, 4)), np.array([0, 2])
    >>> errors = network_gradient_check(net, X, y)
    >>> sorted(errors), max(errors.values()) < 1e-8
    (['W1', 'W2', 'X', 'b1', 'b2'], True)
    """
    from .matrix_calculus import numerical_matrix_gradient
    from .numerical import relative_error

    if not isinstance(net, TwoLayerMLP):
        raise TypeError(f"net must be a TwoLayerMLP, got {type(net).__name__}")
    X, y = _check_data(net, X, y, "gradient check")
    unknown = [t for t in tensors if t not in ("W1", "b1", "W2", "b2", "X")]
    if unknown or not tensors:
        raise ValueError(f"tensors must name some of W1, b1, W2, b2, X; got {tensors!r}")
    if net.params["W1"].size * X.shape[0] > 20000:
        raise ValueError("the numerical check perturbs every entry: use a small network and batch")
    _, dO = net.loss(X, y)
    grads = dict(net.backward(dO), X=net.dX)
    saved = dict(net.params)            # the arrays themselves: entries are swapped, never mutated

    def loss_with(name):
        def J(T):
            if name == "X":
                return net.loss(T, y)[0]
            net.params[name] = T
            try:
                return net.loss(X, y)[0]
            finally:
                net.params[name] = saved[name]
        return J

    out = {}
    for name in tensors:
        T = X if name == "X" else saved[name]
        num = numerical_matrix_gradient(loss_with(name), np.array(T, dtype=float), method=method, h=h)
        out[name] = relative_error(grads[name], num)
    return out


def torch_gradients(net: TwoLayerMLP, X, y):
    """Loss and gradients of ``net`` on (X, y) computed by PyTorch autograd (float64).

    The independent reference for the hand-written backward pass: returns
    ``(loss, {"W1": …, "b1": …, "W2": …, "b2": …, "X": …})`` as numpy arrays. ReLU uses the
    network's convention at 0 (``relu_grad_at_zero``). Raises ``ImportError`` with a clear
    message where torch is not installed.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import TwoLayerMLP, torch_gradients
    >>> net = TwoLayerMLP(4, 5, 3, seed=0)
    >>> X, y = np.ones((2, 4)), np.array([0, 2])
    >>> loss, g = torch_gradients(net, X, y)
    >>> bool(np.isclose(loss, net.loss(X, y)[0])), g["W1"].shape
    (True, (4, 5))
    """
    try:
        import torch
    except ImportError:
        raise ImportError("PyTorch is not installed, so the autograd comparison is skipped "
                          "(pip install torch to run it)") from None
    if not isinstance(net, TwoLayerMLP):
        raise TypeError(f"net must be a TwoLayerMLP, got {type(net).__name__}")
    X, y = _check_data(net, X, y, "torch_gradients")
    P = {k: torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for k, v in net.params.items()}
    Xt = torch.tensor(np.asarray(X, dtype=np.float64), requires_grad=True)
    Y = Xt @ P["W1"] + P["b1"]
    a = net.relu_grad_at_zero      # derivative at 0: torch.relu has 0, where(Y >= 0, Y, 0) has 1
    Z = (1 - a) * torch.relu(Y) + a * torch.where(Y >= 0, Y, torch.zeros_like(Y))
    J = torch.nn.functional.cross_entropy(Z @ P["W2"] + P["b2"], torch.tensor(np.asarray(y), dtype=torch.long))
    J.backward()
    grads = {k: p.grad.numpy() for k, p in P.items()}
    grads["X"] = Xt.grad.numpy()
    return J.item(), grads
