"""Where the bundled sample corpus and codebooks live.

In a source checkout they are the repository's `transcripts/` and `codebook/`;
an installed wheel carries a copy under `focuscode/sample/`.
"""

from __future__ import annotations

from pathlib import Path

from .errors import FocuscodeError, setting

_PACKAGE_SAMPLE = Path(__file__).resolve().parent / "sample"
_REPO_ROOT = Path(__file__).resolve().parents[2]


def sample_root(explicit: Path | None = None) -> Path:
    candidates = [explicit] if explicit else [Path.cwd(), _REPO_ROOT, _PACKAGE_SAMPLE]
    for root in candidates:
        if root is not None and (root / "transcripts").is_dir() and (root / "codebook").is_dir():
            return root
    if explicit is not None and (explicit / "transcripts").is_dir() is False and explicit.is_dir():
        # A folder of transcripts given directly.
        return explicit
    raise FocuscodeError(f"the sample corpus (transcripts/ and codebook/) was not found; pass {setting('sample')} DIR")


def source_for(name: str) -> str | None:
    """The sample's file names start with their source."""
    lowered = name.lower()
    for source in ("focusgroep", "dialoogtafel", "interview", "enquete"):
        if lowered.startswith(source):
            return source
    return None
