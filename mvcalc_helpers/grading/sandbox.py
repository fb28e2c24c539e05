"""One student's Jupyter kernel, run in a throw-away folder under the audit-hook sandbox.

:class:`StudentKernel` starts an ipykernel (``jupyter_client``) whose working directory is a fresh
temporary folder, runs :func:`mvcalc_helpers.grading.kernel_side.install` in it before any student
code, executes cells one at a time with a per-cell timeout (an endless loop is interrupted, a
kernel that does not answer is killed), throws away output beyond a small cap, notices when the
kernel dies (``os._exit``, ``exit()``, a crash), and fetches answer values / calls the student's
functions for the grader.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["StudentKernel", "CellResult", "KernelDied", "RemoteError", "REPO", "default_deny"]

REPO = Path(__file__).resolve().parents[2]
_OUTPUT_CAP = 20_000  # characters of a cell's output kept for feedback


class KernelDied(RuntimeError):
    """The student's kernel stopped (exited, crashed, or stopped answering)."""


class RemoteError(Exception):
    """An exception raised by the student's code when the grader called it."""

    def __init__(self, ename: str, evalue: str):
        super().__init__(f"{ename}: {evalue}" if evalue else ename)
        self.ename, self.evalue = ename, evalue


@dataclass
class CellResult:
    status: str                      # "ok", "error", "timeout", "dead"
    ename: str = ""
    evalue: str = ""
    output: str = ""
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


def default_deny() -> list[str]:
    """Folders a student kernel may never read: the key, the tests, git history."""
    return [str(REPO / "solutions"), str(REPO / "tests"), str(REPO / ".git"),
            str(REPO / "benchmarks")]


def _mpl_dirs() -> list[str]:
    home = Path.home()
    dirs = [home / ".cache" / "matplotlib", home / ".config" / "matplotlib"]
    if os.environ.get("MPLCONFIGDIR"):
        dirs.append(Path(os.environ["MPLCONFIGDIR"]))
    return [str(d) for d in dirs]


class StudentKernel:
    """A sandboxed kernel for one submission. Use as a context manager.

    ``deny``: extra folders the student must not read (submissions root, grader output).
    """

    def __init__(self, *, timeout: float = 30.0, deny=(), kernel_name: str = "python3",
                 startup_timeout: float = 60.0):
        self.timeout = float(timeout)
        self.kernel_name = kernel_name
        self.startup_timeout = startup_timeout
        self.deny = list(default_deny()) + [str(d) for d in deny]
        self.dir = None
        self.km = None
        self.kc = None
        self.dead = False
        self.death_reason = ""

    # ------------------------------------------------------------------ lifecycle
    def _env(self) -> dict:
        return {"TMPDIR": self.dir, "IPYTHONDIR": os.path.join(self.dir, ".ipython"),
                "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
                "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "PYDEVD_DISABLE_FILE_VALIDATION": "1", "JUPYTER_PLATFORM_DIRS": "1"}

    def start(self):
        from . import zygote

        self.dir = tempfile.mkdtemp(prefix="mvcalc-grade-")
        config = json.dumps({"sandbox": self.dir, "deny": self.deny, "allow": _mpl_dirs()})
        z = zygote.get()
        if z is not None:
            # fork a pre-imported kernel (see zygote.py); the hook is installed before it serves
            from jupyter_client import BlockingKernelClient
            from jupyter_client.connect import write_connection_file

            cf = os.path.join(self.dir, ".kernel.json")
            # unix-domain sockets in the sandbox folder: no TCP ports to pick (no port races
            # between parallel workers) and nothing reachable from outside the machine
            write_connection_file(cf, transport="ipc", ip=os.path.join(self.dir, "k"),
                                  key=os.urandom(16).hex().encode())
            pid = z.spawn(cf, self.dir, self._env(), config)
            self.km = zygote.ForkedKernelManager(pid)
            self.kc = BlockingKernelClient(connection_file=cf)
            self.kc.load_connection_file()
        else:
            from jupyter_client.manager import KernelManager

            env = dict(os.environ)
            env.update(self._env())
            env.pop("PYTHONSTARTUP", None)
            self.km = KernelManager(kernel_name=self.kernel_name)
            import subprocess

            self.km.start_kernel(cwd=self.dir, env=env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 extra_arguments=["--HistoryManager.enabled=False",
                                                  "--IPKernelApp.log_level=50"])
            self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=self.startup_timeout)
        import zmq

        self._poller = zmq.Poller()
        self._poller.register(self.kc.shell_channel.socket, zmq.POLLIN)
        self._poller.register(self.kc.iopub_channel.socket, zmq.POLLIN)
        if z is None:
            res = self.run(
                "import mvcalc_helpers.grading.kernel_side as _mvcalc_grading_ks\n"
                f"_mvcalc_grading_ks.install({config!r})\n"
                "del _mvcalc_grading_ks", timeout=max(self.timeout, 60))
            if res.status != "ok":
                raise RuntimeError(f"could not prepare the grading kernel: {res.ename}: {res.evalue}")
        return self

    def close(self):
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km is not None and self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - best effort clean-up
            pass
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start() if self.km is None else self

    def __exit__(self, *exc):
        self.close()

    def _alive(self) -> bool:
        try:
            return self.km.is_alive()
        except Exception:  # noqa: BLE001
            return False

    def _mark_dead(self, reason: str):
        self.dead = True
        self.death_reason = reason
        try:
            self.km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001
            pass

    # ------------------------------------------------------------------ execution
    def run(self, code: str, *, timeout: float | None = None, user_expressions=None) -> CellResult:
        """Execute ``code``; wait for its reply with a timeout; keep at most a little output."""
        if self.dead:
            return CellResult("dead", "KernelDied", self.death_reason)
        timeout = self.timeout if timeout is None else timeout
        t0 = time.monotonic()
        msg_id = self.kc.execute(code, store_history=False, allow_stdin=False,
                                 user_expressions=user_expressions or {})
        out, kept = [], 0
        reply = None
        idle = False
        deadline = t0 + timeout
        interrupted_at = None
        shell, iopub = self.kc.shell_channel, self.kc.iopub_channel
        while True:
            events = dict(self._poller.poll(100))
            if iopub.socket in events:
                # drain output (discard beyond the cap so a print-loop cannot exhaust memory)
                while iopub.msg_ready():
                    msg = iopub.get_msg(timeout=0)
                    if msg.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    mt, content = msg["msg_type"], msg["content"]
                    if mt == "status" and content.get("execution_state") == "idle":
                        idle = True
                    elif mt == "stream" and kept < _OUTPUT_CAP:
                        text = content.get("text", "")[: _OUTPUT_CAP - kept]
                        out.append(text)
                        kept += len(text)
            if shell.socket in events:
                while reply is None and shell.msg_ready():
                    msg = shell.get_msg(timeout=0)
                    if msg.get("parent_header", {}).get("msg_id") == msg_id:
                        reply = msg
            now = time.monotonic()
            if reply is not None and (idle or now > deadline + 2):
                break
            if not events and not self._alive():
                self._mark_dead("the kernel stopped while running this cell (os._exit, exit() or a crash)")
                return CellResult("dead", "KernelDied", self.death_reason, "".join(out), now - t0)
            if now > deadline and interrupted_at is None:
                interrupted_at = now
                try:
                    self.km.interrupt_kernel()
                except Exception:  # noqa: BLE001
                    pass
            if interrupted_at is not None and now > interrupted_at + 5 and reply is None:
                self._mark_dead(f"a cell ran longer than {timeout:g} s and the kernel did not stop")
                return CellResult("timeout", "TimeoutError", self.death_reason, "".join(out), now - t0)
        content = reply["content"]
        seconds = time.monotonic() - t0
        if interrupted_at is not None:
            return CellResult("timeout", "TimeoutError",
                              f"the cell ran longer than {timeout:g} s and was stopped (an endless loop?)",
                              "".join(out), seconds)
        if content.get("status") == "ok":
            return CellResult("ok", output="".join(out), seconds=seconds,
                              extra=content.get("user_expressions", {}))
        return CellResult("error", content.get("ename", "Error"), content.get("evalue", ""),
                          "".join(out), seconds)

    def _expression(self, expr: str, timeout: float | None = None) -> str:
        """Evaluate ``expr`` (which returns a str) in the kernel; the string, or an exception."""
        res = self.run("", timeout=timeout, user_expressions={"v": expr})
        if res.status == "dead":
            raise KernelDied(res.evalue)
        if res.status == "timeout":
            raise RemoteError("TimeoutError", res.evalue)
        if res.status != "ok":
            raise RemoteError(res.ename, res.evalue)
        v = res.extra.get("v", {})
        if v.get("status") != "ok":
            ename, evalue = v.get("ename", "Error"), v.get("evalue", "")
            if ename == "KeyboardInterrupt":
                raise RemoteError("TimeoutError", f"your code ran longer than {self.timeout:g} s")
            raise RemoteError(ename, evalue)
        import ast

        text = v.get("data", {}).get("text/plain", "")
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise RemoteError("ValueError", "the answer could not be read back from the notebook") from None
        if not isinstance(value, str):
            raise RemoteError("ValueError", "the answer could not be read back from the notebook")
        return value

    def fetch(self, names) -> dict[str, str]:
        """``{name: JSON}`` of the student's values (see kernel_side.dump_many)."""
        expr = ("__import__('mvcalc_helpers.grading.kernel_side', fromlist=['x'])"
                f".dump_many({list(names)!r})")
        text = self._expression(expr)
        data = json.loads(text)
        if not isinstance(data, dict):
            raise RemoteError("ValueError", "the answers could not be read back from the notebook")
        return data

    def call(self, ref: str, args_json: str) -> str:
        expr = (f"__import__('mvcalc_helpers.grading.kernel_side', fromlist=['x'])"
                f".call({ref!r}, {args_json!r})")
        return self._expression(expr)
