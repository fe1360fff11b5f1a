"""Runs last (pytest collects files in name order): no sandbox outlives the test suite.

Every test that starts kernels tears them down, and a grader killed outright
leaves orphans that ``nnlab.sandbox.reap_orphans`` removes.  A sandbox still
alive here means some path (a worker torn down, a kernel manager dropped)
leaks processes on a grading machine.
"""
import time

from nnlab import sandbox

GRACE_S = 20.0  # a Dask worker or process pool closed by the last tests may still be exiting


def test_no_sandbox_process_outlives_the_suite():
    deadline = time.monotonic() + GRACE_S
    left = sandbox.sandbox_processes()
    while left and time.monotonic() < deadline:
        time.sleep(0.5)
        left = sandbox.sandbox_processes()
    sandbox.reap_orphans()  # leave the machine clean either way
    assert not left, "sandbox processes still running after the suite:\n" + "\n".join(
        f"  pid {pid} (parent {ppid}): {cmd[:200]}" for pid, ppid, cmd in left)
