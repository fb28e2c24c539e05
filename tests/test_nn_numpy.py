"""mvcalc_helpers.nn without torch: softmax (against scipy), its Jacobian (against a numerical
Jacobian), dead ReLUs (against a loop over units), and chapter 7's readable numpy training step
(the notebook's own cell, executed here) against mh.TwoLayerMLP on shapes the notebook does not use."""
import json

import numpy as np
import pytest

import mvcalc_helpers as mh
from course import REPO


def test_softmax_matches_scipy_and_survives_large_logits():
    from scipy.special import softmax as scipy_softmax

    O = np.random.default_rng(0).normal(scale=5, size=(6, 4))
    assert np.allclose(mh.softmax(O), scipy_softmax(O, axis=1), rtol=1e-14)
    assert np.allclose(mh.softmax(O[0]), scipy_softmax(O[0]), rtol=1e-14)
    big = mh.softmax(np.array([[1000.0, 999.0, -1000.0]]))
    assert np.all(np.isfinite(big)) and np.isclose(big.sum(), 1.0)
    with pytest.raises(ValueError, match="nan or inf"):
        mh.softmax(np.array([[0.0, np.nan]]))


def test_softmax_jacobian_against_a_numerical_jacobian():
    o = np.array([0.3, -1.2, 2.0, 0.1])
    p = mh.softmax(o)
    num = mh.numerical_jacobian(lambda v: mh.softmax(v), o)
    J = mh.softmax_jacobian(p)
    assert np.allclose(J, num, atol=1e-10) and np.allclose(J, J.T) and np.allclose(J.sum(axis=1), 0)
    # its VJP with ∂ℓ/∂p = −e_y/p_y is p − e_y, the row of (P − T)/B for one example
    e = np.eye(4)[2]
    assert np.allclose((-e / p[2]) @ J, p - e)
    with pytest.raises(ValueError, match="probabilities"):
        mh.softmax_jacobian(np.array([0.5, 0.6]))


def test_dead_relus_against_a_loop_and_their_gradients_are_zero():
    rng = np.random.default_rng(1)
    net = mh.TwoLayerMLP(5, 12, 3, seed=2)
    net.params["b1"][:] = rng.normal(scale=2.0, size=12) - 1.5
    X, y = np.abs(rng.normal(size=(20, 5))), rng.integers(0, 3, size=20)
    dead = mh.dead_relus(net, X)
    loop = [all(X[i] @ net.params["W1"][:, j] + net.params["b1"][j] <= 0 for i in range(20)) for j in range(12)]
    assert dead.tolist() == loop and 0 < dead.sum() < 12
    _, dO = net.loss(X, y)
    g = net.backward(dO)
    assert np.all(g["W1"][:, dead] == 0) and np.all(g["b1"][dead] == 0)
    assert np.all(np.any(g["W1"][:, ~dead] != 0, axis=0))
    with pytest.raises(ValueError, match=r"shape \(n_examples, 5\)"):
        mh.dead_relus(net, np.ones((3, 4)))
    with pytest.raises(TypeError, match="TwoLayerMLP"):
        mh.dead_relus("net", X)


def _notebook_numpy_cell():
    nb = json.loads((REPO / "notebooks" / "07_backpropagation.ipynb").read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "mlp-numpy-reference" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, "chapter 7 must have exactly one cell tagged mlp-numpy-reference"
    src = cells[0]["source"]
    return "".join(src) if isinstance(src, list) else src


@pytest.mark.parametrize("seed,shape", [(0, (7, 5, 9, 4)), (1, (3, 64, 16, 10)), (2, (1, 2, 3, 2))])
def test_notebook_numpy_step_equals_TwoLayerMLP(seed, shape):
    """The forward/backward/SGD code learners read in chapter 7 is the package's algorithm."""
    B, n_in, n_hidden, n_out = shape
    rng = np.random.default_rng(seed)
    X, labels = rng.normal(size=(B, n_in)), rng.integers(0, n_out, size=B)
    ns = {"np": np, "mh": mh, "X_train": rng.normal(size=(40, 64)), "y_train": rng.integers(0, 10, size=40),
          "print": lambda *a, **k: None}
    exec(compile(_notebook_numpy_cell(), "07_backpropagation.ipynb[mlp-numpy-reference]", "exec"), ns)
    forward, loss_and_dO, backward = ns["forward"], ns["loss_and_dO"], ns["backward"]

    net = mh.TwoLayerMLP(n_in, n_hidden, n_out, seed=seed)
    net.params["b1"][:] = rng.normal(size=n_hidden)
    net.params["b2"][:] = rng.normal(size=n_out)
    P = {k: v.copy() for k, v in net.params.items()}
    Y, Z, O = forward(P, X)
    J, dO = loss_and_dO(O, labels)
    g = backward(P, X, Y, Z, dO)
    J_pkg, dO_pkg = net.loss(X, labels)
    g_pkg = net.backward(dO_pkg)
    assert np.allclose(O, net.forward(X), rtol=1e-12, atol=1e-14)
    assert np.isclose(J, J_pkg, rtol=1e-12) and np.allclose(dO, dO_pkg, rtol=1e-12, atol=1e-15)
    for k in g_pkg:
        np.testing.assert_allclose(g[k], g_pkg[k], rtol=1e-10, atol=1e-14, err_msg=k)
    # and against an independent loss: the central difference of the notebook's J in one weight
    h, idx = 1e-6, (0, 0)
    Pp, Pm = {k: v.copy() for k, v in P.items()}, {k: v.copy() for k, v in P.items()}
    Pp["W1"][idx] += h
    Pm["W1"][idx] -= h
    fd = (loss_and_dO(forward(Pp, X)[2], labels)[0] - loss_and_dO(forward(Pm, X)[2], labels)[0]) / (2 * h)
    assert abs(fd - g["W1"][idx]) < 1e-6
    # the cell's own SGD step (64 → 512 → 10 on its minibatch) equals TwoLayerMLP.sgd_step
    ref = mh.TwoLayerMLP(64, 512, 10, seed=0)
    _, d = ref.loss(ns["Xb"], ns["yb"])
    ref.backward(d)
    ref.sgd_step(ns["eta"])
    for k in ref.params:
        np.testing.assert_allclose(ns["params"][k], ref.params[k], rtol=1e-12, atol=1e-14, err_msg=k)
