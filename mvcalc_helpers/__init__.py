"""mvcalc_helpers — the helper package of *Multivariable Calculus for Deep Learning*.

Every chapter notebook imports it as ``import mvcalc_helpers as mh``. The public API is
listed in ``__all__``; each name lives in a module named after its concept:

=============================  =============================================================
module                         concepts
=============================  =============================================================
``neuron``                     the running example: one sigmoid neuron, its loss and derivatives
``symbolic``                   gradient, Jacobian, Hessian, directional derivative (sympy)
``partial_limits``             partial derivatives from the limit definition (chapter 1)
``chain_rule``                 chain-rule terms and total derivatives (chapter 2)
``taylor``                     multivariate Taylor polynomials and the (h∂x + k∂y)^m operator
``extrema``                    critical points and the second-derivative test
``quadratic_forms``            definiteness of symmetric matrices, quadratic forms, minors
``quadratic_classifiers``      Gaussian naive Bayes vs QDA decision boundaries (chapter 5)
``numerical``                  finite-difference / complex-step derivatives, gradient checks
``optimize``                   gradient descent and Newton's method
``matrix_calculus``            ∂f/∂X identities, derived and checked three ways (chapter 6)
``nn``, ``training``           the notes' two-layer ReLU network, its training (chapter 7)
``autodiff``                   a small reverse-mode autodiff engine (Tensor) and forward mode (chapter 8)
``plotting``                   shared figure helpers
``explorers``                  the ipywidgets slider explorers, one module per chapter
``checking``                   answer checks with learner-friendly feedback (exercises)
``grading``                    exercise generation and the ``mvcalc-grade`` grader
=============================  =============================================================

Names are loaded lazily (PEP 562), so ``import mvcalc_helpers`` is cheap and a notebook
pays only for what it uses.

>>> import mvcalc_helpers as mh
>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> mh.gradient(x**2 + 3*x*y + y**2, [x, y]).T
Matrix([[2*x + 3*y, 3*x + 2*y]])
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module (relative to this package) that defines it
_EXPORTS: dict[str, str] = {
    # symbolic derivatives (chapters 1–4)
    "gradient": "symbolic",
    "jacobian": "symbolic",
    "hessian": "symbolic",
    "directional_derivative": "symbolic",
    "difference_quotient": "symbolic",
    "partial_from_limit": "partial_limits",
    "mixed_partials_at": "partial_limits",
    # chain rule (chapter 2)
    "ChainTerm": "chain_rule",
    "chain_rule_terms": "chain_rule",
    "total_derivative": "chain_rule",
    "linearization_error": "chain_rule",
    # Taylor (chapter 4)
    "taylor_polynomial": "taylor",
    "taylor_operator_term": "taylor",
    # extrema, definiteness, quadratic forms (chapter 5)
    "critical_points": "extrema",
    "classify_critical_point": "extrema",
    "IncompleteCriticalPointsWarning": "extrema",
    "definiteness": "quadratic_forms",
    "leading_principal_minors": "quadratic_forms",
    "quadratic_form": "quadratic_forms",
    "quadratic_boundary_data": "quadratic_classifiers",
    "compare_quadratic_classifiers": "quadratic_classifiers",
    "log_odds_quadratic": "quadratic_classifiers",
    "plot_decision_boundary": "quadratic_classifiers",
    # the running example: one sigmoid neuron on the digits 0 and 1 (every chapter)
    "NeuronData": "neuron",
    "load_neuron_data": "neuron",
    "sigmoid": "neuron",
    "neuron_loss": "neuron",
    "neuron_gradient": "neuron",
    "neuron_hessian": "neuron",
    "neuron_fit": "neuron",
    "neuron_loss_expr": "neuron",
    # numerical derivatives
    "numerical_gradient": "numerical",
    "numerical_jacobian": "numerical",
    "numerical_hessian": "numerical",
    "gradient_check": "numerical",
    "relative_error": "numerical",
    "NumericalDerivativeWarning": "numerical",
    "DerivativeResult": "numerical",
    # optimisation (chapters 3–4)
    "gradient_descent": "optimize",
    "newton_method": "optimize",
    "descent_regime": "optimize",
    # matrix calculus (chapter 6)
    "matrix_gradient_check": "matrix_calculus",
    "numerical_matrix_gradient": "matrix_calculus",
    "symbol_matrix": "matrix_calculus",
    "matrix_derivative": "matrix_calculus",
    "vector_derivative": "matrix_calculus",
    "torch_available": "matrix_calculus",
    "autodiff_matrix_gradient": "matrix_calculus",
    "check_matrix_identity": "matrix_calculus",
    "MatrixIdentity": "matrix_calculus",
    "matrix_identities": "matrix_calculus",
    "normal_equations_solve": "matrix_calculus",
    "diabetes_data": "matrix_calculus",
    "squire_trapp_function": "matrix_calculus",
    "finite_difference_errors": "matrix_calculus",
    "differential_identities": "matrix_calculus",
    "neuron_batch_loss": "matrix_calculus",
    "neuron_batch_gradient": "matrix_calculus",
    "linear_layer_jacobian": "matrix_calculus",
    # neural network and training (chapter 7)
    "TwoLayerMLP": "nn",
    "softmax_cross_entropy": "nn",
    "relu": "nn",
    "relu_grad": "nn",
    "softmax": "nn",
    "softmax_jacobian": "nn",
    "dead_relus": "nn",
    "network_gradient_check": "training",
    "torch_gradients": "training",
    "load_digits_split": "training",
    "train_mlp": "training",
    "evaluate": "training",
    # slider explorers and their figures (one module per chapter)
    "Explorer": "explorers._base",
    "partial_slice_explorer": "explorers.partials",
    "plot_partial_slices": "explorers.partials",
    "plot_linearization": "explorers.partials",
    "chain_rule_path_explorer": "explorers.chain_rule",
    "plot_computation_graph": "explorers.chain_rule",
    "plot_neuron_graph": "explorers.chain_rule",
    "directional_derivative_explorer": "explorers.gradient",
    "gradient_descent_explorer": "explorers.gradient",
    "plot_gradient_field": "explorers.gradient",
    "plot_descent_paths": "explorers.gradient",
    "plot_neuron_loss": "explorers.gradient",
    "neuron_descent_explorer": "explorers.gradient",
    "taylor_explorer": "explorers.taylor",
    "learning_rate_explorer": "explorers.curvature",
    "plot_stable_step": "explorers.curvature",
    "hessian_shape_explorer": "explorers.extrema",
    "quadratic_shape": "explorers.extrema",
    "plot_surface_gallery": "explorers.extrema",
    "finite_difference_explorer": "explorers.matrix_calculus",
    "plot_finite_difference_errors": "explorers.matrix_calculus",
    "plot_least_squares_fit": "explorers.matrix_calculus",
    "plot_vjp_shapes": "explorers.matrix_calculus",
    "layout_explorer": "explorers.matrix_calculus",
    "plot_relu_subgradients": "explorers.backprop",
    "backprop_explorer": "explorers.backprop",
    "weight_slice": "explorers.backprop",
    "plot_backprop_graph": "explorers.backprop",
    "plot_training_history": "explorers.backprop",
    "reverse_sweep_explorer": "explorers.autodiff",
    "neuron_graph": "explorers.autodiff",
    "jacobian_costs": "autodiff",
    "plot_autodiff_graph": "explorers.autodiff",
    "plot_jacobian_costs": "explorers.autodiff",
    # notebooks
    "setup_notebook": "notebook_tools",
    "check_setup": "notebook_tools",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    try:
        module_name = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'mvcalc_helpers' has no attribute {name!r}") from None
    module = importlib.import_module(f".{module_name}", __name__)
    value = getattr(module, name)
    globals()[name] = value  # cache: the next access skips __getattr__
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
