"""Shared fixtures: a CLI runner, a fresh project, the sample corpus, ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from focuscode.cli import app

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "transcripts"
CODEBOOK = REPO / "codebook" / "oop.yaml"
SHARED = REPO.parent / "shared"


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


def db_snapshot(path: Path) -> list:
    """Every row of every table, to assert a failed command changed nothing."""
    import sqlite3

    if not path.exists():
        return []
    conn = sqlite3.connect(path)
    out = []
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'segments_fts%' ORDER BY name"):
        out.append((name, sorted(map(repr, conn.execute(f'SELECT * FROM "{name}"')))))
    conn.close()
    return out
