"""Support code for the browser tests: a throw-away JupyterLab server and a notebook checker.

``tests/test_browser.py`` uses it; ``/work/shared/recipes/browser-e2e.md`` lists the facts it
relies on (Chromium flags, selectors). Nothing here is imported by the course itself.

- :class:`LabServer` starts ``jupyter lab`` on loopback with a fresh token, temp config/data/
  runtime/settings dirs and a copy of the course as its root, and stops it by its own PID.
- :func:`check_notebook` opens a notebook in a page, runs all cells, collects error output,
  moves the first slider of the first explorer with the keyboard and checks that the readout
  and the image changed. It *returns* the problems it saw (empty list = pass), so the tests can
  also show that it fails on deliberately broken notebooks (:data:`FIXTURE_NOTEBOOKS`).
"""
from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# recipe flags: no sandbox as root, and no background networking on the closed network
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
ARTIFACTS = REPO / "artifacts" / "browser"

# generous: the machine has 2 cores shared with other jobs
SERVER_START_S = 120
PAGE_LOAD_S = 120
RUN_ALL_S = int(os.environ.get("MVCALC_BROWSER_RUN_ALL_S", 600))
WIDGET_UPDATE_S = 60

# what the course copy holds (the server's root; JupyterLab autosaves, so never the repo itself)
_COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "artifacts", "build", "*.egg-info", "__pycache__",
                                      ".pytest_cache", ".hypothesis", ".grading-work",
                                      ".ipynb_checkpoints", "benchmarks", "dist", "grades", "submitted")


def in_ci() -> bool:
    """True when running in CI (there a missing browser must fail the suite, not skip it)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def browser_unavailable_reason() -> str | None:
    """Why the browser tests cannot run here, or None if Chromium and Playwright are present."""
    if not os.access(CHROMIUM, os.X_OK) or os.path.isdir(CHROMIUM):
        return f"{CHROMIUM} not found (Debian package 'chromium'; .ci/run installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package 'playwright' is not installed (pip install -e '.[test]')"
    return None


def require_browser() -> None:
    """Skip the calling test if Chromium/Playwright are missing; in CI fail it instead."""
    import pytest

    reason = browser_unavailable_reason()
    if reason:
        if in_ci():
            pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jupyter_env(tmp: Path) -> dict:
    """Environment with HOME and every Jupyter/IPython/matplotlib dir inside ``tmp``."""
    env = dict(os.environ)
    for name in ("home", "config", "data", "runtime", "ipython", "mpl"):
        (tmp / name).mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(tmp / "home"), JUPYTER_CONFIG_DIR=str(tmp / "config"),
               JUPYTER_DATA_DIR=str(tmp / "data"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
               IPYTHONDIR=str(tmp / "ipython"), MPLCONFIGDIR=str(tmp / "mpl"),
               JUPYTER_PLATFORM_DIRS="1", PYTHONUNBUFFERED="1")
    env.pop("JUPYTER_TOKEN", None)
    env.pop("MPLBACKEND", None)  # the kernel chooses its inline backend, as for a learner
    return env


def quiet_lab_settings(settings_dir: Path) -> None:
    """User settings that stop the news/update toast from covering the notebook."""
    f = settings_dir / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))


def lab_page_config(config_dir: Path) -> None:
    """Page config without the build check: each page load otherwise asks the server, which runs
    node twice (a version check and ``yarn config``) to say whether JupyterLab needs a rebuild."""
    f = config_dir / "labconfig" / "page_config.json"
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(json.dumps({"buildCheck": False, "buildAvailable": False}))


def http_get(url: str, timeout: float = 10.0) -> tuple[int, bytes]:
    """(status, body) of a GET; connection errors give status 0."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, http.client.HTTPException, OSError):
        return 0, b""


def api(base: str, token: str, path: str, method: str = "GET", body=None, timeout: float = 30.0):
    """Call the Jupyter server REST API; returns the decoded JSON (or None for 204)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{base}{path}", data=data, method=method,
                                 headers={"Authorization": f"token {token}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        raw = r.read()
    return json.loads(raw) if raw else None


def wait_for_status(base: str, token: str, proc: subprocess.Popen, timeout: float, log: Path) -> None:
    """Poll ``/api/status`` until it answers 200; fail early if the server process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the Jupyter server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        if http_get(f"{base}/api/status?token={token}", timeout=5)[0] == 200:
            return
        time.sleep(0.25)
    raise TimeoutError(f"no answer from {base}/api/status within {timeout} s:\n{log.read_text()[-3000:]}")


class LabServer:
    """A JupyterLab server on loopback serving a copy of the course (one per test session)."""

    def __init__(self, tmp: Path, sources=None):
        self.tmp = Path(tmp)
        self.root = self.tmp / "course"
        self.token = secrets.token_hex(24)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = self.tmp / "jupyterlab.log"
        self.proc: subprocess.Popen | None = None
        self.sources = sources if sources is not None else REPO

    def start(self) -> "LabServer":
        shutil.copytree(self.sources, self.root, ignore=_COPY_IGNORE, symlinks=True)
        quiet_lab_settings(self.tmp / "settings")
        lab_page_config(self.tmp / "config")
        for attempt in range(3):  # a port picked by free_port() can be taken before the server binds it
            try:
                self._launch()
                return self
            except RuntimeError:
                if attempt == 2:
                    raise
                self.port = free_port()
                self.base = f"http://127.0.0.1:{self.port}"
        return self

    def _launch(self) -> None:
        env = jupyter_env(self.tmp)
        cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser",
               f"--port={self.port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
               f"--LabApp.workspaces_dir={self.tmp / 'workspaces'}",
               f"--LabApp.user_settings_dir={self.tmp / 'settings'}", "--LabApp.news_url=None",
               "--LabApp.extension_manager=readonly",
               # window.jupyterapp: open and close notebooks in one loaded page, watch the kernel
               "--LabApp.expose_app_in_browser=True",
               "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        wait_for_status(self.base, self.token, self.proc, SERVER_START_S, self.log)

    def stop(self) -> None:
        """SIGTERM to the server's own PID (it shuts its kernels down); SIGKILL if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def url(self, relpath: str, workspace: str) -> str:
        """Page URL that opens ``relpath`` in a workspace of its own (no restored tabs)."""
        return f"{self.base}/lab/workspaces/{workspace}/tree/{relpath}?reset&token={self.token}"

    def shutdown_kernels(self, relpath: str | None = None) -> None:
        """Shut down the sessions (and kernels) of one notebook, or all of them."""
        for s in api(self.base, self.token, "/api/sessions"):
            if relpath is None or s.get("path") == relpath:
                api(self.base, self.token, f"/api/sessions/{s['id']}", method="DELETE")


# --------------------------------------------------------------------------------------------
# the checker
# --------------------------------------------------------------------------------------------
@dataclass
class NotebookReport:
    """What :func:`check_notebook` saw; ``problems`` empty means the notebook passed."""
    relpath: str
    problems: list = field(default_factory=list)
    code_cells: int = 0
    explorers: int = 0
    slider: dict = field(default_factory=dict)
    readout_before: str = ""
    readout_after: str = ""
    image_changed: bool = False
    seconds: float = 0.0
    update_seconds: float = float("nan")  # key press → new readout and image in the page
    page_errors: list = field(default_factory=list)  # uncaught JavaScript exceptions (informational)
    screenshots: list = field(default_factory=list)
    phases: dict = field(default_factory=dict)  # seconds spent opening, running, checking, …

    def __str__(self):
        lines = [f"{self.relpath}: {len(self.problems)} problem(s), {self.code_cells} code cells, "
                 f"{self.explorers} explorer(s), "
                 f"{self.seconds:.1f} s ({', '.join(f'{k} {v:.1f}' for k, v in self.phases.items())})"]
        lines += [f"  - {p}" for p in self.problems]
        if self.slider:
            lines.append(f"  slider {self.slider}; readout {self.readout_before!r} → {self.readout_after!r}; "
                         f"image changed: {self.image_changed}; update {self.update_seconds:.2f} s")
        lines += [f"  page error (not counted): {e}" for e in self.page_errors]
        if self.screenshots:
            lines.append("  screenshots: " + ", ".join(str(s) for s in self.screenshots))
        return "\n".join(lines)


# JS: the state of all code cells (prompt text, error outputs, widget-rendering failures)
_CELLS_STATE_JS = r"""
() => {
  const cells = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell.jp-CodeCell')];
  const prompts = cells.map(c => (c.querySelector('.jp-InputArea-prompt') || {}).textContent || '');
  const errors = [];
  cells.forEach((c, i) => {
    c.querySelectorAll('.jp-OutputArea-output').forEach(o => {
      const mime = o.getAttribute('data-mime-type') || '';
      const text = (o.textContent || '').trim();  // innerText is empty for off-screen cells (content-visibility)
      // JupyterLab renders tracebacks with the stderr mime type too
      if (mime === 'application/vnd.jupyter.error' || mime === 'application/vnd.jupyter.stderr') {
        const tb = mime.endsWith('error') || /Traceback|^\w*(Error|Exception)\b/m.test(text);
        errors.push({cell: i + 1, kind: tb ? 'error' : 'stderr', text: text.slice(-600)});
      }
      else if (/Error displaying widget|Failed to load model class|Loading widget\.\.\./.test(text))
        errors.push({cell: i + 1, kind: 'widget', text: text.slice(0, 300)});
      else if (/^(VBox|HBox|FloatSlider|IntSlider|Image)\(/.test(text))
        errors.push({cell: i + 1, kind: 'widget-as-text', text: text.slice(0, 300)});
    });
  });
  const status = (document.querySelector('#jp-main-statusbar') || {}).textContent || '';
  return {n: cells.length, prompts, errors, status};
}
"""

_RUN_FINISHED_JS = r"""
() => {
  const cells = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell.jp-CodeCell')];
  const prompts = cells.map(c => (c.querySelector('.jp-InputArea-prompt') || {}).textContent || '');
  if (prompts.some(p => p.includes('*'))) return false;          // still queued or running
  if (!prompts.some(p => /\[\d+\]/.test(p))) return false;      // not started yet (outputs were cleared)
  const status = (document.querySelector('#jp-main-statusbar') || {}).textContent || '';
  return status.includes('Idle');                                 // an error leaves the rest as [ ]
}
"""


def _img_src(locator) -> str:
    return locator.evaluate("el => el.currentSrc || el.src || ''")


def open_lab(page, server: LabServer, workspace: str) -> None:
    """Load JupyterLab (file browser, no document) in ``page``, in a fresh workspace."""
    page.goto(f"{server.base}/lab/workspaces/{workspace}?reset&token={server.token}",
              wait_until="domcontentloaded", timeout=PAGE_LOAD_S * 1000)
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=PAGE_LOAD_S * 1000)
    page.locator(".jp-FileBrowser .jp-DirListing-item").first.wait_for(timeout=PAGE_LOAD_S * 1000)


def _lab_loaded(page, server: LabServer) -> bool:
    return page.url.startswith(server.base + "/lab") and page.evaluate("() => !!window.jupyterapp")


def open_notebook(page, server: LabServer, relpath: str, workspace: str) -> None:
    """Open a notebook and wait until its kernel is Idle.

    In a page where JupyterLab is already loaded (:func:`open_lab`) the notebook opens in it, as
    from the file browser (loading JupyterLab costs ~5 s of CPU a page); otherwise the page
    loads JupyterLab on the notebook's URL, in a workspace of its own."""
    from playwright.sync_api import expect

    if _lab_loaded(page, server):
        # (returns nothing: Playwright would serialize the whole widget the command resolves to)
        page.evaluate("async p => { await window.jupyterapp.commands.execute('docmanager:open', "
                      "{path: p, factory: 'Notebook'}); }", relpath)
    else:
        page.goto(server.url(relpath, workspace), wait_until="domcontentloaded", timeout=PAGE_LOAD_S * 1000)
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").first.wait_for(
        timeout=PAGE_LOAD_S * 1000)
    expect(page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
           ).to_have_text(Path(relpath).name, timeout=PAGE_LOAD_S * 1000)
    expect(page.locator("#jp-main-statusbar")).to_contain_text("Idle", timeout=PAGE_LOAD_S * 1000)


def close_documents(page) -> None:
    """Close every document in a page opened by :func:`open_lab`, discarding changes (no dialog)."""
    page.evaluate("""() => { for (const w of Array.from(window.jupyterapp.shell.widgets('main'))) {
                               if (w.context) w.context.model.dirty = false;
                               w.close(); } }""")
    page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel, .jp-Dialog')", timeout=30_000)


def clear_all_outputs(page) -> None:
    """Edit → Clear Outputs of All Cells (stored outputs and widget views would look like fresh ones)."""
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_role("menuitem", name="Clear Outputs of All Cells", exact=True).click()
    page.wait_for_function(
        """() => ![...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')]
                  .some(p => /\\[[\\d*]+\\]/.test(p.textContent))""", timeout=PAGE_LOAD_S * 1000)


def run_all(page, timeout_s: float = RUN_ALL_S) -> None:
    """Clear all outputs, Run → Run All Cells, then wait until every cell ran (or one failed)."""
    clear_all_outputs(page)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # the prompts turn to [*] as soon as the cells are queued; then wait for the end
    page.wait_for_function(_RUN_FINISHED_JS, timeout=timeout_s * 1000, polling=250)


def cell_state(page) -> dict:
    """Prompts, error/stderr outputs and widget failures of the code cells (numbered from 1)."""
    return page.evaluate(_CELLS_STATE_JS)


def replace_cell_source(page, cell, text: str) -> None:
    """Click into a cell's CodeMirror editor, select all and type ``text`` over it."""
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    if "\n" in text:  # typing Enter would add CodeMirror's auto-indentation: insert lines as typed text
        page.keyboard.insert_text(text)
    else:
        page.keyboard.type(text)
    typed = editor.evaluate("el => (el.cmView && el.cmView.view) ? el.cmView.view.state.doc.toString() : el.innerText")
    if typed.strip() != text.strip():
        raise AssertionError(f"the editor holds {typed!r} after typing {text!r}")


def run_cells(page, cells, start: int, n: int, timeout_s: float = RUN_ALL_S) -> None:
    """Shift+Enter on cells ``start`` … ``start+n-1`` (edit focus in cell ``start``); wait for the last."""
    last = cells.nth(start + n - 1).locator(".jp-InputArea-prompt")
    before = last.text_content()
    cells.nth(start).locator(".cm-content").click()
    for _ in range(n):
        page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        "([el, b]) => { const t = el.textContent; return /\\[\\d+\\]/.test(t) && t !== b; }",
        arg=[last.element_handle(), before], timeout=timeout_s * 1000, polling=200)


def _shot(target, path: Path, report: NotebookReport) -> None:
    try:
        target.screenshot(path=str(path), timeout=30_000)
        report.screenshots.append(path)
    except Exception as e:  # a screenshot must not hide the real problem
        report.problems.append(f"screenshot {path.name} failed: {e}")


_EXPLORERS_JS = r"""
() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .mvcalc-explorer')].map(box => {
  const img = box.querySelector('img.mvcalc-plot');
  const readout = box.querySelector('.mvcalc-readout');
  return {controls: box.querySelectorAll('.widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-checkbox, .widget-radio').length,
          image: !!img && img.complete && img.naturalWidth > 0,
          readout: !!readout && readout.textContent.trim().length > 0};
})
"""


# from now on, count the comm messages (widget updates) the page sends to the notebook's kernel
# and the kernel's idle statuses that end their handling; false when the page has no
# window.jupyterapp (then only the timeout ends the wait)
_WATCH_COMM_IDLE_JS = r"""
() => {
  const app = window.jupyterapp, w = app && app.shell.currentWidget;
  const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  if (!kernel) return false;
  if (window.__mvcalcUnwatch) window.__mvcalcUnwatch();
  const sent = new Set();
  window.__mvcalcCommIdle = 0;
  const onAny = (_, {msg, direction}) => {
    if (direction === 'send' && msg.header.msg_type === 'comm_msg') sent.add(msg.header.msg_id);
  };
  // iopubMessage, not anyMessage's 'recv': it is emitted after the messages before it were applied
  const onIopub = (_, msg) => {
    if (msg.header.msg_type === 'status' && msg.content.execution_state === 'idle'
        && msg.parent_header && sent.has(msg.parent_header.msg_id)) window.__mvcalcCommIdle += 1;
  };
  kernel.anyMessage.connect(onAny);
  kernel.iopubMessage.connect(onIopub);
  window.__mvcalcUnwatch = () => {
    kernel.anyMessage.disconnect(onAny); kernel.iopubMessage.disconnect(onIopub); window.__mvcalcUnwatch = null;
  };
  return true;
}
"""


def check_all_explorers(page, report: NotebookReport, timeout_s: float = WIDGET_UPDATE_S) -> None:
    """Every explorer on the page shows a control, a loaded image and a non-empty readout."""
    try:
        page.wait_for_function(f"() => ({_EXPLORERS_JS.strip()})().every(e => e.controls && e.image && e.readout)",
                               timeout=timeout_s * 1000, polling=250)
    except Exception:
        pass  # reported below
    for i, e in enumerate(page.evaluate(_EXPLORERS_JS), 1):
        missing = [k for k in ("controls", "image", "readout") if not e[k]]
        if missing:
            report.problems.append(f"explorer {i} on the page has no {' / '.join(missing)}")
    report.explorers = len(page.evaluate(_EXPLORERS_JS))


def move_first_slider(page, report: NotebookReport, shots: Path, update_timeout_s: float = WIDGET_UPDATE_S) -> None:
    """Move the first slider of the first explorer one keyboard step; check readout and image."""
    explorers = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .mvcalc-explorer")
    if explorers.count() == 0:
        report.problems.append("no explorer (.mvcalc-explorer) was rendered: widgets shown as text, "
                               "not displayed, or the widget manager failed")
        return
    box = explorers.first
    box.scroll_into_view_if_needed(timeout=30_000)
    handle = box.locator(".widget-slider .noUi-handle[role=slider]").first
    readout = box.locator(".mvcalc-readout")
    image = box.locator("img.mvcalc-plot")
    for what, loc in (("slider handle", handle), ("readout (.mvcalc-readout)", readout),
                      ("image (img.mvcalc-plot)", image)):
        if loc.count() == 0:
            report.problems.append(f"the first explorer has no {what}")
    if report.problems:
        return
    readout = readout.first
    image = image.first
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=image.element_handle(),
                           timeout=WIDGET_UPDATE_S * 1000)
    before_text = readout.text_content().strip()
    before_src = _img_src(image)
    now = float(handle.get_attribute("aria-valuenow"))
    hi = float(handle.get_attribute("aria-valuemax"))
    key = "ArrowLeft" if now >= hi else "ArrowRight"
    report.readout_before = before_text
    if not before_text:
        report.problems.append("the readout is empty before the slider moves")
    _shot(box, shots / "before.png", report)

    value_before = handle.get_attribute("aria-valuenow")
    watching = page.evaluate(_WATCH_COMM_IDLE_JS)
    handle.focus()
    t_key = time.monotonic()
    page.keyboard.press(key)
    try:
        page.wait_for_function("([h, v]) => h.getAttribute('aria-valuenow') !== v",
                               arg=[handle.element_handle(), value_before], timeout=10_000)
    except Exception:
        pass  # reported below
    after_value = handle.get_attribute("aria-valuenow")
    report.slider = {"key": key, "before": now, "after": float(after_value), "max": hi}
    if float(after_value) == now:
        report.problems.append(f"pressing {key} on the slider did not move it (value {now})")
        _shot(box, shots / "after.png", report)
        return
    # wait for readout and image to change (the kernel renders, the comm sends them back), or
    # until the kernel has handled the slider's message: it sends the new image and readout before
    # it goes idle, and JupyterLab applies them to the widgets before it reports the idle
    changed = """([r, i, t, s]) => r.textContent.trim() !== t && (i.currentSrc || i.src) !== s && i.complete"""
    args = [readout.element_handle(), image.element_handle(), before_text, before_src]
    try:
        page.wait_for_function(f"(a) => ({changed})(a) || window.__mvcalcCommIdle > 0" if watching else changed,
                               arg=args, timeout=update_timeout_s * 1000, polling=100)
        page.wait_for_function(changed, arg=args, timeout=1000, polling=100)  # a last look, 1 s at most
    except Exception:
        pass  # report below exactly which one did not change
    if watching:
        page.evaluate("() => window.__mvcalcUnwatch && window.__mvcalcUnwatch()")
    report.update_seconds = time.monotonic() - t_key
    report.readout_after = readout.text_content().strip()
    report.image_changed = _img_src(image) != before_src
    if report.readout_after == before_text:
        report.problems.append(f"the readout did not change after the slider moved "
                               f"({now} → {after_value}): {before_text!r}")
    if not report.image_changed:
        report.problems.append(f"the plot image did not change after the slider moved ({now} → {after_value})")
    _shot(box, shots / "after.png", report)


def check_notebook(page, server: LabServer, relpath: str, *, name: str | None = None,
                   slider: bool = True, update_timeout_s: float = WIDGET_UPDATE_S) -> NotebookReport:
    """Open, Run All, look for errors, move the first explorer's slider; return the report."""
    name = name or Path(relpath).stem
    shots = ARTIFACTS / name
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True, exist_ok=True)
    report = NotebookReport(relpath)
    def on_page_error(exc):
        report.page_errors.append(str(exc)[:300])

    page.on("pageerror", on_page_error)
    t0 = t = time.monotonic()

    def phase(what):
        nonlocal t
        report.phases[what] = time.monotonic() - t
        t = time.monotonic()

    try:
        open_notebook(page, server, relpath, workspace=re.sub(r"\W", "-", name))
        phase("open")
        run_all(page)
        phase("run all")
        state = cell_state(page)
        report.code_cells = state["n"]
        for e in state["errors"]:
            report.problems.append(f"cell {e['cell']} ({e['kind']}): {e['text']}")
        not_run = [i + 1 for i, p in enumerate(state["prompts"]) if not re.search(r"\[\d+\]", p)]
        if not_run:
            report.problems.append(f"code cells not run by Run All: {not_run}")
        if slider:
            check_all_explorers(page, report)
            phase("explorers")
            move_first_slider(page, report, shots, update_timeout_s)
            phase("slider")
    except Exception as e:
        report.problems.append(f"{type(e).__name__}: " + " | ".join(str(e).splitlines()[:4]))
    finally:
        report.seconds = time.monotonic() - t0
        if report.problems:
            _shot(page, shots / "page-on-failure.png", report)
        (shots / "report.txt").write_text(str(report) + "\n")
        page.remove_listener("pageerror", on_page_error)
    return report


# --------------------------------------------------------------------------------------------
# fixture notebooks: one real explorer that works, and deliberately broken variants
# --------------------------------------------------------------------------------------------
_SETUP = """\
import numpy as np
import ipywidgets as widgets
import mvcalc_helpers as mh
from mvcalc_helpers.plotting import new_figure
mh.setup_notebook()"""

_EXPLORER = """\
fig, ax = new_figure(figsize=(4, 3))
xs = np.linspace(-2, 2, 101)
(line,) = ax.plot(xs, xs**2)
ax.set_ylim(-8, 8)

def update(a):
    {body}
    return f"f(1) = a·1² = <b>{{a:.2f}}</b>"

explorer = mh.Explorer(fig, {{"a": widgets.FloatSlider(value=1.0, min=-2, max=2, step=0.25,
                                                      description="a")}}, update)
explorer"""

_WORKS = "line.set_ydata(a * xs**2)"
# raises for every value but the first one: the first render works, every slider move fails
_RAISES = "if a != 1.0:\n        raise RuntimeError('broken on purpose')\n    line.set_ydata(a * xs**2)"
# changes the readout but never the artists: the PNG stays byte-identical
_FROZEN = "pass"

FIXTURE_NOTEBOOKS = {
    "good_explorer": [_SETUP, _EXPLORER.format(body=_WORKS), "print('done')"],
    "broken_update": [_SETUP, _EXPLORER.format(body=_RAISES)],
    "frozen_image": [_SETUP, _EXPLORER.format(body=_FROZEN)],
    "error_cell": [_SETUP, _EXPLORER.format(body=_WORKS), "1 / 0", "print('never reached')"],
    "widget_as_text": [_SETUP, _EXPLORER.format(body=_WORKS) + "\nprint(explorer.widget)"],
}
FIXTURE_DIR = "browser_fixtures"


def write_fixture_notebooks(root: Path) -> dict:
    """Write :data:`FIXTURE_NOTEBOOKS` under ``root/browser_fixtures``; returns name → relpath."""
    import nbformat

    out = {}
    (root / FIXTURE_DIR).mkdir(parents=True, exist_ok=True)
    for name, cells in FIXTURE_NOTEBOOKS.items():
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell(f"# Browser-test fixture: {name}")]
        nb.cells += [nbformat.v4.new_code_cell(src) for src in cells]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                     "language": "python"}
        rel = f"{FIXTURE_DIR}/{name}.ipynb"
        nbformat.write(nb, root / rel)
        out[name] = rel
    return out
