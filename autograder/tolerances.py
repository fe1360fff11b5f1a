"""Named tolerances and limits used by every check.  Change them here, nowhere else."""
import os

# Student value vs reference value.  Loops, vectorized code and a different
# summation order differ by ~1e-15 relative; 1e-7 leaves ample room for that
# while still catching any genuine mistake (the smallest we seed is ~1e-3).
RTOL = 1e-7
ATOL = 1e-9

# Analytic gradient vs central differences (eps = GRADCHECK_EPS): the
# truncation error is O(eps^2) ~ 1e-8 and round-off ~1e-12 / eps, so a
# relative difference below 1e-6 means "the gradient is right".
GRADCHECK_EPS = 1e-4
GRADCHECK_TOL = 1e-6

# Logic-gate outputs must be within 0.01 of the truth table (syllabus).
TRUTH_TABLE_TOL = 0.01

# Wall-clock limits while grading (NBGRADER_EXECUTION is set): one call of a
# student function inside a hidden test, and any one cell.  A lesson notebook
# runs in well under 20 s in total (a hidden cell may call slow student code several times), so these only stop runaway code, with a
# clear message, long before nbgrader's own cell timeout (course_config).
# NNLAB_CALL_TIMEOUT_S / NNLAB_CELL_TIME_LIMIT_S override them (the tests do).
CALL_TIMEOUT_S = float(os.environ.get("NNLAB_CALL_TIMEOUT_S", 10.0))
CELL_TIME_LIMIT_S = float(os.environ.get("NNLAB_CELL_TIME_LIMIT_S", 30.0))

# Address-space limit of a kernel while grading: a runaway allocation raises
# MemoryError in that cell instead of driving the machine into swap or the
# OOM killer.  Two grading workers fit in the course machine's 24 GiB.
KERNEL_MEMORY_GB = float(os.environ.get("NNLAB_KERNEL_MEMORY_GB", 8.0))

# A numeric quiz answer (``Result.check_answer``): students round what they
# compute by hand; three significant figures is what the questions ask for.
ANSWER_RTOL = 5e-3
