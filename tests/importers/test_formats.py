"""Every supported format imports a realistic sample with the right speakers, turns, times and attributes."""

from __future__ import annotations

import codecs
import json
import sqlite3

import pytest

from importkit import FIXTURES, copy_fixture, make_fixtures, segments


def _import(cli, path, *args, source="focusgroep"):
    r = cli("import", path, "--source", source, *args)
    assert r.exit_code == 0, r.output
    return r


def test_plain_text_with_colon_labels_and_continuations(cli, tmp_path):
    path = copy_fixture("fg-vo-dubbelepunt.txt", tmp_path)
    r = _import(cli, path)
    assert "imported, 8 turns (utf-8, txt)" in r.stdout
    segs = segments(cli)
    assert len(segs) == 8
    assert segs[0]["speaker"] == "Gespreksleider" and segs[0]["facilitator"] is True
    assert segs[0]["text"].startswith("Welkom allemaal.")  # the Markdown title is not a turn
    # A wrapped line joins its turn; a blank line keeps the paragraph break.
    assert segs[1]["text"].endswith("dan surveilleer ik in de aula.") and "\n" not in segs[1]["text"]
    assert segs[2]["text"].count("\n") == 1 and segs[2]["text"].endswith("als de docent dat vraagt.")
    assert segs[2]["school_type"] == "vmbo" and segs[2]["role"] == "OOP'er" and segs[2]["sector"] == "vo"
    assert segs[-1]["speaker"] == "OOP'er 3 (vo)" and segs[-1]["text"].endswith("dat kan ik niet betalen.")


def test_markdown_with_bold_bracket_timestamp_and_bare_labels(cli, tmp_path, db_path):
    path = copy_fixture("dialoogtafel-markdown.md", tmp_path)
    _import(cli, path, "--attribute", "organisatie", source="dialoogtafel")
    segs = segments(cli)
    assert [s["speaker"] for s in segs] == [
        "Gespreksleider", "Schoolleider 1 (po)", "Vakbond", "Leraar 2 (po)", "OOP'er 4 (po)", "Gespreksleider"]
    assert [s["start_ms"] for s in segs] == [5_000, 41_000, 90_000, 132_000, None, 295_000]
    assert segs[2]["text"].endswith("Dat is echt een punt van zorg.")
    # A label alone on its line opens a turn of the paragraphs below it.
    assert segs[4]["text"] == ("Ik wil daar iets op zeggen.\nAls ik invallen weiger, word ik gezien als iemand die niet "
                               "flexibel is. Dat voelt oneerlijk.")
    assert segs[-1]["text"].endswith("Wat zou een [school] kunnen doen?")  # a placeholder is not a label
    assert segs[1]["school_type"] == "kindcentrum" and segs[2]["role"] == "bond"
    conn = sqlite3.connect(db_path)
    attrs = dict(conn.execute("SELECT label, attributes FROM participants").fetchall())
    assert json.loads(attrs["Vakbond"]) == {"organisatie": "vakbond"}


@pytest.mark.parametrize(
    "encoding, bom, said",
    [("utf-8", codecs.BOM_UTF8, "utf-8-sig"), ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"), ("cp1252", b"", "cp1252")],
)
def test_encodings_are_detected_and_named(cli, tmp_path, encoding, bom, said):
    text = (FIXTURES / "fg-vo-dubbelepunt.txt").read_text(encoding="utf-8").replace("\n", "\r\n")
    text += "OOP'er 1 (vo): Ik vind het écht jammer dat er geen overleg is, ’s middags ben ik weg.\r\n"
    path = tmp_path / "fg-vo-dubbelepunt.txt"
    path.write_bytes(bom + text.encode(encoding))
    copy_fixture("fg-vo-dubbelepunt.participants.csv", tmp_path, with_participants=False)
    r = _import(cli, path)
    assert f"9 turns ({said}, txt)" in r.stdout
    assert segments(cli)[-1]["text"] == "Ik vind het écht jammer dat er geen overleg is, ’s middags ben ik weg."


def test_custom_speaker_pattern(cli, tmp_path):
    path = tmp_path / "interview.txt"
    path.write_text(
        "> R1 | 00:00:02 | Ik werk nu zes jaar als klassenassistent.\n"
        "> INT | 00:00:09 | Wat zou je willen veranderen?\n"
        "> R1 | 00:00:12 | Dat er een vast moment is om met de leerkracht af te stemmen.\n"
        "Nu gebeurt alles tussen neus en lippen door.\n",
        encoding="utf-8",
    )
    pattern = r"^> (?P<speaker>\w+) \| (?P<time>[\d:]+) \| (?P<text>.*)$"
    _import(cli, path, "--speaker-pattern", pattern, "--allow-unknown", "--sector", "po", source="interview")
    segs = segments(cli)
    assert [(s["speaker"], s["start_ms"]) for s in segs] == [("R1", 2000), ("INT", 9000), ("R1", 12000)]
    assert segs[-1]["text"].endswith("tussen neus en lippen door.") and segs[0]["sector"] == "po"
    assert segs[0]["role"] == "onbekend"


def test_teams_vtt_voice_tags_merge_cues_and_keep_times(cli, tmp_path):
    path = copy_fixture("teams-fg-systeem.vtt", tmp_path)
    r = _import(cli, path)
    assert "5 turns (utf-8, vtt)" in r.stdout
    segs = segments(cli)
    assert [s["speaker"] for s in segs] == ["Gespreksleider", "Schoolleider (vo)", "OOP'er 2 (vo)", "Docent 1 (vo)", "OOP'er 2 (vo)"]
    # Two cues of the facilitator became one turn from the first start to the last end.
    assert (segs[0]["start_ms"], segs[0]["end_ms"]) == (3_120, 12_010)
    assert segs[0]["text"] == ("Welkom allemaal bij dit gesprek. Ik heb de opname aangezet. "
                               "Mijn eerste vraag is wat de onderwijsassistenten bij jullie op school doen.")
    # A cue without a voice tag continues the previous speaker; entities are unescaped.
    assert segs[1]["text"].endswith("eigenlijk instructeurs & technisch onderwijsassistenten.")
    assert (segs[1]["start_ms"], segs[1]["end_ms"]) == (12_900, 22_700)
    assert (segs[-1]["start_ms"], segs[-1]["end_ms"]) == (35_000, 41_300)
    assert segs[-1]["text"] == "Dat is lief, maar ik word er niet voor betaald, dat is het punt."
    assert segs[3]["role"] == "docent" and segs[3]["school_type"] == "vmbo"


def test_zoom_vtt_name_prefixes(cli, tmp_path):
    path = copy_fixture("zoom-fg-po.vtt", tmp_path)
    _import(cli, path)
    segs = segments(cli)
    assert [(s["speaker"], s["start_ms"], s["end_ms"]) for s in segs] == [
        ("Gespreksleider", 1_500, 5_200), ("OOP'er 1 (po)", 6_000, 15_020),
        ("OOP'er 3 (po)", 15_900, 24_000), ("Gespreksleider", 25_100, 28_900)]
    assert segs[1]["text"].endswith("welke kinderen ik in mijn groepjes krijg.")
    assert segs[2]["text"] == ("Bij ons gaat het 's ochtends bij het kopieerapparaat, er is geen vast overleg. "
                               "Het zorgoverleg is op dinsdagmiddag, als mijn uren erop zitten.")


def test_srt_with_prefixes_and_multiline_cues(cli, tmp_path):
    path = copy_fixture("interview-oop.srt", tmp_path)
    r = _import(cli, path, source="interview")
    assert "4 turns (utf-8, srt)" in r.stdout
    segs = segments(cli)
    assert [s["speaker"] for s in segs] == ["Interviewer", "R2", "Interviewer", "R2"]
    assert segs[1]["text"] == ("Een jaar of elf. Eerst op een basisschool, toen op een school voor speciaal onderwijs. "
                               "Daar heb ik veel geleerd over gedrag.")
    assert (segs[1]["start_ms"], segs[1]["end_ms"]) == (4_600, 13_000)
    assert segs[-1]["text"].startswith("Eén keer") and segs[-1]["end_ms"] == 24_400
    assert segs[0]["facilitator"] is True


def test_docx_paragraphs(cli, tmp_path):
    path = make_fixtures.write_docx_paragraphs(tmp_path / "fg-po-scholing.docx")
    r = _import(cli, path, "--allow-unknown", "--sector", "po", "--role", "OOP'er")
    assert "5 turns (docx)" in r.stdout
    segs = segments(cli)
    assert [s["speaker"] for s in segs] == ["Gespreksleider", "OOP'er 1 (po)", "OOP'er 2 (po)", "Gespreksleider", "OOP'er 1 (po)"]
    # Word paragraphs stay paragraphs; the heading is not a turn.
    assert segs[1]["text"] == ("Ik heb mijn duurzame inzetbaarheidsuren gebruikt voor een cursus over dyslexie.\n"
                               "Dat moest ik helemaal zelf regelen, niemand wees me erop.")
    assert segs[2]["text"].startswith("Bij ons gaat het professionaliseringsbudget")
    assert segs[-1]["text"] == "Ik wel, maar het was een afvinklijstje."
    assert segs[1]["role"] == "OOP'er" and segs[1]["sector"] == "po"
    # Without a participants file the facilitator is still known by the label.
    assert segs[0]["role"] == "gespreksleider" and segs[0]["facilitator"] is True


def test_docx_table_with_time_column(cli, tmp_path):
    path = make_fixtures.write_docx_table(tmp_path / "fg-vo-tabel.docx")
    _import(cli, path, "--allow-unknown", "--sector", "vo")
    segs = segments(cli)
    assert [(s["speaker"], s["start_ms"]) for s in segs] == [
        ("Gespreksleider", 4_000), ("OOP'er 3 (vo)", 20_000), ("Docent 2 (vo)", 62_000), ("OOP'er 3 (vo)", 100_000)]
    # A row without a speaker continues the turn above it.
    assert segs[1]["text"] == ("Alles wat blijft liggen: kopiëren, surveilleren, de aula opruimen.\n"
                               "En invallen natuurlijk, dat is het grootste punt.")
    assert segs[-1]["text"].startswith("Precies, en dan durf je geen nee")


CODEBOOK = """\
- name: ad-hoctaken
  children:
    - name: invallen
    - name: toelage
- name: visie
"""


def test_survey_csv_questions_ids_roles_meta_and_codes(cli, tmp_path, db_path):
    book = tmp_path / "cb.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    assert cli("codebook", "load", book).exit_code == 0
    path = copy_fixture("enquete-toelichting.csv", tmp_path)
    r = _import(
        cli, path, "--text-column", "toelichting_inzet", "--id-column", "respondent", "--role-column", "rol",
        "--sector-column", "sector", "--meta-column", "schooltype", "--meta-column", "regio",
        "--codes-column", "codes_inzet", "--coder", "anna", source="enquete",
    )
    assert "imported, 3 answers" in r.stdout and "3 codings imported" in r.stdout
    segs = segments(cli)
    assert [(s["external_id"], s["role"], s["sector"]) for s in segs] == [
        ("E101", "OOP'er", "po"), ("E102", "leraar", "po"), ("E104", "schoolleider", "vo")]
    # A quoted answer with a line break and the separator inside stays one answer.
    assert segs[2]["text"] == "We zetten onze assistenten in bij de praktijkvakken;\nvooral bij techniek en zorg."
    assert segs[0]["question"] == "toelichting_inzet" and segs[0]["school_type"] == "basisschool"
    assert [(c["code"], c["coder"], c["method"], c["status"]) for c in segs[0]["codings"]] == [
        ("invallen", "anna", "import", "accepted"), ("toelage", "anna", "import", "accepted")]
    assert [c["code"] for c in segs[2]["codings"]] == ["visie"]
    conn = sqlite3.connect(db_path)
    attrs = json.loads(conn.execute("SELECT attributes FROM participants WHERE label = 'E104'").fetchone()[0])
    assert attrs == {"schooltype": "praktijkonderwijs", "regio": "oost"}


def test_survey_several_text_columns_are_separate_questions(cli, tmp_path):
    path = copy_fixture("enquete-toelichting.csv", tmp_path)
    _import(cli, path, "--text-column", "toelichting_inzet", "--text-column", "toelichting_loopbaan",
            "--id-column", "respondent", "--role-column", "rol", "--sector-column", "sector", source="enquete")
    segs = segments(cli)
    assert [(s["external_id"], s["question"]) for s in segs] == [
        ("E101", "toelichting_inzet"), ("E101", "toelichting_loopbaan"), ("E102", "toelichting_inzet"),
        ("E103", "toelichting_loopbaan"), ("E104", "toelichting_inzet"), ("E104", "toelichting_loopbaan")]
    assert segs[3]["sector"] == "vo"  # "VO" in the sheet
    assert segs[-1]["text"] == "Scholing betalen we uit het professionaliseringsbudget."


def test_survey_xlsx(cli, tmp_path):
    path = make_fixtures.write_xlsx(tmp_path / "quickscan.xlsx")
    r = _import(cli, path, "--text-column", "toelichting", "--id-column", "respondent", "--role-column", "rol",
                "--sector-column", "sector", source="enquete")
    assert "imported, 3 answers (xlsx)" in r.stdout
    segs = segments(cli)
    assert [s["external_id"] for s in segs] == ["X1", "X2", "X4"]
    assert segs[0]["text"].startswith("Ik word ingezet waar een gat valt") and segs[-1]["role"] == "OOP'er"


def test_survey_xlsx_sheet_choice(cli, tmp_path):
    path = make_fixtures.write_xlsx(tmp_path / "twee.xlsx", sheets=2)
    _import(cli, path, "--sheet", "Blad2", "--text-column", "toelichting", source="enquete")
    segs = segments(cli)
    assert [s["text"] for s in segs] == ["Een tweede vragenlijst."] and segs[0]["transcript"] == "twee.xlsx#Blad2"


def test_folder_imports_every_supported_file_with_a_tally(cli, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("fg-vo-dubbelepunt.txt", "teams-fg-systeem.vtt", "interview-oop.srt", "zoom-fg-po.vtt"):
        copy_fixture(name, folder)
    (folder / "notities.pdf").write_bytes(b"%PDF-1.4 niet voor import")
    (folder / "README.md").write_text("# Sessies van het voorjaar\n\nNog twee te doen.\n", encoding="utf-8")
    copy_fixture("enquete-toelichting.csv", folder)  # without --text-column a .csv here is not a survey
    r = _import(cli, folder)
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 5 and all(": imported," in line for line in lines[:4])
    assert lines[-1] == "4 files: 4 imported, 0 replaced, 0 unchanged, 0 failed; 21 segments added"
    r = _import(cli, folder)
    assert r.stdout.strip().splitlines()[-1] == "4 files: 0 imported, 0 replaced, 4 unchanged, 0 failed; 0 segments added"


def test_json_output(cli, tmp_path):
    path = copy_fixture("zoom-fg-po.vtt", tmp_path)
    r = cli("import", path, "--source", "focusgroep", "--json")
    assert r.exit_code == 0, r.output
    (result,) = json.loads(r.stdout)
    assert result["status"] == "imported" and result["segments"] == 4 and result["source_type"] == "vtt"
    assert result["name"] == "zoom-fg-po.vtt" and result["encoding"] == "utf-8"


def test_bundled_sample_folder_imports_as_a_whole(cli):
    from importkit import SAMPLE

    r = cli("import", SAMPLE, "--source", "focusgroep")
    assert r.exit_code == 0, r.output
    tally = r.stdout.strip().splitlines()[-1]
    assert tally.startswith(f"{len(list(SAMPLE.glob('*.txt')))} files: ") and " 0 failed" in tally
