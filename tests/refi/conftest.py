# The REFI tests use the same coded sample project as the export tests: the
# fixtures are defined once, in tests/export/conftest.py.
from export.conftest import _coded_template, coded_db  # noqa: F401
