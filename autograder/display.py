"""What a student sees in the notebook: failures, the pass line, the install hint.

* A failing visible check raises :class:`autograder.checks.CheckFailed`, whose
  IPython rendering (:func:`render_failure`) shows the student's own frames
  only — the line of their test cell, never this library's — and the message
  wrapped into short lines.  ``nbgrader validate`` prints every traceback line
  indented by 4 spaces and cuts it after 87 characters
  (``nbgrader.validator.Validator._indent``: ``width - 3`` with ``width = 90``),
  which used to drop the expected/received part of one-line messages.
* A visible test cell whose checks all passed prints one line at its end,
  e.g. ``✓ sigmoid: 5 checks passed`` (:func:`tally`, an IPython
  ``post_run_cell`` hook registered by the cell's first check).
* :data:`INSTALL_HINT`: what the first cell of a notebook says when
  ``import autograder`` fails (that cell cannot import it from here).

Everything here is display only: scores come from the recorded results
(:mod:`autograder.record`), and nothing is written to stderr.
"""
import os
import re
import textwrap
import types

#: Longest line this module prints.  ``nbgrader validate`` keeps 83 characters of a
#: line after its 4-space indent; the margin leaves room for the ``CheckFailed: ``
#: prefix IPython puts before the first line.
LINE_WIDTH = 78
PREFIX = "CheckFailed: "
INDENT = "  "
PASS_MARK = "\u2713"  # ✓
MAX_SUBJECTS = 4      # names shown in a pass line

#: Shown by the first cell of every notebook when ``import autograder`` fails.  That
#: cell cannot import it from here, so the authoring files paste
#: :data:`INSTALL_SNIPPET` (``tests/test_messages.py`` runs it).  The first line
#: fits after ``ModuleNotFoundError: `` within ``nbgrader validate``'s 87 characters.
_INSTALL_LINES = [
    "the course library is not installed in this kernel.",
    "In a terminal, in your clone of the student repository",
    "(nn-learning-lab-student), run",
    '    pip install ".[notebooks]"',
    "then restart the kernel (not `pip install autograder`:",
    "that is an unrelated package).",
]
INSTALL_HINT = "\n".join(_INSTALL_LINES)
INSTALL_SNIPPET = "\n".join([
    "try:",
    "    import autograder as ag",
    "except ModuleNotFoundError:  # no course library (or no NumPy) in this kernel",
    "    raise ModuleNotFoundError(",
    *[f"        {(line + chr(10)) if k < len(_INSTALL_LINES) - 1 else line!r}"
      for k, line in enumerate(_INSTALL_LINES)],
    "    ) from None",
]) + "\n"


# ------------------------------------------------------------------ failure messages

# Where a one-line message may break into a new line: before a named mistake,
# a pattern ("; the sign is flipped") or a note ("(computed with your ...)").
_BREAKS = re.compile(r"\s+(?=— )|;\s+|\s+(?=\(computed with your )")
_RECEIVED = ", received "


def wrap(message, prefix=PREFIX):
    """``message`` as short lines: the first fits after ``prefix`` (``CheckFailed: ``), the rest are indented.

    The one-line form stays what :class:`CheckFailed` carries (feedback is read
    line by line); this is only how the kernel shows it.
    """
    lines = []
    for part in (p for p in _BREAKS.split(str(message)) if p.strip()):
        width = LINE_WIDTH - (0 if lines else len(prefix))
        # "where: expected X, received Y": too long for one line, received Y starts the next
        pieces = part.split(_RECEIVED, 1) if len(part) > width else [part]
        pieces = [pieces[0] + ","] + ["received " + pieces[1]] if len(pieces) == 2 else pieces
        for piece in pieces:
            width = LINE_WIDTH - (0 if lines else len(prefix))
            lines += textwrap.wrap(piece, width=width, initial_indent=INDENT if lines else "",
                                   subsequent_indent=INDENT, break_on_hyphens=False)
    return "\n".join(lines)


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _library_file(filename):
    return os.path.abspath(filename).startswith(_PACKAGE)


def user_traceback(tb):
    """``tb`` without this library's frames (the student's cell and functions stay)."""
    frames = []
    while tb is not None:
        if not _library_file(tb.tb_frame.f_code.co_filename):
            frames.append((tb.tb_frame, tb.tb_lasti, tb.tb_lineno))
        tb = tb.tb_next
    out = None
    for frame, lasti, lineno in reversed(frames):
        out = types.TracebackType(out, frame, lasti, lineno)
    return out


def render_failure(exc):
    """IPython's structured traceback for one of this library's errors (their ``_render_traceback_``)."""
    shown = type(exc)(wrap(str(exc), f"{type(exc).__name__}: "))
    try:
        ip = _shell()
        tb = user_traceback(exc.__traceback__)
        if ip is not None and tb is not None:
            return ip.InteractiveTB.structured_traceback(type(exc), shown, tb)
    except Exception:  # noqa: BLE001 - never let the display hide the message
        pass
    return [f"{type(exc).__name__}: {shown}"]


# ------------------------------------------------------------------ pass line

_cell = None  # the running cell's checks: {"names": [...], "failed": n}
_WORD = re.compile(r"(?<![\w.])([A-Za-z_]\w*)")      # sigmoid, THETA_AND; not zeros in np.zeros
_CONSTANT = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")  # THETA_AND, XOR_THETAS (not X)


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def tally(name, passed):
    """Count one visible check of the running cell; the cell's end prints the pass line."""
    global _cell
    ip = _shell()
    if ip is None or not hasattr(ip, "events"):
        return
    if _cell is None:
        _cell = {"names": [], "failed": 0}
        ip.events.register("post_run_cell", _report)
    _cell["names"].append(str(name))
    _cell["failed"] += 0 if passed else 1


def _report(result=None):
    global _cell
    cell, _cell = _cell, None
    ip = _shell()
    if ip is not None:
        try:
            ip.events.unregister("post_run_cell", _report)
        except ValueError:
            pass
    ok = result is None or getattr(result, "success", False)
    if cell and not cell["failed"] and ok:
        print(pass_line(cell["names"], getattr(ip, "user_ns", None)))


def subjects(names, namespace=None):
    """The notebook names a cell's checks are about, in order: ``sigmoid`` from ``"sigmoid([-1, 0, 1])"``.

    With the notebook's ``namespace``: the functions defined in the notebook and
    the UPPER_CASE constants it binds that the labels mention.  Without: the
    names called in the labels and the UPPER_CASE constants.
    """
    found = []
    for name in names:
        for match in _WORD.finditer(name):
            word = match.group(1)
            if word in found:
                continue
            if namespace is None:
                about = name[match.end():].lstrip().startswith("(") or _CONSTANT.fullmatch(word)
            else:
                value = namespace.get(word, _WORD)
                about = value is not _WORD and (_CONSTANT.fullmatch(word) or (
                    callable(value) and getattr(value, "__module__", None) == "__main__"))
            if about:
                found.append(word)
    return found


def pass_line(names, namespace=None):
    """``✓ sigmoid: 5 checks passed`` for the checks ``names`` of one cell."""
    count = f"{len(names)} check{'s' if len(names) != 1 else ''} passed"
    about = subjects(names, namespace)
    if len(about) > MAX_SUBJECTS:
        about = about[:MAX_SUBJECTS - 1] + [f"{len(about) - MAX_SUBJECTS + 1} more"]
    return f"{PASS_MARK} {', '.join(about)}: {count}" if about else f"{PASS_MARK} all {count}"
