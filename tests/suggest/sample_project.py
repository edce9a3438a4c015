"""The sample project for suggestion tests, built once per session and copied per test.

Transcripts are imported with the privacy gate off (the sample is anonymised and the
gate has its own tests; loading deduce costs ~20 s per process). The reference coding
is loaded for three of the four transcripts, so `referentie` has decided those and
the fourth (focusgroep-systeem-vo.txt) is left for the model to suggest on.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from focuscode.codebook import load_codebook
from focuscode.codes import load_codebook_into
from focuscode.db import open_project
from focuscode.importers.store import ImportOptions, import_file
from focuscode.reference import load_reference_coding
from focuscode.sample import source_for
from focuscode.suggest import run_suggest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "transcripts"
CODEBOOK = REPO / "codebook" / "oop.yaml"
UNDECIDED = "focusgroep-systeem-vo.txt"
CODER = "referentie"


def build_sample(path: Path, *, reference_for: set[str] | None = None, suggest: bool = True) -> Path:
    db = open_project(path, create=True)
    load_codebook_into(db, load_codebook(CODEBOOK))
    for transcript in sorted(SAMPLE.glob("*.txt")):
        source = source_for(transcript.name)
        if source:
            import_file(db, transcript, ImportOptions(source=source, allow_pii=True))
    if suggest:
        run_suggest(db)
    if reference_for is not None:
        rows = list(csv.DictReader((SAMPLE / "reference-coding.csv").open(encoding="utf-8")))
        subset = path.with_suffix(".reference.csv")
        with subset.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(r for r in rows if r["transcript"] in reference_for)
        load_reference_coding(db, subset, CODER)
    db.close()
    return path


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory) -> Path:
    """Rules suggested, reference coding of all transcripts but UNDECIDED."""
    decided = {p.name for p in SAMPLE.glob("*.txt") if source_for(p.name)} - {UNDECIDED}
    return build_sample(tmp_path_factory.mktemp("sample") / "sample.db", reference_for=decided)


@pytest.fixture
def sample_db(sample_template, db_path) -> Path:
    """A fresh copy of the sample project at the path the `cli` fixture uses."""
    shutil.copyfile(sample_template, db_path)
    return db_path
