"""The grader's side inside a student's kernel: the audit hook (defence in depth) and the value export.

The boundary is the OS sandbox the kernel runs in (:mod:`mvcalc_helpers.grading.zygote`:
bubblewrap and per-kernel namespaces); Python's documentation is explicit that audit hooks are not
a sandbox (``dir_fd`` opens, ``mknod``, ``shm_open`` … raise no event or are resolved differently).
The hook stays as a second, independent layer and for its clear messages ("grading sandbox:
reading … is not allowed").

``install(config)`` runs before any student code. It imports the course libraries, then adds a
``sys.addaudithook`` hook (which no later code can remove) that refuses:

* reading the answer key, the tests, git history, other submissions or grader output
  (everything outside an allow-list of library folders and the sandbox folder),
* writing, deleting or renaming anything outside the sandbox folder,
* starting processes (``subprocess``, ``os.system``, ``os.fork``, ``os.exec*``), sending signals
  to other processes, ``ctypes``, and network sockets,
* reading other processes' memory through ``/proc/<pid>``.

``dump_many(names)`` / ``call(ref, args)`` export the student's values as JSON for the grader
(see :mod:`mvcalc_helpers.grading.serialize`). These helpers live in the student's process, so a
hostile student can replace them — but then all the grader receives is a *claimed value*, which it
checks independently; the student can never make the grader run code or report a pass.
"""
from __future__ import annotations

import json
import os
import sys

__all__ = ["install", "dump_many", "call"]

_REFS: dict[str, object] = {}
_STATE = {"installed": False}

_BLOCK_ALWAYS = frozenset({
    "subprocess.Popen", "os.system", "os.fork", "os.forkpty", "os.exec", "os.posix_spawn",
    "os.spawn", "os.startfile", "pty.spawn", "os.kill", "os.killpg", "signal.pthread_kill",
    "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
    "ctypes.dlopen", "ctypes.dlsym", "ctypes.call_function", "ctypes.cdata", "ctypes.string_at",
    "ctypes.wstring_at", "ctypes.addressof", "ctypes.create_string_buffer", "ctypes.memmove",
    "ctypes.memset", "sys.remote_exec", "os.add_dll_directory",
})
_PATH_WRITE_EVENTS = {  # event -> indexes of path arguments that must stay inside the sandbox
    "os.remove": (0,), "os.rmdir": (0,), "os.rename": (0, 1), "os.replace": (0, 1),
    "os.truncate": (0,), "os.chmod": (0,), "os.chown": (0,), "os.utime": (0,), "os.mkdir": (0,),
    "os.symlink": (1,), "os.link": (0, 1), "shutil.rmtree": (0,), "shutil.move": (0, 1),
    "shutil.copyfile": (1,), "shutil.copytree": (1,), "os.chdir": (),
}
_PATH_READ_EVENTS = {"os.listdir": (0,), "os.scandir": (0,), "glob.glob": (0,), "os.walk": (0,)}


def _real(path) -> str | None:
    if isinstance(path, int):
        return None
    try:
        path = os.fsdecode(os.fspath(path))
    except TypeError:
        return None
    return os.path.realpath(path)


def _under(path: str, roots) -> bool:
    return any(path == r or path.startswith(r + os.sep) for r in roots)


_BLOCKED_IMPORTS = frozenset({"_posixsubprocess", "readline", "_gdbm", "_dbm", "dbm.gnu", "dbm.ndbm",
                              "_xxsubinterpreters", "_testcapi", "_testinternalcapi"})


def _refuse(*args, **kwargs):
    raise PermissionError("grading sandbox: not allowed while grading")


def _disarm_unaudited() -> None:
    """Replace the few C functions that start processes or read files *without* an audit event
    (``_posixsubprocess.fork_exec``, ``readline``'s history files); the hook then refuses any
    fresh import of those modules, so the originals cannot be reloaded."""
    import _posixsubprocess
    import ctypes  # noqa: F401 - cached now (torch imports it); its calls are refused by the hook

    _posixsubprocess.fork_exec = _refuse
    readline = sys.modules.get("readline")  # normally never loaded in a kernel: then unloadable
    if readline is not None:
        for name in ("read_history_file", "write_history_file", "append_history_file",
                     "read_init_file"):
            if hasattr(readline, name):
                setattr(readline, name, _refuse)


def install(config_json: str) -> str:
    """Prepare the kernel: import libraries, then add the (irremovable) audit hook.

    ``config_json`` holds ``sandbox`` (the only writable folder), ``deny`` (folders never readable)
    and ``allow`` (extra readable folders). Returns ``"ready"``.
    """
    if _STATE["installed"]:
        return "ready"
    config = json.loads(config_json)
    import warnings

    import numpy  # noqa: F401 - import before the hook (they read their own files)
    import sympy  # noqa: F401

    import mvcalc_helpers  # noqa: F401
    from mvcalc_helpers import checking  # noqa: F401
    from mvcalc_helpers.grading import serialize  # noqa: F401

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    _disarm_unaudited()
    sandbox = os.path.realpath(config["sandbox"])
    pid = os.getpid()
    deny = tuple(os.path.realpath(p) for p in config.get("deny", []))
    allow = {os.path.realpath(p) for p in config.get("allow", [])}
    allow |= {sandbox, os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix),
              os.path.realpath(sys.exec_prefix), "/usr", "/lib", "/lib64", "/etc", "/dev",
              "/sys", "/opt/conda", "/var/cache/fontconfig", "/proc/self", "/proc/thread-self",
              f"/proc/{pid}", "/proc/cpuinfo", "/proc/meminfo", "/proc/stat"}
    for p in sys.path:
        # library folders only: not the grader's working folder or the course repository
        rp = os.path.realpath(p) if p else None
        if rp and os.path.isdir(rp) and ("site-packages" in rp or "dist-packages" in rp
                                         or os.path.basename(rp).startswith("python3")
                                         or rp.endswith(".zip")):
            allow.add(rp)
    allow.add(os.path.dirname(os.path.realpath(mvcalc_helpers.__file__)))
    allow = tuple(sorted(a for a in allow if a))
    lib_roots = tuple(os.path.realpath(p) for p in sys.path if p and "site-packages" in p)
    write_ok = (sandbox, "/dev/null")

    def deny_msg(what, path):
        return PermissionError(f"grading sandbox: {what} {path!r} is not allowed")

    def hook(event, args):
        if event == "open":
            path = _real(args[0]) if args else None
            if path is None:
                return
            mode = args[1] if len(args) > 1 else "r"
            flags = args[2] if len(args) > 2 else 0
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
                (isinstance(flags, int) and flags > 0 and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT
                                                                   | os.O_TRUNC | os.O_APPEND))
            if _under(path, deny) or (path.startswith("/proc/") and (
                    path.rsplit("/", 1)[-1] in ("mem", "maps", "smaps", "pagemap", "environ")
                    or "/map_files" in path)):
                raise deny_msg("opening", path)
            if writing and not _under(path, write_ok):
                raise deny_msg("writing", path)
            if not _under(path, allow):
                raise deny_msg("reading", path)
            return
        if event == "import":
            if args and args[0] in _BLOCKED_IMPORTS:
                raise PermissionError(f"grading sandbox: importing {args[0]} is not allowed while grading")
            return
        if event in ("sqlite3.connect", "dbm.open", "shelve.open"):
            path = _real(args[0]) if args and args[0] is not None else None
            if path is not None and (_under(path, deny) or not _under(path, allow)):
                raise deny_msg("opening", path)
            return
        if event == "ctypes.dlopen":
            # libraries (torch) load their own shared objects by absolute path: allowed; loading
            # the C library or the running process (CDLL(None)) would bypass this hook: refused
            name = args[0] if args else None
            path = _real(name) if isinstance(name, (str, bytes, os.PathLike)) and os.path.isabs(
                os.fsdecode(name)) else None
            if path is not None and _under(path, lib_roots) and "libc." not in os.path.basename(path):
                return
            raise PermissionError("grading sandbox: ctypes.dlopen is not allowed while grading")
        if event in _BLOCK_ALWAYS or event.startswith("ctypes."):
            if event == "os.kill" and args and args[0] in (pid, 0):
                return
            raise PermissionError(f"grading sandbox: {event} is not allowed while grading")
        if event in _PATH_WRITE_EVENTS:
            for i in _PATH_WRITE_EVENTS[event]:
                if len(args) > i:
                    path = _real(args[i])
                    if path is not None and not _under(path, write_ok):
                        raise deny_msg(event, path)
            return
        if event in _PATH_READ_EVENTS and args:
            path = _real(args[0]) if args[0] is not None else os.path.realpath(".")
            if path is not None and (_under(path, deny) or not _under(path, allow)):
                raise deny_msg("listing", path)

    sys.addaudithook(hook)
    _STATE["installed"] = True
    return "ready"


def _register(obj) -> str:
    ref = f"r{len(_REFS)}"
    _REFS[ref] = obj
    return ref


def dump_many(names) -> str:
    """JSON ``{name: encoded value}`` for the user-namespace names (missing → ``{"t": "missing"}``)."""
    from IPython import get_ipython

    from mvcalc_helpers.grading import serialize

    ns = get_ipython().user_ns
    out = {}
    for name in names:
        if name not in ns:
            out[name] = json.dumps({"t": "missing"})
            continue
        try:
            out[name] = serialize.dumps(ns[name], side="kernel", register=_register)
        except Exception as exc:  # noqa: BLE001 - anything the student built
            out[name] = json.dumps({"t": "unsupported", "type": f"{type(ns[name]).__name__} ({exc})"})
    return json.dumps(out)


def call(ref: str, args_json: str) -> str:
    """Call the registered student function ``ref`` with the grader's arguments; JSON result.

    Exceptions propagate (the grader reports them as the learner's error).
    """
    from mvcalc_helpers.grading import serialize

    func = _REFS[ref]
    args = serialize.loads(args_json, side="kernel")
    result = func(*args)
    return serialize.dumps(result, side="kernel", register=_register)
