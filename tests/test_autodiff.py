"""The reverse-mode engine against torch.autograd (float64) on random expression graphs, its
forward mode against its reverse mode, chapter 7's hand-written backward pass, and its errors."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

from mvcalc_helpers import autodiff as ad
from mvcalc_helpers.autodiff import Tensor, cross_entropy

torch = pytest.importorskip("torch")

UNARY = ["neg", "exp_small", "log_pos", "tanh", "sin", "relu", "square", "T", "sum0", "mean1", "reshape"]
BINARY = ["+", "-", "*", "/", "@"]


def _apply_unary(op, a, lib):
    """One unary op on an engine Tensor (lib='ad') or a torch tensor (lib='torch')."""
    T = lib == "torch"
    if op == "neg":
        return -a
    if op == "exp_small":
        return (a * 0.3).exp()
    if op == "log_pos":
        return (a * a + 1.0).log()
    if op == "tanh":
        return a.tanh()
    if op == "sin":
        return a.sin()
    if op == "relu":
        return a.relu()
    if op == "square":
        return a ** 2
    if op == "T":
        return a.T if a.ndim == 2 else a
    if op == "sum0":
        return a.sum(0) if a.ndim >= 1 and T else (a.sum(axis=0) if a.ndim >= 1 else a)
    if op == "mean1":
        if a.ndim == 2:
            return a.mean(1) if T else a.mean(axis=1)
        return a
    if op == "reshape":
        n = int(np.prod(a.shape))
        return a.reshape(n) if T else a.reshape(n)
    raise AssertionError(op)


def _apply_binary(op, a, b):
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / (b * b + 1.0)
    if op == "@":
        return a @ b
    raise AssertionError(op)


def _compatible(op, sa, sb):
    if op == "@":
        return len(sa) in (1, 2) and len(sb) in (1, 2) and sa[-1] == sb[0]
    try:
        np.broadcast_shapes(sa, sb)
        return True
    except ValueError:
        return False


shapes = st.sampled_from([(), (3,), (1, 3), (2, 3), (2, 1), (3, 2), (3, 3)])


@st.composite
def programs(draw):
    leaves = draw(st.lists(shapes, min_size=2, max_size=3))
    steps = []
    cur = list(leaves)
    for _ in range(draw(st.integers(2, 7))):
        if draw(st.booleans()):
            i = draw(st.integers(0, len(cur) - 1))
            op = draw(st.sampled_from(UNARY))
            steps.append(("u", op, i))
            cur.append(_shape_after(op, cur[i]))
        else:
            i = draw(st.integers(0, len(cur) - 1))
            j = draw(st.integers(0, len(cur) - 1))   # i == j: a node used twice
            op = draw(st.sampled_from(BINARY))
            if not _compatible(op, cur[i], cur[j]):
                op = "+" if _compatible("+", cur[i], cur[j]) else None
            if op is None:
                continue
            steps.append(("b", op, i, j))
            cur.append(np.matmul(np.empty(cur[i]), np.empty(cur[j])).shape if op == "@"
                       else np.broadcast_shapes(cur[i], cur[j]))
    seed = draw(st.integers(0, 2**16))
    return leaves, steps, seed


def _shape_after(op, s):
    if op not in ("T", "sum0", "mean1", "reshape"):      # elementwise: same shape
        return s
    if op == "T":
        return tuple(reversed(s)) if len(s) == 2 else s
    if op == "sum0":
        return s[1:] if len(s) >= 1 else s
    if op == "mean1":
        return s[:1] if len(s) == 2 else s
    if op == "reshape":
        return (int(np.prod(s)),)
    raise AssertionError(op)


def _run(program, lib):
    leaves, steps, seed = program
    rng = np.random.default_rng(seed)
    values = [rng.normal(size=s) for s in leaves]
    if lib == "torch":
        inputs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    else:
        inputs = [Tensor(v, requires_grad=True) for v in values]
    nodes = list(inputs)
    for step in steps:
        if step[0] == "u":
            nodes.append(_apply_unary(step[1], nodes[step[2]], lib))
        else:
            nodes.append(_apply_binary(step[1], nodes[step[2]], nodes[step[3]]))
    # every node contributes to the loss, so unused branches are differentiated too
    loss = sum((n * n).sum() * (0.1 * (k + 1)) for k, n in enumerate(nodes))
    loss.backward()
    grads = [(i.grad.detach().numpy() if lib == "torch" else i.grad) for i in inputs]
    return float(loss.detach() if lib == "torch" else loss.item()), grads


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_graphs_match_torch_autograd_float64(program):
    loss, grads = _run(program, "ad")
    ref_loss, ref_grads = _run(program, "torch")
    assert np.isclose(loss, ref_loss, rtol=1e-12)
    for g, r in zip(grads, ref_grads):
        assert g.shape == r.shape
        np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-12)


def test_scalars_on_either_side_and_numpy_scalars():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (2 - x) * 3 + 1 / x + np.float64(2.0) * x - x / 4
    y.sum().backward()
    np.testing.assert_allclose(x.grad, -3 - 1 / np.array([1.0, 4.0]) + 2 - 0.25)


def test_node_used_twice_accumulates_and_leaves_accumulate_across_calls():
    x = Tensor(3.0, requires_grad=True)
    y = x * x + x            # x used three times
    y.backward()
    assert x.grad == 7.0
    y.backward()             # PyTorch convention: .grad accumulates
    assert x.grad == 14.0
    x.zero_grad()
    (x * 2).backward()
    assert x.grad == 2.0


def test_relu_derivative_at_zero_is_zero_like_torch():
    x = Tensor([-1.0, 0.0, 2.0], requires_grad=True)
    x.relu().sum().backward()
    t = torch.tensor([-1.0, 0.0, 2.0], dtype=torch.float64, requires_grad=True)
    t.relu().sum().backward()
    np.testing.assert_array_equal(x.grad, t.grad.numpy())


@pytest.mark.parametrize("scale", [1.0, 1000.0])
def test_cross_entropy_matches_torch_and_is_stable(scale):
    rng = np.random.default_rng(0)
    O = rng.normal(size=(5, 4)) * scale
    y = rng.integers(0, 4, size=5)
    t = torch.tensor(O, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(t, torch.tensor(y))
    ref.backward()
    o = Tensor(O, requires_grad=True)
    loss = cross_entropy(o, y)
    loss.backward()
    assert np.isfinite(loss.item())
    assert np.isclose(loss.item(), ref.item(), rtol=1e-12)
    np.testing.assert_allclose(o.grad, t.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_two_layer_network_equals_handwritten_backward_pass_and_torch():
    import mvcalc_helpers as mh

    net = mh.TwoLayerMLP(100, 512, 10, seed=0)
    rng = np.random.default_rng(1)
    X = rng.normal(size=(32, 100))
    y = rng.integers(0, 10, size=32)
    loss_ref, dlogits = mh.softmax_cross_entropy(net.forward(X), y)
    ref = net.backward(dlogits)
    params = {k: Tensor(v, requires_grad=True) for k, v in net.params.items()} if hasattr(net, "params") \
        else {k: Tensor(getattr(net, k), requires_grad=True) for k in ("W1", "b1", "W2", "b2")}
    Xt = Tensor(X, requires_grad=True)
    H = (Xt @ params["W1"] + params["b1"]).relu()
    loss = cross_entropy(H @ params["W2"] + params["b2"], y)
    loss.backward()
    assert np.isclose(loss.item(), loss_ref, rtol=1e-12)
    for k in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(params[k].grad, ref[k], rtol=1e-10, atol=1e-12)
    tp = {k: torch.tensor(p.data, requires_grad=True) for k, p in params.items()}
    tl = torch.nn.functional.cross_entropy(
        torch.relu(torch.tensor(X) @ tp["W1"] + tp["b1"]) @ tp["W2"] + tp["b2"], torch.tensor(y))
    tl.backward()
    for k in tp:
        np.testing.assert_allclose(params[k].grad, tp[k].grad.numpy(), rtol=1e-10, atol=1e-12)


@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 1000))
@settings(max_examples=30, deadline=None)
def test_forward_and_reverse_jacobians_agree(n, m, seed):
    A = np.random.default_rng(seed).normal(size=(m, n))
    f = lambda t: (A @ t).tanh() * (t.sum() + 2.0)
    x = np.random.default_rng(seed + 1).normal(size=n)
    J_r = ad.jacobian(f, x, mode="reverse")
    J_f = ad.jacobian(f, x, mode="forward")
    tx = torch.tensor(x)
    J_t = torch.autograd.functional.jacobian(
        lambda t: torch.tanh(torch.tensor(A) @ t) * (t.sum() + 2.0), tx).numpy()
    np.testing.assert_allclose(J_r, J_t, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(J_f, J_t, rtol=1e-10, atol=1e-12)


def test_deep_chain_does_not_hit_the_recursion_limit():
    x = Tensor(0.5, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


@pytest.mark.parametrize("make, match", [
    (lambda: Tensor(np.ones((2, 3))) + Tensor(np.ones(4)), r"\(2, 3\) and \(4,\)"),
    (lambda: Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 5))), r"\(2, 3\) and \(4, 5\)"),
    (lambda: Tensor(np.ones((2, 3))).reshape(4), r"\(2, 3\).*\(4,\)"),
    (lambda: Tensor(np.ones(2)) * Tensor(np.ones(3)), r"\(2,\) and \(3,\)"),
])
def test_shape_mismatch_names_both_shapes(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_backward_on_non_scalar_needs_a_seed():
    x = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(3,\) needs a seed gradient"):
        (x * 2).backward()
    (x * 2).backward(np.ones(3))
    np.testing.assert_array_equal(x.grad, [2.0, 2.0, 2.0])
    with pytest.raises(ValueError, match="seed gradient has shape"):
        (x * 2).backward(np.ones(2))


def test_other_bad_inputs_are_clear():
    with pytest.raises(TypeError, match="numbers"):
        Tensor(["a", "b"])
    with pytest.raises(TypeError, match="scalar"):
        Tensor([1.0]) ** Tensor([2.0])
    with pytest.raises(RuntimeError, match="nothing to differentiate"):
        (Tensor(1.0) * 2).backward()
    with pytest.raises(ValueError, match="positive"):
        Tensor([-1.0], requires_grad=True).log()
    with pytest.raises(ValueError, match=r"labels must lie in 0 … 2"):
        cross_entropy(Tensor(np.zeros((2, 3))), [0, 3])
    with pytest.raises(TypeError, match="cannot mix"):
        Tensor(1.0) + ad.Dual(1.0)
