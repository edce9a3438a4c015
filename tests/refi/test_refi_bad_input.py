"""Unsafe or broken REFI-QDA files: one line, exit 1, nothing written."""

from __future__ import annotations

import zipfile

import pytest

from fctest import db_snapshot


def _zip(path, entries: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol4;"/>
"""

MINIMAL = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="kapot">
  <Sources>
    <TextSource guid="11111111-2222-3333-4444-555555555555" name="interview-1" plainTextPath="internal://{path}"/>
    <TextSource guid="11111111-2222-3333-4444-666666666666" name="interview-2" plainTextPath="internal://aanwezig.txt"/>
  </Sources>
</Project>
"""


def _bad_files(tmp_path, exported):
    out = {}
    out["not a zip"] = (tmp_path / "tekst.qdpx", "must be a ZIP archive")
    out["not a zip"][0].write_text("Gespreksleider: dit is geen zip-bestand.\n", encoding="utf-8")
    out["no project.qde"] = (_zip(tmp_path / "leeg.qdpx", {"sources/a.txt": "Hallo".encode()}), "has no project.qde")
    # A real export with one source text taken out of the archive.
    with zipfile.ZipFile(exported) as zf:
        entries = {i.filename: zf.read(i) for i in zf.infolist()}
    dropped = sorted(n for n in entries if n.startswith("sources/"))[0]
    del entries[dropped]
    out["missing source"] = (_zip(tmp_path / "zonder-bron.qdpx", entries), "which is not in the archive")
    out["xml bomb"] = (_zip(tmp_path / "bom.qdpx", {"project.qde": BOMB}), "DTD or entities")
    out["path escaping"] = (
        _zip(tmp_path / "pad.qdpx", {"project.qde": MINIMAL.format(path="aanwezig.txt").encode(), "../../x": b"boe"}),
        "path outside its folder: '../../x'",
    )
    out["source path escaping"] = (
        _zip(tmp_path / "bronpad.qdpx", {"project.qde": MINIMAL.format(path="../../etc/passwd").encode(),
                                         "sources/aanwezig.txt": "Tekst".encode()}),
        "leaves the archive's sources folder",
    )
    out["malformed xml"] = (_zip(tmp_path / "kapot.qdpx", {"project.qde": b"<Project name='x'><Sources></Project>"}), "not well-formed XML")
    return out


CASES = ["not a zip", "no project.qde", "missing source", "xml bomb", "path escaping", "source path escaping", "malformed xml"]


@pytest.mark.parametrize("case", CASES)
def test_bad_archive_is_refused_and_nothing_is_written(case, cli, coded_db, tmp_path):
    exported = tmp_path / "goed.qdpx"
    assert cli("export", "refi", "--out", exported, db=coded_db).exit_code == 0
    path, expected = _bad_files(tmp_path, exported)[case]
    before = db_snapshot(coded_db)
    result = cli("import", path, db=coded_db)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and path.name in lines[0] and expected in lines[0]
    assert "Traceback" not in result.output
    assert db_snapshot(coded_db) == before


@pytest.mark.parametrize("case", ["not a zip", "xml bomb", "path escaping"])
def test_bad_archive_creates_no_database(case, cli, coded_db, tmp_path):
    exported = tmp_path / "goed.qdpx"
    assert cli("export", "refi", "--out", exported, db=coded_db).exit_code == 0
    path, _ = _bad_files(tmp_path, exported)[case]
    fresh = tmp_path / "nieuw.db"
    assert cli("import", path, db=fresh).exit_code == 1
    assert not fresh.exists()
    assert not (tmp_path / "x").exists() and not (tmp_path.parent / "x").exists()


def test_bad_codebook_file_is_refused(cli, tmp_path):
    bomb = tmp_path / "bom.qdc"
    bomb.write_bytes(BOMB.replace(b"Project", b"CodeBook"))
    result = cli("codebook", "load", bomb)
    assert result.exit_code == 1
    assert "bom.qdc" in result.stderr and "DTD or entities" in result.stderr
    not_refi = tmp_path / "project.qdc"
    not_refi.write_text('<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>', encoding="utf-8")
    result = cli("codebook", "load", not_refi)
    assert result.exit_code == 1 and "expected <CodeBook>" in result.stderr


def test_importing_the_same_project_twice_is_refused_without_change(cli, coded_db, tmp_path):
    path = tmp_path / "p.qdpx"
    assert cli("export", "refi", "--out", path, db=coded_db).exit_code == 0
    fresh = tmp_path / "fresh.db"
    assert cli("import", path, db=fresh).exit_code == 0
    before = db_snapshot(fresh)
    result = cli("import", path, db=fresh)
    assert result.exit_code == 1
    assert "p.qdpx" in result.stderr and "is already in the project" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert db_snapshot(fresh) == before


def test_source_option_must_be_known(cli, coded_db, tmp_path):
    path = tmp_path / "p.qdpx"
    cli("export", "refi", "--out", path, db=coded_db)
    fresh = tmp_path / "fresh.db"
    result = cli("import", path, "--source", "webinar", db=fresh)
    assert result.exit_code == 2 and "--source must be one of" in result.stderr
    assert not fresh.exists()
