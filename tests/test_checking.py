"""Tests of mvcalc_helpers.checking: right answers pass, plausible wrong ones fail with words a
learner can act on, and the visible (fingerprint) check never contains the answer."""
import numpy as np
import pytest
import sympy as sp

from mvcalc_helpers import checking as ck

x, y, z = sp.symbols("x y z")


def fails(fn, *args, **kwargs) -> str:
    with pytest.raises(ck.CheckFailed) as info:
        fn(*args, **kwargs)
    assert isinstance(info.value, AssertionError)
    return str(info.value)


# ---------------------------------------------------------------- expressions

EQUIVALENT = [
    (2 * x * (x + y), 2 * x**2 + 2 * x * y),
    (sp.sin(x) ** 2 + sp.cos(x) ** 2 + y, 1 + y),
    (sp.exp(x + y), sp.exp(x) * sp.exp(y)),
    ((x**2 - y**2) / (x - y), x + y),
    (sp.Rational(1, 2) * x**2, x**2 / 2),
    (0.5 * x**2, x**2 / 2),                     # a float coefficient that is exact in binary
    (sp.Matrix([2 * x * y, x**2]), sp.Matrix([[2 * x * y], [x**2]])),
]


@pytest.mark.parametrize("answer, expected", EQUIVALENT)
@pytest.mark.parametrize("visible", [False, True])
def test_equivalent_expressions_pass(answer, expected, visible, capsys):
    ck.check_expression(answer, ck.fingerprint(expected) if visible else expected, name="f")
    assert capsys.readouterr().out.startswith("✓ Correct")


WRONG = [  # (answer, expected, words the feedback must contain)
    (3 * x * y**2, 6 * x * y**2, "not right"),
    (x**2 * y, x**2 * y / 2, "twice the expected value"),   # dropped ½
    (x**2 * y / 4, x**2 * y / 2, "½ of the expected value"),
    (-6 * x * y**2, 6 * x * y**2, "negative of the expected value"),
    (16 * x, 8 * x * y**2, "depends on y"),
    (6 * x * y**2 + z, 6 * x * y**2, "contains z"),
    (0.333 * x, x / 3, "close to the expected value but not equal"),                       # rounding is not an answer
    (sp.Matrix([[2 * x * y, x**2]]), sp.Matrix([2 * x * y, x**2]), "transpose of the expected"),
    (sp.Matrix([[1, x], [y, 1]]), sp.Matrix([[1, y], [x, 1]]), "transpose"),
    (sp.Matrix([x, y]), x + y, "single expression"),
    (x + y, sp.Matrix([x, y]), "Matrix is expected"),
    (1 / (x - 1), x, "undefined at x = 1"),
]


@pytest.mark.parametrize("answer, expected, words", WRONG)
@pytest.mark.parametrize("visible", [False, True])
def test_wrong_expressions_fail_with_feedback(answer, expected, words, visible):
    msg = fails(ck.check_expression, answer, ck.fingerprint(expected) if visible else expected, name="f")
    assert msg.startswith("✗ f is not right")
    assert words in msg


def test_expression_message_names_point_and_value():
    msg = fails(ck.check_expression, 16 * x, ck.fingerprint(8 * x * y**2), name="∂z/∂x")
    # independent: 16*x at x=1 is 16, the expected 8xy² at (1, 2) is 32
    assert "at (x, y) = (1, 2) your ∂z/∂x is 16" in msg
    assert "32" not in msg  # the expected value is never shown


def test_fingerprint_hides_the_answer():
    fp = ck.fingerprint(6 * x * y**2 + sp.Rational(7, 3))
    payload = ck._decode(fp)
    text = fp + repr(payload)
    for leak in ("6*x", "7/3", "x*y**2", "2.333", "32"):
        assert leak not in text
    assert payload["vars"] == ["x", "y"]


def test_fingerprint_is_deterministic_and_form_independent():
    assert ck.fingerprint((x + y) ** 2) == ck.fingerprint(x**2 + 2 * x * y + y**2)
    assert ck.fingerprint(x * y) != ck.fingerprint(x + y)


@pytest.mark.parametrize("bad, words", [
    (None, "not given an answer"), (..., "not given an answer"), ("2*x", "the text"),
    (lambda x: 2 * x, "Python function"), (True, "True/False"), ({"a": 1}, "not an algebraic expression"), (object(), "expected format is a sympy expression"),
])
def test_expression_bad_types_explained(bad, words):
    assert words in fails(ck.check_expression, bad, 2 * x, name="f")


def test_assumption_symbols_still_match():
    xp = sp.Symbol("x", positive=True)
    ck.check_expression(2 * xp, 2 * x, name="f")
    ck.check_expression(sp.sqrt(xp**2), sp.Symbol("x", positive=True), name="f")


# ---------------------------------------------------------------- numbers

@pytest.mark.parametrize("answer", [2, 2.0, np.float64(2.0), sp.Integer(2), sp.Rational(10, 5),
                                    np.array(2.0), [2.0], 2.0000000001])
@pytest.mark.parametrize("visible", [False, True])
def test_numbers_pass(answer, visible):
    ck.check_number(answer, ck.fingerprint(2) if visible else 2, name="d")


@pytest.mark.parametrize("answer, words", [
    (-2, "negative of the expected"), (4, "twice"), (1, "½ of"), (10, "your answer is 10"),
    ("2", "the text"), (None, "not given"), (sp.Symbol("a"), "contains the symbol"),
    ([1, 2], "single number"), (float("nan"), "nan"), (True, "True/False"),
])
@pytest.mark.parametrize("visible", [False, True])
def test_wrong_numbers_fail(answer, words, visible):
    msg = fails(ck.check_number, answer, ck.fingerprint(2) if visible else 2, name="d")
    assert words in msg


def test_number_tolerance_and_irrational():
    ck.check_number(sp.sqrt(2) / 2, ck.fingerprint(np.sqrt(0.5)))
    ck.check_number(0.70710678, np.sqrt(0.5))            # within rtol 1e-6
    fails(ck.check_number, 0.7071, np.sqrt(0.5))
    fails(ck.check_number, 0.7071, ck.fingerprint(np.sqrt(0.5)))
    ck.check_number(1e-12, 0.0)                           # below atol
    ck.check_number(1e-12, ck.fingerprint(0.0))


def test_number_near_rounding_edge():
    # 0.1234565 sits on a 6-digit rounding edge; tiny perturbations either side must still pass
    fp = ck.fingerprint(0.1234565)
    for v in (0.1234565 * (1 + 1e-9), 0.1234565 * (1 - 1e-9)):
        ck.check_number(v, fp)


# ---------------------------------------------------------------- arrays

def test_array_pass_and_types():
    exp = np.array([[1.0, 2.0], [3.0, 4.0]])
    for ans in (exp.copy(), exp.tolist(), sp.Matrix(exp), exp + 1e-9):
        ck.check_array(ans, exp)
        ck.check_array(ans, ck.fingerprint(exp))
    torch = pytest.importorskip("torch")
    ck.check_array(torch.tensor(exp), ck.fingerprint(exp))


@pytest.mark.parametrize("visible", [False, True])
def test_array_feedback(visible):
    exp = np.array([[1.0, 2.0], [3.0, 4.0]])
    e = ck.fingerprint(exp) if visible else exp
    assert "transpose" in fails(ck.check_array, exp.T, e)
    assert "negative of the expected" in fails(ck.check_array, -exp, e)
    assert "entry [0, 0] is not right" in fails(ck.check_array, exp + np.eye(2) * [[1, 0], [0, 0]], e)
    assert "shape (4,)" in fails(ck.check_array, exp.ravel(), e)
    assert "right numbers" in fails(ck.check_array, exp.reshape(1, 4), e)
    row = np.array([[1.0, 2.0, 3.0]])
    assert "transpose of the expected one" in fails(ck.check_array, row.T, ck.fingerprint(row) if visible else row)


# ---------------------------------------------------------------- functions

def numerical_gradient_ref(f, p, h=1e-6):
    p = np.asarray(p, float)
    return np.array([(f(p + h * e) - f(p - h * e)) / (2 * h) for e in np.eye(len(p))])


def test_check_function_with_pyfunc_inputs():
    f = ck.pyfunc("lambda v: v[0]**2 * v[1]")
    inputs = [(f, [1.0, 2.0]), (f, [-1.0, 0.5])]
    exact = [np.array([4.0, 1.0]), np.array([-1.0, 1.0])]     # (2xy, x²) by hand
    ck.check_function(numerical_gradient_ref, inputs, exact, rtol=1e-5)
    ck.check_function(numerical_gradient_ref, inputs, ck.fingerprint(exact, kind="list", rtol=1e-5))
    forward = lambda f, p, h=1e-6: np.array([(f(np.asarray(p, float) + h * e) - f(np.asarray(p, float))) / h
                                             for e in np.eye(len(p))])  # noqa: E731
    msg = fails(ck.check_function, lambda f, p: numerical_gradient_ref(f, p) / 2, inputs, exact, rtol=1e-5)
    assert "½ of the expected value" in msg and "your function returned" in msg
    ck.check_function(forward, inputs, exact, rtol=1e-3)  # forward differences pass a loose tolerance
    fails(ck.check_function, forward, inputs, exact, rtol=1e-9)


def test_check_function_errors_explained():
    def boom(v):
        raise ZeroDivisionError("division by zero")
    assert "raised ZeroDivisionError" in fails(ck.check_function, boom, [(1.0,)], [1.0])
    assert "returned None" in fails(ck.check_function, lambda v: None, [(1.0,)], [1.0])
    assert "should be a Python function" in fails(ck.check_function, 3, [(1.0,)], [1.0])
    with pytest.raises(TypeError, match='kind="list"'):
        ck.check_function(lambda v: v, [(1.0,)], ck.fingerprint(1.0))


def test_check_function_tuple_outputs_name_the_wrong_part():
    rng = np.random.default_rng(1)
    X, W, G = rng.normal(size=(3, 2)), rng.normal(size=(2, 4)), rng.normal(size=(3, 4))
    right = [(G @ W.T, X.T @ G)]

    def transposed(X, W, G):
        return G @ W.T, G.T @ X
    for exp in (right, ck.fingerprint(right, kind="list")):
        ck.check_function(lambda X, W, G: (G @ W.T, X.T @ G), [(X, W, G)], exp)
        msg = fails(ck.check_function, transposed, [(X, W, G)], exp, output_names=("dX", "dW"))
        assert "dW" in msg and "transpose" in msg
        assert "2 values" in fails(ck.check_function, lambda X, W, G: G @ W.T, [(X, W, G)], exp,
                                   output_names=("dX", "dW"))


# ---------------------------------------------------------------- choices

@pytest.mark.parametrize("visible", [False, True])
def test_choices(visible):
    e = (lambda v: ck.fingerprint(v, kind="choice")) if visible else (lambda v: v)
    ck.check_choice(" B", e("b"), options="abcd")
    assert "not the right answer" in fails(ck.check_choice, "c", e("b"), options="abcd")
    assert "not one of the options" in fails(ck.check_choice, "e", e("b"), options="abcd")
    ck.check_choice(True, e(True))
    fails(ck.check_choice, False, e(True))
    fails(ck.check_choice, 1, e(True))          # 1 is not True for a concept answer
    ck.check_choice({"c", "a"}, e({"a", "c"}), options="abcd")
    fails(ck.check_choice, {"a"}, e({"a", "c"}), options="abcd")
    ck.check_choice(3, e(3))
    assert "not given" in fails(ck.check_choice, None, e("b"))


def test_wrong_kind_of_fingerprint_is_an_author_error():
    with pytest.raises(TypeError, match="check_number"):
        ck.check_choice("b", ck.fingerprint(2.0))
    with pytest.raises(TypeError, match="check_choice"):
        ck.check_number(2.0, ck.fingerprint("b"))


def test_checks_return_none():
    # nbgrader reads a number left on a test cell's last line as partial credit
    assert ck.check_number(2, 2) is None
    assert ck.check_choice("a", "a") is None
