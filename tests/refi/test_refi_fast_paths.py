"""The REFI writer's fast paths write exactly what the plain definitions would.

GUIDs are computed without uuid objects, values are escaped only when they need
it, and codings are ordered per segment in memory instead of in SQL; a project
exported twice, or by an older focuscode, must keep the same identities.
"""

from __future__ import annotations

import random
import re
import sqlite3
import uuid
import zipfile
from xml.sax.saxutils import escape as sax_escape, quoteattr as sax_quoteattr

from focuscode.refi import _NAMESPACE, make_guid
from focuscode.refi.writer import _NOT_XML, escape, quoteattr


SELECTION = re.compile(r'<PlainTextSelection guid="([^"]+)" name="beurt (\d+)"[^>]*?(?:/>|>(.*?)</PlainTextSelection>)', re.S)


def test_make_guid_is_uuid5_of_the_key():
    keys = ["code:invallen", "sel:focusgroep-oop-po.txt:12", "", "case:P03 OOP'er po",
            "coding:dialoogtafel.txt:4:ad-hoctaken:ans", "note:0:code:Zie ook 'grenzen stellen' — €, 𝄞"]
    rng = random.Random(7)
    keys += ["".join(chr(rng.randint(32, 0x2FFF)) for _ in range(rng.randint(0, 40))) for _ in range(2000)]
    for key in keys:
        assert make_guid(key) == str(uuid.uuid5(_NAMESPACE, key)), key


def test_escaping_matches_saxutils_for_every_awkward_character():
    alphabet = "ab &<>\"'\t\n\r\x00\x01\x0b\x1f\ufffe\uffff éë€"
    rng = random.Random(11)
    values = ["OOP'er po", 'zei "nee"', "'en' \"of\"", "a & b < c > d", "regel 1\nregel 2", ""]
    values += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10))) for _ in range(5000)]
    for value in values:
        clean = _NOT_XML.sub("", value)
        assert escape(value) == sax_escape(clean), repr(value)
        assert quoteattr(value) == sax_quoteattr(clean, {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}), repr(value)


def test_codings_follow_the_codebook_order_with_derived_guids(cli, coded_db, tmp_path):
    out = tmp_path / "p.qdpx"
    assert cli("export", "refi", "--out", out, db=coded_db).exit_code == 0
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde").decode("utf-8")
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in zf.infolist())
    conn = sqlite3.connect(coded_db)
    position = {make_guid("code:" + name): (pos, name) for pos, name in conn.execute("SELECT position, name FROM codes")}
    user = {make_guid("user:" + c): c for (c,) in conn.execute("SELECT DISTINCT coder FROM codings WHERE coder IS NOT NULL")}
    transcripts = {make_guid("source:" + n): n for (n,) in conn.execute("SELECT name FROM transcripts")}

    seen = 0
    for source_guid, body in re.findall(r'<TextSource guid="([^"]+)".*?>(.*?)</TextSource>', qde, re.S):
        transcript = transcripts[source_guid]
        for sel_guid, ordinal, inner in SELECTION.findall(body):
            assert sel_guid == make_guid(f"sel:{transcript}:{ordinal}")
            codings = re.findall(r'<Coding guid="([^"]+)" creatingUser="([^"]+)"[^>]*><CodeRef targetGUID="([^"]+)"/>', inner or "")
            keys = [(position[code], user[u]) for _g, u, code in codings]
            assert keys == sorted(keys)  # code position, code name, coder
            for guid, u, code in codings:
                assert guid == make_guid(f"coding:{transcript}:{ordinal}:{position[code][1]}:{user[u]}")
            seen += len(codings)
    accepted = conn.execute("SELECT count(*) FROM codings WHERE status = 'accepted' AND coder IS NOT NULL").fetchone()[0]
    assert seen == accepted > 50
