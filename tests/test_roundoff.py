"""No stored output depends on round-off: the chapters pass nbval under another BLAS kernel and
another thread count.

Digits of round-off (a relative error of 3e-13, the last bits of a matrix product or of a torch
kernel) change with the CPU, the OpenBLAS kernel and the number of threads. Each chapter is
re-executed by nbval in a subprocess with

* ``OPENBLAS_CORETYPE`` set to a kernel other than the one OpenBLAS picks on this CPU — one
  without fused multiply-add when the native one has it (``Sandybridge`` on AVX2 machines),
  so most products round differently, and
* a thread count other than the default for numpy's OpenBLAS and for torch
  (``OMP_NUM_THREADS`` / ``OPENBLAS_NUM_THREADS``; torch takes its intra-op thread count from
  ``OMP_NUM_THREADS``), which changes how sums are split,

and must give the stored outputs (after tests/nbval_sanitize.cfg). The environment's effect is
verified first (threadpoolctl and torch report the kernel and thread count asked for), so the test
cannot pass vacuously. The package's doctests run under the same conditions.

This run is also `make test`'s nbval run of the chapters: `make test` deselects the native nbval
items (marker ``notebook``, added in conftest.py), since every chapter is executed and compared
here; `make test-notebooks` runs them natively.

How to fix a cell this test flags: print a bound or a verdict (``< 1e-12``, ``✓``) instead of the
round-off-sized number, the same bound the cell asserts. ``KNOWN_FRAGILE`` lists cells found
fragile but not fixed yet (see the docstring there); it should be empty.
"""
import json
import os
import re
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import REPO

CHAPTERS = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# Cells found fragile (2026-11-25) in the chapters this branch started from, while others were
# rewriting them: (notebook, a snippet of the failing cell's source). A mismatch of such a cell
# under the perturbed environment is reported as a warning instead of failing the test. Any other
# output difference fails the test, and so does any error, whatever the cell.
# The rewritten chapters print bounds there (they pass this test with the list empty):
# EMPTY THIS LIST when merging them.
KNOWN_FRAGILE: list = []

# OpenBLAS kernels with fused multiply-add (AVX2/AVX-512) and a kernel to switch to that has none.
_FMA_KERNELS = {"haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"}


def _cpu_flags() -> set:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    m = re.search(r"^flags\s*:(.*)$", text, re.M)
    return set(m.group(1).split()) if m else set()


def _openblas_arch():
    """The OpenBLAS kernel numpy uses here (threadpoolctl), or None without OpenBLAS."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import numpy  # noqa: F401  (loads numpy's BLAS so threadpoolctl sees it)
    infos = [i for i in threadpoolctl.threadpool_info() if i.get("internal_api") == "openblas"]
    return infos[0].get("architecture") if infos else None


def _other_kernel(native):
    """A kernel that rounds differently from ``native`` and that this CPU can run, or None."""
    if native is None or os.uname().machine not in ("x86_64", "AMD64"):
        return None
    if native.lower() in _FMA_KERNELS:
        return "Sandybridge" if "avx" in _cpu_flags() else "Prescott"
    return "Prescott"              # SSE3 kernels: every x86-64 CPU runs them


def _other_threads() -> int:
    return 1 if (os.cpu_count() or 1) > 1 else 3


@pytest.fixture(scope="module")
def perturbed_env():
    """Environment for the subprocess, after checking it really changes kernel and threads."""
    native = _openblas_arch()
    kernel, threads = _other_kernel(native), _other_threads()
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads),
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    if kernel:
        env["OPENBLAS_CORETYPE"] = kernel
    probe = ("import json, numpy, threadpoolctl\n"
             "info = [i for i in threadpoolctl.threadpool_info() if i.get('internal_api') == 'openblas']\n"
             "out = {'arch': info[0].get('architecture') if info else None,\n"
             "       'blas_threads': info[0]['num_threads'] if info else None}\n"
             "try:\n    import torch\n    out['torch_threads'] = torch.get_num_threads()\n"
             "except ImportError:\n    out['torch_threads'] = None\n"
             "print(json.dumps(out))")
    got = json.loads(subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                                    text=True, check=True, timeout=120).stdout)
    if kernel:
        assert got["arch"].lower() == kernel.lower(), f"OPENBLAS_CORETYPE={kernel} ignored: {got}"
    if got["blas_threads"] is not None:
        assert got["blas_threads"] == threads, got
    if got["torch_threads"] is not None:
        assert got["torch_threads"] == threads, got
    if not kernel and got["blas_threads"] is None and got["torch_threads"] is None:
        # the chapters are still run and compared (this is make test's nbval run), unperturbed
        warnings.warn("neither OpenBLAS nor torch here: nothing to perturb, the chapters run as they are")
    return env


def _known(notebook: str, source: str) -> bool:
    return any(nb == notebook and snippet in source for nb, snippet in KNOWN_FRAGILE)


def _run_nbval(paths, env, tmp_path):
    """Run pytest (with the project's addopts: --nbval, sanitizers, doctests) on ``paths``;
    returns {test id: failure text} for every failed or errored test, the ids of all tests
    run, and the output."""
    report = tmp_path / "report.xml"
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q", f"--junitxml={report}", *paths]
    env = {k: v for k, v in env.items() if not k.startswith(("PYTEST_ADDOPTS", "PYTEST_XDIST"))}
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert report.exists(), f"pytest did not run:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    failures, ran = {}, []
    for case in ET.parse(report).getroot().iter("testcase"):
        ran.append(f"{case.get('classname')}::{case.get('name')}")
        for tag in ("failure", "error"):
            for node in case.findall(tag):
                name = f"{case.get('classname')}::{case.get('name')}"
                failures[name] = (tag, (node.get("message") or "") + "\n" + (node.text or ""))
    assert proc.returncode in (0, 1), proc.stdout[-3000:] + proc.stderr[-3000:]
    return failures, ran, proc.stdout


@pytest.fixture(scope="module")
def perturbed_run(perturbed_env, tmp_path_factory):
    """Every chapter and the package's doctests, in ONE pytest subprocess under the perturbed
    environment (one interpreter and collection instead of nine): {test id: failure}, output."""
    paths = [f"notebooks/{nb}" for nb in CHAPTERS] + ["mvcalc_helpers"]
    return _run_nbval(paths, perturbed_env, tmp_path_factory.mktemp("roundoff"))


@pytest.mark.slow
@pytest.mark.parametrize("notebook", CHAPTERS)
def test_chapter_outputs_do_not_depend_on_round_off(notebook, perturbed_env, perturbed_run):
    all_failures, _, out = perturbed_run
    failures = {name: f for name, f in all_failures.items() if notebook in name}
    unexpected, tolerated = [], []
    for name, (tag, text) in failures.items():
        mismatch = tag == "failure" and "Cell outputs differ" in text
        (tolerated if mismatch and _known(notebook, text) else unexpected).append(name)
    for name in tolerated:
        warnings.warn(f"{name}: known round-off-dependent output (KNOWN_FRAGILE), still to fix")
    assert not unexpected, (
        f"these cells fail or their outputs differ from the stored ones (run under OPENBLAS_CORETYPE="
        f"{perturbed_env.get('OPENBLAS_CORETYPE', '(native)')}, OMP_NUM_THREADS="
        f"{perturbed_env['OMP_NUM_THREADS']}; `make test-notebooks` runs them natively). If only "
        f"digits of round-off differ, print a bound instead of them:\n"
        + "\n".join(unexpected) + "\n\n" + out[-6000:])


@pytest.mark.slow
def test_doctests_do_not_depend_on_round_off(perturbed_run):
    all_failures, _, out = perturbed_run
    failures = [name for name in all_failures if not any(nb in name for nb in CHAPTERS)]
    assert not failures, "\n".join(failures) + "\n\n" + out[-6000:]


@pytest.mark.slow
def test_the_perturbed_run_ran_every_chapter_and_the_doctests(perturbed_run):
    """A run that collected nothing would have no failures: check that it ran what it should."""
    _, ran, out = perturbed_run
    for nb in CHAPTERS:
        assert any(nb in name for name in ran), f"{nb} was not run:\n{out[-3000:]}"
    assert sum("mvcalc_helpers" in name and not any(nb in name for nb in CHAPTERS) for name in ran) > 50, \
        f"the doctests were not run:\n{out[-3000:]}"
