"""mvcalc_helpers.training: the digits split (against scikit-learn's own scaler) and the SGD
loop (one full-batch step against torch.optim.SGD)."""
import numpy as np
import pytest

from mvcalc_helpers import TwoLayerMLP, evaluate, load_digits_split, train_mlp


@pytest.fixture(scope="module")
def digits():
    return load_digits_split()


def test_split_is_stratified_standardised_with_train_statistics_and_disjoint():
    from sklearn.datasets import load_digits
    from sklearn.preprocessing import StandardScaler

    X_train, X_test, y_train, y_test, tr, te = load_digits_split(return_indices=True)
    raw = load_digits()
    assert len(np.intersect1d(tr, te)) == 0 and len(tr) + len(te) == 1797
    scaler = StandardScaler().fit(raw.data[tr])
    np.testing.assert_allclose(X_train, scaler.transform(raw.data[tr]), atol=1e-12)
    np.testing.assert_allclose(X_test, scaler.transform(raw.data[te]), atol=1e-12)
    np.testing.assert_array_equal(y_train, raw.target[tr])
    np.testing.assert_array_equal(y_test, raw.target[te])
    assert X_train.shape == (1347, 64) and X_test.shape == (450, 64)
    assert np.allclose(np.bincount(y_test) / np.bincount(raw.target), 0.25, atol=0.01)   # stratified
    assert not np.isnan(X_train).any() and not np.isnan(X_test).any()   # constant pixels handled


def test_split_dtype_and_seed():
    X32 = load_digits_split(dtype=np.float32)[0]
    assert X32.dtype == np.float32
    y_a = load_digits_split(seed=1)[2]
    y_b = load_digits_split(seed=2)[2]
    assert not np.array_equal(y_a, y_b)


def test_one_full_batch_epoch_is_one_sgd_step_of_torch(digits):
    torch = pytest.importorskip("torch")
    X_train, _, y_train, _ = digits
    X, y = X_train[:100], y_train[:100]
    net = TwoLayerMLP(64, 16, 10, seed=3)
    P = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    opt = torch.optim.SGD(list(P.values()), lr=0.3)
    O = torch.relu(torch.tensor(X) @ P["W1"] + P["b1"]) @ P["W2"] + P["b2"]
    torch.nn.functional.cross_entropy(O, torch.tensor(y)).backward()
    opt.step()
    train_mlp(net, X, y, epochs=1, lr=0.3, batch_size=100)
    for k, p in P.items():
        np.testing.assert_allclose(net.params[k], p.detach().numpy(), rtol=1e-12, atol=1e-14, err_msg=k)


def test_training_reaches_high_accuracy_and_records_history(digits):
    X_train, X_test, y_train, y_test = digits
    net = TwoLayerMLP(64, 64, 10, seed=0)
    h = train_mlp(net, X_train, y_train, X_test, y_test, epochs=8, lr=0.05, keep_params=True)
    assert h["epoch"] == list(range(9))
    assert len(h["train_loss"]) == len(h["test_acc"]) == len(h["params"]) == 9
    assert h["train_loss"][-1] < 0.5 * h["train_loss"][0]
    assert h["test_acc"][0] < 0.3 and h["test_acc"][-1] >= 0.93
    # the recorded numbers are the network's own evaluation with the stored parameters
    for k, v in h["params"][-1].items():
        np.testing.assert_array_equal(v, net.params[k])
    loss, acc = evaluate(net, X_test, y_test)
    assert loss == pytest.approx(h["test_loss"][-1]) and acc == h["test_acc"][-1]
    assert h["seconds"] > 0


def test_training_is_deterministic_given_the_seed(digits):
    X_train, _, y_train, _ = digits
    runs = []
    for seed in (0, 0, 1):
        net = TwoLayerMLP(64, 8, 10, seed=0)
        runs.append(train_mlp(net, X_train, y_train, epochs=2, seed=seed)["train_loss"])
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_progress_bar_and_threads_none(digits, capsys):
    X_train, _, y_train, _ = digits
    h = train_mlp(TwoLayerMLP(64, 8, 10), X_train[:64], y_train[:64], epochs=2, progress=True, threads=None)
    assert len(h["epoch"]) == 3
    assert "training" in capsys.readouterr().err


def test_evaluate_against_a_direct_computation(digits):
    _, X_test, _, y_test = digits
    net = TwoLayerMLP(64, 8, 10, seed=1)
    O = net.forward(X_test)
    p = np.exp(O - O.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    loss, acc = evaluate(net, X_test, y_test)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(len(y_test)), y_test])))
    assert acc == pytest.approx(np.mean(O.argmax(axis=1) == y_test))


@pytest.mark.parametrize("kwargs, match", [
    (dict(epochs=0), "epochs must be a positive integer"),
    (dict(batch_size=2.5), "batch_size must be a positive integer"),
    (dict(lr=-1.0), "lr .* must be a positive number"),
    (dict(lr=float("nan")), "lr .* must be a positive number"),
    (dict(threads=0), "threads must be a positive integer or None"),
])
def test_bad_training_settings(digits, kwargs, match):
    X_train, _, y_train, _ = digits
    with pytest.raises(ValueError, match=match):
        train_mlp(TwoLayerMLP(64, 4, 10), X_train, y_train, **kwargs)


def test_bad_training_data(digits):
    X_train, X_test, y_train, y_test = digits
    net = TwoLayerMLP(100, 4, 10)
    with pytest.raises(ValueError, match=r"X must have shape \(n_examples, 100\) to fit the network; got \(1347, 64\)"):
        train_mlp(net, X_train, y_train)
    net = TwoLayerMLP(64, 4, 10)
    with pytest.raises(ValueError, match="one label per row"):
        train_mlp(net, X_train, y_test)
    with pytest.raises(ValueError, match="give both X_test and y_test"):
        train_mlp(net, X_train, y_train, X_test)
    with pytest.raises(TypeError, match="net must be a TwoLayerMLP"):
        train_mlp("net", X_train, y_train)
    with pytest.raises(ValueError, match="test_size must be a fraction"):
        load_digits_split(test_size=1.5)
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        load_digits_split(dtype=int)


# --- gradient checks of the whole network --------------------------------------------------

def _small(seed=0, at_zero=0.0):
    rng = np.random.default_rng(seed)
    net = TwoLayerMLP(4, 6, 3, seed=seed, relu_grad_at_zero=at_zero)
    net.params["b1"][:] = rng.normal(size=6)
    return net, rng.normal(size=(3, 4)), rng.integers(0, 3, size=3)


def test_network_gradient_check_passes_for_every_tensor_and_leaves_the_net_alone():
    from mvcalc_helpers import network_gradient_check

    net, X, y = _small()
    arrays = {k: v for k, v in net.params.items()}
    values = {k: v.copy() for k, v in net.params.items()}
    errors = network_gradient_check(net, X, y)
    assert set(errors) == {"W1", "b1", "W2", "b2", "X"}
    assert max(errors.values()) < 1e-8
    for k in values:
        assert net.params[k] is arrays[k]
        np.testing.assert_array_equal(net.params[k], values[k])


def test_network_gradient_check_catches_a_wrong_backward_pass():
    from mvcalc_helpers import network_gradient_check

    class Buggy(TwoLayerMLP):
        def backward(self, dlogits):
            grads = super().backward(dlogits)
            grads["b1"] = 2 * grads["b1"]              # a classic slip: a factor 2 too many
            return grads

    net = Buggy(4, 6, 3, seed=0)
    net.params["b1"][:] = 0.3
    X, y = np.random.default_rng(1).normal(size=(3, 4)), np.array([0, 1, 2])
    errors = network_gradient_check(net, X, y)
    assert errors["b1"] > 0.1 and errors["W1"] < 1e-8


def test_network_gradient_check_fails_when_the_step_crosses_a_relu_kink():
    from mvcalc_helpers import network_gradient_check

    net, X, y = _small(2)
    Y = X @ net.params["W1"] + net.params["b1"]
    net.params["b1"][0] -= Y[0, 0] - 1e-9                # pre-activation Y[0, 0] = 1e-9 > 0
    assert network_gradient_check(net, X, y, tensors=("b1",))["b1"] > 1e-4
    assert network_gradient_check(net, X, y, tensors=("W2",))["W2"] < 1e-7   # W2 does not feel the kink


def test_network_gradient_check_bad_input():
    from mvcalc_helpers import network_gradient_check

    net, X, y = _small()
    with pytest.raises(ValueError, match="tensors must name some of W1, b1, W2, b2, X"):
        network_gradient_check(net, X, y, tensors=("W3",))
    with pytest.raises(ValueError, match="small network"):
        network_gradient_check(TwoLayerMLP(100, 512, 10), np.zeros((1, 100)), np.array([0]))


@pytest.mark.parametrize("at_zero", [0.0, 1.0])
def test_torch_gradients_equal_the_backward_pass(at_zero):
    pytest.importorskip("torch")
    from mvcalc_helpers import relative_error, torch_gradients

    net, X, y = _small(3, at_zero)
    X[0, :] = 0
    net.params["b1"][:2] = 0                           # some pre-activations exactly 0
    loss, g = torch_gradients(net, X, y)
    my_loss, dO = net.loss(X, y)
    mine = dict(net.backward(dO), X=net.dX)
    assert loss == pytest.approx(my_loss, rel=1e-12)
    assert max(relative_error(mine[k], g[k]) for k in g) < 1e-12


def test_torch_gradients_without_torch(monkeypatch):
    import sys

    from mvcalc_helpers import torch_gradients

    monkeypatch.setitem(sys.modules, "torch", None)
    net, X, y = _small()
    with pytest.raises(ImportError, match="PyTorch is not installed"):
        torch_gradients(net, X, y)


def test_unstandardised_split_is_pixels_over_16_with_the_same_rows():
    from sklearn.datasets import load_digits

    X_train, X_test, y_train, y_test, tr, te = load_digits_split(return_indices=True, standardize=False)
    raw = load_digits()
    assert np.array_equal(X_train, raw.data[tr] / 16) and np.array_equal(X_test, raw.data[te] / 16)
    assert np.array_equal(y_train, raw.target[tr]) and X_train.min() == 0 and X_train.max() == 1
