"""Catalogues of mutants: plausible student mistakes, one module per lesson.

Each lesson module defines ``MUTANTS``, a list of :class:`Mutant`.  A mutant's
``code`` is the complete text a student might have typed into the solution
cell of ``task`` (a whole ``def`` or assignment).  The pipeline tests put it
into a copy of the source notebook, grade it with real nbgrader and require
that the task's hidden test cell loses points and that the feedback matches
``words`` (a case-insensitive regex naming the mistake in plain words).
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    task: str       # syllabus name of the function/constant the code replaces
    mistake: str    # short plain-words description, e.g. "regularizes the bias column"
    code: str       # full replacement text of the solution cell
    words: str = "" # regex the feedback must contain (filled in when the grader's diagnoses exist)
