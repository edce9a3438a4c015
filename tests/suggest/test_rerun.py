"""A rerun of suggest rewrites the suggestions it finds again in place, with the same result as
deleting every old suggestion and inserting the new ones, except that a suggestion found
again exactly as it stood keeps its row untouched (and the time it was first made so).

The turns imitate a Microsoft Teams focus group with OOP'ers in primary schools, exported
as WebVTT with voice tags; the codebook fragment is shaped like codebook/oop.yaml.
"""

from __future__ import annotations

import sqlite3

import pytest
from fctest import sql_rows

BOOK = """
- name: ad-hoctaken
  keywords: [invallen, klusjes]
  children:
    - name: surveilleren
      keywords: [pleinwacht, surveillance]
- name: doorgroei
  keywords: [opleiding, doorgroeien]
"""
# the same codebook after a revision: 'klusjes' dropped, 'kopieerwerk' added
REVISED = BOOK.replace("[invallen, klusjes]", "[invallen, kopieerwerk]")

VTT = """WEBVTT

00:00:01.000 --> 00:00:05.000
<v Gespreksleider>Wat doen jullie naast het werk in de groep?

00:00:06.000 --> 00:00:14.000
<v OOP'er 1 (po)>Ik moet vaak invallen als een leerkracht ziek is, en daarna blijft er kopieerwerk liggen.

00:00:15.000 --> 00:00:21.000
<v OOP'er 2 (po)>Bij ons doe ik de pleinwacht en allerlei klusjes die blijven liggen.

00:00:22.000 --> 00:00:27.000
<v OOP'er 3 (po)>Ik zou graag een opleiding volgen om door te groeien naar leerkracht.

00:00:28.000 --> 00:00:35.000
<v OOP'er 1 (po)>Het kopieerwerk en de klusjes komen altijd bij mij terecht, naast de surveillance.
"""

COLUMNS = ("segment_id, code_id, coder, status, method, score, evidence, span_start, span_end, suggestion_id, "
           "model_id, created_at, updated_at, coder_id, codebook_version")


@pytest.fixture
def project(cli, db_path, tmp_path):
    (tmp_path / "teams-fg-po.vtt").write_text(VTT, encoding="utf-8")
    book = tmp_path / "oop-fragment.yaml"
    book.write_text(BOOK, encoding="utf-8")
    assert cli("codebook", "load", book).exit_code == 0
    result = cli("import", tmp_path / "teams-fg-po.vtt", "--source", "focusgroep", "--allow-pii", "--allow-unknown")
    assert result.exit_code == 0, result.output
    assert cli("suggest").exit_code == 0
    return db_path


def _table(path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT {COLUMNS} FROM codings ORDER BY segment_id, code_id, method, coder").fetchall()
    finally:
        conn.close()


def _suggestions(path) -> dict[tuple[int, str, str], tuple]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT s.ordinal, k.name, c.method, c.id, c.score, c.evidence FROM codings c JOIN codes k ON k.id = c.code_id "
            "JOIN segments s ON s.id = c.segment_id WHERE c.coder IS NULL").fetchall()
    finally:
        conn.close()
    return {(turn, code, method): (cid, score, evidence) for turn, code, method, cid, score, evidence in rows}


def _decide(cli, tmp_path, line: str) -> None:
    decisions = tmp_path / "codering.csv"
    decisions.write_text(f"segment,code\n{line}\n", encoding="utf-8")
    assert cli("code", "--from-file", decisions, "--coder", "anna").exit_code == 0


def _link(path) -> int | None:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT suggestion_id FROM codings WHERE coder = 'anna'").fetchone()[0]
    finally:
        conn.close()


STAMPS = ("created_at", "updated_at")


def _without_stamps(rows: list[tuple]) -> list[tuple]:
    at = [COLUMNS.split(", ").index(c) for c in STAMPS]
    return [tuple(v for i, v in enumerate(r) if i not in at) for r in rows]


def _stamps(path) -> dict[tuple[int, int, str], tuple[str, str]]:
    rows = sql_rows(path, "SELECT segment_id, code_id, method, created_at, updated_at FROM codings WHERE coder IS NULL")
    return {(sid, cid, method): (created, updated) for sid, cid, method, created, updated in rows}


def test_in_place_replacement_leaves_the_table_as_delete_and_insert_would(project, tmp_path, cli):
    from focuscode.db import open_project, transaction
    from focuscode.suggest import _insert_suggestions, _replace_suggestions

    _decide(cli, tmp_path, "teams-fg-po.vtt:3,ad-hoctaken")  # on a rule suggestion: linked to it
    assert _link(project) is not None
    copy = tmp_path / "copy.db"
    source, target = sqlite3.connect(project), sqlite3.connect(copy)
    source.backup(target)  # the write-ahead log too
    source.close()
    target.close()
    first = _stamps(project)
    db = open_project(project)
    old = db.execute("SELECT segment_id, code_id, method, score, evidence, span_start, span_end, model_id "
                     "FROM codings WHERE coder IS NULL AND method = 'rules' ORDER BY id").fetchall()
    assert len(old) >= 4
    stamp = "2031-05-04T10:00:00+00:00"  # a rerun years later: no clock second can make it equal
    # a rerun's rows: one suggestion gone, one found again with other evidence, the rest the same, one new
    rows = [(*r, stamp, stamp) for r in old[1:]]
    rows[0] = (*rows[0][:3], 0.9123, '{"matches": []}', *rows[0][5:])
    taken = {(r[0], r[1]) for r in old}
    codes = [r[0] for r in db.execute("SELECT id FROM codes")]
    segment = old[0][0]
    new_code = next(c for c in codes if (segment, c) not in taken)
    rows.append((segment, new_code, "rules", 0.61, '{"matches": []}', 0, 4, None, stamp, stamp))
    with transaction(db):
        _replace_suggestions(db, ("rules", "similarity"), rows)
    db.close()
    other = open_project(copy)
    with transaction(other):
        other.execute("DELETE FROM codings WHERE coder IS NULL AND method IN ('rules', 'similarity')")
        _insert_suggestions(other, rows)
    other.close()
    assert _without_stamps(_table(project)) == _without_stamps(_table(copy))
    assert _link(project) is None  # the decision lost its link, as ON DELETE SET NULL does
    # the stamps: a suggestion found again exactly as it stood keeps the time it was first made
    # so; one found with other evidence, and a new one, carry the rerun's time
    after = _stamps(project)
    changed, added = (rows[0][0], rows[0][1], "rules"), (segment, new_code, "rules")
    unchanged = [(r[0], r[1], r[2]) for r in old[2:]]
    assert after[changed] == (stamp, stamp) and after[added] == (stamp, stamp)
    assert unchanged and all(after[k] == first[k] != (stamp, stamp) for k in unchanged)
    # the closeness suggestions were not among the rows: gone, as deleting them would leave it
    assert not any(k[2] == "similarity" for k in after)


def test_a_rerun_after_a_codebook_revision(project, tmp_path, cli):
    before = _suggestions(project)
    assert (3, "ad-hoctaken", "rules") in before and (2, "ad-hoctaken", "rules") in before
    (tmp_path / "revised.yaml").write_text(REVISED, encoding="utf-8")
    assert cli("codebook", "load", tmp_path / "revised.yaml").exit_code == 0
    assert cli("suggest").exit_code == 0
    after = _suggestions(project)
    # turn 3 had only 'klusjes' for ad-hoctaken: gone; turn 2 now has 'invallen' and 'kopieerwerk'
    assert (3, "ad-hoctaken", "rules") not in after
    assert '"kopieerwerk"' in after[(2, "ad-hoctaken", "rules")][2]
    assert '"klusjes"' not in after[(5, "ad-hoctaken", "rules")][2] and '"kopieerwerk"' in after[(5, "ad-hoctaken", "rules")][2]
    # a suggestion found again keeps its row
    assert after[(3, "surveilleren", "rules")][0] == before[(3, "surveilleren", "rules")][0]
    # and a fresh project with the revised codebook stores the same suggestions
    fresh = tmp_path / "fresh.db"
    for args in (("codebook", "load", tmp_path / "revised.yaml"),
                 ("import", tmp_path / "teams-fg-po.vtt", "--source", "focusgroep", "--allow-pii", "--allow-unknown"),
                 ("suggest",)):
        assert cli(*args, db=fresh).exit_code == 0
    assert {k: v[1:] for k, v in _suggestions(fresh).items()} == {k: v[1:] for k, v in after.items()}


@pytest.mark.parametrize("variables", [32766, 999, 25])
def test_suggestions_are_inserted_in_order_however_many_fit_a_statement(project, variables):
    """Suggestions go in several hundred rows to a statement (see _insert_suggestions): every
    row arrives, in the order given (ids follow it), also where SQLite allows fewer variables
    per statement (999 in builds before 3.32; 25 leaves two rows a statement). On the
    project's own codings table, its CHECK constraints included, without its indexes (whose
    one suggestion per segment, code and method would cap the rows at this fixture's 15)."""
    import sqlite3 as sq
    from types import SimpleNamespace

    from focuscode.suggest import _insert_suggestions

    source = sq.connect(project)
    table = source.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'codings'").fetchone()[0]
    segment, code = source.execute("SELECT segment_id, code_id FROM codings WHERE coder IS NULL LIMIT 1").fetchone()
    source.close()
    conn = sq.connect(":memory:")
    conn.execute(table)
    conn.setlimit(sq.SQLITE_LIMIT_VARIABLE_NUMBER, variables)
    stamp = "2031-05-04T10:00:00+00:00"
    # 1,234 rows: two full statements of 500 and a partial one (or 617 statements of two)
    rows = [(segment, code, ("rules", "similarity", "prior")[i % 3], round(i / 2000, 4), f'{{"n": {i}}}', i, i + 3,
             None, stamp, stamp) for i in range(1234)]
    _insert_suggestions(SimpleNamespace(conn=conn), iter(rows))  # (a generator, as model suggestions come)
    stored = conn.execute("SELECT segment_id, code_id, method, score, evidence, span_start, span_end, model_id, "
                          "created_at, updated_at FROM codings ORDER BY id").fetchall()
    assert stored == rows
    with pytest.raises(sq.IntegrityError):  # the CHECK constraints still hold, 500 rows a statement or not
        _insert_suggestions(SimpleNamespace(conn=conn), [(*rows[0][:2], "guess", *rows[0][3:])])
