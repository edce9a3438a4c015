"""A .qdpx archive opened for reading: entry names, sizes and source paths checked.

The archive is never extracted. Every entry name is checked (no absolute path, no
`..`), declared sizes are checked against zip bombs before anything is expanded and
reads stay within a byte budget (`ziplimits`), and a source path that would leave
`sources/` is refused, whatever form it takes.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from ..errors import ExchangeError
from ..ziplimits import QDPX, Budget, check_package

_DRIVE = re.compile(r"^[A-Za-z]:")
# Members a .qdpx may carry that are never expanded (media, PDFs, rich-text originals).
_NEVER_READ = {
    "pdf", "doc", "docx", "rtf", "odt", "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "svg", "mp3", "mp4",
    "m4a", "wav", "ogg", "oga", "mov", "avi", "wmv", "mkv", "webm", "mpg", "mpeg", "flac", "aac",
}


class Archive:
    """A .qdpx opened for reading, with every entry name and declared size checked up front."""

    def __init__(self, path: Path):
        self.path = path
        if not path.exists():
            raise ExchangeError("no such file", path=str(path))
        if not zipfile.is_zipfile(path):
            raise ExchangeError("not a REFI-QDA project: a .qdpx must be a ZIP archive", path=str(path))
        try:
            self.zf = zipfile.ZipFile(path)
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise ExchangeError(f"damaged ZIP archive ({exc})", path=str(path)) from None
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename.replace("\\", "/")
            parts = name.split("/")
            if name.startswith("/") or _DRIVE.match(name) or ".." in parts:
                raise ExchangeError(f"refused: the archive holds a path outside its folder: '{info.filename}'", path=str(path))
            if not name.endswith("/"):
                self.entries[name.lower()] = info
        # Media are never expanded; everything else might be, so it counts against the limits.
        check_package(self.zf, str(path), QDPX, only=lambda i: not _is_media(i.filename), error=ExchangeError)
        self.budget = Budget(self.zf, str(path), QDPX, error=ExchangeError)

    def find(self, name: str) -> zipfile.ZipInfo | None:
        return self.entries.get(name.lower())

    def project_entry(self) -> zipfile.ZipInfo | None:
        """project.qde; some tools name it after the project (QualCoder reads any one .qde)."""
        info = self.find("project.qde")
        if info is not None:
            return info
        top = [i for n, i in self.entries.items() if "/" not in n and n.endswith(".qde")]
        return top[0] if len(top) == 1 else None

    def read(self, info: zipfile.ZipInfo) -> bytes:
        return self.budget.read(info)

    def source_files(self) -> list[str]:
        return [n for n in self.entries if n.startswith("sources/") and not n.rsplit("/", 1)[-1].startswith(".")]

    def close(self) -> None:
        self.zf.close()


def _is_media(name: str) -> bool:
    return "." in name.rsplit("/", 1)[-1] and name.rsplit(".", 1)[-1].lower() in _NEVER_READ


def internal_entry(path_attr: str, where: str) -> str | None:
    """The archive entry a source path names, inside `sources/`; None for a file outside the archive.

    The standard writes `internal://<guid>.txt`; real files also carry bare or relative
    names (qc 1.3: `board_2017.txt`, others `sources/x.txt`, `.\\x.txt`, `Sources/x.txt`).
    `relative://`, `absolute://` and `file:` point outside the archive and are never read.
    Whatever the form, a path that leaves `sources/` is refused.
    """
    value = path_attr.strip()
    lowered = value.lower()
    if lowered.startswith("internal://"):
        name = value[len("internal://"):]
    elif re.match(r"^[a-z][a-z0-9+.-]*:", lowered) and not _DRIVE.match(value):
        return None  # relative://, absolute://, file:, http:...: outside the archive
    else:
        name = value
    name = name.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        raise ExchangeError(f"refused: source path '{value}' leaves the archive's sources folder", path=where)
    normal = posixpath.normpath(name)
    if normal.lower().startswith("sources/"):
        normal = normal[len("sources/"):]
    if normal in (".", "") or normal == ".." or normal.startswith("../"):
        raise ExchangeError(f"refused: source path '{value}' leaves the archive's sources folder", path=where)
    return "sources/" + normal


def resolve(archive: Archive, entry: str) -> zipfile.ZipInfo | None:
    """The archive member for a `sources/...` entry: as named, URL-decoded, or by its unique file name."""
    from urllib.parse import unquote

    for candidate in (entry, unquote(entry)):
        info = archive.find(candidate)
        if info is not None:
            return info
    base = entry.rsplit("/", 1)[-1].lower()
    same = [n for n in archive.source_files() if n.rsplit("/", 1)[-1] == base]
    return archive.entries[same[0]] if len(same) == 1 else None


def decode_text(data: bytes, where: str) -> str:
    import codecs

    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # The standard says UTF-8; some Windows tools write UTF-16.
        if len(data) % 2:
            raise ExchangeError(f"source text is UTF-16 but has an odd number of bytes ({len(data)}): truncated or damaged",
                                path=where)
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ExchangeError(f"source text is not valid UTF-16 (byte {exc.start})", path=where) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExchangeError(f"source text is not UTF-8 (byte {exc.start})", path=where) from None
