"""One CSV delimiter sniffer (textio.csv_layout) for surveys, participants files and
`code --from-file`. Tools that export "for Excel" (LimeSurvey's and Qualtrics' CSV options,
Excel's own "CSV (gescheiden door lijstscheidingsteken)" on a Dutch machine when asked for
compatibility) write a first line `sep=;`. The survey importer understood it; the
participants reader and code --from-file read it as the header or as a segment."""

from __future__ import annotations

import json
import sqlite3
import textwrap

from importkit import db_snapshot, one_line_error

from focuscode.textio import csv_layout

TRANSCRIPT = textwrap.dedent(
    """\
    Gespreksleider: Welkom allemaal. Wat doen jullie op een gewone dinsdag?
    OOP'er 1: Ik begeleid groepjes bij het lezen en doe de kopieerklussen.
    OOP'er 2: Bij ons val ik vaak in als een leraar ziek is, dat is eigenlijk niet de afspraak.
    """
)


def test_the_layouts_people_save():
    assert csv_layout("label,role,sector\r\nOOP'er 1,onderwijsassistent,po\r\n")[0] == ","
    assert csv_layout("\ufefflabel;role;sector\r\nOOP'er 1;onderwijsassistent;po\r\n") == (
        ";", "label;role;sector\r\nOOP'er 1;onderwijsassistent;po\r\n", 0)
    assert csv_layout("respondent\ttoelichting\n17\tIk wil graag doorgroeien\n")[0] == "\t"
    assert csv_layout("sep=;\r\nlabel;role\r\n") == (";", "label;role\r\n", 1)
    assert csv_layout("label\nOOP'er 1\n")[0] == ","  # one column: nothing to sniff


def test_participants_csv_with_excels_sep_line(cli, db_path, tmp_path):
    transcript = tmp_path / "fg-po-2.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "fg-po-2.participants.csv").write_bytes(
        "sep=;\r\nlabel;role;sector\r\nGespreksleider;gespreksleider;\r\n"
        "OOP'er 1;onderwijsassistent;po\r\nOOP'er 2;onderwijsassistent;po\r\n".encode("cp1252"))
    result = cli("import", transcript, "--source", "focusgroep")
    assert result.exit_code == 0, result.output
    roles = dict(sqlite3.connect(db_path).execute("SELECT label, role FROM participants").fetchall())
    assert roles == {"Gespreksleider": "gespreksleider", "OOP'er 1": "onderwijsassistent",
                     "OOP'er 2": "onderwijsassistent"}


def test_participants_csv_after_a_sep_line_keeps_the_files_line_numbers(cli, db_path, tmp_path):
    transcript = tmp_path / "fg-po-2.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "fg-po-2.participants.csv").write_text(
        "sep=;\nlabel;role;sector\nGespreksleider;gespreksleider;\nOOP'er 1;onderwijsassistent;po;leraar LB\n",
        encoding="utf-8")
    assert cli("init").exit_code == 0
    before = db_snapshot(db_path)
    one_line_error(cli("import", transcript, "--source", "focusgroep"), "fg-po-2.participants.csv:4:",
                   "extra value 'leraar LB'")
    assert db_snapshot(db_path) == before


def test_code_from_file_with_excels_sep_line(cli, db_path, tmp_path):
    transcript = tmp_path / "fg-po-2.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    assert cli("import", transcript, "--source", "focusgroep", "--allow-unknown").exit_code == 0
    codebook = tmp_path / "codeboek.yaml"
    codebook.write_text("codes:\n  - name: invallen\n    description: Invallen voor een zieke leraar\n", encoding="utf-8")
    assert cli("codebook", "load", codebook).exit_code == 0, "codebook"
    path = tmp_path / "codering.csv"
    path.write_bytes("sep=;\r\nsegment;code;memo\r\nfg-po-2.txt:3;invallen;Invallen, niet de afspraak\r\n".encode("cp1252"))
    result = cli("code", "--from-file", path, "--coder", "anna", "--json")
    assert result.exit_code == 0, result.output
    assert [(c["code"], c["action"]) for c in json.loads(result.stdout)] == [("invallen", "coded")]
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT text FROM memos").fetchall() == [("Invallen, niet de afspraak",)]
