from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def common_umask():
    """The researcher's umask is the common 022, under which a plain open() makes files everyone can read."""
    old = os.umask(0o022)
    yield
    os.umask(old)
