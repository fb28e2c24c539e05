"""The student kernel's OS sandbox, directly (bubblewrap + per-kernel namespaces + resource limits).

Each probe goes *around* the audit hook (``dir_fd`` opens, ``pidfd_send_signal``, ``mkfifo``,
``shm_open``, sqlite URIs — none of them checked by the hook), so what stops it is the OS sandbox:
the key, the submissions and the output folder do not exist inside it, ``/proc`` is empty, nothing
outside the kernel's PID namespace can be signalled, the Python environment is read-only.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from grading_support import FIXTURE_KEY, REPO
from mvcalc_helpers.grading import zygote
from mvcalc_helpers.grading.sandbox import StudentKernel

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(zygote.sandbox_problem() is not None and not os.environ.get("CI"),
                                 reason=f"no OS sandbox here: {zygote.sandbox_problem()}")]

PROBE = """
import json, os, signal, socket, sys, resource, threading, sqlite3, _posixshmem
res = {}
def attempt(name, f):
    try:
        res[name] = ['ALLOWED', repr(f())[:100]]
    except BaseException as e:
        res[name] = [type(e).__name__, str(e)[:100]]
# the audit hook resolves a relative path against the working folder, the OS against dir_fd:
# from /usr/lib, '../x' is /usr/x for the hook (allowed) but /x for the OS
home = os.getcwd()
os.chdir('/usr/lib')
root = os.open('/usr', os.O_RDONLY)
def P(path):
    return '..' + path
attempt('key_dir_fd', lambda: os.read(os.open(P(KEY), os.O_RDONLY, dir_fd=root), 10))
attempt('secret_dir_fd', lambda: os.read(os.open(P(SECRET + '/secret.txt'), os.O_RDONLY, dir_fd=root), 10))
attempt('proc_1_root', lambda: os.open(P('/proc/1/root'), os.O_RDONLY, dir_fd=root))
attempt('proc_self_mem', lambda: os.open(P('/proc/self/mem'), os.O_RDONLY, dir_fd=root))
attempt('proc_ppid_fd1', lambda: os.open(P('/proc/%d/fd/1' % max(os.getppid(), 1)), os.O_WRONLY, dir_fd=root))
attempt('etc_shadow', lambda: os.read(os.open(P('/etc/shadow'), os.O_RDONLY, dir_fd=root), 10))
attempt('sqlite_uri', lambda: sqlite3.connect('file:' + SECRET + '/made.db?mode=rwc', uri=True).execute('create table t(x)'))
others = []
for p in range(2, 400):
    try:
        fd = os.pidfd_open(p)
    except OSError:
        continue
    try:
        signal.pidfd_send_signal(fd, signal.SIGSTOP)
        others.append(p)
    except OSError:
        pass
res['signalled_others'] = others
res['pid'], res['ppid'] = os.getpid(), os.getppid()
res['proc_listing'] = os.listdir(os.open(P('/proc'), os.O_RDONLY, dir_fd=root))
res['env_secret'] = 'MVCALC_TEST_SECRET' in os.environ
res['interfaces'] = [n for _, n in socket.if_nameindex()]
res['limits'] = {n: resource.getrlimit(getattr(resource, n))[0] for n in ('RLIMIT_AS', 'RLIMIT_NPROC', 'RLIMIT_FSIZE', 'RLIMIT_CPU')}
# writes: from a folder inside the writable working folder, '../x' is inside it for the hook
os.chdir(home); os.mkdir('a'); os.chdir('a')
attempt('readme_write_dir_fd', lambda: os.open(P(README), os.O_WRONLY | os.O_APPEND, dir_fd=root))
attempt('mkfifo_out', lambda: os.mkfifo(P(SECRET + '/gradebook.csv'), dir_fd=root))
attempt('mknod_out', lambda: os.mknod(P(SECRET + '/results.json'), dir_fd=root))
attempt('write_python_env', lambda: os.open(P(sys.prefix + '/pwned'), os.O_WRONLY | os.O_CREAT, dir_fd=root))
os.write(os.open(P('/tmp/mine.txt'), os.O_WRONLY | os.O_CREAT, dir_fd=root), MARK.encode())
os.chdir(home); os.rmdir('a')
def big_file():
    with open('big.bin', 'wb') as fh:
        fh.write(b'x' * (70 * 2**20))
attempt('big_file', big_file)
attempt('memory_bomb', lambda: len(bytearray(16 * 2**30)))
threads = []
def thread_bomb():
    for _ in range(2000):
        t = threading.Thread(target=__import__('time').sleep, args=(2,), daemon=True)
        t.start()
        threads.append(t)
attempt('thread_bomb', thread_bomb)
res['threads_started'] = len(threads)
fd = _posixshmem.shm_open('/mvcalc_shared', os.O_CREAT | os.O_RDWR, 0o600)
os.write(fd, MARK.encode())
open('mine.txt', 'w').write(MARK)
conn_dir = os.path.dirname(CONN)
os.chdir('/usr/lib')
res['run_dir_listing'] = sorted(os.listdir(os.open(P(os.path.dirname(conn_dir)), os.O_RDONLY, dir_fd=root)))
res['conn_id'] = os.path.basename(conn_dir)
print(json.dumps(res))
"""

SEE = """
import json, os, _posixshmem
res = {}
home = os.getcwd()
os.chdir('/usr/lib')
root = os.open('/usr', os.O_RDONLY)
try:
    _posixshmem.shm_open('/mvcalc_shared', os.O_RDONLY, 0o600)
    res['shm'] = 'visible'
except OSError:
    res['shm'] = 'hidden'
res['cwd'] = os.listdir(os.open('..' + home, os.O_RDONLY, dir_fd=root))
res['tmp'] = os.listdir(os.open('../tmp', os.O_RDONLY, dir_fd=root))
print(json.dumps(res))
"""


def _run(k, code, **names):
    head = "".join(f"{n} = {v!r}\n" for n, v in names.items())
    res = k.run(head + code, timeout=120)
    assert res.status == "ok", res
    return json.loads(res.output.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def fork_server():
    os.environ["MVCALC_TEST_SECRET"] = "hunter2"       # must not reach the kernel
    try:
        z = zygote.Zygote()
    finally:
        del os.environ["MVCALC_TEST_SECRET"]
    zygote.set_current(z)
    yield z
    zygote.set_current(None)
    z.close()


def test_escapes_around_the_audit_hook_fail(fork_server, tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "secret.txt").write_text("s3cret")
    readme = REPO / "README.md"
    before = readme.read_bytes()
    with StudentKernel(timeout=60) as a, StudentKernel(timeout=60) as b:
        got = _run(a, PROBE, KEY=str(FIXTURE_KEY), SECRET=str(secret), README=str(readme), MARK="A",
                   CONN=a.kc.connection_file)
        seen = _run(b, SEE)
        assert b._alive() and a._alive()
    refused = {k: v for k, v in got.items() if isinstance(v, list) and len(v) == 2 and v[0] == "ALLOWED"}
    for name in ("key_dir_fd", "secret_dir_fd", "readme_write_dir_fd", "proc_1_root", "proc_self_mem",
                 "proc_ppid_fd1", "etc_shadow", "mkfifo_out", "mknod_out", "write_python_env",
                 "sqlite_uri", "big_file", "memory_bomb"):
        assert name not in refused, (name, got[name])
    assert got["thread_bomb"][0] == "RuntimeError" and got["threads_started"] < 64, got["thread_bomb"]
    assert got["signalled_others"] == []                  # its own PID namespace: nothing to signal
    assert got["pid"] == 1 and got["ppid"] == 0
    assert got["proc_listing"] == []                       # /proc is an empty tmpfs
    assert got["env_secret"] is False
    assert got["interfaces"] == ["lo"]                     # no network
    assert got["run_dir_listing"] == [got["conn_id"]]      # other kernels' sockets are not there
    lim = zygote.LIMITS
    assert got["limits"]["RLIMIT_AS"] == lim["address_space_bytes"]
    assert got["limits"]["RLIMIT_NPROC"] == lim["processes"]
    assert got["limits"]["RLIMIT_FSIZE"] == lim["file_size_bytes"]
    assert 0 < got["limits"]["RLIMIT_CPU"] < 60 * 20
    # the other submission's kernel sees none of it
    assert seen["shm"] == "hidden"
    assert "mine.txt" not in seen["cwd"] and "big.bin" not in seen["cwd"]
    assert "mine.txt" not in seen["tmp"]
    assert sorted(os.listdir(secret)) == ["secret.txt"]     # no FIFO, node or database made
    assert readme.read_bytes() == before


def test_kernels_die_with_the_grader(tmp_path):
    """SIGKILL the grading process: the sandbox, fork server and kernels go with it."""
    script = tmp_path / "grader.py"
    script.write_text(
        "import os, sys, time\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from mvcalc_helpers.grading import zygote\n"
        "from mvcalc_helpers.grading.sandbox import StudentKernel\n"
        "z = zygote.Zygote(); zygote.set_current(z)\n"
        "k = StudentKernel(timeout=30).start()\n"
        "print(z.pid, flush=True)\n"
        "time.sleep(600)\n")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    bwrap_pid = int(proc.stdout.readline())

    def descendants(pid):
        kids = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as fh:
                        if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                            kids.append(int(d))
                except (OSError, ValueError, IndexError):
                    pass
        return kids + [g for k in kids for g in descendants(k)]

    tree = [bwrap_pid] + descendants(bwrap_pid)
    assert len(tree) >= 3                                    # bwrap, fork server, kernel
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for _ in range(100):
        alive = [p for p in tree if os.path.exists(f"/proc/{p}")
                 and open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"]
        if not alive:
            break
        time.sleep(0.1)
    assert not alive, alive


def test_refuses_without_sandbox_tool(tmp_path, monkeypatch):
    """No bubblewrap: mvcalc-grade refuses and says why, unless --unsafe-no-sandbox."""
    code = ("import sys; from mvcalc_helpers.grading import zygote, cli\n"
            "zygote._PROBE[:] = []\n"
            "import shutil; shutil.which = lambda name, *a, **k: None\n"
            "sys.exit(cli.main(sys.argv[1:]))")
    (tmp_path / "subs").mkdir()
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "subs"), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert proc.returncode == 2
    assert "refusing to grade" in proc.stderr and "bubblewrap" in proc.stderr
    assert "--unsafe-no-sandbox" in proc.stderr


def test_unsafe_no_sandbox_still_grades_with_the_audit_hook(tmp_path):
    """--unsafe-no-sandbox: no OS sandbox, but the same scores, resource limits and audit hook."""
    from grading_support import submission, write

    subs = tmp_path / "subs"
    write(submission(), subs / "ann_00_fixture.ipynb")
    nb = submission()
    i = next(k for k, c in enumerate(nb["cells"])
             if (c.get("metadata", {}).get("nbgrader") or {}).get("grade_id") == "q1_answer")
    nb["cells"][i]["source"] = f"dz_dx = open({str(FIXTURE_KEY)!r}).read()"
    write(nb, subs / "bob_00_fixture.ipynb")
    proc = subprocess.run([sys.executable, "-m", "mvcalc_helpers.grading.cli", str(subs), "--key",
                           str(FIXTURE_KEY.parent.parent), "--out", str(tmp_path / "out"),
                           "--unsafe-no-sandbox", "--no-progress"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "without the OS sandbox" in proc.stderr
    res = {r["student"]: r for r in json.loads((tmp_path / "out" / "results.json").read_text())}
    assert res["ann"]["total"] == 10 and res["bob"]["total"] == 8
    assert "grading sandbox" in res["bob"]["questions"][0]["message"]
