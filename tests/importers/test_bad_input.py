"""Bad input: one clear line on stderr, exit 1, and the database exactly as it was."""

from __future__ import annotations

import pytest

from importkit import FIXTURES, copy_fixture, db_snapshot, make_fixtures, one_line_error, segments


@pytest.fixture
def project(cli, tmp_path, db_path):
    """A project that already holds one transcript, so 'unchanged' means something."""
    path = copy_fixture("zoom-fg-po.vtt", tmp_path)
    assert cli("import", path, "--source", "focusgroep").exit_code == 0
    return db_path


def _fails(cli, db_path, args, *needles):
    before = db_snapshot(db_path)
    line = one_line_error(cli("import", *args), *needles)
    assert db_snapshot(db_path) == before
    return line


def test_binary_file(cli, project, tmp_path):
    path = tmp_path / "opname.vtt"
    path.write_bytes(b"WEBVTT\n\n" + bytes(range(256)) * 16)
    _fails(cli, project, [path, "--source", "focusgroep"], "opname.vtt", "binary")


@pytest.mark.parametrize("name", ["leeg.txt", "leeg.vtt", "leeg.srt", "leeg.csv", "leeg.docx", "leeg.xlsx"])
def test_empty_file(cli, project, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"  \n")
    _fails(cli, project, [path, "--source", "focusgroep", "--text-column", "x"], name, "empty")


def test_unknown_extension(cli, project, tmp_path):
    path = tmp_path / "verslag.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    _fails(cli, project, [path, "--source", "focusgroep"], "verslag.pdf", "unknown file type '.pdf'", ".docx", ".vtt")


def test_vtt_without_header(cli, project, tmp_path):
    path = tmp_path / "zonder-kop.vtt"
    path.write_text((FIXTURES / "zoom-fg-po.vtt").read_text(encoding="utf-8").replace("WEBVTT\n", "", 1), encoding="utf-8")
    _fails(cli, project, [path, "--source", "focusgroep", "--allow-unknown"], "zonder-kop.vtt:1", "WEBVTT")


def test_vtt_timestamps_out_of_order(cli, project, tmp_path):
    text = (FIXTURES / "zoom-fg-po.vtt").read_text(encoding="utf-8")
    path = tmp_path / "door-elkaar.vtt"
    path.write_text(text.replace("00:00:15.900 --> 00:00:20.400", "00:00:04.900 --> 00:00:20.400"), encoding="utf-8")
    _fails(cli, project, [path, "--source", "focusgroep", "--allow-unknown"], "door-elkaar.vtt:16", "out of order")


def test_srt_bad_timing_line(cli, project, tmp_path):
    text = (FIXTURES / "interview-oop.srt").read_text(encoding="utf-8")
    path = tmp_path / "kapot.srt"
    path.write_text(text.replace("00:00:14,200 --> 00:00:18,650", "00:00:14,200 --> ??"), encoding="utf-8")
    _fails(cli, project, [path, "--source", "interview", "--allow-unknown"], "kapot.srt:15", "not a valid cue timing")


def test_text_timestamps_out_of_order(cli, project, tmp_path):
    path = tmp_path / "tijden.txt"
    path.write_text(
        "Gespreksleider (00:10:00): Wat doen jullie bij ziekte van de leerkracht?\n"
        "OOP'er 1 (po) (00:09:12): Dan val ik in, meestal de hele dag.\n",
        encoding="utf-8",
    )
    _fails(cli, project, [path, "--source", "focusgroep", "--allow-unknown"], "tijden.txt:2", "out of order")


def test_csv_without_the_named_column(cli, project, tmp_path):
    path = copy_fixture("enquete-toelichting.csv", tmp_path)
    line = _fails(cli, project, [path, "--source", "enquete", "--text-column", "toelichting"],
                  "enquete-toelichting.csv:1", "no column 'toelichting'")
    assert "'toelichting_inzet'" in line  # the columns that do exist are named


def test_csv_bad_sector_value(cli, project, tmp_path):
    path = tmp_path / "sector.csv"
    path.write_text("id,sector,antwoord\nA1,po,Ik val vaak in.\nA2,mbo,Ik wil doorgroeien.\n", encoding="utf-8")
    _fails(cli, project, [path, "--source", "enquete", "--text-column", "antwoord", "--sector-column", "sector"],
           "sector.csv:3", "'mbo'")


def test_xlsx_with_several_sheets_and_no_sheet_option(cli, project, tmp_path):
    path = make_fixtures.write_xlsx(tmp_path / "twee-bladen.xlsx", sheets=2)
    _fails(cli, project, [path, "--source", "enquete", "--text-column", "toelichting"],
           "twee-bladen.xlsx", "2 sheets", "'Quickscan', 'Blad2'", "--sheet")


def test_xlsx_unknown_sheet(cli, project, tmp_path):
    path = make_fixtures.write_xlsx(tmp_path / "blad.xlsx")
    _fails(cli, project, [path, "--source", "enquete", "--text-column", "toelichting", "--sheet", "Blad9"],
           "blad.xlsx", "no sheet 'Blad9'")


def test_participants_file_with_a_duplicate_label(cli, project, tmp_path):
    path = copy_fixture("teams-fg-systeem.vtt", tmp_path)
    people = tmp_path / "teams-fg-systeem.participants.csv"
    people.write_text(people.read_text(encoding="utf-8") + "Docent 1 (vo),docent,vo,havo/vwo\n", encoding="utf-8")
    _fails(cli, project, [path, "--source", "focusgroep"],
           "teams-fg-systeem.participants.csv:6", "duplicate label 'Docent 1 (vo)'", "first at line 5")


def test_truncated_docx(cli, project, tmp_path):
    files = make_fixtures.write_all(tmp_path / "bin")
    _fails(cli, project, [files["docx_truncated"], "--source", "focusgroep", "--allow-unknown"],
           "afgebroken.docx", "truncated or damaged")


def test_unknown_speakers_are_listed_together_with_first_line(cli, project, tmp_path):
    path = copy_fixture("interview-oop.srt", tmp_path, with_participants=False)
    _fails(cli, project, [path, "--source", "interview"],
           "interview-oop.srt", "'Interviewer' (line 3)", "'R2' (line 7)", "--allow-unknown")


def test_unknown_code_in_codes_column(cli, project, tmp_path):
    path = copy_fixture("enquete-toelichting.csv", tmp_path)
    _fails(cli, project, [path, "--source", "enquete", "--text-column", "toelichting_inzet",
                          "--codes-column", "codes_inzet", "--coder", "anna"],
           "enquete-toelichting.csv:2", "unknown code 'invallen'")


def test_changed_file_needs_replace(cli, project, tmp_path):
    path = tmp_path / "zoom-fg-po.vtt"
    path.write_text(path.read_text(encoding="utf-8") + "\n7\n00:00:30.000 --> 00:00:33.000\nGespreksleider: Dank jullie wel.\n",
                    encoding="utf-8")
    _fails(cli, project, [path, "--source", "focusgroep"], "zoom-fg-po.vtt", "imported before", "--replace")


def test_folder_with_one_bad_file_imports_nothing_and_reports_every_file(cli, project, db_path, tmp_path):
    # One command is one transaction: a bad file in a folder leaves the project exactly as it
    # was, and the run still reads every file, so one pass shows every problem.
    folder = tmp_path / "map"
    folder.mkdir()
    copy_fixture("fg-vo-dubbelepunt.txt", folder)
    copy_fixture("interview-oop.srt", folder)
    bad = folder / "kapot.vtt"
    bad.write_text("00:00:01.000 --> 00:00:02.000\nGespreksleider: Hallo.\n", encoding="utf-8")
    before = db_snapshot(db_path)
    r = cli("import", folder, "--source", "focusgroep", "--attribute", "functie")
    assert r.exit_code == 1
    errors = [line for line in r.stderr.strip().splitlines() if not line.startswith("Notice: ")]
    assert len(errors) == 1 and "kapot.vtt:1" in errors[0] and "WEBVTT" in errors[0]
    # The Markdown title above the first turn is left out, and said so.
    assert "Notice: " + str(folder / "fg-vo-dubbelepunt.txt") + ": not turns, left out: line 1 (heading)" in r.stderr
    assert str(folder / "interview-oop.srt") + ": read, not stored" in r.stdout
    assert "3 files: nothing imported, 1 failed" in r.stdout
    assert db_snapshot(db_path) == before
    assert {s["transcript"] for s in segments(cli)} == {"zoom-fg-po.vtt"}
    # Without the bad file the same folder imports whole.
    bad.unlink()
    r = cli("import", folder, "--source", "focusgroep", "--attribute", "functie")
    assert r.exit_code == 0, r.stderr
    assert {s["transcript"] for s in segments(cli)} == {"zoom-fg-po.vtt", "fg-vo-dubbelepunt.txt", "interview-oop.srt"}


def test_folder_without_supported_files(cli, project, tmp_path):
    folder = tmp_path / "leeg"
    folder.mkdir()
    (folder / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    _fails(cli, project, [folder, "--source", "focusgroep"], "no supported files")


def test_invalid_speaker_pattern(cli, project, db_path, tmp_path):
    # A bad --speaker-pattern is a usage error (exit 2), found before any file is read.
    path = copy_fixture("fg-vo-dubbelepunt.txt", tmp_path)
    before = db_snapshot(db_path)
    for pattern, needle in [("(?P<speaker>[a-z", "--speaker-pattern is not a valid regular expression"),
                            (r"^(\w+): (.*)$", "(?P<speaker>...)")]:
        r = cli("import", path, "--source", "focusgroep", "--speaker-pattern", pattern)
        assert r.exit_code == 2, r.output
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and needle in lines[0], r.stderr
    assert db_snapshot(db_path) == before


def test_vtt_first_cue_without_speaker(cli, project, tmp_path):
    path = tmp_path / "anoniem.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nen dan valt het hele rooster om.\n", encoding="utf-8")
    _fails(cli, project, [path, "--source", "focusgroep", "--allow-unknown"], "anoniem.vtt:4", "first cue has no speaker")


def test_yaml_participants_with_a_duplicate_label(cli, project, tmp_path):
    path = copy_fixture("dialoogtafel-markdown.md", tmp_path)
    people = tmp_path / "dialoogtafel-markdown.participants.yaml"
    people.write_text(people.read_text(encoding="utf-8") + "  - label: Vakbond\n    role: bond\n", encoding="utf-8")
    _fails(cli, project, [path, "--source", "dialoogtafel"], "dialoogtafel-markdown.participants.yaml:18",
           "duplicate label 'Vakbond'")


def test_another_session_with_the_same_file_name_is_told_to_rename_not_replace(cli, project, tmp_path):
    """Two Teams exports saved as 'transcript.txt' in a po/ and a vo/ folder: the second is
    another session, and --replace would throw the first away."""
    po, vo = tmp_path / "po", tmp_path / "vo"
    po.mkdir()
    vo.mkdir()
    (po / "transcript.txt").write_text("OOP'er 1 (po): Ik val elke week in voor groep vijf.\n", encoding="utf-8")
    (vo / "transcript.txt").write_text("OOP'er 2 (vo): Bij ons regelt de teamleider het rooster.\n", encoding="utf-8")
    first = cli("import", po / "transcript.txt", "--source", "focusgroep", "--allow-unknown", "--allow-pii")
    assert first.exit_code == 0, first.output
    _fails(cli, project, [vo / "transcript.txt", "--source", "focusgroep", "--allow-unknown", "--allow-pii"],
           "transcript.txt", "another session with the same file name, rename the file")


def _no_project_at(db_path) -> bool:
    return not any(p.exists() for p in (db_path, db_path.with_name(db_path.name + "-wal"),
                                        db_path.with_name(db_path.name + "-shm")))


def test_a_failed_first_import_leaves_no_empty_project(cli, db_path, tmp_path):
    """There was no database before, so there is none after: the project a first import
    creates is removed again when the import fails (before, an empty 200 KB project stayed,
    and the next command worked on it as if the import had happened)."""
    files = make_fixtures.write_all(tmp_path / "bin")
    assert _no_project_at(db_path)
    # a Word transcript cut off while it was copied from a shared drive
    one_line_error(cli("import", files["docx_truncated"], "--source", "focusgroep", "--allow-unknown"),
                   "afgebroken.docx", "truncated or damaged")
    assert _no_project_at(db_path)
    # a good Zoom caption file beside it: one import is one transaction, so nothing is stored
    good = copy_fixture("zoom-fg-po.vtt", tmp_path)
    result = cli("import", good, files["docx_truncated"], "--source", "focusgroep", "--allow-unknown")
    assert result.exit_code == 1 and "nothing imported" in result.stdout
    assert _no_project_at(db_path)
    # the good file alone makes the project, and a failed import later leaves it as it was
    assert cli("import", good, "--source", "focusgroep").exit_code == 0
    before = db_snapshot(db_path)
    one_line_error(cli("import", files["docx_truncated"], "--source", "focusgroep", "--allow-unknown"), "afgebroken.docx")
    assert db_path.exists() and db_snapshot(db_path) == before


def test_a_failed_first_refi_import_leaves_no_empty_project(cli, db_path, tmp_path):
    """The same for a REFI-QDA project whose archive is sound but whose content the privacy
    gate refuses once the project is open: a .qdpx from NVivo whose source still holds a
    participant's name."""
    import zipfile

    project = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="OOP-studie" origin="NVivo 14">
  <Sources>
    <TextSource guid="6f1b2c3d-0000-4000-8000-000000000001" name="focusgroep po" plainTextPath="internal://6f1b2c3d-0000-4000-8000-000000000001.txt"/>
  </Sources>
</Project>
"""
    text = ("Gespreksleider: Hoe worden jullie ingezet?\n"
            "Marieke de Vries: Ik val vaak in als de juf van groep 5 ziek is, ook al is dat niet mijn taak.\n")
    archive = tmp_path / "nvivo-export.qdpx"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("project.qde", project)
        zf.writestr("sources/6f1b2c3d-0000-4000-8000-000000000001.txt", text)
    names = tmp_path / "namen.txt"
    names.write_text("Marieke de Vries\n", encoding="utf-8")
    one_line_error(cli("import", archive, "--source", "focusgroep", "--names", names),
                   "nv", "personal data found, nothing imported", "Marieke de Vries")
    assert _no_project_at(db_path)
