"""Build nbgrader source notebooks from the lesson authoring files.

A lesson is written once, as a jupytext "percent" script
``solutions/notebooks/<assignment>.py`` (open it in JupyterLab as a notebook,
diff it as text).  Cell headers carry what nbgrader needs:

``# %% [markdown]``                 explanation, copied as is
``# %%``                            ordinary code (plots, demos), copied as is
``# %% locked=true``                read-only code (imports, data set-up)
``# %% given="sigmoid add_bias"``    read-only code: these definitions, copied from ``solutions/``
``# %% solution="sigmoid"``         the student's cell: signature and docstring from ``solutions/``,
                                    the body between ``### BEGIN/END SOLUTION``; for a constant
                                    (``THETA_AND = ...`` in ``solutions/``) a placeholder line
                                    ``THETA_AND = ...  # <instruction>`` that the release keeps (the
                                    name stays visible) and the assignment between the markers; the
                                    instruction is a ``# stub: ...`` comment right above the
                                    assignment in ``solutions/``, else ``replace ... with your answer``
``# %% test="sigmoid" points=1``     visible test cell (all or nothing); while grading it runs with
                                    the reference versions of the names its hidden twin trusts
                                    (and of those in its own ``trusted="name ..."``, if any)
``# %% hidden="sigmoid" points=2``   hidden test cell; ``ag.baked("sigmoid")`` in it becomes
                                    the baked cases, ``ag.trusted("sigmoid add_bias")`` the reference
                                    definitions of those names (and what they use) for
                                    ``check_cases(..., trusted=...)``; its last line is
                                    ``ag.score(..., points=2)``
``# %% cases="sigmoid"``            build-time only: calls ``case(*args, **kwargs)`` (expected value =
                                    the reference's output) and ``mistake("words", fn)`` (a known
                                    mistake, named in feedback when a student's output equals fn's)

Solution and given cells are cut from the reference module, so the notebook
and ``solutions/`` cannot drift apart: the module is the one source of truth.
"""
import ast
import hashlib
import importlib
import inspect
import json
import pkgutil
import re
import warnings
from pathlib import Path

import jupytext
import nbformat
import numpy as np

from autograder.packing import pack
from nnlab import markers

BAKED = re.compile(r"""ag\.baked\(\s*["'](\w+)["']\s*\)""")
TRUSTED = re.compile(r"""ag\.trusted\(\s*["']([\w ]+)["']\s*\)""")
# Reference functions for judging only (inside ``if ag.GRADER:``): never in the kernel.
REFERENCE = re.compile(r"""ag\.reference\(\s*["']([\w ]+)["']\s*\)""")
HIDDEN_NOTE = "# Hidden tests for `{name}` run when your notebook is graded ({points:g} {unit})."
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


class BuildError(Exception):
    """The authoring file is inconsistent with ``solutions/``."""


# ------------------------------------------------------------ reference code

def _definition_node(module, name):
    tree = ast.parse(inspect.getsource(module))
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            return node, inspect.getsource(module)
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return node, inspect.getsource(module)
    return None, None


def _reference_modules():
    """Every module of the ``solutions`` package (imported)."""
    package = importlib.import_module("solutions")
    return [importlib.import_module(f"solutions.{m.name}") for m in pkgutil.iter_modules(package.__path__)]


def _home(lesson_module, name):
    """The module whose source defines ``name``: the lesson's own, or any other reference module.

    So a lesson can hand out an earlier lesson's function (and what it calls)
    without that function being imported into the lesson's module.
    """
    obj = getattr(lesson_module, name, None)
    if inspect.isfunction(obj) and getattr(obj, "__module__", None):
        return importlib.import_module(obj.__module__)
    if _definition_node(lesson_module, name)[0] is not None:
        return lesson_module
    homes = [m for m in _reference_modules() if _definition_node(m, name)[0] is not None]
    if len(homes) != 1:
        raise BuildError(f"{name!r} (used by {lesson_module.__name__}) is defined in "
                         f"{[m.__name__ for m in homes] or 'no reference module'}")
    return homes[0]


def _cell_id(prefix, names, limit=64):
    """nbgrader/nbformat cell ids: at most 64 characters, stable for the same names."""
    text = prefix + "_".join(names)
    if len(text) <= limit:
        return text
    digest = hashlib.sha1(text.encode()).hexdigest()[:8]
    return f"{text[:limit - 9]}-{digest}"


# What a constant's placeholder line says when ``solutions/`` gives no ``# stub: ...`` comment.
DEFAULT_STUB_NOTE = "replace ... with your answer"
STUB_NOTE = re.compile(r"^#\s*stub:\s*(.+?)\s*$")
#: A constant's placeholder as released: ``NAME = ...`` (or ``A = B = ...``), an optional comment.
#: nnlab.nbgrader_ext.KeepConstantPlaceholders drops nbgrader's stub lines after such a line.
PLACEHOLDER = re.compile(r"^[A-Za-z_]\w*(\s*=\s*[A-Za-z_]\w*)*\s*=\s*\.\.\.\s*(#.*)?$")


def _stub_note(lines, start):
    """The ``# stub: ...`` instruction among the comment lines right above line ``start``, if any."""
    k = start - 1
    while k >= 0 and lines[k].lstrip().startswith("#"):
        match = STUB_NOTE.match(lines[k].strip())
        if match:
            return match.group(1)
        k -= 1
    return DEFAULT_STUB_NOTE


def placeholder_line(node, lines, start):
    """``NAME = ...  # <instruction>``: what the student sees of a constant's solution cell."""
    targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
    if len(targets) != len(node.targets):
        raise BuildError(f"constant on line {node.lineno}: only plain names can be solution constants")
    line = f"{' = '.join(targets)} = ...  # {_stub_note(lines, start)}"
    if not PLACEHOLDER.match(line) or "\n" in line:
        raise BuildError(f"placeholder {line!r} is not a single `NAME = ...  # note` line")
    return line


def definition_source(lesson_module, name, solution):
    """Source of ``name``'s definition; with ``solution`` the body is wrapped in markers.

    A constant's solution is its whole assignment (one line or many, a literal
    or computed) between the markers, after a placeholder line
    ``NAME = ...  # <instruction>``: the release shows the name to define and
    nothing that raises (the reference notebook rebinds ``NAME`` right after).
    """
    module = _home(lesson_module, name)
    node, text = _definition_node(module, name)
    if node is None:
        raise BuildError(f"no top-level definition of {name!r} in {module.__name__}")
    lines = text.splitlines()
    start = (node.decorator_list[0].lineno if getattr(node, "decorator_list", None) else node.lineno) - 1
    chunk = lines[start:node.end_lineno]
    if not solution:
        return "\n".join(chunk)
    if isinstance(node, ast.Assign):
        return "\n".join([placeholder_line(node, lines, start), markers.BEGIN_SOLUTION, *chunk,
                          markers.END_SOLUTION])
    body = node.body
    has_doc = isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
        and isinstance(body[0].value.value, str)
    first = body[1] if has_doc else body[0]
    if has_doc and len(body) == 1:
        raise BuildError(f"{name} has no body after its docstring")
    indent = " " * first.col_offset
    split = first.lineno - 1 - start
    return "\n".join([*chunk[:split], f"{indent}{markers.BEGIN_SOLUTION}", *chunk[split:],
                      f"{indent}{markers.END_SOLUTION}"])


def _is_constant(lesson_module, name):
    node, _ = _definition_node(_home(lesson_module, name), name)
    return isinstance(node, ast.Assign)


def _join_definitions(lesson_module, names, solution):
    """Definitions of ``names`` for one cell: functions apart, consecutive constants line by line."""
    out = ""
    for k, n in enumerate(names):
        if k:
            out += "\n" if _is_constant(lesson_module, n) and _is_constant(lesson_module, names[k - 1]) else "\n\n\n"
        out += definition_source(lesson_module, n, solution=solution)
    return out


def _dependencies(lesson_module, name, seen):
    """``name`` and every solutions-defined name it uses, dependencies first."""
    if name in seen:
        return []
    seen.add(name)
    module = _home(lesson_module, name)
    node, _ = _definition_node(module, name)
    if node is None:
        raise BuildError(f"no top-level definition of {name!r} in {module.__name__}")
    order = []
    for used in sorted({n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id != name}):
        obj = getattr(module, used, None)
        if obj is not None and getattr(inspect.getmodule(obj) or module, "__name__", "").startswith("solutions") \
                and _definition_node(_home(module, used), used)[0] is not None:
            order += _dependencies(module, used, seen)
    return order + [(module, name)]


def trusted_source(lesson_module, names):
    """Reference definitions of ``names`` and what they use, as one source text."""
    seen, parts = set(), []
    for n in names:
        parts += [definition_source(m, dep, solution=False) for m, dep in _dependencies(lesson_module, n, seen)]
    return "\n\n\n".join(parts)


# ------------------------------------------------------------ baked cases

class _Cases:
    """Namespace helpers for ``cases=`` cells: ``case(...)`` and ``mistake(...)``."""

    def __init__(self, reference):
        self.reference = reference
        self.cases = []
        self.mistakes = []

    def case(self, *args, _label="", **kwargs):
        expected = self.reference(*args, **kwargs)
        self.cases.append({"args": list(args), "kwargs": kwargs, "expected": expected,
                           **({"label": _label} if _label else {})})

    def mistake(self, words, fn):
        self.mistakes.append((words, fn))

    def baked(self):
        from autograder.compare import compare
        out = []
        for c in self.cases:
            variants = {}
            for words, fn in self.mistakes:
                try:
                    with warnings.catch_warnings(), np.errstate(all="ignore"):
                        warnings.simplefilter("ignore")
                        value = fn(*c["args"], **c["kwargs"])
                except Exception:  # noqa: BLE001 - a mistake may simply crash on some inputs
                    continue
                # A mistake that gives the right answer on this case names nothing.
                if compare(value, c["expected"]) is not None:
                    variants[words] = value
            out.append({**c, "variants": variants})
        return out


# ------------------------------------------------------------ cells

def _meta(grade_id, *, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": 3, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _code(source, grade_id, **kw):
    cell = nbformat.v4.new_code_cell(source, metadata=_meta(grade_id, **kw))
    cell.id = grade_id
    return cell


def _score_points(src):
    """The ``points=`` of the cell's final ``ag.score(...)`` expression, else None.

    nbgrader reads the value of a test cell's last expression as its partial
    credit, so that expression must be the score and nothing else.
    """
    body = ast.parse(src).body if src.strip() else []
    last = body[-1] if body else None
    if not (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
            and isinstance(last.value.func, ast.Attribute) and last.value.func.attr == "score"):
        return None
    for kw in last.value.keywords:
        if kw.arg == "points" and isinstance(kw.value, ast.Constant):
            return float(kw.value.value)
    return None


GRADING_CALLS = {"student", "call", "check_cases", "check_call"}


def _graded_names(cell):
    """The task of a test cell and every student name its checks reach."""
    names = {cell.metadata.get("test") or cell.metadata.get("hidden")}
    for node in ast.walk(ast.parse(cell.source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in GRADING_CALLS and isinstance(node.func.value, ast.Name) \
                and node.func.value.id == "ag":
            for arg in node.args[:2]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    names.add(arg.value)
                elif isinstance(arg, ast.Name):
                    names.add(arg.id)
    return names


def _check_trust_order(cells, trusted_by_test, module, where):
    """Reference code enters the kernel only for functions already graded.

    ``ag.trusted`` puts reference definitions into the student's kernel.  Any
    student code running after that could call them, so a trusted function
    must not be graded in that cell or any later one.
    """
    tests = [c for c in cells if "test" in c.metadata or "hidden" in c.metadata]
    for i, cell in enumerate(tests):
        task = cell.metadata.get("test") or cell.metadata.get("hidden")
        trusted = set(trusted_by_test.get(task, [])) if "test" in cell.metadata else \
            {n for m in TRUSTED.findall(cell.source) for n in m.split()}
        trusted = {n for n in trusted if callable(getattr(module, n, None)) or inspect.isfunction(
            getattr(_home(module, n), n, None))}
        for later in tests[i:]:
            clash = trusted & _graded_names(later)
            if clash:
                kind = "test" if "test" in later.metadata else "hidden"
                raise BuildError(f"{where}: cell {task!r} trusts {sorted(clash)}, which {kind}={later.metadata[kind]!r} "
                                 "grades at or after it: the reference would be in the kernel before it is graded")


def _is_grader_block(node):
    test = getattr(node, "test", None)
    return (isinstance(node, ast.If) and isinstance(test, ast.Attribute) and test.attr == "GRADER"
            and isinstance(test.value, ast.Name) and test.value.id == "ag")


def _without_grader_blocks(code, where):
    """``code`` without its top-level ``if ag.GRADER:`` blocks (judging that only the grader runs)."""
    lines = code.splitlines()
    drop = set()
    for node in ast.parse(code).body:
        if _is_grader_block(node):
            if node.orelse:
                raise BuildError(f"{where}: `if ag.GRADER:` must not have an else branch")
            drop.update(range(node.lineno - 1, node.end_lineno))
    return "\n".join(line for k, line in enumerate(lines) if k not in drop)


def _names(value):
    return str(value).split()


def build_notebook(authoring_path, module_name):
    """Return the nbgrader source notebook (NotebookNode) for one lesson."""
    return build_assignment(authoring_path, module_name)[0]


def build_assignment(authoring_path, module_name):
    """Return ``(notebook, key)`` for one lesson.

    ``notebook`` is the nbgrader source notebook; its hidden cells carry the
    inputs of every case but no expected value.  ``key`` is what only the
    grader reads (``keys/<id>.json``): per ``cases=`` name the full cases
    (inputs, expected values, named mistakes), and the reference source of
    every ``ag.reference("...")`` used by judging code.
    """
    module = importlib.import_module(module_name)
    key = {"cases": {}, "reference": {}, "cells": {}}
    text = Path(authoring_path).read_text()
    nb_in = jupytext.reads(text, fmt="py:percent")
    reference_ns = {k: v for k, v in vars(module).items() if not k.startswith("__")}
    cases = {}
    cells = []
    seen_ids = set()

    def unique(grade_id):
        if grade_id in seen_ids:
            raise BuildError(f"{authoring_path}: duplicate cell id {grade_id!r}")
        seen_ids.add(grade_id)
        return grade_id

    # A visible test runs, while grading, with the reference versions of what its
    # hidden twin trusts: one upstream mistake should not fail every later test.
    trusted_by_test = {}
    for cell in nb_in.cells:
        if "hidden" in cell.metadata:
            names = [n for m in TRUSTED.findall(cell.source) for n in m.split()]
            trusted_by_test[cell.metadata["hidden"]] = list(dict.fromkeys(names))
    for cell in nb_in.cells:  # a visible test may name its own (``trusted="logistic_unit"``)
        if "test" in cell.metadata and "trusted" in cell.metadata:
            task = cell.metadata["test"]
            trusted_by_test[task] = list(dict.fromkeys(trusted_by_test.get(task, []) + _names(cell.metadata["trusted"])))

    for k, cell in enumerate(nb_in.cells):
        meta = dict(cell.metadata)
        src = cell.source.strip("\n")
        if cell.cell_type == "markdown":
            md = nbformat.v4.new_markdown_cell(src)
            md.id = unique(f"md-{k:03d}")
            cells.append(md)
        elif "cases" in meta:
            name = meta["cases"]
            if not hasattr(module, name):
                raise BuildError(f"cases for unknown reference {name!r}")
            helper = cases.setdefault(name, _Cases(getattr(module, name)))
            ns = {"np": np, **reference_ns, "case": helper.case, "mistake": helper.mistake}
            exec(compile(src, f"{authoring_path}:cases={name}", "exec"), ns)  # noqa: S102 - our own file
        elif "solution" in meta:
            names = _names(meta["solution"])
            if src:
                raise BuildError(f"solution cell {names} must be empty: its code comes from {module_name}")
            code = _join_definitions(module, names, solution=True)
            cells.append(_code(code, unique(_cell_id("", names)), solution=True))
        elif "given" in meta:
            names = _names(meta["given"])
            code = "\n\n\n".join(definition_source(module, n, solution=False) for n in names)
            if src:
                code = src + "\n\n\n" + code
            cells.append(_code(code, unique(_cell_id("given_", names)), locked=True))
        elif "test" in meta:
            names = [n for n in trusted_by_test.get(meta["test"], []) if n != meta["test"]]
            if names:
                src = "\n".join([markers.BEGIN_HIDDEN,
                                  f'ag.trust_in_this_cell(ag.load_trusted("{pack(trusted_source(module, names))}", '
                                  f'{names!r}))', markers.END_HIDDEN, src])
            cells.append(_code(src, unique(f"test_{meta['test']}"), grade=True, locked=True,
                               points=meta.get("points", 1)))
        elif "hidden" in meta:
            name, points = meta["hidden"], meta.get("points", 1)
            if _score_points(src) != float(points):
                raise BuildError(f"hidden cell {name}: its last statement must be ag.score(..., points={points})")

            def bake(match):
                # The kernel gets the inputs; the expected values and named mistakes go to the key.
                case_name = match.group(1)
                if case_name not in cases:
                    raise BuildError(f"hidden cell {name} uses ag.baked({case_name!r}) but no cases={case_name!r} cell")
                full = cases[case_name].baked()
                key["cases"][case_name] = pack(full)
                inputs = [{k: c[k] for k in ("args", "kwargs", "label") if k in c} for c in full]
                return f'ag.cases("{case_name}", "{pack(inputs)}")'

            def trust(match):
                names = match.group(1).split()
                return f'ag.load_trusted("{pack(trusted_source(module, names))}", {names!r})'

            def reference(match):
                # Judging code: the reference source goes to the key, never into the cell.
                names = " ".join(match.group(1).split())
                key["reference"][names] = pack(trusted_source(module, names.split()))
                return match.group(0)
            body = REFERENCE.sub(reference, TRUSTED.sub(trust, BAKED.sub(bake, src)))
            gid = unique(f"hidden_{name}")

            def wrap(text):
                return "\n".join([HIDDEN_NOTE.format(name=name, points=points, unit="point" if points == 1 else "points"),
                                  markers.BEGIN_HIDDEN, text, markers.END_HIDDEN])
            # Judging code (``if ag.GRADER:`` blocks) runs only in the grader: the kernel's
            # copy of the cell goes without it, the key holds the whole cell.
            kernel_body = _without_grader_blocks(body, f"{authoring_path}: hidden cell {name}")
            if kernel_body != body:
                key["cells"][gid] = wrap(body)
            cells.append(_code(wrap(kernel_body), gid, grade=True, locked=True, points=points))
        elif meta.get("locked"):
            cells.append(_code(src, unique(f"locked-{k:03d}"), locked=True))
        else:
            plain = nbformat.v4.new_code_cell(src)
            plain.id = unique(f"code-{k:03d}")
            cells.append(plain)
    _check_trust_order(nb_in.cells, trusted_by_test, module, authoring_path)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    return nb, key


def total_points(nb):
    return sum(c.metadata.get("nbgrader", {}).get("points", 0) for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade"))


def write_notebook(nb, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb) + "\n")
    return path


def key_path(root, assignment_id):
    """Where the grader finds a lesson's key: outside ``source/<id>/`` (nbgrader copies that
    folder into the release), never bound into a kernel's sandbox."""
    return Path(root) / "keys" / f"{assignment_id}.json"


def key_json(key):
    return json.dumps(key, sort_keys=True, indent=1) + "\n"


def write_key(key, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key_json(key))
    return path


def notebook_json(nb):
    """Canonical text of a notebook, for staleness comparisons."""
    return json.dumps(json.loads(nbformat.writes(nb)), sort_keys=True, indent=1)
