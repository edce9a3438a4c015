"""What real tools write into a .qdpx, beyond the letter of REFI-QDA 1.5.

Each archive is built here, shaped after the tool's own export code:
- qc 1.3 (cproctor/qualitative-coding, refi_qda/writer.py): sources named by a bare or
  relative file name (`plainTextPath="board_2017.txt"`), one selection per coded line
  including its newline, no XML declaration, GUIDs from MD5, a code repeated in two
  branches;
- QualCoder (refi.py): text files with a UTF-8 BOM, a coding's memo in the selection's
  Description, a source memo in the source's Description, `creatingUser=""` when the
  coder is unknown, a media file whose transcript is a <Transcript>;
- MAXQDA: document variables through a Case without a name, an annotation as a
  selection holding only a Description, Windows line ends counted as two characters,
  modifyingUser without creatingUser;
- NVivo: `Sources/` capitalised, a passage coded to a case (a Coding whose CodeRef
  names a Case) and an annotation tied to its passage by a <Link>, not a NoteRef;
- ATLAS.ti: Windows line ends in the text file but counted as one character.
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
import zipfile

import pytest

from fctest import db_snapshot


def _qdpx(path, qde: str, files: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde.encode("utf-8"))
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def _qc_guid(text: str) -> str:
    # qc: str(UUID(bytes=md5(text).hexdigest()[:16].encode()))
    return str(uuid.UUID(bytes=hashlib.md5(text.encode("utf8")).hexdigest()[:16].encode("utf8")))


def _lines(text: str) -> list[tuple[int, int]]:
    out, index = [], 0
    for line in text.splitlines(keepends=True):
        out.append((index, index + len(line)))
        index += len(line)
    return out


BOARD = (
    "Gespreksleider: Hoe is de inzet van onderwijsassistenten geregeld?\n"
    "Directeur: Ze vallen vaak in als een leraar ziek is.\n"
    "Directeur: Scholing is er nauwelijks, er is geen budget voor.\n"
    "Bouwcoördinator: Ze willen doorgroeien, maar er is geen functie voor.\n"
)
INTERVIEW = (
    "Interviewer: Wat doe je op een gewone dag?\n"
    "OOP'er: Ik kopieer, ik surveilleer en ik val in.\n"
)


def test_qc_13_export_with_bare_and_relative_source_names(cli, db_path, tmp_path):
    coders = ["chris", "marieke"]
    codes = {"werkdruk": ["invallen", "klusjes"], "loopbaan": ["scholing", "doorgroei", "invallen"]}
    code_xml = "".join(
        f'<Code name="{theme}" guid="{_qc_guid(theme)}" isCodable="true">'
        + "".join(f'<Code name="{c}" guid="{_qc_guid(theme + "." + c)}" isCodable="true" />' for c in children)
        + "</Code>"
        for theme, children in codes.items()
    )
    first_guid = {"invallen": _qc_guid("werkdruk.invallen"), "scholing": _qc_guid("loopbaan.scholing"),
                  "doorgroei": _qc_guid("loopbaan.doorgroei"), "klusjes": _qc_guid("werkdruk.klusjes")}
    coded = {  # (file, line) -> [(code, coder)]
        ("board_2017.txt", 1): [("invallen", "chris"), ("invallen", "marieke")],
        ("board_2017.txt", 2): [("scholing", "chris")],
        ("board_2017.txt", 3): [("doorgroei", "marieke")],
        ("interviews/oop_2018.txt", 1): [("klusjes", "chris"), ("invallen", "chris")],
    }
    texts = {"board_2017.txt": BOARD, "interviews/oop_2018.txt": INTERVIEW}
    sources = ""
    for name, text in texts.items():
        positions = _lines(text)
        sources += f'<TextSource plainTextPath="{name}" guid="{_qc_guid(name)}" name="{name}">'
        for (fname, line), codings in coded.items():
            if fname != name:
                continue
            start, end = positions[line]
            sources += (f'<PlainTextSelection guid="{_qc_guid(f"{name}:{line}")}" name="line:{line}" '
                        f'startPosition="{start}" endPosition="{end}">')
            for code, coder in codings:
                sources += (f'<Coding guid="{_qc_guid(":".join([name, str(line), coder, code]))}" '
                            f'creatingUser="{_qc_guid(coder)}"><CodeRef targetGUID="{first_guid[code]}" /></Coding>')
            sources += "</PlainTextSelection>"
        sources += "</TextSource>"
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'origin="qc 1.3.0" name="qc project">'
           "<Users>" + "".join(f'<User name="{c}" guid="{_qc_guid(c)}" />' for c in coders) + "</Users>"
           f"<CodeBook><Codes>{code_xml}</Codes></CodeBook><Sources>{sources}</Sources></Project>")
    path = _qdpx(tmp_path / "qc-export.qdpx", qde, {
        "sources/board_2017.txt": BOARD.encode("utf-8"),
        "sources/interviews/oop_2018.txt": INTERVIEW.encode("utf-8"),
    })
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        "SELECT t.name, s.ordinal, k.name, c.coder, c.span_start, c.span_end FROM codings c "
        "JOIN segments s ON s.id = c.segment_id JOIN transcripts t ON t.id = s.transcript_id "
        "JOIN codes k ON k.id = c.code_id ORDER BY t.name, s.ordinal, k.name, c.coder").fetchall()
    assert rows == [
        ("board_2017.txt", 2, "invallen", "chris", None, None),
        ("board_2017.txt", 2, "invallen", "marieke", None, None),
        ("board_2017.txt", 3, "scholing", "chris", None, None),
        ("board_2017.txt", 4, "doorgroei", "marieke", None, None),
        ("interviews/oop_2018.txt", 2, "invallen", "chris", None, None),
        ("interviews/oop_2018.txt", 2, "klusjes", "chris", None, None),
    ]
    segment = conn.execute("SELECT text FROM segments s JOIN transcripts t ON t.id = s.transcript_id "
                           "WHERE t.name = 'board_2017.txt' AND s.ordinal = 3").fetchone()[0]
    assert segment == "Directeur: Scholing is er nauwelijks, er is geen budget voor."
    # The code repeated in a second branch stays, told apart by its parent.
    assert conn.execute("SELECT count(*) FROM codes WHERE name LIKE 'invallen%'").fetchone()[0] == 2


QUALCODER = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="oop-po" origin="QualCoder 3.5" creatingUserGUID="5b7c7a4e-0000-4000-8000-00000000000a" creationDateTime="2024-05-02T10:11:12Z" xmlns="urn:QDA-XML:project:1.0">
<Users>
<User guid="5b7c7a4e-0000-4000-8000-000000000001" name="coder_a" />
</Users>
<CodeBook>
<Codes>
<Code guid="5b7c7a4e-0000-4000-8000-0000000000c1" name="afstemming" isCodable="true" color="#2ca02c">
<Description>Afstemming met leraren</Description>
</Code>
</Codes>
</CodeBook>
<Sources>
<TextSource plainTextPath="internal://5b7c7a4e-0000-4000-8000-0000000000f1.txt" creatingUser="5b7c7a4e-0000-4000-8000-000000000001" creationDateTime="2024-05-02T10:12:00Z" guid="5b7c7a4e-0000-4000-8000-0000000000d1" name="interview-oop-po.txt">
<Description>Afgenomen in de personeelskamer</Description>
<PlainTextSelection guid="5b7c7a4e-0000-4000-8000-0000000000e1" startPosition="{s1}" endPosition="{e1}" name="overleg is altijd na schooltijd" creatingUser="5b7c7a4e-0000-4000-8000-000000000001" creationDateTime="2024-05-02T10:13:00Z">
<Description>Structureel probleem, vaker gehoord</Description>
<Coding guid="5b7c7a4e-0000-4000-8000-0000000000a1" creatingUser="5b7c7a4e-0000-4000-8000-000000000001" >
<CodeRef targetGUID="5b7c7a4e-0000-4000-8000-0000000000c1" />
</Coding>
</PlainTextSelection>
<PlainTextSelection guid="5b7c7a4e-0000-4000-8000-0000000000e2" startPosition="{s2}" endPosition="{e2}" name="niet uitgenodigd" creatingUser="" creationDateTime="2024-05-02T10:14:00Z">
<Coding guid="5b7c7a4e-0000-4000-8000-0000000000a2" creatingUser="" >
<CodeRef targetGUID="5b7c7a4e-0000-4000-8000-0000000000c1" />
</Coding>
</PlainTextSelection>
</TextSource>
<AudioSource path="internal://5b7c7a4e-0000-4000-8000-0000000000f2.m4a" creatingUser="5b7c7a4e-0000-4000-8000-000000000001" guid="5b7c7a4e-0000-4000-8000-0000000000d2" name="opname-po.m4a">
<Transcript plainTextPath="internal://5b7c7a4e-0000-4000-8000-0000000000f3.txt" creatingUser="5b7c7a4e-0000-4000-8000-000000000001" guid="5b7c7a4e-0000-4000-8000-0000000000d3" name="opname-po.m4a.transcribed" >
<SyncPoint guid="5b7c7a4e-0000-4000-8000-0000000000b1" position="0" timeStamp="0" />
<SyncPoint guid="5b7c7a4e-0000-4000-8000-0000000000b2" position="40" timeStamp="4000" />
<TranscriptSelection guid="5b7c7a4e-0000-4000-8000-0000000000e3" name="opname-po.m4a.transcribed" fromSyncPoint="5b7c7a4e-0000-4000-8000-0000000000b1" toSyncPoint="5b7c7a4e-0000-4000-8000-0000000000b2">
<Coding guid="5b7c7a4e-0000-4000-8000-0000000000a3" >
<CodeRef targetGUID="5b7c7a4e-0000-4000-8000-0000000000c1" />
</Coding>
</TranscriptSelection>
</Transcript>
</AudioSource>
</Sources>
</Project>
"""

QC_TEXT = ("Interviewer: Hoe verloopt het overleg met de leraren?\n"
           "OOP'er: Het overleg is altijd na schooltijd, dus ik mis het.\n"
           "OOP'er: Voor de studiedag word ik niet uitgenodigd.\n")
QC_TRANSCRIPT = "[00:00:01] OOP'er: Ik help in groep drie met lezen.\n[00:00:04] OOP'er: En ik doe de pleinwacht.\n"


def test_qualcoder_export_with_bom_memos_in_descriptions_and_a_transcript(cli, db_path, tmp_path):
    s1 = QC_TEXT.index("overleg is altijd")
    s2 = QC_TEXT.index("niet uitgenodigd")
    qde = (QUALCODER.replace("{s1}", str(s1)).replace("{e1}", str(s1 + len("overleg is altijd na schooltijd")))
           .replace("{s2}", str(s2)).replace("{e2}", str(s2 + len("niet uitgenodigd"))))
    path = _qdpx(tmp_path / "qualcoder.qdpx", qde, {
        # QualCoder writes its text files with encoding="utf-8-sig": a BOM the offsets do not count.
        "sources/5b7c7a4e-0000-4000-8000-0000000000f1.txt": QC_TEXT.encode("utf-8-sig"),
        "sources/5b7c7a4e-0000-4000-8000-0000000000f3.txt": QC_TRANSCRIPT.encode("utf-8-sig"),
        "sources/5b7c7a4e-0000-4000-8000-0000000000f2.m4a": b"\x00\x00\x00\x1cftypM4A " + bytes(64),
    })
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db_path)
    codings = conn.execute(
        "SELECT s.text, c.coder, c.span_start, c.span_end FROM codings c JOIN segments s ON s.id = c.segment_id "
        "JOIN transcripts t ON t.id = s.transcript_id WHERE t.name = 'interview-oop-po.txt' ORDER BY s.id").fetchall()
    assert [(t[a:b], coder) for t, coder, a, b in codings] == [
        ("overleg is altijd na schooltijd", "coder_a"), ("niet uitgenodigd", "import")]
    memos = conn.execute("SELECT target, text FROM memos ORDER BY text").fetchall()
    assert memos == [("transcript", "Afgenomen in de personeelskamer"), ("segment", "Structureel probleem, vaker gehoord")]
    # The audio file's transcript is text that can be coded; its coding sits between two sync
    # points, whose character positions place it on the first line.
    transcript = conn.execute(
        "SELECT s.text, k.name FROM segments s JOIN transcripts t ON t.id = s.transcript_id "
        "LEFT JOIN codings c ON c.segment_id = s.id LEFT JOIN codes k ON k.id = c.code_id "
        "WHERE t.name = 'opname-po.m4a' ORDER BY s.ordinal").fetchall()
    assert transcript == list(zip(QC_TRANSCRIPT.strip().split("\n"), ["afstemming", None]))
    assert "could not be placed" not in result.stderr


MAXQDA = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Quickscan OOP" origin="MAXQDA 2022 (Release 22.7.0)">
  <Users><User guid="0B7AF1B5-44A3-4C6E-9C24-7D7F0D6D0001" name="Onderzoeker"/></Users>
  <CodeBook><Codes>
    <Code guid="C17A0000-0000-4000-8000-000000000001" name="ad-hoctaken" isCodable="true">
      <Code guid="C17A0000-0000-4000-8000-000000000002" name="surveilleren" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="A1000000-0000-4000-8000-000000000001" name="sector" typeOfVariable="Text"/>
    <Variable guid="A1000000-0000-4000-8000-000000000002" name="schooltype" typeOfVariable="Text"/>
  </Variables>
  <Cases>
    <Case guid="CA5E0000-0000-4000-8000-000000000001">
      <VariableValue><VariableRef targetGUID="A1000000-0000-4000-8000-000000000001"/><TextValue>vo</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="A1000000-0000-4000-8000-000000000002"/><TextValue>vmbo</TextValue></VariableValue>
      <SourceRef targetGUID="D0C00000-0000-4000-8000-000000000001"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="D0C00000-0000-4000-8000-000000000001" name="fg-vo-2" plainTextPath="internal://D0C00000-0000-4000-8000-000000000001.txt">
      <PlainTextSelection guid="5E100000-0000-4000-8000-000000000001" name="" startPosition="{s1}" endPosition="{e1}" modifyingUser="0B7AF1B5-44A3-4C6E-9C24-7D7F0D6D0001">
        <Coding guid="C0D10000-0000-4000-8000-000000000001" modifyingUser="0B7AF1B5-44A3-4C6E-9C24-7D7F0D6D0001"><CodeRef targetGUID="C17A0000-0000-4000-8000-000000000002"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5E100000-0000-4000-8000-000000000002" name="" startPosition="{s2}" endPosition="{e2}">
        <Description>Navragen bij de teamleider</Description>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""

MAXQDA_TEXT = ("Gespreksleider: Welke taken doen jullie naast je eigen werk?\r\n"
               "OOP'er 1: Ik surveilleer bij toetsen, dat staat nergens beschreven.\r\n"
               "OOP'er 2: Ik regel de roosterwijzigingen als de planner er niet is.\r\n")


def test_maxqda_export_with_document_variables_annotations_and_crlf(cli, db_path, tmp_path):
    # MAXQDA counts a Windows line end as two characters, as the file holds it.
    s1 = MAXQDA_TEXT.index("surveilleer bij toetsen")
    s2 = MAXQDA_TEXT.index("roosterwijzigingen")
    qde = (MAXQDA.replace("{s1}", str(s1)).replace("{e1}", str(s1 + len("surveilleer bij toetsen")))
           .replace("{s2}", str(s2)).replace("{e2}", str(s2 + len("roosterwijzigingen"))))
    path = _qdpx(tmp_path / "maxqda.qdpx", qde,
                 {"sources/D0C00000-0000-4000-8000-000000000001.txt": MAXQDA_TEXT.encode("utf-8")})
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db_path)
    text, coder, a, b = conn.execute(
        "SELECT s.text, c.coder, c.span_start, c.span_end FROM codings c JOIN segments s ON s.id = c.segment_id").fetchone()
    assert (text[a:b], coder) == ("surveilleer bij toetsen", "Onderzoeker")
    # A case without a name carries the document's variables: no participant is made of it.
    assert conn.execute("SELECT count(*) FROM participants").fetchone()[0] == 0
    memo = conn.execute("SELECT m.target, s.text FROM memos m JOIN segments s ON s.id = m.segment_id").fetchone()
    assert memo == ("segment", "OOP'er 2: Ik regel de roosterwijzigingen als de planner er niet is.")


def test_maxqda_document_variables_choose_the_source(cli, db_path, tmp_path):
    qde = (MAXQDA.replace("{s1}", "0").replace("{e1}", "5").replace("{s2}", "0").replace("{e2}", "5")
           .replace('<Variable guid="A1000000-0000-4000-8000-000000000002" name="schooltype"',
                    '<Variable guid="A1000000-0000-4000-8000-000000000002" name="bron"')
           .replace("<TextValue>vmbo</TextValue>", "<TextValue>dialoogtafel</TextValue>"))
    path = _qdpx(tmp_path / "maxqda.qdpx", qde,
                 {"sources/D0C00000-0000-4000-8000-000000000001.txt": MAXQDA_TEXT.encode("utf-8")})
    assert cli("import", path).exit_code == 0
    assert sqlite3.connect(db_path).execute("SELECT source FROM transcripts").fetchone() == ("dialoogtafel",)


NVIVO = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="OOP" origin="NVivo 14.23.0">
  <Users><User guid="{11111111-aaaa-4bbb-8ccc-000000000001}" name="Onderzoeker"/></Users>
  <CodeBook><Codes>
    <Code guid="{C0DE0000-aaaa-4bbb-8ccc-000000000001}" name="visie" isCodable="true"/>
  </Codes></CodeBook>
  <Cases>
    <Case guid="{CA5E0000-aaaa-4bbb-8ccc-000000000001}" name="Deelnemer B"/>
  </Cases>
  <Sources>
    <TextSource guid="{50000000-aaaa-4bbb-8ccc-000000000001}" name="dialoogtafel" plainTextPath="internal://50000000-aaaa-4bbb-8ccc-000000000001.txt">
      <PlainTextSelection guid="{5E100000-aaaa-4bbb-8ccc-000000000001}" name="" startPosition="{s1}" endPosition="{e1}" creatingUser="{11111111-aaaa-4bbb-8ccc-000000000001}">
        <Coding guid="{C0D10000-aaaa-4bbb-8ccc-000000000001}" creatingUser="{11111111-aaaa-4bbb-8ccc-000000000001}"><CodeRef targetGUID="{CA5E0000-aaaa-4bbb-8ccc-000000000001}"/></Coding>
        <Coding guid="{C0D10000-aaaa-4bbb-8ccc-000000000002}" creatingUser="{11111111-aaaa-4bbb-8ccc-000000000001}"><CodeRef targetGUID="{C0DE0000-aaaa-4bbb-8ccc-000000000001}"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="{90000000-aaaa-4bbb-8ccc-000000000001}" name="Annotatie" creatingUser="{11111111-aaaa-4bbb-8ccc-000000000001}">
      <PlainTextContent>Visie op papier: navragen bij de directie.</PlainTextContent>
    </Note>
  </Notes>
  <Links>
    <Link guid="{11000000-aaaa-4bbb-8ccc-000000000001}" name="Annotatie" direction="OneWay" originGUID="{90000000-aaaa-4bbb-8ccc-000000000001}" targetGUID="{5E100000-aaaa-4bbb-8ccc-000000000001}"/>
  </Links>
</Project>
"""

NVIVO_TEXT = ("Gespreksleider: Wat zou de school moeten willen?\n"
              "Deelnemer B: Een visie op wat wij in de klas doen, op papier.\n"
              "Gespreksleider: Dank u wel.\n")


def test_nvivo_case_coding_and_linked_annotation_land_on_the_passage(cli, db_path, tmp_path):
    s1 = NVIVO_TEXT.index("Deelnemer B:")
    e1 = NVIVO_TEXT.index("\nGespreksleider: Dank")
    qde = NVIVO.replace("{s1}", str(s1)).replace("{e1}", str(e1))
    path = _qdpx(tmp_path / "nvivo.qdpx", qde,
                 {"Sources/50000000-aaaa-4bbb-8ccc-000000000001.txt": NVIVO_TEXT.encode("utf-8")})
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "not in the project's codebook" not in result.stderr  # the case coding is not an unknown code
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT s.ordinal, s.speaker, p.label FROM segments s LEFT JOIN participants p ON p.id = s.participant_id "
                        "ORDER BY s.ordinal").fetchall()
    assert rows == [(1, None, None), (2, "Deelnemer B", "Deelnemer B"), (3, None, None)]
    assert conn.execute("SELECT k.name FROM codings c JOIN codes k ON k.id = c.code_id").fetchall() == [("visie",)]
    # The annotation is linked to the passage: a memo on its segment, not on the project.
    assert conn.execute("SELECT m.target, s.ordinal, m.coder, m.text FROM memos m JOIN segments s ON s.id = m.segment_id").fetchall() == [
        ("segment", 2, "Onderzoeker", "Visie op papier: navragen bij de directie.")]


def test_atlasti_counts_a_windows_line_end_as_one_character(cli, db_path, tmp_path):
    text = "Gespreksleider: Wat levert de scholing op?\r\nOOP'er: Meer zelfvertrouwen in de klas.\r\n"
    counted = text.replace("\r\n", "\n")  # ATLAS.ti's offsets
    start = counted.index("zelfvertrouwen")
    qde = f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Project xmlns="urn:QDA-XML:project:1.0" origin="ATLAS.ti 23.2.1 (Windows)" name="scholing">
  <CodeBook><Codes><Code guid="AE6D04CE-D987-4FC8-AF97-000000000001" name="scholing" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource plainTextPath="internal://01106019-2518-43DD-BBD1-8F0252BACB30.txt" guid="69A4332D-5B31-4915-B520-5275CFC21B40" name="scholing.docx">
      <PlainTextSelection startPosition="{start}" endPosition="{start + len('zelfvertrouwen')}" guid="4191294A-E287-4510-95B0-69BCE4638E56" name="zelfvertrouwen">
        <Coding guid="445A6AEC-1400-4502-919D-0867832FF211"><CodeRef targetGUID="AE6D04CE-D987-4FC8-AF97-000000000001"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""
    with zipfile.ZipFile(tmp_path / "atlas.qdpx", "w") as zf:
        zf.writestr("Project.qde", qde.encode("utf-8"))
        zf.writestr("Sources/01106019-2518-43DD-BBD1-8F0252BACB30.txt", text.encode("utf-8"))
    result = cli("import", tmp_path / "atlas.qdpx")
    assert result.exit_code == 0, result.output
    seg, a, b = sqlite3.connect(db_path).execute(
        "SELECT s.text, c.span_start, c.span_end FROM codings c JOIN segments s ON s.id = c.segment_id").fetchone()
    assert seg[a:b] == "zelfvertrouwen"


SOURCE_PATHS = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="paden" origin="QDA tool">
  <Sources>
    <TextSource guid="11111111-2222-3333-4444-555555555555" name="fg-1" plainTextPath="{path}"/>
  </Sources>
</Project>
"""


@pytest.mark.parametrize("path_attr, member", [
    ("board_2017.txt", "sources/board_2017.txt"),  # qc 1.3
    ("./board_2017.txt", "sources/board_2017.txt"),
    ("sources/board_2017.txt", "Sources/board_2017.txt"),
    ("Sources\\board_2017.txt", "sources/board_2017.txt"),  # a Windows tool's separator
    ("internal://fg%20po%202017.txt", "sources/fg po 2017.txt"),  # URL-encoded
    ("internal://sessies/board_2017.txt", "sources/sessies/board_2017.txt"),
])
def test_source_path_forms_resolve_inside_sources(path_attr, member, cli, db_path, tmp_path):
    path = _qdpx(tmp_path / "paden.qdpx", SOURCE_PATHS.format(path=path_attr),
                 {member: "Gespreksleider: Welkom.\nOOP'er: Dank je.\n".encode("utf-8")})
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM segments").fetchone()[0] == 2


@pytest.mark.parametrize("path_attr", [
    "../geheim.txt", "sources/../../geheim.txt", "/etc/passwd", "C:\\Users\\geheim.txt",
    "internal://sessies/../../geheim.txt", "..\\geheim.txt",
])
def test_source_path_leaving_sources_is_refused(path_attr, cli, coded_db, tmp_path):
    path = _qdpx(tmp_path / "paden.qdpx", SOURCE_PATHS.format(path=path_attr),
                 {"sources/board_2017.txt": b"Gespreksleider: Welkom.\n", "geheim.txt": b"Wachtwoord: 1234\n"})
    before = db_snapshot(coded_db)
    result = cli("import", path, db=coded_db)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "leaves the archive's sources folder" in lines[0], result.stderr
    assert db_snapshot(coded_db) == before


def test_taguette_codebook_without_namespace_loads(cli, db_path, tmp_path):
    """Taguette (taguette/refi_qda.py) writes its .qdc through SAX with no namespace, upper-case
    uuid5 GUIDs, no descriptions and an empty <Sets/>. A guard: this already loaded before."""
    path = tmp_path / "codebook.qdc"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook origin="Taguette 1.4.1"><Codes>'
        '<Code guid="8F2B5C61-1E0B-5E4C-9A3E-2B6A4F1D7C01" name="invallen" isCodable="true"></Code>'
        '<Code guid="0D3E9A27-6C4B-5F12-8B7D-9E1C3A5F2B02" name="scholing" isCodable="true"></Code>'
        "</Codes><Sets></Sets></CodeBook>", encoding="utf-8")
    result = cli("codebook", "load", path)
    assert result.exit_code == 0, result.output
    assert [r[0] for r in sqlite3.connect(db_path).execute("SELECT name FROM codes ORDER BY position")] == ["invallen", "scholing"]
