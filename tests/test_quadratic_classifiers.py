"""Gaussian naive Bayes vs QDA on quadratic boundaries (note 001 §8.3).

The log-odds returned by ``log_odds_quadratic`` are checked against the models' own
``predict_log_proba`` (scikit-learn's independent computation) by a least-squares fit of a
general quadratic; the accuracies against what the data's geometry implies.
"""
import numpy as np
import pytest
from sklearn.discriminant_analysis import QuadraticDiscriminantAnalysis
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

import mvcalc_helpers as mh


@pytest.mark.parametrize("kind", ["cross", "circle"])
def test_labels_follow_the_stated_boundary(kind):
    X, y = mh.quadratic_boundary_data(kind, n=500, seed=3)
    assert X.shape == (500, 2) and np.all(np.abs(X) <= 1)
    ref = X[:, 0] * X[:, 1] > 0 if kind == "cross" else X[:, 0] ** 2 + X[:, 1] ** 2 < 2 / np.pi
    assert np.array_equal(y, ref.astype(int))
    assert 0.4 < y.mean() < 0.6          # roughly balanced classes


def test_data_is_reproducible():
    a = mh.quadratic_boundary_data("cross", seed=7)
    b = mh.quadratic_boundary_data("cross", seed=7)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_naive_bayes_fails_on_the_cross_term_and_qda_does_not():
    res = mh.compare_quadratic_classifiers(*mh.quadratic_boundary_data("cross", n=600))
    assert res["GaussianNB"][1] < 0.7     # ~ chance: both classes have the same diagonal covariance
    assert res["QDA"][1] > 0.9


def test_both_are_fine_on_the_circle():
    res = mh.compare_quadratic_classifiers(*mh.quadratic_boundary_data("circle", n=600))
    assert res["GaussianNB"][1] > 0.85 and res["QDA"][1] > 0.85


def _fit_general_quadratic(model, seed=0):
    """Least-squares fit of log-odds = m11 x² + 2 m12 xy + m22 y² + b1 x + b2 y + c."""
    pts = np.random.default_rng(seed).uniform(-1, 1, size=(200, 2))
    lp = model.predict_log_proba(pts)
    target = lp[:, 1] - lp[:, 0]
    x, y = pts.T
    design = np.column_stack([x * x, 2 * x * y, y * y, x, y, np.ones_like(x)])
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    return np.array([[coef[0], coef[1]], [coef[1], coef[2]]]), coef[3:5], coef[5]


@pytest.mark.parametrize("kind", ["cross", "circle"])
@pytest.mark.parametrize("name", ["GaussianNB", "QDA"])
def test_log_odds_quadratic_matches_predict_log_proba(kind, name):
    model = mh.compare_quadratic_classifiers(*mh.quadratic_boundary_data(kind, n=400))[name][0]
    M, b, c = mh.log_odds_quadratic(model)
    M_ref, b_ref, c_ref = _fit_general_quadratic(model)
    assert np.allclose(M, M.T)
    assert np.allclose(M, M_ref, atol=1e-6)
    assert np.allclose(b, b_ref, atol=1e-6)
    assert c == pytest.approx(c_ref, abs=1e-6)
    if name == "GaussianNB":
        assert M[0, 1] == 0.0             # no cross term, by construction of naive Bayes


def test_log_odds_quadratic_errors():
    with pytest.raises(ValueError, match="not fitted"):
        mh.log_odds_quadratic(GaussianNB())
    with pytest.raises(ValueError, match="not fitted"):
        mh.log_odds_quadratic(QuadraticDiscriminantAnalysis())
    with pytest.raises(TypeError, match="GaussianNB or QuadraticDiscriminantAnalysis"):
        mh.log_odds_quadratic(LogisticRegression())
    X = np.random.default_rng(0).normal(size=(60, 2))
    three = GaussianNB().fit(X, np.arange(60) % 3)
    with pytest.raises(ValueError, match="two-class"):
        mh.log_odds_quadratic(three)


@pytest.mark.parametrize("args, kwargs, match", [
    (("square",), {}, "kind must be one of"),
    (("cross",), {"n": 2}, "n must be an integer"),
    (("cross",), {"n": 10.0}, "n must be an integer"),
])
def test_data_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        mh.quadratic_boundary_data(*args, **kwargs)


def test_compare_errors():
    X, y = mh.quadratic_boundary_data("cross", n=40)
    with pytest.raises(ValueError, match="exactly two classes"):
        mh.compare_quadratic_classifiers(X, np.zeros(40, dtype=int))
    with pytest.raises(ValueError, match="X must be"):
        mh.compare_quadratic_classifiers(X[:, 0], y)


def test_plot_decision_boundary_draws_the_model_boundary():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    X, y = mh.quadratic_boundary_data("circle", n=300)
    model = mh.compare_quadratic_classifiers(X, y)["QDA"][0]
    fig, ax = plt.subplots()
    cs = mh.plot_decision_boundary(ax, model, X, y, title="QDA")
    # the boundary line is where the predicted probability is ½ (log-odds 0)
    seg = np.concatenate([p.vertices for p in cs.get_paths() if len(p.vertices)])
    lp = model.predict_log_proba(seg)
    assert np.allclose(lp[:, 1] - lp[:, 0], 0, atol=0.1)
    assert ax.get_title() == "QDA"
    plt.close(fig)
