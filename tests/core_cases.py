"""Shared cases of the core unit tests: hypothesis strategies (random matrices, polynomials,
points) and reference functions with analytic derivatives. Example counts stay small: the
whole core suite must run in well under 30 s on a loaded 2-core machine."""
from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

# one profile for every property test of the core: few examples, no deadline (noisy machine)
FAST = settings(max_examples=25, deadline=None)
SYMBOLIC = settings(max_examples=12, deadline=None)

X, Y, Z = sp.symbols("x y z")
SYMBOLS = (X, Y, Z)

finite = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


@st.composite
def square_matrices(draw, min_n=1, max_n=4, elements=finite):
    """A float n×n matrix, 1 ≤ n ≤ max_n."""
    n = draw(st.integers(min_n, max_n))
    return draw(arrays(np.float64, (n, n), elements=elements))


@st.composite
def matrix_and_point(draw, max_n=5):
    """(A, x): a square matrix and a point of matching length."""
    A = draw(square_matrices(max_n=max_n))
    x = draw(arrays(np.float64, (A.shape[0],), elements=finite))
    return A, x


@st.composite
def int_matrices(draw, rows=(1, 4), cols=(1, 4), lo=-4, hi=4):
    """A small integer matrix (exact in sympy, exact in float)."""
    r = draw(st.integers(*rows))
    c = draw(st.integers(*cols))
    return draw(arrays(np.int64, (r, c), elements=st.integers(lo, hi)))


@st.composite
def polynomials(draw, nvars=(1, 3), max_degree=3, max_terms=5):
    """(expr, vars): a random polynomial with small integer coefficients in 1–3 variables."""
    n = draw(st.integers(*nvars))
    vars_ = list(SYMBOLS[:n])
    terms = draw(st.lists(st.tuples(st.integers(-5, 5),
                                    st.lists(st.integers(0, max_degree), min_size=n, max_size=n)),
                          min_size=1, max_size=max_terms))
    expr = sp.Integer(0)
    for coeff, exps in terms:
        mono = sp.Integer(coeff)
        for v, e in zip(vars_, exps):
            mono *= v**e
        expr += mono
    return expr, vars_


def int_points(n, lo=-3, hi=3):
    """A strategy for an integer point with n coordinates."""
    return st.lists(st.integers(lo, hi), min_size=n, max_size=n)


# --- Rosenbrock's function with its analytic gradient and Hessian --------------------------
# Nocedal & Wright, Numerical Optimization 2e, §2.1 and exercise 2.1: minimiser (1, 1), where
# the Hessian is [[802, −400], [−400, 200]]

def rosenbrock(v):
    return 100 * (v[1] - v[0] ** 2) ** 2 + (1 - v[0]) ** 2


def rosenbrock_grad(v):
    return np.array([-400 * v[0] * (v[1] - v[0] ** 2) - 2 * (1 - v[0]), 200 * (v[1] - v[0] ** 2)])


def rosenbrock_hess(v):
    return np.array([[1200 * v[0] ** 2 - 400 * v[1] + 2, -400 * v[0]], [-400 * v[0], 200.0]])
