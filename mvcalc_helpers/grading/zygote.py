"""The OS sandbox of the student kernels: a fork server inside bubblewrap, one namespace set per kernel.

Starting an ipykernel and importing IPython, numpy, sympy and matplotlib costs about a second of CPU
per kernel, so kernels are forked from a *zygote* that imported them once. Since a student's code is
untrusted, the zygote runs inside a **bubblewrap** (``bwrap``) sandbox started once per grading run,
before any key or submission is read::

    bwrap --unshare-all --die-with-parent --new-session --clearenv
          --ro-bind /usr --ro-bind <python env> --ro-bind <mvcalc_helpers package>
          --proc /proc --dev /dev --tmpfs /tmp --bind <run folder of connection files> ...

so the zygote and every kernel forked from it see a read-only Python environment and the package,
nothing of the course repository (no key, no tests), of the submissions or of the output folder;
no network, no environment variables of the grader, their own PID namespace, and they die with the
grader. For each submission the zygote forks a process that enters **its own user, mount, PID, IPC,
UTS and network namespaces** (``unshare``), so one submission cannot see, signal or talk to another
nor the zygote: it is PID 1 of its namespace (everything it starts dies with it), ``/proc`` is an
empty tmpfs (no ``/proc/<pid>/root``, ``/mem``, ``/fd`` of anyone), ``/tmp``, ``/dev/shm`` and its
working folder are fresh size-capped tmpfs, and of the run folder only its own connection folder is
mounted. It then drops every capability (``capset``, ``no_new_privs``; mounts inherited from the
sandbox are locked by the kernel), sets resource limits (:data:`LIMITS`: address space, processes,
file size, CPU time) and becomes an ipykernel with the audit hook of :mod:`kernel_side` (kept as
defence in depth).

Without a sandbox tool (no ``bwrap``, no user namespaces, not Linux) :func:`sandbox_problem` says
why, and the grader refuses to grade unless ``--unsafe-no-sandbox`` is given: then the same zygote
runs as a plain process (resource limits and the audit hook only).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

__all__ = ["Zygote", "get", "set_current", "sandbox_problem", "LIMITS", "bwrap_command",
           "SandboxUnavailable", "ForkedKernelManager"]

_PRELOAD = ("numpy", "sympy", "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline",
            "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell",
            "mvcalc_helpers", "mvcalc_helpers.checking", "mvcalc_helpers.symbolic",
            "mvcalc_helpers.numerical", "mvcalc_helpers.notebook_tools", "mvcalc_helpers.plotting",
            # what mh.setup_notebook() (every chapter's setup cell) imports: sympy's init_printing
            # imports IPython's terminal shell and prompt_toolkit (~0.25 s of CPU per kernel)
            "IPython.terminal.interactiveshell",
            "mvcalc_helpers.grading.serialize", "mvcalc_helpers.grading.kernel_side")

#: resource limits of every student kernel (``setrlimit`` before the kernel starts)
LIMITS = {"address_space_bytes": 4 * 2**30,   # RLIMIT_AS: 4 GiB of virtual memory
          "processes": 64,                     # RLIMIT_NPROC, counted in the kernel's own user namespace
          "file_size_bytes": 64 * 2**20,       # RLIMIT_FSIZE: no file larger than 64 MiB
          "tmpfs_bytes": 64 * 2**20}           # size of each of /tmp, /dev/shm, the working folder
WORKDIR = "/home/student"                      # the kernel's (empty, private) working folder
#: when the grader runs as root, the sandbox runs as this unprivileged user ("nobody"): no file
#: is readable by ownership, and RLIMIT_NPROC (which never applies to root) holds
SANDBOX_UID = 65534

_CURRENT: list = []
_PROBE: list = []
_AS_UID: list = []      # in the zygote: the user each kernel runs as (when started by root)


class SandboxUnavailable(RuntimeError):
    """No OS sandbox can be made on this machine (the message says why)."""


def _die_with_parent() -> None:
    """Linux: get SIGKILL when the parent process dies (no orphaned workers after Ctrl-C)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - not Linux
        pass


# ------------------------------------------------------------------------------ the bwrap command

def _package_dir() -> str:
    import mvcalc_helpers

    return os.path.dirname(os.path.realpath(mvcalc_helpers.__file__))


def _binds() -> list[str]:
    """The folders every kernel sees read-only: the Python environment and the package."""
    binds = []
    for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(sys.executable),
              _package_dir()):
        for q in (os.path.abspath(p), os.path.realpath(p)):
            if q not in binds and not any(q.startswith(b + os.sep) for b in binds) \
                    and not q.startswith("/usr/"):
                binds.append(q)
    return binds


def bwrap_command(run_dir: str, bwrap: str = "bwrap", as_root: bool = False) -> list[str]:
    """The ``bwrap`` argument list that starts the zygote (see the module docstring).

    ``as_root``: the grader runs as root. Then the sandbox keeps no capability but ``CAP_SETUID``/
    ``CAP_SETGID``, used only by the zygote to switch each kernel to the unprivileged user
    :data:`SANDBOX_UID` before it enters its own namespaces (so no file is readable by ownership
    and the process limit holds: ``RLIMIT_NPROC`` never applies to root).

    >>> cmd = bwrap_command("/tmp/run")
    >>> {"--unshare-all", "--die-with-parent", "--new-session", "--clearenv"} <= set(cmd)
    True
    >>> "/etc" in cmd or any(a.startswith("/etc/shadow") for a in cmd)
    False
    """
    if as_root:
        cmd = [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
               "--unshare-cgroup-try", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        cmd = [bwrap, "--unshare-all"]
    cmd += ["--die-with-parent", "--new-session", "--clearenv"]
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    # only the files a Python process needs from /etc (no passwords, no keys)
    for f in ("/etc/ld.so.cache", "/etc/localtime", "/etc/fonts", "/etc/mime.types"):
        cmd += ["--ro-bind-try", f, f]
    # a fresh /tmp first: the read-only binds below are mounted on top of it, so a Python
    # environment or checkout that lives under /tmp (a CI clone, say) stays visible
    cmd += ["--tmpfs", "/tmp"]
    binds = _binds()
    parents = []
    for b in binds:   # folders leading to the binds, readable by the kernels' user
        d = os.path.dirname(b)
        while d not in ("/", "") and d not in parents:
            parents.append(d)
            d = os.path.dirname(d)
    for d in sorted(parents, key=len):
        cmd += ["--perms", "0755", "--dir", d]
    for b in sorted(binds, key=len):
        cmd += ["--ro-bind", b, b]
    pkg_parent = os.path.dirname(_package_dir())
    cmd += ["--proc", "/proc", "--dev", "/dev", "--dir", WORKDIR,
            "--bind", run_dir, run_dir, "--chdir", "/tmp",
            "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin", "--setenv", "HOME", WORKDIR,
            "--setenv", "PYTHONPATH", pkg_parent, "--setenv", "LANG", "C.UTF-8"]
    return cmd


def sandbox_problem(bwrap: str | None = None) -> str | None:
    """``None`` if kernels can run in the bubblewrap sandbox here, else why not (for the user)."""
    if _PROBE:
        return _PROBE[0]
    why = None
    if not sys.platform.startswith("linux"):
        why = (f"the grading sandbox needs Linux (bubblewrap and namespaces); this is {sys.platform}. "
               "Grade on Linux, or pass --unsafe-no-sandbox to grade without it (trusted notebooks only)")
    else:
        exe = bwrap or shutil.which("bwrap")
        if exe is None:
            why = ("bubblewrap ('bwrap') is not installed: install it (Debian/Ubuntu: "
                   "apt-get install bubblewrap), or pass --unsafe-no-sandbox to grade without a "
                   "sandbox (trusted notebooks only)")
        else:
            try:
                # a sandbox inside the sandbox: the per-kernel namespaces need nesting too
                p = subprocess.run([exe, "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                                    "--unshare-all", "--die-with-parent", "--", exe, "--ro-bind", "/", "/",
                                    "--unshare-all", "--", "true"],
                                   capture_output=True, text=True, timeout=60, cwd="/")
                if p.returncode != 0:
                    why = (f"bubblewrap cannot create namespaces here ({p.stderr.strip()[-300:] or 'exit '}"
                           f"{p.returncode}) — user namespaces may be disabled (a container?); "
                           "pass --unsafe-no-sandbox to grade without a sandbox (trusted notebooks only)")
            except (OSError, subprocess.SubprocessError) as exc:
                why = f"bubblewrap could not be run ({exc}); pass --unsafe-no-sandbox to grade without it"
    _PROBE.append(why)
    return why


# ------------------------------------------------------------------------------ inside the sandbox

def _libc():
    import ctypes

    return ctypes.CDLL("libc.so.6", use_errno=True)


def _check(ret: int, what: str) -> None:
    if ret != 0:
        import ctypes

        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = \
    1, 2, 4, 8, 32, 4096, 1 << 14, 1 << 18


def _isolate(req: dict) -> None:
    """In the kernel process (PID 1 of fresh namespaces): private mounts, no capabilities."""
    import ctypes

    libc = _libc()
    _check(libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None), "mount private")
    conn_fd = os.open(req["conn_dir"], os.O_PATH | os.O_DIRECTORY)
    # read-only binds under /tmp (a Python environment or checkout there) must survive the fresh /tmp
    keep = [(b, os.open(b, os.O_PATH | os.O_DIRECTORY)) for b in sorted(_binds(), key=len)
            if b.startswith("/tmp" + os.sep) and os.path.isdir(b)]
    size = LIMITS["tmpfs_bytes"]
    flags = _MS_NOSUID | _MS_NODEV
    for target, mode in (("/tmp", "1777"), ("/dev/shm", "1777"), (WORKDIR, "0700")):
        _check(libc.mount(b"tmpfs", target.encode(), b"tmpfs", flags,
                          f"size={size},mode={mode}".encode()), f"mount tmpfs {target}")
    for b, fd in keep:
        os.makedirs(b, exist_ok=True)
        _check(libc.mount(f"/proc/self/fd/{fd}".encode(), b.encode(), None, _MS_BIND | _MS_REC, None),
               f"bind {b} again")
        if not os.statvfs(b).f_flag & os.ST_RDONLY:   # a bind of bwrap's read-only bind stays read-only
            _check(libc.mount(None, b.encode(), None,
                              _MS_BIND | _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV, None),
                   f"make {b} read-only")
        os.close(fd)
    run_dir = os.path.dirname(req["conn_dir"])
    if os.path.isdir(run_dir):          # not under /tmp: hide the other kernels' folders
        _check(libc.mount(b"tmpfs", run_dir.encode(), b"tmpfs", flags, b"size=65536,mode=0755"),
               "mount tmpfs over the run folder")
    os.makedirs(req["conn_dir"], exist_ok=True)
    _check(libc.mount(f"/proc/self/fd/{conn_fd}".encode(), req["conn_dir"].encode(), None,
                      _MS_BIND, None), "bind the connection folder")
    os.close(conn_fd)
    # no /proc at all: nothing of the zygote or of other kernels to read, signal or write
    _check(libc.mount(b"tmpfs", b"/proc", b"tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC,
                      b"size=4096,mode=0555"), "mount tmpfs over /proc")

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    _check(libc.prctl(38, 1, 0, 0, 0), "no_new_privs")                      # PR_SET_NO_NEW_PRIVS
    for cap in range(64):
        libc.prctl(24, cap, 0, 0, 0)                                          # PR_CAPBSET_DROP
    _check(libc.capset(ctypes.byref(Header(0x20080522, 0)), (Data * 2)()), "capset")


def _limits(cpu_seconds: float) -> None:
    import resource

    for res, value in ((resource.RLIMIT_AS, LIMITS["address_space_bytes"]),
                       (resource.RLIMIT_NPROC, LIMITS["processes"]),
                       (resource.RLIMIT_FSIZE, LIMITS["file_size_bytes"]),
                       (resource.RLIMIT_CORE, 0)):
        try:
            resource.setrlimit(res, (value, value))
        except (ValueError, OSError):
            pass
    if cpu_seconds > 0:
        cpu = int(cpu_seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _kernel(req: dict, sandboxed: bool) -> None:  # pragma: no cover - runs in the kernel process
    try:
        if sandboxed:
            _isolate(req)
        try:
            os.setsid()
        except OSError:
            pass
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        workdir = req["workdir"]
        os.makedirs(workdir, exist_ok=True)
        os.chdir(workdir)
        os.environ.clear()
        os.environ.update(req["env"])
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2) if not req.get("debug") else (0, 1):
            os.dup2(devnull, fd)
        os.close(devnull)
        _limits(float(req.get("cpu_seconds", 0)))
        import matplotlib

        matplotlib.use("Agg")
        from ipykernel.kernelapp import IPKernelApp

        from . import kernel_side

        app = IPKernelApp.instance()
        app.initialize(["-f", req["connection_file"], "--HistoryManager.enabled=False",
                        "--IPKernelApp.log_level=50"])
        kernel_side.install(req["install"])
        app.start()
    except BaseException:  # noqa: BLE001
        if req.get("debug"):
            import traceback

            traceback.print_exc()
    finally:
        os._exit(0)


_CLONE_NEWNS, _CLONE_NEWUTS, _CLONE_NEWIPC, _CLONE_NEWUSER, _CLONE_NEWPID, _CLONE_NEWNET = \
    0x00020000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000


def _spawn(req: dict, sandboxed: bool) -> int:
    """Fork the kernel for ``req``; its pid (in the zygote's PID namespace)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the intermediate process
        try:
            os.close(r)
            if sandboxed:
                if _AS_UID:           # the grader runs as root: become the unprivileged user first
                    os.setgroups([])
                    os.setresgid(_AS_UID[0], _AS_UID[0], _AS_UID[0])
                    os.setresuid(_AS_UID[0], _AS_UID[0], _AS_UID[0])
                    _libc().prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE: its /proc/self is its own again
                uid, gid = os.getuid(), os.getgid()
                _check(_libc().unshare(_CLONE_NEWUSER | _CLONE_NEWNS | _CLONE_NEWPID | _CLONE_NEWIPC
                                       | _CLONE_NEWUTS | _CLONE_NEWNET), "unshare")
                with open("/proc/self/setgroups", "w") as fh:
                    fh.write("deny")
                with open("/proc/self/uid_map", "w") as fh:
                    fh.write(f"{uid} {uid} 1")
                with open("/proc/self/gid_map", "w") as fh:
                    fh.write(f"{gid} {gid} 1")
            kid = os.fork()           # the kernel: PID 1 of its own PID namespace
            if kid == 0:
                os.close(w)
                _kernel(req, sandboxed)
            os.write(w, str(kid).encode())
        except BaseException as exc:  # noqa: BLE001
            try:
                os.write(w, f"error {exc}".encode())
            except OSError:
                pass
        finally:
            os._exit(0)
    os.close(w)
    chunks = []
    while True:
        b = os.read(r, 4096)
        if not b:
            break
        chunks.append(b)
    os.close(r)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    text = b"".join(chunks).decode(errors="replace")
    if not text.isdigit():
        raise RuntimeError(text or "the kernel process did not start")
    return int(text)


def _serve(sandboxed: bool) -> None:  # pragma: no cover - the zygote's loop
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)                       # library chatter never reaches the protocol
    _die_with_parent()
    if sandboxed:
        _libc().prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: the kernels stay our children
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)   # children are reaped automatically
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.update({"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                       "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                       "MPLCONFIGDIR": os.path.join(tempfile.gettempdir(), "mvcalc-mpl")})
    import importlib
    import warnings

    # no debugger in a student kernel: ipykernel starts debugpy (pydevd) in every kernel when it
    # can import it — ~0.15 s of CPU per kernel, and a debug-protocol endpoint grading never uses
    sys.modules["debugpy"] = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in _PRELOAD:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - an optional library missing is fine
                pass
    kernels: dict[str, int] = {}

    seq = [None]

    def reply(obj):
        obj["n"] = seq[0]           # the request's number: a late answer is never taken for another
        proto_out.write(json.dumps(obj).encode() + b"\n")
        proto_out.flush()

    reply({"ready": True})
    while True:
        line = proto_in.readline()
        if not line:
            os._exit(0)
        try:
            req = json.loads(line)
            seq[0] = req.get("n")
            op = req.get("op")
            if op == "exit":
                for fd in kernels.values():
                    _pidfd_signal(fd, signal.SIGKILL)
                os._exit(0)
            if op == "spawn":
                pid = _spawn(req, sandboxed)
                try:
                    kernels[req["id"]] = os.pidfd_open(pid)
                except OSError:
                    kernels[req["id"]] = -1
                reply({"pid": pid})
            elif op == "signal":
                fd = kernels.get(req["id"], -1)
                _pidfd_signal(fd, int(req["sig"]))
                if int(req["sig"]) == signal.SIGKILL and fd >= 0:
                    kernels.pop(req["id"], None)
                    os.close(fd)
                reply({"ok": True})
            elif op == "alive":
                fd = kernels.get(req["id"], -1)
                reply({"alive": _pidfd_alive(fd)})
            else:
                reply({"error": f"unknown request {op!r}"})
        except Exception as exc:  # noqa: BLE001
            reply({"error": f"{type(exc).__name__}: {exc}"})


def _pidfd_signal(fd: int, sig: int) -> None:
    if fd < 0:
        return
    try:
        signal.pidfd_send_signal(fd, sig)
    except (ProcessLookupError, OSError):
        pass


def _pidfd_alive(fd: int) -> bool:
    if fd < 0:
        return False
    import select

    r, _, _ = select.select([fd], [], [], 0)
    return not r                          # a pidfd becomes readable when the process exits


# ------------------------------------------------------------------------------ the grader's side

class Zygote:
    """The fork server, in the bubblewrap sandbox (``sandbox=True``) or as a plain process
    (``sandbox=False``, only with ``--unsafe-no-sandbox``). Start it before reading keys or
    submissions; forked grading workers share it (requests are serialised by a lock)."""

    def __init__(self, sandbox: bool = True):
        import multiprocessing as mp

        if sandbox:
            why = sandbox_problem()
            if why:
                raise SandboxUnavailable(why)
        self.sandbox = sandbox
        self.run_dir = tempfile.mkdtemp(prefix="mvcalc-grade-run-")
        os.chmod(self.run_dir, 0o700)
        self._lock = mp.get_context("fork").Lock()
        self._count = 0
        self._owner = os.getpid()
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": self.run_dir,
               "PYTHONPATH": os.path.dirname(_package_dir())}
        args = [sys.executable, "-s", "-m", "mvcalc_helpers.grading.zygote", "--serve",
                "sandbox" if sandbox else "plain"]
        self.uid = SANDBOX_UID if sandbox and os.geteuid() == 0 else None
        cmd = (bwrap_command(self.run_dir, shutil.which("bwrap"), as_root=self.uid is not None)
               + ["--", *args, str(self.uid or "")]) if sandbox else args
        if self.uid is not None:
            os.chmod(self.run_dir, 0o711)   # the kernels (another user) reach their own folder
        debug = os.environ.get("MVCALC_GRADE_DEBUG")
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=None if debug else subprocess.DEVNULL, env=env,
                                      preexec_fn=_die_with_parent, close_fds=True, cwd="/")
        self.pid = self._proc.pid
        first = self._read(timeout=180)
        if not first or not first.get("ready"):
            self.close()
            raise RuntimeError("the kernel fork server did not start"
                               + (" (set MVCALC_GRADE_DEBUG=1 to see why)" if not debug else ""))

    def _read(self, timeout: float | None = None) -> dict | None:
        import select

        fd = self._proc.stdout
        if timeout is not None:
            r, _, _ = select.select([fd], [], [], timeout)
            if not r:
                return None
        line = fd.readline()
        if not line:
            return None
        return json.loads(line)

    def _request(self, obj: dict, timeout: float = 120) -> dict:
        import time

        with self._lock:
            n = f"{os.getpid()}-{time.monotonic_ns()}"
            obj = dict(obj, n=n)
            try:
                self._proc.stdin.write(json.dumps(obj).encode() + b"\n")
                self._proc.stdin.flush()
                end = time.monotonic() + timeout
                while True:   # skip a late answer to an earlier request that timed out
                    ans = self._read(timeout=max(0.0, end - time.monotonic()))
                    if ans is None or ans.get("n") == n:
                        break
            except (OSError, ValueError) as exc:
                raise RuntimeError(f"the kernel fork server stopped ({exc})") from None
        if ans is None:
            raise RuntimeError("the kernel fork server did not answer")
        if "error" in ans:
            raise RuntimeError(ans["error"])
        return ans

    def new_kernel_dir(self) -> tuple[str, str]:
        """``(id, folder)``: a fresh folder for one kernel's connection file and sockets."""
        with self._lock:
            self._count += 1
            kid = f"k{os.getpid()}-{self._count}"
        d = os.path.join(self.run_dir, kid)
        os.mkdir(d, 0o700)
        if self.uid is not None:
            os.chown(d, self.uid, self.uid)
        return kid, d

    def spawn(self, kid: str, connection_file: str, env: dict, install_config: str,
              workdir: str, cpu_seconds: float) -> int:
        """Fork a kernel; returns its pid (in the zygote's namespace: use :meth:`signal`)."""
        if self.uid is not None:
            os.chown(connection_file, self.uid, self.uid)
        req = {"op": "spawn", "id": kid, "connection_file": connection_file,
               "conn_dir": os.path.dirname(connection_file), "env": env, "install": install_config,
               "workdir": workdir, "cpu_seconds": cpu_seconds,
               "debug": bool(os.environ.get("MVCALC_GRADE_DEBUG"))}
        return int(self._request(req)["pid"])

    def signal(self, kid: str, sig: int) -> None:
        self._request({"op": "signal", "id": kid, "sig": int(sig)})

    def alive(self, kid: str) -> bool:
        return bool(self._request({"op": "alive", "id": kid}).get("alive"))

    def close(self):
        if os.getpid() != self._owner:
            return
        try:
            with self._lock:
                self._proc.stdin.write(b'{"op": "exit"}\n')
                self._proc.stdin.flush()
        except Exception:  # noqa: BLE001
            pass
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def set_current(z: Zygote | None) -> None:
    _CURRENT[:] = [z] if z is not None else []


def get() -> Zygote | None:
    return _CURRENT[0] if _CURRENT else None


class ForkedKernelManager:
    """The parts of jupyter_client's KernelManager the sandbox uses, for a zygote-forked kernel."""

    def __init__(self, zygote: Zygote, kid: str):
        self.zygote, self.kid = zygote, kid
        self.has_kernel = True

    def is_alive(self) -> bool:
        try:
            return self.zygote.alive(self.kid)
        except RuntimeError:
            return False

    def interrupt_kernel(self):
        self.zygote.signal(self.kid, signal.SIGINT)

    def shutdown_kernel(self, now: bool = True):
        if self.has_kernel:
            try:
                self.zygote.signal(self.kid, signal.SIGKILL)
            except RuntimeError:
                pass
        self.has_kernel = False


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:2] == ["--serve"]:
        if sys.argv[3:4] and sys.argv[3].isdigit():
            _AS_UID.append(int(sys.argv[3]))
        _serve(sys.argv[2:3] == ["sandbox"])
