"""Reading text files whose encoding the user does not know.

Transcripts arrive as UTF-8 (with or without BOM), UTF-16 from Windows tools,
or cp1252 from older Word exports. We detect which, say which, and refuse
binary files rather than importing garbage.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from .errors import InputFileError

# Bytes that never occur in text files; a NUL outside UTF-16 means binary.
_CONTROL = set(range(0, 9)) | {11, 12} | set(range(14, 32)) - {27}


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Decode file bytes, returning (text, encoding name). Raises InputFileError."""
    if not data.strip():
        raise InputFileError("the file is empty", path=path)
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[3:], "utf-8", "utf-8-sig", path)
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _decode(data, "utf-16", "utf-16", path)
    # UTF-16 without BOM: every other byte NUL in mostly-ASCII text.
    if len(data) >= 4 and data[1::2].count(0) > len(data) // 4 and data[0::2].count(0) == 0:
        return _decode(data, "utf-16-le", "utf-16-le", path)
    if len(data) >= 4 and data[0::2].count(0) > len(data) // 4 and data[1::2].count(0) == 0:
        return _decode(data, "utf-16-be", "utf-16-be", path)
    if b"\x00" in data:
        raise InputFileError("this is a binary file, not text", path=path)
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        # cp1252 decodes nearly anything, so only accept it when the result looks like text.
        try:
            text = data.decode("cp1252")
            encoding = "cp1252"
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"not readable as UTF-8, UTF-16 or cp1252 text (byte {exc.start})", path=path
            ) from None
    _check_text(text, path)
    return text, encoding


def _decode(data: bytes, codec: str, name: str, path: str) -> tuple[str, str]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputFileError(f"not valid {name} text (byte {exc.start})", path=path) from None
    if not text.strip():
        raise InputFileError("the file is empty", path=path)
    _check_text(text, path)
    return text, name


def _check_text(text: str, path: str) -> None:
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) in _CONTROL)
    if controls > max(2, len(sample) // 200):
        raise InputFileError("this is a binary file, not text", path=path)


def read_text_file(path: str | Path) -> tuple[str, str]:
    """Read a text file with encoding detection. Returns (text with \\n line ends, encoding)."""
    p = Path(path)
    data = read_bytes(p)
    text, encoding = decode_bytes(data, str(p))
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def csv_layout(text: str) -> tuple[str, str, int]:
    """(delimiter, text to parse, lines skipped) of a CSV file's text: the one delimiter
    sniffer (surveys, participants files, code --from-file).

    Excel's `sep=;` hint line, written by tools that export "for Excel", names the delimiter
    and is skipped (callers add the skipped line to their line numbers). Otherwise the first
    line decides among comma, semicolon (Dutch Excel) and tab; a line with none of them
    means comma. Only the delimiter is guessed: quoting stays the standard (RFC 4180) one.
    """
    import csv

    text = text.lstrip("\ufeff")
    first, _, rest = text.partition("\n")
    hint = first.strip().lower()
    if len(hint) == 5 and hint.startswith("sep="):
        return first.strip()[4], rest, 1
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t").delimiter, text, 0
    except csv.Error:
        return ",", text, 0


def read_bytes(path: str | Path) -> bytes:
    p = Path(path)
    if not p.exists():
        raise InputFileError("no such file", path=str(p))
    if p.is_dir():
        raise InputFileError("is a folder, not a file", path=str(p))
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror}", path=str(p)) from None
