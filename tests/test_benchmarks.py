"""Smoke runs of every benchmark at a tiny size, so `make bench` never rots.

No timing is asserted here (shared, noisy machines): only that each benchmark runs, measures
its peer in the same run and produces well-formed rows."""
import math

import pytest

from benchmarks.__main__ import format_table, main
from benchmarks.suite import BENCHMARKS, SMOKE_ARGS, Row, paired_medians


# the smoke runs that start kernels or take tens of seconds (grading, executing a notebook,
# rendering every explorer): `slow`, so `make test` runs them and `make test-fast` does not
SLOW_SMOKE = {"grading", "explorers", "notebooks"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW_SMOKE else n
                                  for n in sorted(BENCHMARKS)])
def test_benchmark_smoke_run(name):
    rows = BENCHMARKS[name](**SMOKE_ARGS.get(name, {}))
    assert rows, f"{name} produced no rows"
    for r in rows:
        assert isinstance(r, Row) and r.what and r.ours and r.goal
        assert r.ratio is None or (math.isfinite(r.ratio) and r.ratio > 0)
    assert format_table(rows).count("\n") == len(rows) + 1


def test_paired_medians_measures_both():
    calls = []
    a, b = paired_medians(lambda: calls.append("a"), lambda: calls.append("b"), repeats=3, warmup=1)
    assert calls == ["a", "b"] * 4 and a >= 0 and b >= 0


def test_cli_smoke_prints_a_table(capsys):
    assert main(["--smoke", "--only", "import"]) == 0
    out = capsys.readouterr().out
    assert "| import mvcalc_helpers |" in out and "machine:" in out
