"""Probes: each way the output neutraliser could be fooled, with cells and turns as they occur.

The values are what a survey tool's export (Microsoft Forms, LimeSurvey) or a
transcript pasted from a chat or terminal really carries: formulas behind spaces,
tabs, a non-breaking or zero-width space or a BOM; the classic
`-2+3+cmd|' /C calc'!A0`; C1 control characters that act as ESC; bidirectional
overrides; Markdown links, images and link definitions.
"""

from __future__ import annotations

import csv
import io

import pytest

from focuscode.export.safe import csv_row, md_inline, terminal_safe


@pytest.mark.parametrize("answer", [
    '=HYPERLINK("http://x.nl";"klik")',
    " =1+1 extra uren",                      # a leading space
    "\u00a0=SOM(A1:A9)",                     # a non-breaking space, as Word pastes it
    "\u200b=SOM(A1:A9)",                     # a zero-width space
    "\ufeff@SUM(1+1)*cmd|' /C calc'!A0",     # a BOM left at the start of a pasted answer
    "\t=1+1",                                # a tab (OWASP)
    "\r=1+1",                                # a carriage return (OWASP)
    "\x02=1+1",                              # a control character in front: dropped, then caught
    "-2+3+cmd|' /C calc'!A0",
    "+31 6 12345678 bellen",
    "@werkdruk",
    "-ad hoc",
])
def test_formula_like_answers_get_an_apostrophe_in_csv(answer):
    buf = io.StringIO()
    csv.writer(buf).writerow(csv_row([answer]))
    (cell,) = next(csv.reader(io.StringIO(buf.getvalue())))
    assert cell.startswith("'"), cell
    assert cell[1:] == answer.replace("\x02", "")


@pytest.mark.parametrize("value", [12, -3, 0.7071, -1.0, "-3", "12,5", "-", "Ik val vaak in.", "[OOP'er po, enquête]"])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert csv_row([value]) == [value]


@pytest.mark.parametrize("text, bad", [
    ("[klik](javascript:alert(1))", "<a"),
    ("![logo](http://tracker.example/p.png)", "<img"),
    ("<http://tracker.example>", "<a"),
    ("<img src=x onerror=alert(1)>", "<img"),
    ("<script>alert(1)</script>", "<script"),
])
def test_markdown_cells_cannot_form_links_images_or_html(text, bad):
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(f"> {md_inline(text)}\n")
    assert bad not in html, html


def test_a_markdown_link_definition_in_one_quote_cannot_arm_another():
    from markdown_it import MarkdownIt

    doc = f"> {md_inline('[r]: http://tracker.example/p.png')}\n\n> {md_inline('![x][r] zei ze')}\n"
    html = MarkdownIt("commonmark").render(doc)
    assert "<img" not in html and "tracker.example" in html


def test_a_value_with_line_breaks_stays_on_its_line():
    from markdown_it import MarkdownIt

    cell = md_inline("OOP'er\n\n# Kop\n| --- |")
    tokens = MarkdownIt("commonmark").enable("table").parse(f"| rol |\n|---|\n| {cell} |\n")
    assert [t.type for t in tokens if t.type.startswith("h") and t.type.endswith("_open")] == []
    assert sum(t.type == "td_open" for t in tokens) == 1


@pytest.mark.parametrize("turn", [
    "\x1b]0;pwned\x07Ik wil doorgroeien.",   # OSC: retitle the window
    "\x1b[2J\x1b[HAlles weg.",              # CSI: clear the screen
    "\x9b2JAlles weg.",                      # the one-character C1 CSI
    "\x9d0;pwned\x9cIk wil doorgroeien.",    # C1 OSC ... ST
    "Geheim\rOpenbaar",                      # CR: the second word overwrites the first
    "Ja\x08\x08Nee",                         # backspaces
    "Ik zeg \u202eneen\u202c tegen invallen.",  # a right-to-left override reorders what is shown
])
def test_terminal_text_shows_controls_without_obeying_them(turn):
    shown = terminal_safe(turn)
    assert len(shown) == len(turn)  # one symbol for one character: highlight offsets still fit
    assert not any(0x00 <= ord(c) < 0x20 and c not in "\t\n" or 0x7F <= ord(c) < 0xA0 for c in shown)
    assert "\u202e" not in shown
    assert terminal_safe("Regel een\n\tregel twee") == "Regel een\n\tregel twee"


def test_xlsx_rows_keep_formula_like_text_as_text_and_numbers_as_numbers(tmp_path):
    from openpyxl import Workbook, load_workbook

    from focuscode.export.safe import xlsx_append

    # A row as the summary's quote sheet holds it: survey answers, a code, counts, a score.
    row = ['=HYPERLINK("http://x.nl";"klik")', " =1+1 extra uren", "-ad hoc", "@werkdruk", 12, -3, -0.5, "-3",
           "Ik val vaak in.\x02"]
    book = Workbook()
    xlsx_append(book.active, row)
    book.save(tmp_path / "citaten.xlsx")
    cells = next(load_workbook(tmp_path / "citaten.xlsx").active.iter_rows(min_row=1, max_row=1))
    assert [c.value for c in cells] == row[:-1] + ["Ik val vaak in."]
    assert [c.data_type for c in cells] == ["s", "s", "s", "s", "n", "n", "n", "s", "s"]
    assert [c.quotePrefix for c in cells[:4]] == [True] * 4
