"""Property tests for the exchange formats: whatever a .qdpx, .qdc or YAML file holds,
the readers raise nothing but our own errors, and a whole `import` of a mangled .qdpx
ends in exit 0 or in one error line with the database unchanged."""

from __future__ import annotations

import io
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from fctest import db_snapshot
from focuscode.cli import app
from focuscode.codebook import parse_codebook
from focuscode.errors import FocuscodeError
from focuscode.refi.archive import decode_text
from focuscode.refi.reader import read_codebook, read_project
from focuscode import yamlsafe

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TEXT = "Gespreksleider: Hoe gaat het?\r\nOOP'er: Ik val vaak in.\nOOP'er: En ik surveilleer. 😀\n"
QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="{origin}">
<Users><User guid="00000000-0000-4000-8000-000000000001" name="coder_a"/></Users>
<CodeBook><Codes><Code guid="00000000-0000-4000-8000-0000000000c1" name="{code}" isCodable="true">
<Code guid="00000000-0000-4000-8000-0000000000c2" name="invallen" isCodable="true"/></Code></Codes></CodeBook>
<Cases><Case guid="00000000-0000-4000-8000-0000000000ca"{case}><SourceRef targetGUID="00000000-0000-4000-8000-0000000000d1"/></Case></Cases>
<Sources><TextSource guid="00000000-0000-4000-8000-0000000000d1" name="fg" plainTextPath="{path}">
<PlainTextSelection guid="00000000-0000-4000-8000-0000000000e1" startPosition="{start}" endPosition="{end}" creatingUser="{user}">
<Description>{memo}</Description>
<Coding guid="00000000-0000-4000-8000-0000000000a1"><CodeRef targetGUID="{ref}"/></Coding></PlainTextSelection>
</TextSource></Sources></Project>"""

_attr = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='<>&"\x00'), max_size=30)
_qde = st.builds(
    lambda origin, code, case, path, start, end, user, memo, ref: QDE.format(
        origin=origin, code=code or "x", case=case, path=path, start=start, end=end, user=user, memo=memo, ref=ref),
    st.sampled_from(["MAXQDA 2022", "ATLAS.ti 9", "QualCoder 3.5", "NVivo 14", "qc 1.3.0", ""]),
    st.sampled_from(["werkdruk", "a::b", "a::b::c", "werkdruk::invallen"]) | _attr,
    st.sampled_from(["", ' name="R1"', ' name=""']),
    # Mostly paths that reach the text, so the text's own troubles are met often.
    st.sampled_from(["internal://d1.txt"] * 4 + ["d1.txt", "sources/d1.txt", "./d1.txt", "Sources\\d1.txt"] * 2
                    + ["../d1.txt", "internal://../x", "/etc/passwd", "relative://d1.txt", "internal://missing.txt",
                       "C:\\d1.txt", ""]),
    st.integers(-5, 120),
    st.integers(-5, 120) | st.sampled_from(["", "x", "1e3", "99999999999999999999"]),
    st.sampled_from(["", "00000000-0000-4000-8000-000000000001", "{00000000-0000-4000-8000-000000000001}"]),
    _attr,
    st.sampled_from(["00000000-0000-4000-8000-0000000000c1", "00000000-0000-4000-8000-0000000000c2",
                     "00000000-0000-4000-8000-0000000000ca", "onbekend", ""]),
)
_source_bytes = st.sampled_from([TEXT.encode("utf-8"), TEXT.encode("utf-8-sig"), TEXT.encode("utf-16"),
                                 TEXT.encode("utf-16")[:-1], TEXT.encode("utf-16-be")[:-1].join([b"\xfe\xff", b""]),
                                 TEXT.encode("cp1252", "replace"), b""])


def _archive(qde: str, source: bytes, member: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(member, qde.encode("utf-8"))
        zf.writestr("sources/d1.txt", source)
    return out.getvalue()


def _mangle(data: bytes, cut: int | None, flips: list[tuple[int, int]]) -> bytes:
    out = bytearray(data[:cut] if cut is not None else data)
    for index, value in flips:
        if out:
            out[index % len(out)] = value
    return bytes(out)


def _read_only_ours(data: bytes, reader=read_project, name: str = "p.qdpx") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            reader(path)
        except FocuscodeError:
            pass


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_qde, _source_bytes, st.sampled_from(["project.qde", "Project.qde", "export.qde"]))
def test_read_project_raises_only_our_errors(qde, source, member):
    _read_only_ours(_archive(qde, source, member))


@SETTINGS
@given(_qde, _source_bytes, st.none() | st.integers(0, 3000),
       st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 255)), min_size=1, max_size=3))
def test_read_project_of_damaged_archives_raises_only_our_errors(qde, source, cut, flips):
    _read_only_ours(_mangle(_archive(qde, source, "project.qde"), cut, flips))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(_qde, _source_bytes)
def test_import_of_any_qdpx_is_exit_0_or_one_line_with_the_database_unchanged(qde, source):
    with tempfile.TemporaryDirectory() as tmp:
        db, path = Path(tmp) / "p.db", Path(tmp) / "p.qdpx"
        runner = CliRunner()
        assert runner.invoke(app, ["init", "--db", str(db)]).exit_code == 0
        path.write_bytes(_archive(qde, source, "project.qde"))
        before = db_snapshot(db)
        result = runner.invoke(app, ["import", str(path), "--db", str(db)], catch_exceptions=False)
        if result.exit_code == 0:
            conn = sqlite3.connect(db)
            stored = " ".join(r[0] for r in conn.execute("SELECT text FROM segments ORDER BY id"))
            conn.close()
            if stored:  # the source text was read: every word of it is stored, in order
                assert stored.split() == decode_text(source, "d1.txt").split()
        else:
            assert result.exit_code == 1, result.output
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
            assert db_snapshot(db) == before


@SETTINGS
@given(st.one_of(st.text(max_size=300), st.lists(st.sampled_from(
    ["- ", "name: ", "children:", "  ", "\n", "&a ", "*a", "!!binary ", "!x ", "{", "[", "]", "}", ": ", "patterns:",
     "[{LEMMA: x}]", "2024-01-01", "~", "'", '"', "\t", "keywords: [a, b]", "\ufeff"]), max_size=40).map("".join)))
def test_yaml_and_codebook_readers_raise_only_our_errors(text):
    try:
        yamlsafe.load(text, "x.yaml")
    except FocuscodeError:
        pass
    try:
        parse_codebook(text, "x.yaml")
    except FocuscodeError:
        pass


@SETTINGS
@given(st.binary(max_size=400) | _qde.map(lambda q: q.replace("Project", "CodeBook").encode("utf-8")))
def test_read_codebook_raises_only_our_errors(data):
    _read_only_ours(data, read_codebook, "c.qdc")
