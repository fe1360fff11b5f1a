# nbgrader reads this file from the directory it runs in; the course itself
# is defined in course_config.py.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from course_config import configure  # noqa: E402

configure(get_config())  # noqa: F821 - get_config is provided by nbgrader
