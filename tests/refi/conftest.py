from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The project builder lives with the export tests; both suites use the same data.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "export"))

from project_builder import build_project, copy_project  # noqa: E402


@pytest.fixture(scope="session")
def _coded_template(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("template") / "coded.db")


@pytest.fixture
def coded_db(_coded_template, tmp_path):
    """A project database with the three sample transcripts coded by two coders."""
    return copy_project(_coded_template, tmp_path / "coded.db")
