"""Participant attributes that reach exports are the declared set (role, sector, school type
and what the study declares with --attribute), never whatever columns a file brings."""

from __future__ import annotations

import json
import sqlite3
import zipfile

from fctest import db_snapshot
from privacykit import refused

TRANSCRIPT = ("Gespreksleider: Hoe ziet jullie loopbaan eruit?\n"
              "OOP'er 1 (vo): Ik ben twaalf jaar toa, en hoger dan schaal 8 kom ik niet.\n"
              "OOP'er 2 (vo): Bij ons kun je doorgroeien tot instructeur, maar daar is geen vacature voor.\n")
# A participants list as a research assistant keeps it in Excel: the study's own columns plus
# the ones the issue found travelling into exports.
PARTICIPANTS = ("label,role,sector,school_type,functie,Naam deelnemer,werkgever,school naam,bestuur,locatie,contact\n"
                "Gespreksleider,gespreksleider,,,,,,,,,\n"
                "OOP'er 1 (vo),OOP'er,vo,havo/vwo,technisch onderwijsassistent,R. Bakker,Stichting Vo Noord,"
                "Het Baken,Stichting Vo Noord,Zwolle,r.bakker@hetbaken.nl\n"
                "OOP'er 2 (vo),OOP'er,vo,vmbo,instructeur,T. Smit,Stichting Vo Noord,Het Baken,Stichting Vo Noord,"
                "Zwolle,06-11223344\n")
UNDECLARED = ("Naam deelnemer", "werkgever", "school naam", "bestuur", "locatie", "contact")


def _write(tmp_path, participants=PARTICIPANTS):
    path = tmp_path / "fg-vo-loopbaan.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "fg-vo-loopbaan.participants.csv").write_text(participants, encoding="utf-8")
    return path


def test_undeclared_columns_are_left_out_with_a_notice_naming_them(cli, db_path, tmp_path):
    r = cli("import", _write(tmp_path), "--source", "focusgroep", "--attribute", "functie")
    assert r.exit_code == 0, r.output
    notice = " ".join(r.stderr.split())
    assert "not a declared attribute" in notice and "--attribute NAME" in notice
    for column in UNDECLARED:
        assert f"'{column}'" in notice
    conn = sqlite3.connect(db_path)
    stored = [json.loads(a) for (a,) in conn.execute("SELECT attributes FROM participants WHERE is_facilitator = 0")]
    assert stored == [{"functie": "technisch onderwijsassistent"}, {"functie": "instructeur"}]
    dump = "\n".join(conn.iterdump())
    for leaked in ("Bakker", "Het Baken", "Zwolle", "hetbaken.nl", "06-11223344", "Stichting"):
        assert leaked not in dump
    # Exports see only what was declared: stats --by and the REFI case variables.
    assert cli("stats", "--by", "functie").exit_code == 0
    r = cli("stats", "--by", "werkgever")
    assert r.exit_code == 2 and "functie" in r.stderr
    out = tmp_path / "studie.qdpx"
    assert cli("codebook", "load", _codebook(tmp_path)).exit_code == 0
    assert cli("export", "refi", "--out", out).exit_code == 0
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde").decode("utf-8")
    assert "functie" in qde and "instructeur" in qde
    for column in UNDECLARED:
        assert column not in qde


def test_a_declared_attribute_value_holding_a_name_is_refused(cli, db_path, tmp_path):
    cli("init")
    before = db_snapshot(db_path)
    leaky = PARTICIPANTS.replace("technisch onderwijsassistent", "assistent van Sanne Vermeulen")
    refused(cli("import", _write(tmp_path, leaky), "--source", "focusgroep", "--attribute", "functie"), db_path, before,
            "fg-vo-loopbaan.participants.csv:3 persoon (kolom 'functie') 'Sanne Vermeulen'")


def test_a_name_or_school_column_cannot_be_declared(cli, tmp_path):
    r = cli("import", _write(tmp_path), "--source", "focusgroep", "--attribute", "naam")
    assert r.exit_code == 2 and "would show names or schools" in r.stderr


def test_refi_case_variables_are_the_declared_set(cli, db_path, tmp_path):
    """An ATLAS.ti-style project whose cases carry a 'werkgever' variable besides sector and functie."""
    qde = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="loopbaan" origin="ATLAS.ti 23">
  <CodeBook><Codes><Code guid="C2000000-0000-0000-0000-000000000001" name="doorgroei" isCodable="true"/></Codes></CodeBook>
  <Variables>
    <Variable guid="B2000000-0000-0000-0000-000000000001" name="sector" typeOfVariable="Text"/>
    <Variable guid="B2000000-0000-0000-0000-000000000002" name="functie" typeOfVariable="Text"/>
    <Variable guid="B2000000-0000-0000-0000-000000000003" name="werkgever" typeOfVariable="Text"/>
  </Variables>
  <Cases>
    <Case guid="E2000000-0000-0000-0000-000000000001" name="R4">
      <VariableValue><VariableRef targetGUID="B2000000-0000-0000-0000-000000000001"/><TextValue>vo</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="B2000000-0000-0000-0000-000000000002"/><TextValue>instructeur</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="B2000000-0000-0000-0000-000000000003"/><TextValue>Stichting Vo Noord</TextValue></VariableValue>
      <SourceRef targetGUID="D2000000-0000-0000-0000-000000000001"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="D2000000-0000-0000-0000-000000000001" name="interview R4" plainTextPath="internal://r4.txt"/>
  </Sources>
</Project>
"""
    path = tmp_path / "atlas-loopbaan.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde.encode("utf-8"))
        zf.writestr("sources/r4.txt", "Ik ben instructeur bij techniek en wil graag verder leren.\n".encode("utf-8"))
    r = cli("import", path, "--attribute", "functie")
    assert r.exit_code == 0, r.output
    assert "'werkgever' left out" in " ".join(r.stderr.split())
    (attributes,) = sqlite3.connect(db_path).execute("SELECT attributes FROM participants").fetchone()
    assert json.loads(attributes) == {"functie": "instructeur"}


def test_replicate_copies_only_declared_attributes_and_file_names(cli, db_path, tmp_path):
    """A project from before declarations may hold a column the gate would now leave out."""
    assert cli("import", _write(tmp_path), "--source", "focusgroep", "--attribute", "functie").exit_code == 0
    assert cli("codebook", "load", _codebook(tmp_path)).exit_code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("""UPDATE participants SET attributes = json_set(attributes, '$.werkgever', 'Stichting Vo Noord')""")
    conn.execute("UPDATE transcripts SET path = '/home/rbakker/Documenten/fg-vo-loopbaan.txt'")
    conn.commit()
    copy = tmp_path / "student.db"
    assert cli("replicate", "--coder", "student", "--out", copy).exit_code == 0
    blind = sqlite3.connect(copy)
    assert {json.dumps(json.loads(a), sort_keys=True) for (a,) in blind.execute("SELECT attributes FROM participants")} \
        == {"{}", '{"functie": "instructeur"}', '{"functie": "technisch onderwijsassistent"}'}
    assert [p for (p,) in blind.execute("SELECT path FROM transcripts")] == ["fg-vo-loopbaan.txt"]


def _codebook(tmp_path):
    path = tmp_path / "codeboek.yaml"
    path.write_text("codes:\n  - name: doorgroei\n    description: Loopbaanperspectief.\n    keywords: [doorgroeien, schaal]\n",
                    encoding="utf-8")
    return path
