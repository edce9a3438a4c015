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


@dataclass
class ParsedSource:
    turns: list[Turn]
    source_type: str
    encoding: str | None = None
    metadata: dict = field(default_factory=dict)
