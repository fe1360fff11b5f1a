"""The one place that defines the course.

Read by ``nbgrader_config.py`` (so plain ``nbgrader ...`` commands run in the
repository root use it), by the ``nnlab`` instructor CLI and by the tests.
"""
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
COURSE_ID = "nn-learning-lab"
COURSE_TITLE = "Neural Networks: Learning (NumPy, auto-graded)"


@dataclass(frozen=True)
class Assignment:
    id: str       # nbgrader assignment name = folder under source/ and release/
    module: str   # reference module: solutions.<module>
    title: str
    points: float  # total of the notebook's grade cells (tests/test_course.py checks it)
    due: str      # nbgrader duedate, ISO 8601 with time zone

    @property
    def authoring_file(self):
        return ROOT / "solutions" / "notebooks" / f"{self.id}.py"

    @property
    def ready(self):
        """Lessons whose authoring file exists are built, released and graded."""
        return self.authoring_file.exists()


ASSIGNMENTS = [
    Assignment("01_logic_gates", "logic_gates", "Logic gates with perceptrons", 25, "2027-01-18 17:00:00 UTC"),
    Assignment("02_cost_functions", "cost_functions", "Cost functions", 28, "2027-01-25 17:00:00 UTC"),
    Assignment("03_backprop", "backprop", "The backprop derivation", 42, "2027-02-01 17:00:00 UTC"),
    Assignment("04_unrolling", "unrolling", "Unrolling parameters", 23, "2027-02-08 17:00:00 UTC"),
    Assignment("05_gradient_checking", "gradient_checking", "Gradient checking", 31, "2027-02-15 17:00:00 UTC"),
    Assignment("06_initialization", "initialization", "Random initialization", 20, "2027-02-22 17:00:00 UTC"),
    Assignment("07_optimizers", "optimizers", "First-order optimizers", 25, "2027-03-01 17:00:00 UTC"),
    Assignment("08_newton", "newton", "Newton vs first-order methods", 25, "2027-03-08 17:00:00 UTC"),
    Assignment("09_digits", "digits", "Digits capstone", 30, "2027-03-15 17:00:00 UTC"),
]
BY_ID = {a.id: a for a in ASSIGNMENTS}

# Execution limits.  A whole lesson notebook runs in well under 20 s; the cell
# limit only stops runaway student code (nbgrader's default is 30 s).
CELL_TIMEOUT_S = 60
# A kernel (one submitted notebook) is killed from outside after this long, whatever it does.
SUBMISSION_DEADLINE_S = 600
# Gradebook: a SQLite file in the course root (git-ignored).
GRADEBOOK_URL = f"sqlite:///{ROOT / 'gradebook.db'}"


def get(assignment_id):
    try:
        return BY_ID[assignment_id]
    except KeyError:
        raise ValueError(f"unknown assignment {assignment_id!r}; expected one of {sorted(BY_ID)}") from None


def _substitute(defaults, replacements):
    """nbgrader's default pipeline with each step in ``replacements`` replaced by its list."""
    return [q for p in defaults for q in replacements.get(p, [p])]


def configure(c, root=ROOT, db_url=None, unsafe=False):
    """Apply the course settings to an nbgrader/traitlets config object ``c``.

    Every kernel nbgrader starts runs in the sandbox (``nnlab.sandbox``); without
    bubblewrap, starting one fails unless ``unsafe`` (or ``NNLAB_UNSAFE=1``).
    """
    from nbgrader.converters import Autograde, GenerateAssignment, GenerateFeedback
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions, Execute, GetGrades

    from nnlab import sandbox
    from nnlab.nbgrader_ext import (KeepConstantPlaceholders, RedactGraderText, SafeExecute, ScoreOutsideKernel,
                                    ScrubHiddenTracebacks)

    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.db_url = db_url or (GRADEBOOK_URL if Path(root) == ROOT
                                          else f"sqlite:///{Path(root) / 'gradebook.db'}")
    c.Execute.timeout = CELL_TIMEOUT_S
    sandbox.configure(c, unsafe=unsafe or sandbox.unsafe_from_env())
    c.SandboxedKernelManager.wall_clock_limit = float(SUBMISSION_DEADLINE_S)
    # nbgrader's own pipelines, each with our steps substituted, so new defaults are kept.
    # A dead kernel must not leave test cells unexecuted (nbgrader counts an output-less
    # test cell as passed, #427): SafeExecute marks them as errors.  Scores are decided
    # outside the kernel: ScoreOutsideKernel replaces every test cell's output with the
    # grader's verdict before SaveAutoGrades reads it.
    c.Autograde.autograde_preprocessors = _substitute(
        Autograde.class_traits()["autograde_preprocessors"].make_dynamic_default(),
        {Execute: [SafeExecute, ScoreOutsideKernel]})
    c.ScoreOutsideKernel.course_root = str(root)
    # A constant's solution cell releases as `NAME = ...  # instruction` (the name visible),
    # without ClearSolutions' `raise NotImplementedError()` stub after it.
    c.GenerateAssignment.preprocessors = _substitute(
        GenerateAssignment.class_traits()["preprocessors"].make_dynamic_default(),
        {ClearSolutions: [ClearSolutions, KeepConstantPlaceholders]})
    # Feedback must not show hidden tests (nbgrader #917), neither in the cell source nor
    # quoted in an error's traceback nor printed by the student's code.
    c.GenerateFeedback.preprocessors = _substitute(
        GenerateFeedback.class_traits()["preprocessors"].make_dynamic_default(),
        {GetGrades: [GetGrades, ScrubHiddenTracebacks, RedactGraderText, ClearHiddenTests]})
    c.ClearHiddenTests.enforce_metadata = False
    return c
