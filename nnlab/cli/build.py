"""``nnlab build``: authoring files -> nbgrader source notebooks (``source/``)."""
from nnlab import build as nbbuild
from nnlab.cli.course import CourseError, load_config, read_nb, select, source_notebook


def build_both(cfg, assignment):
    """(source notebook, key) for one lesson; the key is what only the grader reads."""
    nb, key = nbbuild.build_assignment(assignment.authoring_file, f"solutions.{assignment.module}")
    points = nbbuild.total_points(nb)
    if points != assignment.points:
        raise CourseError(f"{assignment.id}: grade cells total {points:g} points, "
                          f"course_config says {assignment.points:g}")
    return nb, {"assignment": assignment.id, **key}


def build_one(cfg, assignment):
    return build_both(cfg, assignment)[0]


def is_stale(cfg, assignment):
    """True when source/<id>/<id>.ipynb differs from what the authoring file builds."""
    path = source_notebook(cfg.ROOT, assignment.id)
    key = nbbuild.key_path(cfg.ROOT, assignment.id)
    if not path.exists() or not key.exists():
        return True
    nb, fresh_key = build_both(cfg, assignment)
    return (nbbuild.notebook_json(nb) != nbbuild.notebook_json(read_nb(path))
            or nbbuild.key_json(fresh_key) != key.read_text())


def write_one(cfg, assignment):
    nb, key = build_both(cfg, assignment)
    path = nbbuild.write_notebook(nb, source_notebook(cfg.ROOT, assignment.id))
    nbbuild.write_key(key, nbbuild.key_path(cfg.ROOT, assignment.id))
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
