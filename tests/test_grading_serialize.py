"""Values copied out of a student's kernel: faithful round trips, and nothing from a submission is
ever executed by the grader (no pickle, no eval, only sympy's own classes are rebuilt)."""
from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

from mvcalc_helpers import checking as ck
from mvcalc_helpers.grading.key import load_key, solution_variants, strip_hidden
from mvcalc_helpers.grading.serialize import SerializeError, Unsupported, dumps, loads
from grading_support import FIXTURE_KEY

x, y = sp.symbols("x y")


@pytest.mark.parametrize("value", [
    x**2 * sp.sin(y) + sp.Rational(1, 3), sp.Matrix([[x, 1], [sp.pi, sp.sqrt(2)]]),
    sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi), sp.Piecewise((x, x > 0), (0, True)),
    sp.Derivative(sp.Function("f")(x), x), sp.Float("1.25", 30), -sp.oo, sp.I * x,
    sp.Symbol("x", positive=True), sp.Integer(10) ** 40,
])
def test_sympy_round_trip(value):
    back = loads(dumps(value, side="kernel"))
    assert back == value and type(back) is type(value)


@pytest.mark.parametrize("value", [
    np.arange(6.0).reshape(2, 3), np.array([1, 2]), np.array([True, False]), np.array([1 + 2j]),
    np.array([np.nan, np.inf]), 3, 2.5, 1e-300, 3 + 4j, "b", True, None, ..., (1, "a"), [1.5, [2]],
    {"a": 1}, {1, 2}, np.float64(0.1), np.int64(7),
])
def test_plain_round_trip(value):
    back = loads(dumps(value, side="kernel"))
    if isinstance(value, np.ndarray):
        assert back.dtype.kind == value.dtype.kind and back.shape == value.shape
        np.testing.assert_array_equal(back, value)
    else:
        assert back == value or (back is value)


def test_torch_tensor_becomes_array():
    torch = pytest.importorskip("torch")
    back = loads(dumps(torch.tensor([[1.0, 2.0]]), side="kernel"))
    np.testing.assert_array_equal(back, [[1.0, 2.0]])


def test_functions_become_references_and_code_is_refused():
    refs = {}

    def register(obj):
        refs["r0"] = obj
        return "r0"
    text = dumps(lambda v: v, side="kernel", register=register)
    assert json.loads(text) == {"t": "callable", "ref": "r0", "name": "<lambda>"}
    with pytest.raises(SerializeError):
        loads(text)                                 # no callback → refused
    assert loads(text, make_callable=lambda ref, name: (ref, name)) == ("r0", "<lambda>")
    # a student's value that claims to be code is never evaluated by the grader
    with pytest.raises(SerializeError, match="never accepted"):
        loads(json.dumps({"t": "pyfunc", "src": "__import__('os').system('echo pwned')"}))
    # a student's ck.pyfunc travels as an opaque function reference, not as source
    assert json.loads(dumps(ck.pyfunc("lambda v: 1"), side="kernel", register=register))["t"] == "callable"
    # the grader sends its own pyfunc inputs as source (the kernel side rebuilds them)
    assert loads(dumps(ck.pyfunc("lambda v: 2*v")), side="kernel")(3) == 6


@pytest.mark.parametrize("payload", [
    {"t": "B", "f": "__import__", "a": []},
    {"t": "B", "f": "eval", "a": []},
    {"t": "B", "f": "Symbol", "a": [{"t": "pyfunc", "src": "1"}]},
    {"t": "Z", "v": "1" * 6000},
    {"t": "nd", "kind": "f", "shape": [2], "v": ["1.0", "oops"]},
    {"t": "S", "n": {"not": "a name"}},
    ["not", "tagged"],
])
def test_malformed_or_hostile_payloads_are_refused(payload):
    with pytest.raises(SerializeError):
        loads(json.dumps(payload))


def test_unknown_types_are_placeholders():
    class Thing:
        pass
    back = loads(dumps(Thing(), side="kernel", register=None))
    assert isinstance(back, Unsupported) and back.type_name == "Thing"
    with pytest.raises(ck.CheckFailed, match="Thing"):
        ck.check_expression(back, x)


def test_key_reading():
    key = load_key(FIXTURE_KEY)
    q4 = key.question("q4")
    assert q4.student_names == {"partial"}
    assert "BEGIN HIDDEN" not in q4.visible_source and "f_h" not in q4.visible_source
    assert {"x", "y", "g", "ck", "sp", "np", "mh"} <= key.base_names
    assert strip_hidden("a\n### BEGIN HIDDEN TESTS\nsecret\n### END HIDDEN TESTS\n") == "a\n"
    right, wrong = solution_variants("def f(v):\n    ### BEGIN SOLUTION\n    return 2*v\n"
                                     "    # WRONG: return v\n    ### END SOLUTION\n")
    assert right == "def f(v):\n    return 2*v\n" and wrong == ["def f(v):\n    return v\n"]
