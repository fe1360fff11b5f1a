import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# nbgrader shells out to `alembic`; kernels must start from this environment.
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")


@pytest.fixture(scope="session")
def cfg():
    from nnlab.cli.course import load_config
    return load_config(ROOT)
