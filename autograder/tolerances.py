"""Named tolerances used by every check.  Change them here, nowhere else."""

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

# Wall-clock limit for one call of a student function inside a test cell.
CALL_TIMEOUT_S = 10.0
