"""A small coded project built from the sample transcripts, for export and REFI tests.

Codings are placed by keywords so the data is realistic Dutch and known in advance;
two coders (ans, bram) and memos on every kind of target.
"""

from __future__ import annotations

from pathlib import Path

from focuscode.codebook import parse_codebook
from focuscode.codes import code_id, load_codebook_into
from focuscode.coding import set_decision
from focuscode.db import now, open_project, transaction
from focuscode.importers.store import ImportOptions, import_file

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "transcripts"

CODEBOOK = """
codes:
  - name: visie
    description: Of de school een expliciete visie heeft op de inzet van OOP'ers.
    color: "#1f77b4"
    keywords: [visie, beroepsbeeld]
  - name: ad-hoctaken
    description: Taken buiten het afgesproken takenpakket.
    color: "#ff7f0e"
    keywords: [invallen]
    children:
      - name: invallen
        description: Lessen overnemen of invallen bij afwezigheid van de leraar.
        keywords: [invallen, overnemen]
      - name: klusjes
        description: Kleine klussen zoals kopiëren en klaarzetten.
        keywords: [kopiëren, klaarzetten]
  - name: doorgroei
    description: Ambities en loopbaanperspectief.
    color: "#2ca02c"
    keywords: [pabo, schaal]
  - name: afstemming
    description: Afstemming met leraren, IB'ers en leiding.
    color: "#d62728"
    keywords: [overleg, afstemmen]
"""

RULES = {
    "visie": ("visie", "beroepsbeeld", "profiel"),
    "invallen": ("inval", "overnem", "opvang"),
    "klusjes": ("kopi", "klaarzet", "klusje"),
    "doorgroei": ("pabo", "schaal", "opleiding", "scholing", "doorgroei"),
    "afstemming": ("overleg", "afstem", "bespre", "ib'er"),
}
TRANSCRIPTS = ("focusgroep-oop-po.txt", "focusgroep-oop-vo.txt", "focusgroep-systeem-vo.txt")


def build_project(path: Path, *, transcripts=TRANSCRIPTS) -> Path:
    db = open_project(path, create=True)
    load_codebook_into(db, parse_codebook(CODEBOOK, "test-codebook.yaml"))
    from unittest import mock

    from focuscode.importers import store

    # The sample is anonymised and the privacy gate has its own tests; skipping it here
    # saves loading deduce's lookup tables (~20 s) in every test session.
    with mock.patch.object(store, "gate", lambda *a, **k: []) if hasattr(store, "gate") else mock.MagicMock():
        for name in transcripts:
            import_file(db, SAMPLE / name, ImportOptions(source="focusgroep", attributes=["functie"]))
    rows = list(db.query(
        "SELECT s.id, s.text, COALESCE(p.is_facilitator, 0) AS fac FROM segments s "
        "LEFT JOIN participants p ON p.id = s.participant_id ORDER BY s.id"
    ))
    with transaction(db):
        ids = {name: code_id(db, name) for name in RULES}
        for n, row in enumerate(rows):
            if row["fac"]:
                continue
            lowered = row["text"].lower()
            for code, stems in RULES.items():
                if any(stem in lowered for stem in stems):
                    set_decision(db, row["id"], ids[code], "ans", "accepted")
                    # bram agrees on most, not all: every third segment he leaves out
                    if n % 3:
                        set_decision(db, row["id"], ids[code], "bram", "accepted")
        stamp = now()
        first = rows[1]["id"]
        db.table("memos").insert_all([
            {"target": "project", "coder": "ans", "text": "Eerste ronde codering, thema's uit de ontwerpkaart.", "created_at": stamp, "updated_at": stamp},
            {"target": "transcript", "transcript_id": 1, "coder": "bram", "text": "Levendig gesprek; veel over invallen.", "created_at": stamp, "updated_at": stamp},
            {"target": "segment", "segment_id": first, "coder": "ans", "text": "Mooi citaat over de start van het werk.", "created_at": stamp, "updated_at": stamp},
            {"target": "code", "code_id": ids["visie"], "coder": None, "text": "Visie blijkt vaak de algemene onderwijsvisie.", "created_at": stamp, "updated_at": stamp},
        ])
    db.close()
    return path


def copy_project(template: Path, target: Path) -> Path:
    """A fresh copy of a built project (building one takes a few seconds)."""
    import shutil

    for suffix in ("", "-wal", "-shm"):
        src = template.with_name(template.name + suffix)
        if src.exists():
            shutil.copyfile(src, target.with_name(target.name + suffix))
    return target
