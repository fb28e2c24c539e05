"""A fork server for student kernels: import the kernel's libraries once, fork one kernel per submission.

Starting an ipykernel and importing IPython, numpy, sympy and matplotlib costs about a second of
CPU per kernel. The *zygote* is a process started before the grader reads any key or submission;
it imports those libraries once and then, for each request, forks a child that becomes a fresh
ipykernel (new sockets from a connection file, its own sandbox folder, the audit hook installed
before the first student cell). The zygote itself never holds a key, a submission or a grade.
"""
from __future__ import annotations

import json
import os
import signal
import sys

__all__ = ["Zygote", "get", "set_current"]

_PRELOAD = ("numpy", "sympy", "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline",
            "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell",
            "mvcalc_helpers", "mvcalc_helpers.checking", "mvcalc_helpers.symbolic",
            "mvcalc_helpers.numerical", "mvcalc_helpers.notebook_tools",
            "mvcalc_helpers.grading.serialize", "mvcalc_helpers.grading.kernel_side")

_CURRENT: list = []


def _die_with_parent() -> None:
    """Linux: get SIGKILL when the parent process dies (no orphaned kernels after Ctrl-C)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - not Linux: the kernels are still killed on normal exit
        pass


def _hide_paths(paths, keep) -> bool:
    """Defence in depth where the OS allows it (root / CAP_SYS_ADMIN on Linux): a private mount
    namespace in which the key, tests and submissions folders are empty, so even a process that
    escaped the audit hook finds nothing. Silently does nothing elsewhere."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        if libc.unshare(0x00020000) != 0:                       # CLONE_NEWNS
            return False
        if libc.mount(b"none", b"/", None, (1 << 14) | (1 << 18), None) != 0:   # MS_REC | MS_PRIVATE
            return False
        keep = [os.path.realpath(k) for k in keep]
        for p in paths:
            rp = os.path.realpath(p)
            if any(k == rp or k.startswith(rp + os.sep) for k in keep):
                continue                                        # never hide what the kernel needs
            if os.path.isdir(rp):
                libc.mount(b"tmpfs", rp.encode(), b"tmpfs", 1, b"size=4k,mode=000")  # MS_RDONLY
            elif os.path.isfile(rp):
                libc.mount(b"/dev/null", rp.encode(), None, 4096, None)             # MS_BIND
        return True
    except Exception:  # noqa: BLE001
        return False


def _child(req: dict) -> None:  # pragma: no cover - runs in the forked kernel process
    try:
        os.setsid()
        _die_with_parent()
        cfg = json.loads(req["install"])
        import mvcalc_helpers

        _hide_paths(cfg.get("deny", []), [req["cwd"], sys.prefix, sys.base_prefix,
                                          os.path.dirname(mvcalc_helpers.__file__)])
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.chdir(req["cwd"])
        os.environ.update(req["env"])
        # the grader's terminal is not the student's: stdin/stdout/stderr go to /dev/null
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.close(devnull)
        import matplotlib

        matplotlib.use("Agg")
        from ipykernel.kernelapp import IPKernelApp

        from . import kernel_side

        app = IPKernelApp.instance()
        app.initialize(["-f", req["connection_file"], "--HistoryManager.enabled=False",
                        "--IPKernelApp.log_level=50"])
        kernel_side.install(req["install"])
        app.start()
    finally:
        os._exit(0)


def _serve(conn) -> None:  # pragma: no cover - the zygote's loop
    _die_with_parent()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)   # children are reaped automatically
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.update({"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                       "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    import importlib
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in _PRELOAD:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - an optional library missing is fine
                pass
    conn.send("ready")
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if req == "exit":
            os._exit(0)
        pid = os.fork()
        if pid == 0:
            conn.close()
            _child(json.loads(req))
        conn.send(pid)


class Zygote:
    """The fork server. ``start()`` before reading keys/submissions; share with forked workers."""

    def __init__(self):
        import multiprocessing as mp

        self._conn, child_conn = mp.Pipe()
        self._lock = mp.get_context("fork").Lock()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the zygote process
            try:
                self._conn.close()
                _serve(child_conn)
            finally:
                os._exit(0)
        child_conn.close()
        if not self._conn.poll(120):
            raise RuntimeError("the kernel fork server did not start")
        self._conn.recv()

    def spawn(self, connection_file: str, cwd: str, env: dict, install_config: str) -> int:
        """Fork a kernel; returns its pid."""
        req = json.dumps({"connection_file": connection_file, "cwd": cwd, "env": env,
                          "install": install_config})
        with self._lock:
            self._conn.send(req)
            return int(self._conn.recv())

    def close(self):
        try:
            with self._lock:
                self._conn.send("exit")
        except Exception:  # noqa: BLE001
            pass
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def set_current(z: Zygote | None) -> None:
    _CURRENT[:] = [z] if z is not None else []


def get() -> Zygote | None:
    return _CURRENT[0] if _CURRENT else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover
        return True
    try:  # a zombie (not yet reaped) counts as dead
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


class ForkedKernelManager:
    """The parts of jupyter_client's KernelManager the sandbox uses, for a zygote-forked kernel."""

    def __init__(self, pid: int):
        self.pid = pid
        self.has_kernel = True

    def is_alive(self) -> bool:
        return _alive(self.pid)

    def interrupt_kernel(self):
        os.kill(self.pid, signal.SIGINT)

    def shutdown_kernel(self, now: bool = True):
        for sig in (signal.SIGKILL,):
            try:
                os.killpg(self.pid, sig)
            except (ProcessLookupError, PermissionError):
                try:
                    os.kill(self.pid, sig)
                except ProcessLookupError:
                    pass
        self.has_kernel = False


def python_executable() -> str:  # pragma: no cover - informational
    return sys.executable
