"""Checks for matrix-calculus identities (chapter 6).

Layout: for a scalar f and a matrix (or vector) X, ∂f/∂X has the **shape of X**
((∂f/∂X)ᵢⱼ = ∂f/∂Xᵢⱼ) — the denominator layout of notes 000 §7 (∂(aᵀx)/∂x = a is a
column like x; ∂tr(AB)/∂A = Bᵀ has the shape of A). For a vector function, ∂(Ax)/∂xᵀ = A is
the Jacobian.
"""
from __future__ import annotations

import numpy as np

from ._validation import as_float_array, not_none
from .numerical import _METHODS, DerivativeResult, _derivative, relative_error

__all__ = ["matrix_gradient_check", "numerical_matrix_gradient", "symbol_matrix", "matrix_derivative",
           "vector_derivative", "torch_available", "autodiff_matrix_gradient",
           "check_matrix_identity", "MatrixIdentity", "matrix_identities", "normal_equations_solve",
           "diabetes_data", "squire_trapp_function", "finite_difference_errors",
           "differential_identities", "neuron_batch_loss", "neuron_batch_gradient", "linear_layer_jacobian"]


def numerical_matrix_gradient(f, X, method: str = "central", h=None, *,
                              full_output: bool = False) -> np.ndarray:
    """Numerical ∂f/∂X of a scalar function of a matrix (or vector), same shape as X.

    Each entry is perturbed in turn (``method`` as in :func:`numerical_gradient`, whose
    adaptive steps, error estimates and warnings it shares; ``"complex"`` needs f to accept
    complex matrices). An explicit ``h`` is relative: entry X[idx] moves by
    h·max(1, |X[idx]|). ``full_output=True`` returns a ``DerivativeResult`` whose arrays
    have the shape of X.

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
    if h is not None:
        if not (np.isscalar(h) and np.isfinite(h) and h > 0):
            raise ValueError(f"h must be positive and finite, got {h!r}")
        h = h * np.maximum(1.0, np.abs(X.ravel()))

    def value(v):
        out = np.asarray(not_none(f(v.reshape(X.shape)), "f(X)"))
        if out.size != 1:
            raise ValueError(f"f(X) must return a scalar, got shape {out.shape}")
        return out.reshape(())[()]

    res = _derivative(value, X.ravel(), method, h, None, False, out_ndim=0, full_output=True,
                      name="X")
    if full_output:
        return DerivativeResult(*(a.reshape(X.shape) for a in res))
    return res.value.reshape(X.shape)


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
    G = as_float_array(not_none(grad_f(X.copy()), "grad_f(X)"), "grad_f(X)")
    if G.shape != X.shape:
        raise ValueError(f"grad_f(X) has shape {G.shape} but X has shape {X.shape}: "
                         "∂f/∂X must have the shape of X (denominator layout)")
    return relative_error(G, numerical_matrix_gradient(f, X, method=method, h=h))


# ---------------------------------------------------------------------------------------
# Element-wise symbolic derivatives and the layout conventions
# ---------------------------------------------------------------------------------------
def symbol_matrix(name: str, rows: int, cols: int = 1):
    """A sympy Matrix of distinct symbols ``name11, name12, …`` (a column vector if ``cols=1``).

    Entries are numbered from 1 like the notes (``a11 … a23``); a column vector gets one index
    (``x1, x2, x3``). Use it to derive a matrix identity entry by entry.

    Examples
    --------
    >>> from mvcalc_helpers import symbol_matrix
    >>> symbol_matrix("a", 2, 3)
    Matrix([
    [a11, a12, a13],
    [a21, a22, a23]])
    >>> symbol_matrix("x", 3).T
    Matrix([[x1, x2, x3]])
    """
    import sympy as sp

    if not isinstance(name, str) or not name.isidentifier():
        raise TypeError(f"name must be a short identifier such as 'z', got {name!r}")
    for k, v in (("rows", rows), ("cols", cols)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{k} must be a positive integer, got {v!r}")
    if cols == 1:
        return sp.Matrix(rows, 1, lambda i, j: sp.Symbol(f"{name}{i + 1}"))
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}{i + 1}{j + 1}"))


def _symbol_entries(X, name):
    import sympy as sp

    if not isinstance(X, sp.MatrixBase):
        raise TypeError(f"{name} must be a sympy Matrix of symbols (see symbol_matrix), got {type(X).__name__}")
    entries = list(X)
    bad = [e for e in entries if not isinstance(e, sp.Symbol)]
    if bad:
        raise TypeError(f"{name} must contain plain symbols, but {bad[0]!r} is not a symbol")
    if len(set(entries)) != len(entries):
        raise ValueError(f"{name} contains a repeated symbol; every entry must be its own variable")
    return entries


def _scalar_expr(f, name="f"):
    import sympy as sp

    if isinstance(f, sp.MatrixBase):
        if f.shape != (1, 1):
            raise ValueError(f"{name} must be a scalar; got a {f.shape[0]}x{f.shape[1]} matrix "
                             "(use vector_derivative for a vector function)")
        f = f[0, 0]
    from ._validation import as_expr
    return as_expr(f, name)


def matrix_derivative(f, X):
    """∂f/∂X of a scalar sympy expression, derived entry by entry: (∂f/∂X)ᵢⱼ = ∂f/∂Xᵢⱼ.

    The result has the shape of ``X`` (denominator layout, the convention of notes 000 §7).
    ``f`` may be a 1×1 Matrix such as ``x.T*A*x``.

    Examples
    --------
    >>> import sympy as sp
    >>> from mvcalc_helpers import matrix_derivative, symbol_matrix
    >>> Z = symbol_matrix("z", 2, 3)
    >>> matrix_derivative((Z * Z.T).trace(), Z) == 2 * Z           # ∂tr(ZZᵀ)/∂Z = 2Z
    True
    >>> A, B = symbol_matrix("a", 2, 3), symbol_matrix("b", 3, 2)
    >>> matrix_derivative((A * B).trace(), A) == B.T               # ∂tr(AB)/∂A = Bᵀ
    True
    """
    import sympy as sp

    _symbol_entries(X, "X")
    f = _scalar_expr(f)
    return X.applyfunc(lambda s: sp.diff(f, s))


def vector_derivative(y, x, layout: str = "denominator"):
    """Derivative of a scalar or vector expression ``y`` by a column vector of symbols ``x``.

    ``layout="denominator"`` (this course, notes 000 §7): the result has one row per entry of
    ``x`` — ∂(aᵀx)/∂x = a is a column, ∂(Ax)/∂x = Aᵀ, and the Jacobian is ∂(Ax)/∂xᵀ = A.
    ``layout="numerator"`` (many ML texts): one row per entry of ``y`` — ∂(aᵀx)/∂x = aᵀ is a
    row and ∂(Ax)/∂x = A is the Jacobian.

    Examples
    --------
    >>> from mvcalc_helpers import vector_derivative, symbol_matrix
    >>> A, x = symbol_matrix("a", 2, 3), symbol_matrix("x", 3)
    >>> vector_derivative(A * x, x, layout="numerator") == A
    True
    >>> vector_derivative(A * x, x) == A.T
    True
    >>> a = symbol_matrix("a", 3)
    >>> vector_derivative(a.T * x, x).shape, vector_derivative(a.T * x, x, "numerator").shape
    ((3, 1), (1, 3))
    """
    import sympy as sp

    if layout not in ("denominator", "numerator"):
        raise ValueError(f"layout must be 'denominator' or 'numerator', got {layout!r}")
    _symbol_entries(x, "x")
    if x.shape[1] != 1:
        raise ValueError(f"x must be a column vector (n×1), got shape {x.shape}; "
                         "use matrix_derivative for a matrix variable")
    if isinstance(y, sp.MatrixBase):
        if 1 not in y.shape:
            raise ValueError(f"y must be a scalar or a vector, got a {y.shape[0]}x{y.shape[1]} matrix")
        y = sp.Matrix(list(y))
    else:
        y = sp.Matrix([_scalar_expr(y, "y")])
    J = y.jacobian(x)                       # numerator layout: J[i, j] = ∂yᵢ/∂xⱼ
    return J if layout == "numerator" else J.T


# ---------------------------------------------------------------------------------------
# Checking an identity three ways: central difference, complex step, torch autodiff
# ---------------------------------------------------------------------------------------
def torch_available() -> bool:
    """True if PyTorch can be imported (it is optional for learners).

    >>> from mvcalc_helpers import torch_available
    >>> isinstance(torch_available(), bool)
    True
    """
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


_NO_TORCH = ("torch (PyTorch) is not installed, so the automatic-differentiation check is "
             "skipped; install it with `pip install torch` to run it")


def autodiff_matrix_gradient(f, X, constants=None):
    """∂f/∂X by PyTorch's automatic differentiation (float64), as a numpy array.

    ``f(X, **constants)`` must be written with operations torch tensors support too
    (``@``, ``.T``, ``.trace()``, ``**``, ``sum``); numpy arrays in ``constants`` are
    turned into tensors. A scalar f gives an array of the shape of X (denominator layout);
    a vector f gives the Jacobian ∂f/∂Xᵀ of shape ``f.shape + X.shape``.
    Raises ``ModuleNotFoundError`` with an explanation when torch is not installed.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import autodiff_matrix_gradient
    >>> Z = np.arange(6.0).reshape(2, 3)
    >>> np.allclose(autodiff_matrix_gradient(lambda Z: (Z @ Z.T).trace(), Z), 2 * Z)
    True
    """
    if not callable(f):
        raise TypeError("f must be callable: f(X, **constants) returns a number or a vector")
    X = as_float_array(X, "X")
    consts = _constants(constants)
    try:
        import torch
    except ImportError as exc:
        raise ModuleNotFoundError(_NO_TORCH) from exc
    Xt = torch.tensor(X, dtype=torch.float64)
    ct = {k: torch.tensor(v, dtype=torch.float64) for k, v in consts.items()}
    try:
        J = torch.autograd.functional.jacobian(lambda T: f(T, **ct), Xt)
    except (TypeError, RuntimeError) as exc:
        raise TypeError("f could not be evaluated on torch tensors; write it with operations "
                        "that numpy and torch share (@, .T, .trace(), **, .sum()) or pass a "
                        f"torch version (torch_f=...): {exc}") from exc
    return J.detach().numpy()


def _constants(constants):
    if constants is None:
        return {}
    if not isinstance(constants, dict):
        raise TypeError("constants must be a dict {name: array}, e.g. {'A': A}")
    return {k: as_float_array(v, f"constants[{k!r}]") for k, v in constants.items()}


def _numerical_derivative(f, X, method):
    """Scalar f: ∂f/∂X (shape of X); vector f: Jacobian of shape f.shape + X.shape."""
    out = np.asarray(f(X.copy()))
    if out.ndim == 0 or out.size == 1:
        return numerical_matrix_gradient(f, X, method=method)
    if out.ndim != 1:
        raise ValueError(f"f(X) must return a number or a 1-D vector, got shape {out.shape}")
    return np.stack([numerical_matrix_gradient(lambda Y, k=k: f(Y)[k], X, method=method)
                     for k in range(out.shape[0])])


def check_matrix_identity(f, grad_f, X, constants=None, *, torch_f=None) -> dict:
    """Check an identity ∂f/∂X = grad_f(X) three ways; returns the three relative errors.

    ``{"central": …, "complex": …, "autodiff": …}`` — the analytic ``grad_f(X, **constants)``
    compared (:func:`relative_error`) with a central difference (Richardson-extrapolated),
    a complex step and PyTorch's automatic differentiation. For a scalar f the gradient has
    the shape of X; for a vector f (e.g. ``A @ x``) it is the Jacobian ∂f/∂Xᵀ. ``torch_f``
    is a torch version of f when f uses numpy-only functions (``np.linalg.det``). Without
    torch the ``"autodiff"`` entry is ``nan`` and a warning says why.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import check_matrix_identity
    >>> rng = np.random.default_rng(0)
    >>> A, x = rng.normal(size=(3, 3)), rng.normal(size=3)
    >>> errs = check_matrix_identity(lambda x, A: x @ A @ x, lambda x, A: (A + A.T) @ x, x, {"A": A})
    >>> sorted(errs), max(errs.values()) < 1e-9
    (['autodiff', 'central', 'complex'], True)
    >>> check_matrix_identity(lambda x, A: x @ A @ x, lambda x, A: 2 * A @ x, x, {"A": A})["central"] > 0.01
    True
    """
    import warnings

    for name, fn in (("f", f), ("grad_f", grad_f)):
        if not callable(fn):
            raise TypeError(f"{name} must be callable: {name}(X, **constants)")
    if torch_f is not None and not callable(torch_f):
        raise TypeError("torch_f must be callable (a torch version of f) or None")
    X = as_float_array(X, "X")
    if X.ndim == 0 or X.size == 0:
        raise ValueError(f"X must be a non-empty vector or matrix, got shape {X.shape}")
    consts = _constants(constants)
    G = as_float_array(grad_f(X.copy(), **consts), "grad_f(X)")
    F = np.asarray(f(X.copy(), **consts))
    want = X.shape if F.size == 1 else F.shape + X.shape
    if G.shape != want:
        layout = ("∂f/∂X must have the shape of X (denominator layout)" if F.size == 1
                  else "the Jacobian ∂f/∂Xᵀ has one row per entry of f")
        raise ValueError(f"grad_f(X) has shape {G.shape} but {want} is expected: {layout}")

    def fx(Y):
        return f(Y, **consts)

    errors = {m: relative_error(G, _numerical_derivative(fx, X, m)) for m in ("central", "complex")}
    try:
        errors["autodiff"] = relative_error(G, autodiff_matrix_gradient(torch_f or f, X, consts))
    except ModuleNotFoundError as exc:
        warnings.warn(str(exc), stacklevel=2)
        errors["autodiff"] = float("nan")
    return errors


# ---------------------------------------------------------------------------------------
# The identities of notes 000 §7, ready to check
# ---------------------------------------------------------------------------------------
class MatrixIdentity:
    """One identity ∂f/∂X = grad(X) of notes 000 §7 with random test inputs.

    Attributes: ``item`` (notes item id), ``name`` (the identity as text), ``f`` and ``grad``
    (``f(X, **constants)``, ``grad(X, **constants)``), ``X`` (the point), ``constants``
    (the other matrices and vectors) and ``torch_f`` (a torch version of f, or None).
    :meth:`check` runs :func:`check_matrix_identity`.

    >>> from mvcalc_helpers import matrix_identities
    >>> ident = matrix_identities()[0]
    >>> ident.item, ident.name
    ('000-S7-1', '∂(Ax)/∂xᵀ = A')
    >>> max(ident.check().values()) < 1e-9
    True
    """

    def __init__(self, item, name, f, grad, X, constants=None, torch_f=None):
        self.item, self.name, self.f, self.grad = item, name, f, grad
        self.X = np.asarray(X, dtype=float)
        self.constants = dict(constants or {})
        self.torch_f = torch_f

    def check(self) -> dict:
        """The three relative errors (central, complex, autodiff) of this identity."""
        return check_matrix_identity(self.f, self.grad, self.X, self.constants, torch_f=self.torch_f)

    def __repr__(self) -> str:
        return f"MatrixIdentity({self.item!r}, {self.name!r}, X shape {self.X.shape})"


def _torch_det(Z):
    import torch
    return torch.linalg.det(Z)


def matrix_identities(seed: int = 0) -> list:
    """The matrix-calculus identities of notes 000 §7 as :class:`MatrixIdentity` objects.

    Inputs are random (``numpy.random.default_rng(seed)``) with the shapes of the notes:
    A 2×3 for ∂(Ax)/∂xᵀ, a 5×3 data matrix X for the least-squares identities, a 2×3 Z for
    tr(ZZᵀ), A 2×3 and B 3×2 for tr(AB), an invertible 3×3 Z for |Z|.

    >>> from mvcalc_helpers import matrix_identities
    >>> [i.item for i in matrix_identities()][:4]
    ['000-S7-1', '000-S7-2', '000-S7-2', '000-S7-3']
    >>> all(max(i.check().values()) < 1e-9 for i in matrix_identities())
    True
    """
    rng = np.random.default_rng(seed)
    n = lambda *shape: rng.normal(size=shape)   # noqa: E731
    A23, x3, A33, a3, X53, y5 = n(2, 3), n(3), n(3, 3), n(3), n(5, 3), n(5)
    S = A33 + A33.T
    x2, A24, y4 = n(2), n(2, 4), n(4)
    Z23, A22, B32 = n(2, 3), n(2, 2), n(3, 2)
    Z33 = n(3, 3) + 3 * np.eye(3)
    I = MatrixIdentity  # noqa: E741
    return [
        I("000-S7-1", "∂(Ax)/∂xᵀ = A", lambda x, A: A @ x, lambda x, A: A, x3, {"A": A23}),
        I("000-S7-2", "∂(xᵀAx)/∂x = (A+Aᵀ)x", lambda x, A: x @ A @ x,
          lambda x, A: (A + A.T) @ x, x3, {"A": A33}),
        I("000-S7-2", "∂(xᵀSx)/∂x = 2Sx (S = Sᵀ)", lambda x, S: x @ S @ x,
          lambda x, S: 2 * S @ x, x3, {"S": S}),
        I("000-S7-3", "∂(aᵀx)/∂x = a", lambda x, a: a @ x, lambda x, a: a, x3, {"a": a3}),
        I("000-S7-3", "∂(xᵀa)/∂x = a", lambda x, a: x @ a, lambda x, a: a, x3, {"a": a3}),
        I("000-S7-3", "∂(aᵀx)/∂a = x", lambda a, x: a @ x, lambda a, x: x, a3, {"x": x3}),
        I("000-S7-3b", "∂(aᵀXᵀXa)/∂a = 2XᵀXa", lambda a, X: a @ X.T @ X @ a,
          lambda a, X: 2 * X.T @ X @ a, a3, {"X": X53}),
        I("000-S7-3c", "∂(yᵀXa)/∂a = Xᵀy", lambda a, X, y: y @ X @ a,
          lambda a, X, y: X.T @ y, a3, {"X": X53, "y": y5}),
        I("000-S7-3d", "∂‖y − Xa‖²/∂a = 2XᵀXa − 2Xᵀy", lambda a, X, y: ((y - X @ a) ** 2).sum(),
          lambda a, X, y: 2 * X.T @ X @ a - 2 * X.T @ y, a3, {"X": X53, "y": y5}),
        I("000-S7-4a", "∂(xᵀAy)/∂x = Ay", lambda x, A, y: x @ A @ y,
          lambda x, A, y: A @ y, x2, {"A": A24, "y": y4}),
        I("000-S7-4b", "∂(xᵀAy)/∂A = xyᵀ", lambda A, x, y: x @ A @ y,
          lambda A, x, y: np.outer(x, y), A24, {"x": x2, "y": y4}),
        I("000-S7-5", "∂tr(ZZᵀ)/∂Z = 2Z", lambda Z: (Z @ Z.T).trace(), lambda Z: 2 * Z, Z23),
        I("000-S7-5", "∂tr(ZᵀZ)/∂Z = 2Z", lambda Z: (Z.T @ Z).trace(), lambda Z: 2 * Z, Z23),
        I("000-S7-6", "∂tr(A)/∂A = I", lambda A: A.trace(), lambda A: np.eye(len(A)), A22),
        I("000-S7-7", "∂tr(AB)/∂A = Bᵀ", lambda A, B: (A @ B).trace(), lambda A, B: B.T,
          A23, {"B": B32}),
        I("000-S7-8", "∂|Z|/∂Z = |Z|(Z⁻¹)ᵀ", lambda Z: np.linalg.det(Z),
          lambda Z: np.linalg.det(Z) * np.linalg.inv(Z).T, Z33, torch_f=_torch_det),
    ]


# ---------------------------------------------------------------------------------------
# Least squares and the normal equations
# ---------------------------------------------------------------------------------------
def normal_equations_solve(X, y) -> np.ndarray:
    """The least-squares coefficients a solving the normal equations XᵀXa = Xᵀy.

    They minimise f(a) = ‖y − Xa‖², whose gradient 2XᵀXa − 2Xᵀy (notes 000 §7) vanishes
    there. X must have linearly independent columns (otherwise XᵀX is singular).
    For badly conditioned X prefer ``numpy.linalg.lstsq`` (XᵀX squares the condition number).

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import normal_equations_solve
    >>> X = np.column_stack([np.ones(4), [0.0, 1.0, 2.0, 3.0]])
    >>> y = np.array([1.0, 3.0, 5.0, 7.0])             # exactly y = 1 + 2t
    >>> np.allclose(normal_equations_solve(X, y), [1, 2])
    True
    """
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y")
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"y must be a vector with one entry per row of X ({X.shape[0]}), got shape {y.shape}")
    rank = np.linalg.matrix_rank(X)
    if rank < X.shape[1]:
        raise ValueError(f"the columns of X are linearly dependent (rank {rank} < {X.shape[1]} columns): "
                         "XᵀX is singular and the least-squares solution is not unique")
    return np.linalg.solve(X.T @ X, X.T @ y)


def diabetes_data():
    """The diabetes data shipped with scikit-learn, in original units (no download).

    442 patients; columns age, sex, bmi (body-mass index), bp (blood pressure), s1–s6 (serum
    measurements); target: disease progression one year later (Efron et al. 2004, "Least
    Angle Regression"). Read straight from scikit-learn's data folder, which is faster than
    importing ``sklearn.datasets``. Returns ``(X, y, feature_names)``.

    >>> from mvcalc_helpers import diabetes_data
    >>> X, y, names = diabetes_data()
    >>> X.shape, y.shape, names[2]
    ((442, 10), (442,), 'bmi')
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("scikit-learn is not installed; it ships the diabetes data "
                                  "(pip install scikit-learn)")
    folder = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data"
    names = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
    try:
        X = np.loadtxt(folder / "diabetes_data_raw.csv.gz")
        y = np.loadtxt(folder / "diabetes_target.csv.gz")
    except OSError:  # a scikit-learn version that keeps its files elsewhere: the slow, sure way
        from sklearn.datasets import load_diabetes
        d = load_diabetes(scaled=False)
        X, y, names = d.data, d.target, list(d.feature_names)
    return X, y, names


# ---------------------------------------------------------------------------------------
# Finite-difference error against the step h
# ---------------------------------------------------------------------------------------
def squire_trapp_function():
    """The test function f(x) = eˣ / √(sin³x + cos³x) of Squire & Trapp (1998), and its x.

    Their paper introduced the complex-step derivative with it; f′(1.5) = 4.0534278938986201.

    >>> from mvcalc_helpers import squire_trapp_function
    >>> f, x = squire_trapp_function()
    >>> f
    exp(x)/sqrt(sin(x)**3 + cos(x)**3)
    """
    import sympy as sp

    x = sp.Symbol("x")
    return sp.exp(x) / sp.sqrt(sp.sin(x) ** 3 + sp.cos(x) ** 3), x


def finite_difference_errors(f, x0: float, hs, var=None) -> dict:
    """Relative errors of the forward, central and complex-step derivatives of f at x0.

    ``f`` is a sympy expression in one variable; its exact derivative (sympy, 30 digits) is
    the reference. For each step h in ``hs``: forward [f(x0+h) − f(x0)]/h (error O(h)),
    central [f(x0+h) − f(x0−h)]/2h (O(h²)) and complex step Im f(x0+ih)/h (O(h²), no
    subtraction, so no cancellation). Both differences also suffer round-off ≈ ε|f|/h.
    Returns ``{"h": hs, "forward": …, "central": …, "complex": …, "exact": f′(x0)}``; an
    error can be exactly 0 when the estimate is the correctly rounded value.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import finite_difference_errors, squire_trapp_function
    >>> f, x = squire_trapp_function()
    >>> err = finite_difference_errors(f, 1.5, [1e-2, 1e-3])
    >>> np.allclose(err["exact"], 4.0534278938986201)
    True
    >>> bool(err["forward"][0] / err["forward"][1] > 8)       # O(h): 10× smaller per decade
    True
    >>> bool(err["central"][0] / err["central"][1] > 80)      # O(h²): 100× smaller
    True
    """
    import sympy as sp

    from ._validation import as_expr

    f = as_expr(f, "f")
    free = sorted(f.free_symbols, key=str)
    if var is None:
        if len(free) != 1:
            raise ValueError(f"f must depend on exactly one variable, it has {free or 'none'}")
        var = free[0]
    elif not isinstance(var, sp.Symbol) or not f.free_symbols <= {var}:
        raise ValueError(f"var must be the single sympy symbol f depends on, got {var!r}")
    try:
        x0 = float(x0)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"x0 must be a number, got {x0!r}") from exc
    hs = as_float_array(hs, "hs")
    if hs.ndim == 0:
        hs = hs.reshape(1)
    if hs.ndim != 1 or np.any(hs <= 0):
        raise ValueError("hs must be a 1-D array of positive steps")
    if not np.isfinite(x0):
        raise ValueError(f"x0 must be finite, got {x0}")
    fn, exact = _fd_setup(f, var, x0)
    return _fd_errors(fn, x0, exact, hs)


def _fd_setup(f, var, x0):
    """numpy function of f (complex-capable) and the exact f'(x0) from sympy (30 digits)."""
    import sympy as sp

    exact = sp.diff(f, var).subs(var, x0).evalf(30)
    if not exact.is_real or not exact.is_finite:
        raise ValueError(f"f is not differentiable (real) at x0 = {x0}: f'(x0) = {exact}")
    fn = sp.lambdify(var, f, modules="numpy")
    with np.errstate(all="ignore"):
        f0 = fn(x0)
    if not np.isfinite(f0):
        raise ValueError(f"f is not defined at x0 = {x0}")
    return fn, float(exact)


def _fd_errors(fn, x0, exact, hs):
    with np.errstate(all="ignore"):
        f0 = fn(x0)
        fwd = (fn(x0 + hs) - f0) / hs
        cen = (fn(x0 + hs) - fn(x0 - hs)) / (2 * hs)
        cpx = np.imag(fn(x0 + 1j * hs)) / hs
    scale = max(abs(exact), 1e-300)
    out = {"h": hs, "exact": exact}
    for name, d in (("forward", fwd), ("central", cen), ("complex", cpx)):
        d = np.broadcast_to(np.asarray(d, dtype=float), hs.shape)
        out[name] = np.abs(d - exact) / scale
    return out


# ---------------------------------------------------------------------------------------
# Differentials: the identities that the trace trick gives (beyond the notes)
# ---------------------------------------------------------------------------------------
def _softplus(z):
    """log(1 + eᶻ) for real or complex z (complex for the complex-step check)."""
    if np.iscomplexobj(z):
        return np.log(1 + np.exp(z))
    return np.logaddexp(0.0, z)


def _torch_logdet(Z):
    import torch
    return torch.logdet(Z)


def _torch_softplus_sum(W, X):
    import torch
    return torch.nn.functional.softplus(X @ W).sum()


def _torch_neuron_batch_loss(w, X, y, b):
    import torch
    z = X @ w + b
    return (torch.nn.functional.softplus(z) - y * z).mean()


def differential_identities(seed: int = 0) -> list:
    """Identities derived with differentials and the trace trick (chapter 6), ready to check.

    Each is a :class:`MatrixIdentity` (``item`` is ``"diff"``, they are not in the notes):
    the trace trick ∂tr(AXB)/∂X = AᵀBᵀ; d(X⁻¹) = −X⁻¹ dX X⁻¹ seen through f = tr(CX⁻¹);
    d log|Σ| = tr(Σ⁻¹dΣ) for a covariance matrix Σ; the QDA term
    rᵀΣ⁻¹r with r = x − μ, as a function of Σ; a matrix chain rule through an element-wise
    function, ∂ Σ softplus(XW)/∂W = Xᵀσ(XW); and the running example's batch loss
    ∂J/∂w = Xᵀ(σ(Xw + b) − y)/N. Random inputs from ``numpy.random.default_rng(seed)``.

    >>> from mvcalc_helpers import differential_identities
    >>> [i.name for i in differential_identities()][:2]
    ['∂tr(AXB)/∂X = AᵀBᵀ', '∂tr(CX⁻¹)/∂X = −(X⁻¹CX⁻¹)ᵀ']
    >>> all(max(i.check().values()) < 1e-8 for i in differential_identities())
    True
    """
    from .neuron import sigmoid

    rng = np.random.default_rng(seed)
    n = lambda *shape: rng.normal(size=shape)   # noqa: E731
    A24, X43, B32 = n(2, 4), n(4, 3), n(3, 2)
    X33, C33 = n(3, 3) + 3 * np.eye(3), n(3, 3)
    L = n(3, 3)
    Sigma = L @ L.T + 3 * np.eye(3)
    x3, mu3 = n(3), n(3)
    r = x3 - mu3                                # r = x − μ (d is taken by the differential)
    Xd, W = n(5, 3), n(3, 2)
    Xn, wn, yn, bn = n(6, 4), n(4), (rng.random(6) < 0.5).astype(float), 0.3
    inv = np.linalg.inv
    I = MatrixIdentity  # noqa: E741
    return [
        I("diff", "∂tr(AXB)/∂X = AᵀBᵀ", lambda X, A, B: (A @ X @ B).trace(),
          lambda X, A, B: A.T @ B.T, X43, {"A": A24, "B": B32}),
        I("diff", "∂tr(CX⁻¹)/∂X = −(X⁻¹CX⁻¹)ᵀ", lambda X, C: (C @ _inv(X)).trace(),
          lambda X, C: -(inv(X) @ C @ inv(X)).T, X33, {"C": C33}, torch_f=_torch_trace_C_inv),
        I("diff", "∂log|Σ|/∂Σ = Σ⁻¹", lambda S: np.log(np.linalg.det(S)),
          lambda S: inv(S).T, Sigma, torch_f=_torch_logdet),
        I("diff", "∂(rᵀΣ⁻¹r)/∂Σ = −Σ⁻¹rrᵀΣ⁻¹", lambda S, r: r @ _inv(S) @ r,
          lambda S, r: -(inv(S) @ np.outer(r, r) @ inv(S)).T, Sigma, {"r": r},
          torch_f=_torch_quad_inv),
        I("diff", "∂Σsoftplus(XW)/∂W = Xᵀσ(XW)", lambda W, X: _softplus(X @ W).sum(),
          lambda W, X: X.T @ sigmoid(X @ W), W, {"X": Xd}, torch_f=_torch_softplus_sum),
        I("diff", "∂J/∂w = Xᵀ(σ(Xw + b) − y)/N", lambda w, X, y, b: neuron_batch_loss(w, b, X, y),
          lambda w, X, y, b: neuron_batch_gradient(w, b, X, y)[0], wn,
          {"X": Xn, "y": yn, "b": np.array(bn)}, torch_f=_torch_neuron_batch_loss),
    ]


def _inv(X):
    """X⁻¹ for numpy (real or complex) or torch tensors."""
    if type(X).__module__.startswith("torch"):
        import torch
        return torch.linalg.inv(X)
    return np.linalg.inv(X)


def _torch_trace_C_inv(X, C):
    return (C @ _inv(X)).trace()


def _torch_quad_inv(S, r):
    return r @ _inv(S) @ r


def neuron_batch_loss(w, b, X, y):
    """The running example in batch form: J(w, b) = mean(softplus(Xw + b) − y∘(Xw + b)).

    ``X`` is N×d (one image per row: the 64 pixels, or the one middle-ink column), ``w`` has
    d entries, ``b`` is a number and ``y`` holds N labels 0/1. With d = 1 it is
    :func:`~mvcalc_helpers.neuron_loss`. Works on complex ``w`` (for the complex-step check).

    >>> import numpy as np
    >>> from mvcalc_helpers import load_neuron_data, neuron_batch_loss, neuron_loss
    >>> d = load_neuron_data()
    >>> bool(np.isclose(neuron_batch_loss([3.0], 0.5, d.x[:, None], d.y), neuron_loss(3.0, 0.5, d.x, d.y)))
    True
    """
    w, X, y = _batch_args(w, X, y)
    z = X @ w + b
    return np.mean(_softplus(z) - y * z)


def neuron_batch_gradient(w, b, X, y):
    """(∂J/∂w, ∂J/∂b) = (Xᵀ(σ(Xw + b) − y)/N, mean(σ(Xw + b) − y)) of :func:`neuron_batch_loss`.

    Derived with differentials in chapter 6: dJ = mean((σ(z) − y)∘dz) with dz = X dw + db·1,
    so dJ = ((σ(z) − y)ᵀX/N) dw + mean(σ(z) − y) db.

    >>> import numpy as np
    >>> from mvcalc_helpers import load_neuron_data, neuron_batch_gradient, neuron_gradient
    >>> d = load_neuron_data()
    >>> gw, gb = neuron_batch_gradient([3.0], 0.5, d.x[:, None], d.y)
    >>> np.allclose([gw[0], gb], neuron_gradient(3.0, 0.5, d.x, d.y))
    True
    """
    from .neuron import sigmoid

    w, X, y = _batch_args(w, X, y)
    r = sigmoid(X @ w + b) - y
    return X.T @ r / len(y), float(np.mean(r))


def _batch_args(w, X, y):
    w = np.asarray(w)
    w = w.astype(float) if not np.iscomplexobj(w) else w
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y")
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have one entry per column of X ({X.shape[1]}), got shape {w.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have one label per row of X ({X.shape[0]}), got shape {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("the labels y must be 0 or 1")
    return w, X, y


def linear_layer_jacobian(Z, n_out: int) -> np.ndarray:
    """The full Jacobian ∂O/∂W of a linear layer O = ZW, as an array of shape (B, n_out, n_in, n_out).

    Entry [i, k, j, l] is ∂O_ik/∂W_jl = Z_ij·δ_kl: mostly zeros, and B·n_out·n_in·n_out numbers
    in all. Backpropagation never builds it: the vector–Jacobian product (VJP) with an upstream
    gradient G = ∂J/∂O is Σ_ik G_ik ∂O_ik/∂W = ZᵀG, one matrix product.

    >>> import numpy as np
    >>> from mvcalc_helpers import linear_layer_jacobian
    >>> rng = np.random.default_rng(0)
    >>> Z, G = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    >>> Jac = linear_layer_jacobian(Z, 2)
    >>> Jac.shape
    (4, 2, 3, 2)
    >>> np.allclose(np.einsum("ik,ikjl->jl", G, Jac), Z.T @ G)     # the VJP is ZᵀG
    True
    """
    Z = as_float_array(Z, "Z", ndim=2)
    if isinstance(n_out, bool) or not isinstance(n_out, (int, np.integer)) or n_out < 1:
        raise ValueError(f"n_out must be a positive integer, got {n_out!r}")
    return np.einsum("ij,kl->ikjl", Z, np.eye(n_out))
