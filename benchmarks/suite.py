"""The benchmark functions. Each returns a list of ``Row``s (one table line each)."""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    what: str
    ours: str
    peer: str
    ratio: float | None
    goal: str
    met: bool | None
    note: str = ""


def median_time(fn, repeats: int, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeats`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def paired_medians(fn_a, fn_b, repeats: int, warmup: int = 1) -> tuple[float, float]:
    """Median times of two functions measured alternately (a, b, a, b, …), so that both
    see the same machine load — the ratio is what these noisy machines can measure."""
    for _ in range(warmup):
        fn_a()
        fn_b()
    ta, tb = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn_a()
        t1 = time.perf_counter()
        fn_b()
        t2 = time.perf_counter()
        ta.append(t1 - t0)
        tb.append(t2 - t1)
    return statistics.median(ta), statistics.median(tb)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


# --- numerical_gradient vs numdifftools ---------------------------------------------------

def smooth_test_function(n: int, seed: int = 0):
    """A smooth n-D function (vectorised over columns) and its analytic gradient."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    B = rng.normal(size=(n, n)) / np.sqrt(n)

    def f(x):
        if x.ndim == 1:
            return np.sum(np.sin(a * x)) + 0.5 * x @ B @ x
        # a batch of m points (columns): B @ x is one BLAS call (a three-operand einsum
        # without optimize= would loop in C, ~10x slower, and measure numpy, not the helper)
        return np.sum(np.sin(a[:, None] * x), axis=0) + 0.5 * np.sum(x * (B @ x), axis=0)

    def grad(x):
        return a * np.cos(a * x) + 0.5 * (B + B.T) @ x

    return f, grad, rng.normal(size=n)


def bench_numerical_gradient(n: int = 100, repeats: int = 9) -> list[Row]:
    import numdifftools as nd

    import mvcalc_helpers as mh

    f, grad, x = smooth_test_function(n)
    exact = grad(x)

    def err(g):
        return float(np.linalg.norm(g - exact) / np.linalg.norm(exact))

    e_nd = err(nd.Gradient(f)(x))
    rows = []
    for method in ("central", "complex"):
        t, t_nd = paired_medians(lambda: mh.numerical_gradient(f, x, method=method),
                                 lambda: nd.Gradient(f)(x), repeats)
        e = err(mh.numerical_gradient(f, x, method=method))
        ratio = t_nd / t
        if method == "central":
            label, goal = "default (adaptive central + Richardson)", "err ≤ 1e-10; ≥ 10× faster"
            met = e <= 1e-10 and ratio >= 10
        else:
            label, goal = "complex step", "err ≤ 1e-15; ≥ 10× faster at ≤ its error"
            met = e <= 1e-15 and e <= e_nd and ratio >= 10
        rows.append(Row(f"numerical_gradient {label}, {n}-D: time / rel. err", f"{_ms(t)} / {e:.1e}",
                        f"numdifftools.Gradient {_ms(t_nd)} / {e_nd:.1e}", ratio, goal, met,
                        "ratio = speed-up"))
    return rows


# --- TwoLayerMLP vs PyTorch ---------------------------------------------------------------

def bench_mlp(batch: int = 256, sizes=(100, 512, 10), repeats: int = 50) -> list[Row]:
    import mvcalc_helpers as mh

    try:
        import torch
    except ImportError:
        return [Row("TwoLayerMLP fwd+bwd+loss", "-", "PyTorch not installed", None, "≤ 1.0× PyTorch", None)]
    from threadpoolctl import threadpool_info

    blas_threads = max((i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"), default=1)
    torch.set_num_threads(blas_threads)
    rows = []
    for dtype, tdtype in ((np.float64, torch.float64), (np.float32, torch.float32)):
        net = mh.TwoLayerMLP(*sizes, seed=0, dtype=dtype)
        rng = np.random.default_rng(1)
        X = rng.normal(size=(batch, sizes[0])).astype(dtype)
        y = rng.integers(0, sizes[2], size=batch)

        def ours():
            loss, d = mh.softmax_cross_entropy(net.forward(X), y)
            net.backward(d)

        params = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
        Xt, yt = torch.tensor(X, dtype=tdtype), torch.tensor(y)

        def theirs():
            for p in params.values():
                p.grad = None
            O = torch.relu(Xt @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
            torch.nn.functional.cross_entropy(O, yt).backward()

        a, b = paired_medians(ours, theirs, repeats, warmup=3)
        rows.append(Row(f"TwoLayerMLP fwd+bwd+loss {sizes[0]}→{sizes[1]}→{sizes[2]}, batch {batch}, "
                        f"{np.dtype(dtype).name}", _ms(a), f"PyTorch CPU {_ms(b)} ({blas_threads} threads)",
                        a / b, "≤ 1.0× PyTorch", a / b <= 1.0, "ratio = ours / peer"))
    return rows


# --- the autodiff engine (chapter 8) vs TwoLayerMLP and PyTorch ---------------------------------

def bench_autodiff(batch: int = 256, sizes=(100, 512, 10), repeats: int = 50) -> list[Row]:
    """Forward + backward of chapter 7's network on the chapter-8 engine, against the
    hand-written backward pass of TwoLayerMLP (goal ≤ 1.5×) and PyTorch CPU, in one run."""
    import mvcalc_helpers as mh
    from mvcalc_helpers.autodiff import Tensor, cross_entropy

    net = mh.TwoLayerMLP(*sizes, seed=0)
    rng = np.random.default_rng(1)
    X = rng.normal(size=(batch, sizes[0]))
    y = rng.integers(0, sizes[2], size=batch)
    params = {k: Tensor(v, requires_grad=True) for k, v in net.params.items()}
    Xt = Tensor(X)
    last = {}

    def engine():
        # one step of chapter 8's training loop: the step's graph lives until the next step
        # replaces it, as `J = cross_entropy(...)` in a loop does (and as TwoLayerMLP keeps
        # its forward cache until the next forward)
        for p in params.values():
            p.zero_grad()
        H = (Xt @ params["W1"] + params["b1"]).relu()
        J = cross_entropy(H @ params["W2"] + params["b2"], y)
        J.backward()
        last["J"] = J

    def handwritten():
        loss, d = mh.softmax_cross_entropy(net.forward(X), y)
        net.backward(d)

    what = f"autodiff engine fwd+bwd {sizes[0]}→{sizes[1]}→{sizes[2]}, batch {batch}, float64"
    a, b = paired_medians(engine, handwritten, repeats, warmup=3)
    rows = [Row(what, _ms(a), f"TwoLayerMLP {_ms(b)}", a / b, "≤ 1.5× TwoLayerMLP", a / b <= 1.5,
                "ratio = ours / peer")]
    try:
        import torch
    except ImportError:
        return rows + [Row(what, _ms(a), "PyTorch not installed", None, "(reference)", None)]
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in net.params.items()}
    Xtt, ytt = torch.tensor(X), torch.tensor(y)

    def theirs():
        for p in tp.values():
            p.grad = None
        O = torch.relu(Xtt @ tp["W1"] + tp["b1"]) @ tp["W2"] + tp["b2"]
        J = torch.nn.functional.cross_entropy(O, ytt)
        J.backward()
        last["torch"] = J                    # kept until the next step, like the engine's graph

    a2, c = paired_medians(engine, theirs, repeats, warmup=3)
    rows.append(Row(what, _ms(a2), f"PyTorch CPU {_ms(c)}", a2 / c, "(reference)", None,
                    "ratio = ours / peer"))
    return rows


# --- import time ------------------------------------------------------------------------------

def _import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def bench_import(repeats: int = 7) -> list[Row]:
    ours, peer = [], []
    for _ in range(repeats):  # interleaved, each in a fresh interpreter
        ours.append(_import_seconds("mvcalc_helpers"))
        peer.append(_import_seconds("sympy"))
    a, b = statistics.median(ours), statistics.median(peer)
    return [Row("import mvcalc_helpers", _ms(a), f"import sympy {_ms(b)}", a / b, "≤ 1.2× sympy",
                a / b <= 1.2, "ratio = ours / peer")]


# --- slider explorers ---------------------------------------------------------------------------

def explorer_builders():
    """Every public ``*_explorer`` builder of the package, by name."""
    import mvcalc_helpers as mh

    return {name: getattr(mh, name) for name in mh.__all__ if name.endswith("_explorer")}


def _slider_values(widget, count: int):
    lo, hi = getattr(widget, "min", None), getattr(widget, "max", None)
    if lo is None or hi is None:
        options = list(getattr(widget, "options", []))
        return [o[1] if isinstance(o, tuple) else o for o in options][:count] or [widget.value]
    vals = np.linspace(lo, hi, count)
    if isinstance(widget.value, (int, np.integer)) and not isinstance(widget.value, bool):
        vals = np.unique(np.round(vals).astype(int))
    if type(widget).__name__ == "FloatLogSlider":
        base = getattr(widget, "base", 10)
        vals = base ** np.linspace(lo, hi, count)
    return [v.item() for v in vals]


def bench_explorers(values: int = 9, rebuilds: int = 3, only=None) -> list[Row]:
    """Update time (value change → redrawn PNG, kernel side, Agg) vs a naive full rebuild.

    The naive peer is what ``interact`` does: build the figure from scratch and render it —
    measured as the time to construct the explorer (which builds and renders its figure once).
    """
    rows = []
    for name, builder in explorer_builders().items():
        if only and name not in only:
            continue
        t_build = median_time(lambda: builder().png, rebuilds, warmup=1)   # build and render
        ex = builder()
        ex.widget                     # shown, as in a notebook: every update renders its PNG
        first = next(iter(ex.controls))
        times = []
        for v in _slider_values(ex.controls[first], values):
            t0 = time.perf_counter()
            ex.update(**{first: v})
            times.append(time.perf_counter() - t0)
        t_upd = statistics.median(times)
        ratio = t_upd / t_build
        rows.append(Row(f"{name}: slider '{first}' update", _ms(t_upd), f"naive rebuild {_ms(t_build)}",
                        ratio, "≤ 100 ms and ≤ 0.5× rebuild", t_upd <= 0.1 and ratio <= 0.5,
                        "ratio = ours / peer"))
    return rows


# --- notebooks ------------------------------------------------------------------------------------

def _execute_seconds(path: Path) -> float:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - t0


def bench_notebooks(paths=None) -> list[Row]:
    """Execute each chapter (and solutions) notebook top to bottom in a fresh kernel."""
    chapters = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    solutions = sorted((REPO / "solutions").glob("*/*.ipynb"))
    if paths is not None:
        chapters, solutions = [p for p in chapters if p in paths], [p for p in solutions if p in paths]
    rows, total = [], 0.0
    for p in chapters:
        s = _execute_seconds(p)
        total += s
        rows.append(Row(f"execute {p.relative_to(REPO)}", _ms(s), "-", None, "≤ 8 s", s <= 8.0))
    for p in solutions:
        total += _execute_seconds(p)
    rows.append(Row(f"execute all: {len(chapters)} chapters + {len(solutions)} solutions", _ms(total), "-", None,
                    "≤ 60 s", total <= 60.0))
    return rows


# --- training the chapter-7 network -------------------------------------------------------------

def bench_training(epochs: int = 10, hidden: int = 512, repeats: int = 3) -> list[Row]:
    """Chapter 7's run: load the bundled digits, train 64→hidden→10 with SGD, test accuracy."""
    import mvcalc_helpers as mh

    results = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        X_train, X_test, y_train, y_test = mh.load_digits_split()
        net = mh.TwoLayerMLP(X_train.shape[1], hidden, 10, seed=0)
        history = mh.train_mlp(net, X_train, y_train, X_test, y_test, epochs=epochs, lr=0.1,
                               batch_size=32, seed=0)
        results.append((time.perf_counter() - t0, history["test_acc"][-1]))
    secs = statistics.median(r[0] for r in results)
    acc = results[0][1]
    return [Row(f"train chapter-7 net 64→{hidden}→10 on bundled digits, {epochs} epochs (load + train)",
                f"{_ms(secs)}, test acc {acc:.3f}", "-", None, "≥ 95% test accuracy in ≤ 5 s",
                acc >= 0.95 and secs <= 5.0)]


# --- grading vs nbgrader autograde ------------------------------------------------------------------

def bench_grading(n: int = 20, chapter: str | None = None) -> list[Row]:
    """``mvcalc-grade`` vs ``nbgrader autograde`` on the same n submissions, commands end to end."""
    from mvcalc_helpers.grading.bench import compare_with_nbgrader
    from mvcalc_helpers.grading.generate import chapters

    keys = {p.parent.name: p for p in chapters(REPO / "solutions")}
    key = keys[chapter] if chapter else next(iter(keys.values()))
    r = compare_with_nbgrader(key, n=n)
    import shutil
    shutil.rmtree(r["workdir"], ignore_errors=True)
    return [Row(f"grade {n} submissions of {r['chapter']} ({r['jobs']} jobs)", _ms(r["mvcalc_s"]),
                f"nbgrader autograde {_ms(r['nbgrader_s'])}", r["speedup"],
                "≥ 3× nbgrader's throughput, identical scores", r["speedup"] >= 3 and r["same_scores"],
                "ratio = speed-up" + ("" if r["same_scores"] else "; SCORES DIFFER"))]


BENCHMARKS = {
    "numerical_gradient": bench_numerical_gradient,
    "mlp": bench_mlp,
    "autodiff": bench_autodiff,
    "explorers": bench_explorers,
    "training": bench_training,
    "notebooks": bench_notebooks,
    "grading": bench_grading,
    "import": bench_import,
}

SMOKE_ARGS = {
    "numerical_gradient": dict(n=8, repeats=1),
    "mlp": dict(batch=4, sizes=(6, 8, 3), repeats=3),
    "autodiff": dict(batch=4, sizes=(6, 8, 3), repeats=3),
    "explorers": dict(values=2, rebuilds=1),
    "notebooks": dict(paths=[REPO / "notebooks" / "00_contents.ipynb"]),
    "training": dict(epochs=1, hidden=16, repeats=1),
    "grading": dict(n=1),
    "import": dict(repeats=1),
}
