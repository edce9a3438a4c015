from __future__ import annotations

import pytest

from project_builder import build_project


@pytest.fixture
def coded_db(tmp_path):
    """A project database with the three sample transcripts coded by two coders."""
    return build_project(tmp_path / "coded.db")
