"""Shared by the privacy tests: clean probe material and the one-line refusal check."""

from __future__ import annotations

from fctest import db_snapshot

# A Zoom-style transcript as a transcription service delivers it: "Label: text", clean.
CLEAN = (
    "Gespreksleider: Welkom. Wat doen jullie op een gewone dag?\n"
    "OOP'er 1 (po): Ik begeleid groepjes bij rekenen en lezen, en ik val in als een leerkracht ziek is.\n"
    "OOP'er 2 (po): Bij ons is dat hetzelfde, maar ik zou graag doorgroeien naar lerarenondersteuner.\n"
)
PARTICIPANTS = (
    "label,role,sector,school_type\n"
    "Gespreksleider,gespreksleider,,\n"
    "OOP'er 1 (po),OOP'er,po,basisschool\n"
    "OOP'er 2 (po),OOP'er,po,kindcentrum\n"
)



def refused(result, db_path, before, *needles: str) -> str:
    """The command refused: exit 1, one line on stderr holding every needle, database as before."""
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert "personal data found" in line and "Traceback" not in result.output
    for needle in needles:
        assert needle in line, (needle, line)
    assert db_snapshot(db_path) == before
    return line


def let_in(result, *needles: str) -> str:
    """--allow-pii: stored, exit 0, with a warning on stderr."""
    assert result.exit_code == 0, result.output
    assert "Warning:" in result.stderr and "--allow-pii" in result.stderr, result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)
    return result.stderr
