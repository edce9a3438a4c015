"""Rendering a theme summary: Markdown, Word, HTML, Excel, CSV and JSON, and writing it.

summary.py builds the themes and quotes and knows nothing of formats; this module
imports it, never the other way round.

Every writer takes (themes, options, path). Word uses real headings and the
"Quote" style, HTML is one self-contained file (inline CSS, no scripts, no
external assets). Labels follow --lang (Dutch by default).
"""

from __future__ import annotations

import csv
import html
import json
from dataclasses import replace
from pathlib import Path

from ..analysis.prevalence import prevalence_phrase
from ..errors import FocuscodeError, UsageError, setting
from .safe import csv_row, md_inline, private_dir, strip_controls, write_atomically, xlsx_append
from .summary import LABELS, CodeSummary, SummaryOptions, basis_line, method_line, study_of


def _fmt_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in counts.items()) or "-"


def _sectors(opts) -> list[tuple[str, str]]:
    """(code, shown label) of each sector column, in the study's order."""
    vocab = study_of(opts)
    return [(t.code, t.label(opts.lang)) for t in vocab.sectors]


def _count_rows(themes: list[CodeSummary]):
    """(kind, theme, code summary) for every theme and its subcodes."""
    for t in themes:
        yield "thema", t.name, t
        for s in t.subcodes:
            yield "subcode", t.name, s


# --- Markdown ---------------------------------------------------------------------------------


def markdown(themes: list[CodeSummary], opts: SummaryOptions) -> str:
    # Every value from the codebook, the participants or the text goes through md_inline:
    # no raw HTML, no links or images, and a '|' in a role or code name stays in its cell.
    m = md_inline
    L = LABELS[opts.lang]
    sectors = _sectors(opts)
    lines = [f"# {L['title']}", "", f"_{m(basis_line(opts))}_", "", f"_{m(method_line(opts))}_", ""]
    for t in themes:
        lines += [f"## {m(t.name)}", "", f"_{prevalence_phrase(t.participants, t.sessions, opts.lang)}_", ""]
        if t.description:
            lines += [m(t.description), ""]
        lines += [
            f"| {L['code']} | {L['segments']} | {L['participants']} | {L['sessions']} | "
            + "".join(f"{m(label)} | " for _s, label in sectors) + f"{L['by_role']} |",
            "|---|---:|---:|---:|" + "---:|" * len(sectors) + "---|",
        ]
        for c in [t, *t.subcodes]:
            name = f"**{m(c.name)}**" if c is t else f"↳ {m(c.name)}"
            lines.append(f"| {name} | {c.segments} | {c.participants} | {c.sessions} | "
                         + "".join(f"{c.by_sector.get(s, 0)} | " for s, _l in sectors) + f"{m(_fmt_counts(c.by_role))} |")
        lines += ["", f"### {L['quotes']}", ""]
        if not t.quotes:
            lines += [f"_{L['no_quotes']}_", ""]
        for q in t.quotes:
            lines += [f"> {m(q['text'])} {m(q['attribution'])}", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_md(themes, opts, path: Path) -> None:
    path.write_text(markdown(themes, opts), encoding="utf-8")


# --- HTML -------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}
h1{border-bottom:2px solid #1f77b4;padding-bottom:.3rem}h2{margin-top:2.5rem;color:#1f4e79}
table{border-collapse:collapse;margin:1rem 0;font-size:.92rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
td.n{text-align:right}th{background:#f0f4f8}tr.sub td:first-child{padding-left:1.5rem}
blockquote{margin:1rem 0;padding:.6rem 1rem;border-left:4px solid #1f77b4;background:#f7f9fb;font-style:italic}
blockquote .who{font-style:normal;color:#555;white-space:nowrap}.meta{color:#666;font-size:.9rem}
"""


def html_page(themes: list[CodeSummary], opts: SummaryOptions) -> str:
    L = LABELS[opts.lang]
    e = html.escape
    sectors = _sectors(opts)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{opts.lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(L['title'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(L['title'])}</h1>",
        f'<p class="meta">{e(basis_line(opts))}</p>',
        f'<p class="meta">{e(method_line(opts))}</p>',
    ]
    for t in themes:
        out.append(f"<h2>{e(t.name)}</h2>")
        out.append(f'<p class="meta">{e(prevalence_phrase(t.participants, t.sessions, opts.lang))}</p>')
        if t.description:
            out.append(f"<p>{e(t.description)}</p>")
        out.append(
            f"<table><thead><tr><th>{e(L['code'])}</th><th>{e(L['segments'])}</th><th>{e(L['participants'])}</th>"
            f"<th>{e(L['sessions'])}</th>" + "".join(f"<th>{e(label)}</th>" for _s, label in sectors)
            + f"<th>{e(L['by_role'])}</th></tr></thead><tbody>"
        )
        for c in [t, *t.subcodes]:
            cls = "" if c is t else ' class="sub"'
            out.append(
                f"<tr{cls}><td>{e(c.name)}</td><td class=\"n\">{c.segments}</td><td class=\"n\">{c.participants}</td>"
                f"<td class=\"n\">{c.sessions}</td>" + "".join(f"<td class=\"n\">{c.by_sector.get(s, 0)}</td>" for s, _l in sectors)
                + f"<td>{e(_fmt_counts(c.by_role))}</td></tr>"
            )
        out.append("</tbody></table>")
        out.append(f"<h3>{e(L['quotes'])}</h3>")
        if not t.quotes:
            out.append(f"<p><em>{e(L['no_quotes'])}</em></p>")
        for q in t.quotes:
            out.append(f'<blockquote>{e(q["text"])} <span class="who">{e(q["attribution"])}</span></blockquote>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_html(themes, opts, path: Path) -> None:
    path.write_text(html_page(themes, opts), encoding="utf-8")


# --- Word -------------------------------------------------------------------------------------


def write_docx(themes, opts, path: Path) -> None:
    import docx
    from docx.shared import Pt

    L = LABELS[opts.lang]
    x = strip_controls  # a control character in a turn would make python-docx refuse the whole file
    sectors = _sectors(opts)
    doc = docx.Document()
    doc.core_properties.title = L["title"]
    doc.core_properties.author = "focuscode"
    doc.add_heading(L["title"], level=0)
    for line in (basis_line(opts), method_line(opts)):
        p = doc.add_paragraph()
        run = p.add_run(x(line))
        run.italic = True
        run.font.size = Pt(9)
    for t in themes:
        doc.add_heading(x(t.name), level=1)
        doc.add_paragraph(prevalence_phrase(t.participants, t.sessions, opts.lang)).runs[0].italic = True
        if t.description:
            doc.add_paragraph(x(t.description))
        headers = [L["code"], L["segments"], L["participants"], L["sessions"], *[label for _s, label in sectors], L["by_role"]]
        table = doc.add_table(rows=1, cols=len(headers))
        table.style = "Light Grid Accent 1"
        for cell, text in zip(table.rows[0].cells, headers):
            cell.text = text
        for c in [t, *t.subcodes]:
            values = [c.name if c is t else f"  {c.name}", c.segments, c.participants, c.sessions,
                      *[c.by_sector.get(s, 0) for s, _l in sectors], _fmt_counts(c.by_role)]
            for cell, value in zip(table.add_row().cells, values):
                cell.text = x(str(value))
        doc.add_heading(L["quotes"], level=2)
        if not t.quotes:
            doc.add_paragraph(L["no_quotes"]).runs[0].italic = True
        for q in t.quotes:
            p = doc.add_paragraph(style="Quote")
            p.add_run(x(q["text"]) + " ")
            who = p.add_run(x(q["attribution"]))
            who.italic = False
            who.font.size = Pt(9)
    doc.save(str(path))


# --- Tables: Excel, CSV, JSON -----------------------------------------------------------------


def _theme_table(themes, opts) -> tuple[list[str], list[list]]:
    L = LABELS[opts.lang]
    roles = sorted({r for _k, _t, c in _count_rows(themes) for r in c.by_role})
    sources = sorted({s for _k, _t, c in _count_rows(themes) for s in c.by_source})
    sectors = _sectors(opts)
    header = [L["kind"], L["theme"], L["code"], L["segments"], L["participants"], L["sessions"], *[label for _s, label in sectors],
              *[f"{L['role'].lower()}: {r}" for r in roles], *[f"{L['source'].lower()}: {s}" for s in sources]]
    rows = []
    for kind, theme, c in _count_rows(themes):
        rows.append([kind if opts.lang == "nl" else {"thema": "theme"}.get(kind, kind), theme, c.name, c.segments,
                     c.participants, c.sessions, *[c.by_sector.get(s, 0) for s, _l in sectors],
                     *[c.by_role.get(r, 0) for r in roles], *[c.by_source.get(s, 0) for s in sources]])
    return header, rows


def _quote_table(themes, opts) -> tuple[list[str], list[list]]:
    L = LABELS[opts.lang]
    header = [L["theme"], L["rank"], L["quote"], L["attribution"], L["role"], L["sector"], L["source"],
              L["centrality"], L["subcodes"], "segment_id"]
    rows = []
    for t in themes:
        for i, q in enumerate(t.quotes, start=1):
            rows.append([t.name, i, q["text"], q["attribution"], q["role"], q["sector"], q["source"],
                         q["centrality"], "; ".join(c for c in q["codes"] if c != t.name), q["segment_id"]])
    return header, rows


def _fill_sheet(ws, header: list[str], rows: list[list]) -> None:
    """Header in bold, then the rows, every cell through xlsx_append (no live formulas)."""
    from openpyxl.styles import Font

    xlsx_append(ws, header)
    for row in rows:
        xlsx_append(ws, row)
    for cell in ws[1]:
        cell.font = Font(bold=True)


def write_xlsx(themes, opts, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    L = LABELS[opts.lang]
    wb = Workbook()
    ws = wb.active
    ws.title = L["sheet_themes"]
    _fill_sheet(ws, *_theme_table(themes, opts))
    ws.freeze_panes = "A2"
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 22
    qs = wb.create_sheet(L["sheet_quotes"])
    _fill_sheet(qs, *_quote_table(themes, opts))
    qs.column_dimensions["C"].width = 90
    qs.column_dimensions["D"].width = 28
    for row in qs.iter_rows(min_row=2, min_col=3, max_col=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    qs.freeze_panes = "A2"
    wb.save(str(path))


def write_csv(themes, opts, path: Path) -> None:
    """One row per quote, with the theme's counts beside it; themes without quotes get one row."""
    L = LABELS[opts.lang]
    sectors = _sectors(opts)
    header = [L["theme"], L["segments"], L["participants"], L["sessions"], *[label for _s, label in sectors],
              L["rank"], L["quote"], L["attribution"], L["role"], L["sector"], L["source"], L["centrality"], "segment_id"]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel opens Dutch text correctly
        w = csv.writer(fh)
        w.writerow(csv_row(header))
        for t in themes:
            counts = [t.name, t.segments, t.participants, t.sessions, *[t.by_sector.get(s, 0) for s, _l in sectors]]
            if not t.quotes:
                w.writerow(csv_row(counts + ["", "", "", "", "", "", "", ""]))
            for i, q in enumerate(t.quotes, start=1):
                w.writerow(csv_row(counts + [i, q["text"], q["attribution"], q["role"], q["sector"], q["source"],
                                             q["centrality"], q["segment_id"]]))


def summary_json(themes, opts) -> dict:
    return {
        "title": LABELS[opts.lang]["title"],
        "basis": basis_line(opts),
        "method": method_line(opts),
        "options": {k: getattr(opts, k) for k in ("per_theme", "coder", "code", "sector", "source", "include_suggested",
                                                  "min_words", "max_words", "lang")},
        "themes": [t.to_json() for t in themes],
    }


def write_json(themes, opts, path: Path) -> None:
    path.write_text(json.dumps(summary_json(themes, opts), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


WRITERS = {"md": write_md, "docx": write_docx, "html": write_html, "xlsx": write_xlsx, "csv": write_csv, "json": write_json}
FORMATS = tuple(WRITERS)


def write_summary(db, opts: SummaryOptions, out_dir: str | Path, fmt: str = "md", *, scope=None) -> Path:
    """Write the summary in `fmt` into out_dir; returns the file written. `scope`: the
    analysis.units.CodingScope when the caller has it already."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown summary format '{fmt}' (use one of: {', '.join(FORMATS)})")
    from ..analysis.units import coding_scope
    from ..vocabulary import current
    from .summary import summary_and_terms

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise FocuscodeError(f"{setting('out')} must be a folder", path=str(out))
    themes, terms = summary_and_terms(db, opts)
    scope = scope or coding_scope(db, coder=opts.coder)
    opts = replace(opts, coders=tuple(scope.coders), vocabulary=opts.vocabulary or current(db))
    private_dir(out)
    target = out / (f"samenvatting.{fmt}" if opts.lang == "nl" else f"summary.{fmt}")
    # A summary quotes participants word for word: owner-only like the project database,
    # from the first byte of its temporary file. Sharing it is a deliberate act.
    written = write_atomically(target, lambda tmp: WRITERS[fmt](themes, opts, tmp), private=True)
    terms.keep()  # the lemma counts this run made, once the summary is out (see terms.py)
    return written
