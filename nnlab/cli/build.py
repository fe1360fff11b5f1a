"""``nnlab build``: authoring files -> nbgrader source notebooks (``source/``) and keys (``keys/``).

A lesson is rewritten only when it is stale: its committed notebook or key
differs from what the current inputs build by more than cross-machine float
noise (:mod:`nnlab.freshness`).  So building on another machine, whose BLAS
rounds the baked expected values differently in the last bits, leaves the
checkout unchanged.
"""
from nnlab import build as nbbuild, freshness
from nnlab.cli.course import CourseError, load_config, read_nb, select, source_notebook


def build_both(cfg, assignment):
    """(source notebook, key) for one lesson; the key is what only the grader reads."""
    with freshness.pinned_threads():
        nb, key = nbbuild.build_assignment(assignment.authoring_file, f"solutions.{assignment.module}")
    points = nbbuild.total_points(nb)
    if points != assignment.points:
        raise CourseError(f"{assignment.id}: grade cells total {points:g} points, "
                          f"course_config says {assignment.points:g}")
    return nb, {"assignment": assignment.id, **key}


def build_one(cfg, assignment):
    return build_both(cfg, assignment)[0]


def _stale_parts(cfg, assignment, built):
    """{path: [differences]} for the lesson's notebook and key that are not fresh."""
    nb, key = built
    path = source_notebook(cfg.ROOT, assignment.id)
    key_file = nbbuild.key_path(cfg.ROOT, assignment.id)
    parts = {}
    parts[path] = freshness.notebook_differences(nb, read_nb(path)) if path.exists() else ["missing"]
    parts[key_file] = freshness.key_differences(key, key_file) if key_file.exists() else ["missing"]
    return {p: d for p, d in parts.items() if d}


def stale_reasons(cfg, assignment):
    """Why the committed source notebook or key is not what the authoring file builds ([] = fresh).

    Each difference reads "<what the current inputs build> vs <the committed file>".
    """
    stale = _stale_parts(cfg, assignment, build_both(cfg, assignment))
    return [f"{p.relative_to(cfg.ROOT)}: {d}" for p, ds in stale.items() for d in ds]


def is_stale(cfg, assignment):
    """True when source/<id>/<id>.ipynb or keys/<id>.json differs from what the authoring file builds.

    Baked floats may differ within :data:`nnlab.freshness.RTOL`/``ATOL``
    (another machine's rounding); any other difference is stale.
    """
    return bool(stale_reasons(cfg, assignment))


def write_one(cfg, assignment, force=False):
    """Build one lesson; write its notebook and key only where they are stale (or ``force``)."""
    nb, key = build_both(cfg, assignment)
    path = source_notebook(cfg.ROOT, assignment.id)
    key_file = nbbuild.key_path(cfg.ROOT, assignment.id)
    stale = _stale_parts(cfg, assignment, (nb, key))
    written = []
    if force or path in stale:
        written.append(nbbuild.write_notebook(nb, path))
    if force or key_file in stale:
        written.append(nbbuild.write_key(key, key_file))
    shown = ", ".join(str(p.relative_to(cfg.ROOT)) for p in written)
    points = f"{nbbuild.total_points(nb):g} points"
    print(f"built {shown} ({points})" if written else f"fresh {assignment.id} ({points}): nothing rewritten")
    return path


def run(args):
    cfg = load_config()
    for a in select(cfg, args.assignments):
        write_one(cfg, a, force=args.force)
    return 0


def add_parser(sub):
    p = sub.add_parser("build", help="build source/ notebooks and keys/ from solutions/notebooks/*.py")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all ready)")
    p.add_argument("--force", action="store_true",
                   help="rewrite even a fresh lesson (its baked floats then carry this machine's last bits)")
    p.set_defaults(func=run)
