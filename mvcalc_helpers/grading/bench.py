"""Throughput of ``mvcalc-grade`` against ``nbgrader autograde`` on the same submissions.

``python -m mvcalc_helpers.grading.bench [--n 20] [--chapter 01_partial_derivatives]`` builds ``n``
submissions (correct, blank and partially wrong, cycling) for one chapter, grades them with the
real ``nbgrader autograde`` in a temporary course folder (shipped ``nbgrader_config.py``) and with
``mvcalc-grade``, both as commands timed end to end (start-up included), and reports the two
times, the ratio and whether every per-question score agrees.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .generate import REPO, chapters

__all__ = ["compare_with_nbgrader", "main"]


def _submissions(key_path: Path, n: int):
    from .authoring import make_submission
    from .key import load_key

    qs = [q.qid for q in load_key(key_path).questions]
    kinds = [("correct", {}, "right"), ("blank", {}, "blank"),
             ("partial", {q: "wrong:1" for q in qs[::2]}, "right"),
             ("partial2", {q: "wrong:1" for q in qs[1::3]}, "right")]
    for i in range(n):
        label, answers, default = kinds[i % len(kinds)]
        yield f"s{i:03d}_{label}", make_submission(key_path, answers, default)


def compare_with_nbgrader(key_path, n: int = 20, jobs: int | None = None, workdir=None) -> dict:
    """Grade ``n`` submissions of ``key_path``'s chapter with both graders; times and agreement."""
    key_path = Path(key_path)
    name = key_path.parent.name
    jobs = jobs or os.cpu_count() or 2
    tmp = Path(workdir or tempfile.mkdtemp(prefix="mvcalc-bench-"))
    course = tmp / "course"
    (course / "solutions").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(key_path.parent, course / "solutions" / name, dirs_exist_ok=True)
    for student, nb in _submissions(key_path, n):
        dest = course / "submitted" / student / name / f"{name}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(json.dumps(nb), encoding="utf-8")
    bindir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")

    def run(cmd):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=course, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed: {proc.stderr[-2000:]}")
        return time.perf_counter() - t0

    run([str(bindir / "nbgrader"), "generate_assignment", name, "--force"])
    t_nbgrader = run([str(bindir / "nbgrader"), "autograde", name, "--create", "--force"])
    out = tmp / "mvcalc-out"
    t_ours = run([sys.executable, "-m", "mvcalc_helpers.grading.cli", str(course / "submitted"),
                  "--key", str(course / "solutions"), "--out", str(out), "--jobs", str(jobs),
                  "--no-progress"])
    from nbgrader.api import Gradebook

    ours = {r["student"]: {f"{q['qid']}_check": q["points"] for q in r["questions"]}
            for r in json.loads((out / "results.json").read_text(encoding="utf-8"))}
    same = True
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ours:
            snb = gb.find_submission_notebook(name, name, student)
            theirs = {g.name: float(g.score) for g in snb.grades if g.name.endswith("_check")}
            same &= theirs == ours[student]
    return {"chapter": name, "n": n, "jobs": jobs, "nbgrader_s": t_nbgrader, "mvcalc_s": t_ours,
            "speedup": t_nbgrader / t_ours, "same_scores": bool(same), "workdir": str(tmp)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mvcalc_helpers.grading.bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="number of submissions")
    parser.add_argument("--chapter", help="chapter (default: the first in solutions/)")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args(argv)
    keys = {p.parent.name: p for p in chapters(REPO / "solutions")}
    if not keys:
        keys = {p.parent.name: p for p in chapters(REPO / "tests/fixtures/grading/solutions")}
    key = keys[args.chapter] if args.chapter else next(iter(keys.values()))
    r = compare_with_nbgrader(key, n=args.n, jobs=args.jobs)
    print(f"{r['n']} submissions of {r['chapter']}: nbgrader autograde {r['nbgrader_s']:.1f} s, "
          f"mvcalc-grade ({r['jobs']} jobs) {r['mvcalc_s']:.1f} s → {r['speedup']:.2f}× faster; "
          f"identical scores: {r['same_scores']}")
    return 0 if r["same_scores"] else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
