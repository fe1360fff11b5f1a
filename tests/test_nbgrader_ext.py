"""The nbgrader and nbconvert pieces nnlab plugs in or reuses, against the stock ones."""
import base64

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbgrader.converters import GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from pathlib import Path

from nnlab.cli.course import read_nb, source_notebook
from nnlab.nbgrader_ext import NO_ALT_TEXT, _feedback_exporter_class

ROOT = Path(__file__).resolve().parents[1]
# a 1x1 PNG, as a figure's output would carry it
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")).decode()


def _notebook():
    """Lesson 03's source notebook (code, Markdown, formulas) plus images with and without alt text."""
    nb = read_nb(source_notebook(ROOT, "03_backprop"))
    for cell in nb.cells:  # as plain cells: scoring them is GetGrades' work, not the exporter's
        cell.metadata.pop("nbgrader", None)
    nb.cells.append(nbformat.v4.new_markdown_cell(
        f'<img src="data:image/png;base64,{PNG}"> and <img alt="a dot" src="data:image/png;base64,{PNG}"/>'))
    cell = nbformat.v4.new_code_cell("show()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]
    nb.cells.append(cell)
    return nb


def _document(html):
    return str(BeautifulSoup(html, features="html.parser"))


@pytest.mark.parametrize("template", ["feedback", "classic"])
def test_the_feedback_exporter_writes_the_stock_exporters_document(template, tmp_path):
    fast_class = _feedback_exporter_class()
    assert fast_class is not HTMLExporter, (
        "this nbconvert's HTMLExporter.from_notebook_node differs from the one nnlab's feedback exporter "
        "reproduces: grading uses the stock exporter (correct, slower); review the change and update "
        "nnlab.nbgrader_ext.NBCONVERT_HTML_SHA256")
    nb = _notebook()
    resources = {"nbgrader": {"notebook": "03_backprop", "score": 1.0, "max_score": 2.0, "late_penalty": 0.0}}
    # configured as nbgrader's GenerateFeedback configures its exporter
    config = GenerateFeedback(coursedir=CourseDirectory(root=str(tmp_path))).config
    config.HTMLExporter.template_name = template
    stock, _ = HTMLExporter(config=config).from_notebook_node(nb, dict(resources))
    fast, _ = fast_class(config=config).from_notebook_node(nb, dict(resources))
    assert _document(fast) == _document(stock)
    assert fast.count(f'alt="{NO_ALT_TEXT}"') == 2 and 'alt="a dot"' in fast


@pytest.mark.parametrize("meta", [
    {"grade": True, "grade_id": "ok", "locked": True, "points": 2, "schema_version": 3, "solution": False},
    {"grade": True, "grade_id": "bad", "locked": True, "points": "two", "schema_version": 3, "solution": False},
    {"grade": "yes", "grade_id": "bad", "locked": True, "schema_version": 3, "solution": False},
    {"grade": True, "locked": True, "points": 1, "schema_version": 3, "solution": False, "extra": 1},
])
def test_cached_metadata_schemas_judge_as_jsonschema_does(meta):
    import jsonschema
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    from nnlab.nbgrader_ext import _SchemaCache

    schema = MetadataValidatorV3().schema
    cached = _SchemaCache(jsonschema)

    def outcome(validate):
        try:
            validate(meta, schema)
            return None
        except jsonschema.ValidationError as exc:
            return exc.message, list(exc.path)

    stock = outcome(jsonschema.validate)
    assert outcome(cached.validate) == stock
    assert outcome(cached.validate) == stock  # the second call uses the kept validator
    assert (stock is None) == (meta["grade_id"] == "ok" if "grade_id" in meta else False)
