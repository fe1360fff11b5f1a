"""``nnlab demo``: the whole course in one command, for a newcomer.

Releases every ready lesson, creates a small class in ``demo/submitted/`` —
one student who submits the reference, one who submits the untouched
release, and four who make realistic mistakes (taken from the mutant
catalogues in ``tests/mutants/``) — grades it with real nbgrader and prints
the grades table, a few of the feedback messages, and where the files are.
"""
import re
import shutil

from nnlab.cli import grade as grading, release
from nnlab.cli.course import load_config, read_nb, release_notebook, select
from nnlab.cli.submissions import load_mutants, make_submission, one_per_task, write_submission

MISTAKEN = ["cho", "dev", "eli", "fay"]
MISTAKES_PER_LESSON = 2


def make_class(cfg, assignments, submitted):
    """Write the sample class; return {(student, assignment): [mutants]} for the report."""
    made = {}
    for a in assignments:
        write_submission(make_submission(cfg.ROOT, a.id), submitted, "ada_reference", a.id)
        write_submission(read_nb(release_notebook(cfg.ROOT, a.id)), submitted, "bob_blank", a.id)
        mutants = load_mutants(cfg, a)
        for k, student in enumerate(MISTAKEN):
            # a realistic student gets most of a lesson right: two mistakes each
            chosen = one_per_task(mutants, offset=k, stride=len(MISTAKEN))[:MISTAKES_PER_LESSON]
            write_submission(make_submission(cfg.ROOT, a.id, chosen), submitted, student, a.id)
            made[(student, a.id)] = chosen
    return made


def run(args):
    cfg = load_config()
    assignments = select(cfg, args.assignments)
    release.release(cfg, assignments)
    out = cfg.ROOT / "demo"
    shutil.rmtree(out, ignore_errors=True)
    made = make_class(cfg, assignments, out / "submitted")
    # The sample class is the course's own code (reference and catalogued mistakes), so on a
    # machine without bubblewrap the demo may run it unsandboxed; real submissions never are.
    unsafe = shutil.which("bwrap") is None
    if unsafe:
        print("note: bubblewrap is not installed, so this sample class (the course's own code) is graded "
              "without the kernel sandbox; `nnlab grade` refuses real submissions without it "
              "(apt-get install bubblewrap)")
    rows = grading.grade(cfg, out / "submitted", assignments, out / "graded", jobs=args.jobs, unsafe=unsafe)
    print()
    print(grading.table(rows))
    print("\nWhat the feedback tells the students who made mistakes (first of two mistakes per lesson):")
    for r in rows:
        for m in made.get((r.student, r.assignment), [])[:1]:
            said = next((line for line in r.messages if re.search(m.words or "$^", line, re.I)), None)
            print(f"  {r.student}/{r.assignment}: {m.mistake}\n      -> {(said or '(no message)')[:150]}")
    print(f"\ngrades table: {out / 'graded' / 'grades.csv'}")
    print(f"feedback:     {out / 'graded' / 'feedback'}/<student>/<assignment>/*.html")
    return 2 if any(r.status != "graded" for r in rows) else 0


def add_parser(sub):
    p = sub.add_parser("demo", help="release, grade a sample class with nbgrader, print the grades table")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all ready)")
    p.add_argument("--jobs", type=int, default=None,
                   help="parallel grading processes (default: one more than the cores, within memory)")
    p.set_defaults(func=run)
