"""Properties of passages through REFI-QDA, for any selections a tool may write over a
transcript: every selection lands on exactly the words it covers in each turn it touches, and
export -> import keeps every imported coding with its words.

The archive imitates a MAXQDA 2022 export of a focus group pasted as text (one turn a line,
a chat emoji in one of them); hypothesis chooses the selections (any start and end, also
across turns, overlapping or repeated) and which code each one carries.
"""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from focuscode.cli import app

TURNS = [
    "Gespreksleider: Hoe ziet jullie week eruit?",
    "OOP'er 1: Ik surveilleer bij toetsen en ik val in als er iemand ziek is 😬, dat staat nergens.",
    "OOP'er 2: Ik zou graag de opleiding tot leraar doen, maar er is geen budget voor scholing.",
    "Gespreksleider: Dank jullie wel.",
]
TEXT = "\n".join(TURNS) + "\n"
CODES = {"C17A0000-0000-4000-8000-000000000001": "ad-hoctaken", "C17A0000-0000-4000-8000-000000000002": "doorgroei"}


def _archive(path: Path, selections: list[tuple[int, int, str]]) -> Path:
    sels = "".join(
        f'<PlainTextSelection guid="5E100000-0000-4000-8000-{n:012d}" name="" startPosition="{s}" endPosition="{e}" '
        f'modifyingUser="0B7AF1B5-44A3-4C6E-9C24-7D7F0D6D0001"><Coding guid="C0D10000-0000-4000-8000-{n:012d}" '
        f'modifyingUser="0B7AF1B5-44A3-4C6E-9C24-7D7F0D6D0001"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
        for n, (s, e, code) in enumerate(selections))
    qde = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="fg" '
           'origin="MAXQDA 2022 (Release 22.7.0)"><Users><User guid="0B7AF1B5-44A3-4C6E-9C24-7D7F0D6D0001" name="Onderzoeker"/>'
           "</Users><CodeBook><Codes>"
           + "".join(f'<Code guid="{g}" name="{n}" isCodable="true"/>' for g, n in CODES.items())
           + '</Codes></CodeBook><Sources><TextSource guid="D0C00000-0000-4000-8000-000000000001" name="fg-po" '
           f'plainTextPath="internal://D0C00000-0000-4000-8000-000000000001.txt">{sels}</TextSource></Sources></Project>')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr("sources/D0C00000-0000-4000-8000-000000000001.txt", TEXT.encode("utf-8"))
    return path


def _codings(db: Path) -> set[tuple[int, str, str | None]]:
    rows = sqlite3.connect(db).execute(
        "SELECT s.ordinal, k.name, s.text, c.span_start, c.span_end FROM codings c JOIN segments s ON s.id = c.segment_id "
        "JOIN codes k ON k.id = c.code_id WHERE c.status = 'accepted'").fetchall()
    return {(o, k, None if a is None else t[a:b]) for o, k, t, a, b in rows}


def _expected(selections) -> set[tuple[int, str, str | None]]:
    """What the README promises, worked out from the text itself: in each turn a selection
    touches, the words it covers there, or None where that is the whole turn."""
    out = set()
    offset = 0
    for ordinal, turn in enumerate(TURNS, start=1):
        lo, hi = offset, offset + len(turn)
        for s, e, code in selections:
            name = CODES[code]
            if s == e and lo <= s <= hi:
                out.add((ordinal, name, None))
            elif s < hi and e > lo:
                words = TEXT[max(s, lo) : min(e, hi)]
                out.add((ordinal, name, None if words == turn else words))
        offset = hi + 1
    return out


_selection = st.integers(0, len(TEXT)).flatmap(
    lambda s: st.tuples(st.just(s), st.integers(s, min(len(TEXT), s + 120)), st.sampled_from(sorted(CODES))))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_selection, min_size=1, max_size=6))
def test_selections_land_on_their_words_and_survive_a_round_trip(selections):
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        first, again = tmp / "a.db", tmp / "b.db"
        result = runner.invoke(app, ["import", str(_archive(tmp / "maxqda.qdpx", selections)), "--db", str(first)])
        assert result.exit_code == 0, result.output
        got = _codings(first)
        assert got == _expected(selections)
        out = tmp / "terug.qdpx"
        assert runner.invoke(app, ["export", "refi", "--out", str(out), "--db", str(first)]).exit_code == 0
        result = runner.invoke(app, ["import", str(out), "--db", str(again)])
        assert result.exit_code == 0, result.output
        assert _codings(again) == got
