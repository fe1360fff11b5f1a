"""nbgrader preprocessors the course plugs in through ``course_config``."""
from nbclient.exceptions import DeadKernelError
from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute


def _error(ename, evalue):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class SafeExecute(Execute):
    """Execute, but a kernel that dies fails every cell it did not run.

    Plain nbgrader stops at a dead kernel, leaving later test cells without
    output, and an output-less test cell scores full marks (nbgrader #427).

    Also, in test cells, text on stderr is kept but shown as stdout: nbgrader
    would otherwise score 0 for a cell where the student's code merely printed
    a debug line or a library warning.  Errors still score 0, and checks that
    require warning-free code say so explicitly.
    """

    def preprocess(self, nb, resources=None, km=None):
        self._dead = ""
        return super().preprocess(nb, resources, km)

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
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
            for out in cell.outputs:
                if out.output_type == "stream" and out.name == "stderr":
                    out.name = "stdout"
                    out.text = "".join(f"[stderr] {line}" for line in out.text.splitlines(True))
        return cell, resources


class ScrubHiddenTracebacks(Preprocessor):
    """Reduce errors of hidden-test cells to one line before feedback is made.

    An IPython traceback quotes the failing line of the cell, so an error in a
    hidden test cell would show hidden test code in the feedback even after
    ClearHiddenTests has removed it from the cell's source.
    """

    enabled = True  # nbconvert preprocessors are off unless enabled

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and "BEGIN HIDDEN TESTS" in cell.source:
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    out.traceback = [f"{out.ename}: {out.evalue}"]
        return cell, resources
