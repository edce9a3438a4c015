"""Fixtures for the reliability tests: a small coded project built with the library."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for reliability_support, which is not collected

from reliability_support import CODEBOOK_YAML, SAMPLE  # noqa: E402


@pytest.fixture
def codebook_file(tmp_path) -> Path:
    path = tmp_path / "oop-codebook.yaml"
    path.write_text(CODEBOOK_YAML, encoding="utf-8")
    return path


@pytest.fixture
def project(db_path, codebook_file) -> Path:
    """A project with the codebook, the po focus group and a few codings by two coders."""
    from focuscode.codebook import load_codebook
    from focuscode.codes import load_codebook_into
    from focuscode.coding import code_segments
    from focuscode.db import open_project
    from focuscode.importers.store import ImportOptions, import_file

    db = open_project(db_path)
    load_codebook_into(db, load_codebook(codebook_file))
    # allow_pii skips the deduce gate (10 s to load): these tests are about storage, and
    # the sample is anonymised already.
    import_file(db, SAMPLE / "focusgroep-oop-po.txt", ImportOptions(source="focusgroep", allow_pii=True))
    code_segments(db, [3, 4, 5], "invallen", "anna")
    code_segments(db, [4, 8], "doorgroei", "bram")
    db.close()
    return db_path
