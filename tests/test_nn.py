"""mvcalc_helpers.nn against PyTorch autograd (the independent reference), in float64.

Every forward value, loss and gradient of the notes' two-layer network is compared with
torch on random data, for both ReLU conventions at 0 (PyTorch's relu'(0) = 0 and the notes'
relu'(0) = 1), and bad input must raise a clear error.
"""
import numpy as np
import pytest

from mvcalc_helpers import TwoLayerMLP, relu, relu_grad, softmax_cross_entropy

torch = pytest.importorskip("torch")
F = torch.nn.functional

RTOL, ATOL = 1e-10, 1e-12


def _torch_reference(net, X, labels, at_zero):
    """Loss, logits and gradients (W1, b1, W2, b2, X) from torch autograd, float64."""
    P = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in net.params.items()}
    Xt = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    Y = Xt @ P["W1"] + P["b1"]
    # relu with derivative `at_zero` at 0: torch.relu has 0, torch.where(Y >= 0, Y, 0) has 1
    Z = (1 - at_zero) * torch.relu(Y) + at_zero * torch.where(Y >= 0, Y, torch.zeros_like(Y))
    O = Z @ P["W2"] + P["b2"]
    J = F.cross_entropy(O, torch.tensor(labels, dtype=torch.long))
    J.backward()
    grads = {k: p.grad.numpy() for k, p in P.items()}
    return J.item(), O.detach().numpy(), grads, Xt.grad.numpy()


def _random_problem(seed, batch=7, n_in=5, n_hidden=9, n_out=4):
    rng = np.random.default_rng(seed)
    net = TwoLayerMLP(n_in, n_hidden, n_out, seed=seed)
    net.params["b1"][:] = rng.normal(size=n_hidden)
    net.params["b2"][:] = rng.normal(size=n_out)
    X = rng.normal(size=(batch, n_in))
    labels = rng.integers(0, n_out, size=batch)
    return net, X, labels


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_forward_loss_and_every_gradient_match_torch(seed):
    net, X, labels = _random_problem(seed)
    O = net.forward(X)
    loss, dO = softmax_cross_entropy(O, labels)
    grads = net.backward(dO)
    J_ref, O_ref, grads_ref, dX_ref = _torch_reference(net, X, labels, at_zero=0.0)
    np.testing.assert_allclose(O, O_ref, rtol=RTOL, atol=ATOL)
    assert loss == pytest.approx(J_ref, rel=1e-12)
    for k in ("W1", "b1", "W2", "b2"):
        assert grads[k].shape == net.params[k].shape
        np.testing.assert_allclose(grads[k], grads_ref[k], rtol=RTOL, atol=ATOL, err_msg=k)
    np.testing.assert_allclose(net.dX, dX_ref, rtol=RTOL, atol=ATOL)


def _problem_with_exact_zeros(at_zero):
    """Integer data so that some pre-activations Y are exactly 0 (the kink of relu)."""
    net = TwoLayerMLP(3, 4, 3, seed=0, relu_grad_at_zero=at_zero)
    net.params["W1"][:] = [[1, -1, 2, 0], [0, 1, -1, 1], [1, 0, 1, -2]]
    net.params["b1"][:] = [-1, 0, 1, 0]
    net.params["W2"][:] = np.arange(12.0).reshape(4, 3) / 7 - 0.5
    X = np.array([[1.0, 0, 0], [0, 0, 0], [2, 1, -1], [0, 2, 1]])
    labels = np.array([0, 2, 1, 2])
    return net, X, labels


@pytest.mark.parametrize("at_zero", [0.0, 1.0, 0.5])
def test_relu_convention_at_zero_matches_the_torch_subgradient(at_zero):
    net, X, labels = _problem_with_exact_zeros(at_zero)
    Y = X @ net.params["W1"] + net.params["b1"]
    assert np.sum(Y == 0) >= 3, "the test needs pre-activations exactly at the kink"
    _, dO = net.loss(X, labels)
    grads = net.backward(dO)
    _, _, grads_ref, dX_ref = _torch_reference(net, X, labels, at_zero)
    for k in grads:
        np.testing.assert_allclose(grads[k], grads_ref[k], rtol=RTOL, atol=ATOL, err_msg=k)
    np.testing.assert_allclose(net.dX, dX_ref, rtol=RTOL, atol=ATOL)


def test_the_two_relu_conventions_really_differ_at_the_kink():
    grads = {}
    for at_zero in (0.0, 1.0):
        net, X, labels = _problem_with_exact_zeros(at_zero)
        _, dO = net.loss(X, labels)
        grads[at_zero] = net.backward(dO)["W1"].copy()
    assert not np.allclose(grads[0.0], grads[1.0])


def test_relu_and_relu_grad_elementwise():
    y = np.array([-2.0, -0.0, 0.0, 1e-300, 3.0])
    np.testing.assert_array_equal(relu(y), [0, 0, 0, 1e-300, 3])
    np.testing.assert_array_equal(relu_grad(y), [0, 0, 0, 1, 1])
    np.testing.assert_array_equal(relu_grad(y, at_zero=1.0), [0, 1, 1, 1, 1])
    yt = torch.tensor(y, requires_grad=True)
    torch.relu(yt).sum().backward()
    np.testing.assert_array_equal(relu_grad(y), yt.grad.numpy())
    assert relu_grad(np.array([-1, 0, 2])).dtype == np.float64    # integer input → float mask


@pytest.mark.parametrize("scale", [1.0, 1e3])
def test_softmax_cross_entropy_matches_torch_and_is_stable(scale):
    rng = np.random.default_rng(5)
    O = rng.normal(size=(6, 5)) * scale            # logits up to ~1000: exp would overflow naively
    labels = rng.integers(0, 5, size=6)
    loss, d = softmax_cross_entropy(O, labels)
    Ot = torch.tensor(O, requires_grad=True)
    J = F.cross_entropy(Ot, torch.tensor(labels))
    J.backward()
    assert np.isfinite(loss) and loss == pytest.approx(J.item(), rel=1e-12)
    np.testing.assert_allclose(d, Ot.grad.numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(d.sum(axis=1), 0, atol=1e-15)


def test_float32_network_agrees_with_float64():
    net64, X, labels = _random_problem(3, batch=16, n_in=10, n_hidden=32, n_out=5)
    net32 = TwoLayerMLP(10, 32, 5, dtype=np.float32)
    for k, v in net64.params.items():
        net32.params[k][:] = v
    _, d64 = net64.loss(X, labels)
    g64 = net64.backward(d64)
    _, d32 = net32.loss(X.astype(np.float32), labels)
    g32 = net32.backward(d32)
    for k in g64:
        assert g32[k].dtype == np.float32
        np.testing.assert_allclose(g32[k], g64[k], rtol=1e-4, atol=1e-6, err_msg=k)


def test_notes_shapes_100_512_10():
    net = TwoLayerMLP(100, 512, 10, seed=0)
    X = np.random.default_rng(0).normal(size=(3, 100))
    _, dO = net.loss(X, np.array([0, 5, 9]))
    grads = net.backward(dO)
    assert net.shapes == {"W1": (100, 512), "b1": (512,), "W2": (512, 10), "b2": (10,)}
    assert {k: g.shape for k, g in grads.items()} == net.shapes
    assert net.dX.shape == (3, 100)


def test_sgd_step_moves_against_the_gradient_and_keeps_dX_valid():
    net, X, labels = _random_problem(4)
    loss0, dO = net.loss(X, labels)
    grads = {k: g.copy() for k, g in net.backward(dO).items()}
    _, _, _, dX_ref = _torch_reference(net, X, labels, at_zero=0.0)
    before = {k: v.copy() for k, v in net.params.items()}
    net.sgd_step(0.1)
    for k in before:
        np.testing.assert_allclose(net.params[k], before[k] - 0.1 * grads[k], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(net.dX, dX_ref, rtol=RTOL, atol=ATOL)   # W1 at backward time
    loss1, _ = net.loss(X, labels)
    assert loss1 < loss0


def test_predict_is_the_argmax_of_the_logits():
    net, X, _ = _random_problem(6)
    np.testing.assert_array_equal(net.predict(X), np.argmax(net.forward(X), axis=1))


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, match", [
    (dict(n_in=0, n_hidden=4, n_out=2), "n_in must be a positive integer"),
    (dict(n_in=3.0, n_hidden=4, n_out=2), "n_in must be a positive integer"),
    (dict(n_in=3, n_hidden=True, n_out=2), "n_hidden must be a positive integer"),
    (dict(n_in=3, n_hidden=4, n_out=2, dtype=np.int64), "dtype must be float32 or float64"),
    (dict(n_in=3, n_hidden=4, n_out=2, relu_grad_at_zero=2.0), r"relu_grad_at_zero must lie in \[0, 1\]"),
])
def test_bad_constructor_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TwoLayerMLP(**kwargs)


def test_bad_network_input():
    net = TwoLayerMLP(3, 4, 2)
    with pytest.raises(ValueError, match=r"X.reshape\(1, -1\)"):
        net.forward(np.ones(3))
    with pytest.raises(ValueError, match=r"X must have shape \(batch, 3\); got \(2, 5\)"):
        net.forward(np.ones((2, 5)))
    with pytest.raises(ValueError, match="nan or inf"):
        net.forward(np.array([[1.0, np.nan, 0.0]]))
    with pytest.raises(RuntimeError, match="call forward"):
        TwoLayerMLP(3, 4, 2).backward(np.ones((1, 2)))
    net.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match="shape of the logits"):
        net.backward(np.ones((2, 3)))
    with pytest.raises(ValueError, match="lr must be a positive number"):
        net.sgd_step(-0.1, {k: np.zeros_like(v) for k, v in net.params.items()})
    with pytest.raises(ValueError, match="grads must have the keys"):
        net.sgd_step(0.1, {"W1": np.zeros((3, 4))})
    with pytest.raises(ValueError, match=r"at_zero must be a subgradient of relu at 0, i.e. in \[0, 1\]"):
        relu_grad(np.zeros(2), at_zero=-1)


@pytest.mark.parametrize("logits, labels, match", [
    (np.zeros(4), np.array([0]), r"logits must have shape \(batch, n_classes\)"),
    (np.zeros((2, 3)), np.array([0, 1, 2]), r"labels must have shape \(2,\)"),
    (np.zeros((2, 3)), np.array([0, 3]), r"labels must lie in \[0, 3\)"),
    (np.zeros((2, 3)), np.array([0.5, 1.0]), "labels must be integer class indices"),
    (np.array([[0.0, np.inf]]), np.array([0]), "did training diverge"),
])
def test_bad_loss_input(logits, labels, match):
    with pytest.raises(ValueError, match=match):
        softmax_cross_entropy(logits, labels)


def test_float_labels_with_integer_values_are_accepted():
    loss_f, _ = softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 2.0]))
    assert loss_f == pytest.approx(np.log(3))


def test_activations_are_the_intermediate_values_of_the_last_forward():
    net, X, _ = _random_problem(8)
    with pytest.raises(RuntimeError, match="call forward"):
        net.activations
    net.forward(X)
    acts = net.activations
    np.testing.assert_allclose(acts["Y"], X @ net.params["W1"] + net.params["b1"], rtol=1e-13)
    np.testing.assert_array_equal(acts["Z"], np.where(acts["Y"] > 0, acts["Y"], 0))
    np.testing.assert_array_equal(acts["X"], X)
