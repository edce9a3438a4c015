"""The study's vocabulary is data: a study that declares mbo imports, counts and reports it.

The files imitate what a real study produces: a Microsoft Teams WebVTT transcript
(cue ids, <v Name> voice tags), a participants CSV as Excel saves it, a survey tool's
CSV export with a sector column, and a researcher's study file in YAML."""

import csv
import io
import json
import textwrap

import pytest

from fctest import db_snapshot

STUDY = textwrap.dedent(
    """\
    # Vervolgonderzoek: OOP in po, vo en mbo.
    study: OOP in po, vo en mbo
    sectors:
      - code: po
      - code: vo
      - code: mbo
        label: {nl: mbo, en: VET}
    sources:
      - code: focusgroep
        label: {nl: focusgroep, en: focus group}
      - code: dialoogtafel
      - code: interview
      - code: enquete
        label: {nl: enquête, en: survey}
    roles:
      facilitator: [gespreksleider, procesbegeleider]
      unknown: {nl: deelnemer, en: participant}
    attribution:
      with_sector: "[{role} {sector}, {source}]"
      without_sector: "[{role}, {source}]"
    """
)

# Microsoft Teams: cue ids, then <v Name> voice tags, one cue per utterance.
TEAMS_VTT = textwrap.dedent(
    """\
    WEBVTT

    5d2e8f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f/11-0
    00:00:02.100 --> 00:00:07.900
    <v Gespreksleider>Welkom bij dit gesprek over het werk van instructeurs en onderwijsassistenten.</v>

    5d2e8f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f/18-0
    00:00:08.300 --> 00:00:19.400
    <v Instructeur 1 (mbo)>Op de werkplaats van de opleiding sta ik vaak alleen voor de groep als de docent ziek is, en dat invallen hoort eigenlijk niet bij mijn taak als instructeur.</v>

    5d2e8f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f/27-0
    00:00:19.800 --> 00:00:31.200
    <v OOP'er 2 (vo)>Bij ons op het vmbo is dat precies zo, ik val in bij lesuitval terwijl er niemand is die de les voorbereidt of na afloop met mij bespreekt hoe het ging.</v>

    5d2e8f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f/35-0
    00:00:31.600 --> 00:00:44.000
    <v Instructeur 3 (mbo)>Ik wil graag doorgroeien naar docent in het beroepsonderwijs, maar de opleiding naast een volle werkweek is zwaar en er is geen budget voor scholing van instructeurs.</v>
    """
)
PARTICIPANTS = (
    "label,role,sector,school_type\r\n"
    "Gespreksleider,gespreksleider,,\r\n"
    "Instructeur 1 (mbo),instructeur,mbo,roc\r\n"
    "OOP'er 2 (vo),OOP'er,vo,vmbo\r\n"
    "Instructeur 3 (mbo),instructeur,mbo,aoc\r\n"
)
CODEBOOK = textwrap.dedent(
    """\
    - name: invallen
      description: Het OOP neemt lessen over als een docent afwezig is.
      keywords: [invallen, lesuitval]
    - name: doorgroei
      description: Wensen en belemmeringen om door te groeien.
      keywords: [doorgroeien, scholing]
    """
)


@pytest.fixture
def files(tmp_path):
    study = tmp_path / "studie-po-vo-mbo.yaml"
    study.write_text(STUDY, encoding="utf-8")
    vtt = tmp_path / "fg-mbo-teams.vtt"
    vtt.write_text(TEAMS_VTT, encoding="utf-8")
    (tmp_path / "fg-mbo-teams.participants.csv").write_text(PARTICIPANTS, encoding="utf-8-sig")
    codebook = tmp_path / "codeboek.yaml"
    codebook.write_text(CODEBOOK, encoding="utf-8")
    return {"study": study, "vtt": vtt, "codebook": codebook, "dir": tmp_path}


def _one_line(result, code: int, *needles: str) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _mbo_project(cli, files, *, via_import: bool = False):
    assert cli("init").exit_code == 0
    assert cli("codebook", "load", files["codebook"]).exit_code == 0
    if via_import:
        r = cli("import", files["vtt"], "--source", "focusgroep", "--study", files["study"])
    else:
        r = cli("study", "load", files["study"])
        assert r.exit_code == 0, r.output
        r = cli("import", files["vtt"], "--source", "focusgroep")
    assert r.exit_code == 0, r.output
    segments = json.loads(cli("segments", "--json").stdout)
    by_speaker = {s["speaker"]: s for s in segments}
    assert by_speaker["Instructeur 1 (mbo)"]["sector"] == "mbo"
    # Two mbo instructors invallen/doorgroei, one vo OOP'er invallen: decided by a coder.
    for speaker, code in (("Instructeur 1 (mbo)", "invallen"), ("OOP'er 2 (vo)", "invallen"),
                          ("Instructeur 3 (mbo)", "doorgroei")):
        r = cli("code", str(by_speaker[speaker]["id"]), code, "--coder", "anna")
        assert r.exit_code == 0, r.output
    return by_speaker


def test_mbo_is_refused_when_the_study_does_not_declare_it(cli, files, db_path):
    assert cli("init").exit_code == 0
    before = db_snapshot(db_path)
    r = cli("import", files["vtt"], "--source", "focusgroep")
    # The default study (po, vo) names its sectors; nothing is stored.
    _one_line(r, 1, "participants.csv:3", "sector of 'Instructeur 1 (mbo)' must be po or vo, not 'mbo'")
    assert db_snapshot(db_path) == before
    _one_line(cli("segments", "--sector", "mbo"), 2, "--sector must be po or vo, not 'mbo'")


def test_a_declared_mbo_participant_is_counted_in_stats(cli, files):
    _mbo_project(cli, files)
    tables = json.loads(cli("stats", "--by", "sector", "--json").stdout)
    sector = next(t for t in tables if t.get("dimension") == "sector")
    assert sector["values"] == ["vo", "mbo"]  # the study's order, not the alphabet's
    invallen = next(c for c in sector["codes"] if c["code"] == "invallen")
    assert invallen["by"]["mbo"] == {"segments": 1, "participants": 1}
    assert invallen["by"]["vo"] == {"segments": 1, "participants": 1}
    doorgroei = next(c for c in sector["codes"] if c["code"] == "doorgroei")
    assert doorgroei["by"]["mbo"]["segments"] == 1 and doorgroei["by"]["vo"]["segments"] == 0
    human = cli("stats", "--by", "sector")
    assert human.exit_code == 0 and "mbo" in human.stdout
    csv_rows = list(csv.reader(io.StringIO(cli("stats", "--by", "sector", "--csv").stdout.lstrip("\ufeff"))))
    assert ["sector", "mbo", "invallen", "invallen", "", "1", "1"] in csv_rows
    assert cli("segments", "--sector", "mbo", "--json").exit_code == 0
    assert {s["speaker"] for s in json.loads(cli("segments", "--sector", "mbo", "--json").stdout)} == {
        "Instructeur 1 (mbo)", "Instructeur 3 (mbo)"}


def _summary(cli, files, fmt: str, *extra: str):
    out = files["dir"] / f"uit-{fmt}{'-'.join(extra)}"
    r = cli("export", "summary", "--format", fmt, "--out", out, "--min-words", "5", *extra)
    assert r.exit_code == 0, r.output
    return next(out.iterdir())


def test_the_summary_shows_an_mbo_column_in_every_format(cli, files):
    _mbo_project(cli, files)
    md = _summary(cli, files, "md").read_text(encoding="utf-8")
    assert "| po | vo | mbo |" in md
    assert "| **invallen** | 2 | 2 | 1 | 0 | 1 | 1 |" in md
    assert "[instructeur mbo, focusgroep]" in md

    page = _summary(cli, files, "html").read_text(encoding="utf-8")
    assert "<th>po</th><th>vo</th><th>mbo</th>" in page

    import docx

    doc = docx.Document(str(_summary(cli, files, "docx")))
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header[4:7] == ["po", "vo", "mbo"]
    first = [c.text for c in doc.tables[0].rows[1].cells]
    assert first[0] == "invallen" and first[4:7] == ["0", "1", "1"]

    from openpyxl import load_workbook

    ws = load_workbook(_summary(cli, files, "xlsx")).worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][6:9] == ["po", "vo", "mbo"]
    assert rows[1][2] == "invallen" and rows[1][6:9] == [0, 1, 1]

    table = list(csv.reader(io.StringIO(_summary(cli, files, "csv").read_text(encoding="utf-8-sig"))))
    assert table[0][4:7] == ["po", "vo", "mbo"]
    assert table[1][0] == "invallen" and table[1][4:7] == ["0", "1", "1"]


def test_labels_and_attribution_follow_the_study_file_in_english(cli, files):
    _mbo_project(cli, files)
    md = _summary(cli, files, "md", "--lang", "en").read_text(encoding="utf-8")
    assert "| po | vo | VET |" in md
    assert "[instructeur VET, focus group]" in md
    only = _summary(cli, files, "md", "--sector", "mbo").read_text(encoding="utf-8")
    assert "OOP'er" not in only and "[instructeur mbo, focusgroep]" in only


def test_import_can_load_the_study_file_with_the_transcript(cli, files):
    _mbo_project(cli, files, via_import=True)
    shown = json.loads(cli("study", "show", "--json").stdout)
    assert [s["code"] for s in shown["sectors"]] == ["po", "vo", "mbo"]
    assert shown["sectors"][2]["label"] == {"nl": "mbo", "en": "VET"}


def test_a_survey_tool_export_with_mbo_in_its_sector_column(cli, files, tmp_path):
    # A survey tool's CSV export: semicolons (Dutch Excel), one row per respondent.
    survey = tmp_path / "enquete-export.csv"
    survey.write_text(
        "Respondent ID;Sector;Toelichting\r\n"
        "R-0001;MBO;Ik val regelmatig in bij lesuitval op de werkplaats en dat wordt nergens geregistreerd.\r\n"
        "R-0002;vo;Ik zou graag scholing volgen maar daar is op onze school geen budget voor.\r\n",
        encoding="utf-8-sig",
    )
    assert cli("init").exit_code == 0
    args = ("import", survey, "--source", "enquete", "--text-column", "Toelichting", "--id-column", "Respondent ID",
            "--sector-column", "Sector")
    _one_line(cli(*args), 1, "enquete-export.csv:2", "sector must be po or vo, not 'mbo'")
    assert cli("study", "load", files["study"]).exit_code == 0
    assert cli(*args).exit_code == 0
    assert sorted(s["sector"] for s in json.loads(cli("segments", "--json").stdout)) == ["mbo", "vo"]


def test_a_study_that_drops_a_sector_in_use_is_refused(cli, files, db_path):
    _mbo_project(cli, files)
    before = db_snapshot(db_path)
    po_vo = files["dir"] / "alleen-po-vo.yaml"
    po_vo.write_text(STUDY.replace("  - code: mbo\n    label: {nl: mbo, en: VET}\n", ""), encoding="utf-8")
    _one_line(cli("study", "load", po_vo), 1, "sector 'mbo'", "declares po, vo")
    assert db_snapshot(db_path) == before


def test_the_facilitator_roles_come_from_the_study(cli, files, db_path):
    # This study names 'procesbegeleider' a facilitator (the default study does not): an
    # unlisted 'Procesbegeleider' speaker leads the conversation and is left out of counts.
    import sqlite3

    vtt = files["dir"] / "dialoogtafel-teams.vtt"
    vtt.write_text(TEAMS_VTT.replace("<v Gespreksleider>", "<v Procesbegeleider>"), encoding="utf-8")
    assert cli("init").exit_code == 0
    assert cli("study", "load", files["study"]).exit_code == 0
    r = cli("import", vtt, "--source", "dialoogtafel", "--participants", files["dir"] / "fg-mbo-teams.participants.csv",
            "--allow-unknown")
    assert r.exit_code == 0, r.output
    conn = sqlite3.connect(db_path)
    row = conn.execute("SELECT role, is_facilitator FROM participants WHERE label = 'Procesbegeleider'").fetchone()
    conn.close()
    assert row == ("procesbegeleider", 1)


@pytest.mark.parametrize("body, needle", [
    # A format field that reaches into Python objects, or builds a huge string.
    (STUDY.replace('"[{role} {sector}, {source}]"', '"[{role.__class__} {sector}]"'), "'{role.__class__}' is not one of"),
    (STUDY.replace('"[{role} {sector}, {source}]"', '"[{sector:>99999999}]"'), "is not one of"),
    (STUDY.replace('"[{role} {sector}, {source}]"', '"[{role} {sector"'), "attribution 'with_sector'"),
    # The safe loader: no aliases (billion laughs), no Python tags.
    ("sectors: &s [po, vo]\nsources: *s\n", "aliases"),
    ("sectors: !!python/object:os.system [po]\nsources: [focusgroep]\n", "not allowed"),
    (STUDY.replace("  - code: mbo\n", "  - code: vo\n"), "code 'vo' is given twice"),
    (STUDY.replace("code: mbo", "code: M B O"), "code 'M B O' must be lower-case"),
    (STUDY.replace("sectors:", "sektoren:"), "unknown key 'sektoren'"),
    ("sectors: []\nsources: [focusgroep]\n", "'sectors' must be a list with at least one entry"),
    ("sectors: [" + ", ".join(f"s{i}" for i in range(60)) + "]\nsources: [focusgroep]\n", "at most 50"),
    ("- po\n- vo\n", "a study file is a mapping"),
])
def test_a_bad_study_file_is_one_line_and_changes_nothing(cli, files, db_path, body, needle):
    assert cli("init").exit_code == 0
    before = db_snapshot(db_path)
    bad = files["dir"] / "studie.yaml"
    bad.write_text(body, encoding="utf-8")
    _one_line(cli("study", "load", bad), 1, "studie.yaml", needle)
    assert db_snapshot(db_path) == before


def test_the_default_study_keeps_this_studys_values(cli):
    shown = json.loads(cli("study", "show", "--json").stdout)
    assert [s["code"] for s in shown["sectors"]] == ["po", "vo"]
    assert [s["code"] for s in shown["sources"]] == ["focusgroep", "dialoogtafel", "interview", "enquete"]
    assert shown["sources"][3]["label"] == {"nl": "enquête", "en": "survey"}


def test_a_new_source_is_checked_and_named_by_the_study(cli, files):
    # A study with its own kind of source: a workshop on the work floor.
    study = files["dir"] / "studie-werkplaats.yaml"
    study.write_text(STUDY.replace("  - code: interview\n", "  - code: werkplaatsgesprek\n"
                                   "    label: {nl: werkplaatsgesprek, en: workshop talk}\n"), encoding="utf-8")
    assert cli("init").exit_code == 0
    _one_line(cli("import", files["vtt"], "--source", "werkplaatsgesprek"), 2,
              "--source must be one of focusgroep, dialoogtafel, interview, enquete, not 'werkplaatsgesprek'")
    assert cli("codebook", "load", files["codebook"]).exit_code == 0
    r = cli("import", files["vtt"], "--source", "werkplaatsgesprek", "--study", study)
    assert r.exit_code == 0, r.output
    seg = next(s for s in json.loads(cli("segments", "--json").stdout) if s["speaker"] == "Instructeur 1 (mbo)")
    assert seg["source"] == "werkplaatsgesprek"
    assert cli("code", str(seg["id"]), "invallen", "--coder", "anna").exit_code == 0
    md = _summary(cli, files, "md", "--lang", "en").read_text(encoding="utf-8")
    assert "[instructeur VET, workshop talk]" in md
    # 'interview' is not declared by this study: refused, naming what it declares.
    _one_line(cli("segments", "--source", "interview"), 2, "focusgroep, dialoogtafel, werkplaatsgesprek, enquete")


def test_import_with_a_bad_study_file_creates_no_project(cli, files, db_path):
    bad = files["dir"] / "studie.yaml"
    bad.write_text(STUDY.replace("[{role} {sector}, {source}]", "[{naam} {sector}]"), encoding="utf-8")
    _one_line(cli("import", files["vtt"], "--source", "focusgroep", "--study", bad), 1, "studie.yaml", "'{naam}'")
    assert not db_path.exists()


def test_the_study_files_labels_pass_the_privacy_gate(cli, files, db_path):
    names = files["dir"] / "namen.txt"
    names.write_text("Sanne Vermeulen\n", encoding="utf-8")
    leaky = files["dir"] / "studie.yaml"
    leaky.write_text(STUDY.replace("study: OOP in po, vo en mbo", "study: OOP-onderzoek van Sanne Vermeulen"),
                     encoding="utf-8")
    assert cli("init").exit_code == 0
    before = db_snapshot(db_path)
    r = cli("study", "load", leaky, "--names", names)
    _one_line(r, 1, "personal data found", "Sanne Vermeulen")
    assert db_snapshot(db_path) == before


def test_the_readme_study_file_is_a_valid_study(tmp_path):
    from fctest import REPO
    from focuscode.vocabulary import load_study

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The study's vocabulary", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "readme-studie.yaml"
    path.write_text(block, encoding="utf-8")
    vocab = load_study(path)
    assert vocab.sector_codes == ("po", "vo", "mbo") and vocab.is_facilitator_role("Procesbegeleider")
    assert vocab.attribution("instructeur", "mbo", "enquete", "en") == "[instructeur VET, enquete]"


def test_cooccurrence_and_the_chart_by_sector_include_mbo(cli, files):
    _mbo_project(cli, files)
    matrices = json.loads(cli("cooccurrence", "--by", "sector", "--json").stdout)
    values = [m.get("value") for m in (matrices if isinstance(matrices, list) else matrices["matrices"])]
    assert values == ["vo", "mbo"]
    chart = files["dir"] / "themas-per-sector.svg"
    r = cli("stats", "--by", "sector", "--plot", chart)
    assert r.exit_code == 0, r.output
    svg = chart.read_text(encoding="utf-8")
    # The legend names mbo, and mbo gets the study's third colour (tab10: green), vo its second (orange).
    assert "mbo" in svg and "#2ca02c" in svg and "#ff7f0e" in svg


def test_a_maxqda_case_from_mbo_keeps_its_sector_when_the_study_declares_it(cli, files, tmp_path):
    # A MAXQDA 2022 REFI-QDA export: a case with a 'sector' text variable 'MBO'.
    import sqlite3
    import zipfile

    text = "Interviewer: Hoe gaat het?\nR1: Ik val op de werkplaats vaak in als de docent ziek is.\n"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="interview" origin="MAXQDA 2022">
  <CodeBook><Codes><Code guid="C0000000-0000-0000-0000-000000000001" name="invallen" isCodable="true"/></Codes></CodeBook>
  <Variables><Variable guid="B0000000-0000-0000-0000-000000000001" name="sector" typeOfVariable="Text"/></Variables>
  <Cases>
    <Case guid="E0000000-0000-0000-0000-000000000001" name="R1">
      <VariableValue><VariableRef targetGUID="B0000000-0000-0000-0000-000000000001"/><TextValue>MBO</TextValue></VariableValue>
      <SourceRef targetGUID="D0000000-0000-0000-0000-000000000001"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="D0000000-0000-0000-0000-000000000001" name="interview R1" plainTextPath="internal://d0.txt">
      <PlainTextSelection guid="F0000000-0000-0000-0000-000000000001" name="invallen" startPosition="{text.index('Ik val')}" endPosition="{len(text) - 1}">
        <Coding guid="F1000000-0000-0000-0000-000000000001"><CodeRef targetGUID="C0000000-0000-0000-0000-000000000001"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""
    path = tmp_path / "maxqda.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde.encode("utf-8"))
        zf.writestr("Sources/d0.txt", text.encode("utf-8"))

    def sector_after_import(db):
        assert cli("import", path, "--allow-pii", db=db).exit_code == 0
        conn = sqlite3.connect(db)
        row = conn.execute("SELECT sector, attributes FROM participants WHERE label = 'R1'").fetchone()
        conn.close()
        return row

    plain = tmp_path / "zonder-studie.db"
    assert sector_after_import(plain)[0] is None  # po/vo only: 'mbo' is not made a sector
    declared = tmp_path / "met-studie.db"
    assert cli("study", "load", files["study"], db=declared).exit_code == 0
    assert sector_after_import(declared)[0] == "mbo"
