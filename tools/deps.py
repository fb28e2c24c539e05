"""The versions the course's stored outputs were made with, and how to move to newer ones.

``constraints.txt`` pins every package of the test environment (``pip freeze`` of the venv the
notebooks were executed in, minus the course itself), with environment markers where an older
Python cannot have the same version; ``make`` installs with ``pip install -c constraints.txt``.

  python tools/deps.py lock [--python PY ...]   rewrite constraints.txt from this interpreter's
                                                 environment; for each other PY, add marked pins
                                                 where the pins do not install there
  python tools/deps.py check [--python PY ...]  exit 1 unless constraints.txt installs the test
                                                 extra on each PY (a pip dry run)
  python tools/deps.py torch [--install] [--mode auto|yes|no] [pip args]
                                                 install torch only where a CPU-only wheel exists
  python tools/deps.py upgrade [--write] [NOTEBOOK ...]
                                                 newest versions in .venv-upgrade-3.X, chapters
                                                 re-executed there (copies), text outputs diffed
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONSTRAINTS = REPO / "constraints.txt"
TORCH_PIN = "torch==2.13.0"       # the CPU wheel the stored torch outputs were made with
HEADER = """\
# The versions the course's stored notebook outputs were made with (`pip freeze` of that venv,
# minus the course). `make lab` / `make test` install with `pip install -c constraints.txt`;
# `make test CONSTRAINTS=` uses the newest versions pip resolves instead.
# Regenerate: python tools/deps.py lock --python <each other Python> ; see `make upgrade`.
# environment.yml pins the runtime packages to the same versions (tests/test_dependencies.py).
"""


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], text=True, **kw)


def freeze(python) -> dict[str, str]:
    """{normalised name: version} of ``python``'s environment, without editable installs."""
    out = _run([python, "-m", "pip", "freeze", "--exclude-editable", "--disable-pip-version-check"],
               capture_output=True, check=True).stdout
    pins = {}
    for line in out.splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m and _norm(m.group(1)) != "mvcalc":
            pins[_norm(m.group(1))] = m.group(2).split("+")[0]      # 2.13.0+cpu -> 2.13.0
    return pins


def read_constraints(path=CONSTRAINTS) -> list[tuple[str, str, str]]:
    """[(name, version, marker or "")] of a constraints file."""
    rows = []
    for line in Path(path).read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        req, _, marker = line.partition(";")
        name, _, version = req.strip().partition("==")
        rows.append((_norm(name), version.strip(), marker.strip()))
    return rows


def pins_for(python_version: str, path=CONSTRAINTS) -> dict[str, str]:
    """The pins that apply on Python ``python_version`` ("3.11")."""
    from packaging.markers import Marker
    env = {"python_version": python_version, "python_full_version": python_version + ".0"}
    return {n: v for n, v, m in read_constraints(path) if not m or Marker(m).evaluate(env)}


def _python_version(python) -> str:
    return _run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True, check=True).stdout.strip()


def _dry_run(python, constraints: Path | None, extra="test") -> dict[str, str] | None:
    """What ``pip install -e .[extra]`` would install on ``python`` (None: it cannot)."""
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        _run([python, "-m", "venv", venv], check=True)
        vpy = venv / "bin" / "python"
        _run([vpy, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True, capture_output=True)
        report = Path(tmp) / "report.json"
        cmd = [vpy, "-m", "pip", "install", "--dry-run", "--ignore-installed", "-q",
               "--report", report, "-e", f"{REPO}[{extra}]"]
        if constraints:
            cmd += ["-c", constraints]
        if _run(cmd, capture_output=True).returncode != 0:
            return None
        items = json.loads(report.read_text())["install"]
        return {_norm(i["metadata"]["name"]): i["metadata"]["version"].split("+")[0] for i in items
                if _norm(i["metadata"]["name"]) != "mvcalc"}


def lock(pythons, out=CONSTRAINTS, base_python=sys.executable) -> None:
    base = freeze(base_python)
    base.setdefault("torch", TORCH_PIN.split("==")[1])
    extra: dict[str, list[tuple[str, str]]] = {}           # name -> [(version, python_version)]
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "c.txt"
        plain.write_text("".join(f"{n}=={v}\n" for n, v in sorted(base.items())))
        for py in pythons:
            ver = _python_version(py)
            if _dry_run(py, plain) is not None:
                print(f"Python {ver}: the pins install as they are")
                continue
            free = _dry_run(py, None)
            if free is None:
                sys.exit(f"Python {ver}: even without constraints the test extra does not install")
            changed = {n: v for n, v in free.items() if base.get(n) != v}
            print(f"Python {ver}: own pins for {', '.join(sorted(changed))}")
            for n, v in changed.items():
                extra.setdefault(n, []).append((v, ver))
    lines = []
    for n in sorted(set(base) | set(extra)):
        others = extra.get(n, [])
        if n in base:
            marker = " and ".join(f'python_version != "{ver}"' for _, ver in others)
            lines.append(f"{n}=={base[n]}" + (f"; {marker}" if marker else ""))
        lines += [f'{n}=={v}; python_version == "{ver}"' for v, ver in others]
    Path(out).write_text(HEADER + "\n".join(lines) + "\n")
    print(f"wrote {out} ({len(lines)} lines)")


def check(pythons) -> int:
    bad = 0
    for py in pythons:
        ok = _dry_run(py, CONSTRAINTS) is not None
        print(f"{_python_version(py)}: {'ok' if ok else 'constraints.txt does NOT install'}")
        bad += not ok
    return 1 if bad else 0


def torch_choice(python=sys.executable, pip_args=()) -> tuple[str | None, str]:
    """(requirement to install or None, why). PyPI's Linux torch wheels are the CUDA build
    (several GB with the nvidia-* packages); install torch only when pip would pick a CPU-only
    wheel (a ``+cpu`` local version, as on these machines for Python 3.11, or any macOS/Windows
    wheel) — the autograd cross-checks are skipped without it."""
    has_torch = _run([python, "-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)"],
                     capture_output=True).returncode == 0
    if has_torch:
        return None, "torch is already installed"
    cmd = [python, "-m", "pip", "install", "--dry-run", "--no-deps", "-q", "--report", "-",
           TORCH_PIN.split("==")[0], *pip_args]
    proc = _run(cmd, capture_output=True)
    if proc.returncode != 0:
        return None, "no torch wheel for this Python"
    versions = [i["metadata"]["version"] for i in json.loads(proc.stdout)["install"]
                if _norm(i["metadata"]["name"]) == "torch"]
    version = versions[0] if versions else "?"
    if "+cpu" in version or sys.platform in ("darwin", "win32"):
        return f"torch=={version}", f"a CPU-only torch wheel is available ({version})"
    return None, (f"pip would install torch {version}, the CUDA build (several GB with its nvidia-* "
                  "packages): skipped, the autograd cross-checks will be skipped. "
                  "`make test TORCH=yes` installs it anyway.")


def torch_cmd(args) -> int:
    if args.mode == "no":
        print("torch: skipped (TORCH=no); the autograd cross-checks will be skipped")
        return 0
    if args.mode == "yes":
        req, why = "torch", "TORCH=yes"
    else:
        req, why = torch_choice(sys.executable, args.pip_args)
    print(f"torch: {why}")
    if req and args.install:
        return _run([sys.executable, "-m", "pip", "install", "--quiet", req, *args.pip_args]).returncode
    return 0


def _text_outputs(nb_path: Path) -> list[str]:
    """One line per output line of every code cell, prefixed by the cell number (text only)."""
    nb = json.loads(nb_path.read_text())
    lines, k = [], -1
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        k += 1
        text = ""                     # stream outputs joined as printed (kernels split them anyhow)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            part = out.get("text") or data.get("text/markdown") or data.get("text/plain") \
                or out.get("evalue") or ""
            part = "".join(part) if isinstance(part, list) else part
            text += part if out.get("output_type") == "stream" else "\n" + part + "\n"
        lines += [f"Cell {k}: {line}" for line in text.splitlines() if line.strip()]
    return lines


def upgrade(args) -> int:
    venv = REPO / f".venv-upgrade-{_python_version(sys.executable)}"
    vpy = venv / "bin" / "python"
    if not vpy.exists():
        _run([sys.executable, "-m", "venv", venv], check=True)
    _run([vpy, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    _run([vpy, "-m", "pip", "install", "--quiet", "--upgrade", "--upgrade-strategy", "eager",
          "-e", f"{REPO}[test]"], check=True)
    req, why = torch_choice(vpy)
    print(f"torch: {why}")
    if req:
        _run([vpy, "-m", "pip", "install", "--quiet", "--upgrade", req], check=True)
    old = pins_for(_python_version(vpy))
    new = freeze(vpy)
    changed = sorted(n for n in set(old) | set(new) if old.get(n) != new.get(n))
    print("version changes (constraints.txt -> newest):")
    for n in changed:
        print(f"  {n}: {old.get(n, '-')} -> {new.get(n, '-')}")
    work = REPO / "artifacts" / "upgrade" / "notebooks"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    sources = [REPO / "notebooks" / n if "/" not in n else Path(n) for n in args.notebooks] or \
        sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    copies = [work / p.name for p in sources]
    for src, dst in zip(sources, copies):
        shutil.copy(src, dst)
    status = _run([vpy, "-m", "mvcalc_helpers.notebook_tools", *copies], cwd=REPO).returncode
    differs = 0
    for src, dst in zip(sources, copies):
        diff = list(difflib.unified_diff(_text_outputs(src), _text_outputs(dst),
                                         f"{src.relative_to(REPO)} (committed)",
                                         f"{dst.relative_to(REPO)} (newest versions)", lineterm="", n=0))
        differs += bool(diff)
        print("\n".join(diff) if diff else f"{src.name}: text outputs identical")
    print(f"\n{differs} of {len(sources)} notebooks' text outputs differ; executed copies in "
          f"{work.relative_to(REPO)} (images are not compared: open them, or use nbdime).")
    if status:
        print("some notebook FAILED with the newest versions (see above): not written")
        return 1
    if args.write:
        for src, dst in zip(sources, copies):
            shutil.copy(dst, src)
        lock(args.python, base_python=vpy)
        print("notebooks and constraints.txt updated: review `git diff`, then run make test")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("lock", help="rewrite constraints.txt from this environment")
    p.add_argument("--python", action="append", default=[], help="another interpreter to cover")
    p = sub.add_parser("check", help="dry-run constraints.txt on interpreters")
    p.add_argument("--python", action="append", default=[sys.executable])
    p = sub.add_parser("torch", help="install torch where a CPU-only wheel exists")
    p.add_argument("--install", action="store_true")
    p.add_argument("--mode", choices=("auto", "yes", "no"), default="auto")
    p = sub.add_parser("upgrade", help="try the newest versions on copies of the chapters")
    p.add_argument("--write", action="store_true", help="overwrite the notebooks and constraints.txt")
    p.add_argument("--python", action="append", default=[], help="other interpreters for the new lock")
    p.add_argument("notebooks", nargs="*", help="chapter file names (default: all)")
    args, rest = parser.parse_known_args(argv)
    if rest and args.cmd != "torch":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    args.pip_args = rest                      # `torch`: extra pip arguments, e.g. -c constraints.txt
    if args.cmd == "lock":
        lock(args.python)
        return 0
    if args.cmd == "check":
        return check(args.python)
    if args.cmd == "torch":
        return torch_cmd(args)
    return upgrade(args)


if __name__ == "__main__":
    sys.exit(main())
