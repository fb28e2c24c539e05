"""Copy answer values between the student's kernel and the grader as plain JSON.

The grader never unpickles or ``eval``s anything that comes from a student's kernel: sympy
objects travel as trees of class names (rebuilt only from sympy's own classes, unevaluated),
arrays as lists of numbers, functions as opaque references that the grader calls back through
the kernel. A student can only ever hand over *values*, never code the grader runs.

>>> import sympy as sp, numpy as np
>>> x, y = sp.symbols("x y")
>>> loads(dumps(sp.Matrix([[x**2*sp.sin(y), sp.Rational(1, 3)]])))
Matrix([[x**2*sin(y), 1/3]])
>>> loads(dumps({"a": np.arange(3.0), "b": (1, 2.5, "c", None)}))
{'a': array([0., 1., 2.]), 'b': (1, 2.5, 'c', None)}
"""
from __future__ import annotations

import json
import math
import numbers

__all__ = ["dumps", "loads", "Unsupported", "SerializeError", "MAX_BYTES"]

MAX_BYTES = 20_000_000
_MAX_STR = 100_000
_MAX_DEPTH = 200


class SerializeError(ValueError):
    """A value cannot be copied out of (or into) a kernel."""


class Unsupported:
    """Stands for a student value of a type the checks cannot use (its type name is kept).

    >>> Unsupported("Foo")
    <a Foo object>
    """

    def __init__(self, type_name: str, reason: str = ""):
        self.type_name = type_name
        self.reason = reason

    def __repr__(self):
        return f"<a {self.type_name} object>"


_CONSTANTS = ("pi", "E", "I", "oo", "zoo", "nan", "EulerGamma", "GoldenRatio", "Catalan")


def _encode(obj, ctx, depth=0):
    if depth > _MAX_DEPTH:
        raise SerializeError("nested too deeply")
    if obj is None or isinstance(obj, bool):
        return obj
    if obj is Ellipsis:
        return {"t": "ellipsis"}
    if isinstance(obj, str):
        if len(obj) > _MAX_STR:
            raise SerializeError("string too long")
        return obj
    np = ctx["np"]
    if np is not None and isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, numbers.Integral) and not _is_sympy(obj):
        return {"t": "int", "v": str(int(obj))}
    if isinstance(obj, float) or (np is not None and isinstance(obj, np.floating)):
        v = float(obj)
        return {"t": "float", "v": repr(v)}
    if isinstance(obj, complex) or (np is not None and isinstance(obj, np.complexfloating)):
        v = complex(obj)
        return {"t": "complex", "re": repr(v.real), "im": repr(v.imag)}
    if np is not None and isinstance(obj, np.ndarray):
        return _encode_array(obj, ctx, depth)
    if hasattr(obj, "detach") and hasattr(obj, "numpy") and type(obj).__module__.startswith("torch"):
        return _encode_array(obj.detach().cpu().numpy(), ctx, depth)
    if _is_sympy(obj):
        return _encode_sympy(obj, ctx, depth)
    if isinstance(obj, (list, tuple, set, frozenset)):
        tag = {list: "list", tuple: "tuple", set: "set", frozenset: "set"}.get(type(obj), None)
        if tag is None:
            tag = "tuple" if isinstance(obj, tuple) else "list" if isinstance(obj, list) else "set"
        return {"t": tag, "v": [_encode(v, ctx, depth + 1) for v in obj]}
    if isinstance(obj, dict):
        return {"t": "dict", "v": [[_encode(k, ctx, depth + 1), _encode(v, ctx, depth + 1)]
                                   for k, v in obj.items()]}
    pyfunc = ctx.get("pyfunc_type")
    if pyfunc is not None and isinstance(obj, pyfunc) and ctx["side"] == "grader":
        return {"t": "pyfunc", "src": obj.source}
    if callable(obj):
        register = ctx.get("register")
        if register is None:
            raise SerializeError("test inputs that are functions must be ck.pyfunc('lambda ...')")
        return {"t": "callable", "ref": register(obj), "name": getattr(obj, "__name__", type(obj).__name__)}
    return {"t": "unsupported", "type": type(obj).__name__}


def _is_sympy(obj) -> bool:
    mod = type(obj).__module__ or ""
    return mod.startswith("sympy.")


def _encode_array(arr, ctx, depth):
    kind = arr.dtype.kind
    shape = list(arr.shape)
    if arr.size > 2_000_000:
        raise SerializeError("array too large")
    if kind in "biuf":
        data = arr.astype(float if kind == "f" else (bool if kind == "b" else int)).ravel().tolist()
        return {"t": "nd", "kind": kind, "shape": shape,
                "v": [repr(v) for v in data] if kind == "f" else data}
    if kind == "c":
        flat = arr.ravel()
        return {"t": "nd", "kind": "c", "shape": shape, "re": [repr(float(v)) for v in flat.real],
                "im": [repr(float(v)) for v in flat.imag]}
    if kind == "O":
        return {"t": "ndo", "shape": shape, "v": [_encode(v, ctx, depth + 1) for v in arr.ravel().tolist()]}
    return {"t": "unsupported", "type": f"numpy array of {arr.dtype}"}


def _encode_sympy(e, ctx, depth):
    sp = ctx["sp"]
    if depth > _MAX_DEPTH:
        raise SerializeError("expression nested too deeply")
    if isinstance(e, sp.MatrixBase):
        return {"t": "M", "r": e.rows, "c": e.cols, "v": [_encode_sympy(v, ctx, depth + 1) for v in e]}
    if not isinstance(e, sp.Basic):
        return {"t": "unsupported", "type": type(e).__name__}
    if isinstance(e, sp.Symbol):
        assumptions = {k: v for k, v in e._assumptions_orig.items() if isinstance(v, bool)} \
            if hasattr(e, "_assumptions_orig") else {}
        return {"t": "S", "n": e.name, "a": assumptions}
    if isinstance(e, sp.Integer):
        return {"t": "Z", "v": str(int(e))}
    if isinstance(e, sp.Rational):
        return {"t": "Q", "p": str(int(e.p)), "q": str(int(e.q))}
    if isinstance(e, sp.Float):
        return {"t": "F", "v": str(e), "prec": int(e._prec)}
    for name in _CONSTANTS:
        if e is getattr(sp, name):
            return {"t": "C", "n": name}
    if e is sp.S.NegativeInfinity:
        return {"t": "C", "n": "-oo"}
    if e is sp.true or e is sp.false:
        return {"t": "C", "n": "true" if e is sp.true else "false"}
    from sympy.core.function import AppliedUndef
    if isinstance(e, AppliedUndef):
        return {"t": "U", "n": e.func.__name__, "a": [_encode_sympy(a, ctx, depth + 1) for a in e.args]}
    return {"t": "B", "f": type(e).__name__,
            "a": [_encode_sympy(a, ctx, depth + 1) for a in e.args]}


def dumps(obj, *, side: str = "grader", register=None) -> str:
    """Encode ``obj`` as JSON text.

    ``side="grader"`` encodes test inputs (``ck.pyfunc`` objects travel as their source);
    ``side="kernel"`` encodes student values, with every callable replaced by a reference
    obtained from ``register(obj)``.

    >>> dumps([1, 2.5])
    '{"t": "list", "v": [{"t": "int", "v": "1"}, {"t": "float", "v": "2.5"}]}'
    """
    import sys

    ctx = {"np": sys.modules.get("numpy"), "sp": sys.modules.get("sympy"), "side": side,
           "register": register}
    ck = sys.modules.get("mvcalc_helpers.checking")
    ctx["pyfunc_type"] = getattr(ck, "PyFunc", None) if ck is not None else None
    if ctx["sp"] is None and _is_sympy(obj):  # pragma: no cover - sympy objects imply sympy
        import sympy
        ctx["sp"] = sympy
    text = json.dumps(_encode(obj, ctx))
    if len(text) > MAX_BYTES:
        raise SerializeError(f"value too large ({len(text)} bytes)")
    return text


# ------------------------------------------------------------------------------------ decoding

def _sympy_classes():
    import sympy as sp
    from sympy.functions.elementary.piecewise import ExprCondPair

    table = {}
    for name in dir(sp):
        obj = getattr(sp, name)
        if isinstance(obj, type) and issubclass(obj, sp.Basic):
            table[obj.__name__] = obj
    table["ExprCondPair"] = ExprCondPair
    for cls in (sp.Add, sp.Mul, sp.Pow):
        table[cls.__name__] = cls
    return table


_CLASS_TABLE = None


def _decode_sympy(d, ctx):
    import sympy as sp

    t = d.get("t")
    if t == "M":
        return sp.Matrix(int(d["r"]), int(d["c"]), [_decode_sympy(v, ctx) for v in d["v"]])
    if t == "S":
        if not isinstance(d.get("n"), str) or len(d["n"]) > 200:
            raise SerializeError("bad symbol name")
        assumptions = {k: bool(v) for k, v in d.get("a", {}).items()
                       if isinstance(k, str) and k.isidentifier()}
        try:
            return sp.Symbol(str(d["n"]), **assumptions)
        except Exception:  # noqa: BLE001 - inconsistent assumptions
            return sp.Symbol(str(d["n"]))
    if t == "Z":
        return sp.Integer(int(_num_str(d["v"])))
    if t == "Q":
        return sp.Rational(int(_num_str(d["p"])), int(_num_str(d["q"])))
    if t == "F":
        prec = max(2, min(int(d.get("prec", 53)), 10_000))
        return sp.Float(_float_str(d["v"]), precision=prec)
    if t == "C":
        n = d["n"]
        if n == "-oo":
            return sp.S.NegativeInfinity
        if n in ("true", "false"):
            return sp.true if n == "true" else sp.false
        if n in _CONSTANTS:
            return getattr(sp, n)
        raise SerializeError(f"unknown constant {n!r}")
    if t == "U":
        name = str(d["n"])
        if not name.isidentifier():
            raise SerializeError("bad function name")
        return sp.Function(name)(*[_decode_sympy(a, ctx) for a in d["a"]])
    if t == "B":
        global _CLASS_TABLE
        if _CLASS_TABLE is None:
            _CLASS_TABLE = _sympy_classes()
        cls = _CLASS_TABLE.get(d.get("f"))
        if cls is None:
            raise SerializeError(f"unknown sympy class {d.get('f')!r}")
        args = [_decode_sympy(a, ctx) for a in d["a"]]
        _refuse_huge(cls, args)
        with sp.evaluate(False):
            return cls(*args)
    raise SerializeError(f"not a sympy node: {t!r}")


_HUGE = 10_000


def _refuse_huge(cls, args) -> None:
    """Refuse nodes whose evaluation in the grader would be one endless big-integer operation
    (uninterruptible by the check's time limit), e.g. ``Pow(10, 10**4000)`` or
    ``factorial(10**9)``; no answer of the course needs them.

    >>> import sympy as sp
    >>> _refuse_huge(sp.Pow, [sp.Integer(10), sp.Integer(10**6)])
    Traceback (most recent call last):
    ...
    mvcalc_helpers.grading.serialize.SerializeError: a number in the answer is too large to check
    >>> _refuse_huge(sp.Pow, [sp.Symbol("x"), sp.Integer(3)])
    """
    import sympy as sp

    if cls is sp.Pow and len(args) == 2:
        base, exp = args
        if isinstance(exp, sp.Number) and abs(exp) > _HUGE and not (isinstance(base, sp.Number)
                                                                    and abs(base) in (0, 1)):
            raise SerializeError("a number in the answer is too large to check")
    elif cls.__name__ in ("factorial", "factorial2", "subfactorial", "binomial", "gamma", "loggamma",
                          "RisingFactorial", "FallingFactorial", "fibonacci", "lucas", "bell",
                          "catalan", "harmonic", "primorial", "prime", "bernoulli", "euler",
                          "partition", "multinomial_coefficients"):
        if any(isinstance(a, sp.Number) and abs(a) > _HUGE for a in args):
            raise SerializeError("a number in the answer is too large to check")


def _num_str(s) -> str:
    s = str(s)
    if len(s) > 5000 or not s.lstrip("-").isdigit():
        raise SerializeError("bad integer")
    return s


def _float_str(s) -> float | str:
    s = str(s)
    if len(s) > 5000:
        raise SerializeError("bad float")
    return s


def _decode(d, ctx, depth=0):
    if depth > _MAX_DEPTH + 10:
        raise SerializeError("nested too deeply")
    if d is None or isinstance(d, (bool, str)):
        return d
    if isinstance(d, (int, float)):
        return d
    if not isinstance(d, dict):
        raise SerializeError("malformed value")
    t = d.get("t")
    if t == "ellipsis":
        return Ellipsis
    if t == "int":
        return int(_num_str(d["v"]))
    if t == "float":
        return float(d["v"])
    if t == "complex":
        return complex(float(d["re"]), float(d["im"]))
    if t in ("list", "tuple", "set"):
        items = [_decode(v, ctx, depth + 1) for v in d["v"]]
        if t == "set":
            try:
                return set(items)
            except TypeError:
                return items
        return items if t == "list" else tuple(items)
    if t == "dict":
        out = {}
        for k, v in d["v"]:
            key = _decode(k, ctx, depth + 1)
            try:
                out[key] = _decode(v, ctx, depth + 1)
            except TypeError:
                raise SerializeError("unhashable dict key") from None
        return out
    if t == "nd":
        import numpy as np
        shape = [int(s) for s in d["shape"]]
        if d["kind"] == "c":
            arr = np.array([float(v) for v in d["re"]]) + 1j * np.array([float(v) for v in d["im"]])
        elif d["kind"] == "f":
            arr = np.array([float(v) for v in d["v"]], dtype=float)
        else:
            arr = np.array(d["v"], dtype={"b": bool, "i": int, "u": int}[d["kind"]])
        return arr.reshape(shape)
    if t == "ndo":
        import numpy as np
        items = [_decode(v, ctx, depth + 1) for v in d["v"]]
        arr = np.empty(len(items), dtype=object)
        arr[:] = items
        return arr.reshape([int(s) for s in d["shape"]])
    if t in ("M", "S", "Z", "Q", "F", "C", "U", "B"):
        return _decode_sympy(d, ctx)
    if t == "callable":
        make = ctx.get("make_callable")
        if make is None:
            raise SerializeError("functions cannot be received here")
        return make(str(d["ref"]), str(d.get("name", "function")))
    if t == "pyfunc":
        if ctx["side"] != "kernel":
            raise SerializeError("code is never accepted from a submission")
        from mvcalc_helpers import checking
        return checking.pyfunc(d["src"])
    if t == "unsupported":
        return Unsupported(str(d.get("type", "?"))[:100])
    raise SerializeError(f"unknown value type {t!r}")


def loads(text: str, *, side: str = "grader", make_callable=None):
    """Decode JSON text made by :func:`dumps` (no code is executed on the grader side).

    Total: whatever the text holds, the result is a value or a :class:`SerializeError`.

    >>> loads(dumps(3 + 4j))
    (3+4j)
    >>> loads('{"t": "pyfunc", "src": "lambda: 0"}')
    Traceback (most recent call last):
    ...
    mvcalc_helpers.grading.serialize.SerializeError: code is never accepted from a submission
    """
    if not isinstance(text, str) or len(text) > MAX_BYTES:
        raise SerializeError("value too large or not text")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise SerializeError(f"malformed value: {exc}") from None
    try:
        return _decode(data, {"side": side, "make_callable": make_callable})
    except SerializeError:
        raise
    except Exception as exc:  # noqa: BLE001 - decoding is total: sympy's PolynomialError, CoercionFailed…
        raise SerializeError(f"malformed value ({type(exc).__name__}: {str(exc)[:200]})") from None


def _isfinite(v):  # pragma: no cover - tiny helper kept for symmetry
    return math.isfinite(v)
