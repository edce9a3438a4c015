"""Helpers for the team and review tests: a small project built from real sample
transcripts, a four-theme codebook and rule-like suggestions stored directly
(the suggest pipeline is tested elsewhere and needs no model here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from focuscode.codebook import parse_codebook
from focuscode.codes import load_codebook_into
from focuscode.db import now, open_project
from focuscode.importers.store import ImportOptions, import_file

from fctest import REPO, SAMPLE, db_snapshot, segment_id  # noqa: F401  (tests/ is on pytest's pythonpath)

CODEBOOK = """
codes:
  - name: visie
    description: Visie van school of bestuur op de inzet van OOP
    keywords: [visie, beroepsbeeld]
  - name: ad-hoctaken
    description: Taken buiten het takenpakket
    keywords: [klusje, kopiëren]
    children:
      - name: invallen
        description: Invallen voor een afwezige leraar
        keywords: [invallen, invaller]
      - name: toelage
        description: Werk van een hogere schaal zonder beloning
        keywords: [toelage]
  - name: doorgroei
    description: Ambities en loopbaanperspectief
    keywords: [pabo, opleiding]
  - name: afstemming
    description: Afstemming met leraren en leiding
    keywords: [overleg]
"""

# Suggestions as the rule matcher stores them: keyword evidence with character spans.
SUGGEST_TERMS = {"visie": "visie", "invallen": "invallen", "toelage": "toelage", "doorgroei": "pabo", "ad-hoctaken": "kopiëren"}


def build_project(path: Path, transcripts=("focusgroep-oop-po.txt",), suggestions: bool = True):
    db = open_project(path, create=True)
    load_codebook_into(db, parse_codebook(CODEBOOK, "oop-test.yaml"))
    for name in transcripts:
        import_file(db, SAMPLE / name, ImportOptions(source="focusgroep", allow_pii=True))  # the gate has its own tests
    if suggestions:
        add_suggestions(db)
    return db


def add_suggestions(db) -> int:
    codes = {r[1]: r[0] for r in db.execute("SELECT id, name FROM codes")}
    stamp = now()
    n = 0
    rows = db.execute(
        "SELECT s.id, s.text FROM segments s JOIN participants p ON p.id = s.participant_id WHERE p.is_facilitator = 0"
    ).fetchall()
    for sid, text in rows:
        for code, term in SUGGEST_TERMS.items():
            at = text.lower().find(term)
            if at < 0:
                continue
            evidence = {"matches": [{"text": text[at : at + len(term)], "keyword": term, "start": at, "end": at + len(term)}]}
            db.execute(
                "INSERT INTO codings (segment_id, code_id, coder, status, method, score, evidence, span_start, span_end, created_at, updated_at)"
                " VALUES (?, ?, NULL, 'suggested', 'rules', ?, ?, ?, ?, ?, ?)",
                [sid, codes[code], 0.8, json.dumps(evidence, ensure_ascii=False), at, at + len(term), stamp, stamp],
            )
            n += 1
    db.conn.commit()
    return n


def decisions(db, coder: str) -> set[tuple[int, str, str]]:
    return {
        (r[0], r[1], r[2])
        for r in db.execute(
            "SELECT c.segment_id, k.name, c.status FROM codings c JOIN codes k ON k.id = c.code_id WHERE c.coder = ?", [coder]
        )
    }


@pytest.fixture
def project(db_path):
    """A fresh small project per test (conftests in tests/team and tests/review import this)."""
    db = build_project(db_path)
    yield db
    db.close()
