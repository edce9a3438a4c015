"""Exports validate against the REFI-QDA schemas; NVivo and ATLAS.ti files import without loss."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
import xmlschema


# The standard's schemas, vendored with their licence (schemas/NOTICE.md): these tests run
# in every clone. The vendor example exports stay in ../shared and their tests skip without it.
SCHEMAS = Path(__file__).parent / "schemas"


@pytest.fixture
def refi_dir(shared_dir):
    folder = shared_dir / "refi-qda"
    if not (folder / "examples").is_dir():
        pytest.skip(f"REFI-QDA vendor examples not found in {folder / 'examples'}")
    return folder


def test_project_export_validates_against_project_xsd(cli, coded_db, tmp_path):
    path = tmp_path / "p.qdpx"
    assert cli("export", "refi", "--out", path, db=coded_db).exit_code == 0
    schema = xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd"))
    with zipfile.ZipFile(path) as zf:
        qde = zf.read("project.qde")
        names = zf.namelist()
    schema.validate(qde.decode("utf-8"))
    assert "project.qde" in names and sum(n.startswith("sources/") for n in names) == 3


def test_codebook_export_validates_against_codebook_xsd(cli, coded_db, tmp_path):
    path = tmp_path / "codes.qdc"
    assert cli("export", "refi", "--codebook-only", "--out", path, db=coded_db).exit_code == 0
    xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd")).validate(str(path))


def test_the_schemas_reject_what_the_standard_forbids(cli, coded_db, tmp_path):
    # The vendored schemas really constrain: a Code without isCodable (required by the
    # standard) and a GUID not in 8-4-4-4-12 form are refused, as NVivo would refuse them.
    path = tmp_path / "codes.qdc"
    assert cli("export", "refi", "--codebook-only", "--out", path, db=coded_db).exit_code == 0
    schema = xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd"))
    text = path.read_text(encoding="utf-8")
    assert 'isCodable="true"' in text
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(text.replace('isCodable="true"', "", 1))
    guid = text.split('guid="', 1)[1].split('"', 1)[0]
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(text.replace(guid, "code-visie", 1))


def test_the_vendored_schemas_are_the_published_ones(shared_dir):
    # Where the reference folder is present, the copies must be byte for byte the same.
    for name in ("Project.xsd", "Codebook.xsd"):
        original = shared_dir / "refi-qda" / name
        if not original.exists():
            pytest.skip(f"{original} not found")
        assert (SCHEMAS / name).read_bytes() == original.read_bytes(), name
    assert "MIT" in (SCHEMAS / "NOTICE.md").read_text(encoding="utf-8")


def _count_codes(xml: bytes) -> int:
    return xml.count(b"<Code ")


def test_nvivo_example_imports_every_code_and_source(cli, tmp_path, refi_dir):
    example = refi_dir / "examples" / "nvivo15_mac_project.qdpx"
    with zipfile.ZipFile(example) as zf:
        expected_codes = _count_codes(zf.read("project.qde"))
    db = tmp_path / "nvivo.db"
    result = cli("import", example, "--json", db=db)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)[0]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM codes").fetchone()[0] == expected_codes == report["codes"] == 262
    assert conn.execute("SELECT count(*) FROM transcripts").fetchone()[0] == 2
    # NVivo repeats names in different branches ("programming"); each stays, told apart by its parent.
    names = {r[0] for r in conn.execute("SELECT name FROM codes")}
    assert {"programming", "programming (cs_as_programming)"} <= names
    assert conn.execute("SELECT count(*) FROM codes WHERE parent_id IS NULL").fetchone()[0] == 3


def test_atlasti_example_with_capitalised_entries_and_flat_hierarchy(cli, tmp_path, refi_dir):
    example = refi_dir / "examples" / "atlasti84_project.qdpx"
    with zipfile.ZipFile(example) as zf:
        assert "Project.qde" in zf.namelist()  # the vendor variation under test
        qde = zf.read("Project.qde")
    db = tmp_path / "atlas.db"
    result = cli("import", example, "--allow-pii", db=db)  # the example names its interviewees
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM codes").fetchone()[0] == _count_codes(qde) == 14
    sources = qde.count(b"<TextSource ") + qde.count(b"<PDFSource ") + qde.count(b"<PictureSource ") \
        + qde.count(b"<AudioSource ") + qde.count(b"<VideoSource ")
    assert conn.execute("SELECT count(*) FROM transcripts").fetchone()[0] == sources == 12
    parent = conn.execute(
        "SELECT p.name FROM codes c JOIN codes p ON p.id = c.parent_id WHERE c.name = 'diet Coke'").fetchone()
    assert parent == ("Coke",)
    assert "carry no text in the archive" in result.stderr
    # Two notes, and two quotation comments ATLAS.ti writes as a selection's Description.
    memos = {r[0]: r[1] for r in conn.execute("SELECT text, target FROM memos")}
    assert len(memos) == 4
    assert "Mabel is not the only person I know who has Coke for breakfast!" in memos
    assert memos["why does Simon feel the need to do this?"] == "transcript"  # its text is not in the archive


def test_atlasti_codebook_loads(cli, tmp_path, refi_dir):
    result = cli("codebook", "load", refi_dir / "examples" / "atlasti23_codebook.qdc", db=tmp_path / "c.db")
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(tmp_path / "c.db")
    assert conn.execute("SELECT name, description, color FROM codes").fetchall() == [("code1", "description", "#46aa00")]
