"""Plain-text and Markdown transcripts with speaker labels.

Accepted turn openings: `Naam: tekst`, `Naam (00:12:31): tekst`, `[Naam] tekst`,
`**Naam**: tekst`, or the label alone on a line followed by paragraph lines.
Lines that do not open a turn continue the current one, so a turn keeps its
paragraphs instead of being split or reflowed.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import TranscriptError
from ..textio import read_text_file
from .model import ParsedSource, Turn

_TIME = r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)"
_OPENERS = [
    re.compile(r"^\*\*(?P<speaker>[^*]{1,60}?)\*\*\s*(?:\(" + _TIME + r"\))?\s*:?\s*(?P<text>.*)$"),
    re.compile(r"^\*\*(?P<speaker>[^*]{1,60}?):\*\*\s*(?P<text>.*)$"),
    re.compile(r"^\[(?P<speaker>[A-ZÀ-Ý][^\]]{0,59})\]\s*(?:\(" + _TIME + r"\))?\s*:?\s*(?P<text>.*)$"),
    re.compile(r"^(?P<speaker>[^:\[\]*\s][^:\[\]*]{0,59}?)\s*(?:\(" + _TIME + r"\))?\s*:\s*(?P<text>.*)$"),
    re.compile(r"^(?P<speaker>[^:\[\]*\s][^:\[\]*]{0,59}?)\s*\(" + _TIME + r"\)\s*$"),
]
# Placeholders from anonymisation look like bracketed labels but open no turn.
_PLACEHOLDER = re.compile(r"^\[(?:[a-zà-ý][^\]]*|[A-Z]+-\d+)\]")
_PSEUDONYM_LABEL = re.compile(r"^(?P<speaker>\[[A-Z]+-\d+\])\s*(?:\(" + _TIME + r"\))?\s*:\s*(?P<text>.*)$")
_SENTENCE_CHARS = re.compile(r"[.?!,;\"“”‘]")


def parse_time(value: str) -> int:
    parts = value.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2]) if len(parts) >= 2 else 0
    hours = int(parts[-3]) if len(parts) >= 3 else 0
    return int(round((hours * 3600 + minutes * 60 + seconds) * 1000))


def plausible_label(label: str) -> bool:
    """A speaker label is short and not prose: at most five words, no sentence punctuation."""
    stripped = re.sub(r"\([^)]*\)", "", label).strip()
    if not stripped or len(stripped.split()) > 5:
        return False
    if _SENTENCE_CHARS.search(stripped):
        return False
    return stripped[0].isalpha() or stripped[0].isdigit()


def match_opener(line: str, custom: re.Pattern | None = None, known: set[str] | None = None):
    """Return (speaker, text, time_ms) if the line opens a turn, else None."""
    if custom is not None:
        m = custom.match(line)
        if not m:
            return None
        groups = m.groupdict()
        time = groups.get("time")
        return groups["speaker"].strip(), (groups.get("text") or "").strip(), parse_time(time) if time else None
    if _PLACEHOLDER.match(line):
        # A pseudonymised speaker ("[PERSOON-1]: tekst") opens a turn; "[school] is..." does not.
        m = _PSEUDONYM_LABEL.match(line)
        if m is None:
            return None
        time = m.group("time")
        return m.group("speaker"), m.group("text").strip(), parse_time(time) if time else None
    for pattern in _OPENERS:
        m = pattern.match(line)
        if not m:
            continue
        speaker = m.group("speaker").strip().rstrip(":").strip()
        if known is not None and speaker in known:
            pass
        elif not plausible_label(speaker):
            continue
        time = m.groupdict().get("time")
        return speaker, (m.groupdict().get("text") or "").strip(), parse_time(time) if time else None
    return None


def parse_text(
    text: str,
    path: str = "<text>",
    *,
    speaker_pattern: str | None = None,
    known_speakers: set[str] | None = None,
    line_is_paragraph: bool = False,
) -> list[Turn]:
    """Speaker turns of a transcript. With `line_is_paragraph` (Word), every line is
    its own paragraph instead of a wrapped line that continues the previous one."""
    custom = None
    if speaker_pattern:
        try:
            custom = re.compile(speaker_pattern)
        except re.error as exc:
            raise TranscriptError(f"--speaker-pattern is not a valid regular expression: {exc}", path=path) from None
        if "speaker" not in custom.groupindex:
            raise TranscriptError("--speaker-pattern needs a named group (?P<speaker>...)", path=path)
    turns: list[Turn] = []
    # Each paragraph is a list of (line number, text); lines join with a space,
    # paragraphs with a newline, and the line map remembers where each began.
    paragraphs: list[list[tuple[int, str]]] = []
    current: Turn | None = None

    def close() -> None:
        if current is None:
            return
        parts: list[str] = []
        offset = 0
        for para in (p for p in paragraphs if p):
            if parts:
                parts.append("\n")
                offset += 1
            for i, (lineno, piece) in enumerate(para):
                if i:
                    parts.append(" ")
                    offset += 1
                current.line_map.append((offset, lineno))
                parts.append(piece)
                offset += len(piece)
        current.text = "".join(parts)
        if current.text.strip():
            turns.append(current)

    lines = text.split("\n")
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            if paragraphs and paragraphs[-1]:
                paragraphs.append([])
            continue
        if current is None and line.startswith("#") and custom is None:
            continue  # a Markdown title above the first turn
        opened = match_opener(line, custom, known_speakers)
        if opened is None and custom is None:
            before = lines[lineno - 2].strip() if lineno >= 2 else ""
            after = lines[lineno].strip() if lineno < len(lines) else ""
            if _bare_label(line, before, after, known_speakers):
                opened = (line, "", None)
        if opened is not None:
            close()
            speaker, first, time_ms = opened
            current = Turn(speaker=speaker, text="", line=lineno, start_ms=time_ms)
            paragraphs = [[(lineno, first)]] if first else [[]]
            if first and line_is_paragraph:
                paragraphs.append([])
            continue
        if current is None:
            raise TranscriptError(f"a turn without a speaker: '{shorten(line)}'", path=path, line=lineno)
        paragraphs[-1].append((lineno, line))
        if line_is_paragraph:
            paragraphs.append([])
    close()
    if not turns:
        raise TranscriptError("no speaker turns found (expected lines like 'Naam: tekst')", path=path)
    check_times(turns, path)
    return turns


def _bare_label(line: str, before: str, after: str, known: set[str] | None) -> bool:
    """A speaker label alone on its line, with the turn's paragraphs below it.

    Known labels always count. Otherwise only a label-like line (capital, at most
    five words, no sentence punctuation, no final full stop) that stands after a
    blank line or another turn's end and has text right below it.
    """
    if known is not None and line in known:
        return True
    if not after or not line[0].isupper() or line[-1] in ".?!,;:-—…'\"" or not plausible_label(line):
        return False
    return not before or before[-1] in ".?!…\"”'" or before.startswith("#")


def check_times(turns: list[Turn], path: str) -> None:
    """Turn start times, where given, must not go back."""
    last = None
    for turn in turns:
        if turn.start_ms is None:
            continue
        if last is not None and turn.start_ms < last:
            raise TranscriptError("timestamps out of order", path=path, line=turn.line)
        last = turn.start_ms


def shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def read_text_transcript(
    path: Path, *, speaker_pattern: str | None = None, known_speakers: set[str] | None = None
) -> ParsedSource:
    text, encoding = read_text_file(path)
    turns = parse_text(text, str(path), speaker_pattern=speaker_pattern, known_speakers=known_speakers)
    return ParsedSource(turns=turns, source_type="md" if path.suffix.lower() == ".md" else "txt", encoding=encoding)
