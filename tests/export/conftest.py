from __future__ import annotations

import sys
from pathlib import Path

import pytest

# project_builder.py sits beside this file; with --import-mode=importlib it is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from project_builder import build_project, copy_project  # noqa: E402


@pytest.fixture(scope="session")
def _coded_template(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("template") / "coded.db")


@pytest.fixture
def coded_db(_coded_template, tmp_path):
    """A project database with the three sample transcripts coded by two coders."""
    return copy_project(_coded_template, tmp_path / "coded.db")
