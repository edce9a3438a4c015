"""The anonymisation gate on import and `focuscode anonymise`."""

from __future__ import annotations

import csv
import json
import stat

import pytest

from importkit import SAMPLE, copy_fixture, db_snapshot, make_fixtures, one_line_error, segments

LEAKY = (
    "Gespreksleider: Welkom allemaal, stel je even voor.\n"
    "OOP'er 1 (po): Ik werk al jaren op de Regenboogschool en mijn leerkracht is meester Bas.\n"
    "Ik sprak er gisteren nog over met Sanne Vermeulen, de IB'er.\n"
    "OOP'er 2 (po): Bij ons op [school] in [plaats] is dat precies hetzelfde, vraag het maar aan [PERSOON-3].\n"
    "Mailen kan via a.devries@regenboog-school.nl of bel 06-12345678.\n"
)


@pytest.fixture
def leaky(tmp_path):
    path = tmp_path / "fg-lek.txt"
    path.write_text(LEAKY, encoding="utf-8")
    return path


def test_gate_stops_a_file_with_personal_data_and_names_each_finding(cli, leaky, db_path):
    cli("init")
    before = db_snapshot(db_path)
    line = one_line_error(cli("import", leaky, "--source", "focusgroep", "--allow-unknown"),
                          "fg-lek.txt", "personal data found, nothing imported", "--allow-pii")
    # Each finding: file and line, category and the matched text (the line inside the turn).
    assert "fg-lek.txt:2 persoon 'Bas'" in line
    assert "fg-lek.txt:3 persoon 'Sanne Vermeulen'" in line
    assert "fg-lek.txt:5 emailadres 'a.devries@regenboog-school.nl'" in line
    assert "fg-lek.txt:5 telefoonnummer '06-12345678'" in line
    # Placeholders are never findings.
    assert "[school]" not in line and "PERSOON-3" not in line and "'plaats'" not in line
    assert db_snapshot(db_path) == before


def test_names_file_catches_what_deduce_does_not(cli, leaky, tmp_path, db_path):
    names = tmp_path / "namen.txt"
    names.write_text("# echte namen, nooit in het project\nschool: Regenboogschool\n", encoding="utf-8")
    r = cli("import", leaky, "--source", "focusgroep", "--allow-unknown", "--names", names)
    assert r.exit_code == 1 and "fg-lek.txt:2 school 'Regenboogschool'" in r.stderr


def test_names_file_matches_whole_words_only(cli, tmp_path):
    names = tmp_path / "namen.txt"
    names.write_text("Jan\n", encoding="utf-8")
    path = tmp_path / "fg.txt"
    path.write_text("OOP'er 1 (po): In januari begon de nieuwe collega met de scholing.\n", encoding="utf-8")
    r = cli("import", path, "--source", "focusgroep", "--allow-unknown", "--names", names)
    assert r.exit_code == 0, r.output


def test_speaker_labels_are_scanned_too(cli, tmp_path):
    path = tmp_path / "labels.txt"
    path.write_text("Gespreksleider: Wie begint?\nMarieke Jansen: Ik begin wel, ik ben onderwijsassistent.\n", encoding="utf-8")
    r = cli("import", path, "--source", "focusgroep", "--allow-unknown")
    assert r.exit_code == 1 and "labels.txt:2 persoon (sprekerlabel) 'Marieke Jansen'" in r.stderr


def test_allow_pii_imports_and_warns_about_listed_names(cli, leaky, tmp_path):
    names = tmp_path / "namen.txt"
    names.write_text("Sanne Vermeulen\n", encoding="utf-8")
    r = cli("import", leaky, "--source", "focusgroep", "--allow-unknown", "--allow-pii", "--names", names)
    assert r.exit_code == 0, r.output
    assert "Warning:" in r.stderr and "fg-lek.txt:3 persoon 'Sanne Vermeulen'" in r.stderr
    assert len(segments(cli)) == 3


def test_common_words_at_sentence_start_are_not_names(cli, tmp_path):
    path = tmp_path / "woorden.txt"
    path.write_text(
        "OOP'er 1 (vo): Scholing is er nauwelijks voor ons. Bond en raad zeggen het ook.\n"
        "OOP'er 2 (vo): Punt is dat niemand het regelt. Stapel werk ligt er elke ochtend.\n",
        encoding="utf-8",
    )
    r = cli("import", path, "--source", "focusgroep", "--allow-unknown")
    assert r.exit_code == 0, r.output


def test_bundled_sample_corpus_passes_the_gate(cli):
    for path in sorted(SAMPLE.glob("*.txt")):
        r = cli("import", path, "--source", "focusgroep")
        assert r.exit_code == 0, (path.name, r.output)


def test_fixtures_pass_the_gate(cli, tmp_path):
    folder = tmp_path / "fx"
    folder.mkdir()
    for name in ("fg-vo-dubbelepunt.txt", "dialoogtafel-markdown.md", "teams-fg-systeem.vtt", "zoom-fg-po.vtt", "interview-oop.srt"):
        copy_fixture(name, folder)
    make_fixtures.write_docx_table(folder / "tabel.docx")
    r = cli("import", folder, "--source", "focusgroep", "--allow-unknown")
    assert r.exit_code == 0, r.output


# --- anonymise ----------------------------------------------------------------------------


def test_anonymise_writes_stable_placeholders_and_a_separate_key(cli, tmp_path):
    a = tmp_path / "in" / "fg-1.txt"
    a.parent.mkdir()
    a.write_text(
        "Gespreksleider: Wie wil beginnen?\n"
        "OOP'er 1 (po): Ik overleg veel met Sanne Vermeulen. Janneke, onze stagiaire, doet ook mee.\n"
        "OOP'er 2 (po): Op [school] werkt Sanne Vermeulen ook, zegt [PERSOON-2].\n",
        encoding="utf-8",
    )
    b = tmp_path / "in" / "fg-2.vtt"
    b.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Sanne Vermeulen>Ik werk in Zwolle.</v>\n", encoding="utf-8")
    names = tmp_path / "namen.txt"
    names.write_text("Jan\nschool: De Regenboog\n", encoding="utf-8")
    out = tmp_path / "uit"
    r = cli("anonymise", a.parent, "--out", out, "--names", names)
    assert r.exit_code == 0, r.output
    one = (out / "fg-1.txt").read_text(encoding="utf-8").splitlines()
    two = (out / "fg-2.vtt").read_text(encoding="utf-8")
    # Numbering continues after the placeholder already present; Janneke is not "Jan" + "neke".
    assert one[1] == "OOP'er 1 (po): Ik overleg veel met [PERSOON-3]. [PERSOON-4], onze stagiaire, doet ook mee."
    assert one[2] == "OOP'er 2 (po): Op [school] werkt [PERSOON-3] ook, zegt [PERSOON-2]."
    # The same name in another file gets the same placeholder, also inside a voice tag.
    assert "<v [PERSOON-3]>Ik werk in [PLAATS-1].</v>" in two
    key = tmp_path / "uit-sleutel.csv"
    assert key.exists() and not (out / "uit-sleutel.csv").exists()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    rows = list(csv.DictReader(key.open(encoding="utf-8")))
    assert {(r["placeholder"], r["origineel"]) for r in rows} == {
        ("[PERSOON-3]", "Sanne Vermeulen"), ("[PERSOON-4]", "Janneke"), ("[PLAATS-1]", "Zwolle")}
    assert "keep it out of the project" in r.stderr
    # A second run with the same key keeps the numbering.
    c = tmp_path / "in2" / "fg-3.txt"
    c.parent.mkdir()
    c.write_text("OOP'er 3 (vo): Ik ken Sanne Vermeulen ook, en Pieter Bakker.\n", encoding="utf-8")
    r = cli("anonymise", c, "--out", tmp_path / "uit2", "--key", key)
    assert r.exit_code == 0, r.output
    assert (tmp_path / "uit2" / "fg-3.txt").read_text(encoding="utf-8") == \
        "OOP'er 3 (vo): Ik ken [PERSOON-3] ook, en [PERSOON-5].\n"


def test_anonymised_copy_passes_the_import_gate(cli, tmp_path, leaky):
    out = tmp_path / "schoon"
    assert cli("anonymise", leaky, "--out", out).exit_code == 0
    r = cli("import", out / "fg-lek.txt", "--source", "focusgroep", "--allow-unknown")
    assert r.exit_code == 0, r.output
    assert "[PERSOON-" in segments(cli)[1]["text"] and "Sanne" not in json.dumps(segments(cli))


def test_anonymise_docx_keeps_paragraphs(cli, tmp_path):
    import docx

    path = tmp_path / "fg.docx"
    document = docx.Document()
    document.add_paragraph("Gespreksleider: Welkom.")
    p = document.add_paragraph("OOP'er 1 (po): Ik werk met ")
    p.add_run("Sanne Vermeulen").bold = True
    p.add_run(" in Zwolle.")
    document.save(path)
    out = tmp_path / "uit"
    assert cli("anonymise", path, "--out", out).exit_code == 0
    paragraphs = [q.text for q in docx.Document(out / "fg.docx").paragraphs]
    assert paragraphs == ["Gespreksleider: Welkom.", "OOP'er 1 (po): Ik werk met [PERSOON-1] in [PLAATS-1]."]
    assert docx.Document(out / "fg.docx").paragraphs[1].runs[1].bold is True


def test_anonymise_check_lists_findings(cli, leaky):
    r = cli("anonymise", leaky, "--check")
    assert r.exit_code == 1
    assert "fg-lek.txt:3 persoon 'Sanne Vermeulen'" in r.stdout


def test_anonymise_refuses_to_overwrite_originals(cli, leaky):
    r = cli("anonymise", leaky, "--out", leaky.parent)
    assert r.exit_code == 2 and "overwritten" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_anonymise_bad_names_file(cli, leaky, tmp_path):
    names = tmp_path / "namen.txt"
    names.write_text("# alleen commentaar\n", encoding="utf-8")
    one_line_error(cli("anonymise", leaky, "--out", tmp_path / "uit", "--names", names), "namen.txt", "no names")


# --- spaCy entities -----------------------------------------------------------------------


def test_spacy_entities_join_the_gate_when_a_pipeline_has_them():
    import spacy

    from focuscode.privacy.scan import scan_texts

    nlp = spacy.blank("nl")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "ORG", "pattern": "Het Baken"}, {"label": "ORG", "pattern": "CAO"},
                        {"label": "PERSON", "pattern": "school"}])

    class Pipeline:  # the shape of focuscode.nlp.pipeline.Pipeline that the gate uses
        def __init__(self, nlp):
            self.nlp = nlp

    texts = ["Ik werk op Het Baken, volgens de CAO.", "Op [school] is dat anders."]
    spans = scan_texts(texts, pipeline=Pipeline(nlp), use_deduce=False)
    # An organisation is found; a domain term (CAO) and a placeholder never are.
    assert [(s.category, s.text, s.detector) for s in spans[0]] == [("instelling", "Het Baken", "spacy")]
    assert spans[1] == []


def test_entity_pipeline_is_only_a_full_model():
    from focuscode.nlp.pipeline import DEFAULT_MODEL, model_installed
    from focuscode.privacy.scan import entity_pipeline

    pipeline = entity_pipeline()
    if model_installed(DEFAULT_MODEL):
        assert pipeline is not None and not pipeline.is_fallback and "ner" in pipeline.nlp.pipe_names
    else:
        assert pipeline is None  # the fallback has no entity recogniser and nothing is downloaded


def test_importing_deduce_leaves_logging_alone():
    import subprocess
    import sys

    code = ("import logging; from focuscode.privacy.scan import import_deduce; import_deduce(); "
            "logging.getLogger('matplotlib').debug('debugregel'); logging.getLogger('x').warning('waarschuwing')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""  # deduce's basicConfig would print both lines on stdout
    assert "debugregel" not in r.stderr


def test_pseudonymised_folder_with_participants_imports_cleanly(cli, tmp_path):
    raw = tmp_path / "ruw"
    raw.mkdir()
    (raw / "fg.txt").write_text(
        "Gespreksleider: Wie bepaalt bij jullie wat je doet?\n"
        "Sanne Vermeulen: De leerkracht, eigenlijk elke ochtend opnieuw.\n"
        "Pieter Bakker: Bij ons de teamleider, maar die zie ik bijna nooit.\n",
        encoding="utf-8",
    )
    (raw / "fg.participants.csv").write_text(
        "label,role,sector\nGespreksleider,gespreksleider,\nSanne Vermeulen,OOP'er,po\nPieter Bakker,OOP'er,vo\n",
        encoding="utf-8",
    )
    (raw / "zoom.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nSanne Vermeulen: Dat herken ik.\n\n"
        "00:00:04.000 --> 00:00:06.000\nPieter Bakker: Ik ook.\n",
        encoding="utf-8",
    )
    (raw / "zoom.participants.csv").write_text(
        "label,role,sector\nSanne Vermeulen,OOP'er,po\nPieter Bakker,OOP'er,vo\n", encoding="utf-8")
    out = tmp_path / "schoon"
    assert cli("anonymise", raw, "--out", out).exit_code == 0
    assert "Sanne" not in (out / "fg.participants.csv").read_text(encoding="utf-8")
    r = cli("import", out, "--source", "focusgroep")
    assert r.exit_code == 0, r.output
    segs = segments(cli)
    assert [(s["speaker"], s["role"], s["sector"]) for s in segs] == [
        ("Gespreksleider", "gespreksleider", None), ("[PERSOON-1]", "OOP'er", "po"), ("[PERSOON-2]", "OOP'er", "vo"),
        ("[PERSOON-1]", "OOP'er", "po"), ("[PERSOON-2]", "OOP'er", "vo")]
    assert segs[3]["text"] == "Dat herken ik."


def test_anonymise_survey_spreadsheet(cli, tmp_path):
    import openpyxl

    path = tmp_path / "quickscan.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["respondent", "toelichting"])
    sheet.append(["X1", "Mijn leidinggevende Pieter Bakker weet niet wat ik doe."])
    sheet.append(["X2", "Geen opmerkingen."])
    sheet.append(["X3", "Ik werk in Zwolle, net als Pieter Bakker."])
    book.save(path)
    out = tmp_path / "uit"
    r = cli("anonymise", path, "--out", out)
    assert r.exit_code == 0, r.output
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(out / "quickscan.xlsx").active.iter_rows()]
    assert rows[1] == ["X1", "Mijn leidinggevende [PERSOON-1] weet niet wat ik doe."]
    assert rows[2] == ["X2", "Geen opmerkingen."]
    assert rows[3] == ["X3", "Ik werk in [PLAATS-1], net als [PERSOON-1]."]
    r = cli("import", out / "quickscan.xlsx", "--source", "enquete", "--text-column", "toelichting", "--id-column", "respondent")
    assert r.exit_code == 0, r.output


def test_anonymise_bad_key_file_and_unknown_type(cli, leaky, tmp_path):
    key = tmp_path / "sleutel.csv"
    key.write_text("naam,code\nJan,1\n", encoding="utf-8")
    one_line_error(cli("anonymise", leaky, "--out", tmp_path / "uit", "--key", key), "sleutel.csv", "not a focuscode key file")
    assert not (tmp_path / "uit").exists()
    pdf = tmp_path / "verslag.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    one_line_error(cli("anonymise", pdf, "--out", tmp_path / "uit"), "verslag.pdf", "cannot pseudonymise '.pdf'")


def test_json_lists_every_finding(cli, leaky):
    r = cli("import", leaky, "--source", "focusgroep", "--allow-unknown", "--json")
    assert r.exit_code == 1
    (failure,) = json.loads(r.stdout)
    assert failure["status"] == "error" and failure["path"].endswith("fg-lek.txt")
    found = {(f["line"], f["category"], f["text"]) for f in failure["findings"]}
    assert (3, "persoon", "Sanne Vermeulen") in found and (5, "telefoonnummer", "06-12345678") in found
    assert len(r.stderr.strip().splitlines()) == 1
