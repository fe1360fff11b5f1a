"""nbgrader preprocessors the course plugs in through ``course_config``."""
import json
import re
from pathlib import Path

import nbformat
from nbclient.exceptions import DeadKernelError
from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Unicode

from nnlab import markers


def _error(ename, evalue):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class SafeExecute(Execute):
    """Execute, but a kernel that dies fails every cell it did not run.

    Plain nbgrader stops at a dead kernel, leaving later test cells without
    output, and an output-less test cell scores full marks (nbgrader #427).
    (What a test cell printed, stderr included, never decides its score:
    ScoreOutsideKernel replaces every test cell's outputs with the verdict.)
    """

    def preprocess(self, nb, resources=None, km=None):
        self._dead = ""
        refused = self._refuse_links(nb, resources or {})
        if refused:
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs = [_error("RefusedSubmission", refused)]
            return nb, resources
        return super().preprocess(nb, resources, km)

    def _refuse_links(self, nb, resources):
        """Plain ``nbgrader autograde`` follows symbolic links in a submitted folder: it copies
        what they name (a classmate's notebook, the answer key) next to the notebook, where the
        kernel and then the feedback folder would get it.  So a submission holding links is not
        run: what came through them is deleted, every code cell gets the reason as its error
        (score 0), and the notebook's answer cells are emptied (they may be a classmate's)."""
        from nnlab.grading import refusal, submission_links

        info = resources.get("nbgrader", {})
        coursedir = self
        while coursedir is not None and not hasattr(coursedir, "coursedir"):
            coursedir = getattr(coursedir, "parent", None)
        if coursedir is None or not info.get("student") or not info.get("assignment"):
            return None
        coursedir = coursedir.coursedir
        aid = info["assignment"]
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, info["student"], aid))
        notebook = submitted / f"{info.get('notebook', aid)}.ipynb"
        links = submission_links(notebook, aid)
        if not links:
            return None
        where = resources.get("metadata", {}).get("path")  # the autograded copy of the folder
        here = Path(where) if where else None
        doubtful = [] if here is None else (
            [p for p in here.rglob("*") if p.is_file()] if any(link.endswith("/") for link in links)
            else [here / link for link in links])
        for p in doubtful:
            if p.suffix != ".ipynb" and (p.is_file() or p.is_symlink()):
                p.unlink()
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("solution") or not meta:
                cell.source = ""
        return refusal(notebook, aid)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._dead:
            cell.outputs = [_error("DeadKernelError", self._dead)]
            return cell, resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError as exc:
            self._dead = (f"the kernel died while running cell {index} ({exc}); "
                          "this cell could not run, so it scores 0")
            cell.outputs.append(_error("DeadKernelError", self._dead))
            return cell, resources
        return cell, resources


class ScrubHiddenTracebacks(Preprocessor):
    """Reduce errors of hidden-test cells to one line before feedback is made.

    An IPython traceback quotes the failing line of the cell, so an error in a
    hidden test cell would show hidden test code in the feedback even after
    ClearHiddenTests has removed it from the cell's source.
    """

    enabled = True  # nbconvert preprocessors are off unless enabled

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and markers.BEGIN_HIDDEN in cell.source:
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    out.traceback = [f"{out.ename}: {out.evalue}"]
        return cell, resources


class ScoreOutsideKernel(Preprocessor):
    """Decide every test cell's score in the grader, from the kernel's recorded results.

    Runs right after execution.  For each grade cell it replaces whatever the
    kernel displayed with the grader's verdict — a stdout report and the
    points as the cell's last value, which nbgrader's ``SaveAutoGrades`` reads
    — and stores the verdict as data in ``cell.metadata.nnlab`` for the CLI.
    Nothing the kernel printed or displayed can raise a score: the points
    come from ``nnlab.replay`` (the instructor's source notebook, the lesson's
    key, the student's recorded results).
    """

    enabled = True
    course_root = Unicode("", help="course root holding source/ and keys/").tag(config=True)

    def preprocess(self, nb, resources):
        from nnlab.build import key_path
        from nnlab.replay import load_key, score_notebook

        info = resources.get("nbgrader", {})
        aid, name = info.get("assignment"), info.get("notebook")
        root = Path(self.course_root or ".")
        source = nbformat.read(str(root / "source" / aid / f"{name}.ipynb"), as_version=4)
        scores = score_notebook(source, nb, load_key(key_path(root, aid)))
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            verdict = scores.get(meta.get("grade_id"))
            if verdict is None:  # not a cell of the source notebook: worth nothing
                verdict_text, points = "not a test cell of this assignment", 0.0
                cell.metadata["nnlab"] = {"score": 0.0, "max_score": 0.0, "messages": [verdict_text],
                                          "status": "unknown cell"}
            else:
                verdict_text, points = verdict.report, verdict.score
                cell.metadata["nnlab"] = verdict.to_dict()
            cell.outputs = [new_output("stream", name="stdout", text=verdict_text + "\n"),
                            new_output("execute_result", data={"text/plain": repr(float(points))},
                                       execution_count=cell.get("execution_count"))]
        return nb, resources


class RedactGraderText(Preprocessor):
    """Withhold, in feedback, any output that shows grader text.

    Code in the kernel can read the hidden cells it runs (their inputs and the
    upstream helpers they trust) and print them from a later cell of its own;
    such an output would reach the student's feedback even though
    ClearHiddenTests removed the hidden cells' sources.
    """

    enabled = True
    NOTE = "[output withheld from feedback: it showed grader text]"

    def preprocess_cell(self, cell, resources, index):
        for out in cell.get("outputs", []):
            if any(m in json.dumps(out) for m in markers.FEEDBACK_FORBIDDEN):
                out.clear()
                out.update(new_output("stream", name="stdout", text=self.NOTE + "\n"))
        return cell, resources


class KeepConstantPlaceholders(Preprocessor):
    """After ClearSolutions: a constant's solution cell shows ``NAME = ...``, not a stub that raises.

    The builder writes a constant's solution as a placeholder line
    ``NAME = ...  # <instruction>`` followed by the solution region.
    ClearSolutions replaces the region with its code stub (``# YOUR CODE HERE``
    / ``raise NotImplementedError()``); where that stub directly follows a
    placeholder line at the top level, it is dropped, so the released cell
    runs and names what to define.  Runs inside generate_assignment (before
    the checksums), so every release — ``nnlab release``, a scratch grading
    root, plain ``nbgrader generate_assignment`` — is the same.
    """

    enabled = True

    def preprocess(self, nb, resources):
        from nbgrader.preprocessors import ClearSolutions

        language = nb.metadata.get("kernelspec", {}).get("language", "python")
        self._stub = ClearSolutions(config=self.config).code_stub.get(language, "").split("\n")
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        from nnlab.build import PLACEHOLDER

        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("solution") or not any(self._stub):
            return cell, resources
        lines, out, k, n = cell.source.split("\n"), [], 0, len(self._stub)
        while k < len(lines):
            if out and PLACEHOLDER.match(out[-1]) and lines[k:k + n] == self._stub:
                k += n
                continue
            out.append(lines[k])
            k += 1
        cell.source = "\n".join(out)
        return cell, resources


# ------------------------------------------------------------ one set-up per worker

class _ReuseExporter:
    """A converter whose exporter (templates, preprocessors) is built once and reused.

    nbgrader's ``BaseConverter.start`` builds a new writer and exporter on every
    call, so each ``NbGraderAPI.autograde``/``generate_feedback`` call pays for
    its set-up and compiles the HTML templates again (~0.3 s of a ~1.3 s
    feedback).  A grading worker keeps one instance of each converter per
    assignment and calls ``start`` once per submission; everything else is
    nbgrader's own code path.
    """

    def start(self):
        from nbconvert.writers import FilesWriter
        import os

        self.init_notebooks()
        self.writer = FilesWriter(parent=self, config=self.config)  # it remembers folders made: not reusable
        if getattr(self, "_nnlab_exporter", None) is None:
            self.exporter = self.exporter_class(parent=self, config=self.config)
            for pp in self.preprocessors:
                self.exporter.register_preprocessor(pp)
            self._nnlab_exporter = self.exporter
        currdir = os.getcwd()
        os.chdir(self.coursedir.root)
        try:
            self.convert_notebooks()
        finally:
            os.chdir(currdir)


# sha256 of ``inspect.getsource(BaseConverter.start)`` in the nbgrader versions whose ``start``
# ``_ReuseExporter.start`` reproduces (0.9.5-0.9.6).  Any other: nbgrader's own converters are used.
NBGRADER_START_SHA256 = {"10d6830579cdca63cb986520813344581d4d04192b18dd5c88a6cf85315c35a1"}


# sha256 of ``inspect.getsource(HTMLExporter.from_notebook_node)`` in the nbconvert versions whose
# method ``FeedbackHTMLExporter`` reproduces without its last step.  Any other: the stock exporter.
NBCONVERT_HTML_SHA256 = {"3dccafff45cc4e749766089c7de2f5385ac071e03f4f5a15bfb3b025f54893b9"}
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)(?=[\s>/])")
NO_ALT_TEXT = "No description has been provided for this image"  # nbconvert's words


def _source_sha256(fn):
    import hashlib
    import inspect
    try:
        return hashlib.sha256(inspect.getsource(fn).encode()).hexdigest()
    except (OSError, TypeError):
        return None


def _feedback_exporter_class():
    """nbconvert's ``HTMLExporter`` minus its closing BeautifulSoup pass, when that is safe.

    ``HTMLExporter.from_notebook_node`` renders the page, then parses the whole page
    again with BeautifulSoup only to give images without one an ``alt`` text and to make
    JupyterLab-template cells focusable.  On a feedback page (tens of thousands of
    highlighting ``<span>``s) that pass is about half the cost of the page.  This
    exporter adds the same ``alt`` text with one regular expression; the focus pass
    matches nothing in nbgrader's feedback template, which is the classic one.  A test
    checks that both exporters give the same document.
    """
    from nbconvert.exporters import HTMLExporter, TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    if _source_sha256(HTMLExporter.from_notebook_node) not in NBCONVERT_HTML_SHA256:
        return HTMLExporter

    class FeedbackHTMLExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node up to its BeautifulSoup pass (nbconvert 7)
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                     resources=resources)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _IMG_WITHOUT_ALT.sub(f'<img alt="{NO_ALT_TEXT}"', html), resources

    return FeedbackHTMLExporter


def reuse_is_safe():
    """Whether nbgrader's ``BaseConverter.start`` is the one ``_ReuseExporter.start`` copies.

    If a later nbgrader changes it, reusing exporters might skip something new it does,
    so grading falls back to nbgrader's converters as they are (slower, same scores).
    """
    from nbgrader.converters.base import BaseConverter
    return _source_sha256(BaseConverter.start) in NBGRADER_START_SHA256


class _SchemaCache:
    """Stands in for the ``jsonschema`` module inside nbgrader's cell-metadata validator.

    nbgrader checks every graded cell's metadata with ``jsonschema.validate(meta, schema)``
    several times per notebook (reading, checking, writing), and ``jsonschema.validate``
    first checks the schema itself against its meta-schema, every call: about nine tenths of
    the cost.  This does what ``jsonschema.validate`` does, with the checked validator kept
    per schema (by content); the same errors are raised.
    """

    def __init__(self, module):
        self._module, self._validators = module, {}

    def __getattr__(self, name):
        return getattr(self._module, name)

    def validate(self, instance, schema, cls=None, *args, **kwargs):
        if cls is not None or args or kwargs:
            return self._module.validate(instance, schema, cls, *args, **kwargs)
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            klass = self._module.validators.validator_for(schema)
            klass.check_schema(schema)
            validator = self._validators[key] = klass(schema)
        error = self._module.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error


def cache_metadata_schemas():
    """Give nbgrader's metadata validator :class:`_SchemaCache` (in this process; idempotent)."""
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, _SchemaCache):
        common.jsonschema = _SchemaCache(common.jsonschema)


def reusable_converters(api):
    """``(autograde, generate_feedback)``: nbgrader's converters, set up as ``NbGraderAPI`` does,
    to be run once per submission with :func:`run_converter`; their exporters are reused between
    submissions when :func:`reuse_is_safe`."""
    from nbgrader.converters import Autograde, GenerateFeedback
    from traitlets.config import Config

    cache_metadata_schemas()
    if reuse_is_safe():
        class ReusedAutograde(_ReuseExporter, Autograde):
            pass

        class ReusedFeedback(_ReuseExporter, GenerateFeedback):
            pass
    else:
        api.log.warning("nbgrader's BaseConverter.start is not the one nnlab knows: "
                        "exporters are built per submission (slower, same scores)")
        ReusedAutograde, ReusedFeedback = Autograde, GenerateFeedback

    autograde = ReusedAutograde(coursedir=api.coursedir, parent=api)
    autograde.force, autograde.create_student = True, True
    feedback = ReusedFeedback(coursedir=api.coursedir, parent=api)
    feedback.exporter_class = _feedback_exporter_class()
    c = Config()
    c.HTMLExporter.template_name = "feedback"  # as NbGraderAPI.generate_feedback does
    feedback.update_config(c)
    feedback.force = True
    return autograde, feedback


def run_converter(app, assignment_id, student_id):
    """Run ``app`` for one submission; nbgrader's ``{success, error, log}`` result."""
    from nbgrader.utils import capture_log, temp_attrs

    with temp_attrs(app.coursedir, assignment_id=assignment_id, student_id=student_id):
        return capture_log(app)
