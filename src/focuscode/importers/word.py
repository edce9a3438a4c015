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
from .text import match_opener, parse_text, parse_time, plausible_label

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


def _run_text(run) -> str:
    """A run's text as Word shows it: tabs and line breaks kept, deleted text never reaches here."""
    out = []
    for child in run:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "t":
            out.append(child.text or "")
        elif tag == "tab":
            out.append("\t")
        elif tag in ("br", "cr"):
            out.append("\n")
        elif tag == "noBreakHyphen":
            out.append("-")
    return "".join(out)


# Every run a reader sees: also inside tracked insertions (w:ins), hyperlinks, smart tags,
# fields and inline content controls; not deleted or moved-away text, nor a text box's own
# paragraphs. python-docx's Paragraph.text reads only direct runs and hyperlinks, so a
# typist's tracked insertion would silently vanish.
_RUNS = ".//w:r[not(ancestor::w:del) and not(ancestor::w:moveFrom) and not(ancestor::w:txbxContent)]"
_OFF = ("0", "false", "off")


def _bold(run) -> bool:
    values = run.xpath("./w:rPr/w:b/@w:val")
    return bool(run.xpath("./w:rPr/w:b")) and not (values and values[0].lower() in _OFF)


def _runs(p) -> list[tuple[str, bool]]:
    return [(_run_text(r), _bold(r)) for r in p.xpath(_RUNS)]


def _cells(tr) -> list[str]:
    # Each w:tc once: a cell merged across columns is one w:tc with a gridSpan, and the
    # continuation of a vertically merged cell is empty (a row that continues the one above).
    cells = tr.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc")
    return [" ".join(" ".join(_text(p) for p in cell.xpath(".//w:p")).split()) for cell in cells]


def _text(p) -> str:
    return "".join(text for text, _ in _runs(p))


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


def _bold_label(runs: list[tuple[str, bool]], text: str) -> str:
    """`text` (one line, spaces folded) with a bold label run at its start marked like Markdown."""
    lead: list[str] = []
    for piece, bold in runs:
        if not piece.strip():
            if lead:
                lead.append(piece)
            continue
        if not bold:  # direct formatting; a style lookup per run costs milliseconds
            break
        lead.append(piece)
    label = " ".join("".join(lead).split())
    if not label or len(label) > 60 or not text.startswith(label) or text.startswith("**"):
        return text
    return f"**{label}**{text[len(label):]}"


def _paragraph(p) -> tuple[str, tuple | None]:
    """The paragraph as one line, and an opener when a label line stands above its words
    in the same paragraph, separated by a line break (Shift+Enter) rather than a new paragraph."""
    runs = _runs(p)
    raw = "".join(text for text, _ in runs)
    line = _bold_label(runs, " ".join(raw.split()))
    head, brk, rest = raw.partition("\n")
    rest = " ".join(rest.split())
    if brk and head.strip() and rest:
        head_runs, length = [], 0
        for text, bold in runs:  # the runs up to the break, for a bold label on the first line
            if length >= len(head):
                break
            head_runs.append((text[: len(head) - length], bold))
            length += len(text)
        opened = match_opener(_bold_label(head_runs, " ".join(head.split())))
        if opened is not None and not opened[1]:
            return line, (opened[0], rest, opened[2], opened[3])
    return line, None


_HEADING_NAMES = ("heading", "kop", "title", "titel", "subtitle", "ondertitel")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _blocks(container):
    """Paragraphs and tables in document order, also inside block-level content controls
    (templates wrap whole sections in them; python-docx's iter_inner_content skips those)."""
    for child in container:
        if child.tag in (_W + "p", _W + "tbl"):
            yield child
        elif child.tag == _W + "sdt":
            for content in child.iterchildren(_W + "sdtContent"):
                yield from _blocks(content)


def _body(document) -> tuple[list[str], dict[int, object], list[Skipped]]:
    """Lines in document order, what table rows say by line number, and the lines left out.

    Read from the body's XML (`document.element`), so that tracked insertions, content
    controls and line breaks inside a paragraph are seen as Word shows them.
    """
    heading_ids = {style.style_id for style in document.styles
                   if (style.name or "").lower().startswith(_HEADING_NAMES)}
    lines: list[str] = []
    fixed: dict[int, object] = {}
    skipped: list[Skipped] = []
    for block in _blocks(document.element.body):
        if block.tag == _W + "p":
            if heading_ids.intersection(block.xpath("./w:pPr/w:pStyle/@w:val")):
                lines.append("")
                if _text(block).strip():
                    skipped.append(Skipped(len(lines), "heading"))
                continue
            line, opened = _paragraph(block)
            lines.append(line)
            if opened is not None:
                fixed[len(lines)] = opened
            continue
        rows = [_cells(tr) for tr in block.xpath("./w:tr | ./w:sdt/w:sdtContent/w:tr")]
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
