from __future__ import annotations

import pytest
from teamkit import build_project


@pytest.fixture
def project(db_path):
    db = build_project(db_path)
    yield db
    db.close()
