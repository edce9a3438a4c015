"""Suggestions by closeness to a code's examples and to the segments a coder accepted for it.

The turns imitate a Zoom focus group with OOP'ers in secondary schools, exported as
WebVTT with voice tags; the codebook fragment is shaped like codebook/oop.yaml, with
examples written as a coder would quote them.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

BOOK = """
- name: doorgroei
  keywords: [doorgroeimogelijkheid]
  examples:
    - "Ik zou graag technisch onderwijsassistent op een hoger niveau worden, met practica voor de bovenbouw."
  children:
    - name: functieschalen
      keywords: [functieschaal]
      include: >-
        Fragmenten over salarisschalen, het functiebouwwerk en het maximum van de schaal.
- name: afstemming
  keywords: [overleg]
  examples:
    - "De sectievoorzitter spreekt met mij door welke practica er komen."
"""

VTT = """WEBVTT

00:00:01.000 --> 00:00:05.000
<v Gespreksleider>Waar willen jullie over een paar jaar staan?

00:00:06.000 --> 00:00:14.000
<v OOP'er 1 (vo)>Ik wil eigenlijk op een hoger niveau werken, practica voor de bovenbouw voorbereiden als technisch onderwijsassistent.

00:00:15.000 --> 00:00:21.000
<v OOP'er 2 (vo)>Het functiebouwwerk kent voor ons maar één schaal en het maximum heb ik al bereikt.

00:00:22.000 --> 00:00:27.000
<v OOP'er 3 (vo)>We hebben gisteren pannenkoeken gebakken met de brugklas, heel gezellig.

00:00:28.000 --> 00:00:35.000
<v OOP'er 1 (vo)>De sectievoorzitter bespreekt met mij welke practica er in de bovenbouw komen.
"""


@pytest.fixture
def project(cli, db_path, tmp_path):
    (tmp_path / "zoom-fg-vo.vtt").write_text(VTT, encoding="utf-8")
    book = tmp_path / "oop-fragment.yaml"
    book.write_text(BOOK, encoding="utf-8")
    assert cli("codebook", "load", book).exit_code == 0
    result = cli("import", tmp_path / "zoom-fg-vo.vtt", "--source", "focusgroep", "--allow-pii", "--allow-unknown")
    assert result.exit_code == 0, result.output
    return db_path


def _close(path) -> dict[tuple[int, str], dict]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT s.ordinal, k.name, c.score, c.evidence FROM codings c JOIN codes k ON k.id = c.code_id "
            "JOIN segments s ON s.id = c.segment_id WHERE c.method = 'similarity'"
        ).fetchall()
    finally:
        conn.close()
    return {(turn, code): {**json.loads(ev), "probability": score} for turn, code, score, ev in rows}


def test_segments_close_to_an_example_or_include_text_are_suggested_with_it_as_evidence(cli, project):
    assert cli("suggest").exit_code == 0
    close = _close(project)
    career = close[(2, "doorgroei")]
    assert career["closest"] == {"kind": "example", "text": "Ik zou graag technisch onderwijsassistent op een hoger "
                                 "niveau worden, met practica voor de bovenbouw."}
    assert {"technisch", "niveau"} <= set(career["shared"]) and 0 < career["probability"] < 1
    scales = close[(3, "functieschalen")]
    assert scales["closest"]["kind"] == "include" and "functiebouwwerk" in scales["shared"]
    # a turn about something else is close to nothing; stop words and filler are never shared
    assert not [k for k in close if k[0] == 4]
    assert not {w for c in close.values() for w in c["shared"]} & {"heel", "de", "met", "een", "eigenlijk"}
    assert "close to example" in cli("segments", "--all").stdout


def test_close_to_a_coders_accepted_segment_but_never_on_what_they_decided(cli, project, tmp_path):
    decisions = tmp_path / "codering.csv"
    decisions.write_text("segment,code\nzoom-fg-vo.vtt:2,functieschalen\n", encoding="utf-8")
    assert cli("code", "--from-file", decisions, "--coder", "anna").exit_code == 0
    assert cli("suggest", "--coder", "anna").exit_code == 0
    close = _close(project)
    near = close[(5, "functieschalen")]  # the practica in the bovenbouw, like accepted turn 2
    assert near["closest"]["kind"] == "segment" and {"practicum", "bovenbouw"} <= set(near["shared"])
    assert not [k for k in close if k[0] == 2]  # anna decided turn 2: nothing is suggested there


def test_the_migration_that_allows_the_method_keeps_every_coding_and_its_links(cli, project):
    from focuscode.db import open_project, transaction
    from focuscode.migrations import m004_codings_method_similarity

    assert cli("suggest").exit_code == 0
    assert cli("code", "2", "doorgroei", "--coder", "anna").exit_code == 0  # a decision copying its suggestion
    db = open_project(project)
    query = "SELECT id, segment_id, code_id, coder, status, method, score, evidence, suggestion_id FROM codings ORDER BY id"
    before = db.execute(query).fetchall()
    assert any(r[8] for r in before)
    with transaction(db):
        m004_codings_method_similarity(db)  # the rebuild, run on a table holding links
    assert db.execute(query).fetchall() == before
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'codings'")}
    assert {"idx_codings_decision", "idx_codings_suggestion", "idx_codings_segment_coder"} <= indexes
    db.close()
