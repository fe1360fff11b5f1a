"""``nnlab build``: authoring files -> nbgrader source notebooks (``source/``)."""
from nnlab import build as nbbuild
from nnlab.cli.course import CourseError, load_config, read_nb, select, source_notebook


def build_one(cfg, assignment):
    nb = nbbuild.build_notebook(assignment.authoring_file, f"solutions.{assignment.module}")
    points = nbbuild.total_points(nb)
    if points != assignment.points:
        raise CourseError(f"{assignment.id}: grade cells total {points:g} points, "
                          f"course_config says {assignment.points:g}")
    return nb


def is_stale(cfg, assignment):
    """True when source/<id>/<id>.ipynb differs from what the authoring file builds."""
    path = source_notebook(cfg.ROOT, assignment.id)
    if not path.exists():
        return True
    return nbbuild.notebook_json(build_one(cfg, assignment)) != nbbuild.notebook_json(read_nb(path))


def write_one(cfg, assignment):
    nb = build_one(cfg, assignment)
    path = nbbuild.write_notebook(nb, source_notebook(cfg.ROOT, assignment.id))
    print(f"built {path.relative_to(cfg.ROOT)} ({nbbuild.total_points(nb):g} points)")
    return path


def run(args):
    cfg = load_config()
    for a in select(cfg, args.assignments):
        write_one(cfg, a)
    return 0


def add_parser(sub):
    p = sub.add_parser("build", help="build source/ notebooks from solutions/notebooks/*.py")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all ready)")
    p.set_defaults(func=run)
