"""Fixtures of the privacy tests; helpers are in privacykit.py beside this file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_here = str(Path(__file__).resolve().parent)
if _here not in sys.path:
    sys.path.append(_here)

from privacykit import CLEAN, PARTICIPANTS  # noqa: E402


@pytest.fixture
def project(cli, db_path, tmp_path):
    """A project holding one clean focus-group transcript (imported through the gate)."""
    folder = tmp_path / "schoon"
    folder.mkdir()
    (folder / "fg-po-schoon.txt").write_text(CLEAN, encoding="utf-8")
    (folder / "fg-po-schoon.participants.csv").write_text(PARTICIPANTS, encoding="utf-8")
    result = cli("import", folder / "fg-po-schoon.txt", "--source", "focusgroep")
    assert result.exit_code == 0, result.output
    return db_path
