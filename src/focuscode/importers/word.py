"""Word (.docx) transcripts: speaker-labelled paragraphs, speaker | text tables, or both.

The body is read in document order, paragraphs and tables alike, and goes through
the plain-text parser, so every label style works the same as in .txt (Teams'
"Naam   0:03" line above the words, "Naam: tekst", "[00:00:05] Naam: tekst") and a
bold label run counts like Markdown's `**Naam**`. A table is part of the
transcript only when its rows look like turns (a short speaker cell and a prose
text cell, optionally a time cell): each row is a turn and a row without a
speaker continues the turn above. Any other table (participants, agenda) is
skipped and reported. Line numbers count paragraphs and table rows in order.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from ..errors import InputFileError
from ..textio import read_bytes
from ..ziplimits import DOCX, check_package
from .model import ParsedSource, Skipped
from .text import parse_text, parse_time, plausible_label

TABLE = "table rows 'Naam | tekst'"
_TIME_CELL = re.compile(r"^[(\[]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[)\]]?$")
_HEADER_WORDS = {
    "speaker": {"spreker", "naam", "deelnemer", "wie", "speaker", "name", "persoon", "respondent"},
    "text": {"tekst", "text", "uitspraak", "inhoud", "transcript", "fragment", "wat"},
    "time": {"tijd", "time", "tijdstip", "timestamp", "start"},
}
# Headers of tables that list people or plan a meeting rather than record it.
_OTHER_HEADERS = {
    "rol", "functie", "sector", "schooltype", "school", "onderwerp", "agendapunt", "agenda", "e-mail", "email",
    "organisatie", "leeftijd", "geslacht", "actie", "actiehouder", "deadline", "role", "topic", "item", "label",
    "afkorting", "pseudoniem", "toelichting bij deelnemer", "aanwezig", "duur",
}
_PROSE_END = re.compile(r"[.?!…\"”]$")


def open_docx(data: bytes, path: str):
    # python-docx raises zipfile, KeyError, lxml and its own errors for damaged files;
    # all of them mean the same thing to the user.
    import docx

    if not data.strip():
        raise InputFileError("the file is empty", path=path)
    if not data.startswith(b"PK"):
        raise InputFileError("not a .docx file (it is not a Word document package)", path=path)
    check_package(data, path, DOCX)  # python-docx expands every part in memory: zip bombs stop here
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - see above
        raise InputFileError(
            f"not a readable .docx (truncated or damaged: {type(exc).__name__})", path=path
        ) from None


def _cells(row) -> list[str]:
    out: list[str] = []
    cells = list(row.cells)
    i = 0
    while i < len(cells):
        # A merged cell comes back once per grid column it spans; keep it once.
        cell = cells[i]
        out.append(" ".join(cell.text.split()))
        i += max(1, cell.grid_span or 1)
    return out


def _columns(rows: list[list[str]]) -> tuple[dict[str, int], bool] | None:
    """Which column holds speaker, text and time; (columns, first row is a header).

    None when the rows do not look like turns: a transcript table has short labels
    on the left and prose on the right, and no header of a participants or agenda list.
    """
    width = max((len(r) for r in rows), default=0)
    if width < 2:
        return None
    header = [c.lower().strip(" :") for c in rows[0]]
    found = {}
    for role, words in _HEADER_WORDS.items():
        for idx, cell in enumerate(header):
            if cell in words and idx not in found.values():
                found[role] = idx
                break
    if "speaker" in found and "text" in found:
        return found, True
    if any(cell in _OTHER_HEADERS for cell in header):
        return None
    body = [r for r in rows if len(r) >= 2]
    time_col = None
    for idx in range(width):
        values = [r[idx] for r in body if idx < len(r) and r[idx]]
        if values and sum(bool(_TIME_CELL.match(v)) for v in values) >= 0.8 * len(values):
            time_col = idx
            break
    others = [i for i in range(width) if i != time_col]
    if len(others) < 2:
        return None
    speaker_col, text_col = others[0], others[-1]
    labels = [r[speaker_col] for r in body if speaker_col < len(r) and r[speaker_col]]
    texts = [r[text_col] for r in body if text_col < len(r) and r[text_col]]
    if not labels or not texts:
        return None
    if sum(plausible_label(lbl.rstrip(":")) for lbl in labels) < 0.8 * len(labels):
        return None
    prose = sum(len(t.split()) >= 4 or bool(_PROSE_END.search(t)) for t in texts)
    if prose < 0.5 * len(texts) or sum(len(t.split()) for t in texts) < 2 * sum(len(lbl.split()) for lbl in labels):
        return None
    cols = {"speaker": speaker_col, "text": text_col}
    if time_col is not None:
        cols["time"] = time_col
    return cols, False


def _paragraph_line(paragraph) -> str:
    """The paragraph as one line; a bold label run at its start marked like Markdown."""
    text = " ".join(paragraph.text.split())
    lead: list[str] = []
    for run in paragraph.runs:
        if not run.text.strip():
            if lead:
                lead.append(run.text)
            continue
        if not run.bold:  # direct formatting; a style lookup per run costs milliseconds
            break
        lead.append(run.text)
    label = " ".join("".join(lead).split())
    if not label or len(label) > 60 or not text.startswith(label) or text.startswith("**"):
        return text
    return f"**{label}**{text[len(label):]}"


_HEADING_NAMES = ("heading", "kop", "title", "titel", "subtitle", "ondertitel")


def _heading_flags(document) -> list[bool]:
    """For each body paragraph and table in order, whether it is a heading.

    `paragraph.style` searches every style for the default on each call (seconds for a
    few thousand paragraphs), so the style ids are read once from the body element,
    whose w:p and w:tbl children are exactly what iter_inner_content() yields.
    """
    heading_ids = {style.style_id for style in document.styles
                   if (style.name or "").lower().startswith(_HEADING_NAMES)}
    return [bool(heading_ids.intersection(block.xpath("./w:pPr/w:pStyle/@w:val")))
            for block in document.element.body.xpath("./w:p | ./w:tbl")]


def _body(document) -> tuple[list[str], dict[int, object], list[Skipped]]:
    """Lines in document order, what table rows say by line number, and the lines left out."""
    from docx.table import Table

    lines: list[str] = []
    fixed: dict[int, object] = {}
    skipped: list[Skipped] = []
    headings = _heading_flags(document)
    for n, block in enumerate(document.iter_inner_content()):
        if not isinstance(block, Table):
            if n < len(headings) and headings[n]:
                lines.append("")
                if block.text.strip():
                    skipped.append(Skipped(len(lines), "heading"))
            else:
                lines.append(_paragraph_line(block))
            continue
        rows = [_cells(row) for row in block.rows]
        layout = _columns(rows) if rows else None
        if layout is None:
            if any(any(cells) for cells in rows):
                skipped.append(Skipped(len(lines) + 1, f"table of {len(rows)} row{'s' if len(rows) != 1 else ''}, not turns"))
            lines.extend("" for _ in rows)
            continue
        cols, has_header = layout
        for idx, cells in enumerate(rows):
            lines.append("")
            if has_header and idx == 0:
                skipped.append(Skipped(len(lines), "table header"))
                continue
            get = lambda role: cells[cols[role]] if role in cols and cols[role] < len(cells) else ""  # noqa: E731
            speaker, text, time = get("speaker").strip().rstrip(":").strip(), get("text"), get("time")
            if not text:
                continue
            lines[-1] = text
            if speaker:
                start = parse_time(time.strip("()[]")) if time and _TIME_CELL.match(time) else None
                fixed[len(lines)] = (speaker, text, start, TABLE)
            else:
                fixed[len(lines)] = text  # continues the turn above
    return lines, fixed, skipped


def parse_docx(data: bytes, path: str = "<docx>", *, speaker_pattern: str | None = None,
               known_speakers: set[str] | None = None) -> ParsedSource:
    """Turns from .docx bytes, with the layout used ('paragraphs', 'table' or both) in metadata."""
    document = open_docx(data, path)
    try:
        lines, fixed, skipped = _body(document)
    except InputFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed XML inside a package that opened
        raise InputFileError(f"not a readable .docx (damaged content: {type(exc).__name__})", path=path) from None
    if not any(lines):
        raise InputFileError("the document is empty (no paragraphs or transcript table)", path=path)
    parsed = parse_text("\n".join(lines), path, speaker_pattern=speaker_pattern, known_speakers=known_speakers,
                        line_is_paragraph=True, fixed=fixed, source_type="docx")
    parsed.skipped = sorted(skipped + parsed.skipped, key=lambda s: s.line)
    from_table = parsed.layouts.get(TABLE, 0)
    layout = "table" if from_table == sum(parsed.layouts.values()) else ("paragraphs and table" if from_table else "paragraphs")
    parsed.metadata["layout"] = layout
    return parsed


def read_docx_transcript(path: Path, *, speaker_pattern: str | None = None,
                         known_speakers: set[str] | None = None) -> ParsedSource:
    return parse_docx(read_bytes(path), str(path), speaker_pattern=speaker_pattern, known_speakers=known_speakers)
