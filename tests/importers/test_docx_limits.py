"""Word packages that unpack to far more than they weigh are refused before parsing.

A .docx is a ZIP of XML parts that python-docx parses whole; a few hundred KB can hold
hundreds of MB of document.xml (a damaged export or a deliberate zip bomb).
"""

from __future__ import annotations

import io
import zipfile

import pytest

from importkit import db_snapshot, one_line_error, segments


def _word_file(path, body_paragraphs: int, *, text: str = "Ja, dat herken ik.") -> int:
    """A real python-docx document whose document.xml is rewritten with `body_paragraphs`
    identical turns, the way a runaway macro or a bomb repeats one paragraph."""
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("OOP'er 1 (po): Eerste zin.")
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    xml = source.read("word/document.xml").decode("utf-8")
    head, tail = xml.split("<w:body>", 1)
    paragraph = f"<w:p><w:r><w:t>OOP'er 1 (po): {text}</w:t></w:r></w:p>"
    big = head + "<w:body>" + paragraph * body_paragraphs + tail
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            data = big.encode("utf-8") if info.filename == "word/document.xml" else source.read(info)
            out.writestr(info.filename, data)
    return len(big)


@pytest.fixture
def project(cli, tmp_path, db_path):
    path = tmp_path / "eerste.txt"
    path.write_text("Gespreksleider: Welkom allemaal.\n", encoding="utf-8")
    assert cli("import", path, "--source", "focusgroep", "--allow-unknown", "--allow-pii").exit_code == 0
    return db_path


# The limits are ziplimits.DOCX (per part and in all); there is no ratio limit: a long
# transcript's XML compresses well and is no bomb while it stays under the part limit.
@pytest.mark.parametrize("paragraphs, needle", [
    (700_000, "would expand to"),   # ~45 MB of XML in a file of a few hundred KB: over the part limit
    (120_000, "times its packed size"),  # ~8 MB, packed more than 200 times: over the ratio limit
])
def test_docx_whose_document_part_unpacks_far_beyond_its_size(cli, project, tmp_path, paragraphs, needle):
    path = tmp_path / "opgeblazen.docx"
    unpacked = _word_file(path, paragraphs)
    part = zipfile.ZipFile(path).getinfo("word/document.xml")
    assert part.file_size == unpacked and part.compress_size * 200 < unpacked
    before = db_snapshot(project)
    one_line_error(cli("import", path, "--source", "focusgroep", "--allow-unknown", "--allow-pii"),
                   "opgeblazen.docx", "refused: 'word/document.xml'", needle, "zip bomb")
    assert db_snapshot(project) == before


def test_a_long_but_normal_docx_still_imports(cli, project, tmp_path):
    # 4,000 varied turns (a long session typed out) stay well inside the limits.
    import docx

    document = docx.Document()
    for n in range(4_000):
        speaker = "Gespreksleider" if n % 2 == 0 else f"OOP'er {n % 7} (po)"
        document.add_paragraph(f"{speaker}: Dit is opmerking {n} over invallen, scholing en de afstemming met de leerkracht.")
    path = tmp_path / "lange-sessie.docx"
    document.save(path)
    r = cli("import", path, "--source", "focusgroep", "--allow-unknown", "--allow-pii")
    assert r.exit_code == 0, r.output
    assert "imported, 4000 turns (docx)" in r.stdout
    assert len(segments(cli, "--transcript", "lange-sessie.docx")) == 4_000
