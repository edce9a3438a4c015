# tests/ is on sys.path (pytest pythonpath), so the shared helpers import as
# team.teamkit without putting tests/team, and its conftest.py, on sys.path.
from team.teamkit import project  # noqa: F401  (the fixture)
