"""Importing other tools' passages: a selection that covers part of a turn stays a passage of that
turn (span_start/span_end in code points of the turn's text), two selections of one code by one
coder on one turn stay two codings, only the same words coded twice collapse.

Each archive is shaped after what the tool writes (see test_refi_vendor_quirks.py for how each
quirk was established): NVivo's braced GUIDs, nameless selections and capitalised `Sources/`;
ATLAS.ti's `Project.qde`, quotations named by their first words and a Windows line end counted
as one character; MAXQDA's modifyingUser and a Windows line end counted as two; QualCoder's BOM
and selections named by the words they hold. Where ../shared/refi-qda holds the real NVivo 15 and
ATLAS.ti 8.4 exports, their own project files carry the passages.
"""

from __future__ import annotations

import re
import sqlite3
import zipfile

import pytest

from refi.test_refi_vendor_quirks import _qdpx


def codings(db) -> list[tuple]:
    """(turn, code, coder, the coded words or None for the whole turn), in a stable order."""
    rows = sqlite3.connect(db).execute(
        "SELECT s.ordinal, k.name, c.coder, s.text, c.span_start, c.span_end FROM codings c "
        "JOIN segments s ON s.id = c.segment_id JOIN codes k ON k.id = c.code_id "
        "WHERE c.status = 'accepted'").fetchall()
    return sorted(((o, k, c, None if a is None else t[a:b]) for o, k, c, t, a, b in rows),
                  key=lambda r: (r[0], r[1], r[2], r[3] or ""))


def at(text: str, words: str, after: str = "") -> tuple[int, int]:
    """Code-point offsets of `words` in `text` (the first after `after`)."""
    start = text.index(words, text.index(after) if after else 0)
    return start, start + len(words)


# --- NVivo -----------------------------------------------------------------------------------

NVIVO_TEXT = (
    "Gespreksleider: Wat vraagt de school van jullie naast het werk in de klas?\n"
    "Deelnemer A: Ik surveilleer bij toetsen en ik val in als er iemand ziek is. Daarnaast kopieer ik "
    "voor drie collega's en zet ik de lokalen klaar, dat staat nergens beschreven.\n"
    "Deelnemer B: Bij ons is het hetzelfde. Ik zou best een opleiding willen volgen, maar er is geen budget.\n"
    "Gespreksleider: Dank u wel.\n"
)


def _nvivo(selections: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="OOP" origin="NVivo 14.23.0">
  <Users>
    <User guid="{{11111111-aaaa-4bbb-8ccc-000000000001}}" name="onderzoeker1"/>
    <User guid="{{11111111-aaaa-4bbb-8ccc-000000000002}}" name="onderzoeker2"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="{{C0DE0000-aaaa-4bbb-8ccc-000000000001}}" name="ad-hoctaken" isCodable="true"/>
    <Code guid="{{C0DE0000-aaaa-4bbb-8ccc-000000000002}}" name="scholing" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{{50000000-aaaa-4bbb-8ccc-000000000001}}" name="dialoogtafel" plainTextPath="internal://50000000-aaaa-4bbb-8ccc-000000000001.txt">
{selections}
    </TextSource>
  </Sources>
</Project>
"""


def _nvivo_selection(n: int, span: tuple[int, int], *codings: tuple[int, int]) -> str:
    inner = "".join(
        f'<Coding guid="{{C0D10000-aaaa-4bbb-8ccc-{n:06d}{i:06d}}}" creatingUser="{{11111111-aaaa-4bbb-8ccc-00000000000{user}}}">'
        f'<CodeRef targetGUID="{{C0DE0000-aaaa-4bbb-8ccc-00000000000{code}}}"/></Coding>' for i, (code, user) in enumerate(codings))
    return (f'      <PlainTextSelection guid="{{5E100000-aaaa-4bbb-8ccc-{n:012d}}}" name="" startPosition="{span[0]}" '
            f'endPosition="{span[1]}" creatingUser="{{11111111-aaaa-4bbb-8ccc-000000000001}}">{inner}</PlainTextSelection>')


def test_nvivo_two_passages_of_one_paragraph_stay_two_codings(cli, db_path, tmp_path):
    line2 = NVIVO_TEXT.splitlines(keepends=True)[1]
    para = at(NVIVO_TEXT, line2)  # NVivo codes a paragraph with its paragraph mark
    sels = "\n".join([
        _nvivo_selection(1, at(NVIVO_TEXT, "Ik surveilleer bij toetsen"), (1, 1)),
        _nvivo_selection(2, at(NVIVO_TEXT, "kopieer ik voor drie collega's en zet ik de lokalen klaar"), (1, 1)),
        _nvivo_selection(3, para, (1, 2)),
        _nvivo_selection(4, at(NVIVO_TEXT, "opleiding willen volgen"), (2, 1)),
    ])
    path = _qdpx(tmp_path / "nvivo.qdpx", _nvivo(sels),
                 {"Sources/50000000-aaaa-4bbb-8ccc-000000000001.txt": NVIVO_TEXT.encode("utf-8")})
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert codings(db_path) == [
        (2, "ad-hoctaken", "onderzoeker1", "Ik surveilleer bij toetsen"),
        (2, "ad-hoctaken", "onderzoeker1", "kopieer ik voor drie collega's en zet ik de lokalen klaar"),
        (2, "ad-hoctaken", "onderzoeker2", None),
        (3, "scholing", "onderzoeker1", "opleiding willen volgen"),
    ]


def test_a_selection_over_several_turns_codes_the_part_inside_each(cli, db_path, tmp_path):
    # From the middle of turn 2, over all of turn 3, to the middle of turn 4: the end of
    # turn 2 and the start of turn 4 as passages, turn 3 whole.
    start = NVIVO_TEXT.index("Daarnaast kopieer")
    end = NVIVO_TEXT.index("Dank u wel") + len("Dank")
    path = _qdpx(tmp_path / "nvivo.qdpx", _nvivo(_nvivo_selection(1, (start, end), (1, 1))),
                 {"Sources/50000000-aaaa-4bbb-8ccc-000000000001.txt": NVIVO_TEXT.encode("utf-8")})
    assert cli("import", path).exit_code == 0
    assert codings(db_path) == [
        (2, "ad-hoctaken", "onderzoeker1", "Daarnaast kopieer ik voor drie collega's en zet ik de lokalen klaar, dat staat nergens beschreven."),
        (3, "ad-hoctaken", "onderzoeker1", None),
        (4, "ad-hoctaken", "onderzoeker1", "Gespreksleider: Dank"),
    ]


def test_a_paragraph_mark_at_a_selection_edge_does_not_pull_in_the_turn_it_ends(cli, db_path, tmp_path):
    # Selected from the paragraph mark that ends turn 2 to the middle of turn 4, and from the
    # middle of turn 3 to its paragraph mark: turn 2 is not coded for its line end, turn 3 is
    # coded whole and in part, turn 4 in part.
    s3 = NVIVO_TEXT.index("Deelnemer B:")
    e3 = NVIVO_TEXT.index("\nGespreksleider: Dank")
    mid = NVIVO_TEXT.index("Ik zou best")
    path = _qdpx(tmp_path / "nvivo.qdpx", _nvivo("\n".join([
        _nvivo_selection(1, (s3 - 1, e3 + len("\nGespreksleider:")), (1, 1)), _nvivo_selection(2, (mid, e3 + 1), (2, 1))])),
        {"Sources/50000000-aaaa-4bbb-8ccc-000000000001.txt": NVIVO_TEXT.encode("utf-8")})
    assert cli("import", path).exit_code == 0
    assert codings(db_path) == [
        (3, "ad-hoctaken", "onderzoeker1", None),
        (3, "scholing", "onderzoeker1", "Ik zou best een opleiding willen volgen, maar er is geen budget."),
        (4, "ad-hoctaken", "onderzoeker1", "Gespreksleider:"),
    ]


def test_a_selection_of_no_characters_codes_its_turn_whole(cli, db_path, tmp_path):
    # The standard allows startPosition == endPosition; a zero-length passage would quote nothing.
    point = NVIVO_TEXT.index("lokalen")
    path = _qdpx(tmp_path / "nvivo.qdpx", _nvivo(_nvivo_selection(1, (point, point), (1, 1))),
                 {"Sources/50000000-aaaa-4bbb-8ccc-000000000001.txt": NVIVO_TEXT.encode("utf-8")})
    assert cli("import", path).exit_code == 0
    assert codings(db_path) == [(2, "ad-hoctaken", "onderzoeker1", None)]


def test_real_nvivo_15_project_file_with_passages(cli, db_path, tmp_path, shared_dir):
    """NVivo 15 for Mac's own project.qde (../shared/refi-qda) with its first source given a
    Dutch text and two passages of one code by one of its users, NVivo's attributes kept."""
    example = shared_dir / "refi-qda" / "examples" / "nvivo15_mac_project.qdpx"
    if not example.is_file():
        pytest.skip(f"{example} not found")
    with zipfile.ZipFile(example) as zf:
        qde = zf.read("project.qde").decode("utf-8")
        files = {n: zf.read(n) for n in zf.namelist() if n != "project.qde"}
    source = re.search(r'<TextSource [^>]*plainTextPath="internal://([^"]+)"[^>]*/>', qde)
    user = re.search(r'<User guid="([^"]+)"[^>]*name="([^"]+)"', qde)
    code = re.search(r'<Code guid="([^"]+)" isCodable="true" name="programming"', qde)
    assert source and user and code, "the NVivo example changed shape"
    first = at(NVIVO_TEXT, "Ik surveilleer bij toetsen")
    second = at(NVIVO_TEXT, "zet ik de lokalen klaar")
    sels = "".join(
        f'<PlainTextSelection creatingUser="{user[1]}" creationDateTime="2024-09-15T15:40:0{i}Z" '
        f'endPosition="{e}" guid="7a1c0e5b-0000-4000-8000-00000000000{i}" modifyingUser="{user[1]}" name="" startPosition="{s}">'
        f'<Coding creatingUser="{user[1]}" creationDateTime="2024-09-15T15:40:0{i}Z" guid="7a1c0e5b-0000-4000-8000-00000000010{i}">'
        f'<CodeRef targetGUID="{code[1]}"/></Coding></PlainTextSelection>' for i, (s, e) in enumerate((first, second)))
    qde = qde.replace(source[0], source[0][:-2] + ">" + sels + "</TextSource>", 1)
    files[f"sources/{source[1]}"] = NVIVO_TEXT.encode("utf-8")
    path = _qdpx(tmp_path / "nvivo15.qdpx", qde, files)
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert codings(db_path) == [(2, "programming", user[2], "Ik surveilleer bij toetsen"),
                                (2, "programming", user[2], "zet ik de lokalen klaar")]


# --- ATLAS.ti --------------------------------------------------------------------------------

ATLAS_TEXT = ("Interviewer: Hoe kijk je terug op de scholing?\r\n"
              "Onderwijsassistent: Eerlijk gezegd 😅 viel het tegen. De cursus ging vooral over rekenen, "
              "terwijl ik bij lezen help.\r\n"
              "Interviewer: En de begeleiding daarna?\r\n"
              "Onderwijsassistent: Die was er niet. Niemand vroeg hoe het ging.\r\n")


def test_atlasti_quotations_with_emoji_and_one_character_line_ends(cli, db_path, tmp_path):
    counted = ATLAS_TEXT.replace("\r\n", "\n")  # ATLAS.ti's offsets; code points, so 😅 counts one
    one = at(counted, "De cursus ging vooral over rekenen")
    two = at(counted, "terwijl ik bij lezen help")
    over = (counted.index("En de begeleiding"), counted.index("Die was er niet.") + len("Die was er niet."))

    def quotation(n, span, code):
        words = counted[span[0]:span[1]]
        return (f'<PlainTextSelection startPosition="{span[0]}" endPosition="{span[1]}" '
                f'guid="4191294A-E287-4510-95B0-{n:012X}" name="{words[:40]}…" '
                f'creatingUser="AD68FBE7-E1EE-4A82-A279-23CC698C89EB" creationDateTime="2024-03-27T19:04:19Z">'
                f'<Coding guid="445A6AEC-1400-4502-919D-{n:012X}" creatingUser="AD68FBE7-E1EE-4A82-A279-23CC698C89EB">'
                f'<CodeRef targetGUID="AE6D04CE-D987-4FC8-AF97-00000000000{code}"/></Coding></PlainTextSelection>')

    qde = f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Project xmlns="urn:QDA-XML:project:1.0" origin="ATLAS.ti 23.2.1 (Windows)" name="scholing">
  <Users><User guid="AD68FBE7-E1EE-4A82-A279-23CC698C89EB" name="codeur"/></Users>
  <CodeBook><Codes>
    <Code guid="AE6D04CE-D987-4FC8-AF97-000000000001" name="scholing" isCodable="true"/>
    <Code guid="AE6D04CE-D987-4FC8-AF97-000000000002" name="begeleiding" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource plainTextPath="internal://01106019-2518-43DD-BBD1-8F0252BACB30.txt" guid="69A4332D-5B31-4915-B520-5275CFC21B40" name="interview-scholing.docx">
      {quotation(1, one, 1)}{quotation(2, two, 1)}{quotation(3, over, 2)}
    </TextSource>
  </Sources>
</Project>"""
    with zipfile.ZipFile(tmp_path / "atlas.qdpx", "w") as zf:
        zf.writestr("Project.qde", qde.encode("utf-8"))
        zf.writestr("Sources/01106019-2518-43DD-BBD1-8F0252BACB30.txt", ATLAS_TEXT.encode("utf-8"))
    result = cli("import", tmp_path / "atlas.qdpx")
    assert result.exit_code == 0, result.output
    assert codings(db_path) == [
        (2, "scholing", "codeur", "De cursus ging vooral over rekenen"),
        (2, "scholing", "codeur", "terwijl ik bij lezen help"),
        (3, "begeleiding", "codeur", "En de begeleiding daarna?"),
        (4, "begeleiding", "codeur", "Onderwijsassistent: Die was er niet."),
    ]


# --- MAXQDA ----------------------------------------------------------------------------------

MAXQDA_TEXT = ("Gespreksleider: Welke taken doen jullie naast je eigen werk?\r\n"
               "OOP'er 1: Ik surveilleer bij toetsen, dat staat nergens beschreven. En bij ziekte neem ik de klas over.\r\n"
               "OOP'er 2: Ik regel de roosterwijzigingen als de planner er niet is.\r\n")


def _maxqda(selections: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Quickscan OOP" origin="MAXQDA 2022 (Release 22.7.0)">
  <Users><User guid="0B7AF1B5-44A3-4C6E-9C24-7D7F0D6D0001" name="Onderzoeker"/></Users>
  <CodeBook><Codes>
    <Code guid="C17A0000-0000-4000-8000-000000000001" name="ad-hoctaken" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="D0C00000-0000-4000-8000-000000000001" name="fg-vo-2" plainTextPath="internal://D0C00000-0000-4000-8000-000000000001.txt">
{selections}
    </TextSource>
  </Sources>
</Project>
"""


def _maxqda_selection(n: int, span: tuple[int, int]) -> str:
    return (f'      <PlainTextSelection guid="5E100000-0000-4000-8000-{n:012d}" name="" startPosition="{span[0]}" '
            f'endPosition="{span[1]}" modifyingUser="0B7AF1B5-44A3-4C6E-9C24-7D7F0D6D0001">'
            f'<Coding guid="C0D10000-0000-4000-8000-{n:012d}" modifyingUser="0B7AF1B5-44A3-4C6E-9C24-7D7F0D6D0001">'
            f'<CodeRef targetGUID="C17A0000-0000-4000-8000-000000000001"/></Coding></PlainTextSelection>')


def test_maxqda_two_coded_segments_in_one_paragraph_and_an_exact_repeat(cli, db_path, tmp_path):
    # MAXQDA counts "\r\n" as two characters. The same coded segment twice (a project merged
    # from two copies holds it twice) is one decision; a paragraph coded with its line end is
    # the whole turn.
    surv = at(MAXQDA_TEXT, "Ik surveilleer bij toetsen")
    ziek = at(MAXQDA_TEXT, "bij ziekte neem ik de klas over")
    line3 = MAXQDA_TEXT.splitlines(keepends=True)[2]
    sels = "\n".join([_maxqda_selection(1, surv), _maxqda_selection(2, ziek), _maxqda_selection(3, surv),
                      _maxqda_selection(4, at(MAXQDA_TEXT, line3))])
    path = _qdpx(tmp_path / "maxqda.qdpx", _maxqda(sels),
                 {"sources/D0C00000-0000-4000-8000-000000000001.txt": MAXQDA_TEXT.encode("utf-8")})
    result = cli("import", path, "--json")
    assert result.exit_code == 0, result.output
    assert codings(db_path) == [
        (2, "ad-hoctaken", "Onderzoeker", "Ik surveilleer bij toetsen"),
        (2, "ad-hoctaken", "Onderzoeker", "bij ziekte neem ik de klas over"),
        (3, "ad-hoctaken", "Onderzoeker", None),
    ]


def test_maxqda_overlapping_segments_of_one_code_are_not_merged(cli, db_path, tmp_path):
    # Two coded segments that overlap but cover different words are two decisions.
    a = at(MAXQDA_TEXT, "Ik surveilleer bij toetsen, dat staat nergens beschreven.")
    b = at(MAXQDA_TEXT, "dat staat nergens beschreven. En bij ziekte")
    path = _qdpx(tmp_path / "maxqda.qdpx", _maxqda(_maxqda_selection(1, a) + _maxqda_selection(2, b)),
                 {"sources/D0C00000-0000-4000-8000-000000000001.txt": MAXQDA_TEXT.encode("utf-8")})
    assert cli("import", path).exit_code == 0
    assert [r[3] for r in codings(db_path)] == ["Ik surveilleer bij toetsen, dat staat nergens beschreven.",
                                               "dat staat nergens beschreven. En bij ziekte"]


# --- QualCoder -------------------------------------------------------------------------------

QUALCODER_TEXT = ("Interviewer: Hoe verloopt het overleg met de leraren?\n"
                  "OOP'er: Het overleg is altijd na schooltijd, dus ik mis het. En voor de studiedag word ik "
                  "niet uitgenodigd, terwijl het over mijn leerlingen gaat.\n")


def test_qualcoder_selections_named_by_their_words_land_on_those_words(cli, db_path, tmp_path):
    # QualCoder names a selection by the text it codes and writes its files with a BOM the
    # offsets do not count; one coder, one code, two passages of one turn.
    words = ["overleg is altijd na schooltijd", "niet uitgenodigd, terwijl het over mijn leerlingen gaat"]
    sels = ""
    for n, w in enumerate(words, start=1):
        s, e = at(QUALCODER_TEXT, w)
        sels += (f'<PlainTextSelection guid="5b7c7a4e-0000-4000-8000-0000000000e{n}" startPosition="{s}" endPosition="{e}" '
                 f'name="{w}" creatingUser="5b7c7a4e-0000-4000-8000-000000000001" creationDateTime="2024-05-02T10:13:00Z">\n'
                 f'<Coding guid="5b7c7a4e-0000-4000-8000-0000000000a{n}" creatingUser="5b7c7a4e-0000-4000-8000-000000000001" >\n'
                 '<CodeRef targetGUID="5b7c7a4e-0000-4000-8000-0000000000c1" />\n</Coding>\n</PlainTextSelection>\n')
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="oop-po" origin="QualCoder 3.5" xmlns="urn:QDA-XML:project:1.0">
<Users>
<User guid="5b7c7a4e-0000-4000-8000-000000000001" name="coder_a" />
</Users>
<CodeBook>
<Codes>
<Code guid="5b7c7a4e-0000-4000-8000-0000000000c1" name="afstemming" isCodable="true" color="#2ca02c">
</Code>
</Codes>
</CodeBook>
<Sources>
<TextSource plainTextPath="internal://5b7c7a4e-0000-4000-8000-0000000000f1.txt" guid="5b7c7a4e-0000-4000-8000-0000000000d1" name="interview-oop-po.txt">
{sels}</TextSource>
</Sources>
</Project>
"""
    path = _qdpx(tmp_path / "qualcoder.qdpx", qde,
                 {"sources/5b7c7a4e-0000-4000-8000-0000000000f1.txt": QUALCODER_TEXT.encode("utf-8-sig")})
    assert cli("import", path).exit_code == 0
    assert codings(db_path) == sorted((2, "afstemming", "coder_a", w) for w in words)


# --- ATLAS.ti 8.4, its own project file --------------------------------------------------------

INTERVIEW = [
    "Interviewer: Kun je vertellen hoe een gewone werkdag eruitziet?",
    "Deelnemer: Ik begin om half acht met kopiëren en klaarzetten, daarna help ik in groep vier met lezen.",
    "Interviewer: En als er een leerkracht ziek is?",
    "Deelnemer: Dan sta ik meestal zelf voor de groep, ook al is dat eigenlijk niet de bedoeling van mijn functie.",
    "Interviewer: Hoe kijkt de directie daarnaar?",
    "Deelnemer: Die is blij dat het opgelost is, maar over een hogere schaal wordt nooit gesproken.",
    "Interviewer: Zou je willen doorgroeien?",
    "Deelnemer: Ik zou graag de pabo doen, alleen is er geen budget voor scholing en geen tijd naast mijn uren.",
    "Interviewer: Wat zou je helpen?",
    "Deelnemer: Een ontwikkelgesprek waarin iemand echt vraagt wat ik wil, en een vaste plek in het teamoverleg.",
    "Interviewer: Dank je wel voor je tijd.",
]


def test_real_atlasti_84_project_file_with_its_text_supplied(cli, db_path, tmp_path, shared_dir):
    """ATLAS.ti 8.4's own Project.qde (../shared/refi-qda), whose archive ships no text: each text
    source gets a Dutch interview (macOS line ends, as the file was made on a Mac), and its real
    quotations (one inside a paragraph, one over several, two ending together) land on their words."""
    from xml.etree import ElementTree

    from focuscode.refi.reader import read_project

    example = shared_dir / "refi-qda" / "examples" / "atlasti84_project.qdpx"
    if not example.is_file():
        pytest.skip(f"{example} not found")
    with zipfile.ZipFile(example) as zf:
        qde = zf.read("Project.qde")
    root = ElementTree.fromstring(qde)
    ns = "{urn:QDA-XML:project:1.0}"
    text = "\n".join(INTERVIEW) + "\n"
    paths = {el.get("plainTextPath") for el in root.iter() if (el.get("plainTextPath") or "").startswith("internal://")}
    archive = tmp_path / "atlas84.qdpx"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("Project.qde", qde)
        for p in sorted(paths):
            zf.writestr("Sources/" + p.removeprefix("internal://"), text.encode("utf-8"))
    result = cli("import", archive, "--allow-pii")  # the file names its coders and interviewees
    assert result.exit_code == 0, result.output

    # What the README promises, worked out from the text: in each turn a quotation touches, the
    # words it covers there, or None where it covers the whole turn.
    lines, offset = [], 0
    for n, line in enumerate(INTERVIEW, start=1):
        lines.append((n, offset, offset + len(line), line))
        offset += len(line) + 1
    code_names = {c.guid: c.name for c in read_project(archive).walk_codes()}  # "Coke::diet Coke" is "diet Coke"
    expected = set()
    for src in root.find(f"{ns}Sources"):  # text sources and the text representations of PDFs
        for sel in src.iter(f"{ns}PlainTextSelection"):
            s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
            for coding in sel.iter(f"{ns}Coding"):
                name = code_names[coding.find(f"{ns}CodeRef").get("targetGUID").lower()]
                for n, lo, hi, line in lines:
                    if s < hi and e > lo:
                        words = text[max(s, lo) : min(e, hi)]
                        expected.add((src.get("name"), n, name, None if words == line else words))
    rows = sqlite3.connect(db_path).execute(
        "SELECT t.name, s.ordinal, k.name, s.text, c.span_start, c.span_end FROM codings c JOIN segments s ON s.id = c.segment_id "
        "JOIN transcripts t ON t.id = s.transcript_id JOIN codes k ON k.id = c.code_id").fetchall()
    got = {(t, o, k, None if a is None else x[a:b]) for t, o, k, x, a, b in rows}
    assert got == expected
    # The file's quotations really are of all three kinds.
    assert {r for r in got if r[0] == "Simon.docx" and r[3] is None}  # a turn covered whole
    assert {r for r in got if r[0] == "Simon.docx" and r[3] is not None}  # part of a turn
    assert len({r[1] for r in got if r[0] == "Simon.docx"}) >= 3  # one quotation runs over several turns
