"""Undo student monkeypatching of NumPy before the grader relies on it.

``autograder`` is imported in the locked set-up cell, before any student
code runs, so a snapshot taken at import holds NumPy's real functions.
Every comparison and every guarded call first puts them back: a student
cell that replaced ``np.isclose`` (say, to make everything "close") changes
nothing about the grade.  This does not make in-kernel grading tamper-proof
(student code can still reach into ``autograder`` itself); it closes the
cheap hole.
"""
import numpy as np

_MODULES = [np, np.linalg, np.random]
_SNAPSHOT = [(m, dict(vars(m))) for m in _MODULES]
restored = set()  # "np.isclose", ... that student code had replaced


def restore_numpy():
    """Put back any NumPy attribute that differs from the import-time snapshot."""
    for module, original in _SNAPSHOT:
        current = vars(module)
        for name, value in original.items():
            if current.get(name, _MISSING) is not value:
                setattr(module, name, value)
                restored.add(f"{module.__name__.replace('numpy', 'np')}.{name}")


_MISSING = object()
