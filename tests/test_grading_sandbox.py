"""The student kernel's sandbox, directly: the audit hook refuses the key, other files, processes;
where the OS allows it (root on Linux) the key folder is also empty inside the kernel."""
from __future__ import annotations

import os

import pytest

from grading_support import FIXTURE_KEY, REPO
from mvcalc_helpers.grading import zygote
from mvcalc_helpers.grading.sandbox import StudentKernel

pytestmark = pytest.mark.slow

PROBE = f"""
import os, subprocess
out = []
for attempt in (lambda: open({str(FIXTURE_KEY)!r}).read(),
                lambda: open({str(REPO / 'README.md')!r}).read(),
                lambda: open({str(REPO / 'README.md')!r}, 'a'),
                lambda: subprocess.run(['true']),
                lambda: os.system('true'),
                lambda: os.kill(os.getppid(), 0)):
    try:
        attempt()
        out.append('ALLOWED')
    except PermissionError:
        out.append('refused')
open('mine.txt', 'w').write('ok')          # the sandbox folder itself is writable
print(out, os.path.exists({str(FIXTURE_KEY)!r}), open('mine.txt').read())
"""


@pytest.mark.parametrize("fork_server", [False, True], ids=["jupyter_client", "fork_server"])
def test_sandbox_refuses_and_hides(fork_server):
    z = zygote.Zygote() if fork_server else None
    zygote.set_current(z)
    try:
        with StudentKernel(timeout=30) as k:
            res = k.run(PROBE)
    finally:
        zygote.set_current(None)
        if z is not None:
            z.close()
    assert res.status == "ok", res
    refused, exists, mine = res.output.rsplit("]", 1)[0] + "]", *res.output.rsplit("]", 1)[1].split()
    assert "ALLOWED" not in refused and refused.count("refused") == 6
    assert mine == "ok"
    if fork_server and os.geteuid() == 0:
        assert exists == "False"       # the key folder is an empty mount inside the kernel
