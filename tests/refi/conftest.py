from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The project builder lives with the export tests; both suites use the same data.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "export"))

from project_builder import build_project  # noqa: E402


@pytest.fixture
def coded_db(tmp_path):
    return build_project(tmp_path / "coded.db")
