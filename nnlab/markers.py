"""Every marker string the course's tooling looks for, in one place.

nbgrader's own delimiters are read from the traits that define them, so a
course that reconfigures nbgrader changes them here too.
"""
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

BEGIN_SOLUTION = "### " + ClearSolutions.begin_solution_delimeter.default_value
END_SOLUTION = "### " + ClearSolutions.end_solution_delimeter.default_value
BEGIN_HIDDEN = "### " + ClearHiddenTests.begin_test_delimeter.default_value
END_HIDDEN = "### " + ClearHiddenTests.end_test_delimeter.default_value

# Calls the builder writes into test cells around baked data and trusted code.
UNPACK, CASES, TRUSTED = "ag.unpack(", "ag.cases(", "ag.load_trusted("
PAYLOADS = (UNPACK, CASES, TRUSTED)

#: Never in a released file (students' notebooks, the student distribution).
RELEASE_FORBIDDEN = (BEGIN_SOLUTION[4:], END_SOLUTION[4:], BEGIN_HIDDEN[4:], END_HIDDEN[4:], *PAYLOADS)
#: Never in a student's feedback (their own solution code may be shown).
FEEDBACK_FORBIDDEN = (BEGIN_HIDDEN[4:], *PAYLOADS)
