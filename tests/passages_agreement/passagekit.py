"""A small two-coder study in which one turn is coded by passages, for the audit of every
report against double counting (#13).

The sessions are the methods tests' own (tests/methods/methodskit.py): a Microsoft Teams
transcript (.vtt with <v Speaker> voice tags; consecutive cues of one speaker merge into
one turn), a Zoom transcript (.vtt, "Speaker: text" cues) and notes typed as text
("Label: text"), each with the participants CSV a researcher writes beside it. Turn 6 of
the Teams session is the long turn: three sentences, merged from two cues.

One coder, anna, codes that turn with `invallen` in one of several ways (VARIANTS). At the
level of the turn every way means the same thing (the turn carries `invallen` for anna),
so every report must come out identical for all of them.
"""

from __future__ import annotations

import json
from pathlib import Path

from methods.methodskit import ANNA, TEAMS, build_study

from focuscode.codes import code_id
from focuscode.coding import code_passage
from focuscode.db import now, transaction

from fctest import segment_id

# The methods tests' codes (methodskit.CODEBOOK), with keywords so `codebook audit` has
# rules to report on: (name, description, parent, keywords).
CODES = [
    ("visie", "Visie van school of bestuur op de inzet van OOP", None, []),
    ("meerwaarde in de klas", "Wat de OOP'er in de klas oplevert", "visie", []),
    ("ad-hoctaken", "Taken buiten het takenpakket", None, []),
    ("invallen", "Invallen voor een afwezige leraar", "ad-hoctaken", ["invallen", "toelage"]),
    ("klusjes", "Kopiëren, klaarzetten en ander klein werk", "ad-hoctaken", ["kopiëren"]),
    ("doorgroei", "Ambities en loopbaanperspectief", None, []),
    ("scholing", "Opleiding en scholingsbudget", "doorgroei", ["opleiding"]),
]


def codebook_yaml(nested: bool) -> str:
    """The codes as a YAML codebook: with subcodes under their themes, or all flat (a
    codebook many studies start with; reports over it take another path in SQL)."""
    def entry(name, description, keywords, indent):
        pad = " " * indent
        lines = [f"{pad}- name: {name}", f"{pad}  description: {description}"]
        return lines + ([f"{pad}  keywords: [{', '.join(keywords)}]"] if keywords else [])

    lines = [f"name: OOP-inzet passagetest{'' if nested else ' plat'}", "codes:"]
    for name, description, parent, keywords in CODES:
        if not nested:
            lines += entry(name, description, keywords, 2)
        elif parent is None:
            lines += entry(name, description, keywords, 2)
            children = [c for c in CODES if c[2] == name]
            if children:
                lines.append("    children:")
                for child, text, _parent, words in children:
                    lines += entry(child, text, words, 6)
    return "\n".join(lines) + "\n"


CODEBOOKS = {"nested": codebook_yaml(True), "flat": codebook_yaml(False)}

LONG_TURN = (TEAMS, 6)  # "Elke week wel. Ik neem de lessen over ... En dan krijg ik er geen toelage voor, ..."

# How anna codes the long turn with `invallen`: (kind, argument) steps in order.
VARIANTS = {
    "whole turn": [("code", None)],
    "two passages": [("code", "1"), ("code", "3")],
    "two passages and an uncoded one": [("code", "1"), ("code", "2"), ("code", "3"), ("uncode", "2")],
    "whole turn and a passage": [("code", None), ("code", "3")],
    "overlapping passages": [("code", "1-2"), ("code", "2-3")],
}


def build(path: Path, codebook: str, variant: str) -> Path:
    assert "invallen" in ANNA[LONG_TURN]
    db = build_study(path, codebook=CODEBOOKS[codebook], before_coding=_suggest,
                     leave_out={("anna", LONG_TURN, "invallen")}, keep_open=True)
    for step, sentence in VARIANTS[variant]:
        code_passage(db, segment_id(db, *LONG_TURN), "invallen", "anna", sentence=sentence, uncode=step == "uncode")
    db.close()
    return path


def _suggest(db) -> None:
    """Rule suggestions as the matcher stores them: keyword evidence with its position,
    and the passage of the sentence the evidence lies in (#13)."""
    from focuscode.passages import sentences_of

    terms = {"invallen": ["invallen", "toelage"], "klusjes": ["kopiëren"], "scholing": ["opleiding"]}
    stamp = now()
    rows = db.execute("SELECT s.id, s.text FROM segments s JOIN participants p ON p.id = s.participant_id "
                      "WHERE p.is_facilitator = 0").fetchall()
    with transaction(db):
        for sid, text in rows:
            for code, words in terms.items():
                matches = [{"text": text[at:at + len(w)], "keyword": w, "start": at, "end": at + len(w)}
                           for w in words if (at := text.lower().find(w)) >= 0]
                if not matches:
                    continue
                spans = sentences_of(text, [(m["start"], m["end"]) for m in matches])
                evidence = {"matches": matches, "sentences": [list(s) for s in spans]}
                db.execute(
                    "INSERT INTO codings (segment_id, code_id, coder, status, method, score, evidence, span_start, span_end,"
                    " created_at, updated_at) VALUES (?, ?, NULL, 'suggested', 'rules', 0.8, ?, ?, ?, ?, ?)",
                    [sid, code_id(db, code), json.dumps(evidence, ensure_ascii=False), spans[0][0], spans[-1][1], stamp, stamp])


def anna_rows(path: Path) -> list[tuple]:
    """anna's rows for the long turn and `invallen`: (status, span_start, span_end)."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT c.status, c.span_start, c.span_end FROM codings c JOIN codes k ON k.id = c.code_id "
            "JOIN segments s ON s.id = c.segment_id JOIN transcripts t ON t.id = s.transcript_id "
            "WHERE c.coder = 'anna' AND k.name = 'invallen' AND t.name = ? AND s.ordinal = ? ORDER BY c.id",
            list(LONG_TURN)).fetchall()
    finally:
        conn.close()


__all__ = ["CODEBOOKS", "LONG_TURN", "VARIANTS", "anna_rows", "build"]
