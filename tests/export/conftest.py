from __future__ import annotations

import pytest

from project_builder import build_project, copy_project


@pytest.fixture(scope="session")
def _coded_template(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("template") / "coded.db")


@pytest.fixture
def coded_db(_coded_template, tmp_path):
    """A project database with the three sample transcripts coded by two coders."""
    return copy_project(_coded_template, tmp_path / "coded.db")
