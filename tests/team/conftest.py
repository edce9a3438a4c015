from __future__ import annotations

import sys
from pathlib import Path

import pytest

# teamkit (helpers shared with tests/review) lives beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from teamkit import build_project  # noqa: E402


@pytest.fixture
def project(db_path):
    db = build_project(db_path)
    yield db
    db.close()
