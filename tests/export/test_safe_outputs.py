"""Exports and terminal output treat participants' words as data, never as instructions.

Issue #10, "Exports can attack the reader", and #11's control character in a turn.
The probe study (tests/privacy_outputs/probes.py) imitates an online survey tool's
csv export (LimeSurvey / Microsoft Forms: ';', UTF-8 with BOM, a codes column filled
in elsewhere) and a transcription service's plain text with a participants file.
Its answers, code names and roles start like spreadsheet formulas, hold HTML, a
Markdown link, a table pipe, and terminal escape sequences.

Each check looks at what the reader's program would see: the csv as Excel's parser
reads it, the xlsx cells as openpyxl (and Excel) read them, the Markdown as a
CommonMark/GFM renderer (markdown-it-py, which rich brings) turns it into HTML.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from html.parser import HTMLParser

import pytest
from privacy_outputs.probes import ESCAPED_TURN, HYPERLINK, LINK, PIPE_ROLE, SCRIPT, build_project, run

FORMULA_SIGNS = "=+-@"
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def live_formula(cell: str) -> bool:
    """Would Excel or LibreOffice evaluate this csv cell? (OWASP CSV injection.)"""
    if cell[:1] in ("\t", "\r"):
        return True
    body = cell.lstrip(" \u00a0\u200b\ufeff")
    return len(body) > 1 and body[0] in FORMULA_SIGNS and not re.fullmatch(r"[+-]?\d+([.,]\d+)?", body)


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    db = build_project(tmp_path_factory.mktemp("studie"))
    # A second coder who differs on the escaped turn, for agreement's outputs.
    run("code", "--coder", "bram", "--db", db, "--", _segment(db, "pwned"), "-ad hoc")
    run("code", "--coder", "bram", "--db", db, "--", _segment(db, "De werkdruk"), "+werkdruk")
    return db


def _segment(db, needle: str) -> int:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id FROM segments WHERE instr(text, ?) > 0", [needle]).fetchone()[0]
    finally:
        conn.close()


def summary(study, tmp_path, fmt: str):
    run("export", "summary", "--format", fmt, "--out", tmp_path, "--min-words", "3", "--per-theme", "10", "--db", study)
    return tmp_path / f"samenvatting.{fmt}"


def csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --- csv: summary, stats --csv, cooccurrence --csv, agreement --csv ---------------------------


def test_summary_csv_has_no_live_formula_and_counts_stay_numbers(study, tmp_path):
    rows = csv_cells(summary(study, tmp_path, "csv").read_text(encoding="utf-8-sig"))
    header, body = rows[0], rows[1:]
    for row in rows:
        for cell in row:
            assert not live_formula(cell), cell
            assert not CONTROLS.search(cell), repr(cell)
    quotes = [r[header.index("Citaat")] for r in body]
    # The reader sees exactly what was answered, behind the apostrophe Excel hides.
    assert "'" + HYPERLINK in quotes
    assert any(q.startswith("'+31 6 ligt altijd aan") for q in quotes)
    themes = {r[0] for r in body}
    assert {"'-ad hoc", "'@loopbaan", "'+werkdruk", "visie | beleid"} <= themes
    assert PIPE_ROLE in {r[header.index("Rol")] for r in body}
    for r in body:
        for name in ("Fragmenten", "Deelnemers", "Bronnen", "po", "vo"):
            assert r[header.index(name)].isdigit(), r
    # The escaped turn is quoted without its control characters.
    assert any("Ik wil graag doorgroeien naar leraar" in q and "pwned" in q for q in quotes)


def test_stats_and_cooccurrence_csv_have_no_live_formula(study):
    stats = csv_cells(run("stats", "--csv", "--db", study).stdout)
    matrix = csv_cells(run("cooccurrence", "--csv", "--db", study).stdout)
    for table in (stats, matrix):
        for row in table:
            for cell in row:
                assert not live_formula(cell), cell
    assert {"'-ad hoc", "'@loopbaan", "'+werkdruk"} <= {r[2] for r in stats[1:]}
    assert all(r[5].isdigit() and r[6].isdigit() for r in stats[1:])
    assert matrix[0][1:] == ["'-ad hoc", "visie | beleid", "'@loopbaan", "'+werkdruk"]
    assert all(v.isdigit() for r in matrix[1:] for v in r[1:])


def test_agreement_csv_has_no_live_formula_and_keeps_negative_numbers(study):
    codes = csv_cells(run("agreement", "--coder", "anna", "--coder", "bram", "--csv", "--db", study).stdout)
    assert "'-ad hoc" in [r[0] for r in codes]
    kappas = [r[3] for r in codes[1:] if r[3]]
    assert "-1.0" in kappas  # a number, not text: no apostrophe
    rows = csv_cells(run("agreement", "--coder", "anna", "--coder", "bram", "--csv", "--disagreements",
                         "--db", study).stdout)
    for row in rows:
        for cell in row:
            assert not live_formula(cell), cell
            assert not CONTROLS.search(cell), repr(cell)
    assert any(r[6] == "'-ad hoc" for r in rows[1:])


# --- xlsx --------------------------------------------------------------------------------------


def test_summary_xlsx_stores_formula_like_text_as_text_and_numbers_as_numbers(study, tmp_path):
    from openpyxl import load_workbook

    path = summary(study, tmp_path, "xlsx")
    with zipfile.ZipFile(path) as zf:
        sheets = [zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)  # no formula anywhere
    book = load_workbook(path)
    texts, numbers = {}, []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    texts[cell.value] = cell
                    if cell.value.lstrip()[:1] in FORMULA_SIGNS and len(cell.value.strip()) > 1:
                        assert cell.data_type == "s" and cell.quotePrefix, cell.value
                elif cell.value is not None:
                    numbers.append(cell.value)
    # Exactly what was answered, shown as text; the code names too.
    assert HYPERLINK in texts and "-ad hoc" in texts and "+werkdruk" in texts and "@loopbaan" in texts
    themes = book.worksheets[0]
    counts = [c.value for c in next(themes.iter_rows(min_row=2, max_row=2))[3:6]]
    assert all(type(v) is int for v in counts) and counts[0] >= 1
    assert numbers and all(isinstance(v, (int, float)) for v in numbers)


# --- control characters in Word and Excel (#11) -------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_control_character_in_a_turn_does_not_break_docx_or_xlsx(study, tmp_path, fmt):
    path = summary(study, tmp_path, fmt)
    if fmt == "docx":
        import docx

        d = docx.Document(str(path))
        text = "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])
    else:
        from openpyxl import load_workbook

        text = "\n".join(str(v) for ws in load_workbook(path).worksheets for r in ws.iter_rows(values_only=True)
                         for v in r if v is not None)
    assert "Ik wil graag doorgroeien naar leraar, maar een opleiding" in text
    assert not CONTROLS.search(text)
    assert PIPE_ROLE in text and "-ad hoc" in text


# --- Markdown ----------------------------------------------------------------------------------


def _render(markdown: str):
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")  # html allowed, as GitHub-flavoured viewers render it
    return md.parse(markdown), md.render(markdown)


def _table_rows(tokens) -> list[list[str]]:
    rows, cells = [], None
    for i, tok in enumerate(tokens):
        if tok.type == "tr_open":
            cells = []
        elif tok.type in ("td_open", "th_open"):
            cells.append(tokens[i + 1].content if tokens[i + 1].type == "inline" else "")
        elif tok.type == "tr_close":
            rows.append(cells)
    return rows


def test_summary_markdown_escapes_html_links_and_table_pipes(study, tmp_path):
    text = summary(study, tmp_path, "md").read_text(encoding="utf-8")
    tokens, html = _render(text)
    assert "<script" not in html and "<b>" not in html
    assert "<a " not in html and "<img" not in html  # the answer's [klik hier](javascript:...) stays text
    rows = _table_rows(tokens)
    assert rows and all(len(r) == 7 for r in rows), rows  # a '|' in a name or role splits no cell
    names = [r[0] for r in rows]
    assert "**visie | beleid**" in names  # the renderer unescaped the pipe inside its cell
    assert any(f"{PIPE_ROLE}: 1" in r[6] for r in rows)
    # Readers still see every word: escaped, not dropped.
    assert "&lt;script&gt;alert" in html and "klik hier" in html and "visie | beleid" in html
    assert "\x1b" not in text and "\x07" not in text and "\x02" not in text


def test_stats_markdown_keeps_a_role_with_a_pipe_in_one_column(study):
    from focuscode.analysis.stats import code_stats, stats_markdown
    from focuscode.db import open_project

    tokens, html = _render(stats_markdown(code_stats(open_project(study), ("role",))))
    rows = _table_rows(tokens)
    widths = {len(r) for r in rows}
    assert len(widths) == 1, rows  # header and every row alike
    assert PIPE_ROLE in html


# --- HTML (a guard: it escaped everything already) ----------------------------------------------


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_summary_html_carries_no_markup_from_the_data(study, tmp_path):
    parser = _Tags()
    parser.feed(summary(study, tmp_path, "html").read_text(encoding="utf-8"))
    assert parser.tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "table", "thead",
                           "tbody", "tr", "th", "td", "blockquote", "span", "em"}
    text = "".join(parser.text)
    assert SCRIPT.split(" Onze")[0] in text and LINK.split(" want")[0] in text


# --- terminals ---------------------------------------------------------------------------------


def _assert_terminal_safe(out: str) -> None:
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out and "\x02" not in out, repr(out)


def test_segments_prints_escape_sequences_as_visible_text(study):
    out = run("segments", "--db", study).stdout
    _assert_terminal_safe(out)
    assert "␛]0;pwned␇Ik wil graag doorgroeien naar leraar" in out  # shown, not obeyed


def test_agreement_disagreements_print_no_escape_sequence(study):
    out = run("agreement", "--coder", "anna", "--coder", "bram", "--disagreements", "--db", study).stdout
    _assert_terminal_safe(out)
    assert "pwned" in out and "Ik wil graag doorgroeien" in out


def test_review_screen_shows_the_turn_without_its_escape_sequences(study):
    from rich.console import Console

    from focuscode.db import open_project
    from focuscode.cli.review_ui import ScriptedKeys, run_review
    from focuscode.review import ReviewFilter

    console = Console(file=io.StringIO(), width=80, height=24)  # not a terminal: rich adds no codes of its own
    run_review(open_project(study), "carla", keys=ScriptedKeys(["q"]), console=console,
               f=ReviewFilter(mode="uncoded", transcript="fg-loopbaan.txt"))
    out = console.file.getvalue()
    _assert_terminal_safe(out)
    assert "pwned" in out and "doorgroeien" in out
    assert ESCAPED_TURN.startswith("\x1b")  # the probe really holds the sequence


def test_an_error_quoting_a_value_from_a_file_prints_no_escape_sequence(tmp_path):
    from click.testing import CliRunner

    from focuscode.cli import app

    # A transcription service's text with a participants sheet saved as csv, whose
    # sector cell carries an escape sequence pasted along from a terminal.
    (tmp_path / "fg-vo-3.txt").write_text("Gespreksleider: Welkom.\nOOP'er 1: Ik val vaak in.\n", encoding="utf-8")
    (tmp_path / "fg-vo-3.participants.csv").write_text(
        "label,role,sector\nGespreksleider,gespreksleider,\nOOP'er 1,OOP'er,\x1b]0;pwned\x07vo\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["import", str(tmp_path / "fg-vo-3.txt"), "--source", "focusgroep", "--allow-pii",
                                 "--db", str(tmp_path / "p.db")])
    assert r.exit_code == 1
    _assert_terminal_safe(r.stderr)
    assert "fg-vo-3.participants.csv:3" in r.stderr and "␛]0;pwned␇vo" in r.stderr
