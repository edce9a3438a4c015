"""Probes at the doors: identifying text in the parts of a file that are easy to forget.

Each probe file imitates what a real tool writes (named per test). Either the import is
refused at the name's place, or the part is not read at all, and then the name must not
be anywhere in the project.
"""

from __future__ import annotations

import sqlite3
import zipfile

from fctest import db_snapshot
from privacykit import let_in, refused

NAME = "Sanne Vermeulen"


def _anywhere(db_path, needle: str) -> list[str]:
    """Every table and column of the project whose values hold `needle`."""
    conn = sqlite3.connect(db_path)
    hits = []
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'segments_fts%'"):
        for row in conn.execute(f'SELECT * FROM "{table}"'):
            if any(needle in str(v) for v in row if v is not None):
                hits.append(table)
    conn.close()
    return hits


# -- Word: header, footer, comment, footnote and text box, as a typist's template has them -----

_BODY = ('<w:p><w:r><w:t xml:space="preserve">Gespreksleider: Welkom allemaal, wie begint?</w:t></w:r></w:p>'
         '<w:p><w:r><w:t xml:space="preserve">OOP\'er 1 (po): Ik begeleid groepjes bij rekenen'
         '</w:t></w:r><w:commentReference w:id="0"/><w:r><w:footnoteReference w:id="1"/></w:r></w:p>'
         '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline><a:graphic><a:graphicData>'
         '<wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>Tekstvak: gesprek met Sanne Vermeulen</w:t></w:r></w:p>'
         '</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice>'
         '</mc:AlternateContent></w:r></w:p>')
_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
       'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')


def _docx_with_extra_parts(path):
    """A Word 2016 transcript whose header, footer, comment, footnote and text box name a
    participant while its body does not (python-docx cannot write comments or footnotes,
    so the parts are written as Word does)."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"Transcript focusgroep po, deelnemer {NAME}"
    section.footer.paragraphs[0].text = f"Uitgewerkt door {NAME}, 06-12345678"
    document.core_properties.author = NAME
    document.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    start, end = body.index("<w:body>") + len("<w:body>"), body.index("<w:sectPr")
    body = body[:start] + _BODY + body[end:]
    missing = " ".join(ns for ns in _NS.split() if ns.split("=")[0] not in body)
    body = body.replace("<w:document ", f"<w:document {missing} ", 1)
    parts["word/document.xml"] = body.encode("utf-8")
    parts["word/comments.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments {_NS}>'
                                  f'<w:comment w:id="0" w:author="{NAME}" w:initials="SV"><w:p><w:r>'
                                  f'<w:t>Dit is {NAME} van De Regenboog</w:t></w:r></w:p></w:comment></w:comments>').encode()
    parts["word/footnotes.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {_NS}>'
                                   f'<w:footnote w:id="1"><w:p><w:r><w:t>Bedoeld wordt {NAME}.</w:t></w:r></w:p>'
                                   '</w:footnote></w:footnotes>').encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def test_docx_extra_parts_never_reach_the_project(cli, db_path, tmp_path):
    path = _docx_with_extra_parts(tmp_path / "fg-po-word.docx")
    result = cli("import", path, "--source", "focusgroep", "--allow-unknown")
    if result.exit_code == 1:  # refused is fine, as long as nothing was stored
        assert "personal data found" in result.stderr and _anywhere(db_path, "Vermeulen") == []
        return
    assert result.exit_code == 0, result.output
    assert _anywhere(db_path, "Ik begeleid groepjes bij rekenen") == ["segments"]  # the body was read
    assert _anywhere(db_path, "Vermeulen") == []


# -- WebVTT: a NOTE block, as a Teams transcript edited by hand carries one -------------------


def test_vtt_note_block_never_reaches_the_project(cli, db_path, tmp_path):
    path = tmp_path / "teams-fg-po.vtt"
    path.write_text("WEBVTT\n\nNOTE opname bij Sanne Vermeulen thuis, Kerkstraat 14\n\n"
                    "00:00:01.000 --> 00:00:04.000\n<v Gespreksleider>Welkom allemaal.</v>\n\n"
                    "00:00:05.000 --> 00:00:09.000\n<v OOP'er 1 (po)>Ik begeleid groepjes bij rekenen.</v>\n",
                    encoding="utf-8")
    result = cli("import", path, "--source", "focusgroep", "--allow-unknown")
    assert result.exit_code == 0, result.output
    assert _anywhere(db_path, "Vermeulen") == [] and _anywhere(db_path, "Kerkstraat") == []


# -- Excel: other sheets, hidden columns, formulas whose cached value is a name ---------------


def _forms_xlsx(path, *, answer="Ik word vooral ingezet voor groepjes.", formula_cache=None):
    """A Microsoft Forms export opened and saved in Excel: a Form1 sheet, a hidden column
    of names, a second sheet with the contact list, and optionally a formula cell whose
    cached value is a name (openpyxl cannot write a cache, so it is put in the XML as Excel does)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Form1"
    sheet.append(["ID", "Naam", "rol", "sector", "toelichting"])
    sheet.append([1, NAME, "OOP'er", "po", answer])
    sheet.append([2, "Bas Jansen", "leraar", "po", "Zonder onze assistent kan ik niet differentiëren."])
    sheet.column_dimensions["B"].hidden = True
    contacts = book.create_sheet("Contact")
    contacts.append(["naam", "e-mail"])
    contacts.append([NAME, "s.vermeulen@regenboog.nl"])
    if formula_cache is not None:
        sheet["E2"] = "=Contact!A2"
    book.save(path)
    if formula_cache is not None:
        with zipfile.ZipFile(path) as zf:
            parts = {n: zf.read(n) for n in zf.namelist()}
        xml = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
        xml = xml.replace("<f>Contact!A2</f><v></v>", "<f>Contact!A2</f>").replace(
            "<f>Contact!A2</f>", f'<f>Contact!A2</f><v>{formula_cache}</v>')
        xml = xml.replace('<c r="E2"', '<c r="E2" t="str"', 1) if 't="str"' not in xml.split('<c r="E2"')[1][:20] else xml
        parts["xl/worksheets/sheet1.xml"] = xml.encode("utf-8")
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in parts.items():
                zf.writestr(name, data)
    return path


SURVEY = ["--sheet", "Form1", "--source", "enquete", "--text-column", "toelichting", "--id-column", "ID", "--role-column", "rol",
          "--sector-column", "sector"]


def test_xlsx_hidden_name_column_and_other_sheet_never_reach_the_project(cli, db_path, tmp_path):
    path = _forms_xlsx(tmp_path / "forms-quickscan.xlsx")
    result = cli("import", path, *SURVEY)
    assert result.exit_code == 0, result.output
    assert _anywhere(db_path, "groepjes") == ["segments"]
    assert _anywhere(db_path, "Vermeulen") == [] and _anywhere(db_path, "Bas Jansen") == []


def test_xlsx_formula_whose_cached_value_is_a_name_is_refused(cli, db_path, tmp_path):
    cli("init")
    before = db_snapshot(db_path)
    path = _forms_xlsx(tmp_path / "forms-formule.xlsx", formula_cache=NAME)
    refused(cli("import", path, *SURVEY), db_path, before, f"forms-formule.xlsx:2 persoon '{NAME}'")


def test_xlsx_question_header_holding_a_name_is_refused(cli, db_path, tmp_path):
    # Forms puts the question text in the header; a researcher's question may name someone.
    cli("init")
    before = db_snapshot(db_path)
    path = tmp_path / "forms-vraag.csv"
    path.write_text(f"ID,rol,Wat vindt u van de begeleiding door {NAME}?\n1,OOP'er,Prima geregeld.\n", encoding="utf-8")
    refused(cli("import", path, "--source", "enquete", "--text-column", f"Wat vindt u van de begeleiding door {NAME}?",
                "--id-column", "ID"), db_path, before, f"'{NAME}'")


# -- REFI-QDA: the project's origin, as ATLAS.ti writes its own name and the licence holder's ---

_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Loopbaan OOP" origin="{origin}">
  <Users><User guid="A1000000-0000-0000-0000-000000000001" name="onderzoeker1"/></Users>
  <Sources>
    <TextSource guid="D1000000-0000-0000-0000-000000000001" name="D1000000-0000-0000-0000-000000000001"
                plainTextPath="internal://D1000000-0000-0000-0000-000000000001.txt"/>
  </Sources>
</Project>
"""


def _qdpx(path, origin):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", _QDE.format(origin=origin).encode("utf-8"))
        zf.writestr("sources/D1000000-0000-0000-0000-000000000001.txt",
                    "Ik zou best de pabo willen doen in deeltijd.\n".encode("utf-8"))
    return path


def test_qdpx_origin_naming_the_licence_holder_is_refused(cli, db_path, tmp_path):
    cli("init")
    before = db_snapshot(db_path)
    path = _qdpx(tmp_path / "atlas.qdpx", f"ATLAS.ti 23.2.1 ({NAME})")
    refused(cli("import", path), db_path, before, f"atlas.qdpx persoon (herkomst) '{NAME}'")
    let_in(cli("import", path, "--allow-pii"))


def test_qdpx_ordinary_origins_and_guid_named_sources_pass(cli, db_path, tmp_path):
    for n, origin in enumerate(["ATLAS.ti 23.2.1 Windows", "NVivo 14.23.0", "MAXQDA 2022 (Release 22.7.0)", "QualCoder 3.5"]):
        result = cli("import", _qdpx(tmp_path / f"project{n}.qdpx", origin), "--db", tmp_path / f"p{n}.db")
        assert result.exit_code == 0, (origin, result.output)


# -- Codebook: the file's own name, as shown in the methods appendix --------------------------


def test_codebook_file_named_after_a_participant_is_refused(cli, db_path, tmp_path):
    cli("init")
    before = db_snapshot(db_path)
    book = tmp_path / "codeboek-sanne-vermeulen.yaml"
    book.write_text("- name: doorgroei\n  description: Ambities en loopbaanperspectief van OOP'ers.\n"
                    "  keywords: [opleiding, pabo]\n", encoding="utf-8")
    refused(cli("codebook", "load", book), db_path, before, "persoon (bestandsnaam) 'sanne-vermeulen'")


# -- File names as people save them: camel case, as Teams and phone recorders name files -----


def test_a_camel_case_file_name_holding_a_name_is_refused(cli, db_path, tmp_path):
    cli("init")
    before = db_snapshot(db_path)
    path = tmp_path / "InterviewSanneVermeulen.txt"
    path.write_text("Gespreksleider: Welkom.\nOOP'er 1 (po): Ik begeleid groepjes bij rekenen.\n", encoding="utf-8")
    refused(cli("import", path, "--source", "interview", "--allow-unknown"), db_path, before,
            "InterviewSanneVermeulen.txt persoon (bestandsnaam) '")


def test_camel_case_tool_file_names_are_not_findings(cli, tmp_path):
    for n, name in enumerate(["TeamsMeetingTranscript.vtt", "ZoomRecording2025-03-12.vtt"]):
        path = tmp_path / name
        path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Gespreksleider>Welkom allemaal.</v>\n", encoding="utf-8")
        result = cli("import", path, "--source", "focusgroep", "--allow-unknown", "--db", tmp_path / f"p{n}.db")
        assert result.exit_code == 0, (name, result.output)
