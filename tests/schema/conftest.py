from __future__ import annotations

import sys
from pathlib import Path

# schemakit (helpers shared by the schema tests) lives beside this file; appended, as in
# tests/importers, so the top-level conftest stays `conftest`.
_here = str(Path(__file__).resolve().parent)
if _here not in sys.path:
    sys.path.append(_here)

import pytest


@pytest.fixture(scope="session")
def _template(tmp_path_factory):
    """The coded project of schemakit, built once (the privacy gate takes seconds); tests get a copy."""
    from typer.testing import CliRunner

    from focuscode.cli import app
    from schemakit import build_project

    where = tmp_path_factory.mktemp("schema-template")
    db = where / "project.db"
    runner = CliRunner()

    def cli(*args):
        return runner.invoke(app, [str(a) for a in args] + ["--db", str(db)], catch_exceptions=False)

    ids = build_project(cli, where)
    return db, ids


@pytest.fixture
def project(_template, db_path) -> dict[str, int]:
    """A copy of the template at this test's db_path; segment ids by their first three words."""
    from schemakit import copy_project

    db, ids = _template
    copy_project(db, db_path)
    return ids
