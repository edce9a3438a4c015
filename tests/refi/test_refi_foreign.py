"""A project from another tool: text, partial selections, cases naming a source, notes.

Offsets are code points: the text holds 'ë' and an emoji (one code point, two UTF-16
units, four UTF-8 bytes) before the selections, so counting anything else misplaces them.
"""

from __future__ import annotations

import sqlite3
import zipfile

TEXT = ("Interviewer: Hoe gaat het met de coördinatie? 😀\n"
        "R1: Het overleg is altijd na schooltijd, dus ik mis het.\n"
        "R1: En invallen doe ik bijna elke week, zonder toelage.\n")

QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="interview" origin="MAXQDA 2022">
  <Users><User guid="AAAAAAAA-0000-0000-0000-000000000001" name="Marieke"/></Users>
  <CodeBook><Codes>
    <Code guid="C0000000-0000-0000-0000-000000000001" name="afstemming" isCodable="true" color="#D62728">
      <Description>Afstemming met leraren</Description>
    </Code>
    <Code guid="C0000000-0000-0000-0000-000000000002" name="ad-hoctaken::invallen" isCodable="true"/>
  </Codes></CodeBook>
  <Variables><Variable guid="B0000000-0000-0000-0000-000000000001" name="sector" typeOfVariable="Text"/></Variables>
  <Cases>
    <Case guid="E0000000-0000-0000-0000-000000000001" name="R1">
      <VariableValue><VariableRef targetGUID="B0000000-0000-0000-0000-000000000001"/><TextValue>VO</TextValue></VariableValue>
      <SourceRef targetGUID="D0000000-0000-0000-0000-000000000001"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="D0000000-0000-0000-0000-000000000001" name="interview R1" plainTextPath="internal://d0.txt">
      <PlainTextSelection guid="F0000000-0000-0000-0000-000000000001" name="overleg" startPosition="{s1}" endPosition="{e1}" creatingUser="AAAAAAAA-0000-0000-0000-000000000001">
        <Coding guid="F1000000-0000-0000-0000-000000000001" creatingUser="AAAAAAAA-0000-0000-0000-000000000001"><CodeRef targetGUID="C0000000-0000-0000-0000-000000000001"/></Coding>
        <NoteRef targetGUID="90000000-0000-0000-0000-000000000001"/>
      </PlainTextSelection>
      <PlainTextSelection guid="F0000000-0000-0000-0000-000000000002" name="twee regels" startPosition="{s2}" endPosition="{e2}">
        <Coding guid="F1000000-0000-0000-0000-000000000002"><CodeRef targetGUID="C0000000-0000-0000-0000-000000000002"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes><Note guid="90000000-0000-0000-0000-000000000001" name="n"><PlainTextContent>Overleg buiten werktijd.</PlainTextContent></Note></Notes>
</Project>
"""


def test_other_tools_project_with_text_selections_cases_and_notes(cli, tmp_path):
    s1 = TEXT.index("overleg")
    e1 = s1 + len("overleg is altijd na schooltijd")
    s2 = TEXT.index("dus ik mis")
    e2 = TEXT.index(", zonder")
    qde = QDE.format(s1=s1, e1=e1, s2=s2, e2=e2)
    path = tmp_path / "maxqda.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde.encode("utf-8"))
        zf.writestr("Sources/d0.txt", TEXT.encode("utf-8"))  # capitalised folder
    db = tmp_path / "p.db"
    result = cli("import", path, "--allow-pii", db=db)  # the MAXQDA user is a real name
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    segs = conn.execute("SELECT id, text, participant_id FROM segments ORDER BY ordinal").fetchall()
    assert [t for _i, t, _p in segs] == TEXT.strip().split("\n")
    assert all(p is not None for _i, _t, p in segs)  # the case names the whole source
    role, sector = conn.execute("SELECT role, sector FROM participants").fetchone()
    assert sector == "vo"
    codings = conn.execute(
        "SELECT s.ordinal, k.name, c.coder, c.span_start, c.span_end FROM codings c JOIN segments s ON s.id = c.segment_id "
        "JOIN codes k ON k.id = c.code_id ORDER BY s.ordinal, k.name").fetchall()
    line2 = segs[1][1]
    # Inside one line: the exact span is kept, relative to the segment.
    assert codings[0][:3] == (2, "afstemming", "Marieke")
    assert line2[codings[0][3]:codings[0][4]] == "overleg is altijd na schooltijd"
    # Across two lines: both segments carry the code; no user, so the importing coder.
    assert [(o, n, c) for o, n, c, _s, _e in codings[1:]] == [(2, "invallen", "import"), (3, "invallen", "import")]
    assert conn.execute("SELECT p.name FROM codes c JOIN codes p ON p.id = c.parent_id WHERE c.name = 'invallen'").fetchone() == ("ad-hoctaken",)
    assert conn.execute("SELECT color FROM codes WHERE name = 'afstemming'").fetchone() == ("#d62728",)
    memo = conn.execute("SELECT target, segment_id, text FROM memos").fetchone()
    assert memo == ("segment", segs[1][0], "Overleg buiten werktijd.")


def test_codings_of_codes_missing_from_the_codebook_are_reported_not_fatal(cli, tmp_path):
    qde = QDE.format(s1=60, e1=70, s2=80, e2=90).replace(
        'targetGUID="C0000000-0000-0000-0000-000000000002"', 'targetGUID="C0000000-0000-0000-0000-0000000000FF"')
    path = tmp_path / "rommelig.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde.encode("utf-8"))
        zf.writestr("sources/d0.txt", TEXT.encode("utf-8"))
    result = cli("import", path, "--allow-pii", db=tmp_path / "p.db")  # the MAXQDA user is a real name
    assert result.exit_code == 0, result.output
    assert "1 codings refer to codes that are not in the project's codebook" in result.stderr
    conn = sqlite3.connect(tmp_path / "p.db")
    assert conn.execute("SELECT count(*) FROM codings").fetchone()[0] == 1
