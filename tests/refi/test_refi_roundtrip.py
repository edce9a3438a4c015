"""Export refi -> import into a fresh database -> export again: nothing changes."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path


from focuscode.refi.reader import read_project


def canonical(path) -> dict:
    """Everything a REFI-QDA reader sees, in a comparable form (GUIDs included)."""
    p = read_project(path)
    return {
        "users": sorted(p.users.values()),
        "codes": sorted((c.guid, c.name, c.description, c.color, tuple(x.name for x in c.children)) for c in p.walk_codes()),
        "sources": sorted((s.guid, s.name, s.text, tuple(sorted(s.variables.items()))) for s in p.sources),
        "selections": sorted((s.name, x.guid, x.name, x.start, x.end) for s in p.sources for x in s.selections),
        "codings": sorted((s.name, x.start, x.end, c.code_guid, p.users.get(c.user_guid))
                          for s in p.sources for x in s.selections for c in x.codings),
        "cases": sorted((c.guid, c.name, tuple(sorted((k, str(v)) for k, v in c.variables.items())), tuple(c.sources), tuple(c.selections))
                        for c in p.cases),
        "memos": sorted((n.name, n.text, p.users.get(n.user_guid)) for n in p.notes.values()),
    }


def test_round_trip_keeps_codes_selections_codings_cases_and_memos(cli, coded_db, tmp_path):
    first, second = tmp_path / "eerste.qdpx", tmp_path / "tweede.qdpx"
    fresh = tmp_path / "fresh.db"
    assert cli("export", "refi", "--out", first, db=coded_db).exit_code == 0
    result = cli("import", first, "--json", "--attribute", "functie", db=fresh)
    assert result.exit_code == 0, result.output
    assert cli("export", "refi", "--out", second, db=fresh).exit_code == 0

    a, b = canonical(first), canonical(second)
    for key in a:
        assert a[key] == b[key], key
    # And the content is what the project holds, not an empty file that equals itself.
    conn = sqlite3.connect(coded_db)
    accepted = conn.execute("SELECT count(*) FROM codings WHERE status = 'accepted' AND coder IS NOT NULL").fetchone()[0]
    assert len(a["codings"]) == accepted > 50
    assert len(a["selections"]) == conn.execute("SELECT count(*) FROM segments").fetchone()[0]
    assert len(a["cases"]) == conn.execute("SELECT count(*) FROM participants").fetchone()[0]
    assert len(a["memos"]) == 4 and len(a["codes"]) == 6
    assert a["users"] == ["ans", "bram"]


def test_round_trip_keeps_the_database_facts(cli, coded_db, tmp_path):
    """Turn texts, participants' role/sector, codings per coder and memo targets survive."""
    path, fresh = tmp_path / "p.qdpx", tmp_path / "fresh.db"
    cli("export", "refi", "--out", path, db=coded_db)
    assert cli("import", path, "--attribute", "functie", db=fresh).exit_code == 0

    def facts(db):
        conn = sqlite3.connect(db)
        segs = conn.execute(
            "SELECT t.name, s.ordinal, s.text, p.role, p.sector, p.school_type, COALESCE(p.is_facilitator, 0), t.source "
            "FROM segments s JOIN transcripts t ON t.id = s.transcript_id LEFT JOIN participants p ON p.id = s.participant_id "
            "ORDER BY t.name, s.ordinal").fetchall()
        codings = conn.execute(
            "SELECT t.name, s.ordinal, k.name, c.coder FROM codings c JOIN segments s ON s.id = c.segment_id "
            "JOIN transcripts t ON t.id = s.transcript_id JOIN codes k ON k.id = c.code_id "
            "WHERE c.status = 'accepted' AND c.coder IS NOT NULL ORDER BY 1, 2, 3, 4").fetchall()
        memos = conn.execute("SELECT target, coder, text FROM memos ORDER BY id").fetchall()
        codes = conn.execute("SELECT k.name, p.name, k.description, k.color FROM codes k LEFT JOIN codes p ON p.id = k.parent_id ORDER BY k.name").fetchall()
        return segs, codings, memos, codes

    assert facts(coded_db) == facts(fresh)


def test_selection_offsets_are_code_points_with_exclusive_end(cli, coded_db, tmp_path):
    path = tmp_path / "p.qdpx"
    cli("export", "refi", "--out", path, db=coded_db)
    project = read_project(path)
    conn = sqlite3.connect(coded_db)
    texts = {(t, o): x for t, o, x in conn.execute(
        "SELECT t.name, s.ordinal, s.text FROM segments s JOIN transcripts t ON t.id = s.transcript_id")}
    checked = 0
    for src in project.sources:
        for sel in src.selections:
            ordinal = int(sel.name.split()[-1])
            assert src.text[sel.start : sel.end] == texts[(src.name, ordinal)]
            checked += 1
    # Dutch characters (ë, é, ’) before a selection would shift UTF-8 byte offsets: they are in the sample.
    assert any(ord(ch) > 127 for src in project.sources for ch in src.text)
    assert checked == len(texts)


def test_export_holds_no_participant_labels(cli, coded_db, tmp_path):
    path = tmp_path / "p.qdpx"
    cli("export", "refi", "--out", path, db=coded_db)
    conn = sqlite3.connect(coded_db)
    labels = {r[0] for r in conn.execute("SELECT label FROM participants")}
    with zipfile.ZipFile(path) as zf:
        qde = zf.read("project.qde").decode("utf-8")
    assert "OOP'er 1 (po)" in labels
    for label in labels:
        assert f'name="{label}"' not in qde and f">{label}<" not in qde
    assert 'name="P02 OOP&apos;er po"' in qde or "name=\"P02 OOP'er po\"" in qde


def test_codebook_only_round_trip(cli, coded_db, tmp_path):
    qdc = tmp_path / "codes.qdc"
    assert cli("export", "refi", "--codebook-only", "--out", qdc, db=coded_db).exit_code == 0
    fresh = tmp_path / "fresh.db"
    result = cli("codebook", "load", qdc, db=fresh)
    assert result.exit_code == 0, result.output
    shown = cli("codebook", "show", "--json", db=fresh)
    import json

    codes = {c["name"]: c for c in json.loads(shown.stdout)}
    assert codes["invallen"]["parent"] == "ad-hoctaken" and codes["visie"]["color"] == "#1f77b4"
    assert codes["klusjes"]["description"] == "Kleine klussen zoals kopiëren en klaarzetten."


def test_wrong_suffix_is_a_usage_error(cli, coded_db, tmp_path):
    result = cli("export", "refi", "--out", tmp_path / "p.zip", db=coded_db)
    assert result.exit_code == 2 and "p.zip" in result.stderr
    assert not (tmp_path / "p.zip").exists()


def test_control_characters_in_memos_do_not_break_the_xml(cli, coded_db, tmp_path):
    import xmlschema

    schemas = Path(__file__).parent / "schemas"  # vendored, see schemas/NOTICE.md
    conn = sqlite3.connect(coded_db)
    conn.execute("UPDATE memos SET text = 'Piep\x07 en\x0b tab\tklaar' WHERE target = 'project'")
    conn.commit()
    conn.close()
    path = tmp_path / "p.qdpx"
    assert cli("export", "refi", "--out", path, db=coded_db).exit_code == 0
    with zipfile.ZipFile(path) as zf:
        xmlschema.XMLSchema(str(schemas / "Project.xsd")).validate(zf.read("project.qde").decode("utf-8"))
    notes = {n.text for n in read_project(path).notes.values()}
    assert "Piep en tab\tklaar" in notes
