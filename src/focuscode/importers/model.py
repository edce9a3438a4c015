from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Turn:
    """One speaker turn (or one survey answer): the unit that becomes a segment."""

    speaker: str | None
    text: str
    line: int | None = None
    start_ms: int | None = None
    end_ms: int | None = None
    external_id: str | None = None
    question: str | None = None
    # Per-turn participant facts, used by survey rows that carry their own role/sector.
    role: str | None = None
    sector: str | None = None
    attributes: dict = field(default_factory=dict)
    # (offset in text, source line) for each joined source line, so a finding deep
    # inside a long turn can be reported at its own line, not the turn's first.
    line_map: list[tuple[int, int]] = field(default_factory=list)
    # Codes already assigned in the source (survey spreadsheets), stored as accepted.
    codes: list[str] = field(default_factory=list)

    def line_at(self, offset: int) -> int | None:
        """The source line holding character `offset` of the text."""
        line = self.line
        for start, lineno in self.line_map:
            if start > offset:
                break
            line = lineno
        return line


@dataclass
class Skipped:
    """A source line that is not part of any turn (a title, a date, 'transcription stopped').

    Only the line number and what kind of line it is: the text itself may hold names
    (an attendees line), so it is neither stored nor printed.
    """

    line: int
    kind: str


@dataclass
class ParsedSource:
    turns: list[Turn]
    source_type: str
    encoding: str | None = None
    metadata: dict = field(default_factory=dict)
    # Lines left out, each reported to the user so nothing disappears silently.
    skipped: list[Skipped] = field(default_factory=list)
    # How turns were recognised: layout description -> number of turns opened that way.
    layouts: dict[str, int] = field(default_factory=dict)


def describe_skipped(skipped: list[Skipped]) -> str:
    """'lines 1 (title), 2 (date), 57 (transcription stopped)' for a notice."""
    parts = [f"{s.line} ({s.kind})" for s in skipped[:12]]
    more = f" and {len(skipped) - 12} more" if len(skipped) > 12 else ""
    return ("line " if len(skipped) == 1 else "lines ") + ", ".join(parts) + more
