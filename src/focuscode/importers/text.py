"""Plain-text and Markdown transcripts with speaker labels.

Recognised without `--speaker-pattern` (see LAYOUTS): `Naam: tekst` (also
`Naam (00:12:31): tekst`, `[Naam] tekst`, `**Naam**: tekst`, `**Naam** tekst`);
`[00:01:23] Naam: tekst`; and a label alone on a line above its paragraphs, with
or without a time: `Naam`, `**Naam**`, `Naam 0:03`, `Naam  00:01:23`,
`Naam (00:01:23)`, `00:01:23 Naam`, `[00:01:23] Naam` (what Teams' Word export and
transcription services write). A time becomes the turn's start_ms; the colon
inside a time is never read as the label separator.

Lines that do not open a turn continue the current one, so a turn keeps its
paragraphs instead of being split or reflowed. Front matter above the first turn
(a title, `Datum: ...`, a duration, attendees) and "... heeft de transcriptie
gestopt" lines anywhere are skipped and reported, never stored.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ..errors import TranscriptError, UsageError, setting
from ..textio import read_text_file
from .model import ParsedSource, Skipped, Turn

_T = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TIME = r"(?P<time>" + _T + r")"
_BRACKETED_TIME = r"[(\[]" + _TIME + r"[)\]]"
_MAYBE_BRACKETED_TIME = r"[(\[]?" + _TIME + r"[)\]]?"
# After a bold label a time may stand bare when nothing follows it ("**Spreker 1**<tab>00:00:01",
# Happy Scribe's and Amberscript's Word layout); "**Naam** 12:30 begon de les" keeps its words.
_BOLD_TIME = r"(?:[(\[](?=\d)|(?=" + _T + r"\s*$))" + _TIME + r"[)\]]?"
# A separator colon: the colon inside "0:03" or "00:01:23" (digit on both sides) is not one.
_SEP = r"(?:(?<!\d):|:(?!\d))"
# A pseudonymised speaker ("[PERSOON-1]") or a plain label without colons, brackets or bold marks.
_SPEAKER = r"(?P<speaker>\[[A-Z]+-\d+\]|[^:\[\]*\s][^:\[\]*]{0,59}?)"
_CAP_SPEAKER = r"(?P<speaker>\[[A-Z]+-\d+\]|[A-ZÀ-Ý][^:\[\]*]{0,59}?)"

# Turn layouts, named as the user sees them in `import --dry-run` and in errors.
COLON = "'Naam: tekst'"
TIME_COLON = "'[00:01:23] Naam: tekst'"
BOLD = "bold label '**Naam**'"
LABEL_TIME = "label line with a time ('Naam 0:03', 'Naam (00:01:23)') above the text"
TIME_LABEL = "label line after a time ('00:01:23 Naam', '[00:01:23] Naam') above the text"
LABEL_LINE = "label line ('Naam') above the text"
LAYOUTS = (COLON, TIME_COLON, BOLD, LABEL_TIME, TIME_LABEL, LABEL_LINE)
CUSTOM = "--speaker-pattern"

_OPENERS = [
    (BOLD, re.compile(r"^\*\*(?P<speaker>[^*]{1,60}?)\*\*\s*(?:" + _BOLD_TIME + r")?\s*" + _SEP + r"?\s*(?P<text>.*)$")),
    (BOLD, re.compile(r"^\*\*(?P<speaker>[^*]{1,60}?):\*\*\s*(?:" + _BRACKETED_TIME + r")?\s*(?P<text>.*)$")),
    # "[Naam] tekst", "[Naam] (00:01:23) tekst" and Zoom's saved captions "[Naam] 14:03:12 tekst".
    (COLON, re.compile(r"^\[(?P<speaker>[A-ZÀ-Ý][^\]]{0,59})\]\s*(?:\(?" + _TIME + r"\)?(?=\s|$))?\s*" + _SEP + r"?\s*(?P<text>.*)$")),
    (TIME_COLON, re.compile(r"^" + _MAYBE_BRACKETED_TIME + r"\s*[-–—]?\s*" + _CAP_SPEAKER + r"\s*" + _SEP + r"\s*(?P<text>.*)$")),
    # Sonix and Scribie put the time after the colon: "Naam: [00:00:05] tekst".
    (COLON, re.compile(r"^" + _SPEAKER + r"\s*" + _SEP + r"\s*" + _BRACKETED_TIME + r"\s*(?P<text>.*)$")),
    (COLON, re.compile(r"^" + _SPEAKER + r"\s*(?:" + _BRACKETED_TIME + r")?\s*" + _SEP + r"\s*(?P<text>.*)$")),
    (LABEL_TIME, re.compile(r"^" + _CAP_SPEAKER + r"(?:\s*[(\[]|\s+)" + _TIME + r"[)\]]?\s*$")),
    (TIME_LABEL, re.compile(r"^" + _MAYBE_BRACKETED_TIME + r"\s*[-–—]?\s*" + _CAP_SPEAKER + r"\s*$")),
]
# A time inside a bold label ("**Naam 0:03**") is the turn's time, not part of the name.
_LABEL_WITH_TIME = [
    re.compile(r"^(?P<speaker>.+?)(?:\s*[(\[]|\s+)" + _TIME + r"[)\]]?$"),
    re.compile(r"^" + _MAYBE_BRACKETED_TIME + r"\s*[-–—]?\s*(?P<speaker>.+)$"),
]
# Placeholders from anonymisation look like bracketed labels but open no turn.
_PSEUDONYM = re.compile(r"^\[[A-Z]+-\d+\]$")
_PLACEHOLDER = re.compile(r"^\[(?:[a-zà-ý][^\]]*|[A-Z]+-\d+)\]")
_SENTENCE_CHARS = re.compile(r"[.?!,;\"“”‘]")

# Front and end matter: what meeting software and typists put around the turns.
_TRANSCRIPTION = re.compile(
    r"^(?:(?P<who>[^:.?!]{1,60}?)\s+(?:heeft\s+(?:de\s+)?(?:transcriptie|opname)\s+(?:gestart|gestopt|beëindigd)"
    r"|(?:has\s+)?(?:started|stopped|ended)\s+(?:the\s+)?(?:transcription|recording))"
    r"|(?:transcriptie|opname|transcription|recording)\s+(?:gestart|gestopt|beëindigd|started|stopped|ended))$"
    # Google Meet's last line: "Meeting ended after 00:06:12 👋", "De vergadering is beëindigd na 00:06:12".
    r"|^(?:the\s+)?meeting\s+ended\s+after\s+" + _T + r"\W*$|^(?:de\s+)?vergadering\s+(?:is\s+)?(?:beëindigd|afgelopen)\s+na\s+"
    + _T + r"\W*$",
    re.IGNORECASE,
)
_META = re.compile(
    r"^\**\s*(?:datum|date|tijd|tijdstip|time|duur|duration|lengte|locatie|location|plaats|aanwezig|aanwezigen"
    r"|afwezig|deelnemers|attendees|participants|genodigden|titel|title|onderwerp|subject|opname|recording"
    r"|transcript|transcriptie|sessie|session|project|bestand|file|notulist|notulen|verslag|organisator"
    r"|organizer|thema|bijeenkomst|vergadering|meeting)\b[^:]{0,30}?\**\s*" + _SEP,
    re.IGNORECASE,
)
_MONTHS = (
    r"jan(?:uari|uary)?|feb(?:ruari|ruary)?|maa(?:rt)?|mar(?:ch)?|apr(?:il)?|mei|may|jun[ie]?|jul[iy]?|aug(?:ustus|ust)?"
    r"|sep(?:t|tember)?|okt(?:ober)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = re.compile(
    r"\b(?:\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)?\d{2}|(?:19|20)\d{2}-\d{2}-\d{2}|\d{1,2}\s+(?:" + _MONTHS + r")\.?\s+(?:19|20)\d{2}"
    r"|(?:" + _MONTHS + r")\.?\s+\d{1,2},?\s+(?:19|20)\d{2})\b",
    re.IGNORECASE,
)
_DURATION = re.compile(r"^(?:\d+\s*(?:u|uur|h|hr|hrs|m|min|mins|minuten|minutes|s|sec|seconden|seconds)\b\.?\s*){1,3}$", re.IGNORECASE)


def parse_time(value: str) -> int:
    parts = value.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2]) if len(parts) >= 2 else 0
    hours = int(parts[-3]) if len(parts) >= 3 else 0
    return int(round((hours * 3600 + minutes * 60 + seconds) * 1000))


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def canonical_label(label: str) -> str:
    """A speaker label as the participants file spells it: Word's autocorrect turns "OOP'er" into
    "OOP’er" and Teams puts no-break spaces in names, which the eye cannot tell from the typed
    label, so white space is folded and typographic apostrophes become "'"."""
    return " ".join(label.translate(_APOSTROPHES).split())


def plausible_label(label: str) -> bool:
    """A speaker label is short and not prose: at most five words, no sentence punctuation."""
    stripped = re.sub(r"\([^)]*\)", "", label).strip()
    if not stripped or len(stripped.split()) > 5:
        return False
    if _SENTENCE_CHARS.search(stripped):
        return False
    return stripped[0].isalpha() or stripped[0].isdigit()


def compile_speaker_pattern(pattern: str) -> re.Pattern:
    """The user's --speaker-pattern, or a UsageError saying what is wrong with it."""
    try:
        custom = re.compile(pattern)
    except re.error as exc:
        raise UsageError(f"{setting('speaker_pattern')} is not a valid regular expression: {exc}") from None
    if "speaker" not in custom.groupindex:
        raise UsageError(f"{setting('speaker_pattern')} needs a named group (?P<speaker>...)")
    return custom


def _custom_opener(custom: re.Pattern, line: str, path: str, lineno: int | None):
    m = custom.match(line)
    if not m:
        return None
    groups = m.groupdict()
    speaker = canonical_label(groups.get("speaker") or "")
    if not speaker:
        raise UsageError(
            f"{setting('speaker_pattern')} matched this line with an empty speaker (make the speaker group required and non-empty): "
            f"'{shorten(line)}'", path=path, line=lineno,
        )
    time = groups.get("time")
    if time is not None and not re.fullmatch(r"[(\[]?" + _T + r"[)\]]?", time.strip()):
        raise UsageError(
            f"{setting('speaker_pattern')}'s time group matched '{shorten(time, 30)}', which is not a time like 00:01:23",
            path=path, line=lineno,
        )
    return speaker, (groups.get("text") or "").strip(), parse_time(time.strip().strip("()[]")) if time else None, CUSTOM


def match_opener(line: str, custom: re.Pattern | None = None, known: set[str] | None = None, *,
                 path: str = "<text>", lineno: int | None = None):
    """Return (speaker, text, time_ms, layout) if the line opens a turn, else None."""
    if custom is not None:
        return _custom_opener(custom, line, path, lineno)
    pseudonym = _PLACEHOLDER.match(line) is not None
    for layout, pattern in _OPENERS:
        m = pattern.match(line)
        if not m:
            continue
        speaker = canonical_label(m.group("speaker").strip().rstrip(":"))
        if pseudonym and not speaker.startswith("["):
            # "[school] is dicht" is text; only a pseudonymised speaker ("[PERSOON-1]: ...") opens a turn.
            continue
        time = m.groupdict().get("time")
        if layout == BOLD and time is None:
            speaker, time = _split_time(speaker)
        if known is not None and speaker in known or speaker.startswith("["):
            pass
        elif not plausible_label(speaker):
            continue
        return speaker, (m.groupdict().get("text") or "").strip(), parse_time(time) if time else None, layout
    return None


def _split_time(label: str) -> tuple[str, str | None]:
    for pattern in _LABEL_WITH_TIME:
        m = pattern.match(label)
        if m:
            return m.group("speaker").strip(), m.group("time")
    return label, None


# Google Meet and Teams open with a disclaimer sentence about the automatic transcript.
_DISCLAIMER = re.compile(r"^(?:this|dit)\b.{0,40}\btranscri\w*\b.{0,40}\b(?:computer|automatisch|automatically)\b.{0,200}$",
                         re.IGNORECASE)
_BARE_TIME = re.compile(r"^[(\[]?" + _T + r"[)\]]?$")


def front_matter_kind(line: str) -> str | None:
    """What kind of header line this is when it stands above the first turn, or None."""
    if line.startswith("#"):
        return "heading"
    if _DISCLAIMER.match(line):
        return "transcript notice"
    if _META.match(line):
        return "header field"
    if _DURATION.match(line):
        return "duration"
    if _DATE.search(line) and len(line.split()) <= 8:
        return "date"
    return None


def _title_like(line: str) -> bool:
    return len(line) <= 120 and len(line.split()) <= 12 and line[-1] not in ".?!…:;"


LAYOUTS_TRIED = "layouts tried: " + ", ".join(LAYOUTS) + f"; give {setting('speaker_pattern')} for another"


def parse_text(
    text: str,
    path: str = "<text>",
    *,
    speaker_pattern: str | None = None,
    known_speakers: set[str] | None = None,
    line_is_paragraph: bool = False,
    fixed: dict[int, tuple | str] | None = None,
    source_type: str = "txt",
) -> ParsedSource:
    """Speaker turns of a transcript, with the lines skipped and the layouts used.

    With `line_is_paragraph` (Word), every line is its own paragraph instead of a
    wrapped line that continues the previous one. `fixed` maps line numbers to what
    the caller already knows (a Word table row): an opener (speaker, text, time_ms,
    layout), or a string that continues the current turn.
    """
    custom = compile_speaker_pattern(speaker_pattern) if speaker_pattern else None
    fixed = fixed or {}
    turns: list[Turn] = []
    skipped: list[Skipped] = []
    layouts: Counter = Counter()
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
    if custom is None and source_type in ("txt", "md"):
        _refuse_table(lines, path)
    candidates = {} if custom is not None else _candidates(lines, fixed, known_speakers)
    allowed = _consistent_layouts(candidates.values())
    mark: int | None = None  # a time on a line of its own, for the turn below it

    def candidates_after(lineno: int) -> set[int]:
        """The next non-blank line's number, when that line opens a turn or is a label-like line."""
        for n in range(lineno + 1, len(lines) + 1):
            nxt = lines[n - 1].strip()
            if nxt:
                # A label line below the time counts only where a label could stand anyway: the
                # time itself after a blank line or a finished sentence ("om\n8:15\nDaarna ..." is prose).
                above = lines[lineno - 2].strip() if lineno >= 2 else ""
                free = not above or above[-1] in ".?!…\"”'"
                return {lineno + 1} if n in candidates or n in fixed or (free and _bare_label(
                    nxt, "", _next_line(lines, n, fixed), known_speakers)) else set()
        return set()

    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        heading = current is None and custom is None  # still above the first turn
        if lineno in fixed:
            opened = fixed[lineno]
            if isinstance(opened, str):  # a caller's continuation (a table row without a speaker)
                line, opened = opened, None
                if current is None:
                    raise TranscriptError(f"a table row without a speaker: '{shorten(line)}'", path=path, line=lineno)
        else:
            if not line:
                if paragraphs and paragraphs[-1]:
                    paragraphs.append([])
                continue
            if custom is None and transcription_notice(line):
                skipped.append(Skipped(lineno, "transcription started/stopped"))
                continue
            if custom is None and _BARE_TIME.match(line) and lineno + 1 in candidates_after(lineno):
                # Google Meet writes a time on its own line every few minutes, above a turn:
                # that turn's start, not words of the turn before.
                skipped.append(Skipped(lineno, "time mark"))
                mark = parse_time(line.strip("()[]"))
                continue
            if heading and (line.startswith("#") or _META.match(line)):
                skipped.append(Skipped(lineno, "heading" if line.startswith("#") else "header field"))
                continue
            if custom is not None:
                opened = match_opener(line, custom, known_speakers, path=path, lineno=lineno)
            else:
                opened = candidates.get(lineno)
                if opened is not None and allowed and opened[3] not in allowed and opened[0] not in (known_speakers or ()):
                    opened = None  # "Ik ook: ja." inside a turn of a file whose labels all carry times
            if opened is None and custom is None and (not allowed or LABEL_LINE in allowed or line in (known_speakers or ())):
                before = lines[lineno - 2].strip() if lineno >= 2 else ""
                after = _next_line(lines, lineno, fixed)
                if _bare_label(line, before, after, known_speakers, heading=heading):
                    opened = (canonical_label(line.strip("*")), "", None, LABEL_LINE)
            if opened is None and custom is None and mark is not None and _bare_label(
                    line, "", _next_line(lines, lineno, fixed), known_speakers, heading=heading):
                opened = (canonical_label(line.strip("*")), "", None, LABEL_LINE)  # "00:00:05" above "Spreker 1"
            if opened is not None and heading and opened[1] == "" and opened[0] not in (known_speakers or ()):
                # Above the first turn, a label with no text below it is a title, and so is an
                # untimed one above another title-like line ("Transcript" / "Focusgroep po, ronde 2").
                after = _next_line(lines, lineno, fixed, skip_blank=opened[3] != LABEL_LINE)
                if (not after or _is_header(after) or match_opener(after, None, known_speakers)
                        or (opened[2] is None and opened[3] in (LABEL_LINE, BOLD) and _title_like(after))):
                    opened = None
        if opened is not None:
            close()
            speaker, first, time_ms, layout = opened
            if time_ms is None:
                time_ms = mark
            mark = None
            layouts[layout] += 1
            current = Turn(speaker=canonical_label(speaker), text="", line=lineno, start_ms=time_ms)
            paragraphs = [[(lineno, first)]] if first else [[]]
            if first and line_is_paragraph:
                paragraphs.append([])
            continue
        if current is None:
            kind = None if custom is not None else front_matter_kind(line) or ("title" if _title_like(line) else None)
            if kind is not None:
                skipped.append(Skipped(lineno, kind))
                continue
            hint = "" if custom is not None else f" ({LAYOUTS_TRIED})"
            raise TranscriptError(f"a turn without a speaker: '{shorten(line)}'{hint}", path=path, line=lineno)
        paragraphs[-1].append((lineno, line))
        if line_is_paragraph:
            paragraphs.append([])
    close()
    if not turns:
        tried = f"{setting('speaker_pattern')} matched no line" if custom is not None else LAYOUTS_TRIED
        raise TranscriptError(f"no speaker turns found ({tried})", path=path)
    check_times(turns, path)
    return ParsedSource(turns=turns, source_type=source_type, skipped=skipped, layouts=dict(layouts))


def _refuse_table(lines: list[str], path: str) -> None:
    """Excel's "Unicode text" (a survey sheet saved as UTF-16, tab-separated, as .txt) is a table,
    not a transcript: read as one, its header becomes a speaker and every answer one turn's text."""
    rows = [line for line in lines[:200] if line.strip()]
    if not rows or rows[0].count("\t") < 2:
        return
    width = rows[0].count("\t")
    if sum(line.count("\t") == width for line in rows) >= 0.8 * len(rows):
        raise TranscriptError(
            f"this is a table of {width + 1} tab-separated columns (a spreadsheet saved as text), not a transcript; "
            f"for survey answers save or rename it as .csv and give its {setting('text_column')}", path=path, line=1)


def _candidates(lines: list[str], fixed: dict, known: set[str] | None) -> dict[int, tuple]:
    """Every line that could open a turn, by line number."""
    out = {}
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line and lineno not in fixed and not _is_header(line):
            opened = match_opener(line, None, known)
            if opened is not None:
                out[lineno] = opened
    return out


def _consistent_layouts(candidates) -> set[str] | None:
    """The layouts a file keeps to, when most of its labels clearly follow one family.

    Transcription services and Teams put a time on every label line; in such a file
    a line like "Ik ook: ja." is the text of a turn, not a speaker "Ik ook". Likewise,
    in a file of "Naam: tekst" turns a wrapped line "Om 10:15" is text, not a label.
    """
    counts = Counter(c[3] for c in candidates)
    total = sum(counts.values())
    timed_lines = counts[LABEL_TIME] + counts[TIME_LABEL]
    if timed_lines >= 2 and timed_lines * 2 > total:
        return {LABEL_TIME, TIME_LABEL}
    if counts[TIME_COLON] >= 2 and counts[TIME_COLON] * 2 > total:
        return {TIME_COLON, LABEL_TIME, TIME_LABEL}
    if counts[COLON] + counts[BOLD] >= 2 and (counts[COLON] + counts[BOLD]) * 2 > total:
        return {COLON, BOLD, TIME_COLON, LABEL_LINE}
    return None


def _next_line(lines: list[str], lineno: int, fixed: dict, *, skip_blank: bool = False) -> str:
    """The line below `lineno` (the next non-blank one with `skip_blank`); a table row as its text."""
    for n in range(lineno + 1, len(lines) + 1):
        if n in fixed:
            return fixed[n] if isinstance(fixed[n], str) else fixed[n][1] or fixed[n][0]
        line = lines[n - 1].strip()
        if line or not skip_blank:
            return line
    return ""


def _is_header(line: str) -> bool:
    return front_matter_kind(line) is not None or transcription_notice(line)


def transcription_notice(line: str) -> bool:
    """'Gespreksleider heeft de transcriptie gestopt', 'Jane started transcription': meeting software's own lines."""
    m = _TRANSCRIPTION.match(line)
    return m is not None and (m.group("who") is None or plausible_label(m.group("who")))


def _bare_label(line: str, before: str, after: str, known: set[str] | None, *, heading: bool = False) -> bool:
    """A speaker label alone on its line, with the turn's paragraphs below it.

    Known labels always count. Otherwise only a label-like line (capital, at most
    five words, no sentence punctuation, no final full stop) that stands after a
    blank line or another turn's end and has text right below it; above the first
    turn (`heading`), not when that text is a date or another header line.
    """
    bare = line.strip("*").strip() if line.startswith("**") and line.endswith("**") else line
    if known is not None and canonical_label(bare) in known:
        return True
    if _PSEUDONYM.match(bare):
        pass  # "[PERSOON-1]" alone on its line: a pseudonymised label
    elif front_matter_kind(bare) is not None:
        return False
    elif not bare or not bare[0].isupper() or bare[-1] in ".?!,;:-—…'\"" or not plausible_label(bare):
        return False
    if not after:
        return False
    if heading and _is_header(after):
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
    parsed = parse_text(text, str(path), speaker_pattern=speaker_pattern, known_speakers=known_speakers,
                        source_type="md" if path.suffix.lower() in (".md", ".markdown") else "txt")
    parsed.encoding = encoding
    return parsed
