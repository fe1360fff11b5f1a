"""nbgrader preprocessors the course plugs in through ``course_config``."""
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute


def _error(ename, evalue):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class SafeExecute(Execute):
    """Execute, but a kernel that dies fails every cell it did not run.

    Plain nbgrader stops at a dead kernel, leaving later test cells without
    output, and an output-less test cell scores full marks (nbgrader #427).
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
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError as exc:
            self._dead = (f"the kernel died while running cell {index} ({exc}); "
                          "this cell could not run, so it scores 0")
            cell.outputs.append(_error("DeadKernelError", self._dead))
            return cell, resources
