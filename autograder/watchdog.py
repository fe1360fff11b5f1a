"""Per-cell time limit and a memory limit inside the kernel while nbgrader grades or validates.

nbgrader's own cell timeout (course_config.CELL_TIMEOUT_S) interrupts the
kernel with an opaque error.  While grading (NBGRADER_EXECUTION is set by
nbgrader autograde/validate), importing ``autograder`` arms a friendlier,
shorter limit around every cell, so one runaway loop costs one cell, not the
whole run.
"""
import os
import signal
import threading

from autograder.tolerances import CELL_TIME_LIMIT_S, KERNEL_MEMORY_GB


class CellTimeLimit(Exception):
    """This cell ran past the per-cell limit while nbgrader ran the notebook."""

    def _render_traceback_(self):
        # the student's frames (where their code was when time ran out), not _alarm's
        from autograder.display import render_failure
        return render_failure(self)


def _alarm(signum, frame):
    __tracebackhide__ = True
    raise CellTimeLimit(f"this cell ran longer than {CELL_TIME_LIMIT_S:g} s while nbgrader ran the notebook "
                        "(an infinite loop, or far too much work?)")


def _arm(*_):
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, CELL_TIME_LIMIT_S)


def _disarm(*_):
    signal.setitimer(signal.ITIMER_REAL, 0)


def install():
    """Arm the limit for every following cell (only while nbgrader executes)."""
    if not os.environ.get("NBGRADER_EXECUTION") or threading.current_thread() is not threading.main_thread():
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    ip = get_ipython()
    if ip is None:
        return False
    if getattr(ip, "_nnlab_watchdog", False):
        return True
    ip.events.register("pre_run_cell", _arm)
    ip.events.register("post_run_cell", _disarm)
    ip._nnlab_watchdog = True
    _limit_memory()
    return True


def _limit_memory():
    try:
        import resource
    except ImportError:  # not on Linux/macOS
        return
    limit = int(KERNEL_MEMORY_GB * 2**30)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
