"""Shared fixtures: a CLI runner, a fresh project, the sample corpus, ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from focuscode.cli import app

from fctest import CODEBOOK, REPO, SAMPLE, SHARED, db_snapshot  # noqa: F401  (re-exported)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    # Tests never pick up a developer's own project or coder name.
    monkeypatch.delenv("FOCUSCODE_DB", raising=False)
    monkeypatch.delenv("FOCUSCODE_CODER", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "project.db"


@pytest.fixture
def cli(runner, db_path):
    """Run focuscode with --db pointing at this test's project; returns the click Result."""

    def run(*args: str, input: str | None = None, db: Path | None = None, env: dict | None = None):
        argv = [str(a) for a in args]
        takes_db = argv[:2] != ["codebook", "validate"] and argv[:1] != ["anonymise"] and not {"--help", "--version"} & set(argv)
        if takes_db and "--db" not in argv:
            argv += ["--db", str(db or db_path)]
        return runner.invoke(app, argv, input=input, env=env, catch_exceptions=False)

    return run


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"reference material not found at {SHARED} (../shared beside the repository)")
    return SHARED
