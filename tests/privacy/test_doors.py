"""Every door into a project passes one privacy gate: a name is refused with one line naming
the finding and its place, exit 1, the database unchanged; --allow-pii lets it in with a warning.

Probe files are written here, shaped like what the real tools produce; none of them comes
from the sample corpus.
"""

from __future__ import annotations

import sqlite3
import zipfile

from fctest import db_snapshot
from privacykit import let_in, refused

# -- REFI-QDA (.qdpx), as NVivo 14 exports a coded interview ---------------------------------

QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Loopbaan OOP" origin="NVivo 14.23.0">
  <Users><User guid="A1000000-0000-0000-0000-000000000001" name="onderzoeker1"/></Users>
  <CodeBook><Codes>
    <Code guid="C1000000-0000-0000-0000-000000000001" name="doorgroei" isCodable="true" color="#2CA02C">
      <Description>Ambities en loopbaanperspectief van het onderwijsondersteunend personeel.</Description>
    </Code>
  </Codes></CodeBook>
  <Variables><Variable guid="B1000000-0000-0000-0000-000000000001" name="sector" typeOfVariable="Text"/></Variables>
  <Cases>
    <Case guid="E1000000-0000-0000-0000-000000000001" name="{case}">
      <VariableValue><VariableRef targetGUID="B1000000-0000-0000-0000-000000000001"/><TextValue>po</TextValue></VariableValue>
      <SourceRef targetGUID="D1000000-0000-0000-0000-000000000001"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="D1000000-0000-0000-0000-000000000001" name="interview 3" plainTextPath="internal://interview3.txt">
      <PlainTextSelection guid="F1000000-0000-0000-0000-000000000001" name="pabo" startPosition="0" endPosition="40">
        <Coding guid="F2000000-0000-0000-0000-000000000001"><CodeRef targetGUID="C1000000-0000-0000-0000-000000000001"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes><Note guid="91000000-0000-0000-0000-000000000001" name="memo interview 3"><PlainTextContent>{note}</PlainTextContent></Note></Notes>
</Project>
"""
SOURCE = ("Ik zou best de pabo willen doen in deeltijd.\n"
          "{line2}\n"
          "Maar de school betaalt de opleiding niet, dus het blijft bij dromen.\n")


def _qdpx(path, *, case="R3 OOP'er po", note="Na afloop kort nagepraat.", line2="Mijn leidinggevende vindt het een goed idee."):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", QDE.format(case=case, note=note).encode("utf-8"))
        zf.writestr("sources/interview3.txt", SOURCE.format(line2=line2).encode("utf-8"))
    return path


def test_qdpx_holding_a_name_is_refused_at_its_place_and_allow_pii_lets_it_in(cli, db_path, tmp_path):
    cli("init")
    before = db_snapshot(db_path)
    leak = _qdpx(tmp_path / "loopbaan.qdpx", line2="Mijn leidinggevende, Sanne Vermeulen, vindt het een goed idee.")
    refused(cli("import", leak), db_path, before, "loopbaan.qdpx#interview 3:2 persoon 'Sanne Vermeulen'",
            "nothing imported")
    stderr = let_in(cli("import", leak, "--allow-pii"))
    assert "without the privacy check" in stderr
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM segments WHERE text LIKE '%Sanne Vermeulen%'").fetchone()[0] == 1


def test_qdpx_case_name_and_note_are_checked_too(cli, db_path, tmp_path):
    cli("init")
    before = db_snapshot(db_path)
    leak = _qdpx(tmp_path / "cases.qdpx", case="Fatima el Amrani",
                 note="Terugbellen op 06-12345678 voor een vervolggesprek.")
    line = refused(cli("import", leak), db_path, before, "cases.qdpx#case 1 persoon (casenaam) 'Fatima el Amrani'")
    assert "cases.qdpx#note 1:1 telefoonnummer '06-12345678'" in line


def test_qdpx_names_list_means_the_same_as_for_transcripts(cli, db_path, tmp_path):
    """--names is checked on a .qdpx; with --allow-pii its hits become warnings, as on a transcript."""
    cli("init")
    names = tmp_path / "namen.txt"
    names.write_text("school: De Vlinderhof\n", encoding="utf-8")
    leak = _qdpx(tmp_path / "vlinder.qdpx", line2="Op De Vlinderhof kan dat gewoon niet.")
    before = db_snapshot(db_path)
    refused(cli("import", leak, "--names", names), db_path, before, "vlinder.qdpx#interview 3:2 school 'De Vlinderhof'")
    let_in(cli("import", leak, "--names", names, "--allow-pii"), "school 'De Vlinderhof'")


# -- participants file, as a researcher saves it from Excel (semicolons) -----------------------


def test_participants_role_holding_a_name_is_refused_with_file_and_line(cli, db_path, tmp_path):
    cli("init")
    before = db_snapshot(db_path)
    (tmp_path / "fg-po-2.txt").write_text(
        "Gespreksleider: Wat is jullie rol in de klas?\n"
        "Leerkracht 1: Ik sta voor groep 5 en heb twee ochtenden hulp van een onderwijsassistent.\n",
        encoding="utf-8")
    (tmp_path / "fg-po-2.participants.csv").write_text(
        "label;role;sector;school_type\n"
        "Gespreksleider;gespreksleider;;\n"
        "Leerkracht 1;juf Sanne Vermeulen (De Regenboog);po;basisschool\n",
        encoding="utf-8")
    refused(cli("import", tmp_path / "fg-po-2.txt", "--source", "focusgroep"), db_path, before,
            "fg-po-2.participants.csv:3 persoon (kolom 'role') 'Sanne Vermeulen'")
    let_in(cli("import", tmp_path / "fg-po-2.txt", "--source", "focusgroep", "--allow-pii"))


# -- survey id and meta columns, as Microsoft Forms exports responses ---------------------------

FORMS = ("ID,Starttijd,Voltooiingstijd,E-mail,Naam,rol,sector,toelichting\n"
         "{id},12-3-2025 09:14:02,12-3-2025 09:20:44,anoniem,,OOP'er,po,"
         "\"Ik word vooral ingezet voor groepjes, en bij ziekte sta ik voor de klas.\"\n"
         "2,12-3-2025 10:01:17,12-3-2025 10:05:51,anoniem,,leraar,po,\"Zonder onze assistent kan ik niet differentiëren.\"\n")


def test_survey_id_column_holding_a_name_or_email_is_refused(cli, db_path, tmp_path):
    cli("init")
    before = db_snapshot(db_path)
    args = ["--source", "enquete", "--text-column", "toelichting", "--id-column", "ID", "--role-column", "rol"]
    survey = tmp_path / "forms-quickscan.csv"
    survey.write_text(FORMS.format(id="Sanne"), encoding="utf-8")
    refused(cli("import", survey, *args), db_path, before, "forms-quickscan.csv:2 persoon (id) 'Sanne'")
    survey.write_text(FORMS.format(id="s.vermeulen@regenboog.nl"), encoding="utf-8")
    refused(cli("import", survey, *args), db_path, before, "emailadres (id) 's.vermeulen@regenboog.nl'")
    let_in(cli("import", survey, *args, "--allow-pii"))


def test_survey_short_numeric_and_coded_ids_are_ids_not_findings(cli, db_path, tmp_path):
    """Forms numbers respondents 1, 2, 3...; other tools write R17 or resp-0017. None is a finding."""
    survey = tmp_path / "forms-ids.csv"
    survey.write_text(FORMS.format(id="R17").replace("\n2,", "\nresp-0017,"), encoding="utf-8")
    r = cli("import", survey, "--source", "enquete", "--text-column", "toelichting", "--id-column", "ID")
    assert r.exit_code == 0, r.output
    assert "Warning" not in r.stderr


def test_survey_meta_column_holding_a_name_is_refused(cli, db_path, tmp_path):
    cli("init")
    before = db_snapshot(db_path)
    survey = tmp_path / "forms-meta.csv"
    survey.write_text(FORMS.format(id="1").replace("OOP'er,po", "OOP'er bij meester Bas Jansen,po"), encoding="utf-8")
    refused(cli("import", survey, "--source", "enquete", "--text-column", "toelichting", "--meta-column", "rol"),
            db_path, before, "forms-meta.csv:2 persoon (kolom 'rol') 'Bas Jansen'")


# -- file and transcript names -------------------------------------------------------------------


def test_file_name_holding_a_name_is_refused(cli, db_path, tmp_path):
    cli("init")
    before = db_snapshot(db_path)
    path = tmp_path / "interview-sanne-vermeulen.txt"
    path.write_text("Interviewer: Hoe ziet je week eruit?\nR1: Drie dagen in groep 4 en twee dagen op de administratie.\n",
                    encoding="utf-8")
    refused(cli("import", path, "--source", "interview", "--allow-unknown"), db_path, before,
            "interview-sanne-vermeulen.txt persoon (bestandsnaam) 'sanne-vermeulen'")


def test_file_names_with_sessions_dates_and_tools_are_not_findings(cli, tmp_path):
    """Teams and Zoom name files after the meeting and the date; that is not a person."""
    for name in ("zoom-fg-vo-2025-03-12.txt", "Teams_Focusgroep_OOP_po.txt", "nvivo14_mac_export.txt"):
        path = tmp_path / name
        path.write_text("Gespreksleider: Welkom.\nOOP'er 1 (vo): Ik ben toa bij scheikunde.\n", encoding="utf-8")
        r = cli("import", path, "--source", "focusgroep", "--allow-unknown")
        assert r.exit_code == 0, r.output


# -- codebook, as a researcher writes it in YAML ----------------------------------------------------

CODEBOOK = """codes:
  - name: doorgroei
    description: Ambities en loopbaanperspectief.
    keywords: [doorgroei, pabo]
    children:
      - name: scholing
        description: Opleiding en bijscholing.
        examples:
          - "Ik wil de pabo doen, maar er is geen budget voor."
          - "Sanne Vermeulen kreeg als enige een opleiding betaald."
"""


def test_codebook_example_holding_a_name_is_refused_at_its_line(cli, db_path, tmp_path):
    cli("init")
    before = db_snapshot(db_path)
    path = tmp_path / "codeboek.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    refused(cli("codebook", "load", path), db_path, before, "codeboek.yaml:10 persoon (voorbeeld) 'Sanne Vermeulen'",
            "codebook not loaded")
    let_in(cli("codebook", "load", path, "--allow-pii"))


def test_code_name_holding_a_name_is_refused(cli, db_path, tmp_path):
    cli("init")
    before = db_snapshot(db_path)
    path = tmp_path / "codeboek.yaml"
    path.write_text(CODEBOOK.replace("name: scholing", "name: scholing Fatima Yilmaz").replace(
        "\n          - \"Sanne Vermeulen kreeg als enige een opleiding betaald.\"", ""), encoding="utf-8")
    refused(cli("codebook", "load", path), db_path, before, "codeboek.yaml:6 persoon (codenaam) 'Fatima Yilmaz'")


# -- memos -------------------------------------------------------------------------------------------


def test_memo_holding_a_name_is_refused_and_allow_pii_stores_it(cli, project):
    before = db_snapshot(project)
    r = cli("memo", "Navragen bij Sanne Vermeulen of dit ook op de andere locatie speelt.", "--segment", "2",
            "--coder", "anna")
    refused(r, project, before, "memo:1 persoon 'Sanne Vermeulen'", "memo not stored")
    let_in(cli("memo", "Navragen bij Sanne Vermeulen.", "--segment", "2", "--coder", "anna", "--allow-pii"))
    assert sqlite3.connect(project).execute("SELECT count(*) FROM memos").fetchone()[0] == 1


def test_a_clean_memo_is_stored_without_a_warning(cli, project):
    r = cli("memo", "Twijfel: invallen of klusjes? Eerst met het team bespreken.", "--segment", "2", "--coder", "anna")
    assert r.exit_code == 0 and r.stderr == ""


def test_merge_refuses_a_memo_holding_a_name(cli, project, tmp_path):
    """A student's copy comes back with a memo typed in review: it passes the gate at merge."""
    copy = tmp_path / "student.db"
    assert cli("codebook", "load", _small_codebook(tmp_path)).exit_code == 0
    assert cli("replicate", "--coder", "student", "--out", copy).exit_code == 0
    conn = sqlite3.connect(copy)
    conn.execute("INSERT INTO memos (target, segment_id, coder, text, created_at, updated_at) "
                 "VALUES ('segment', 2, 'student', 'Dit is vast Bas de Graaf van groep 8.', '2025-03-12', '2025-03-12')")
    conn.commit()
    conn.close()
    before = db_snapshot(project)
    refused(cli("merge", copy), project, before, "student.db#memo 1:1 persoon (memo) 'Bas de Graaf'", "nothing merged")
    let_in(cli("merge", copy, "--allow-pii"))


def _small_codebook(tmp_path):
    path = tmp_path / "klein.yaml"
    path.write_text("codes:\n  - name: doorgroei\n    keywords: [doorgroei]\n", encoding="utf-8")
    return path


def test_code_from_file_memo_column_holding_a_name_is_refused_at_its_line(cli, project, tmp_path):
    """A coding table exported from Excel (segment;code;memo) whose memo names a pupil."""
    assert cli("codebook", "load", _small_codebook(tmp_path)).exit_code == 0
    table = tmp_path / "codering.csv"
    table.write_text("segment;code;memo\n2;doorgroei;Wil naar de pabo.\n3;doorgroei;Vergelijk met Noah Bakker uit groep 7.\n",
                     encoding="utf-8")
    before = db_snapshot(project)
    refused(cli("code", "--from-file", table, "--coder", "anna"), project, before,
            "codering.csv:3 persoon 'Noah Bakker'", "nothing coded")
    let_in(cli("code", "--from-file", table, "--coder", "anna", "--allow-pii"))


def test_review_memo_holding_a_name_is_not_saved(project):
    """The m key in review: the coder sees 'not saved' and the memo is not stored."""
    import pytest

    from focuscode.db import open_project
    from focuscode.errors import PrivacyError
    from focuscode.review.session import ReviewSession

    db = open_project(project)
    session = ReviewSession(db, "anna")
    with pytest.raises(PrivacyError, match="memo:1 persoon 'Sanne Vermeulen'"):
        session.memo(2, "Sanne Vermeulen zei later nog dat het om de roosters ging.")
    session.memo(2, "Later nog gezegd dat het om de roosters ging.")
    assert [r[0] for r in db.execute("SELECT text FROM memos")] == ["Later nog gezegd dat het om de roosters ging."]


def test_qdc_codebook_description_holding_a_name_is_refused(cli, db_path, tmp_path):
    """A codebook exported from MAXQDA as REFI-QDA .qdc, its description quoting a participant."""
    path = tmp_path / "codeboek.qdc"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="MAXQDA 2022"><Codes>\n'
        '  <Code guid="C3000000-0000-0000-0000-000000000001" name="invallen" isCodable="true">\n'
        "    <Description>Lessen overnemen, zoals Kees van Dijk elke vrijdag doet.</Description>\n"
        "  </Code>\n"
        "</Codes></CodeBook>\n", encoding="utf-8")
    cli("init")
    before = db_snapshot(db_path)
    refused(cli("codebook", "load", path), db_path, before, "codeboek.qdc#code 'invallen':1 persoon (beschrijving) 'Kees van Dijk'")
