"""Word transcripts blown up into zip bombs: refused from the package's declared sizes,
before python-docx expands a single part."""

from __future__ import annotations

import time
import zipfile

import pytest

from importkit import db_snapshot, one_line_error


@pytest.fixture
def project(cli, db_path):
    assert cli("init").exit_code == 0
    return db_path


def test_docx_whose_document_part_would_expand_past_the_limit_is_refused_before_expanding(cli, project, tmp_path):
    """A Word transcript (as Word saves it) whose document.xml was blown up to 40 MB of paragraphs."""
    import docx

    made = tmp_path / "gemaakt.docx"
    document = docx.Document()
    document.add_paragraph("Gespreksleider: Welkom allemaal.")
    document.save(made)
    path = tmp_path / "fg-vo-3.docx"
    paragraph = b"<w:p><w:r><w:t>OOP'er 1: Ik val in bij ziekte.</w:t></w:r></w:p>"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info))
                continue
            head, tail = src.read(info).split(b"</w:body>")
            with dst.open("word/document.xml", "w") as fh:
                fh.write(head)
                block = paragraph * 10_000
                for _ in range(60):  # 40 MB
                    fh.write(block)
                fh.write(b"</w:body>" + tail)
    assert path.stat().st_size < 2_000_000
    before = db_snapshot(project)
    start = time.monotonic()
    one_line_error(cli("import", path, "--source", "focusgroep", "--allow-unknown"),
                   "fg-vo-3.docx", "word/document.xml", "limit 32 MB per part")
    assert time.monotonic() - start < 5
    assert db_snapshot(project) == before


def test_anonymise_refuses_an_xlsx_bomb_before_loading_it(cli, tmp_path):
    """`anonymise` loads a whole workbook to rewrite it; a shared-strings bomb stops at the declared size."""
    from openpyxl import Workbook

    made = tmp_path / "gemaakt.xlsx"
    book = Workbook()
    book.active.append(["respondent", "toelichting"])
    book.active.append(["R1", "Ik val in."])
    book.save(made)
    path = tmp_path / "ruw" / "enquete.xlsx"
    path.parent.mkdir()
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        with dst.open("xl/sharedStrings.xml", "w") as fh:
            fh.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            for _ in range(120):
                fh.write(b"Ik val in. " * 100_000)
            fh.write(b"</t></si></sst>")
    start = time.monotonic()
    result = cli("anonymise", path, "--check")
    assert time.monotonic() - start < 10
    one_line_error(result, "enquete.xlsx", "xl/sharedStrings.xml", "limit 100 MB per part")
