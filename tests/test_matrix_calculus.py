"""mvcalc_helpers.matrix_calculus: element-wise derivatives, layouts, the three-way identity
check, least squares and finite-difference errors — each against an independent reference
(sympy entry by entry, numpy.linalg.lstsq, scikit-learn, published values)."""
import sys
import warnings

import numpy as np
import pytest
import sympy as sp

import mvcalc_helpers as mh


# --- symbolic, entry by entry ----------------------------------------------------------
def test_symbol_matrix_names_like_the_notes():
    A = mh.symbol_matrix("a", 2, 3)
    assert A.shape == (2, 3) and str(A[1, 2]) == "a23"
    x = mh.symbol_matrix("x", 3)
    assert x.shape == (3, 1) and [str(s) for s in x] == ["x1", "x2", "x3"]


@pytest.mark.parametrize("args, exc", [(("a b", 2), TypeError), ((3, 2), TypeError),
                                        (("a", 0), ValueError), (("a", 2, 1.5), ValueError)])
def test_symbol_matrix_bad_input(args, exc):
    with pytest.raises(exc):
        mh.symbol_matrix(*args)


def test_matrix_derivative_is_entrywise_diff():
    z11, z12, z21, z22 = sp.symbols("z11 z12 z21 z22")
    Z = sp.Matrix([[z11, z12], [z21, z22]])
    f = z11 * z22 - z12 * z21                              # the determinant, by hand
    assert mh.matrix_derivative(f, Z) == sp.Matrix([[z22, -z21], [-z12, z11]])
    x = mh.symbol_matrix("x", 2)
    A = sp.Matrix([[1, 2], [3, 4]])
    assert mh.matrix_derivative(x.T * A * x, x) == sp.Matrix([2 * x[0] + 5 * x[1], 5 * x[0] + 8 * x[1]])


def test_matrix_derivative_bad_input():
    x = mh.symbol_matrix("x", 2)
    with pytest.raises(ValueError, match="scalar"):
        mh.matrix_derivative(x, x)                         # a vector f
    with pytest.raises(TypeError, match="plain symbols"):
        mh.matrix_derivative(x[0], 2 * x)
    with pytest.raises(TypeError, match="sympy Matrix"):
        mh.matrix_derivative(x[0], [x[0]])
    with pytest.raises(ValueError, match="repeated"):
        mh.matrix_derivative(x[0], sp.Matrix([x[0], x[0]]))


def test_layout_conventions():
    A, x, a = mh.symbol_matrix("a", 2, 3), mh.symbol_matrix("x", 3), mh.symbol_matrix("c", 3)
    # written out by hand: row i of the Jacobian is the gradient of (Ax)_i
    J = sp.Matrix([[A[i, j] for j in range(3)] for i in range(2)])
    assert mh.vector_derivative(A * x, x, "numerator") == J
    assert mh.vector_derivative(A * x, x, "denominator") == J.T
    assert mh.vector_derivative(a.T * x, x) == a                 # a column
    assert mh.vector_derivative(a.T * x, x, "numerator") == a.T  # a row
    assert mh.vector_derivative(x[0] ** 2, x) == sp.Matrix([2 * x[0], 0, 0])
    with pytest.raises(ValueError, match="layout"):
        mh.vector_derivative(a.T * x, x, "mixed")
    with pytest.raises(ValueError, match="column vector"):
        mh.vector_derivative(x[0], mh.symbol_matrix("z", 2, 2))
    with pytest.raises(ValueError, match="scalar or a vector"):
        mh.vector_derivative(sp.eye(2) * x[0], x)


# --- every identity of the notes against sympy, entry by entry ---------------------------
def _sympy_reference(ident):
    """∂f/∂X derived by sympy from f itself (object arrays of symbols), evaluated at the point."""
    Xs = np.array(sp.symbols(f"X0:{ident.X.size}"), dtype=object).reshape(ident.X.shape)
    if ident.item == "000-S7-8":
        f = sp.Matrix(Xs.tolist()).det()
        consts = {}
    else:
        consts = {k: np.asarray(v, dtype=object) for k, v in ident.constants.items()}
        f = sp.sympify(ident.f(Xs, **consts))
    subs = dict(zip(Xs.ravel(), ident.X.ravel()))
    f = np.asarray(f, dtype=object)
    if f.ndim == 0:
        f = f.reshape(1)
        D = np.array([[float(sp.diff(f[0], s).subs(subs)) for s in Xs.ravel()]])
        return D.reshape(ident.X.shape)
    D = np.array([[float(sp.diff(fk, s).subs(subs)) for s in Xs.ravel()] for fk in f])
    return D.reshape(f.shape + ident.X.shape)


IDENTITIES = mh.matrix_identities(seed=3)


@pytest.mark.parametrize("ident", IDENTITIES, ids=[f"{i.item}:{i.name}" for i in IDENTITIES])
def test_closed_form_matches_sympy_entrywise(ident):
    G = np.asarray(ident.grad(ident.X, **ident.constants), dtype=float)
    np.testing.assert_allclose(G, _sympy_reference(ident), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ident", IDENTITIES, ids=[f"{i.item}:{i.name}" for i in IDENTITIES])
def test_three_way_check_passes_for_every_identity(ident):
    errs = ident.check()
    assert errs["central"] < 1e-8 and errs["complex"] < 1e-12
    if not mh.torch_available():
        pytest.skip("torch is not installed (pip install -e .[torch]): the autodiff check is skipped")
    assert errs["autodiff"] < 1e-12


def test_identities_cover_the_chapter_items():
    items = {i.item for i in mh.matrix_identities()}
    assert items == {"000-S7-1", "000-S7-2", "000-S7-3", "000-S7-3b", "000-S7-3c", "000-S7-3d",
                     "000-S7-4a", "000-S7-4b", "000-S7-5", "000-S7-6", "000-S7-7", "000-S7-8"}


# --- the three-way check catches plausible mistakes --------------------------------------
def test_check_catches_transposed_and_factor_errors():
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    f = lambda A, B: (A @ B).trace()                                # noqa: E731
    right = mh.check_matrix_identity(f, lambda A, B: B.T, A, {"B": B})
    wrong = mh.check_matrix_identity(f, lambda A, B: B, A, {"B": B})  # numerator-layout answer
    assert max(right.values()) < 1e-9
    assert min(wrong.values()) > 0.1
    Z = rng.normal(size=(2, 3))
    half = mh.check_matrix_identity(lambda Z: (Z @ Z.T).trace(), lambda Z: Z, Z)   # dropped 2
    assert min(half.values()) > 0.1


def test_check_of_a_jacobian_and_a_wrong_one():
    rng = np.random.default_rng(2)
    A, x = rng.normal(size=(2, 3)), rng.normal(size=3)
    assert max(mh.check_matrix_identity(lambda x, A: A @ x, lambda x, A: A, x, {"A": A}).values()) < 1e-9
    with pytest.raises(ValueError, match=r"\(2, 3\) is expected"):
        mh.check_matrix_identity(lambda x, A: A @ x, lambda x, A: A.T, x, {"A": A})


def test_check_bad_input():
    Z = np.ones((2, 2))
    with pytest.raises(TypeError, match="callable"):
        mh.check_matrix_identity("tr", lambda Z: np.eye(2), Z)
    with pytest.raises(ValueError, match="shape of X"):
        mh.check_matrix_identity(lambda Z: Z.trace(), lambda Z: np.eye(3), Z)
    with pytest.raises(TypeError, match="dict"):
        mh.check_matrix_identity(lambda Z: Z.trace(), lambda Z: np.eye(2), Z, [1, 2])
    with pytest.raises(ValueError, match="non-finite"):
        mh.check_matrix_identity(lambda Z: Z.trace(), lambda Z: np.eye(2), [[1, np.nan], [0, 1]])


def test_torch_available_here():
    pytest.importorskip("torch")
    assert mh.torch_available() is True


def test_autodiff_agrees_with_sympy():
    pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    Z = rng.normal(size=(3, 3))
    Zs = mh.symbol_matrix("z", 3, 3)
    ref = mh.matrix_derivative((Zs * Zs * Zs).trace(), Zs).subs(dict(zip(Zs, Z.ravel())))
    got = mh.autodiff_matrix_gradient(lambda Z: (Z @ Z @ Z).trace(), Z)
    np.testing.assert_allclose(got, np.array(ref, dtype=float), rtol=1e-12)


def test_autodiff_needs_torch_friendly_f():
    pytest.importorskip("torch")
    with pytest.raises(TypeError, match="torch"):
        mh.autodiff_matrix_gradient(lambda Z: np.linalg.det(Z), np.eye(2))


def test_without_torch_the_check_still_runs(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)               # import torch → ImportError
    assert mh.torch_available() is False
    with pytest.raises(ModuleNotFoundError, match="pip install torch"):
        mh.autodiff_matrix_gradient(lambda Z: Z.trace(), np.eye(2))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        errs = mh.check_matrix_identity(lambda Z: Z.trace(), lambda Z: np.eye(2), np.eye(2) + 1)
    assert np.isnan(errs["autodiff"]) and errs["central"] < 1e-9
    assert any("not installed" in str(x.message) for x in w)


def test_existing_matrix_gradient_check_unchanged():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(3, 4)), rng.normal(size=(4, 3))
    assert mh.matrix_gradient_check(lambda A: np.trace(A @ B), lambda A: B.T, A) < 1e-9


# --- least squares on real data -----------------------------------------------------------
def test_diabetes_data_is_sklearns():
    from sklearn.datasets import load_diabetes

    X, y, names = mh.diabetes_data()
    ref = load_diabetes(scaled=False)
    np.testing.assert_array_equal(X, ref.data)
    np.testing.assert_array_equal(y, ref.target)
    assert names == list(ref.feature_names)


def test_normal_equations_match_lstsq_and_sklearn():
    from sklearn.linear_model import LinearRegression

    X, y, _ = mh.diabetes_data()
    Xd = np.column_stack([np.ones(len(y)), X])
    a = mh.normal_equations_solve(Xd, y)
    np.testing.assert_allclose(a, np.linalg.lstsq(Xd, y, rcond=None)[0], rtol=1e-8)
    lr = LinearRegression().fit(X, y)
    np.testing.assert_allclose(a, np.r_[lr.intercept_, lr.coef_], rtol=1e-7)
    # the gradient 2XᵀXa − 2Xᵀy of ‖y − Xa‖² vanishes at the solution (relative to its parts)
    g = 2 * Xd.T @ Xd @ a - 2 * Xd.T @ y
    assert np.max(np.abs(g) / (2 * np.abs(Xd.T @ y))) < 1e-8


def test_normal_equations_bad_input():
    t = np.arange(4.0)
    with pytest.raises(ValueError, match="linearly dependent"):
        mh.normal_equations_solve(np.column_stack([t, 2 * t]), t)
    with pytest.raises(ValueError, match="one entry per row"):
        mh.normal_equations_solve(np.column_stack([np.ones(4), t]), t[:3])
    with pytest.raises(ValueError, match="2-dimensional"):
        mh.normal_equations_solve(t, t)


# --- finite differences against h ---------------------------------------------------------
def test_squire_trapp_published_derivative():
    f, x = mh.squire_trapp_function()
    # Squire & Trapp (1998), SIAM Review 40(1), p. 110: f'(1.5) = 4.05342789389862
    assert abs(float(sp.diff(f, x).subs(x, sp.Rational(3, 2)).evalf(20)) - 4.0534278938986201) < 1e-15
    assert np.isclose(mh.finite_difference_errors(f, 1.5, [1e-3])["exact"], 4.0534278938986201, rtol=1e-15)


def test_error_slopes_truncation_and_roundoff():
    f, x = mh.squire_trapp_function()
    hs = np.logspace(-4, -2, 9)                       # truncation-dominated region
    e = mh.finite_difference_errors(f, 1.5, hs)
    slope = {m: np.polyfit(np.log10(hs), np.log10(e[m]), 1)[0] for m in ("forward", "central", "complex")}
    assert abs(slope["forward"] - 1) < 0.1
    assert abs(slope["central"] - 2) < 0.1
    assert abs(slope["complex"] - 2) < 0.1
    tiny = mh.finite_difference_errors(f, 1.5, np.logspace(-16, -9, 8))
    assert np.all(tiny["complex"] < 1e-15)            # no cancellation
    assert tiny["forward"][0] > 1e-3 and tiny["central"][0] > 1e-3   # round-off ~ ε/h


def test_finite_difference_errors_match_direct_formulas():
    x = sp.Symbol("x")
    e = mh.finite_difference_errors(sp.sin(x), 0.7, [1e-3])
    d = np.cos(0.7)
    assert np.isclose(e["forward"][0], abs((np.sin(0.7 + 1e-3) - np.sin(0.7)) / 1e-3 - d) / d)
    assert np.isclose(e["central"][0], abs((np.sin(0.701) - np.sin(0.699)) / 2e-3 - d) / d)


def test_finite_difference_errors_bad_input():
    x, y = sp.symbols("x y")
    with pytest.raises(ValueError, match="one variable"):
        mh.finite_difference_errors(x * y, 1.0, [1e-3])
    with pytest.raises(ValueError, match="positive"):
        mh.finite_difference_errors(sp.sin(x), 1.0, [-1e-3])
    with pytest.raises(ValueError, match="not differentiable|not defined"):
        mh.finite_difference_errors(sp.sqrt(x), -1.0, [1e-3])
    with pytest.raises(TypeError, match="x0 must be a number"):
        mh.finite_difference_errors(sp.sin(x), "one", [1e-3])


def test_diabetes_data_fallback_when_files_move(monkeypatch, tmp_path):
    import importlib.machinery
    import importlib.util

    real = importlib.util.find_spec

    def moved(name, *args):
        if name != "sklearn":
            return real(name, *args)
        spec = importlib.machinery.ModuleSpec("sklearn", None, is_package=True)
        spec.submodule_search_locations = [str(tmp_path)]       # no data files there
        return spec

    monkeypatch.setattr(importlib.util, "find_spec", moved)
    X, y, names = mh.diabetes_data()
    assert X.shape == (442, 10) and y.shape == (442,) and names[2] == "bmi"


# --- differentials, the batch neuron, the linear-layer Jacobian (chapter 6, §6.9–6.11) -------
def test_differential_identities_pass_and_catch_a_sign_error():
    idents = mh.differential_identities(seed=3)
    assert len(idents) >= 6 and all(i.item == "diff" for i in idents)
    for ident in idents:
        errs = ident.check()
        assert errs["central"] < 1e-8 and errs["complex"] < 1e-12, ident.name
    inv = next(i for i in idents if "X⁻¹" in i.name)
    wrong = mh.check_matrix_identity(inv.f, lambda X, C: -inv.grad(X, C), inv.X, inv.constants)
    assert wrong["central"] > 0.5                       # d(A⁻¹) = +A⁻¹dAA⁻¹ would be caught


def test_inverse_and_logdet_differentials_against_sympy():
    import sympy as sp

    A = mh.symbol_matrix("a", 2, 2)
    C = sp.Matrix([[1, 2], [-1, 3]])
    f = (C * A.inv()).trace()
    G = mh.matrix_derivative(f, A)
    assert sp.simplify(G + (A.inv() * C * A.inv()).T) == sp.zeros(2, 2)       # −(A⁻¹CA⁻¹)ᵀ
    G_logdet = mh.matrix_derivative(sp.log(A.det()), A)
    assert sp.simplify(G_logdet - A.inv().T) == sp.zeros(2, 2)                # Σ⁻ᵀ
    ident = next(i for i in mh.differential_identities() if "log" in i.name)
    S = ident.X
    Ssym = mh.symbol_matrix("s", 3, 3)
    ref = mh.matrix_derivative(sp.log(Ssym.det()), Ssym)
    subs = dict(zip(list(Ssym), S.ravel().tolist()))
    ref_num = np.array(ref.subs(subs).evalf(), dtype=float)
    assert np.allclose(ident.grad(S), ref_num, rtol=1e-10)


def test_neuron_batch_form_equals_the_one_feature_neuron_and_sympy():
    import sympy as sp

    d = mh.load_neuron_data()
    for w, b in [(0.0, 0.0), (2.0, -1.0), (-4.0, 3.0)]:
        assert np.isclose(mh.neuron_batch_loss([w], b, d.x[:, None], d.y), mh.neuron_loss(w, b, d.x, d.y), rtol=1e-13)
        gw, gb = mh.neuron_batch_gradient([w], b, d.x[:, None], d.y)
        assert np.allclose([gw[0], gb], mh.neuron_gradient(w, b, d.x, d.y), rtol=1e-12, atol=1e-15)
    # two features, three examples: sympy differentiates the written-out loss
    w1, w2, bs = sp.symbols("w1 w2 b")
    X = np.array([[1.0, -2.0], [0.5, 0.0], [-1.0, 3.0]])
    y = np.array([1.0, 0.0, 1.0])
    J = sum(sp.log(1 + sp.exp(X[i, 0] * w1 + X[i, 1] * w2 + bs)) - y[i] * (X[i, 0] * w1 + X[i, 1] * w2 + bs)
            for i in range(3)) / 3
    point = {w1: 0.3, w2: -0.7, bs: 0.2}
    gw, gb = mh.neuron_batch_gradient([0.3, -0.7], 0.2, X, y)
    ref = [float(sp.diff(J, v).subs(point)) for v in (w1, w2, bs)]
    assert np.allclose([*gw, gb], ref, rtol=1e-12)
    assert np.isclose(mh.neuron_batch_loss([0.3, -0.7], 0.2, X, y), float(J.subs(point)), rtol=1e-13)


@pytest.mark.parametrize("args,msg", [(([1.0, 2.0], 0.0, np.ones((3, 1)), [0, 1, 1]), "one entry per column"),
                                      (([1.0], 0.0, np.ones((3, 1)), [0, 1]), "one label per row"),
                                      (([1.0], 0.0, np.ones((2, 1)), [0, 2]), "must be 0 or 1")])
def test_neuron_batch_bad_input(args, msg):
    with pytest.raises(ValueError, match=msg):
        mh.neuron_batch_loss(*args)


def test_linear_layer_jacobian_against_a_numerical_jacobian_and_the_vjp():
    rng = np.random.default_rng(4)
    Z, W, G = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    Jac = mh.linear_layer_jacobian(Z, 2)
    num = mh.numerical_jacobian(lambda w: (Z @ w.reshape(4, 2)).ravel(), W.ravel())   # ∂vec(O)/∂vec(W)
    assert np.allclose(Jac.reshape(6, 8), num, atol=1e-9)
    assert np.allclose(np.einsum("ik,ikjl->jl", G, Jac), Z.T @ G)
    with pytest.raises(ValueError, match="n_out must be a positive integer"):
        mh.linear_layer_jacobian(Z, 0)
