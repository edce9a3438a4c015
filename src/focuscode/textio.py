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


# Office packages (.docx, .xlsx) are ZIP files whose parts are parsed whole in memory,
# so a small file can unpack to gigabytes. Sizes are checked from the ZIP directory
# before anything is parsed (zipfile never yields more than a member's declared size).
MAX_XML_PART = 32 * 1024 * 1024  # the document text of a very long transcript is a few MB
MAX_PART = 128 * 1024 * 1024  # embedded media are kept as blobs, not parsed
MAX_PACKAGE = 256 * 1024 * 1024
MAX_RATIO = 200  # normal XML compresses 5-30 times
_RATIO_FROM = 5 * 1024 * 1024
MAX_MEMBERS = 10_000


def check_zip_package(data: bytes, path: str, what: str) -> None:
    """Refuse an Office package whose parts would unpack to more than we can parse."""
    import io
    import zipfile

    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise InputFileError(f"not a readable {what} (truncated or damaged: {type(exc).__name__})", path=path) from None
    if len(infos) > MAX_MEMBERS:
        raise InputFileError(f"refused: this {what} holds {len(infos)} parts (more than {MAX_MEMBERS})", path=path)
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        xml = info.filename.lower().endswith((".xml", ".rels"))
        limit = MAX_XML_PART if xml else MAX_PART
        ratio = size / max(info.compress_size, 1)
        if size > limit or total > MAX_PACKAGE or (size > _RATIO_FROM and ratio > MAX_RATIO):
            raise InputFileError(
                f"refused: part '{info.filename}' of this {what} unpacks to {_mb(size)} "
                f"({ratio:.0f} times its packed size; limits {_mb(limit)} a part, {_mb(MAX_PACKAGE)} in all, "
                f"{MAX_RATIO}x): a damaged file or a zip bomb",
                path=path,
            )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"
