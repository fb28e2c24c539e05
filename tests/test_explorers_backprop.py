"""Chapter 7 explorer and figures. The reference for the readout is sympy: J(w) is written out
symbolically (softmax cross-entropy of relu(X·W1 + b1)·W2 + b2 with one entry replaced by a
symbol w) and differentiated exactly."""
import re

import numpy as np
import pytest
import sympy as sp

import mvcalc_helpers as mh
from mvcalc_helpers.explorers.backprop import _default_problem, weight_slice


def _numbers(text):
    return {k: float(v) for k, v in re.findall(
        r"(J|∂J/∂w \(backprop\)|finite difference) = (?:<b>)?([-+]?[0-9.]+)", text)}


def _sympy_loss_and_slope(net, X, y, param, index, w_value):
    """J(w) and dJ/dw at w_value, by sympy, from the network's parameters."""
    w = sp.Symbol("w")
    P = {k: sp.Matrix(np.atleast_2d(v).tolist()) for k, v in net.params.items()}
    M = P[param]
    M[(0, index) if param.startswith("b") else index] = w
    Y = sp.Matrix(X.tolist()) * P["W1"] + sp.ones(X.shape[0], 1) * P["b1"]
    Z = Y.applyfunc(lambda e: sp.Max(e, 0))
    O = Z * P["W2"] + sp.ones(X.shape[0], 1) * P["b2"]
    J = sum(sp.log(sum(sp.exp(O[i, j]) for j in range(O.cols))) - O[i, int(y[i])]
            for i in range(O.rows)) / O.rows
    return float(J.subs(w, w_value)), float(sp.diff(J, w).subs(w, w_value))


@pytest.mark.parametrize("param, index, steps", [("W2", (0, 0), 7), ("W2", (3, 1), -12),
                                                  ("b2", 1, 20), ("W1", (2, 1), -30), ("b1", 0, 5)])
def test_readout_matches_sympy(param, index, steps):
    net, X, y = _default_problem()
    ex = mh.backprop_explorer(net, X, y, param=param, index=index, span=1.5)
    before_text, before_png = ex.readout_text, ex.png
    s = ex.controls["w"]
    w = s.value + steps * s.step
    text = ex.update(w=w)
    assert text != before_text and ex.png != before_png
    nums = _numbers(text)
    J_ref, slope_ref = _sympy_loss_and_slope(net, X, y, param, index, w)
    assert nums["J"] == pytest.approx(J_ref, abs=2e-6)
    assert nums["∂J/∂w (backprop)"] == pytest.approx(slope_ref, abs=2e-6)
    assert nums["finite difference"] == pytest.approx(slope_ref, abs=2e-5)


def test_one_slider_step_changes_the_readout_number():
    ex = mh.backprop_explorer()
    s = ex.controls["w"]
    j0 = _numbers(ex.readout_text)["J"]
    ex.controls["w"].value = s.value + s.step          # what one ArrowRight does in the browser
    assert _numbers(ex.readout_text)["J"] != j0


def test_network_is_unchanged_and_initial_value_is_the_network_weight():
    net, X, y = _default_problem()
    before = {k: v.copy() for k, v in net.params.items()}
    ex = mh.backprop_explorer(net, X, y, param="W1", index=(1, 2))
    for k in before:
        np.testing.assert_array_equal(net.params[k], before[k])
    assert ex.controls["w"].value == pytest.approx(net.params["W1"][1, 2])
    J0, _ = net.loss(X, y)
    assert _numbers(ex.readout_text)["J"] == pytest.approx(J0, abs=1e-6)


def test_weight_slice_gradient_against_torch():
    torch = pytest.importorskip("torch")
    net, X, y = _default_problem()
    ws = np.array([-1.0, 0.3, 2.0])
    J, G, FD = weight_slice(net, X, y, "W1", (0, 3), ws)
    for w, Jk, gk in zip(ws, J, G):
        P = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
        with torch.no_grad():
            P["W1"][0, 3] = w
        O = torch.relu(torch.tensor(X) @ P["W1"] + P["b1"]) @ P["W2"] + P["b2"]
        L = torch.nn.functional.cross_entropy(O, torch.tensor(y))
        L.backward()
        assert Jk == pytest.approx(L.item(), rel=1e-12)
        assert gk == pytest.approx(P["W1"].grad[0, 3].item(), rel=1e-10, abs=1e-14)
    np.testing.assert_allclose(FD, G, atol=1e-7)


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(param="W3"), ValueError, "param must be one of"),
    (dict(param="W2", index=(4, 0)), ValueError, r"index must be 2 integer\(s\) inside W2's shape \(4, 2\)"),
    (dict(param="b1", index=(0, 0)), ValueError, r"index must be 1 integer\(s\)"),
    (dict(n_points=10), ValueError, "n_points must be an odd integer"),
    (dict(span=0), ValueError, "span must be a positive number"),
])
def test_bad_builder_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        mh.backprop_explorer(**kwargs)


def test_bad_network_arguments():
    net, X, y = _default_problem()
    with pytest.raises(TypeError, match="net must be a TwoLayerMLP"):
        mh.backprop_explorer("net", X, y)
    with pytest.raises(ValueError, match="give the batch X and labels y"):
        mh.backprop_explorer(net)
    with pytest.raises(ValueError, match=r"X must have shape \(batch, 3\)"):
        mh.backprop_explorer(net, X[:, :2], y)
    with pytest.raises(ValueError, match="give net together with X and y"):
        mh.backprop_explorer(X=X, y=y)


def test_computation_graph_prints_the_backward_pass_values():
    torch = pytest.importorskip("torch")
    net = mh.TwoLayerMLP(2, 3, 2, seed=1)
    X, y = np.array([[0.5, -1.0]]), np.array([1])
    ax = mh.plot_backprop_graph(net, X, y)
    texts = {t.get_text() for t in ax.texts}
    P = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    O = torch.relu(torch.tensor(X) @ P["W1"] + P["b1"]) @ P["W2"] + P["b2"]
    L = torch.nn.functional.cross_entropy(O, torch.tensor(y))
    L.backward()
    g = P["W1"].grad.numpy()
    expected = "∂J/∂W1 =\n" + "\n".join("[" + " ".join(f"{round(v, 2) + 0.0:+.2f}" for v in row) + "]" for row in g)
    assert expected in texts
    assert any(t.startswith("J = CE(O, label 1)") for t in texts)
    assert f"[{L.item():+.2f}]" in texts
    with pytest.raises(ValueError, match="tiny instance"):
        mh.plot_backprop_graph(mh.TwoLayerMLP(64, 16, 10), np.zeros((1, 64)), np.array([0]))


def test_training_history_plot():
    h = {"epoch": [0, 1], "train_loss": [2.0, 1.0], "train_acc": [0.2, 0.7]}
    ax_loss, ax_acc = mh.plot_training_history(h)
    assert [list(l.get_ydata()) for l in ax_loss.get_lines()] == [[2.0, 1.0]]
    assert ax_loss.get_yscale() == "log"
    with pytest.raises(ValueError, match="history must be the dict returned by train_mlp"):
        mh.plot_training_history({"loss": [1]})


def test_relu_subgradient_figure():
    ax_f, ax_d = mh.plot_relu_subgradients(slopes=(0, 1))
    relu_line = ax_f.get_lines()[0]
    ys, vals = relu_line.get_xdata(), relu_line.get_ydata()
    np.testing.assert_array_equal(vals, np.maximum(ys, 0))
    for line in ax_f.get_lines()[1:]:                      # every drawn line stays below relu
        assert np.all(line.get_ydata() <= np.maximum(line.get_xdata(), 0) + 1e-12)
    assert float(sp.Heaviside(0)) == 0.5                   # the value the figure labels for sympy
    with pytest.raises(ValueError, match=r"subgradients of relu at 0 lie in \[0, 1\]"):
        mh.plot_relu_subgradients(slopes=(2,))


def test_backprop_graph_labels_do_not_collide_and_stay_on_the_canvas():
    """The read-through found the b1 box over W1 and colliding gradient labels."""
    from mvcalc_helpers.plotting import new_figure, text_layout_problems

    fig, ax = new_figure(figsize=(12, 5.2), layout=None)
    mh.plot_backprop_graph(ax=ax)
    assert text_layout_problems(fig) == []
    # every parameter and node is drawn with its value and its gradient
    texts = [t.get_text() for t in ax.texts]
    for name in ("X", "W1", "b1", "Y", "Z", "W2", "b2", "O"):
        assert any(t.startswith(f"∂J/∂{name} =") for t in texts), name
    # the arrows start and end outside every text box (they connect boxes, not cross them)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text().strip()]
    for arrow in [c for c in ax.texts if c.get_text() == "" and hasattr(c, "xy")]:
        for point in (arrow.xy, arrow.xyann):
            px, py = ax.transData.transform(point)
            assert not any(b.contains(px, py) for b in boxes), f"arrow end {point} inside a label"


def test_weight_slice_is_public_and_its_slope_matches_a_finite_difference():
    net, X, y = _default_problem()
    J, g, fd = mh.weight_slice(net, X, y, "W1", (0, 1), ws=np.linspace(-1, 1, 7))
    assert J.shape == g.shape == fd.shape == (7,)
    assert np.allclose(g, fd, atol=1e-6)
