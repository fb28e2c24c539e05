"""The reverse sweep owns its gradient arrays (autodiff._reverse_sweep): relu overwrites the
gradient it receives and leaves keep theirs without a copy. These tests pin the rules that make
that safe — no two tensors share a gradient array, a user's seed and the explorer's snapshots are
never overwritten — without needing torch."""
import numpy as np

from mvcalc_helpers.autodiff import Tensor, _reverse_sweep, jacobian


def test_two_leaves_of_one_sum_get_separate_gradient_arrays():
    a = Tensor([1.0, -2.0, 3.0], requires_grad=True)
    b = Tensor([0.5, 0.5, 0.5], requires_grad=True)
    (a + b).relu().sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(b.grad, [1.0, 0.0, 1.0])
    assert not np.shares_memory(a.grad, b.grad)
    a.grad *= 10                                   # a learner scaling one gradient …
    np.testing.assert_array_equal(b.grad, [1.0, 0.0, 1.0])   # … leaves the other alone


def test_a_node_added_to_itself_then_relu():
    x = Tensor([-1.0, 2.0], requires_grad=True)
    (x + x).relu().sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 2.0])


def test_the_seed_gradient_is_not_overwritten():
    x = Tensor([-1.0, 0.0, 2.0], requires_grad=True)
    seed = np.ones(3)
    x.relu().backward(seed)
    np.testing.assert_array_equal(seed, np.ones(3))
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])


def test_relu_output_used_three_times_and_through_views():
    x = Tensor(np.array([[-1.0, 2.0, 3.0], [4.0, -5.0, 0.5]]), requires_grad=True)
    r = x.relu()
    (r * r + r + r.T.T.reshape(3, 2).reshape(2, 3)).sum().backward()
    xr = np.maximum(x.data, 0)
    np.testing.assert_allclose(x.grad, np.where(x.data > 0, 2 * xr + 2, 0.0))


def test_backward_twice_on_one_graph_and_jacobians_through_relu():
    x = Tensor([-1.0, 2.0], requires_grad=True)
    y = (x.relu() * 3).sum()
    y.backward()
    y.backward()                                   # the saved relu output is intact
    np.testing.assert_array_equal(x.grad, [0.0, 6.0])
    J = jacobian(lambda t: (t * t).relu() - t, np.array([-1.0, 2.0, 0.5]))
    np.testing.assert_allclose(J, np.diag([-3.0, 3.0, 0.0]))


def test_recorded_sweep_keeps_snapshots():
    x = Tensor([-1.0, 2.0], requires_grad=True)
    r = x.relu()
    loss = (r * 3).sum()
    seen = {id(node): g for node, g, _ in _reverse_sweep(loss, record=True)}
    np.testing.assert_array_equal(seen[id(r)], [3.0, 3.0])        # ∂ℓ/∂r, before relu's mask
    np.testing.assert_array_equal(seen[id(x)], [0.0, 3.0])
    np.testing.assert_array_equal(x.grad, [0.0, 3.0])
