"""Survey exports as survey tools write them, coded and uncoded, and the limits on them.

- LimeSurvey "Export responses" CSV: every field quoted, question codes as headings
  (G01Q02), the researcher's own codes columns added beside the answers in Excel;
- Qualtrics CSV: three header rows (column ids, question texts, {"ImportId": ...});
- Microsoft Forms .xlsx: one sheet, Dutch headings with the full question text;
- an xlsx whose shared strings expand far beyond the file (a zip bomb) and answers
  longer than Excel allows in one cell, as tools that do not check write them.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import time
import zipfile

import pytest

from importkit import db_snapshot, one_line_error, segments

CODEBOOK = """\
- name: ad-hoctaken
  children:
    - name: invallen
    - name: surveilleren
- name: doorgroei
  children:
    - name: scholing
"""

INZET = [
    ("Ik val bijna elke week in als er een leraar ziek is.", "invallen"),
    ("Vooral kopiëren en de bibliotheek bijhouden.", ""),
    ("Bij toetsen surveilleer ik, verder help ik groepjes.", "surveilleren"),
    ("Invallen voor zieke collega's, soms een hele dag.", "invallen"),
    ("Ik begeleid leerlingen met dyslexie.", ""),
    ("Ik sta vaak alleen voor de klas als iemand uitvalt.", "invallen"),
    ("Pleinwacht en surveilleren tijdens de toetsweek.", "surveilleren"),
    ("Ik ondersteun bij de praktijklessen techniek.", ""),
    ("Invallen, en dan ook nog de surveillance.", "invallen;surveilleren"),
    ("De administratie van de leerlingvolgsystemen.", ""),
    ("Ik neem groepen over bij ziekte, zonder toelage.", "invallen"),
    ("Ik help bij de leesgroepjes in groep drie.", ""),
]
LOOPBAAN = [
    ("Ik zou graag een opleiding tot leraar doen.", "scholing"),
    ("", ""),
    ("Er is geen budget voor bijscholing.", "scholing"),
    ("Ik ben tevreden zoals het is.", ""),
]


def _limesurvey_csv(path, *, codes: bool = True):
    """LimeSurvey's CSV: comma-separated, every field quoted, question codes as headings."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    header = ["id", "submitdate", "lastpage", "startlanguage", "G01Q01", "G01Q02", "G02Q03"]
    if codes:
        header += ["codes_G01Q02", "codes_G02Q03"]
    writer.writerow(header)
    for i, (answer, code) in enumerate(INZET):
        later, later_code = LOOPBAAN[i] if i < len(LOOPBAAN) else ("", "")
        row = [str(100 + i), "2024-03-1%d 10:0%d:00" % (i % 9, i % 9), "3", "nl", "po" if i % 2 else "vo", answer, later]
        if codes:
            row += [code, later_code]
        writer.writerow(row)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def coded_project(cli, tmp_path):
    book = tmp_path / "codes.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    assert cli("codebook", "load", book).exit_code == 0
    return tmp_path


def test_limesurvey_codes_columns_pair_with_text_columns_and_empty_is_a_decision(cli, db_path, coded_project):
    path = _limesurvey_csv(coded_project / "results-survey123456.csv")
    r = cli("import", path, "--source", "enquete", "--id-column", "id", "--sector-column", "G01Q01",
            "--text-column", "G01Q02", "--codes-column", "codes_G01Q02",
            "--text-column", "G02Q03", "--codes-column", "codes_G02Q03", "--coder", "anna")
    assert r.exit_code == 0, r.output
    segs = segments(cli)
    by_text = {s["text"]: s for s in segs}
    assert len(segs) == len(INZET) + 3  # the empty second answer is no segment
    assert [c["code"] for c in by_text["Invallen, en dan ook nog de surveillance."]["codings"]] == ["invallen", "surveilleren"]
    assert [c["code"] for c in by_text["Er is geen budget voor bijscholing."]["codings"]] == ["scholing"]
    assert by_text["Er is geen budget voor bijscholing."]["question"] == "G02Q03"
    # Every answer, coded or not, is a decision of anna's: no code applies beyond those listed.
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM seen WHERE coder = 'anna'").fetchone()[0] == len(segs)
    from focuscode.db import open_project
    from focuscode.learning import coder_examples

    examples = coder_examples(open_project(db_path), "anna")
    counts = examples.counts()
    assert counts["invallen"] == (5, len(segs) - 5)
    assert counts["scholing"] == (2, len(segs) - 2)


def test_evaluate_runs_on_a_coded_survey(cli, coded_project):
    path = _limesurvey_csv(coded_project / "results-survey123456.csv")
    assert cli("import", path, "--source", "enquete", "--id-column", "id", "--text-column", "G01Q02",
               "--codes-column", "codes_G01Q02", "--coder", "anna").exit_code == 0
    r = cli("evaluate", "--coder", "anna", "--k", "2", "--json")
    assert r.exit_code == 0, r.output
    assert "too few decisions" not in r.output


@pytest.mark.parametrize("args, needle", [
    (["--text-column", "G01Q02", "--text-column", "G02Q03", "--codes-column", "codes_G01Q02"],
     "give one --codes-column per --text-column"),
    (["--text-column", "G01Q02", "--codes-column", "codes_G01Q02", "--codes-column", "codes_G02Q03"],
     "give one --codes-column per --text-column"),
])
def test_codes_columns_must_pair_with_text_columns(args, needle, cli, db_path, coded_project):
    path = _limesurvey_csv(coded_project / "results.csv")
    before = db_snapshot(db_path)
    r = cli("import", path, "--source", "enquete", *args, "--coder", "anna")
    assert r.exit_code == 2 and needle in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.output
    assert db_snapshot(db_path) == before


def test_codes_for_an_empty_answer_are_an_error_not_lost(cli, db_path, coded_project):
    path = coded_project / "results.csv"
    path.write_text('"id","G01Q02","codes_G01Q02"\r\n"100","Ik val in.","invallen"\r\n"101","","surveilleren"\r\n',
                    encoding="utf-8")
    before = db_snapshot(db_path)
    one_line_error(cli("import", path, "--source", "enquete", "--text-column", "G01Q02",
                       "--codes-column", "codes_G01Q02", "--coder", "anna"),
                   "results.csv:3:", "'surveilleren'", "empty answer")
    assert db_snapshot(db_path) == before


def test_qualtrics_question_text_and_import_id_rows_are_not_answers(cli, tmp_path):
    path = tmp_path / "Quickscan OOP_12 maart 2024_10.15.csv"
    path.write_text(
        'StartDate,EndDate,Status,ResponseId,Q1,Q2\r\n'
        'Start Date,End Date,Response Type,Response ID,Welke taken doet u naast uw eigen werk?,In welke sector werkt u?\r\n'
        '"{""ImportId"":""startDate"",""timeZone"":""Europe/Amsterdam""}","{""ImportId"":""endDate"",""timeZone"":""Europe/Amsterdam""}",'
        '"{""ImportId"":""status""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1_TEXT""}","{""ImportId"":""QID2""}"\r\n'
        '2024-03-12 10:01:02,2024-03-12 10:05:09,0,R_1a2b3c,Ik surveilleer bij toetsen.,vo\r\n'
        '2024-03-12 10:02:00,2024-03-12 10:07:30,0,R_4d5e6f,Ik val in bij ziekte.,po\r\n',
        encoding="utf-8")
    r = cli("import", path, "--source", "enquete", "--text-column", "Q1", "--id-column", "ResponseId", "--sector-column", "Q2")
    assert r.exit_code == 0, r.output
    segs = segments(cli)
    assert [(s["external_id"], s["sector"], s["text"]) for s in segs] == [
        ("R_1a2b3c", "vo", "Ik surveilleer bij toetsen."), ("R_4d5e6f", "po", "Ik val in bij ziekte.")]


def _ms_forms_xlsx(path, answers):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["ID", "Begintijd", "Tijd van voltooien", "Wat doet u op een gewone schooldag?", "Sector"])
    for i, answer in enumerate(answers, start=1):
        sheet.append([i, "3-12-24 10:01:02", "3-12-24 10:05:09", answer, "po"])
    book.save(path)
    return path


@pytest.fixture
def project(cli, db_path):
    assert cli("init").exit_code == 0
    return db_path


def test_ms_forms_answer_longer_than_an_excel_cell_is_refused(cli, project, tmp_path):
    made = _ms_forms_xlsx(tmp_path / "gemaakt.xlsx", ["Ik help bij het lezen.", "LANG-ANTWOORD"])
    # openpyxl (like Excel) cuts a cell at 32,767 characters when writing, so the sheet's XML
    # is edited as a tool that does not check would write it: 41,600 characters in one cell.
    long_answer = "Ik val in en surveilleer. " * 1600
    path = tmp_path / "Quickscan OOP(1-2).xlsx"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data.replace(b"LANG-ANTWOORD", long_answer.strip().encode()))
    before = db_snapshot(project)
    one_line_error(cli("import", path, "--source", "enquete", "--text-column", "Wat doet u op een gewone schooldag?",
                       "--id-column", "ID"), "Quickscan OOP(1-2).xlsx:3:", "41599 characters", "limit 32767")
    assert db_snapshot(project) == before


def test_ms_forms_xlsx_reads_numbers_as_ids(cli, tmp_path):
    path = _ms_forms_xlsx(tmp_path / "forms.xlsx", ["Ik help bij het lezen.", "Ik doe de pleinwacht."])
    r = cli("import", path, "--source", "enquete", "--text-column", "Wat doet u op een gewone schooldag?",
            "--id-column", "ID", "--sector-column", "Sector")
    assert r.exit_code == 0, r.output
    assert [(s["external_id"], s["sector"]) for s in segments(cli)] == [("1", "po"), ("2", "po")]


def test_xlsx_whose_shared_strings_would_expand_past_the_limit_is_refused_before_expanding(cli, project, tmp_path):
    small = _ms_forms_xlsx(tmp_path / "klein.xlsx", ["Ik help bij het lezen."])
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/sharedStrings.xml":
                dst.writestr(info, src.read(info))
        with dst.open("xl/sharedStrings.xml", "w") as fh:  # streamed: the test holds 1 MB at a time
            fh.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
            chunk = b"Ik val in. " * 100_000
            for _ in range(150):
                fh.write(chunk)
            fh.write(b"</t></si></sst>")
    assert path.stat().st_size < 2_000_000
    before = db_snapshot(project)
    start = time.monotonic()
    one_line_error(cli("import", path, "--source", "enquete", "--text-column", "Wat doet u op een gewone schooldag?"),
                   "bom.xlsx", "xl/sharedStrings.xml", "would expand to 157 MB", "limit 100 MB")
    assert time.monotonic() - start < 5
    assert db_snapshot(project) == before


def test_csv_with_more_rows_than_the_limit_is_refused(cli, project, tmp_path):
    from focuscode.importers.survey import MAX_ROWS

    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("respondent;toelichting\n")
        for i in range(MAX_ROWS + 1):
            fh.write(f"R{i};Ik val in.\n")
    before = db_snapshot(project)
    one_line_error(cli("import", path, "--source", "enquete", "--text-column", "toelichting"),
                   f"export.csv:{MAX_ROWS + 2}:", f"more than {MAX_ROWS} answer rows")
    assert db_snapshot(project) == before



def test_excel_sep_hint_line_and_multiline_headings(cli, tmp_path):
    """A CSV "for Excel" starts with a `sep=;` line; MS Forms-style headings hold line breaks."""
    path = tmp_path / "export-excel.csv"
    path.write_text('sep=;\r\nrespondent;"Wat doet u\r\nop een gewone dag?"\r\nR1;Ik surveilleer.\r\nR2;\r\n'
                    'R3;"Ik val in; soms hele dagen.\r\nEn ik surveilleer."\r\n', encoding="utf-8")
    r = cli("import", path, "--source", "enquete", "--id-column", "respondent",
            "--text-column", "Wat doet u op een gewone dag?")
    assert r.exit_code == 0, r.output
    assert [(s["external_id"], s["text"]) for s in segments(cli)] == [
        ("R1", "Ik surveilleer."), ("R3", "Ik val in; soms hele dagen.\nEn ik surveilleer.")]

