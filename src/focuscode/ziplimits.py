"""Size limits for ZIP packages (.qdpx, .docx, .xlsx) against zip bombs.

Two lines of defence, both needed:
- before anything is expanded, every member's declared size is checked against a
  per-member and a total limit (a compression-ratio check alone lets a few large
  members through, and a 7 GB expansion fits in an 8 MB archive);
- members are then read in chunks against a byte budget, so the declared sizes
  cannot be exceeded either (Python's zipfile also stops at the declared size and
  refuses the member with a CRC error).

python-docx and openpyxl open the package themselves; for them `check_package`
runs on the bytes first, and zipfile's own cap on declared sizes does the rest.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from .errors import InputFileError

MB = 1024 * 1024
CHUNK = 1 * MB


@dataclass(frozen=True)
class Limits:
    member: int  # bytes one member may expand to
    total: int  # bytes all members together may expand to
    members: int = 20_000  # entries in the central directory
    # A member packed more than `ratio` times (once past `ratio_from`) is a bomb's shape,
    # even under the size limits: normal XML compresses 5-30 times.
    ratio: int | None = None
    ratio_from: int = 5 * 1024 * 1024

    def describe(self, n: int) -> str:
        return f"{n / MB:.0f} MB" if n >= MB else f"{n} bytes"


# A Word transcript's document.xml is parsed whole by lxml at about ten times its size,
# and python-docx makes objects per paragraph: a bomb of tiny paragraphs is refused by ratio.
DOCX = Limits(member=32 * MB, total=128 * MB, ratio=200)
# openpyxl streams sheets in read-only mode but holds every shared string in memory.
XLSX = Limits(member=100 * MB, total=300 * MB)
# A REFI-QDA project: project.qde and plain-text sources are read; media are never expanded.
QDPX = Limits(member=128 * MB, total=256 * MB, members=200_000)


def check_package(data: bytes | zipfile.ZipFile, where: str, limits: Limits, *, only=None,
                  error: type[InputFileError] = InputFileError) -> None:
    """Refuse a package whose members declare more than the limits, before expanding any.

    `only` selects the members that will be read (a .qdpx's media are never expanded);
    by default every member counts.
    """
    zf = data if isinstance(data, zipfile.ZipFile) else None
    try:
        if zf is None:
            zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise error(f"not a readable package (truncated or damaged: {type(exc).__name__})", path=where) from None
    if len(infos) > limits.members:
        raise error(f"refused: the package holds {len(infos)} entries (limit {limits.members})", path=where)
    total = 0
    for info in infos:
        if only is not None and not only(info):
            continue
        if info.file_size > limits.member:
            raise error(
                f"refused: '{info.filename}' would expand to {limits.describe(info.file_size)} "
                f"(limit {limits.describe(limits.member)} per part; a possible zip bomb)", path=where)
        ratio = info.file_size / max(info.compress_size, 1)
        if limits.ratio is not None and info.file_size > limits.ratio_from and ratio > limits.ratio:
            raise error(
                f"refused: '{info.filename}' would expand to {limits.describe(info.file_size)}, {ratio:.0f} times "
                f"its packed size (limit {limits.ratio}x; a possible zip bomb)", path=where)
        total += info.file_size
        if total > limits.total:
            raise error(
                f"refused: the package would expand to more than {limits.describe(limits.total)} "
                f"(a possible zip bomb)", path=where)


class Budget:
    """Reads members of one archive, all together within `limits.total` bytes."""

    def __init__(self, zf: zipfile.ZipFile, where: str, limits: Limits, *, error: type[InputFileError] = InputFileError):
        self.zf = zf
        self.error = error
        self.where = where
        self.limits = limits
        self.left = limits.total

    def read(self, info: zipfile.ZipInfo, *, limit: int | None = None) -> bytes:
        cap = min(limit or self.limits.member, self.limits.member)
        if info.file_size > cap or info.file_size > self.left:
            raise self._too_large(info, info.file_size, cap)
        parts: list[bytes] = []
        size = 0
        try:
            with self.zf.open(info) as fh:
                while True:
                    chunk = fh.read(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > cap or size > self.left:
                        raise self._too_large(info, size, cap)
                    parts.append(chunk)
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError) as exc:
            raise self.error(f"cannot read '{info.filename}' from the archive ({exc})", path=self.where) from None
        self.left -= size
        return b"".join(parts)

    def _too_large(self, info, size: int, cap: int) -> InputFileError:
        if size > cap:
            return self.error(
                f"refused: '{info.filename}' expands to more than {self.limits.describe(cap)} (a possible zip bomb)",
                path=self.where)
        return self.error(
            f"refused: the archive expands to more than {self.limits.describe(self.limits.total)} (a possible zip bomb)",
            path=self.where)
