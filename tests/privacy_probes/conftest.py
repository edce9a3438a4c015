"""The probes reuse the privacy tests' refusal check (tests/privacy/privacykit.py)."""

from __future__ import annotations

import sys
from pathlib import Path

_kit = str(Path(__file__).resolve().parents[1] / "privacy")
if _kit not in sys.path:
    sys.path.append(_kit)
