"""stats and cooccurrence: counts that match the database, a correct diagonal, readable charts."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import warnings

import pytest

from focuscode.analysis.charts import heatmap_chart, themes_by_sector_chart
from focuscode.analysis.cooccurrence import cooccurrence
from focuscode.analysis.stats import code_stats
from focuscode.db import open_project, transaction

THEME_SQL = """
WITH RECURSIVE sub(id, theme) AS (
  SELECT id, id FROM codes WHERE parent_id IS NULL
  UNION ALL SELECT c.id, sub.theme FROM codes c JOIN sub ON c.parent_id = sub.id)
SELECT t.name, p.sector, count(DISTINCT c.segment_id), count(DISTINCT c.segment_id || '-' || s.participant_id)
FROM codings c JOIN sub ON sub.id = c.code_id JOIN codes t ON t.id = sub.theme
JOIN segments s ON s.id = c.segment_id JOIN participants p ON p.id = s.participant_id
WHERE c.status = 'accepted' AND p.is_facilitator = 0 GROUP BY t.name, p.sector
"""


def test_stats_by_sector_match_the_database(cli, coded_db):
    result = cli("stats", "--by", "sector", "--json", db=coded_db)
    assert result.exit_code == 0, result.output
    table = json.loads(result.stdout)[0]
    assert table["dimension"] == "sector" and table["values"] == ["po", "vo"]
    conn = sqlite3.connect(coded_db)
    expected = {(theme, sector): segs for theme, sector, segs, _ in conn.execute(THEME_SQL)}
    rows = {r["code"]: r for r in table["codes"]}
    for (theme, sector), segs in expected.items():
        assert rows[theme]["by"][sector]["segments"] == segs
    for theme in ("visie", "ad-hoctaken", "doorgroei", "afstemming"):
        r = rows[theme]
        assert r["segments"] == sum(v["segments"] for v in r["by"].values()) > 0
        assert 0 < r["participants"] <= r["segments"]
    # A theme counts a segment once even when it carries the theme's two subcodes.
    assert rows["ad-hoctaken"]["segments"] < rows["invallen"]["segments"] + rows["klusjes"]["segments"]
    assert rows["invallen"]["parent"] == "ad-hoctaken" and rows["invallen"]["depth"] == 1


def test_stats_by_any_participant_attribute_and_csv(cli, coded_db):
    result = cli("stats", "--by", "functie", "--by", "source", "--csv", db=coded_db)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert {r["dimension"] for r in rows} == {"functie", "source"}
    toa = [r for r in rows if r["value"] == "technisch onderwijsassistent (toa)" and r["code"] == "klusjes"]
    assert toa and int(toa[0]["segments"]) > 0
    total = [r for r in rows if r["dimension"] == "source" and r["value"] == "(totaal)" and r["code"] == "visie"][0]
    focus = [r for r in rows if r["dimension"] == "source" and r["value"] == "focusgroep" and r["code"] == "visie"][0]
    assert total["segments"] == focus["segments"]


def test_stats_human_table(cli, coded_db):
    result = cli("stats", "--by", "role", db=coded_db)
    assert result.exit_code == 0
    assert "role: fragmenten (deelnemers)" in result.stdout and "OOP'er" in result.stdout and "afstemming" in result.stdout


@pytest.mark.parametrize("args, code, message", [
    (["stats", "--by", "functies"], 2, "--by 'functies' is not a participant attribute"),
    (["stats", "--coder", "niemand"], 1, "no codings by coder 'niemand'"),
    (["stats", "--json", "--csv"], 2, "--json and --csv do not go together"),
    # --level and --measure are Click Choices: tests/foundation/test_cli_choices.py
    (["cooccurrence", "--code", "bestaatniet"], 2, "unknown code 'bestaatniet'"),
    (["stats", "--plot", "grafiek.txt"], 1, "--plot needs a .png"),
])
def test_bad_analysis_options(args, code, message, cli, coded_db, tmp_path):
    args = [a if a != "grafiek.txt" else str(tmp_path / a) for a in args]
    result = cli(*args, db=coded_db)
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert not (tmp_path / "grafiek.txt").exists()


@pytest.fixture
def small(tmp_path):
    """Two transcripts; in the first, code a (5 segments) and b (2 of them) co-occur; c only in the second."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from project_builder import build_project

    path = build_project(tmp_path / "small.db", transcripts=("focusgroep-oop-po.txt", "focusgroep-oop-vo.txt"))
    db = open_project(path)
    with transaction(db):
        db.execute("DELETE FROM codings")
        db.execute("UPDATE codes SET active = 0")
        for name in ("a", "b", "coördinatie"):
            db.execute("INSERT INTO codes (name, position) VALUES (?, 100)", [name])
        ids = {n: i for i, n in db.execute("SELECT id, name FROM codes WHERE active = 1")}
        first = [r[0] for r in db.execute(
            "SELECT s.id FROM segments s JOIN participants p ON p.id = s.participant_id "
            "WHERE s.transcript_id = 1 AND p.is_facilitator = 0 ORDER BY s.id LIMIT 5")]
        second = [r[0] for r in db.execute(
            "SELECT s.id FROM segments s JOIN participants p ON p.id = s.participant_id "
            "WHERE s.transcript_id = 2 AND p.is_facilitator = 0 ORDER BY s.id LIMIT 3")]
        rows = [(s, ids["a"]) for s in first] + [(s, ids["b"]) for s in first[:2]] + [(s, ids["coördinatie"]) for s in second]
        rows += [(second[0], ids["a"])]
        for seg, cid in rows:
            db.execute("INSERT INTO codings (segment_id, code_id, coder, status, method, created_at, updated_at) "
                       "VALUES (?, ?, 'ans', 'accepted', 'manual', 'x', 'x')", [seg, cid])
    return db


def test_cooccurrence_counts_jaccard_and_diagonal(small):
    m = cooccurrence(small)
    assert m.codes == ["a", "b", "coördinatie"] and m.units == 8
    a, b, c = 0, 1, 2
    assert m.counts[a][a] == 6 and m.counts[b][b] == 2 and m.counts[c][c] == 3
    assert m.counts[a][b] == m.counts[b][a] == 2 and m.counts[a][c] == 1 and m.counts[b][c] == 0
    j = m.jaccard()
    assert j[a][b] == round(2 / (6 + 2 - 2), 4) and j[a][a] == 1.0 and j[b][c] == 0.0


def test_transcript_level_diagonal_counts_transcripts_not_codings(small):
    m = cooccurrence(small, level="transcript")
    assert m.units == 2
    # a is used on 6 segments across both transcripts: its diagonal is 2 transcripts, not 6.
    assert [m.counts[i][i] for i in range(3)] == [2, 1, 1]
    assert m.counts[0][2] == 1 and m.counts[1][2] == 0


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_charts_render_dutch_labels_without_missing_glyphs(small, tmp_path):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*")  # "Glyph ... missing from font"
        bars = themes_by_sector_chart(code_stats(small, ["sector"])[0], tmp_path / "thema's.png")
        heat = heatmap_chart(cooccurrence(small), tmp_path / "heat.png", measure="jaccard")
    for path in (bars, heat):
        width, height = _png_size(path)
        assert width > 600 and height > 400


def test_plot_option_on_both_commands(cli, coded_db, tmp_path):
    bars, heat = tmp_path / "sectoren.png", tmp_path / "samen.png"
    result = cli("stats", "--by", "role", "--plot", bars, db=coded_db)
    assert result.exit_code == 0, result.output
    assert "role: fragmenten" in result.stdout and "sector:" not in result.stdout
    assert cli("cooccurrence", "--themes", "--plot", heat, db=coded_db).exit_code == 0
    assert _png_size(bars)[0] > 600 and _png_size(heat)[0] > 600


def test_report_set_written_by_the_demo(coded_db, tmp_path):
    """run_demo calls write_report: Word and HTML summaries, the stats table and both charts."""
    from focuscode.export.report import write_report

    db = open_project(coded_db)
    written = write_report(db, tmp_path / "exports", formats=("docx", "html"))
    names = sorted(p.name for p in written)
    assert names == ["samen-voorkomen.png", "samenvatting.docx", "samenvatting.html", "statistieken.csv",
                     "statistieken.md", "themas-per-sector.png"]
    assert all(p.stat().st_size > 1000 for p in written)
    stats = (tmp_path / "exports" / "statistieken.md").read_text(encoding="utf-8")
    assert "| ↳ invallen |" in stats and "### sector" in stats


def test_private_attributes_never_reach_stats_or_refi(cli, coded_db, tmp_path):
    import zipfile

    conn = sqlite3.connect(coded_db)
    conn.execute("""UPDATE participants SET attributes = json_set(attributes, '$.schoolnaam', 'De Regenboog', '$.naam', 'Fatima')
                    WHERE label = 'OOP''er 1 (po)'""")
    conn.commit()
    conn.close()
    result = cli("stats", "--by", "schoolnaam", db=coded_db)
    assert result.exit_code == 2 and "would show names or schools" in result.stderr
    listed = cli("stats", "--by", "nope", db=coded_db).stderr
    assert "schoolnaam" not in listed and "functie" in listed
    path = tmp_path / "p.qdpx"
    assert cli("export", "refi", "--out", path, db=coded_db).exit_code == 0
    with zipfile.ZipFile(path) as zf:
        qde = zf.read("project.qde").decode("utf-8")
    assert "De Regenboog" not in qde and "Fatima" not in qde and "schoolnaam" not in qde
    assert "functie" in qde
