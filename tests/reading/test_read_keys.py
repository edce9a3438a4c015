"""Keys as a terminal sends them (xterm and vt escape sequences) reach the pager as its keys.
The bytes are what xterm, GNOME Terminal and iTerm2 write for PgDn, PgUp, the arrows and
Home/End; they arrive through a pipe exactly as through the terminal's file descriptor."""

from __future__ import annotations

import os

from focuscode.cli.read import SEQUENCES
from focuscode.cli.review_ui.keys import ESC, TerminalKeys


def _keys(data: bytes, sequences=None) -> list[str]:
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)
    keys = TerminalKeys(read, sequences)
    out = []
    while (key := keys.read_key()) != "":
        out.append(key)
    os.close(read)
    return out


def test_page_and_arrow_sequences_are_whole_keys():
    # PgDn, PgUp, down, up, Home/End (xterm), Home/End (vt), then plain keys.
    data = b"\x1b[6~\x1b[5~\x1b[B\x1b[A\x1b[H\x1b[F\x1b[1~\x1b[4~n/"
    assert _keys(data, SEQUENCES) == [" ", "b", "j", "k", "g", "G", "g", "G", "n", "/"]


def test_an_unknown_sequence_is_an_escape_not_the_end_of_input():
    # F5 and PgDn in review, which knows neither: before, PgDn read as end of input (review
    # quit) and left its "~" behind as a key of its own.
    assert _keys(b"\x1b[15~\x1b[6~a") == [ESC, ESC, "a"]
    assert _keys(b"\x1b[C\x1b[D") == ["s", "b"]  # review's own arrows are unchanged
