"""stats and cooccurrence count in SQL (GROUP BY); these tests hold them to the
plain per-segment definition, on the coded sample transcripts plus the awkward
cases: attribute values of every JSON type, a key no JSON path can name, a turn
without a participant, a facilitator, an inactive code and an inactive theme."""

from __future__ import annotations

import json
from itertools import product

import pytest

from focuscode.analysis.cooccurrence import cooccurrence
from focuscode.analysis.stats import code_stats
from focuscode.analysis.units import UNKNOWN, code_tree
from focuscode.db import now, open_project

ODD_KEY = 'rol "formeel"'


def _reference_segments(db, coder=None, include_suggested=False):
    """segment id -> (transcript id, transcript, source, participant id, participant row, codes with ancestors)."""
    tree = code_tree(db)
    statuses = ("accepted", "suggested") if include_suggested else ("accepted",)
    sql = f"""
        SELECT s.id, s.transcript_id, t.name, t.source, s.participant_id, p.role, p.sector, p.school_type,
               p.attributes, c.code_id, c.coder
        FROM codings c JOIN segments s ON s.id = c.segment_id JOIN transcripts t ON t.id = s.transcript_id
        LEFT JOIN participants p ON p.id = s.participant_id
        WHERE c.status IN ({','.join('?' * len(statuses))}) AND COALESCE(p.is_facilitator, 0) = 0
    """
    out: dict[int, dict] = {}
    for sid, tid, tname, source, pid, role, sector, school, attrs, cid, who in db.execute(sql, statuses):
        if coder and who not in (coder, None):
            continue
        if cid not in tree.names:
            continue
        seg = out.setdefault(sid, {"tid": tid, "transcript": tname, "source": source, "pid": pid, "role": role,
                                   "sector": sector, "school_type": school,
                                   "attributes": json.loads(attrs or "{}"), "codes": set()})
        seg["codes"].update(tree.ancestors(cid))
    return tree, out


def _value(seg, dim):
    if dim in ("source", "transcript"):
        return seg[dim]
    if dim in ("role", "sector", "school_type"):
        return seg[dim] or UNKNOWN
    value = seg["attributes"].get(dim)
    return UNKNOWN if value in (None, "") else str(value)


def _reference_stats(db, dims, **kw):
    tree, segments = _reference_segments(db, coder=kw.get("coder"), include_suggested=kw.get("include_suggested", False))
    out = {}
    for dim in dims:
        cells: dict = {}
        for seg in segments.values():
            person = (seg["tid"], seg["pid"]) if seg["pid"] else None
            for cid in seg["codes"]:
                for key in ((cid, _value(seg, dim)), (cid, None)):
                    n, people = cells.setdefault(key, [0, set()])
                    cells[key][0] = n + 1
                    if person:
                        people.add(person)
        values = sorted({_value(s, dim) for s in segments.values()}, key=lambda v: (v == UNKNOWN, v.lower()))
        out[dim] = (values, {(tree.names[c], v): (n, len(p)) for (c, v), (n, p) in cells.items()})
    return out


def _reference_matrix(db, level, **kw):
    tree, segments = _reference_segments(db, **kw)
    units: dict = {}
    for sid, seg in segments.items():
        units.setdefault(sid if level == "segment" else seg["tid"], set()).update(seg["codes"])
    counts: dict = {}
    for present in units.values():
        for a, b in product(present, present):
            counts[(tree.names[a], tree.names[b])] = counts.get((tree.names[a], tree.names[b]), 0) + 1
    return len(units), counts


@pytest.fixture
def awkward_db(coded_db):
    db = open_project(coded_db)
    stamp = now()
    with db.conn:
        people = [r[0] for r in db.execute(
            "SELECT p.id FROM participants p WHERE p.is_facilitator = 0 ORDER BY p.id")]
        odd = [{"functie": 3}, {"functie": ""}, {"functie": True}, {"functie": ["toa", "conciërge"]},
               {"functie": None}, {"functie": 2.5}, {ODD_KEY: "ja"}, {"functie": "onderwijsassistent", ODD_KEY: ""}]
        assert len(people) >= len(odd) + 2
        for pid, attrs in zip(people[2:], odd):
            db.execute("UPDATE participants SET attributes = ? WHERE id = ?", [json.dumps(attrs, ensure_ascii=False), pid])
        db.execute("UPDATE participants SET role = '' WHERE id = ?", [people[1]])
        from focuscode.privacy.gate import declare_attributes

        declare_attributes(db, [ODD_KEY])  # only declared attributes are dimensions
        # A coded turn whose speaker is not in the participants file.
        sid = db.execute("SELECT c.segment_id FROM codings c WHERE c.status = 'accepted' LIMIT 1").fetchone()[0]
        db.execute("UPDATE segments SET participant_id = NULL WHERE id = ?", [sid])
        # A facilitator's turn with a code: never counted.
        fac = db.execute("SELECT s.id FROM segments s JOIN participants p ON p.id = s.participant_id "
                         "WHERE p.is_facilitator = 1 LIMIT 1").fetchone()[0]
        code = db.execute("SELECT id FROM codes WHERE name = 'visie'").fetchone()[0]
        db.execute("INSERT OR IGNORE INTO codings (segment_id, code_id, coder, status, method, created_at, updated_at) "
                   "VALUES (?, ?, 'ans', 'accepted', 'manual', ?, ?)", [fac, code, stamp, stamp])
        # Suggestions (coder NULL) for --include-suggested.
        for (seg,) in db.execute("SELECT id FROM segments ORDER BY id LIMIT 40").fetchall():
            db.execute("INSERT OR IGNORE INTO codings (segment_id, code_id, coder, status, method, score, created_at, "
                       "updated_at) VALUES (?, ?, NULL, 'suggested', 'rules', 0.5, ?, ?)", [seg, code, stamp, stamp])
    return db


def _coders(db):
    return [r[0] for r in db.execute("SELECT DISTINCT coder FROM codings WHERE coder IS NOT NULL ORDER BY 1")]


def _check_stats(db, dims, **kw):
    tables = code_stats(db, dims, **kw)
    reference = _reference_stats(db, dims, **kw)
    assert [t.dimension for t in tables] == dims
    for table in tables:
        values, cells = reference[table.dimension]
        assert table.values == values
        for row in table.rows:
            assert (row["total"].segments, row["total"].participants) == cells.get((row["code"], None), (0, 0))
            for v in values:
                c = row["by"][v]
                assert (c.segments, c.participants) == cells.get((row["code"], v), (0, 0)), (table.dimension, row["code"], v)
    return tables


def test_stats_equal_the_per_segment_definition(awkward_db):
    db = awkward_db
    dims = ["sector", "role", "source", "transcript", "school_type", "functie", ODD_KEY]
    tables = _check_stats(db, dims)
    functie = next(t for t in tables if t.dimension == "functie")
    # Numbers, booleans and lists show as Python shows them; "" and null as unknown.
    assert {"3", "True", "2.5", "['toa', 'conciërge']", UNKNOWN} <= set(functie.values)
    assert next(t for t in tables if t.dimension == ODD_KEY).values == ["ja", UNKNOWN]
    for coder in _coders(db):
        _check_stats(db, ["sector", "functie"], coder=coder)
    _check_stats(db, ["role", "transcript"], include_suggested=True, themes_only=True)


def test_stats_with_inactive_codes_and_an_inactive_theme(awkward_db):
    db = awkward_db
    with db.conn:
        db.execute("UPDATE codes SET active = 0 WHERE name IN ('klusjes', 'doorgroei')")
    tables = _check_stats(db, ["sector", "source"])
    names = [r["code"] for r in tables[0].rows]
    assert "klusjes" not in names and "doorgroei" not in names


@pytest.mark.parametrize("level", ["segment", "transcript"])
def test_cooccurrence_equals_the_per_segment_definition(awkward_db, level):
    db = awkward_db
    with db.conn:
        db.execute("UPDATE codes SET active = 0 WHERE name = 'klusjes'")
    variants = [{}, {"include_suggested": True}] + [{"coder": c} for c in _coders(db)]
    for kw in variants:
        matrix = cooccurrence(db, level=level, **kw)
        units, counts = _reference_matrix(db, level, **kw)
        assert matrix.units == units > 0
        for i, a in enumerate(matrix.codes):
            for j, b in enumerate(matrix.codes):
                assert matrix.counts[i][j] == counts.get((a, b), 0), (kw, a, b)
    themes = cooccurrence(db, level=level, themes_only=True)
    assert themes.codes == [c for c in matrix.codes if c in {"visie", "ad-hoctaken", "doorgroei", "afstemming"}]
