"""stats and cooccurrence by any attribute, and reports that say whose coding they show.

The study is written for these tests (tests/foundation/reportkit.py): two focus
groups typed out by a transcription service ("Naam: tekst" plain text) with the
participants CSV a researcher keeps beside each (role, sector, school type and a
`functie` column), coded by anna and bram from spreadsheet CSVs.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from foundation.reportkit import build_study


def _svg_texts(path) -> set[str]:
    # svg.fonttype "none" keeps labels as <text> elements, so the chart can be read back.
    return set(re.findall(r"<text[^>]*>([^<]+)</text>", path.read_text(encoding="utf-8")))


@pytest.fixture
def study(cli, tmp_path):
    return build_study(cli, tmp_path / "studie", coders=("anna", "bram"))


def test_stats_plot_draws_the_attribute_given_with_by(cli, study, tmp_path):
    charts = {}
    for by in ("sector", "functie", "school_type"):
        charts[by] = tmp_path / f"themas-per-{by}.svg"
        result = cli("stats", "--by", by, "--plot", charts[by])
        assert result.exit_code == 0, result.stderr
    texts = {by: _svg_texts(path) for by, path in charts.items()}
    assert {"po", "vo", "sector"} <= texts["sector"]
    assert {"functie", "conciërge", "onderwijsassistent", "toa", "docent", "leerkracht"} <= texts["functie"]
    assert {"school_type", "basisschool", "vmbo", "havo/vwo"} <= texts["school_type"]
    assert not {"po", "vo"} & (texts["functie"] | texts["school_type"])
    assert not {"toa", "conciërge"} & (texts["sector"] | texts["school_type"])
    # Every chart has the four themes as its groups.
    for found in texts.values():
        assert {"takenpakket", "loopbaan", "waardering", "samenwerking met docenten"} <= found


def test_stats_plot_png_differs_per_by_and_defaults_to_sector(cli, study, tmp_path):
    images = {}
    for by in ("sector", "functie", "source"):
        path = tmp_path / f"{by}.png"
        assert cli("stats", "--by", by, "--plot", path).exit_code == 0
        images[by] = path.read_bytes()
    assert len(set(images.values())) == 3
    default = tmp_path / "standaard.svg"
    assert cli("stats", "--plot", default).exit_code == 0
    assert {"po", "vo", "sector"} <= _svg_texts(default) and "functie" not in _svg_texts(default)


def test_stats_plot_with_two_attributes_draws_a_panel_for_each(cli, study, tmp_path):
    path = tmp_path / "beide.svg"
    assert cli("stats", "--by", "sector", "--by", "functie", "--plot", path).exit_code == 0
    texts = _svg_texts(path)
    assert {"Thema's per sector", "Thema's per functie", "po", "toa"} <= texts


def test_cooccurrence_by_sector_splits_the_matrix_per_value(cli, study):
    whole = json.loads(cli("cooccurrence", "--json").stdout)
    result = cli("cooccurrence", "--by", "sector", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["by"] == "sector" and [m["value"] for m in data["matrices"]] == ["po", "vo"]
    codes = whole["codes"]
    po, vo = (m for m in data["matrices"])
    # Each segment has one sector: the per-sector matrices add up to the whole one.
    assert po["units"] + vo["units"] == whole["units"] == 10
    for i in range(len(codes)):
        for j in range(len(codes)):
            assert po["counts"][i][j] + vo["counts"][i][j] == whole["counts"][i][j]
    kopie, opvang = codes.index("kopieerwerk"), codes.index("surveilleren en opvang")
    # "kopiëren en klaarzetten ... bij de opvang" (po, turn 3) is the only turn with both.
    assert (po["counts"][kopie][opvang], vo["counts"][kopie][opvang]) == (1, 0)


def test_cooccurrence_by_attribute_as_csv_and_table(cli, study):
    result = cli("cooccurrence", "--by", "functie", "--csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:2] == ["functie", "code"]
    values = list(dict.fromkeys(r[0] for r in rows[1:]))
    assert values == ["conciërge", "docent", "leerkracht", "onderwijsassistent", "toa"]
    toa = {r[1]: r[2:] for r in rows[1:] if r[0] == "toa"}
    codes = rows[0][2:]
    # The toa's turn: practica klaarzetten, kopieerwerk and overleg met de docenten.
    assert toa["kopieerwerk"][codes.index("samenwerking met docenten")] == "1"
    table = cli("cooccurrence", "--by", "functie")
    assert "functie = toa: samen gecodeerd per fragment" in table.stdout
    assert "functie = conciërge" in table.stdout


def test_cooccurrence_by_a_name_column_or_unknown_attribute_is_refused(cli, study, db_path):
    from fctest import db_snapshot

    snapshot = db_snapshot(db_path)
    for by, message in (("naam", "would show names"), ("leeftijd", "is not a participant attribute")):
        result = cli("cooccurrence", "--by", by)
        assert result.exit_code == 2 and message in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert db_snapshot(db_path) == snapshot


def test_reports_say_they_pool_two_coders(cli, study, tmp_path):
    stats = cli("stats", "--by", "sector")
    assert stats.stdout.splitlines()[0] == (
        "Codings of anna and bram, pooled (2 coders; give --coder NAME for one coder's coding)")
    tables = json.loads(cli("stats", "--by", "sector", "--json").stdout)
    assert tables[0]["coding"] == {"coder": None, "coders": ["anna", "bram"], "pooled": True, "suggestions": False}
    matrix = json.loads(cli("cooccurrence", "--json").stdout)
    assert matrix["coding"]["pooled"] is True and matrix["coding"]["coders"] == ["anna", "bram"]
    assert cli("cooccurrence").stdout.startswith("Codings of anna and bram, pooled")

    assert cli("export", "summary", "--out", tmp_path / "uit").exit_code == 0
    summary = (tmp_path / "uit" / "samenvatting.md").read_text(encoding="utf-8")
    assert "Op basis van geaccepteerde coderingen, codeurs anna en bram samengenomen." in summary
    assert cli("export", "summary", "--out", tmp_path / "uit", "--lang", "en").exit_code == 0
    assert "coders anna and bram pooled" in (tmp_path / "uit" / "summary.md").read_text(encoding="utf-8")


def test_reports_name_the_one_coder_they_show(cli, study, tmp_path):
    stats = cli("stats", "--by", "sector", "--coder", "bram")
    assert stats.stdout.splitlines()[0] == "Codings of bram"
    data = json.loads(cli("cooccurrence", "--coder", "bram", "--include-suggested", "--json").stdout)
    assert data["coding"] == {"coder": "bram", "coders": ["bram"], "pooled": False, "suggestions": True}
    assert cli("export", "summary", "--out", tmp_path / "uit", "--coder", "bram").exit_code == 0
    text = (tmp_path / "uit" / "samenvatting.md").read_text(encoding="utf-8")
    assert "codeur bram" in text and "samengenomen" not in text


def test_a_single_coder_project_is_not_called_pooled(cli, tmp_path):
    build_study(cli, tmp_path / "studie", coders=("anna",))
    assert cli("stats").stdout.splitlines()[0] == "Codings of anna"
    assert json.loads(cli("cooccurrence", "--json").stdout)["coding"]["pooled"] is False
    assert cli("export", "summary", "--out", tmp_path / "uit").exit_code == 0
    assert "coderingen, codeur anna." in (tmp_path / "uit" / "samenvatting.md").read_text(encoding="utf-8")
