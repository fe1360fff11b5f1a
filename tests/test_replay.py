"""The grader's half of scoring (nnlab.replay): scores come from records and the key, nothing else.

Lesson 01's source notebook is executed once in a kernel that records (as nbgrader's
autograde does); every test then edits the *recorded outputs* the way a hostile kernel could
and checks what the grader makes of them.
"""
import copy
import os

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from autograder.packing import pack, unpack
from autograder.record import MIME
from nnlab.build import key_path
from nnlab.cli.course import source_notebook
from nnlab.replay import load_key, score_notebook

AID = "01_logic_gates"


@pytest.fixture(scope="module")
def lesson(cfg):
    source = nbformat.read(str(source_notebook(cfg.ROOT, AID)), as_version=4)
    saved = os.environ.get("NNLAB_RECORD")
    os.environ.update(NNLAB_RECORD="1", MPLBACKEND="Agg")
    try:
        executed = NotebookClient(copy.deepcopy(source), timeout=300, allow_errors=True,
                                  kernel_name="python3").execute()
    finally:
        os.environ.pop("NNLAB_RECORD") if saved is None else os.environ.__setitem__("NNLAB_RECORD", saved)
    return source, executed, load_key(key_path(cfg.ROOT, AID))


def _score(lesson, executed):
    source, _, key = lesson
    return score_notebook(source, executed, key)


def _cell(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def _records(cell):
    return [o for o in cell.outputs if MIME in o.get("data", {})]


def test_the_reference_run_scores_full_marks(lesson, cfg):
    scores = _score(lesson, lesson[1])
    assert sum(s.score for s in scores.values()) == cfg.get(AID).points
    assert all(s.status == "scored" for s in scores.values())


def test_nothing_the_kernel_printed_counts(lesson):
    """Only records count: claims of success in text, numbers as last values, errors hidden."""
    executed = copy.deepcopy(lesson[1])
    cell = _cell(executed, "hidden_sigmoid")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="[PASS] sigmoid\nscore: 2 / 2\n"),
                    nbformat.v4.new_output("execute_result", data={"text/plain": "2.0"}, execution_count=1)]
    scores = _score(lesson, executed)
    assert scores["hidden_sigmoid"].score == 0
    assert "did not" in " ".join(scores["hidden_sigmoid"].messages) or \
        "no result" in " ".join(scores["hidden_sigmoid"].messages)


def test_a_wrong_recorded_value_loses_exactly_its_case(lesson):
    executed = copy.deepcopy(lesson[1])
    out = _records(_cell(executed, "hidden_sigmoid"))[1]
    rec = unpack(out["data"][MIME])
    rec["value"] = 1 - np.asarray(rec["value"])
    out["data"][MIME] = pack(rec)
    verdict = _score(lesson, executed)["hidden_sigmoid"]
    assert 0 < verdict.score < verdict.max_score
    # 1 - g(z) = g(-z): the grader names the mistake these numbers come from
    assert any("exactly what you get if you" in m for m in verdict.messages), verdict.messages


@pytest.mark.parametrize("forgery", ["extra", "reordered", "renamed", "garbage", "bomb", "object_dtype", "huge"])
def test_malformed_or_forged_records_score_zero_for_their_cell(lesson, forgery):
    executed = copy.deepcopy(lesson[1])
    cell = _cell(executed, "hidden_logistic_unit")
    outs = _records(cell)
    first = unpack(outs[0]["data"][MIME])
    if forgery == "extra":
        cell.outputs.append(copy.deepcopy(outs[0]))
    elif forgery == "reordered":
        cell.outputs.insert(0, nbformat.v4.new_output("display_data", data={MIME: pack(
            {"k": "student", "name": "THETA_AND", "defined": True, "value": [1.0]})}))
    elif forgery == "renamed":
        outs[0]["data"][MIME] = pack({**first, "fn": "sigmoid"})
    elif forgery == "garbage":
        outs[0]["data"][MIME] = "not base64 at all!"
    elif forgery == "bomb":  # a tiny payload that inflates to gigabytes
        import base64
        import zlib
        outs[0]["data"][MIME] = base64.b64encode(zlib.compress(b"[" + b" " * 200_000_000 + b"]", 9)).decode()
    elif forgery == "object_dtype":
        text = pack({**first, "value": np.zeros(3)}).encode()
        import base64
        import json
        import zlib
        obj = json.loads(zlib.decompress(base64.b64decode(text)))
        obj["__dict__"] = [[k, v if k != "value" else {"__nd__": ["|O", [1], "AAAAAAAAAAA="]}]
                           for k, v in obj["__dict__"]]
        outs[0]["data"][MIME] = base64.b64encode(zlib.compress(json.dumps(obj).encode())).decode()
    elif forgery == "huge":
        outs[0]["data"][MIME] = "A" * 5_000_000
    verdict = _score(lesson, executed)["hidden_logistic_unit"]
    assert verdict.score == 0, verdict
    assert verdict.messages
    others = _score(lesson, lesson[1])
    assert others["hidden_sigmoid"].score == others["hidden_sigmoid"].max_score


def test_a_visible_test_whose_records_are_missing_scores_zero_with_the_kernels_error(lesson):
    executed = copy.deepcopy(lesson[1])
    cell = _cell(executed, "test_sigmoid")
    cell.outputs = [nbformat.v4.new_output("error", ename="NotImplementedError", evalue="", traceback=[])]
    verdict = _score(lesson, executed)["test_sigmoid"]
    assert verdict.score == 0 and "NotImplementedError" in verdict.messages[0]


def test_a_missing_test_cell_scores_zero(lesson):
    executed = copy.deepcopy(lesson[1])
    executed.cells = [c for c in executed.cells
                      if c.metadata.get("nbgrader", {}).get("grade_id") != "hidden_count_weights"]
    assert _score(lesson, executed)["hidden_count_weights"].score == 0


def test_the_kernels_copy_of_a_hidden_cell_has_no_expected_values_and_no_judging(lesson, cfg):
    source, _, key = lesson
    gates = _cell(source, "hidden_gates").source
    assert "ag.GRADER" not in gates and "_tables" not in gates
    assert "ag.GRADER" in key["cells"]["hidden_gates"]
    sigmoid = _cell(source, "hidden_sigmoid").source
    inputs = unpack(sigmoid.split('ag.cases("sigmoid", "')[1].split('"')[0])
    assert inputs and all(set(c) <= {"args", "kwargs", "label"} for c in inputs)
    assert all("expected" in c for c in unpack(key["cases"]["sigmoid"]))
