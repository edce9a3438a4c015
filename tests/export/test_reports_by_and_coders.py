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


def test_summary_command_says_whose_coding_it_wrote(cli, study, tmp_path):
    result = cli("export", "summary", "--out", tmp_path / "uit")
    assert result.stdout.splitlines()[1].startswith("Codings of anna and bram, pooled")
    data = json.loads(cli("export", "summary", "--out", tmp_path / "uit", "--coder", "anna", "--json").stdout)
    assert data["coding"] == {"coder": "anna", "coders": ["anna"], "pooled": False, "suggestions": False}


def test_a_project_with_only_suggestions_says_no_one_has_coded(cli, tmp_path):
    build_study(cli, tmp_path / "studie", coders=())
    assert cli("suggest").exit_code == 0
    result = cli("stats", "--include-suggested")
    assert result.stdout.splitlines()[0] == "No accepted codings yet, with pending suggestions"
    assert json.loads(cli("cooccurrence", "--json").stdout)["coding"]["coders"] == []


def test_cooccurrence_by_sector_at_transcript_level(cli, study):
    data = json.loads(cli("cooccurrence", "--level", "transcript", "--by", "sector", "--json").stdout)
    # One focus group per sector: each value's matrix counts one transcript.
    assert [(m["value"], m["units"]) for m in data["matrices"]] == [("po", 1), ("vo", 1)]
    po = data["matrices"][0]
    codes = po["codes"]
    assert po["counts"][codes.index("waardering")][codes.index("kopieerwerk")] == 1
    # functie differs within a transcript: a unit is a transcript's turns with that value.
    by_functie = json.loads(cli("cooccurrence", "--level", "transcript", "--by", "functie", "--json").stdout)
    units = {m["value"]: m["units"] for m in by_functie["matrices"]}
    assert units == {"conciërge": 1, "docent": 1, "leerkracht": 1, "onderwijsassistent": 2, "toa": 1}


def test_stats_plot_of_many_transcripts_groups_the_smallest_as_overig(cli, tmp_path):
    from foundation.reportkit import CODEBOOK

    folder = tmp_path / "sessies"
    folder.mkdir()
    (folder / "codeboek.yaml").write_text(CODEBOOK, encoding="utf-8")
    assert cli("codebook", "load", folder / "codeboek.yaml").exit_code == 0
    rows = ["segment,code"]
    # Fourteen short dialoogtafel notes, typed as "Naam: tekst"; the later ones have more turns.
    for n in range(1, 15):
        name = f"dialoogtafel-{n:02d}.txt"
        turns = "".join(f"OOP'er {k}: Ik doe vooral kopieerwerk en surveilleren, sessie {n}.\n" for k in range(1, 2 + n // 4))
        (folder / name).write_text(turns, encoding="utf-8")
        rows += [f"{name}:{k},kopieerwerk" for k in range(1, 2 + n // 4)]
    assert cli("import", folder, "--source", "dialoogtafel", "--allow-unknown", "--allow-pii").exit_code == 0
    (tmp_path / "codering.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert cli("code", "--from-file", tmp_path / "codering.csv", "--coder", "anna").exit_code == 0
    chart = tmp_path / "per-transcript.svg"
    assert cli("stats", "--by", "transcript", "--plot", chart).exit_code == 0
    texts = _svg_texts(chart)
    # Eleven transcripts by name, the three with the fewest coded turns as one bar.
    assert "overig (3 waarden)" in texts
    shown = {t for t in texts if t.startswith("dialoogtafel-")}
    assert len(shown) == 11 and {"dialoogtafel-01.txt", "dialoogtafel-02.txt", "dialoogtafel-03.txt"}.isdisjoint(shown)


def test_cooccurrence_by_plot_draws_a_heat_map_per_value(cli, study, tmp_path):
    chart = tmp_path / "samen-per-sector.svg"
    result = cli("cooccurrence", "--themes", "--by", "sector", "--plot", chart)
    assert result.exit_code == 0, result.stderr
    titles = {t for t in _svg_texts(chart) if "Samen voorkomen" in t}
    assert titles == {"sector = po: Samen voorkomen van codes per fragment (aantal)",
                      "sector = vo: Samen voorkomen van codes per fragment (aantal)"}
