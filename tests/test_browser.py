"""Lessons 01-05 as students meet them: JupyterLab on loopback, driven by headless Chromium.

A temporary course folder holds the release notebooks (the checking library is
importable from this virtualenv, as in a student's install); ``jupyter lab``
serves it on 127.0.0.1 with a random port and token, and Playwright drives the
Debian ``chromium`` (``executable_path=shutil.which("chromium")``, never a
downloaded browser).  Per lesson:

* **untouched release**: Run All from the Run menu; after each stop, run on from
  the next cell (as a student pressing on) until every code cell has run.  An
  error may appear only in a visible test cell (the student has not written the
  function yet); any other cell that crashes is the course's fault.  Every error
  shown must be readable: its message is on the page, and no frame of the checking
  library is shown.
* **reference answers filled in** (``nnlab.cli.submissions.make_submission``,
  written over the notebook in the server's folder and reopened with a fresh
  kernel): Run All reaches the end without an error; every visible test cell
  shows its pass line; every figure output is an ``<img>`` that decoded; every
  markdown formula is typeset by MathJax, without a MathJax error; the nbgrader
  Validate button (the lab extension ships with nbgrader >= 0.9) says
  "Success".
* **feedback**: ``nnlab grade`` grades the reference submission of lesson 01 (in
  the background while the browser works); its feedback HTML, opened in the
  browser, shows full scores and no hidden-test text.

Visible test cells are found by nbgrader metadata (a graded, non-solution cell
with code in the release; the hidden ones are only a comment there), never by
their text, so the test follows the lessons as they change.  Screenshots go to
``build/browser/`` (git-ignored).  Waits are event driven: JupyterLab's own state
(kernel status, execution counts, prompts) polled in the page, never sleeps.
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nnlab.cli.course import nbgrader_meta, release_notebook, secret_lines, source_notebook  # noqa: E402
from nnlab.cli.submissions import make_submission  # noqa: E402

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "build" / "browser"
LESSON_PREFIXES = ("01", "02", "03", "04", "05")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1400, "height": 1000}
#: Longest wait for one event (JupyterLab loaded, a kernel idle, Run All done, a
#: validation).  Generous: the 2-core course machine runs at load 5-15.
EVENT_TIMEOUT_S = 240
SERVER_START_TIMEOUT_S = 120
#: A menu item must be there and enabled by then.
CLICK_TIMEOUT_S = 30
#: After Run All, figures decode and MathJax typesets: a page that has not changed for this long is done.
RENDER_SETTLE_S = 5
GRADING_TIMEOUT_S = 600
#: ``nbgrader validate`` cuts traceback lines after this many characters (see
#: ``autograder/display.py``); a failure message line must fit.
VALIDATE_LINE_CHARS = 87
PASS_LINE = re.compile(r"^\u2713 .*\b\d+ checks? passed$", re.M)  # autograder.display.pass_line
MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$[^$\n]+?\$", re.S)
CODE_IN_MARKDOWN = re.compile(r"```.*?```|`[^`\n]*`", re.S)
LIBRARY_DIR = str(Path(__import__("autograder").__file__).resolve().parent)

# ------------------------------------------------------------------ JupyterLab state, read in the page

READY_JS = """n => { const app = window.jupyterapp; const p = app && app.shell.currentWidget;
  if (!p || !p.context || !p.context.isReady || !p.sessionContext || !p.sessionContext.isReady) return false;
  const k = p.sessionContext.session && p.sessionContext.session.kernel;
  return !!k && k.status === 'idle' && p.content.widgets.length === n; }"""
# Cell j has run, nothing is queued or running ([*]) and the kernel is idle.
RAN_FROM_JS = """j => { const p = window.jupyterapp.shell.currentWidget;
  const k = p.sessionContext.session && p.sessionContext.session.kernel;
  if (!k || k.status !== 'idle' || p.content.widgets[j].model.executionCount === null) return false;
  return !p.content.widgets.some(c => c.model.type === 'code' && c.promptNode
                                      && c.promptNode.textContent.includes('*')); }"""
STATE_JS = """() => window.jupyterapp.shell.currentWidget.content.widgets.map(c => {
  const out = c.node.querySelector('.jp-OutputArea');
  return {id: c.model.id, type: c.model.type,
    count: c.model.type === 'code' ? c.model.executionCount : null,
    outputs: c.model.type === 'code' ? c.model.outputs.toJSON().map(o => ({
      type: o.output_type, ename: o.ename || null, evalue: o.evalue || null,
      mimes: Object.keys(o.data || {}), plain: (o.data && o.data['text/plain']) || ''})) : [],
    text: out ? out.innerText : '',
    images: Array.from(c.node.querySelectorAll('.jp-OutputArea img'))
                 .map(im => im.complete ? im.naturalWidth : 0),
    math: c.node.querySelectorAll('.jp-MarkdownOutput mjx-container').length,
    math_errors: c.node.querySelectorAll('mjx-merror').length}; })"""
CLOSE_JS = """async () => { for (const p of Array.from(window.jupyterapp.shell.widgets('main'))) {
  if (p.sessionContext) await p.sessionContext.shutdown();
  if (p.context) p.context.model.dirty = false;
  p.close(); } }"""
OPEN_JS = "async path => { await window.jupyterapp.commands.execute('docmanager:open', {path}); }"


def _lesson_ids():
    import course_config
    return [a.id for a in course_config.ASSIGNMENTS if a.id[:2] in LESSON_PREFIXES]


LESSONS = _lesson_ids()


def visible_test_cells(nb):
    """Indices of the visible test cells: graded, not a solution, with code (hidden ones are a comment)."""
    found = []
    for k, cell in enumerate(nb.cells):
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution") and any(
                line.strip() and not line.strip().startswith("#") for line in cell.source.splitlines()):
            found.append(k)
    return found


def math_spans(markdown):
    return MATH.findall(CODE_IN_MARKDOWN.sub("", markdown))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _processes_mentioning(text):
    """Pids of live processes whose command line contains ``text`` (our kernels name our runtime dir)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


class LabServer:
    """``jupyter lab`` on 127.0.0.1 in a temporary course folder, stopped with every kernel it started."""

    def __init__(self, lessons):
        self.tmp = Path(tempfile.mkdtemp(prefix="nnlab-browser-"))
        self.course = self.tmp / "course"
        self.home = self.tmp / "home"
        self.port = _free_port()
        self.token = secrets.token_hex(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self.course.mkdir(parents=True)
        for aid in lessons:
            (self.course / aid).mkdir()
        settings = self.home / "settings" / "@jupyterlab"
        # Every cell in the DOM (JupyterLab 4 virtualizes long notebooks); no news prompt over the page.
        self._write(settings / "notebook-extension" / "tracker.jupyterlab-settings", {"windowingMode": "none"})
        self._write(settings / "apputils-extension" / "notification.jupyterlab-settings",
                    {"fetchNews": "false", "checkForUpdates": False})
        self.log_path = self.tmp / "lab.log"
        self.proc = None

    @staticmethod
    def _write(path, data):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data))

    def start(self):
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(self.home / "runtime"),
                   IPYTHONDIR=str(self.home / "ipython"),
                   PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
        cmd = [sys.executable, "-m", "jupyterlab", "--allow-root", "--no-browser",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.course}",
               f"--LabApp.user_settings_dir={self.home / 'settings'}",
               f"--LabApp.workspaces_dir={self.home / 'workspaces'}", "--LabApp.expose_app_in_browser=True"]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.course, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited ({self.proc.returncode}):\n{self.log()}")
            try:
                self.api("GET", "/api/status")
                return self
            except OSError:
                time.sleep(0.2)  # polling the port: the server gives no other signal
        raise RuntimeError(f"jupyter lab did not answer within {SERVER_START_TIMEOUT_S} s:\n{self.log()}")

    def api(self, method, path):
        req = urllib.request.Request(self.url + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def log(self):
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def put(self, aid, nb):
        path = self.course / aid / f"{aid}.ipynb"
        nbformat.write(nb, str(path))
        return f"{aid}/{aid}.ipynb"

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                for kernel in self.api("GET", "/api/kernels"):
                    self.api("DELETE", f"/api/kernels/{kernel['id']}")
            except OSError:
                pass
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        for pid in _processes_mentioning(str(self.tmp)):  # a kernel the server failed to stop
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        if self.log_path.exists():
            shutil.copy(self.log_path, ARTIFACTS / "lab.log")
        shutil.rmtree(self.tmp, ignore_errors=True)


class Browser:
    """Headless Debian Chromium with a fresh profile; only loopback and inline URLs load."""

    def __init__(self):
        from playwright.sync_api import sync_playwright
        self.profile = tempfile.mkdtemp(prefix="nnlab-chromium-")
        self._pw = sync_playwright().start()
        try:
            self.context = self._pw.chromium.launch_persistent_context(
                self.profile, executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS,
                viewport=VIEWPORT)
        except Exception:
            self._pw.stop()
            raise
        self.context.set_default_timeout(EVENT_TIMEOUT_S * 1000)
        self.context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            ("http://127.0.0.1", "file://", "data:", "blob:")) else route.abort())
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()

    def close(self):
        try:
            self.context.close()
        finally:
            self._pw.stop()
            shutil.rmtree(self.profile, ignore_errors=True)


class Lab:
    """One JupyterLab tab in the browser: open a notebook, Run All, read what the student sees."""

    def __init__(self, server, browser):
        self.server, self.page = server, browser.page
        self.page.goto(f"{server.url}/lab?token={server.token}&reset")
        self.page.wait_for_function("() => !!window.jupyterapp", polling=100)
        self.page.evaluate("async () => { await window.jupyterapp.started; await window.jupyterapp.restored; "
                           "window.jupyterapp.shell.collapseLeft(); }")

    def open(self, path, n_cells):
        """Open ``path`` with a new kernel; returns once every cell is rendered and the kernel is idle."""
        self.page.evaluate(OPEN_JS, path)
        self.page.wait_for_function(READY_JS, arg=n_cells, polling=100)

    def menu(self, top, item):
        self.page.get_by_role("menuitem", name=top, exact=True).click(timeout=CLICK_TIMEOUT_S * 1000)
        self.page.get_by_role("menuitem", name=item, exact=isinstance(item, str)).click(
            timeout=CLICK_TIMEOUT_S * 1000)

    def run_all(self, first_code):
        self.menu("Run", "Run All Cells")
        self.page.wait_for_function(RAN_FROM_JS, arg=first_code, polling=100)

    def run_from(self, index, last=False):
        """Select cell ``index`` and Run > Run Selected Cell and All Below (JupyterLab disables it on the last cell)."""
        self.cell(index, ".jp-InputPrompt").click()
        self.menu("Run", re.compile(r"^Run Selected Cells? and Do not Advance") if last else "Run Selected Cell and All Below")
        self.page.wait_for_function(RAN_FROM_JS, arg=index, polling=100)

    def cell(self, index, selector=None):
        """Cell ``index`` of the open notebook (or the first ``selector`` inside it), as an element."""
        return self.page.evaluate_handle(
            "([k, sel]) => { const n = window.jupyterapp.shell.currentWidget.content.widgets[k].node;"
            " return sel ? n.querySelector(sel) : n; }", [index, selector]).as_element()

    def state(self):
        return self.page.evaluate(STATE_JS)

    def wait_ran(self, index, first):
        """Until cell ``index`` has an execution count, or the run from cell ``first`` stopped before it."""
        self.page.wait_for_function(
            "([k, first]) => window.jupyterapp.shell.currentWidget.content.widgets[k].model.executionCount !== null"
            f" || ({RAN_FROM_JS})(first)", arg=[index, first], polling=50)

    def kernel_cpu_seconds(self):
        """CPU time (user + system) of the kernels this server runs, from /proc."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in _processes_mentioning(str(self.server.home / "runtime")):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return total

    def show(self, index):
        self.cell(index).scroll_into_view_if_needed()

    def shot(self, name):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def validate(self):
        """Press nbgrader's Validate button; the verdict dialog's (class, text)."""
        self.page.locator(".jp-NotebookPanel-toolbar .validate-button").click()
        dialog = self.page.locator(".jp-Dialog").filter(has_text="Validation Results")
        dialog.wait_for()
        body = dialog.locator(".jp-Dialog-body")
        return body.get_attribute("class"), body.inner_text()

    def dismiss_dialog(self):
        self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()

    def close(self):
        self.page.evaluate(CLOSE_JS)


def nbgrader_lab_extension():
    """Whether nbgrader's JupyterLab extension (the Validate button) is installed."""
    from jupyter_core.paths import jupyter_path
    return any((Path(d) / "@jupyter" / "nbgrader" / "package.json").exists() for d in jupyter_path("labextensions"))


# ------------------------------------------------------------------ fixtures

class GradingJob:
    """``nnlab grade`` on the reference submission of one lesson, in the background."""

    def __init__(self, aid):
        self.aid = aid
        self.tmp = Path(tempfile.mkdtemp(prefix="nnlab-browser-grade-"))
        notebook = self.tmp / "submitted" / "reference" / aid / f"{aid}.ipynb"
        notebook.parent.mkdir(parents=True)
        nbformat.write(make_submission(ROOT, aid), str(notebook))
        self.out = self.tmp / "graded"
        self.log_path = self.tmp / "grade.log"
        nnlab = Path(sys.executable).parent / "nnlab"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [str(nnlab), "grade", "--single", str(notebook), "--student", "reference", "--assignment", aid,
                 "--out", str(self.out), "--jobs", "1"],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

    def feedback(self):
        try:
            code = self.proc.wait(timeout=GRADING_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            pytest.fail(f"nnlab grade did not finish within {GRADING_TIMEOUT_S} s")
        log = self.log_path.read_text(errors="replace")
        assert code == 0, f"nnlab grade exited {code}:\n{log[-3000:]}"
        pages = sorted((self.out / "feedback").rglob("*.html"))
        assert pages, f"nnlab grade wrote no feedback HTML:\n{log[-3000:]}"
        return pages[0]

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def grading(request):
    """The feedback page's grading, started before the browser so that it runs while the browser works."""
    if shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)")
    if not any(item.originalname == "test_feedback_page" for item in request.session.items):
        yield None  # not selected (-k): no grading to wait for
        return
    job = GradingJob(LESSONS[0])
    yield job
    job.stop()


@pytest.fixture(scope="module")
def lab(grading):
    for old in ARTIFACTS.glob("*.png"):  # screenshots of an earlier run would mislead
        old.unlink()
    server = LabServer(LESSONS + ["zz_synthetic"])
    browser = None
    try:
        server.start()
        browser = Browser()
        yield Lab(server, browser)
    finally:
        if browser is not None:
            browser.close()
        server.stop()


# ------------------------------------------------------------------ what the student sees, judged

def _cell_label(nb, k):
    meta = nbgrader_meta(nb.cells[k])
    first = next((ln for ln in nb.cells[k].source.splitlines() if ln.strip()), "")
    return f"cell {k} ({meta.get('grade_id', nb.cells[k].cell_type)}: {first[:60]!r})"


def _squash(text):
    return "".join(text.split())


def untouched_findings(nb, state):
    """Judge a run of the untouched notebook: (crashes, unreadable failures, errors in visible tests).

    A crash is an error output in any cell but a visible test cell.  A failure is
    unreadable when its message is not on the page, it shows a frame of the checking
    library, or (a ``CheckFailed``) a message line is longer than ``nbgrader
    validate`` keeps.
    """
    tests = set(visible_test_cells(nb))
    crashes, unreadable, errors = [], [], []
    for k, cell in enumerate(state):
        for out in (o for o in cell["outputs"] if o["type"] == "error"):
            if k not in tests:
                crashes.append(f"{_cell_label(nb, k)}: {out['ename']}: {out['evalue'] or ''}")
                continue
            errors.append((k, out))
            shown, problems = cell["text"], []
            if out["ename"] not in shown or _squash(out["evalue"] or "") not in _squash(shown):
                problems.append("its message is not shown")
            if LIBRARY_DIR in shown:
                problems.append("it shows frames of the checking library")
            if out["ename"] == "CheckFailed":
                if not (out["evalue"] or "").strip():
                    problems.append("an empty CheckFailed message")
                start = shown.find("CheckFailed:")
                long = [ln for ln in shown[start:].splitlines() if len(ln) > VALIDATE_LINE_CHARS]
                if long:
                    problems.append(f"message lines longer than {VALIDATE_LINE_CHARS} characters: {long[:2]}")
            if problems:
                unreadable.append(f"{_cell_label(nb, k)} {out['ename']}: " + "; ".join(problems)
                                  + f"\n{shown[-1500:]}")
    return crashes, unreadable, errors


def reference_findings(nb, state):
    """Judge a run of the filled-in notebook: every problem a student would see, as sentences."""
    problems = []
    for k, cell in enumerate(state):
        if nb.cells[k].cell_type == "markdown":
            want = len(math_spans(nb.cells[k].source))
            if cell["math"] < want or cell["math_errors"]:
                problems.append(f"{_cell_label(nb, k)}: {want} formula(s), {cell['math']} typeset, "
                                f"{cell['math_errors']} MathJax error(s)")
        if nb.cells[k].cell_type != "code":
            continue
        if cell["count"] is None:
            problems.append(f"{_cell_label(nb, k)} did not run")
        for out in cell["outputs"]:
            if out["type"] == "error":
                problems.append(f"{_cell_label(nb, k)}: {out['ename']}: {out['evalue'] or ''}")
            if out["type"] in ("display_data", "execute_result") and out["plain"].startswith("<Figure size") \
                    and not any(m.startswith("image/") for m in out["mimes"]):
                problems.append(f"{_cell_label(nb, k)}: a figure shown as text: {out['plain']!r}")
        n_images = sum(any(m.startswith("image/") for m in o["mimes"]) for o in cell["outputs"])
        if len(cell["images"]) < n_images or not all(cell["images"]):
            problems.append(f"{_cell_label(nb, k)}: {n_images} figure(s), rendered image widths {cell['images']}")
    for k in visible_test_cells(nb):
        if not PASS_LINE.search(state[k]["text"]):
            problems.append(f"{_cell_label(nb, k)}: no pass line, shows {state[k]['text'][-300:]!r}")
    return problems


# ------------------------------------------------------------------ driving a run

REPORT = {}  # per lesson: what the runs showed and how long they took (build/browser/report.json)


def _note(aid, **facts):
    REPORT.setdefault(aid, {}).update(facts)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report.json").write_text(json.dumps(REPORT, indent=1))


def _run_to_end(lab, nb):
    """Run All, then run on from each stop until every code cell ran; the number of stops."""
    code = [k for k, c in enumerate(nb.cells) if c.cell_type == "code"]
    lab.run_all(code[0])
    stops = 0
    while True:
        counts = [c["count"] for c in lab.state()]
        pending = [k for k in code if counts[k] is None]
        if not pending:
            return stops
        stops += 1
        assert stops <= len(code), "Run Selected Cell and All Below made no progress"
        lab.run_from(pending[0], last=pending[0] == len(nb.cells) - 1)


def _aligned(state, nb):
    assert [c["id"] for c in state] == [c.get("id") for c in nb.cells], "the page shows another notebook"


def run_untouched(lab, name, nb):
    """Open ``nb`` as ``name`` and run it to the end, stop after stop; the page's state."""
    path = lab.server.put(name, nb)
    t0 = time.perf_counter()
    try:
        lab.open(path, len(nb.cells))
        stops = _run_to_end(lab, nb)
        state = lab.state()
        _aligned(state, nb)
        _note(name, untouched_s=round(time.perf_counter() - t0, 1), untouched_stops=stops)
        first_error = next((k for k, c in enumerate(state) if any(o["type"] == "error" for o in c["outputs"])), None)
        if first_error is not None:
            lab.show(first_error)
        lab.shot(f"{name}-untouched")
        return state
    finally:
        lab.close()


def run_filled(lab, name, nb, validate):
    """Open ``nb`` as ``name``, Run All, wait for figures and formulas; (state, Validate's verdict or None)."""
    path = lab.server.put(name, nb)
    code = [k for k, c in enumerate(nb.cells) if c.cell_type == "code"]
    tests = visible_test_cells(nb)
    maths = [len(math_spans(c.source)) if c.cell_type == "markdown" else 0 for c in nb.cells]
    t0 = time.perf_counter()
    try:
        lab.open(path, len(nb.cells))
        t_open = time.perf_counter() - t0
        lab.menu("Run", "Run All Cells")
        if tests:
            lab.wait_ran(tests[-1], code[0])
        t_tests = time.perf_counter() - t0
        lab.page.wait_for_function(RAN_FROM_JS, arg=code[0], polling=100)
        # Figures decode and MathJax typesets asynchronously: wait until everything is rendered, or
        # nothing changed for RENDER_SETTLE_S (what is still missing then is reported from the state).
        lab.page.wait_for_function(
            """([want, settle]) => { const cells = window.jupyterapp.shell.currentWidget.content.widgets;
                 const now = [], done = cells.every((c, k) => {
                   const images = Array.from(c.node.querySelectorAll('.jp-OutputArea img')).map(im => im.complete);
                   const math = c.node.querySelectorAll('.jp-MarkdownOutput mjx-container').length;
                   now.push(images.join(), math);
                   return images.every(Boolean) && math >= want[k]; });
                 const sig = now.join('|'), t = Date.now();
                 if (window.__nnlabRendered !== sig) { window.__nnlabRendered = sig; window.__nnlabSince = t; }
                 return done || t - window.__nnlabSince > settle; }""",
            arg=[maths, RENDER_SETTLE_S * 1000], polling=200)
        state = lab.state()
        _aligned(state, nb)
        _note(name, open_s=round(t_open, 1), to_visible_tests_s=round(t_tests, 1),
              rendered_s=round(time.perf_counter() - t0, 1))
        figures = [k for k in code if state[k]["images"]]
        lab.show(figures[0] if figures else (tests or code)[-1])
        lab.shot(f"{name}-reference")
        verdict = None
        if validate:
            t1 = time.perf_counter()
            verdict = lab.validate()
            _note(name, validate_s=round(time.perf_counter() - t1, 1))
            lab.shot(f"{name}-validate")
            lab.dismiss_dialog()
        return state, verdict
    finally:
        lab.close()


# ------------------------------------------------------------------ tests

@pytest.mark.parametrize("aid", LESSONS)
def test_untouched_release(lab, aid):
    """Run All on the release as fetched (and on after each stop): only visible tests fail, each readably."""
    nb = nbformat.read(str(release_notebook(ROOT, aid)), as_version=4)
    state = run_untouched(lab, aid, nb)
    crashes, unreadable, errors = untouched_findings(nb, state)
    _note(aid, untouched_errors=[f"{nbgrader_meta(nb.cells[k]).get('grade_id')}: {o['ename']}" for k, o in errors],
          crashes=crashes)
    assert not crashes, "cells that are not visible tests crash on the untouched notebook:\n" + "\n".join(crashes)
    assert errors, "no visible test fails on the untouched notebook"
    assert not unreadable, "unreadable failures:\n" + "\n\n".join(unreadable)


@pytest.mark.parametrize("aid", LESSONS)
def test_reference_answers(lab, aid):
    """The reference answers typed in: every visible test passes, figures and formulas render, Validate agrees."""
    nb = make_submission(ROOT, aid)
    validate = nbgrader_lab_extension()
    state, verdict = run_filled(lab, aid, nb, validate)
    problems = reference_findings(nb, state)
    assert not problems, "\n".join(problems)
    if validate:
        classes, text = verdict
        assert "validation-success" in classes.split() and "Success" in text, \
            f"Validate says ({classes}):\n{text[:3000]}"


def test_feedback_page(lab, grading):
    """The reference's feedback HTML in the browser: full scores, no hidden-test text."""
    html = grading.feedback()
    page = lab.page.context.new_page()
    try:
        page.goto(html.as_uri(), wait_until="load")
        text = page.locator("body").inner_text()
        page.screenshot(path=str(ARTIFACTS / f"{grading.aid}-feedback.png"))
    finally:
        page.close()
    scores = re.findall(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", text)
    assert scores, "the feedback page shows no score"
    got, total = map(float, scores[0])
    assert total > 0 and got == total, f"the reference scores {got} / {total}"
    source = nbformat.read(str(source_notebook(ROOT, grading.aid)), as_version=4)
    hidden = secret_lines(source, kinds=("HIDDEN TESTS",))
    assert hidden, "the source notebook has no hidden tests to look for"
    flat = _squash(text)
    shown = [line for line in hidden if _squash(line) in flat]
    assert not shown, f"the feedback page shows hidden-test text: {shown[:3]}"


def _synthetic_notebook():
    """A notebook with one defect of each kind the checks above must catch, and one healthy cell of each."""
    def locked(source, **meta):
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True, "schema_version": 3,
                                     "grade_id": f"cell{len(cells)}", **meta}
        return cell
    cells = []
    cells.append(locked("import matplotlib.pyplot as plt\nfrom IPython.display import display"))
    cells.append(nbformat.v4.new_markdown_cell(r"Fine: $x^2$ and $$\sum_i w_i$$; broken: $\frac{1}{2$."))
    cells.append(locked("_x = 1  # a visible test that prints no pass line", grade=True, points=1))
    cells.append(locked("plt.plot([0, 1]); plt.show()  # a figure that renders"))
    cells.append(locked("display({'image/png': 'bm90IGEgcG5n'}, raw=True)  # an image that cannot decode"))
    cells.append(locked("raise RuntimeError('a given cell that crashes')"))
    cells.append(locked("import autograder.display as _d\n_d.pass_line(5)  # fails inside the library",
                        grade=True, points=1))
    cells.append(locked("class CheckFailed(Exception):  # not the library's: one unwrapped line\n    pass\n"
                        "raise CheckFailed('where: expected 1, received 2 ' + 'x' * 100)", grade=True, points=1))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    return nb


def test_checks_catch_defects(lab):
    """The judging above is not vacuous: a synthetic notebook's defects are each found, its healthy cells not."""
    nb = _synthetic_notebook()
    name = "zz_synthetic"
    crashes, unreadable, errors = untouched_findings(nb, run_untouched(lab, name, nb))
    assert [c.split()[1] for c in crashes] == ["5"], crashes
    assert [k for k, _ in errors] == [6, 7], errors
    assert len(unreadable) == 2 and "frames of the checking library" in unreadable[0] \
        and "longer than" in unreadable[1], unreadable
    state, _ = run_filled(lab, name, nb, validate=False)
    problems = reference_findings(nb, state)
    found = {int(p.split()[1]) for p in problems}
    assert found == {1, 2, 4, 5, 6, 7}, "\n".join(problems)
    assert any("MathJax error" in p and p.startswith("cell 1") for p in problems)
