"""Quadratic decision boundaries: Gaussian naive Bayes vs quadratic discriminant analysis.

Note 001 §8.3 says "quadratic data → naive Bayes". Both Gaussian classifiers have a
log-odds that is a quadratic polynomial, log p(1|x)/p(0|x) = xᵀMx + bᵀx + c, so their
decision boundaries are conics — but naive Bayes assumes independent features (diagonal
covariances), so its M is *diagonal*: it cannot represent a cross term x₁x₂. QDA (full
covariances) is the general quadratic classifier. These helpers make the data sets, fit
both models and expose M, so a notebook can demonstrate this rather than assert it.
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["quadratic_boundary_data", "compare_quadratic_classifiers", "log_odds_quadratic",
           "plot_decision_boundary"]

_KINDS = ("cross", "circle")


def quadratic_boundary_data(kind: str = "cross", n: int = 600, seed: int = 0):
    """Points uniform in [−1, 1]² labelled by a quadratic boundary.

    ``kind="cross"``: y = 1 where x₁x₂ > 0 (boundary x₁x₂ = 0, a pure cross term);
    ``kind="circle"``: y = 1 inside the circle x₁² + x₂² = 2/π (half the square's area).

    Returns ``X`` (n×2 floats) and ``y`` (n ints in {0, 1}).

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import quadratic_boundary_data
    >>> X, y = quadratic_boundary_data("cross", n=5, seed=0)
    >>> X.shape, bool(np.all(y == (X[:, 0] * X[:, 1] > 0)))
    ((5, 2), True)
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {_KINDS}, got {kind!r}")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 4:
        raise ValueError(f"n must be an integer ≥ 4, got {n!r}")
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    if kind == "cross":
        y = (X[:, 0] * X[:, 1] > 0).astype(int)
    else:
        y = (X[:, 0] ** 2 + X[:, 1] ** 2 < 2 / np.pi).astype(int)
    return X, y


def compare_quadratic_classifiers(X, y, *, test_size: float = 0.3, seed: int = 0) -> dict:
    """Fit ``GaussianNB`` and ``QuadraticDiscriminantAnalysis`` on a train split.

    Returns ``{"GaussianNB": (model, test_accuracy), "QDA": (model, test_accuracy)}``.

    Examples
    --------
    >>> from mvcalc_helpers import compare_quadratic_classifiers, quadratic_boundary_data
    >>> res = compare_quadratic_classifiers(*quadratic_boundary_data("cross", n=600))
    >>> sorted(res), res["QDA"][1] > 0.9 > 0.7 > res["GaussianNB"][1]
    (['GaussianNB', 'QDA'], True)
    """
    from sklearn.discriminant_analysis import QuadraticDiscriminantAnalysis
    from sklearn.model_selection import train_test_split
    from sklearn.naive_bayes import GaussianNB

    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, d) and y (n,); got X {X.shape}, y {y.shape}")
    if len(np.unique(y)) != 2:
        raise ValueError("y must contain exactly two classes")
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)
    out = {}
    for name, model in (("GaussianNB", GaussianNB()), ("QDA", QuadraticDiscriminantAnalysis())):
        model.fit(Xtr, ytr)
        out[name] = (model, float(model.score(Xte, yte)))
    return out


def log_odds_quadratic(model):
    """The fitted log-odds log p(1|x) − log p(0|x) = xᵀMx + bᵀx + c as ``(M, b, c)``.

    ``M`` is symmetric: −½(Σ₁⁻¹ − Σ₀⁻¹) for QDA (full covariances Σₖ) and the diagonal
    −½(diag 1/σ²₁ − diag 1/σ²₀) for Gaussian naive Bayes — its off-diagonal entries, the
    coefficients of the cross terms xᵢxⱼ, are exactly 0.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc_helpers import compare_quadratic_classifiers, quadratic_boundary_data
    >>> from mvcalc_helpers import log_odds_quadratic
    >>> res = compare_quadratic_classifiers(*quadratic_boundary_data("cross"))
    >>> M_nb, _, _ = log_odds_quadratic(res["GaussianNB"][0])
    >>> bool(M_nb[0, 1] == 0)                       # naive Bayes: no x₁x₂ term, ever
    True
    >>> M_qda, _, _ = log_odds_quadratic(res["QDA"][0])
    >>> bool(M_qda[0, 1] > 1)                       # QDA: a large positive x₁x₂ coefficient
    True
    """
    from sklearn.discriminant_analysis import QuadraticDiscriminantAnalysis
    from sklearn.naive_bayes import GaussianNB

    if isinstance(model, GaussianNB):
        if not hasattr(model, "theta_"):
            raise ValueError("the GaussianNB model is not fitted yet: call model.fit(X, y) first")
        mus, covs, priors = model.theta_, [np.diag(v) for v in model.var_], model.class_prior_
    elif isinstance(model, QuadraticDiscriminantAnalysis):
        if not hasattr(model, "means_"):
            raise ValueError("the QDA model is not fitted yet: call model.fit(X, y) first")
        mus, priors = model.means_, model.priors_
        covs = [R @ np.diag(S) @ R.T for R, S in zip(model.rotations_, model.scalings_)]
    else:
        raise TypeError(f"model must be a fitted sklearn GaussianNB or QuadraticDiscriminantAnalysis, "
                        f"got {type(model).__name__}")
    if len(mus) != 2:
        raise ValueError(f"log-odds need a two-class model; this one has {len(mus)} classes")
    P = [np.linalg.inv(S) for S in covs]
    M = -0.5 * (P[1] - P[0])
    b = P[1] @ mus[1] - P[0] @ mus[0]
    c = (-0.5 * mus[1] @ P[1] @ mus[1] + 0.5 * mus[0] @ P[0] @ mus[0]
         - 0.5 * np.linalg.slogdet(covs[1])[1] + 0.5 * np.linalg.slogdet(covs[0])[1]
         + np.log(priors[1]) - np.log(priors[0]))
    return M, b, float(c)


def plot_decision_boundary(ax, model, X, y, *, title=None, lim: float = 1.0, n: int = 120):
    """Shade the model's predicted classes on [−lim, lim]², draw its boundary and the data.

    Returns the ``QuadContourSet`` of the boundary line.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from mvcalc_helpers import compare_quadratic_classifiers, quadratic_boundary_data
    >>> from mvcalc_helpers import plot_decision_boundary
    >>> X, y = quadratic_boundary_data("circle", n=200)
    >>> model = compare_quadratic_classifiers(X, y)["QDA"][0]
    >>> fig, ax = plt.subplots()
    >>> cs = plot_decision_boundary(ax, model, X, y, title="QDA")
    >>> ax.get_title()
    'QDA'
    >>> plt.close(fig)
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    g = np.linspace(-lim, lim, n)
    G1, G2 = np.meshgrid(g, g)
    P = model.predict_proba(np.column_stack([G1.ravel(), G2.ravel()]))[:, 1].reshape(G1.shape)
    ax.contourf(G1, G2, P, levels=[0, 0.5, 1], colors=["#f4c7c3", "#c6dbef"], alpha=0.8)
    cs = ax.contour(G1, G2, P, levels=[0.5], colors="k", linewidths=1.5)
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=8, color="tab:red", label="class 0")
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=8, color="tab:blue", label="class 1")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    if title:
        ax.set_title(title)
    return cs
