"""Print the benchmark table: ``python -m benchmarks [--smoke] [--only NAME ...]``."""
from __future__ import annotations

import argparse
import os
import platform
import sys

from .suite import BENCHMARKS, SMOKE_ARGS


def machine() -> str:
    import numpy as np
    from threadpoolctl import threadpool_info

    blas = ", ".join(f"{i['internal_api']} {i.get('version', '')} ({i['num_threads']} threads)"
                     for i in threadpool_info() if i["user_api"] == "blas")
    cpu = ""
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{platform.machine()} {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
            f"numpy {np.__version__}, BLAS: {blas}")


def format_table(rows) -> str:
    lines = ["| what | ours | peer (same run) | ratio | goal | met |", "|---|---|---|---|---|---|"]
    for r in rows:
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        met = {True: "yes", False: "**no**", None: "-"}[r.met]
        note = f" ({r.note})" if r.note else ""
        lines.append(f"| {r.what} | {r.ours} | {r.peer} | {ratio}{note} | {r.goal} | {met} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks the benchmarks run")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), help="run only these")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}\n", flush=True)
    rows = []
    for name, fn in BENCHMARKS.items():
        if args.only and name not in args.only:
            continue
        print(f"… {name}", file=sys.stderr, flush=True)
        rows += fn(**(SMOKE_ARGS.get(name, {}) if args.smoke else {}))
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
