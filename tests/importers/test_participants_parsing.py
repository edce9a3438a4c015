"""Participants files as researchers write them: YAML by hand, CSV from Excel.

YAML that once crashed or exhausted memory (aliases, dates, `!!binary`, custom tags, a
dangling `- `) gives one line with file:line and stores nothing; a CSV saved by Excel or
LibreOffice with RFC 4180 doubled quotes is read as one field, not a bogus attribute.
"""

from __future__ import annotations

import json
import sqlite3
import textwrap
import time

import pytest

from importkit import db_snapshot, one_line_error

# A typed focus-group transcript with "Label: tekst" turns, as a typist delivers it.
TRANSCRIPT = textwrap.dedent(
    """\
    Gespreksleider: Welkom allemaal. Wat doen jullie op een gewone dinsdag?
    OOP'er 1: Ik begeleid groepjes bij het lezen en doe de kopieerklussen.
    OOP'er 2: Bij ons val ik vaak in als een leraar ziek is, dat is eigenlijk niet de afspraak.
    """
)

HEAD = textwrap.dedent(
    """\
    participants:
      - label: Gespreksleider
        role: gespreksleider
      - label: OOP'er 1
        role: onderwijsassistent
        sector: po
    """
)


def _yaml(tail: str) -> str:
    return HEAD + textwrap.indent(textwrap.dedent(tail), "  ")


BAD_YAML = {
    # Nine anchors, each nine times the previous: PyYAML builds 9**8 strings.
    "alias bomb": (
        _yaml("""\
            - label: OOP'er 2
              role: onderwijsassistent
              a: &a [x, x, x, x, x, x, x, x, x]
              b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
              c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
              d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
              e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
              f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
              g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
              h: [*g, *g, *g, *g, *g, *g, *g, *g, *g]
            """),
        ["deelnemers.yaml:10:", "aliases"],
    ),
    "binary": (_yaml("""\
            - label: OOP'er 2
              role: !!binary b25kZXJ3aWpzYXNzaXN0ZW50
            """), ["deelnemers.yaml:8:", "'!!binary'"]),
    "custom tag": (_yaml("""\
            - label: OOP'er 2
              role: !functie onderwijsassistent
            """), ["deelnemers.yaml:8:", "'!functie'"]),
    "dangling dash": (_yaml("""\
            - label: OOP'er 2
              role: onderwijsassistent
            -
            """), ["deelnemers.yaml:9:", "empty entry"]),
    "list as value": (_yaml("""\
            - label: OOP'er 2
              role: [onderwijsassistent, conciërge]
            """), ["deelnemers.yaml:8:", "'role' must be a single value"]),
    "broken indentation": (HEAD + "   - label: OOP'er 2\n  role: x\n", ["deelnemers.yaml:", "not valid YAML"]),
}


@pytest.fixture
def project(cli, tmp_path):
    """A project holding one earlier import, so 'unchanged' is checked on a real database."""
    first = tmp_path / "eerder.txt"
    first.write_text("Gespreksleider: Fijn dat u er bent.\nOOP'er 1: Graag gedaan, ik help mee.\n", encoding="utf-8")
    (tmp_path / "eerder.participants.csv").write_text(
        "label,role,sector\nGespreksleider,gespreksleider,\nOOP'er 1,onderwijsassistent,vo\n", encoding="utf-8")
    assert cli("import", first, "--source", "focusgroep").exit_code == 0
    transcript = tmp_path / "fg-po-2.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    return transcript


@pytest.mark.parametrize("case", list(BAD_YAML))
def test_bad_participants_yaml_is_one_line_and_stores_nothing(case, cli, db_path, project, tmp_path):
    text, needles = BAD_YAML[case]
    participants = tmp_path / "deelnemers.yaml"
    participants.write_text(text, encoding="utf-8")
    before = db_snapshot(db_path)
    start = time.monotonic()
    result = cli("import", project, "--source", "focusgroep", "--participants", participants)
    assert time.monotonic() - start < 20
    one_line_error(result, *needles)
    assert db_snapshot(db_path) == before


def test_dates_in_participants_yaml_are_kept_as_written(cli, db_path, project, tmp_path):
    participants = tmp_path / "deelnemers.yaml"
    participants.write_text(_yaml("""\
        - label: OOP'er 2
          role: onderwijsassistent
          sector: po
          sessie: 2024-03-12
          uren: 24
          vast: ja
        """), encoding="utf-8")
    result = cli("import", project, "--source", "focusgroep", "--participants", participants,
                 "--attribute", "sessie", "--attribute", "uren", "--attribute", "vast",
                 "--allow-pii")  # a date in a participants file is a finding (it may be a birthday); here it is parsing that counts
    assert result.exit_code == 0, result.output
    attributes = sqlite3.connect(db_path).execute(
        "SELECT p.attributes FROM participants p JOIN transcripts t ON t.id = p.transcript_id "
        "WHERE p.label = ? AND t.name = 'fg-po-2.txt'", ["OOP'er 2"]).fetchone()[0]
    assert json.loads(attributes) == {"sessie": "2024-03-12", "uren": 24, "vast": "ja"}


def test_csv_with_doubled_quotes_is_one_field(cli, db_path, project, tmp_path):
    # Excel and LibreOffice write a value holding quotes and the delimiter like this (RFC 4180).
    participants = tmp_path / "deelnemers.csv"
    participants.write_text(
        'label,role,sector,functie\r\n'
        'Gespreksleider,gespreksleider,,\r\n'
        "OOP'er 1,onderwijsassistent,po,\"leraar \"\"LB\"\", mentor\"\r\n"
        "OOP'er 2,onderwijsassistent,po,\"conciërge; \"\"klusjesman\"\"\"\r\n",
        encoding="utf-8")
    result = cli("import", project, "--source", "focusgroep", "--participants", participants, "--attribute", "functie")
    assert result.exit_code == 0, result.output
    rows = dict(sqlite3.connect(db_path).execute(
        "SELECT p.label, p.attributes FROM participants p JOIN transcripts t ON t.id = p.transcript_id "
        "WHERE t.name = 'fg-po-2.txt'").fetchall())
    assert json.loads(rows["OOP'er 1"]) == {"functie": 'leraar "LB", mentor'}
    assert json.loads(rows["OOP'er 2"]) == {"functie": 'conciërge; "klusjesman"'}


def test_csv_row_with_an_unquoted_comma_names_the_extra_value(cli, db_path, project, tmp_path):
    participants = tmp_path / "deelnemers.csv"
    participants.write_text(
        "label,role,sector,functie\nGespreksleider,gespreksleider,,\n"
        "OOP'er 1,onderwijsassistent,po,leraar LB, mentor\nOOP'er 2,onderwijsassistent,po,\n",
        encoding="utf-8")
    before = db_snapshot(db_path)
    one_line_error(cli("import", project, "--source", "focusgroep", "--participants", participants),
                   "deelnemers.csv:3:", "extra value ' mentor'")
    assert db_snapshot(db_path) == before


def test_a_key_given_twice_in_participants_yaml_is_refused(cli, db_path, tmp_path):
    transcript = tmp_path / "fg.txt"
    transcript.write_text("Gespreksleider: Welkom.\nOOP'er 1: Dank je wel.\n", encoding="utf-8")
    people = tmp_path / "fg.participants.yaml"
    people.write_text("- label: Gespreksleider\n  role: gespreksleider\n- label: OOP'er 1\n  role: onderwijsassistent\n"
                      "  sector: po\n  sector: vo\n", encoding="utf-8")
    one_line_error(cli("import", transcript, "--source", "focusgroep"), "fg.participants.yaml:6:", "'sector' given twice")
