"""Hostile or broken .qdpx archives: a clear line, exit 1, the database as it was.

The archives imitate a REFI-QDA export (project.qde plus GUID-named files in
`sources/`) with one thing made hostile: members that would expand far past
what any project holds, a code tree thousands of levels deep, a UTF-16 text cut
in the middle of a character, a second archive that cannot be stored.
"""

from __future__ import annotations

import io
import sqlite3
import time
import zipfile

import pytest

from fctest import db_snapshot
from focuscode.errors import InputFileError
from focuscode.ziplimits import Budget, Limits

HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="{name}" origin="MAXQDA 2022">\n'
TEXT = "Gespreksleider: Hoe gaat het met de inzet?\nOOP'er: Ik val vaak in, dat is niet de afspraak.\n"


def _source(i: int, path: str) -> str:
    return f'<TextSource guid="d0000000-0000-4000-8000-{i:012d}" name="bron-{i}" plainTextPath="{path}"/>\n'


def _qdpx(path, name: str, sources: str, members: dict, *, codebook: str = ""):
    """An export's archive: project.qde with `codebook` and `sources`, plus the given members."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", HEAD.format(name=name) + codebook + "<Sources>\n" + sources + "</Sources></Project>")
        for member, data in members.items():
            zf.writestr(member, data)
    return path


def _refused(result, *needles):
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


@pytest.fixture
def before(coded_db):
    return db_snapshot(coded_db)


def test_one_member_read_by_many_sources_stops_at_the_byte_budget(cli, coded_db, before, tmp_path):
    # 9.5 MB of text, under any per-member or ratio check, named by 30 sources: 285 MB to expand.
    block = ("OOP'er: Ik val in. " * 500_000)[: 9_500_000].encode("utf-8")
    path = _qdpx(tmp_path / "gedeeld.qdpx", "bom", "".join(_source(i, "internal://gedeeld.txt") for i in range(30)),
                 {"sources/gedeeld.txt": block})
    assert path.stat().st_size < 1_000_000
    _refused(cli("import", path, db=coded_db), "gedeeld.qdpx", "expands to more than 256 MB")
    assert db_snapshot(coded_db) == before


def test_members_declaring_more_than_the_total_are_refused_before_expanding(cli, coded_db, before, tmp_path):
    # Thirty members of 9.5 MB each: small enough to pass a per-member ratio check.
    zeros = bytes(9_500_000)
    path = _qdpx(tmp_path / "bom.qdpx", "bom", _source(1, "internal://bron.txt"),
                 {"sources/bron.txt": TEXT, **{f"sources/bijlage-{i}.txt": zeros for i in range(30)}})
    start = time.monotonic()
    _refused(cli("import", path, db=coded_db), "bom.qdpx", "would expand to more than 256 MB")
    assert time.monotonic() - start < 5  # nothing was expanded
    assert db_snapshot(coded_db) == before


def test_media_members_are_never_expanded_and_do_not_count(cli, db_path, tmp_path):
    # An export with its recordings inside: large, but never read.
    recording = bytes(9_500_000)
    path = _qdpx(tmp_path / "met-opnames.qdpx", "opnames", _source(1, "internal://bron.txt"),
                 {"sources/bron.txt": TEXT, **{f"sources/opname-{i}.mp4": recording for i in range(30)}})
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM segments").fetchone()[0] == 2


def test_budget_streams_and_stops_at_the_limit():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(3):
            zf.writestr(f"sources/{i}.txt", ("Ik surveilleer. " * 40_000).encode())  # 640 KB each
    zf = zipfile.ZipFile(data)
    budget = Budget(zf, "x.qdpx", Limits(member=1024 * 1024, total=1024 * 1024))
    assert len(budget.read(zf.getinfo("sources/0.txt"))) == 640_000
    with pytest.raises(InputFileError, match="expands to more than 1 MB"):
        budget.read(zf.getinfo("sources/1.txt"))


def _nested(depth: int) -> str:
    return "".join(f'<Code guid="c0000000-0000-4000-8000-{i:012d}" name="laag {i}" isCodable="true">' for i in range(depth)) \
        + "</Code>" * depth


@pytest.mark.parametrize("codes", [
    _nested(5000),  # NVivo-style nesting, run wild
    '<Code guid="c0000000-0000-4000-8000-000000000001" name="' + "::".join(f"laag {i}" for i in range(5000))
    + '" isCodable="true"/>',  # ATLAS.ti-style flattened names
])
def test_code_tree_thousands_deep_is_one_line(codes, cli, coded_db, before, tmp_path):
    path = _qdpx(tmp_path / "diep.qdpx", "diep", _source(1, "internal://bron.txt"), {"sources/bron.txt": TEXT},
                 codebook=f"<CodeBook><Codes>{codes}</Codes></CodeBook>")
    _refused(cli("import", path, db=coded_db), "diep.qdpx", "codes nested deeper than 100 levels")
    assert db_snapshot(coded_db) == before


def test_deep_qdc_codebook_is_one_line_and_keeps_the_codebook(cli, coded_db, before, tmp_path):
    path = tmp_path / "diep.qdc"
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14">'
                    f"<Codes>{_nested(5000)}</Codes></CodeBook>", encoding="utf-8")
    _refused(cli("codebook", "load", path, db=coded_db), "diep.qdc", "nested deeper than")
    assert db_snapshot(coded_db) == before


def test_utf16_source_of_odd_length_is_one_line(cli, coded_db, before, tmp_path):
    data = TEXT.encode("utf-16")[:-1]  # cut in the middle of the last character
    path = _qdpx(tmp_path / "utf16.qdpx", "utf16", _source(1, "internal://bron.txt"), {"sources/bron.txt": data})
    _refused(cli("import", path, db=coded_db), "bron.txt", "UTF-16", "odd number of bytes")
    assert db_snapshot(coded_db) == before


def test_a_whole_utf16_source_is_read(cli, db_path, tmp_path):
    path = _qdpx(tmp_path / "utf16.qdpx", "utf16", _source(1, "internal://bron.txt"), {"sources/bron.txt": TEXT.encode("utf-16")})
    assert cli("import", path).exit_code == 0
    assert [r[0] for r in sqlite3.connect(db_path).execute("SELECT text FROM segments ORDER BY ordinal")] == TEXT.strip().split("\n")


def test_two_archives_in_one_import_are_one_transaction(cli, coded_db, before, tmp_path):
    """The second archive clashes with the first (both hold a source 'bron-1'): neither is stored."""
    paths = [_qdpx(tmp_path / f"{name}.qdpx", name, _source(1, "internal://bron.txt"), {"sources/bron.txt": TEXT})
             for name in ("ronde-1", "ronde-2")]
    _refused(cli("import", *paths, db=coded_db), "ronde-2.qdpx", "already in the project")
    assert db_snapshot(coded_db) == before


def test_selections_over_whole_sources_many_times_over_are_refused(cli, coded_db, before, tmp_path, monkeypatch):
    """Every selection of a MAXQDA-shaped file covers the whole of a long source: each one codes
    every turn, so a file of a few megabytes could ask for billions of decisions. The limit is
    lowered here so the test stays small; the real one is a million."""
    from focuscode.refi import importer

    monkeypatch.setattr(importer, "MAX_PLACEMENTS", 2000)
    text = "".join(f"OOP'er {i % 7 + 1}: Ik val in als er iemand ziek is, week {i}.\n" for i in range(100))
    code = '<CodeBook><Codes><Code guid="c0000000-0000-4000-8000-000000000001" name="invallen" isCodable="true"/></Codes></CodeBook>'
    sels = "".join(f'<PlainTextSelection guid="e0000000-0000-4000-8000-{n:012d}" name="" startPosition="0" endPosition="{len(text)}">'
                   f'<Coding guid="a0000000-0000-4000-8000-{n:012d}"><CodeRef targetGUID="c0000000-0000-4000-8000-000000000001"/>'
                   "</Coding></PlainTextSelection>" for n in range(30))
    source = _source(1, "internal://bron.txt").replace("/>\n", f">{sels}</TextSource>\n")
    path = _qdpx(tmp_path / "overal.qdpx", "overal", source, {"sources/bron.txt": text}, codebook=code)
    _refused(cli("import", path, db=coded_db), "overal.qdpx", "touch more than 2,000 turns")
    assert db_snapshot(coded_db) == before
    # At the limit the same file imports: 30 selections of the same words are one decision per turn.
    monkeypatch.setattr(importer, "MAX_PLACEMENTS", 3000)
    fresh = tmp_path / "fresh.db"
    assert cli("import", path, db=fresh).exit_code == 0
    assert sqlite3.connect(fresh).execute("SELECT count(*) FROM codings").fetchone()[0] == 100
