"""Probes of the reading view's layout on other real shapes of input: a Teams transcript
saved from Word as text (label and time on a line above the paragraphs of a turn), and an
open survey answer exported from a survey tool (CSV, one row a respondent) with emoji.
Each probe is a way the view could mislead: a passage over a paragraph break, a passage
at the very start and end of a turn, characters two columns wide, a facilitator's turn."""

from __future__ import annotations

import json
import re

from rich.cells import cell_len

from fctest import CODEBOOK
from reading.readkit import body_text, turn_block

MARKERS = re.compile(r"\[/?\d+\]")

# Teams: "Download as .docx", saved as plain text: speaker and time above each turn's paragraphs.
TEAMS_WORD = """Gespreksleider   0:03
Wat doen jullie eigenlijk op een gewone dag?

Onderwijsassistent 1 (po)   0:12
Eerlijk gezegd sta ik vaak voor de groep als de leerkracht er niet is. Dat is zo gegroeid.

En daarnaast kopieer en lamineer ik heel veel, dat hoort er blijkbaar ook bij.

Gespreksleider   1:05
Herkent iemand dat?
"""
PARTICIPANTS = "label,role,sector\nGespreksleider,gespreksleider,\nOnderwijsassistent 1 (po),onderwijsassistent,po\n"

# A survey tool's CSV export: respondent number, sector, one open question.
SURVEY = (
    "respondent,sector,toelichting_loopbaan\n"
    'R017,vo,"Ik wil graag doorgroeien naar docent 👩‍🏫 maar de opleiding naast een volle baan is zwaar 😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓😓 en mijn leidinggevende ziet het niet zitten."\n'
    'R018,po,"Meer scholing zou fijn zijn, nu betaal ik cursussen zelf."\n'
)


def _project(cli, tmp_path, name: str, text: str, participants: str | None = None, *extra: str) -> dict[int, int]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    if participants:
        (tmp_path / (path.stem + ".participants.csv")).write_text(participants, encoding="utf-8")
    assert cli("codebook", "load", str(CODEBOOK)).exit_code == 0
    result = cli("import", str(path), *extra)
    assert result.exit_code == 0, result.output
    return {r["ordinal"]: r["id"] for r in json.loads(cli("segments", "--json").stdout)}


def test_a_passage_over_a_paragraph_break_keeps_both_paragraphs_and_its_markers(cli, tmp_path):
    ids = _project(cli, tmp_path, "teams-oop-po.txt", TEAMS_WORD, PARTICIPANTS, "--source", "focusgroep")
    quote = "Dat is zo gegroeid. En daarnaast kopieer en lamineer ik heel veel"
    assert cli("code", str(ids[2]), "klusjes", "--quote", quote, "--coder", "anna").exit_code == 0
    # The whole first sentence and the last words: a passage at the very start and one at the very end.
    assert cli("code", str(ids[2]), "invallen en lessen overnemen", "--sentence", "1", "--coder", "anna").exit_code == 0
    assert cli("code", str(ids[2]), "ad-hoctaken", "--quote", "dat hoort er blijkbaar ook bij.", "--coder", "anna").exit_code == 0
    block = turn_block(cli("read", "teams-oop-po.txt").stdout, 2)
    assert block[0].endswith("· turn 2 · 0:00:12 · Onderwijsassistent 1 (po) (onderwijsassistent, po)")
    assert block[1:3] == [
        "  [1]Eerlijk gezegd sta ik vaak voor de groep als de leerkracht er niet is.[/1] [2]Dat is zo gegroeid.",
        "  En daarnaast kopieer en lamineer ik heel veel[/2], [3]dat hoort er blijkbaar ook bij.[/3]",
    ]  # each paragraph starts a line of its own, the passage runs across the break
    assert "  passages: [1] invallen en lessen overnemen (anna) · [2] klusjes (anna) · [3] ad-hoctaken (anna)" in block


def test_a_facilitator_turn_is_dimmed_in_colour(cli, tmp_path):
    _project(cli, tmp_path, "teams-oop-po.txt", TEAMS_WORD, PARTICIPANTS, "--source", "focusgroep")
    out = cli("read", "teams-oop-po.txt", "--no-pager", env={"NO_COLOR": None, "FORCE_COLOR": "1", "TERM": "xterm-256color"}).stdout
    lines = out.splitlines()
    facilitator = next(line for line in lines if "Herkent iemand dat?" in line)
    participant = next(line for line in lines if "Eerlijk gezegd" in line)
    assert "\x1b[2m" in facilitator and "\x1b[2m" not in participant


def test_wide_characters_never_push_a_line_past_the_width(cli, tmp_path):
    _project(cli, tmp_path, "quickscan-loopbaan.csv", SURVEY, None, "--source", "enquete", "--text-column",
             "toelichting_loopbaan", "--id-column", "respondent", "--sector-column", "sector", "--allow-unknown")
    out = cli("read", "quickscan-loopbaan.csv", env={"COLUMNS": "48"}).stdout
    # 30 emoji in a row are one "word" of 60 columns: it must be cut, not overflow.
    assert max(cell_len(line) for line in out.splitlines()) <= 48
    block = turn_block(out, 1)
    assert block[1] == "  vraag: toelichting_loopbaan"
    assert body_text(block[:1] + block[2:]).replace(" ", "") == (
        "Ik wil graag doorgroeien naar docent 👩‍🏫 maar de opleiding naast een volle baan is zwaar "
        + "😓" * 30 + " en mijn leidinggevende ziet het niet zitten.").replace(" ", "")
