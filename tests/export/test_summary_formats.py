"""export summary in every format: real structure, Dutch labels, and no names or schools."""

from __future__ import annotations

import csv
import json
import re
import sqlite3

import pytest

FORMATS = ("md", "docx", "html", "xlsx", "csv", "json")
THEMES = ("visie", "ad-hoctaken", "doorgroei", "afstemming")
ATTRIBUTION = re.compile(r"\[(?P<role>[^\[\],]+?) (?P<sector>po|vo), (?P<source>focusgroep)\]")


def _export(cli, db, out, *args):
    result = cli("export", "summary", "--out", out, *args, db=db)
    assert result.exit_code == 0, result.output
    return result


def _text_of(path) -> str:
    if path.suffix == ".docx":
        import docx

        d = docx.Document(str(path))
        cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in d.paragraphs] + cells)
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    if path.suffix == ".html":
        import html

        return html.unescape(path.read_text(encoding="utf-8"))
    return path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_names_each_theme_and_attributes_quotes_by_role_sector_source_only(fmt, cli, coded_db, tmp_path):
    _export(cli, coded_db, tmp_path, "--format", fmt)
    path = tmp_path / f"samenvatting.{fmt}"
    text = _text_of(path)
    for theme in THEMES:
        assert theme in text
    attributions = ATTRIBUTION.findall(text)
    assert len(attributions) >= 12  # 4 themes, several quotes each
    conn = sqlite3.connect(coded_db)
    roles = {r[0] for r in conn.execute("SELECT DISTINCT role FROM participants")}
    assert {role for role, _s, _src in attributions} <= roles
    # Privacy: no speaker label of the sample ever appears in an export.
    labels = {r[0] for r in conn.execute("SELECT label FROM participants")}
    assert "OOP'er 1 (po)" in labels
    for label in labels:
        assert label not in text, f"{label} in {fmt}"


def test_markdown_structure_and_counts(cli, coded_db, tmp_path):
    _export(cli, coded_db, tmp_path, "--format", "md", "--per-theme", "3")
    md = (tmp_path / "samenvatting.md").read_text(encoding="utf-8")
    assert md.startswith("# Samenvatting per thema\n")
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")] == list(THEMES)
    assert md.count("### Representatieve citaten") == 4
    assert "| ↳ invallen |" in md and "| ↳ klusjes |" in md
    quotes = [line for line in md.splitlines() if line.startswith("> ")]
    assert 4 <= len(quotes) <= 12
    for q in quotes:
        body = ATTRIBUTION.sub("", q[2:]).replace("[...]", "").split()
        assert 15 <= len(body) <= 80


def test_word_uses_headings_and_quote_style(cli, coded_db, tmp_path):
    import docx

    _export(cli, coded_db, tmp_path, "--format", "docx")
    d = docx.Document(str(tmp_path / "samenvatting.docx"))
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(THEMES)
    quotes = [p for p in d.paragraphs if p.style.name == "Quote"]
    assert len(quotes) >= 12 and all(ATTRIBUTION.search(p.text) for p in quotes)
    assert len(d.tables) == 4 and d.tables[0].rows[0].cells[1].text == "Fragmenten"


def test_html_is_one_self_contained_file(cli, coded_db, tmp_path):
    _export(cli, coded_db, tmp_path, "--format", "html")
    page = (tmp_path / "samenvatting.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="nl">' in page
    assert "<script" not in page and "<link" not in page and "src=" not in page and "http" not in page
    assert page.count("<blockquote>") >= 12 and "<style>" in page
    assert "OOP&#x27;er po, focusgroep" in page  # text is escaped


def test_excel_has_theme_and_quote_sheets(cli, coded_db, tmp_path):
    from openpyxl import load_workbook

    _export(cli, coded_db, tmp_path, "--format", "xlsx")
    wb = load_workbook(tmp_path / "samenvatting.xlsx")
    assert wb.sheetnames == ["Thema's", "Citaten"]
    rows = list(wb["Thema's"].iter_rows(values_only=True))
    assert rows[0][:6] == ("Soort", "Thema", "Code", "Fragmenten", "Deelnemers", "Bronnen")
    assert ("subcode", "ad-hoctaken", "invallen") in [r[:3] for r in rows]
    assert len(list(wb["Citaten"].iter_rows())) > 12


def test_csv_and_json_agree(cli, coded_db, tmp_path):
    _export(cli, coded_db, tmp_path, "--format", "csv")
    _export(cli, coded_db, tmp_path, "--format", "json")
    with (tmp_path / "samenvatting.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    data = json.loads((tmp_path / "samenvatting.json").read_text(encoding="utf-8"))
    quotes = [q for t in data["themes"] for q in t["quotes"]]
    assert [r["Citaat"] for r in rows if r["Citaat"]] == [q["text"] for q in quotes]
    theme = data["themes"][1]
    assert theme["name"] == "ad-hoctaken" and [s["name"] for s in theme["subcodes"]] == ["invallen", "klusjes"]
    assert set(quotes[0]) == {"segment_id", "text", "words", "attribution", "role", "sector", "source",
                              "centrality", "status", "codes", "span_start", "span_end"}
    assert all(t["segments"] >= max((s["segments"] for s in t["subcodes"]), default=0) for t in data["themes"])


def test_english_labels(cli, coded_db, tmp_path):
    _export(cli, coded_db, tmp_path, "--format", "md", "--lang", "en")
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert md.startswith("# Summary per theme") and "### Representative quotes" in md
    assert "[OOP'er po, focus group]" in md or "[OOP'er vo, focus group]" in md


def test_coder_and_code_filters(cli, coded_db, tmp_path):
    _export(cli, coded_db, tmp_path, "--format", "json", "--coder", "bram", "--code", "ad-hoctaken")
    data = json.loads((tmp_path / "samenvatting.json").read_text(encoding="utf-8"))
    assert [t["name"] for t in data["themes"]] == ["ad-hoctaken"]
    conn = sqlite3.connect(coded_db)
    bram = conn.execute(
        "SELECT count(DISTINCT segment_id) FROM codings c JOIN codes k ON k.id = c.code_id "
        "WHERE c.coder = 'bram' AND k.name IN ('invallen', 'klusjes', 'ad-hoctaken')").fetchone()[0]
    assert data["themes"][0]["segments"] == bram > 0


@pytest.mark.parametrize("args, code, message", [
    # --format and --lang are Click Choices: tests/foundation/test_cli_choices.py
    (["--coder", "niemand"], 1, "no codings by coder 'niemand'"),
    (["--code", "bestaatniet"], 1, "unknown code 'bestaatniet'"),
    (["--sector", "mbo"], 2, "--sector must be po or vo, not 'mbo'"),
])
def test_bad_options_one_line_and_no_file(args, code, message, cli, coded_db, tmp_path):
    out = tmp_path / "uit"
    result = cli("export", "summary", "--out", out, *args, db=coded_db)
    assert result.exit_code == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert not out.exists() or not any(out.iterdir())
