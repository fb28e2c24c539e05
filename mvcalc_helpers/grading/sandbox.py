"""One student's Jupyter kernel, forked inside the OS sandbox (see :mod:`.zygote`).

:class:`StudentKernel` asks the fork server (:mod:`mvcalc_helpers.grading.zygote`: bubblewrap, then
per-kernel namespaces and resource limits) for a fresh ipykernel whose audit hook
(:func:`mvcalc_helpers.grading.kernel_side.install`) is installed before any student code, executes
cells one at a time with a per-cell timeout (an endless loop is interrupted, a kernel that does not
answer is killed) and a total time for the whole notebook (:data:`NOTEBOOK_TIME_FACTOR` × the
per-cell timeout), keeps at most a little output, caps every message the kernel sends
(:data:`MAX_MESSAGE_BYTES`; a larger one is dropped), treats any malformed reply as no reply,
notices when the kernel dies (``os._exit``, ``exit()``, a crash, a resource limit), and fetches
answer values / calls the student's functions for the grader.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["StudentKernel", "CellResult", "KernelDied", "RemoteError", "REPO", "default_deny",
           "NOTEBOOK_TIME_FACTOR", "MAX_MESSAGE_BYTES", "allow_unsafe", "SandboxUnavailable"]

from .zygote import SandboxUnavailable

REPO = Path(__file__).resolve().parents[2]
_OUTPUT_CAP = 20_000  # characters of a cell's output kept for feedback
#: a notebook's cells and checks together may run at most this many times the per-cell timeout
NOTEBOOK_TIME_FACTOR = 10
#: the largest message accepted from a kernel (zmq drops larger ones before they reach the grader)
MAX_MESSAGE_BYTES = 64 * 2**20
_UNSAFE: list = []


def allow_unsafe(flag: bool = True) -> None:
    """``--unsafe-no-sandbox``: let kernels run without the OS sandbox (audit hook and limits only)."""
    _UNSAFE[:] = [True] if flag else []


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
    """Folders the audit hook refuses (defence in depth: in the OS sandbox they are not even there)."""
    return [str(REPO / "solutions"), str(REPO / "tests"), str(REPO / ".git"),
            str(REPO / "benchmarks")]


def _text(v, limit: int = 2000) -> str:
    return v[:limit] if isinstance(v, str) else ""


class StudentKernel:
    """A sandboxed kernel for one submission. Use as a context manager.

    ``deny``: extra folders the audit hook refuses (submissions root, grader output).
    ``total_timeout``: seconds for everything this kernel runs (default
    ``NOTEBOOK_TIME_FACTOR * timeout``); after that the kernel is stopped.
    """

    def __init__(self, *, timeout: float = 30.0, deny=(), startup_timeout: float = 60.0,
                 total_timeout: float | None = None, **_ignored):
        self.timeout = float(timeout)
        self.total_timeout = float(total_timeout if total_timeout is not None
                                   else NOTEBOOK_TIME_FACTOR * self.timeout)
        self.startup_timeout = startup_timeout
        self.deny = list(default_deny()) + [str(d) for d in deny]
        self.dir = None
        self.km = None
        self.kc = None
        self.dead = False
        self.death_reason = ""
        self._own_zygote = None
        self._deadline = None

    # ------------------------------------------------------------------ lifecycle
    def _env(self, workdir: str) -> dict:
        return {"HOME": workdir, "TMPDIR": workdir,
                "IPYTHONDIR": os.path.join(workdir, ".ipython"),
                "MPLCONFIGDIR": os.path.join(workdir, ".matplotlib"),
                "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
                "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
                "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "PYDEVD_DISABLE_FILE_VALIDATION": "1", "JUPYTER_PLATFORM_DIRS": "1"}

    def start(self):
        from jupyter_client import BlockingKernelClient
        from jupyter_client.connect import write_connection_file
        import zmq

        from . import zygote

        z = zygote.get()
        if z is None:      # no fork server for the run: start one just for this kernel
            z = self._own_zygote = zygote.Zygote(sandbox=not _UNSAFE)
        self._sandboxed = z.sandbox
        kid, self.dir = z.new_kernel_dir()
        workdir = zygote.WORKDIR if z.sandbox else os.path.join(self.dir, "work")
        config = json.dumps({"sandbox": workdir, "deny": self.deny, "allow": [self.dir]})
        cf = os.path.join(self.dir, "kernel.json")
        # unix-domain sockets in the kernel's own folder: no TCP ports, nothing reachable from
        # outside, and (with the sandbox) no network namespace needed
        write_connection_file(cf, transport="ipc", ip=os.path.join(self.dir, "k"),
                              key=secrets.token_hex(16).encode())
        self._deadline = time.monotonic() + self.total_timeout + self.startup_timeout
        z.spawn(kid, cf, self._env(workdir), config, workdir,
                cpu_seconds=self.total_timeout + self.startup_timeout)
        self.km = zygote.ForkedKernelManager(z, kid)
        ctx = zmq.Context()
        ctx.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)   # a huge reply is dropped, not read
        ctx.setsockopt(zmq.LINGER, 0)
        self._ctx = ctx
        self.kc = BlockingKernelClient(connection_file=cf, context=ctx)
        self.kc.load_connection_file()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=self.startup_timeout)
        self._deadline = time.monotonic() + self.total_timeout
        self._poller = zmq.Poller()
        self._poller.register(self.kc.shell_channel.socket, zmq.POLLIN)
        self._poller.register(self.kc.iopub_channel.socket, zmq.POLLIN)
        return self

    def close(self):
        try:
            if self.kc is not None:
                self.kc.stop_channels()
        except Exception:  # noqa: BLE001 - best effort clean-up
            pass
        try:
            if self.km is not None and self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001
            pass
        if getattr(self, "_ctx", None) is not None:
            self._ctx.destroy(linger=0)
            self._ctx = None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        if self._own_zygote is not None:
            self._own_zygote.close()
            self._own_zygote = None

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

    def remaining(self) -> float:
        """Seconds left of the notebook's total time."""
        return float("inf") if self._deadline is None else self._deadline - time.monotonic()

    # ------------------------------------------------------------------ execution
    def _messages(self, channel):
        """The channel's pending messages; a malformed one (not JSON, wrong signature, not a
        dict) is skipped — a kernel can only lose its own reply, never crash the grader."""
        while True:
            try:
                if not channel.msg_ready():
                    return
                msg = channel.get_msg(timeout=0)
            except Exception:  # noqa: BLE001 - anything a hostile kernel can send
                continue
            if isinstance(msg, dict) and isinstance(msg.get("parent_header"), dict) \
                    and isinstance(msg.get("content"), dict):
                yield msg

    def run(self, code: str, *, timeout: float | None = None, user_expressions=None) -> CellResult:
        """Execute ``code``; wait for its reply with a timeout; keep at most a little output."""
        if self.dead:
            return CellResult("dead", "KernelDied", self.death_reason)
        timeout = self.timeout if timeout is None else timeout
        left = self.remaining()
        total_limit = left < timeout
        if left <= 0:
            self._mark_dead(f"the notebook ran longer than {self.total_timeout:g} s in total "
                            f"({NOTEBOOK_TIME_FACTOR} × the {self.timeout:g} s per-cell timeout)")
            return CellResult("timeout", "TimeoutError", self.death_reason)
        timeout = min(timeout, left)
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
                for msg in self._messages(iopub):
                    if msg["parent_header"].get("msg_id") != msg_id:
                        continue
                    mt, content = msg.get("msg_type"), msg["content"]
                    if mt == "status" and content.get("execution_state") == "idle":
                        idle = True
                    elif mt == "stream" and kept < _OUTPUT_CAP:
                        text = _text(content.get("text"), _OUTPUT_CAP - kept)
                        out.append(text)
                        kept += len(text)
            if shell.socket in events:
                for msg in self._messages(shell):
                    if reply is None and msg["parent_header"].get("msg_id") == msg_id:
                        reply = msg
            now = time.monotonic()
            if reply is not None and (idle or now > deadline + 2):
                break
            if not events and not self._alive():
                self._mark_dead("the kernel stopped while running this cell (os._exit, exit(), "
                                "a crash or a resource limit)")
                return CellResult("dead", "KernelDied", self.death_reason, "".join(out), now - t0)
            if now > deadline and interrupted_at is None:
                interrupted_at = now
                try:
                    self.km.interrupt_kernel()
                except Exception:  # noqa: BLE001
                    pass
            if interrupted_at is not None and (total_limit or (now > interrupted_at + 5 and reply is None)):
                why = (f"the notebook ran longer than {self.total_timeout:g} s in total "
                       f"({NOTEBOOK_TIME_FACTOR} × the {self.timeout:g} s per-cell timeout)" if total_limit
                       else f"the kernel did not answer within {timeout:g} s (a cell that would not "
                            f"stop, or a reply over the {MAX_MESSAGE_BYTES // 2**20} MB cap)")
                self._mark_dead(why)
                return CellResult("timeout", "TimeoutError", self.death_reason, "".join(out), now - t0)
        content = reply["content"]
        seconds = time.monotonic() - t0
        if interrupted_at is not None:
            return CellResult("timeout", "TimeoutError",
                              f"the cell ran longer than {timeout:g} s and was stopped (an endless loop?)",
                              "".join(out), seconds)
        if content.get("status") == "ok":
            ue = content.get("user_expressions")
            return CellResult("ok", output="".join(out), seconds=seconds,
                              extra=ue if isinstance(ue, dict) else {})
        return CellResult("error", _text(content.get("ename"), 200) or "Error",
                          _text(content.get("evalue")), "".join(out), seconds)

    def _expression(self, expr: str, timeout: float | None = None) -> str:
        """Evaluate ``expr`` (which returns a str) in the kernel; the string, or an exception."""
        res = self.run("", timeout=timeout, user_expressions={"v": expr})
        if res.status == "dead":
            raise KernelDied(res.evalue)
        if res.status == "timeout":
            if self.dead:
                raise KernelDied(res.evalue)
            raise RemoteError("TimeoutError", res.evalue)
        if res.status != "ok":
            raise RemoteError(res.ename, res.evalue)
        v = res.extra.get("v")
        if not isinstance(v, dict):
            raise RemoteError("ValueError", "the answer could not be read back from the notebook")
        if v.get("status") != "ok":
            ename, evalue = _text(v.get("ename"), 200) or "Error", _text(v.get("evalue"))
            if ename == "KeyboardInterrupt":
                raise RemoteError("TimeoutError", f"your code ran longer than {self.timeout:g} s")
            raise RemoteError(ename, evalue)
        import ast

        data = v.get("data")
        text = data.get("text/plain") if isinstance(data, dict) else None
        if not isinstance(text, str):
            raise RemoteError("ValueError", "the answer could not be read back from the notebook")
        try:
            value = ast.literal_eval(text)
        except Exception:  # noqa: BLE001 - ValueError, SyntaxError, MemoryError, RecursionError…
            raise RemoteError("ValueError", "the answer could not be read back from the notebook") from None
        if not isinstance(value, str):
            raise RemoteError("ValueError", "the answer could not be read back from the notebook")
        return value

    def fetch(self, names) -> dict[str, str]:
        """``{name: JSON}`` of the student's values (see kernel_side.dump_many)."""
        expr = ("__import__('mvcalc_helpers.grading.kernel_side', fromlist=['x'])"
                f".dump_many({list(names)!r})")
        text = self._expression(expr)
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            data = None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise RemoteError("ValueError", "the answers could not be read back from the notebook")
        return data

    def call(self, ref: str, args_json: str) -> str:
        expr = (f"__import__('mvcalc_helpers.grading.kernel_side', fromlist=['x'])"
                f".call({ref!r}, {args_json!r})")
        return self._expression(expr)
