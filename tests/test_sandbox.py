"""The per-kernel bubblewrap sandbox (nnlab/sandbox.py), attacked from inside a real kernel.

Each attack runs as a cell of an in-memory notebook executed by nbclient in a
``SandboxedKernelManager``; the cell prints one JSON line saying what happened,
and the test checks it *and*, where possible, the host side (the file was not
written, the listener got no connection, no process survived).
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import textwrap
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook

from nnlab import sandbox
from nnlab.sandbox import (SANDBOX_UID, SandboxedKernelManager, SandboxError, SandboxUnavailable,
                           checking_library_dir)

ROOT = Path(__file__).resolve().parents[1]
HAVE_BWRAP = shutil.which("bwrap") is not None
needs_bwrap = pytest.mark.skipif(not HAVE_BWRAP, reason="bubblewrap is not installed (apt-get install bubblewrap)")

CELL_TIMEOUT_S = 60
# How far past the /dev/shm cap the flood cell tries to write (bytes).
SHM_OVERSHOOT = 4 << 20
# How long a process that survived the sandbox would need to show itself by touching its marker.
SURVIVOR_GRACE_S = 1.5
MARK = "RESULT "
HOST_SECRET_VAR = "NNLAB_TEST_HOST_SECRET"
# What a sandboxed kernel's environment may hold: what the sandbox sets, and what
# ipykernel/IPython add themselves at startup.
KERNEL_ENV = {"PATH", "HOME", "MPLCONFIGDIR", "MPLBACKEND", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
              "MKL_NUM_THREADS", "PYTHONDONTWRITEBYTECODE", "PYTHONNOUSERSITE", "LANG", "TMPDIR",
              "JPY_PARENT_PID", "NBGRADER_EXECUTION", "NBGRADER_VALIDATING",
              "PWD", "TERM", "CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "PAGER", "GIT_PAGER",
              "PYDEVD_USE_FRAME_EVAL"}


def notebook(*sources):
    return new_notebook(cells=[new_code_cell(textwrap.dedent(s)) for s in sources],
                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                 "language": "python"}})


def execute(nb, cwd, km=None, allow_errors=False, **km_kwargs):
    """Run ``nb`` in a sandboxed kernel with working folder ``cwd``; always shut the kernel down."""
    km = km or SandboxedKernelManager(**km_kwargs)
    client = NotebookClient(nb, km=km, timeout=CELL_TIMEOUT_S, allow_errors=allow_errors,
                            resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    finally:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=False)
        run_sync(km.cleanup_resources)()
    return nb, km


def results(nb):
    """Every ``RESULT {json}`` line printed by the notebook, merged into one dict."""
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                for line in out.text.splitlines():
                    if line.startswith(MARK):
                        found.update(json.loads(line[len(MARK):]))
    return found


def attempt(name, code):
    """A cell that runs ``code`` (setting ``value``) and reports ok/value or the exception."""
    body = textwrap.indent(textwrap.dedent(code), "    ")
    return (f"import json as _j\ntry:\n    value = None\n{body}\n"
            f"    _r = {{'ok': True, 'value': value}}\n"
            f"except BaseException as _e:\n    _r = {{'ok': False, 'error': type(_e).__name__ + ': ' + str(_e)}}\n"
            f"print({MARK!r} + _j.dumps({{{name!r}: _r}}, default=str))\n")


# ---------------------------------------------------------------- the course
@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A small course on the host: gradebook, two submissions, a host /tmp file, a loopback listener."""
    base = tmp_path_factory.mktemp("course")
    (base / "gradebook.db").write_text("GRADEBOOK-SECRET")
    alice = base / "submitted" / "alice" / "01_logic_gates"
    bob = base / "submitted" / "bob" / "01_logic_gates"
    for d in (alice, bob):
        d.mkdir(parents=True)
    nbformat.write(notebook("print('the submission itself')"), alice / "01_logic_gates.ipynb")
    (alice / "data.csv").write_text("1,2,3\n")
    (alice / "gradebook.db").write_text("GRADEBOOK-NEXT-TO-SUBMISSION")
    (alice / "sub").mkdir()
    (alice / "sub" / "weights.txt").write_text("0.5")
    os.symlink(ROOT / "solutions", alice / "link_to_solutions")
    (bob / "01_logic_gates.ipynb").write_text("BOB-SUBMISSION")
    host_tmp = Path("/tmp") / f"nnlab-host-secret-{uuid.uuid4().hex}"
    host_tmp.write_text("HOST-TMP-SECRET")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    yield {"base": base, "alice": alice, "bob": bob, "host_tmp": host_tmp, "listener": listener,
           "port": listener.getsockname()[1]}
    listener.close()
    host_tmp.unlink()


@pytest.fixture(scope="module")
def attacked(course):
    """One sandboxed kernel, many attacks (a kernel start is the slow part)."""
    if not HAVE_BWRAP:
        pytest.skip("bubblewrap is not installed")
    purelib = sysconfig.get_paths()["purelib"]
    secret_write = f"/tmp/nnlab-written-from-sandbox-{uuid.uuid4().hex}"
    course["written"] = [Path(purelib) / "nnlab_evil.pth", ROOT / "nnlab_evil.txt", Path(secret_write),
                         checking_library_dir() / "nnlab_evil.py", course["bob"] / "evil.txt"]
    cells = [
        attempt("uid", "import os; value = [os.getuid(), os.getgid(), os.geteuid()]"),
        attempt("cwd_files", "import os; value = sorted(os.listdir('.'))"),
        attempt("sub_file", "value = open('sub/weights.txt').read()"),
        attempt("read_solutions", f"import os; value = os.listdir({str(ROOT / 'solutions')!r})"),
        attempt("read_solution_module", f"value = open({str(ROOT / 'solutions' / 'logic_gates.py')!r}).read()"),
        attempt("read_source", f"import os; value = os.listdir({str(ROOT / 'source')!r})"),
        attempt("read_nnlab", f"value = open({str(ROOT / 'nnlab' / 'sandbox.py')!r}).read()"),
        attempt("import_solutions", """
            import sys, os, autograder
            sys.path.insert(0, os.path.dirname(os.path.dirname(autograder.__file__)))
            import solutions.logic_gates as value"""),
        attempt("import_nnlab", "import nnlab as value"),
        attempt("read_gradebook_root", f"value = open({str(course['base'] / 'gradebook.db')!r}).read()"),
        attempt("read_gradebook_next", f"value = open({str(course['alice'] / 'gradebook.db')!r}).read()"),
        attempt("read_gradebook_cwd", "value = open('gradebook.db').read()"),
        attempt("read_symlink", "import os; value = os.listdir('link_to_solutions')"),
        attempt("read_other_submission", f"value = open({str(course['bob'] / '01_logic_gates.ipynb')!r}).read()"),
        attempt("read_host_tmp", f"value = open({str(course['host_tmp'])!r}).read()"),
        attempt("read_shadow", "value = open('/etc/shadow').read()[:10]"),
        attempt("write_pth", f"open({str(course['written'][0])!r}, 'w').write('import os\\n')"),
        attempt("write_checkout", f"open({str(course['written'][1])!r}, 'w').write('x')"),
        attempt("write_tmp", f"open({secret_write!r}, 'w').write('x'); value = 'written inside'"),
        attempt("write_autograder", f"open({str(course['written'][3])!r}, 'w').write('x')"),
        attempt("write_other_submission", f"open({str(course['written'][4])!r}, 'w').write('x')"),
        attempt("proc_list", """
            import os
            value = {p: open(f'/proc/{p}/cmdline', 'rb').read().replace(b'\\0', b' ').decode()[:80]
                     for p in os.listdir('/proc') if p.isdigit()}"""),
        attempt("kill_host_pid", f"import os, signal; os.kill({os.getpid()}, signal.SIGSTOP)"),
        attempt("ppid", "import os; value = os.getppid()"),
        attempt("stop_parent", "import os, signal; os.kill(os.getppid(), signal.SIGSTOP)"),
        attempt("still_alive", "value = 'alive'"),
        attempt("network", f"""
            import socket
            s = socket.create_connection(('127.0.0.1', {course['port']}), timeout=3)
            value = 'connected'"""),
        attempt("raise_as", """
            import resource
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            resource.setrlimit(resource.RLIMIT_AS, (hard, resource.RLIM_INFINITY))"""),
        attempt("raise_nproc", """
            import resource
            soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
            resource.setrlimit(resource.RLIMIT_NPROC, (hard, hard + 1000))"""),
        attempt("limits", """
            import resource as r
            value = {n: r.getrlimit(getattr(r, n)) for n in
                     ('RLIMIT_AS', 'RLIMIT_NPROC', 'RLIMIT_FSIZE', 'RLIMIT_CPU', 'RLIMIT_NOFILE', 'RLIMIT_CORE')}"""),
        attempt("memory_hog", "import numpy as np; big = np.ones(5 * 2**30 // 8); value = big.nbytes"),
        attempt("memory_hog_bytes", "big = bytearray(6 * 2**30); value = len(big)"),
        attempt("fork_bomb", """
            import os, time, signal
            kids = []
            try:
                for _ in range(4096):
                    pid = os.fork()
                    if pid == 0:
                        time.sleep(60)
                        os._exit(0)
                    kids.append(pid)
                value = ['unbounded', len(kids)]
            except OSError as e:
                value = ['stopped', len(kids), e.errno]
            finally:
                for k in kids:
                    os.kill(k, signal.SIGKILL)
                for k in kids:
                    os.waitpid(k, 0)"""),
        attempt("big_file", "f = open('big.bin', 'wb'); f.write(b'0' * (80 * 2**20)); f.close()"),
        attempt("env", "import os; value = dict(os.environ)"),
        # RAM-backed places: /dev/shm size-capped, /dev itself read-only
        attempt("shm_small", "open('/dev/shm/small', 'wb').write(b'x' * 4096); value = 'written'"),
        attempt("shm_flood", f"""
            import os
            chunk = b'0' * 2**20
            try:
                with open('/dev/shm/flood', 'wb') as f:
                    for _ in range({(sandbox.DEFAULT_SHM_SIZE + SHM_OVERSHOOT) // 2**20}):
                        f.write(chunk)
                        f.flush()
            finally:
                if os.path.exists('/dev/shm/flood'):
                    os.remove('/dev/shm/flood')"""),
        attempt("dev_create", "open('/dev/evil', 'w').write('x')"),
        attempt("dev_mkdir", "import os; os.mkdir('/dev/evil_dir')"),
        attempt("dev_null", "open('/dev/null', 'w').write('discarded'); value = open('/dev/null').read()"),
        attempt("dev_urandom", "value = len(open('/dev/urandom', 'rb').read(16))"),
        attempt("dev_zero", "value = open('/dev/zero', 'rb').read(4)"),
        attempt("mp_lock", """
            import multiprocessing as mp
            lock, sem = mp.Lock(), mp.Semaphore(2)
            with lock:
                sem.acquire(); sem.acquire()
                value = [sem.acquire(timeout=0.01), 'locked']"""),
    ]
    saved = os.environ.get("NBGRADER_EXECUTION")
    os.environ[HOST_SECRET_VAR] = "HOST-ENV-SECRET"  # the kernel must not inherit the grader's environment
    os.environ["NBGRADER_EXECUTION"] = "autograde"  # ... except nbgrader's own markers
    try:
        nb, km = execute(notebook(*cells), course["alice"])
    finally:
        del os.environ[HOST_SECRET_VAR]
        if saved is None:
            del os.environ["NBGRADER_EXECUTION"]
        else:
            os.environ["NBGRADER_EXECUTION"] = saved
    try:
        course["listener"].accept()
        course["accepted"] = True
    except BlockingIOError:
        course["accepted"] = False
    return results(nb), km


def failed(res, name):
    assert name in res, f"cell {name} reported nothing"
    assert not res[name]["ok"], f"{name} succeeded inside the sandbox: {res[name]}"
    return res[name]["error"]


@needs_bwrap
def test_runs_as_nobody(attacked):
    res, km = attacked
    assert km.sandboxed
    assert res["uid"]["value"] == [SANDBOX_UID, SANDBOX_UID, SANDBOX_UID]


@needs_bwrap
def test_sees_copies_of_its_own_folder_only(attacked):
    res, _ = attacked
    # data files and subfolders copied; notebooks, gradebooks and symlinks not
    assert res["cwd_files"]["value"] == ["data.csv", "sub"]
    assert res["sub_file"]["value"] == "0.5"
    failed(res, "read_gradebook_cwd")
    failed(res, "read_symlink")


@needs_bwrap
@pytest.mark.parametrize("name", ["read_solutions", "read_solution_module", "read_source", "read_nnlab",
                                  "import_solutions", "import_nnlab", "read_gradebook_root",
                                  "read_gradebook_next", "read_other_submission", "read_host_tmp",
                                  "read_shadow"])
def test_cannot_read_outside(attacked, name):
    failed(attacked[0], name)


@needs_bwrap
@pytest.mark.parametrize("index,name", [(0, "write_pth"), (1, "write_checkout"), (3, "write_autograder"),
                                        (4, "write_other_submission")])
def test_cannot_write_outside(attacked, course, index, name):
    target = course["written"][index]
    # A target under /tmp (a checkout cloned there) lands in the sandbox's private tmpfs:
    # the write may succeed in there, but the host's file must stay untouched.
    if not str(target).startswith("/tmp/"):
        failed(attacked[0], name)
    assert not target.exists()


@needs_bwrap
def test_tmp_is_private(attacked, course):
    assert attacked[0]["write_tmp"]["ok"]  # its own tmpfs
    assert not course["written"][2].exists()


@needs_bwrap
def test_no_grader_process_visible(attacked):
    procs = attacked[0]["proc_list"]["value"]
    assert len(procs) <= 4, procs  # bwrap's init, the kernel, at most a transient child
    assert not any("pytest" in cmd or "nbgrader" in cmd for cmd in procs.values()), procs


@needs_bwrap
def test_signals_do_not_reach_the_host(attacked):
    res, _ = attacked
    assert "ProcessLookupError" in failed(res, "kill_host_pid")
    # its parent is the sandbox's init, PID 1 of its own namespace, which ignores the signal
    assert res["ppid"]["value"] == 1
    assert "stop_parent" in res and res["still_alive"]["value"] == "alive"
    with open(f"/proc/{os.getpid()}/stat") as f:
        assert f.read().split(") ")[1][0] in "RS"  # this test process was not stopped


@needs_bwrap
def test_no_network(attacked, course):
    failed(attacked[0], "network")
    assert course["accepted"] is False


@needs_bwrap
def test_limits_cannot_be_raised(attacked):
    res, km = attacked
    assert "ValueError" in failed(res, "raise_as")
    assert "ValueError" in failed(res, "raise_nproc")
    limits = res["limits"]["value"]
    expected = {"RLIMIT_AS": km.address_space_limit, "RLIMIT_NPROC": km.task_limit,
                "RLIMIT_FSIZE": km.file_size_limit, "RLIMIT_CPU": km.cpu_limit,
                "RLIMIT_NOFILE": km.open_files_limit, "RLIMIT_CORE": 0}
    assert limits == {k: [v, v] for k, v in expected.items()}


@needs_bwrap
def test_memory_hog_gets_memory_error(attacked):
    res, _ = attacked
    assert "MemoryError" in failed(res, "memory_hog")
    assert "MemoryError" in failed(res, "memory_hog_bytes")


@needs_bwrap
def test_fork_bomb_is_stopped(attacked):
    res, km = attacked
    outcome = res["fork_bomb"]["value"]
    assert outcome[0] == "stopped", outcome
    assert outcome[1] < km.task_limit


@needs_bwrap
def test_file_size_limit(attacked):
    assert "File too large" in failed(attacked[0], "big_file") or "27" in failed(attacked[0], "big_file")


@needs_bwrap
def test_environment_is_minimal(attacked):
    env = attacked[0]["env"]["value"]
    assert env["MPLBACKEND"] == "Agg" and env["OPENBLAS_NUM_THREADS"] == "1"
    assert env["HOME"].startswith("/tmp/") and env["JPY_PARENT_PID"] == "1"  # its init, not the grader
    assert HOST_SECRET_VAR not in env and env["NBGRADER_EXECUTION"] == "autograde"
    assert set(env) <= KERNEL_ENV, set(env) - KERNEL_ENV


@needs_bwrap
def test_dev_shm_is_size_capped(attacked):
    res, km = attacked
    assert km.shm_size == sandbox.DEFAULT_SHM_SIZE
    assert res["shm_small"]["ok"], res["shm_small"]
    err = failed(res, "shm_flood")
    assert "No space left on device" in err or "Errno 28" in err, err


@needs_bwrap
def test_dev_is_read_only(attacked):
    for name in ("dev_create", "dev_mkdir"):
        err = failed(attacked[0], name)
        assert "Read-only file system" in err or "Errno 30" in err, err


@needs_bwrap
def test_device_nodes_and_semaphores_still_work(attacked):
    res, _ = attacked
    assert res["dev_null"] == {"ok": True, "value": ""}
    assert res["dev_urandom"] == {"ok": True, "value": 16}
    assert res["dev_zero"]["ok"], res["dev_zero"]
    # a Semaphore(2) acquired twice refuses a third acquire
    assert res["mp_lock"] == {"ok": True, "value": [False, "locked"]}


def test_dev_shm_mounted_before_dev_is_made_read_only(tmp_path):
    """Mounts apply in order: a read-only /dev first would leave no mount point for /dev/shm."""
    km = SandboxedKernelManager()
    (tmp_path / "stage").mkdir()  # where root stages sources nobody cannot reach
    km.run_dir, km._base, km._bwrap = str(tmp_path / "run"), tmp_path, "bwrap"
    argv = km.sandbox_argv(["python"])
    shm = argv.index("/dev/shm")
    assert argv[shm - 3:shm] == ["--size", str(km.shm_size), "--tmpfs"]
    assert argv.index("/dev") < shm < argv.index("--remount-ro") == argv.index("/dev", shm) - 1


# ------------------------------------------------------------ honest students
@needs_bwrap
def test_normal_notebook_works(course):
    nb, km = execute(notebook(
        "import os\nimport numpy as np\nx = np.linspace(0, 1, 5)\nprint('sum', x.sum())",
        "import matplotlib\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot(x, x**2)\n"
        "fig.savefig('fig.png')\nprint(matplotlib.get_backend(), os.path.getsize('fig.png') > 1000)",
        "import warnings\nwarnings.warn('careful')\nimport sys\nsys.stderr.write('to stderr\\n')",
        "open('out.txt', 'w').write('mine')\nprint(open('out.txt').read(), open('data.csv').read().strip())",
        "float(x.mean())",
    ), course["alice"])
    outs = [o for c in nb.cells for o in c.outputs]
    assert not [o for o in outs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outs if o.output_type == "stream" and o.name == "stdout")
    # MPLBACKEND=Agg while grading: figures are drawn and saved, not shown inline
    assert "sum 2.5" in text and "agg true" in text.lower() and "mine 1,2,3" in text
    stderr = "".join(o.get("text", "") for o in outs if o.output_type == "stream" and o.name == "stderr")
    assert "careful" in stderr and "to stderr" in stderr
    assert nb.cells[-1].outputs[0]["data"]["text/plain"] == "0.5"
    assert not (course["alice"] / "out.txt").exists()  # written in its copy, not the submission
    assert km.run_dir and not Path(km.run_dir).exists()  # run directory removed at shutdown


# ------------------------------------------------------------ lifetime
def _identities(pids):
    """(pid, start time) of each running process (zombies have ended; a reused PID has another start time)."""
    found = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] not in "ZX":
            found.add((pid, fields[19]))
    return found


DAEMON = """
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        while True:
            with open('/probe/alive', 'w') as f:
                f.write(str(time.time()))
            time.sleep(0.1)
    os._exit(0)
time.sleep(0.5)
print('daemon started')
"""


@pytest.fixture
def probe(tmp_path):
    """A host folder the sandbox may write (bound for these tests only)."""
    d = tmp_path / "probe"
    d.mkdir()
    if os.geteuid() == 0:
        os.chown(d, SANDBOX_UID, SANDBOX_UID)
    return d


def _assert_nothing_survives(sandbox_procs, probe):
    marker = probe / "alive"
    assert marker.exists(), "the daemon never ran"
    before = marker.stat().st_mtime
    time.sleep(SURVIVOR_GRACE_S)
    assert marker.stat().st_mtime == before, "a process of the sandbox is still writing"
    assert not _identities(p for p, _ in sandbox_procs) & sandbox_procs


@needs_bwrap
@pytest.mark.pipeline
@pytest.mark.parametrize("now", [False, True], ids=["shutdown", "kill"])
def test_double_forked_daemon_dies_with_the_kernel(course, probe, now):
    km = SandboxedKernelManager(extra_binds=[(str(probe), "/probe", True)])
    client = NotebookClient(notebook(DAEMON), km=km, timeout=CELL_TIMEOUT_S,
                            resources={"metadata": {"path": str(course["alice"])}})
    client.execute()
    procs = _identities(km.sandbox_pids())
    assert len(procs) >= 3  # init, kernel, daemon
    run_sync(km.shutdown_kernel)(now=now)
    _assert_nothing_survives(procs, probe)


@needs_bwrap
@pytest.mark.pipeline
def test_wall_clock_kill(course, probe):
    km = SandboxedKernelManager(extra_binds=[(str(probe), "/probe", True)], wall_clock_limit=4.0)
    nb = notebook(DAEMON, "import time\ntime.sleep(120)")
    client = NotebookClient(nb, km=km, timeout=CELL_TIMEOUT_S,
                            resources={"metadata": {"path": str(course["alice"])}})
    procs = set()
    client.on_cell_executed = lambda **kw: procs.update(_identities(km.sandbox_pids()))
    t0 = time.monotonic()
    with pytest.raises(DeadKernelError):
        client.execute()
    assert time.monotonic() - t0 < 30
    assert km.wall_clock_exceeded
    assert len(procs) >= 3  # init, kernel, daemon
    _assert_nothing_survives(procs, probe)
    run_sync(km.cleanup_resources)()


# ------------------------------------------------------------ configuration
def test_missing_bwrap_is_a_clear_error(course, monkeypatch):
    monkeypatch.delenv("NNLAB_UNSAFE", raising=False)
    km = SandboxedKernelManager(bwrap_path="/nonexistent/bwrap")
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        run_sync(km.start_kernel)(cwd=str(course["alice"]))


@pytest.mark.parametrize("how", ["flag", "env"])
def test_unsafe_runs_without_sandbox(course, monkeypatch, how):
    if how == "env":
        monkeypatch.setenv("NNLAB_UNSAFE", "1")
        km = SandboxedKernelManager(bwrap_path="/nonexistent/bwrap")
    else:
        monkeypatch.delenv("NNLAB_UNSAFE", raising=False)
        km = SandboxedKernelManager(bwrap_path="/nonexistent/bwrap", unsafe=True)
    with pytest.warns(RuntimeWarning, match="UNSAFE"):
        nb, km = execute(notebook("import os\nprint('uid', os.getuid())"), course["alice"], km=km)
    assert not km.sandboxed
    assert f"uid {os.getuid()}" in nb.cells[0].outputs[0].text


@needs_bwrap
def test_refuses_to_copy_a_course_checkout():
    km = SandboxedKernelManager()
    with pytest.raises(SandboxError, match="course checkout"):
        run_sync(km.start_kernel)(cwd=str(ROOT))


def test_configure_makes_nbgrader_use_the_sandbox(monkeypatch):
    import nbgrader.preprocessors.execute as nbg_execute
    from nbgrader.preprocessors import Execute
    from traitlets.config import Config

    monkeypatch.setattr(nbg_execute, "AsyncKernelManager", nbg_execute.AsyncKernelManager)  # undone after
    c = sandbox.configure(Config(), unsafe=False)
    assert Execute(config=c).kernel_manager_class is SandboxedKernelManager
    assert c.SandboxedKernelManager.unsafe is False


@needs_bwrap
@pytest.mark.pipeline
def test_nbgrader_execute_runs_sandboxed(course, monkeypatch):
    """nbgrader's own Execute preprocessor (what autograde and validate run) after configure()."""
    import nbgrader.preprocessors.execute as nbg_execute
    from nbgrader.preprocessors import Execute
    from traitlets.config import Config

    monkeypatch.setattr(nbg_execute, "AsyncKernelManager", nbg_execute.AsyncKernelManager)
    c = sandbox.configure(Config())
    nb = notebook("import os\nprint('uid', os.getuid(), sorted(os.listdir('.')))")
    nb, _ = Execute(config=c).preprocess(nb, {"metadata": {"path": str(course["alice"])}})
    assert f"uid {SANDBOX_UID} ['data.csv', 'sub']" in nb.cells[0].outputs[0].text


@needs_bwrap
@pytest.mark.pipeline
def test_cell_timeout_interrupts_and_later_cells_run(course):
    """nbgrader interrupts a cell that runs too long and goes on: interrupts must reach the kernel."""
    km = SandboxedKernelManager()
    nb = notebook("import time\ntime.sleep(60)", "print('next cell ran')")
    client = NotebookClient(nb, km=km, timeout=3, interrupt_on_timeout=True, allow_errors=True,
                            resources={"metadata": {"path": str(course["alice"])}})
    try:
        client.execute()
    finally:
        run_sync(km.shutdown_kernel)(now=True)
    assert nb.cells[1].outputs[0].text == "next cell ran\n"


FORK_AND_HOLD = """
import os, time
held = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        held += 1
except OSError:
    pass
print('holding', held)
"""


@needs_bwrap
@pytest.mark.pipeline
def test_a_fork_bomb_does_not_starve_another_sandbox(course):
    """The task limit counts per sandbox (its own user namespace), not per host uid 65534."""
    bomber = SandboxedKernelManager()
    client = NotebookClient(notebook(FORK_AND_HOLD), km=bomber, timeout=CELL_TIMEOUT_S,
                            resources={"metadata": {"path": str(course["alice"])}})
    try:
        client.execute()
        held = int(client.nb.cells[0].outputs[0].text.split()[1])
        assert bomber.task_limit - 20 < held < bomber.task_limit  # it used up its own budget
        nb, _ = execute(notebook("import threading, numpy\nts = [threading.Thread(target=len, args=('',)) "
                                 "for _ in range(20)]\n[t.start() for t in ts]\nprint('ok')"), course["bob"])
        assert nb.cells[0].outputs[0].text == "ok\n"
    finally:
        run_sync(bomber.shutdown_kernel)(now=True)


@needs_bwrap
@pytest.mark.pipeline
def test_filling_the_disk_kills_the_sandbox(course):
    """Each file is capped by RLIMIT_FSIZE; many files are stopped by the run-directory watchdog."""
    quota = 32 * 2**20
    km = SandboxedKernelManager(disk_quota=quota)
    nb = notebook("import time\nfor i in range(100):\n    open(f'f{i}.bin', 'wb').write(b'1' * 2**22)\n"
                  "    time.sleep(0.05)\nprint('wrote', i + 1)")
    client = NotebookClient(nb, km=km, timeout=CELL_TIMEOUT_S,
                            resources={"metadata": {"path": str(course["alice"])}})
    with pytest.raises(DeadKernelError):
        client.execute()
    assert km.disk_quota_exceeded
    run_sync(km.cleanup_resources)()
    assert not Path(km.run_dir).exists()


@needs_bwrap
def test_refuses_an_oversized_folder(course, tmp_path):
    (tmp_path / "a.bin").write_bytes(b"0" * 2048)
    km = SandboxedKernelManager(copy_max_bytes=1024)
    with pytest.raises(SandboxError, match="refusing to copy"):
        run_sync(km.start_kernel)(cwd=str(tmp_path))
    assert km._base is None


# ------------------------------------------------------------------ orphans of a killed grader

def _orphan(mark):
    """A process whose command line names a sandbox run directory and whose parent is gone."""
    code = "import time; time.sleep(120)"
    subprocess.run(["/bin/sh", "-c", f'"{sys.executable}" -c "{code}" {mark} >/dev/null 2>&1 &'], check=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [p for p, ppid, cmd in sandbox.sandbox_processes() if mark in cmd and ppid == 1]
        if found:
            return found[0]
        time.sleep(0.05)
    pytest.skip("this machine does not reparent orphans to PID 1 (a subreaper is running)")


def test_an_orphaned_sandbox_is_reaped_and_a_live_one_is_not(tmp_path):
    mark = f"/tmp/nnlab-sandbox-test{uuid.uuid4().hex[:8]}/run"
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", mark])  # our child: not orphaned
    try:
        orphan = _orphan(mark)
        assert sandbox.reap_orphans() >= 1
        deadline = time.monotonic() + 10
        while Path(f"/proc/{orphan}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(f"/proc/{orphan}").exists() or b"Z" in Path(f"/proc/{orphan}/stat").read_bytes().split()[2:3]
        assert live.poll() is None, "a sandbox whose grader is alive was killed"
    finally:
        live.kill()
        live.wait()
