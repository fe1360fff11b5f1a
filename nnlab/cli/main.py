"""``nnlab``: the instructor's command line.  One module per subcommand."""
import argparse
import os
import sys
from pathlib import Path

from nnlab.cli import build, check, demo, dist, grade, release
from nnlab.cli.course import CourseError


def parser():
    p = argparse.ArgumentParser(prog="nnlab", description="NN Learning Lab course tools (nbgrader).")
    sub = p.add_subparsers(dest="command", required=True)
    for module in (build, release, check, grade, demo, dist):
        module.add_parser(sub)
    return p


def main(argv=None):
    # nbgrader shells out to `alembic` (gradebook migrations) and kernels start
    # with this interpreter's tools: make this environment's bin/ come first.
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except CourseError as exc:
        print(f"nnlab {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
