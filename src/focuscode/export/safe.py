"""Output safety: participants' words reach spreadsheets, Markdown, XML and terminals unarmed.

Turn text, survey answers, role and code names are written by other people and are
data, never instructions to the program that shows them:

- csv/xlsx: a cell starting with = + - @ (also after leading spaces or invisible
  characters, or starting with tab or CR) is a formula to Excel and LibreOffice
  (OWASP "CSV injection"). csv gets a leading apostrophe; xlsx stores the text as
  text with Excel's quote prefix, so the reader sees exactly what was said.
  Numbers stay numbers: only text cells are touched, and text that is a plain
  number ("-3", "12,5") is no formula either.
- Files (docx, xlsx, csv, Markdown): control characters other than tab, newline
  and CR are dropped. XML cannot hold C0 controls at all (python-docx and openpyxl
  refuse the whole file), and in a csv or Markdown file an escape sequence fires
  in the terminal of whoever runs `cat` on it.
- Markdown: HTML is escaped, links and images cannot be formed, and a `|` never
  splits a table cell.
- Terminals: escape sequences and other controls are shown as visible symbols of
  the same length, so a turn cannot retitle the window, clear the screen or
  hide text, and highlight offsets into the text stay right.

Files that hold participants' words (transcripts, quotes, keys) are created
readable by their owner only, from the first byte: `private_file`, `private_dir`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable, Iterable

# --- spreadsheets ----------------------------------------------------------------------------

_FORMULA_LEAD = frozenset("=+-@")
# Whitespace and the invisible characters a spreadsheet may skip before a formula sign.
_LEADING_BLANK = re.compile(r"[\s\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]*")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def formula_like(text: str) -> bool:
    """True when a spreadsheet could read this text cell as a formula."""
    if not text:
        return False
    if text[0] in "\t\r":
        return True
    body = text[_LEADING_BLANK.match(text).end():].rstrip()
    # A sign alone ("-" for "no code") or a plain number ("-3") computes nothing.
    return len(body) > 1 and body[0] in _FORMULA_LEAD and not _PLAIN_NUMBER.fullmatch(body)


def csv_cell(value: Any) -> Any:
    """A csv cell that no spreadsheet evaluates; numbers and harmless text unchanged."""
    if isinstance(value, str):
        value = strip_controls(value)
        if formula_like(value):
            return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list:
    return [csv_cell(v) for v in values]


def xlsx_append(sheet, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet: text as text (never a formula), numbers as numbers."""
    row = [strip_controls(v) if isinstance(v, str) else v for v in values]
    sheet.append(row)
    for cell, value in zip(sheet[sheet.max_row], row):
        if isinstance(value, str) and formula_like(value):
            cell.value = value
            cell.data_type = "s"  # openpyxl stores a leading '=' as a formula otherwise
            cell.quotePrefix = True  # Excel keeps it text when the reader edits the cell


# --- control characters in files -------------------------------------------------------------

# Characters XML 1.0 cannot carry at all.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Those, and DEL and the C1 controls (U+009B is a one-character CSI to many terminals).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """The text without control characters (tab, newline and CR stay): safe for XML, csv and Markdown."""
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


# --- Markdown --------------------------------------------------------------------------------

_MD_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\\": "\\\\", "|": "\\|", "`": "\\`"})
# A link, image or link definition needs "](", "][" or "]:"; an escaped "]" closes
# nothing, so attributions and placeholders keep their plain brackets.
_MD_LINK_CLOSE = re.compile(r"\](?=[(\[:])")


def md_inline(text: Any) -> str:
    """Text for one Markdown line or table cell: no HTML, no links or images, no cell breaks.

    Line breaks become spaces, so a value can neither end a table row nor start a
    heading or link definition of its own.
    """
    return _MD_LINK_CLOSE.sub(r"\\]", " ".join(strip_controls(str(text)).split()).translate(_MD_ESCAPE))


# --- terminals -------------------------------------------------------------------------------

# C0 controls become their Unicode control pictures (ESC -> U+241B), DEL and the C1
# controls (CSI U+009B, OSC U+009D ...) a replacement character, and the bidirectional
# overrides that reorder what is shown too; each one character for one, so offsets hold.
_TERMINAL = {c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A)}
_TERMINAL[0x7F] = 0x2421
_TERMINAL.update({c: 0xFFFD for c in range(0x80, 0xA0)})
_TERMINAL.update({c: 0xFFFD for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_NEEDS_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: Any) -> str:
    """Text a terminal shows as text: no escape sequence, control or reordering reaches it."""
    text = str(text)
    return text.translate(_TERMINAL) if _NEEDS_TERMINAL.search(text) else text


# --- files -----------------------------------------------------------------------------------

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_file(path: str | os.PathLike) -> Path:
    """Create (or empty) `path` readable and writable by its owner only, before any byte is written.

    An existing file keeps its inode but loses other users' access first, so a
    writer that then opens it by name writes into an owner-only file.
    """
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)
    return Path(path)


def private_dir(path: str | os.PathLike) -> Path:
    """Make a folder (and its missing parents) for private files; a new one is owner-only.

    An existing folder keeps its mode: it is the researcher's, and its files are
    owner-only anyway.
    """
    p = Path(path)
    if not p.is_dir():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.mkdir(mode=PRIVATE_DIR, exist_ok=True)
    return p


def write_private_text(path: str | os.PathLike, text: str) -> None:
    """Write text to an owner-only file (created so from the start)."""
    private_file(path)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def write_atomically(target: str | os.PathLike, write: Callable[[Path], None], *, private: bool = False) -> Path:
    """Write `target` through `<target>.tmp`, renamed into place in one step, so a reader or a
    kill never sees half a file. A private file (a summary, a .qdpx) is owner-only from the
    temporary file's first byte. A system error names `target`, the path the user gave, not
    the temporary file."""
    target = Path(target)
    tmp = target.with_name(target.name + ".tmp")
    try:
        if private:
            private_file(tmp)
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        if exc.filename is not None and os.fspath(exc.filename) == os.fspath(tmp):
            raise OSError(exc.errno, exc.strerror, os.fspath(target)) from None
        raise
    finally:
        if tmp.exists():
            tmp.unlink()
    return target
