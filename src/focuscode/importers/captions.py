"""WebVTT (Teams, Zoom) and SubRip (.srt) transcripts.

Meeting software writes one cue per few seconds of speech. A turn is what one
speaker says until someone else speaks, so consecutive cues of one speaker are
merged, keeping the start of the first and the end of the last cue. Speakers
come from `<v Naam>` voice tags (Teams) or a `Naam: ` prefix (Zoom, most .srt);
a cue without a speaker continues the previous speaker's turn.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..errors import TranscriptError
from ..textio import read_text_file
from .model import ParsedSource, Turn
from .text import canonical_label, plausible_label, shorten

_TS = r"(?:(\d{1,3}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_TIMING = re.compile(r"^\s*" + _TS + r"\s*-->\s*" + _TS + r"(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[^>]*>")
_PREFIX = re.compile(r"^(?P<speaker>[^:<>\[\]]{1,60}?|\[[A-Z]+-\d+\]):\s+(?P<text>\S.*)$", re.DOTALL)


def _ms(groups: tuple) -> int:
    hours, minutes, seconds, frac = groups
    frac = (frac + "00")[:3]
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(frac)


def _plausible(label: str, known: set[str] | None) -> bool:
    label = label.strip()
    if label.startswith("["):
        return True  # a pseudonymised speaker such as [PERSOON-1]
    return (known is not None and canonical_label(label) in known) or plausible_label(label)


def _speaker_and_text(payload: list[str], known: set[str] | None) -> tuple[str | None, str]:
    raw = " ".join(line.strip() for line in payload if line.strip())
    speaker = None
    voice = _VOICE.search(raw)
    if voice:
        speaker = canonical_label(html.unescape(voice.group(1)))
    text = html.unescape(_TAG.sub("", raw)).replace("\u00a0", " ")
    text = " ".join(text.split())
    if speaker is None:
        m = _PREFIX.match(text)
        if m and _plausible(m.group("speaker"), known):
            speaker, text = canonical_label(m.group("speaker")), m.group("text").strip()
    return speaker or None, text


def parse_captions(text: str, path: str = "<captions>", *, kind: str = "vtt", known_speakers: set[str] | None = None) -> list[Turn]:
    """Parse WebVTT (kind='vtt') or SubRip (kind='srt') text into merged speaker turns."""
    lines = text.split("\n")
    if kind == "vtt":
        first = lines[0].lstrip("\ufeff") if lines else ""
        if not (first == "WEBVTT" or first.startswith("WEBVTT ") or first.startswith("WEBVTT\t")):
            raise TranscriptError("not a WebVTT file: the first line must be 'WEBVTT'", path=path, line=1)
    turns: list[Turn] = []
    # The cue texts of each turn, joined once at the end: joining as we go would copy
    # the turn's text for every cue, quadratic in a long monologue.
    pieces: list[list[str]] = []
    length = 0  # of the last turn's text so far
    last_start: int | None = None
    cues = 0
    i = 1 if kind == "vtt" else 0
    n = len(lines)
    if kind == "vtt":
        # The header runs from "WEBVTT" to the first blank line: YouTube, Amara and Stream
        # write "Kind: captions" and "Language: nl" there, which are no cues.
        while i < n and lines[i].strip() and "-->" not in lines[i]:
            i += 1
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        block_start = i
        block: list[tuple[int, str]] = []
        while i < n and lines[i].strip():
            block.append((i + 1, lines[i]))
            i += 1
        head = block[0][1].strip()
        if kind == "vtt" and (head.startswith("NOTE") or head in ("STYLE", "REGION") or head.startswith(("STYLE ", "REGION "))):
            continue
        timing_at = next((k for k, (_, line) in enumerate(block[:2]) if "-->" in line), None)
        if timing_at is None:
            raise TranscriptError(
                f"expected a cue timing line like '00:00:01.000 --> 00:00:04.000', found '{shorten(head)}'",
                path=path, line=block_start + 1,
            )
        lineno, timing = block[timing_at]
        m = _TIMING.match(timing)
        if not m:
            raise TranscriptError(f"not a valid cue timing: '{shorten(timing.strip())}'", path=path, line=lineno)
        start, end = _ms(m.groups()[:4]), _ms(m.groups()[4:])
        if end < start:
            raise TranscriptError("a cue ends before it starts", path=path, line=lineno)
        if last_start is not None and start < last_start:
            raise TranscriptError("timestamps out of order (this cue starts before the previous one)", path=path, line=lineno)
        last_start = start
        cues += 1
        payload = block[timing_at + 1 :]
        speaker, cue_text = _speaker_and_text([line for _, line in payload], known_speakers)
        if not cue_text:
            continue
        text_line = payload[0][0] if payload else lineno
        previous = turns[-1] if turns else None
        if speaker is None:
            if previous is None:
                raise TranscriptError(
                    f"the first cue has no speaker (no <v Naam> tag or 'Naam: ' prefix): '{shorten(cue_text)}'",
                    path=path, line=text_line,
                )
            speaker = previous.speaker
        if previous is not None and previous.speaker == speaker:
            previous.line_map.append((length + 1, text_line))
            pieces[-1].append(cue_text)
            length += 1 + len(cue_text)
            previous.end_ms = max(previous.end_ms or end, end)
            continue
        turns.append(Turn(speaker=speaker, text=cue_text, line=text_line, start_ms=start, end_ms=end, line_map=[(0, text_line)]))
        pieces.append([cue_text])
        length = len(cue_text)
    for turn, parts in zip(turns, pieces):
        turn.text = " ".join(parts)
    if not turns:
        what = "cues" if cues == 0 else "cue text"
        raise TranscriptError(f"no {what} found in this {kind.upper()} file", path=path)
    return turns


def read_captions(path: Path, *, known_speakers: set[str] | None = None) -> ParsedSource:
    text, encoding = read_text_file(path)
    kind = "srt" if path.suffix.lower() == ".srt" else "vtt"
    turns = parse_captions(text, str(path), kind=kind, known_speakers=known_speakers)
    return ParsedSource(turns=turns, source_type=kind, encoding=encoding)
