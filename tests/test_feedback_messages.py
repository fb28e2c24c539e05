"""Every message the answer checks (mvcalc_helpers.checking) can give, rendered with representative
values into one reviewed file, tests/data/feedback_messages.md, so a reviewer reads them all in one
place. The test fails when a message changes; after reviewing the new wording, regenerate with

    MVCALC_UPDATE_GOLDEN=1 python -m pytest -p no:cacheprovider tests/test_feedback_messages.py
"""
from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import numpy as np
import sympy as sp

from mvcalc_helpers import checking as ck

GOLDEN = Path(__file__).parent / "data" / "feedback_messages.md"
x, y = sp.symbols("x y")


def _double(v):
    return np.array([2 * v[0], 2 * v[1]])


class _Opaque:
    pass


# (section, case, call) — the call either prints ✓ or raises CheckFailed
CASES = [
    ("expression", "right", lambda e: ck.check_expression(2 * x * (x + y), e(2 * x**2 + 2 * x * y), name="∂f/∂x")),
    ("expression", "plural name", lambda e: ck.check_expression(x + y, e(x + y), name="the leading principal minors")),
    ("expression", "wrong value", lambda e: ck.check_expression(3 * x * y**2, e(6 * x * y**2), name="∂z/∂x")),
    ("expression", "article in the name", lambda e: ck.check_expression(3 * x * y**2, e(6 * x * y**2), name="the Jacobian entry J₁₂")),
    ("expression", "negative", lambda e: ck.check_expression(-6 * x * y**2, e(6 * x * y**2), name="∂z/∂x")),
    ("expression", "twice", lambda e: ck.check_expression(x**2 * y, e(x**2 * y / 2), name="f")),
    ("expression", "half", lambda e: ck.check_expression(x**2 * y / 4, e(x**2 * y / 2), name="f")),
    ("expression", "rounded coefficient", lambda e: ck.check_expression(0.4531 * x, e(x * sp.Rational(29, 64)), name="g")),
    ("expression", "missing variable", lambda e: ck.check_expression(16 * x, e(8 * x * y**2), name="∂z/∂x")),
    ("expression", "extra variable", lambda e: ck.check_expression(x + sp.Symbol("t"), e(x + y), name="f")),
    ("expression", "a number instead of an expression", lambda e: ck.check_expression(sp.Integer(4), e(x * y), name="f")),
    ("expression", "undefined", lambda e: ck.check_expression(1 / (x - 1), e(x), name="f")),
    ("expression", "matrix entries", lambda e: ck.check_expression(sp.Matrix([[2 * x, 1], [0, y]]), e(sp.Matrix([[2 * x, 0], [0, y]])), name="the Jacobian J")),
    ("expression", "matrix transposed (square)", lambda e: ck.check_expression(sp.Matrix([[1, x], [y, 1]]), e(sp.Matrix([[1, y], [x, 1]])), name="J")),
    ("expression", "matrix transposed (shape)", lambda e: ck.check_expression(sp.Matrix([[x, y]]), e(sp.Matrix([x, y])), name="∇f")),
    ("expression", "matrix wrong shape", lambda e: ck.check_expression(sp.Matrix([x, y, 1]), e(sp.Matrix([x, y])), name="∇f")),
    ("expression", "matrix instead of expression", lambda e: ck.check_expression(sp.Matrix([x, y]), e(x + y), name="f")),
    ("expression", "expression instead of matrix", lambda e: ck.check_expression(x + y, e(sp.Matrix([x, y])), name="∇f")),
    ("expression", "not given", lambda e: ck.check_expression(None, e(x), name="f")),
    ("expression", "text", lambda e: ck.check_expression("2*x", e(2 * x), name="f")),
    ("expression", "True/False", lambda e: ck.check_expression(True, e(2 * x), name="f")),
    ("expression", "equation", lambda e: ck.check_expression(sp.Eq(sp.Symbol("z"), 2 * x), e(2 * x), name="f")),
    ("expression", "sympy Array", lambda e: ck.check_expression(sp.Array([x, y]), e(sp.Matrix([x, y])), name="∇f")),
    ("expression", "unevaluated derivative", lambda e: ck.check_expression(sp.Derivative(x**2 * y, x), e(2 * x * y), name="∂f/∂x")),
    ("expression", "Python function", lambda e: ck.check_expression(lambda a, b: 2 * a, e(2 * x), name="f")),
    ("expression", "list that is no matrix", lambda e: ck.check_expression([[x], [x, y]], e(sp.Matrix([x, y])), name="∇f")),
    ("expression", "other object", lambda e: ck.check_expression(_Opaque(), e(2 * x), name="f")),
    ("expression", "agrees at a few points only (hidden test)", lambda e: ck.check_expression(
        x * (x - sp.Rational(1, 2)) * (x - sp.Rational(2, 3)) * (x - 1) * (x - 3) * (x + sp.Rational(1, 2)) * (x - sp.Rational(5, 4)) + x,
        x, name="f") if e is _exact else ck.check_expression(x, e(x), name="f")),
    ("number", "right", lambda e: ck.check_number(sp.sqrt(2) / 2, e(0.7071067811865476), name="the slope")),
    ("number", "wrong", lambda e: ck.check_number(3.0, e(2.5), name="the slope")),
    ("number", "negative", lambda e: ck.check_number(-2.5, e(2.5), name="the slope")),
    ("number", "half", lambda e: ck.check_number(1.25, e(2.5), name="the directional derivative")),
    ("number", "rounded", lambda e: ck.check_number(0.4531, e(sp.Rational(29, 64)), name="q")),
    ("number", "several entries", lambda e: ck.check_number([1.0, 2.0], e(2.5), name="the slope")),
    ("number", "True/False", lambda e: ck.check_number(True, e(1), name="the slope")),
    ("number", "text", lambda e: ck.check_number("2.5", e(2.5), name="the slope")),
    ("number", "still a symbol", lambda e: ck.check_number(2 * x, e(2.5), name="the slope")),
    ("number", "not a number", lambda e: ck.check_number({"a": 1}, e(2.5), name="the slope")),
    ("number", "nan", lambda e: ck.check_number(float("nan"), e(2.5), name="the slope")),
    ("array", "right", lambda e: ck.check_array([[1.0, 2.0]], e(np.array([[1, 2]])), name="∇f(1, 2)")),
    ("array", "one entry wrong", lambda e: ck.check_array(np.array([[1.0, 2.0], [3.0, 5.0]]), e(np.array([[1.0, 2.0], [3.0, 4.0]])), name="the Hessian H")),
    ("array", "several entries wrong", lambda e: ck.check_array(np.array([1.0, 0.0, 3.0, 0.0]), e(np.array([1.0, 2.0, 3.0, 4.0])), name="the gradient")),
    ("array", "negative", lambda e: ck.check_array(-np.array([1.0, 2.0]), e(np.array([1.0, 2.0])), name="the step")),
    ("array", "rounded", lambda e: ck.check_array(np.array([0.333, 0.667]), e(np.array([1 / 3, 2 / 3])), name="p")),
    ("array", "transposed (square)", lambda e: ck.check_array(np.array([[1.0, 3.0], [2.0, 4.0]]), e(np.array([[1.0, 2.0], [3.0, 4.0]])), name="dW")),
    ("array", "transposed (shape)", lambda e: ck.check_array(np.array([[1.0], [2.0]]), e(np.array([[1.0, 2.0]])), name="∇f")),
    ("array", "flat instead of a column", lambda e: ck.check_array(np.array([1.0, 2.0]), e(np.array([[1.0], [2.0]])), name="∇f")),
    ("array", "wrong shape", lambda e: ck.check_array(np.array([1.0, 2.0, 3.0]), e(np.array([1.0, 2.0])), name="∇f")),
    ("array", "text", lambda e: ck.check_array("[1, 2]", e(np.array([1.0, 2.0])), name="∇f")),
    ("array", "not given", lambda e: ck.check_array(None, e(np.array([1.0, 2.0])), name="∇f")),
    ("array", "nan", lambda e: ck.check_array(np.array([np.nan, 2.0]), e(np.array([1.0, 2.0])), name="∇f")),
    ("function", "right", lambda e: ck.check_function(_double, [([1.0, 2.0],), ([0.0, -1.0],)], e([np.array([2.0, 4.0]), np.array([0.0, -2.0])], kind="list"), name="grad")),
    ("function", "right, one input", lambda e: ck.check_function(_double, [([1.0, 2.0],)], e([np.array([2.0, 4.0])], kind="list"), name="grad")),
    ("function", "wrong output", lambda e: ck.check_function(lambda v: np.array([v[0], v[1]]), [([1.0, 2.0],)], e([np.array([2.0, 4.0])], kind="list"), name="grad")),
    ("function", "close output", lambda e: ck.check_function(lambda t: (np.sin(t + 1e-3) - np.sin(t)) / 1e-3, [(0.5,)], e([(np.sin(0.5 + 1e-3) - np.sin(0.5 - 1e-3)) / 2e-3], kind="list"), name="partial")),
    ("function", "scalar expected, array returned", lambda e: ck.check_function(lambda t: np.array([t]), [(2.0,)], e([2.0], kind="list"), name="f")),
    ("function", "returns None", lambda e: ck.check_function(lambda t: None, [(1.0,)], e([1.0], kind="list"), name="f")),
    ("function", "raises", lambda e: ck.check_function(lambda t: 1 / 0, [(1.0,)], e([1.0], kind="list"), name="f")),
    ("function", "not a function", lambda e: ck.check_function(2 * x, [(1.0,)], e([1.0], kind="list"), name="f")),
    ("function", "tuple output: one part wrong", lambda e: ck.check_function(lambda a: (a, -a), [(1.0,)], e([(1.0, 1.0)], kind="list"), name="backward", output_names=("y", "dy"))),
    ("function", "tuple output: wrong count", lambda e: ck.check_function(lambda a: np.array([a, a]), [(1.0,)], e([(1.0, 1.0)], kind="list"), name="backward", output_names=("y", "dy"))),
    ("function", "tuple output: wrong shape", lambda e: ck.check_function(lambda a: (np.ones(3), a), [(1.0,)], e([(np.ones(2), 1.0)], kind="list"), name="backward", output_names=("dW", "db"))),
    ("choice", "right", lambda e: ck.check_choice(" B ", e("b"), options="abcd", name="Question 3")),
    ("choice", "wrong letter", lambda e: ck.check_choice("a", e("b"), options="abcd", name="Question 3")),
    ("choice", "not an option", lambda e: ck.check_choice("e", e("b"), options="abcd", name="Question 3")),
    ("choice", "wrong set (shown sorted)", lambda e: ck.check_choice({"d", "b", "a"}, e({"a", "c", "d"}), options="abcde", name="Question 7")),
    ("choice", "text where a set is expected", lambda e: ck.check_choice("a, b, d", e({"a", "b", "d"}), options="abcde", name="Question 7")),
    ("choice", "set where one letter is expected", lambda e: ck.check_choice({"a", "b"}, e("b"), options="abcd", name="Question 3")),
    ("choice", "text where True/False is expected", lambda e: ck.check_choice("True", e(True), name="Question 4")),
    ("choice", "wrong True/False", lambda e: ck.check_choice(False, e(True), name="Question 4")),
    ("choice", "wrong whole number", lambda e: ck.check_choice(3, e(2, kind="choice"), name="the number of saddle points")),
    ("choice", "not given", lambda e: ck.check_choice(None, e("b"), name="Question 3")),
    ("choice", "hint appended", lambda e: ck.check_choice("a", e("b"), name="Question 3", hint="Re-read §1.5: which derivative is taken first?")),
]


def _exact(value, kind=None):
    return value


def _visible(value, kind=None):
    return ck.fingerprint(value, kind=kind)


def _render(call, expect) -> str:
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            call(expect)
    except ck.CheckFailed as err:
        return str(err)
    return out.getvalue().strip()


def render_all() -> str:
    lines = ["# Feedback messages of the answer checks", "",
             "Generated by `tests/test_feedback_messages.py` (review the wording, then regenerate with",
             "`MVCALC_UPDATE_GOLDEN=1`). *visible* = the check students run (against a fingerprint);",
             "*hidden* = the grading test (against the exact answer), shown only where its words differ.", ""]
    section = None
    for sec, case, call in CASES:
        if sec != section:
            lines += ([""] if section else []) + [f"## {sec}", ""]
            section = sec
        vis, hid = _render(call, _visible), _render(call, _exact)
        lines.append(f"- **{case}** — visible: {vis}".replace("\n", " "))
        if hid != vis:
            lines.append(f"  - hidden: {hid}".replace("\n", " "))
    return "\n".join(lines) + "\n"


def test_golden_feedback_messages():
    text = render_all()
    if os.environ.get("MVCALC_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), "run with MVCALC_UPDATE_GOLDEN=1 to create the golden file"
    assert text == GOLDEN.read_text(encoding="utf-8"), \
        "a feedback message changed: review it, then regenerate with MVCALC_UPDATE_GOLDEN=1"


BANNED = [r"\b[Aa] [AEIOU]", r"\bAdd\b", r"\bMul\b", r"\bPow\b", r"ImmutableDense", r"\bEquality\b",
          r"your the\b", r"your your\b", r"of numbers of numbers", r"reshape it to \(\)",
          r"did you", r"is a factor", r"check for a sign"]


def test_messages_have_no_internal_names_or_guesses():
    text = render_all()
    for pattern in BANNED:
        assert not re.search(pattern, text), pattern
    # every failure states what is wrong, every pass says Correct
    for line in text.splitlines():
        if line.startswith("- **right"):
            assert "✓ Correct" in line, line
