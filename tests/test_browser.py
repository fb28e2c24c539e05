"""The course in a real JupyterLab, driven by headless Chromium the way a learner uses it.

nbval has no front end: it cannot see sliders rendered as text, a widget that never updates,
or a notebook that only fails in the browser. These tests start JupyterLab on a copy of the
course (``browser_support.LabServer``), and for every chapter: open it, Run All, check that no
cell shows an error, move the first slider of the first explorer with the keyboard and check
that the readout and the image change (screenshots in ``artifacts/browser/<chapter>/``).
They also answer one exercise wrong then right in the browser, start ``make lab``, check that the
contents' setup-check slider is drawn before anything runs (a picture) and live after, and open
the student edition (``mvcalc-release``) to find no solutions anywhere in its file browser.

Marked ``browser``: ``make test-fast`` leaves them out. In CI (``CI=true``) a missing Chromium
or Playwright fails them; elsewhere they are skipped with the reason.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import browser_support as bs
from course import CHAPTERS, REPO

pytestmark = pytest.mark.browser

NB_DIR = REPO / "notebooks"
EXERCISE_STEM = "02_chain_rule_jacobian"  # the exercise answered wrong, then right, in the browser (its Q1 has one part)
_TIMINGS: list = []


# --------------------------------------------------------------------------------------------
# fixtures: one server and one browser for the module (per pytest-xdist worker); one JupyterLab
# page in which the tests open their notebooks one after the other (lab_page), or a fresh page
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser_ready():
    bs.require_browser()


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_a_missing_browser_fails_in_ci_and_skips_elsewhere(monkeypatch, tmp_path, ci, outcome):
    monkeypatch.setattr(bs, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="no-chromium not found"):
        bs.require_browser()


@pytest.fixture(scope="module")
def lab(tmp_path_factory, browser_ready):
    server = bs.LabServer(tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.start()
        server.fixtures = bs.write_fixture_notebooks(server.root)
        yield server
    finally:
        server.stop()
        _write_timings()


@pytest.fixture(scope="module")
def browser(browser_ready):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=bs.PAGE_LOAD_S * 1000)  # expect() ignores the page default
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=bs.CHROMIUM, headless=True, args=bs.CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(bs.PAGE_LOAD_S * 1000)
    return context, pg


@pytest.fixture
def page(browser):
    context, pg = _new_page(browser)
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="module")
def _shared_lab_page(browser, lab):
    shared = {}
    try:
        yield shared
    finally:
        if "context" in shared:
            shared["context"].close()


@pytest.fixture
def lab_page(_shared_lab_page, browser, lab, request):
    """A page with JupyterLab loaded from ``lab``, shared by the tests (loading JupyterLab costs
    ~5 s of CPU): a test opens its notebook in it; afterwards every document is closed unsaved and
    every kernel shut down. After a failed test the next one gets a freshly loaded page."""
    shared = _shared_lab_page
    if "page" not in shared:
        shared["context"], shared["page"] = _new_page(browser)
        bs.open_lab(shared["page"], lab, workspace="shared")
    failed_before = request.session.testsfailed
    yield shared["page"]
    try:
        bs.close_documents(shared["page"])
        clean = request.session.testsfailed == failed_before
    except Exception:
        clean = False
    finally:
        lab.shutdown_kernels()
    if not clean:
        shared.pop("page")
        shared.pop("context").close()


def _write_timings():
    if _TIMINGS:
        bs.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER")  # each pytest-xdist worker its own file
        name = f"timings-{worker}.json" if worker else "timings.json"
        (bs.ARTIFACTS / name).write_text(json.dumps(_TIMINGS, indent=1) + "\n")


def _check(page, lab, relpath, **kw):
    """check_notebook in the shared page (lab_page closes the notebook and its kernel after)."""
    report = bs.check_notebook(page, lab, relpath, **kw)
    _TIMINGS.append({"notebook": relpath, "seconds": round(report.seconds, 1),
                     "slider_update_seconds": round(report.update_seconds, 2),
                     "problems": len(report.problems),
                     "phases": {k: round(v, 1) for k, v in report.phases.items()}})
    return report


# --------------------------------------------------------------------------------------------
# the checker itself: passes a working explorer, fails broken ones
# --------------------------------------------------------------------------------------------
def test_checker_passes_a_working_explorer(lab_page, lab):
    page = lab_page
    report = _check(page, lab, lab.fixtures["good_explorer"], name="fixture-good_explorer")
    assert not report.problems, str(report)
    assert report.readout_before != report.readout_after and report.image_changed
    assert report.slider["after"] != report.slider["before"]


BROKEN = [
    # fixture name, a problem the checker must report
    ("broken_update", r"readout did not change"),          # update() raises on every move
    ("frozen_image", r"plot image did not change"),        # readout moves, the figure never does
    ("error_cell", r"ZeroDivisionError"),                  # one cell raises during Run All
    ("widget_as_text", r"no explorer|widget-as-text"),     # the explorer printed, not displayed
]


@pytest.mark.parametrize("name, expected", BROKEN, ids=[b[0] for b in BROKEN])
def test_checker_fails_on_a_broken_notebook(lab_page, lab, name, expected):
    page = lab_page
    # the working fixture shows that an update arrives in well under a second; waiting 10 s for
    # one that never comes only costs time (a late update could only make this test pass wrongly
    # by the checker failing, which is what it asserts anyway)
    report = _check(page, lab, lab.fixtures[name], name=f"fixture-{name}", update_timeout_s=10)
    assert report.problems, f"the checker passed the deliberately broken notebook {name}"
    assert any(re.search(expected, p) for p in report.problems), str(report)


# a real chapter, sabotaged in the server's copy: its explorers never redraw the image
_FREEZE_IMAGES = """\
import mvcalc_helpers.explorers._base as _sabotage
_render = _sabotage.Explorer._render
_sabotage.Explorer._render = lambda self: self._png or _render(self)  # first render only"""


def test_checker_fails_on_a_sabotaged_chapter(lab_page, lab):
    page = lab_page
    import nbformat

    stem = CHAPTERS[0][0]
    nb = nbformat.read(NB_DIR / f"{stem}.ipynb", as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(_FREEZE_IMAGES))
    rel = f"{bs.FIXTURE_DIR}/sabotaged_{stem}.ipynb"
    nbformat.write(nb, lab.root / rel)
    report = _check(page, lab, rel, name=f"fixture-sabotaged-{stem}", update_timeout_s=10)
    assert any("plot image did not change" in p for p in report.problems), str(report)


# --------------------------------------------------------------------------------------------
# every chapter of the course
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("stem", [c[0] for c in CHAPTERS])
def test_chapter_runs_and_its_slider_updates(lab_page, lab, stem):
    page = lab_page
    assert (NB_DIR / f"{stem}.ipynb").exists(), f"notebooks/{stem}.ipynb does not exist"
    report = _check(page, lab, f"notebooks/{stem}.ipynb", name=stem)
    assert not report.problems, str(report)
    assert report.code_cells > 0


def test_contents_notebook_runs(lab_page, lab):
    page = lab_page
    assert (NB_DIR / "00_contents.ipynb").exists(), "notebooks/00_contents.ipynb does not exist"
    report = _check(page, lab, "notebooks/00_contents.ipynb", name="00_contents", slider=False)
    assert not report.problems, str(report)


# --------------------------------------------------------------------------------------------
# one exercise: a wrong answer gets feedback, the right one passes
# --------------------------------------------------------------------------------------------
def _answers(stem):
    """(wrong, right) code for question 1, from the solutions notebook's answer cell."""
    import nbformat

    key = nbformat.read(REPO / "solutions" / stem / f"{stem}.ipynb", as_version=4)
    cell = next(c for c in key.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q1_answer")
    body = cell.source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
    wrong = [ln.split("# WRONG:", 1)[1].strip() for ln in body.splitlines() if "# WRONG:" in ln]
    right = "\n".join(ln for ln in body.splitlines() if "# WRONG:" not in ln).strip("\n")
    assert wrong, f"solutions/{stem}: q1_answer has no '# WRONG:' line to type as a wrong answer"
    return wrong[0], right


def test_exercise_wrong_then_right_answer(lab_page, lab):
    page = lab_page
    import nbformat

    stem = EXERCISE_STEM
    rel = f"exercises/{stem}/{stem}.ipynb"
    assert (lab.root / rel).exists(), f"{rel} does not exist"
    nb = nbformat.read(lab.root / rel, as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    i_answer, i_check = ids.index("q1_answer"), ids.index("q1_check")
    assert i_check == i_answer + 1
    wrong, right = _answers(stem)
    shots = bs.ARTIFACTS / f"exercise-{stem}"
    shots.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    try:
        bs.open_notebook(page, lab, rel, workspace="exercise")
        cells = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")
        answer, check = cells.nth(i_answer), cells.nth(i_check)
        assert "NotImplementedError" in answer.locator(".cm-content").text_content()

        bs.replace_cell_source(page, answer, wrong)
        bs.run_all(page)  # runs the setup, the wrong answer and its check (which stops Run All)
        feedback = check.locator(".jp-OutputArea-output")
        from playwright.sync_api import expect
        expect(feedback.first).to_contain_text("✗")
        text_wrong = feedback.first.text_content()
        assert "is not right" in text_wrong, text_wrong
        state = bs.cell_state(page)
        errors_before = [e for e in state["errors"] if e["cell"] < _code_index(nb, i_check)]
        assert not errors_before, f"cells before the check failed: {errors_before}"
        feedback.first.scroll_into_view_if_needed()
        expect(feedback.first).to_be_visible()
        check.screenshot(path=str(shots / "wrong.png"))

        bs.replace_cell_source(page, answer, right)
        bs.run_cells(page, cells, i_answer, 2)  # Shift+Enter on the answer, then on its check
        expect(check.locator(".jp-OutputArea-output").first).to_contain_text("✓ Correct")
        text_right = check.locator(".jp-OutputArea-output").first.text_content()
        assert "✗" not in text_right and "Error" not in text_right, text_right
        check.locator(".jp-OutputArea-output").first.scroll_into_view_if_needed()
        expect(check.locator(".jp-OutputArea-output").first).to_be_visible()
        check.screenshot(path=str(shots / "right.png"))
    except Exception:
        page.screenshot(path=str(shots / "page-on-failure.png"))
        raise
    finally:
        _TIMINGS.append({"notebook": rel, "seconds": round(time.monotonic() - t0, 1)})


def _code_index(nb, i):
    """1-based position of cell ``i`` among the code cells (how cell_state numbers cells)."""
    return sum(c.cell_type == "code" for c in nb.cells[: i + 1])


# --------------------------------------------------------------------------------------------
# make lab
# --------------------------------------------------------------------------------------------
def _message(msg_type: str, content: dict, session: str) -> tuple[str, str]:
    msg_id = uuid.uuid4().hex
    return msg_id, json.dumps({
        "header": {"msg_id": msg_id, "username": "test", "session": session, "msg_type": msg_type,
                   "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [], "content": content})


async def _execute(base: str, token: str, kernel_id: str, code: str, timeout: float) -> dict:
    """Run ``code`` in a server-side kernel over its websocket; returns stdout, error and status.

    Like JupyterLab: first a kernel_info_request (repeated until the kernel answers), then the
    execute_request; done when both its execute_reply (shell) and its idle status (iopub, which
    may come first) have arrived.
    """
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(f"{base.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels"
                                 f"?token={token}")
    session = uuid.uuid4().hex
    deadline = time.monotonic() + timeout

    async def read(until: float):
        raw = await asyncio.wait_for(ws.read_message(), timeout=max(until - time.monotonic(), 0.1))
        if raw is None:
            raise ConnectionError("the kernel websocket closed")
        return json.loads(raw)

    try:
        ready = False
        while not ready and time.monotonic() < deadline:
            info_id, msg = _message("kernel_info_request", {}, session)
            await ws.write_message(msg)
            retry = min(time.monotonic() + 10, deadline)
            try:
                while not ready:
                    m = await read(retry)
                    ready = (m["header"]["msg_type"] == "kernel_info_reply"
                             and m.get("parent_header", {}).get("msg_id") == info_id)
            except asyncio.TimeoutError:
                continue
        assert ready, f"the kernel did not answer kernel_info within {timeout} s"

        msg_id, msg = _message("execute_request", {
            "code": code, "silent": False, "store_history": False, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True}, session)
        await ws.write_message(msg)
        out = {"stdout": "", "error": None, "status": None, "idle": False}
        while out["status"] is None or not out["idle"]:
            m = await read(deadline)
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = m["header"]["msg_type"], m["content"]
            if kind == "stream" and content.get("name") == "stdout":
                out["stdout"] += content["text"]
            elif kind == "error":
                out["error"] = f"{content['ename']}: {content['evalue']}"
            elif kind == "execute_reply":
                out["status"] = content["status"]
            elif kind == "status" and content["execution_state"] == "idle":
                out["idle"] = True
        return out
    finally:
        ws.close()


def test_make_lab_serves_the_course_and_its_kernel_imports_the_package(tmp_path, page):
    port = bs.free_port()
    env = bs.jupyter_env(tmp_path)
    log = tmp_path / "make-lab.log"
    contents = NB_DIR / "00_contents.ipynb"
    contents_before = contents.read_bytes() if contents.exists() else None
    with open(log, "wb") as f:
        proc = subprocess.Popen(["make", "--no-print-directory", "lab", f"PORT={port}"], cwd=REPO, env=env,
                                stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)  # own process group: killed as a whole below
    try:
        # make may first (re)install the course if pyproject.toml changed: generous timeout
        deadline = time.monotonic() + 600
        url = None
        while url is None and time.monotonic() < deadline:
            m = re.search(rf"(http://127\.0\.0\.1:{port}/\S*\?token=([0-9a-f]+))", log.read_text(errors="replace"))
            if m:
                url, token = m.group(1), m.group(2)
                break
            assert proc.poll() is None, f"make lab exited with {proc.returncode}:\n{log.read_text()[-3000:]}"
            time.sleep(0.5)
        assert url, f"make lab printed no URL with a token within 600 s:\n{log.read_text()[-3000:]}"
        base = f"http://127.0.0.1:{port}"
        bs.wait_for_status(base, token, proc, bs.SERVER_START_S, log)
        status = bs.api(base, token, "/api/status")
        assert "started" in status, status
        assert bs.http_get(f"{base}/api/status")[0] in (401, 403), "the server answers without its token"

        # a kernel started through the server imports the course package
        kernel = bs.api(base, token, "/api/kernels", method="POST", body={"name": "python3"})
        code = ("import mvcalc_helpers as mh, sys\n"
                "print(mh.__file__)\nprint(sys.executable)\nprint(mh.gradient.__module__)")
        # Playwright's sync API keeps an event loop running in this thread: use another one
        with ThreadPoolExecutor(1) as pool:
            result = pool.submit(asyncio.run, _execute(base, token, kernel["id"], code, timeout=180)).result()
        assert result["error"] is None and result["status"] == "ok", result
        assert str(REPO / "mvcalc_helpers") in result["stdout"], result
        assert "mvcalc_helpers.symbolic" in result["stdout"], result
        bs.api(base, token, f"/api/kernels/{kernel['id']}", method="DELETE")

        # and the URL a learner copies opens JupyterLab in the browser, on the contents page
        page.goto(url, wait_until="domcontentloaded")
        page.locator("#jp-main-dock-panel").wait_for()
        page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
        from playwright.sync_api import expect
        expect(page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
               ).to_have_text(re.compile(r"^00_contents\.ipynb"))
        page.close()
        for s in bs.api(base, token, "/api/sessions"):
            bs.api(base, token, f"/api/sessions/{s['id']}", method="DELETE")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # make and the server it started
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        _wait_group_gone(proc.pid)
    if contents_before is not None:
        assert contents.read_bytes() == contents_before, "opening the lab changed notebooks/00_contents.ipynb"


def _wait_group_gone(pgid: int, timeout: float = 30) -> None:
    """Wait until no process of the group is left (the server shuts its kernels down first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# --------------------------------------------------------------------------------------------
# the contents' setup check before anything runs; the student edition's file browser
# --------------------------------------------------------------------------------------------
_SETUP_CELL_JS = r"""
() => {
  const cells = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell.jp-CodeCell')];
  const cell = cells.find(c => (c.querySelector('.jp-InputArea') || {}).textContent.includes('setup_check_slider'));
  if (!cell) return null;
  const outs = [...cell.querySelectorAll('.jp-OutputArea-output')];
  return {mimes: outs.map(o => o.getAttribute('data-mime-type') || ''),
          text: outs.map(o => o.textContent || '').join('\n'),
          images: cell.querySelectorAll('.jp-OutputArea-output img').length,
          sliders: cell.querySelectorAll('.widget-slider .noUi-handle, .widget-slider input[type=range]').length};
}
"""


def test_contents_setup_slider_is_a_slider_before_and_after_running(lab_page, lab):
    from playwright.sync_api import expect

    page = lab_page
    rel = "notebooks/00_contents.ipynb"
    shots = bs.ARTIFACTS / "00_contents-setup-slider"
    shots.mkdir(parents=True, exist_ok=True)
    bs.open_notebook(page, lab, rel, workspace="setup-slider")
    page.wait_for_function(f"() => {{ const s = ({_SETUP_CELL_JS.strip()})(); "
                           f"return s && (s.images > 0 || s.sliders > 0); }}", timeout=bs.PAGE_LOAD_S * 1000)
    before = page.evaluate(_SETUP_CELL_JS)
    assert "IntSlider(" not in before["text"], before      # never the text form
    assert before["images"] == 1 or before["sliders"] == 1, before
    page.screenshot(path=str(shots / "before-run.png"))
    bs.run_all(page)
    expect(page.locator(".jp-NotebookPanel .widget-slider .noUi-handle").first).to_be_visible()
    after = page.evaluate(_SETUP_CELL_JS)
    assert after["sliders"] == 1 and after["images"] == 0, after   # the live widget replaced the picture
    handle = page.locator(".jp-NotebookPanel .widget-slider .noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowRight")
    expect(handle).to_have_attribute("aria-valuetext", "4")
    page.screenshot(path=str(shots / "after-run.png"))


@pytest.fixture(scope="module")
def edition_lab(tmp_path_factory, browser_ready):
    """The student edition as a student (or a JupyterHub with nbgitpuller) gets it, with work/ made."""
    from mvcalc_helpers.release import build_release
    from mvcalc_helpers.workspace import sync_workspace

    dest = tmp_path_factory.mktemp("edition") / "student"
    build_release(dest)
    sync_workspace(dest, dest / "work")
    server = bs.LabServer(tmp_path_factory.mktemp("edition-lab"), sources=dest)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _walk(server, path=""):
    model = bs.api(server.base, server.token, f"/api/contents/{path}?content=1")
    for item in model["content"]:
        yield item
        if item["type"] == "directory":
            yield from _walk(server, item["path"])


def test_student_edition_file_browser_shows_no_solutions(page, edition_lab):
    from playwright.sync_api import expect
    from test_release import _key_lines, _taught

    shots = bs.ARTIFACTS / "student-edition"
    shots.mkdir(parents=True, exist_ok=True)
    page.goto(f"{edition_lab.base}/lab/workspaces/edition?reset&token={edition_lab.token}",
              wait_until="domcontentloaded", timeout=bs.PAGE_LOAD_S * 1000)
    items = page.locator(".jp-FileBrowser .jp-DirListing-item .jp-DirListing-itemText")
    expect(items.first).to_be_visible(timeout=bs.PAGE_LOAD_S * 1000)
    names = set(items.all_text_contents())
    assert {"notebooks", "exercises", "work", "README.md"} <= names, names
    assert not any(re.search(r"solution|grading|nbgrader|\.bak$", n, re.I) for n in names), names
    page.screenshot(path=str(shots / "file-browser.png"))
    # open exercises/ in the file browser as a student would
    page.locator(".jp-FileBrowser .jp-DirListing-item", has_text="exercises").first.dblclick()
    expect(page.locator(".jp-FileBrowser .jp-DirListing-item", has_text="01_partial_derivatives")
           ).to_be_visible()
    # and everything the file browser can reach (the same contents API): no key file, and no key
    # line beyond the few the chapters and the package teach openly (tests/test_release.py)
    secret = _key_lines()
    taught = _taught(secret)
    everything = list(_walk(edition_lab))
    paths = [i["path"] for i in everything]
    assert any(p.startswith("work/exercises/") for p in paths) and len(paths) > 40
    assert not [p for p in paths if re.search(r"solutions|/grading(/|$)|nbgrader_config", p)]
    leaks = []
    for item in everything:
        if item["type"] == "notebook" or item["name"].endswith((".py", ".md", ".txt", ".toml", ".yml")):
            content = bs.api(edition_lab.base, edition_lab.token, f"/api/contents/{item['path']}")["content"]
            if item["type"] == "notebook":
                content = "\n".join("".join(c["source"]) for c in content["cells"])
            teaching = item["path"].startswith(("notebooks/", "mvcalc_helpers/", "work/notebooks/"))
            lines = {ln.strip() for ln in (content or "").splitlines()}
            leaks += [(item["path"], ln) for ln in lines & secret.keys() if not (teaching and ln in taught)]
    assert not leaks, leaks[:10]
