"""Whole `import` commands on generated files of every format, layout and encoding, and on random bytes.

The property (issue 11, Done when): the command either exits 0 with every turn's words
stored, or exits 1 (2 for usage) with exactly one error line and the project unchanged;
never a traceback. Files are generated the way the real tools lay them out: Teams' and
transcription services' label lines with times, "[00:01:23] Naam: tekst", "Naam: tekst",
bold labels, typed Word paragraphs and Spreker | Tekst tables, Teams/Zoom WebVTT, SubRip,
and survey exports as .csv and .xlsx. The privacy gate is off (--allow-pii): this is about
reading files, and test_privacy.py covers the gate.
"""

from __future__ import annotations

import io
import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from focuscode.cli import app

from importkit import db_snapshot

SETTINGS = settings(max_examples=60, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])
BYTES_SETTINGS = settings(SETTINGS, max_examples=40)

SPEAKERS = ["Gespreksleider", "OOP'er 1 (po)", "OOP'er 2 (vo)", "Docent 3 (vo)", "R1", "Interviewer",
            "Schoolleider (po)", "IB'er", "[PERSOON-1]"]
WORDS = ("ik werk als onderwijsassistent op een school de leerkracht vraagt vaak of wil invallen scholing is er "
         "niet voor ons budget gaat naar docenten kopiëren surveilleren het rooster zorgoverleg dinsdag groep 4 "
         "kinderen mentor échte loopbaan doorgroeien pabo uren ’s ochtends dat vind jammer ja nee misschien").split()


@st.composite
def sentences(draw) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=14))
    if draw(st.booleans()) and len(words) > 4:
        words.insert(draw(st.integers(1, len(words) - 1)), "om 10:15")
    if draw(st.booleans()) and len(words) >= 6:
        words[5] = words[5] + ":"  # a colon far into a sentence is no label separator
    if draw(st.booleans()):
        words[1] = words[1] + ","
    text = " ".join(words)
    return text[0].upper() + text[1:] + draw(st.sampled_from([".", "?", "!"]))


@st.composite
def transcripts(draw) -> list[dict]:
    """Turns with a speaker, one or more sentences (lines) and increasing times."""
    n = draw(st.integers(1, 7))
    time = draw(st.integers(0, 5000))
    turns = []
    for _ in range(n):
        time += draw(st.integers(1, 400))
        turns.append({"speaker": draw(st.sampled_from(SPEAKERS)), "lines": draw(st.lists(sentences(), min_size=1, max_size=3)),
                      "seconds": time})
    return turns


def _clock(seconds: int, style: str) -> str:
    h, m, s = seconds // 3600, seconds // 60 % 60, seconds % 60
    if style == "short" and h == 0:
        return f"{m}:{s:02d}"
    return f"{h:02d}:{m:02d}:{s:02d}"


# Label layouts as the tools write them: (name, has times, render(turn, time text) -> lines).
TEXT_LAYOUTS = {
    "colon": (False, lambda t, c: [f"{t['speaker']}: {t['lines'][0]}", *t["lines"][1:]]),
    "colon-time": (True, lambda t, c: [f"{t['speaker']} ({c}): {t['lines'][0]}", *t["lines"][1:]]),
    "time-colon": (True, lambda t, c: [f"[{c}] {t['speaker']}: {t['lines'][0]}", *t["lines"][1:]]),
    "label-line": (False, lambda t, c: ["", t["speaker"], *t["lines"]]),
    "teams-label-time": (True, lambda t, c: [f"{t['speaker']}   {c}", *t["lines"]]),
    "service-label-time": (True, lambda t, c: ["", f"{t['speaker']}  {c}", "", *t["lines"]]),
    "time-label": (True, lambda t, c: [f"{c} {t['speaker']}", *t["lines"]]),
    "bracket-time-label": (True, lambda t, c: [f"[{c}] {t['speaker']}", *t["lines"]]),
    "label-paren-time": (True, lambda t, c: [f"{t['speaker']} ({c})", *t["lines"]]),
    "bold-line": (False, lambda t, c: [f"**{t['speaker']}**", *t["lines"]]),
    "bold-run-in": (False, lambda t, c: [f"**{t['speaker']}** {t['lines'][0]}", *t["lines"][1:]]),
}
FRONT = ["Focusgroep OOP po, ronde 2", "Datum: 12 maart 2024", "12 maart 2024, 14:03", "46m 12s",
         "Aanwezig: gespreksleider en vier OOP'ers", "Transcript", "# Focusgroep OOP vo"]
STOP = ["Gespreksleider heeft de transcriptie gestopt", "Interviewer stopped transcription"]


@st.composite
def text_files(draw):
    turns = draw(transcripts())
    layout = draw(st.sampled_from(sorted(TEXT_LAYOUTS)))
    timed, render = TEXT_LAYOUTS[layout]
    clock = draw(st.sampled_from(["short", "long"]))
    lines = draw(st.lists(st.sampled_from(FRONT), max_size=3, unique=True))
    if lines:
        lines.append("")
    for turn in turns:
        lines += render(turn, _clock(turn["seconds"], clock))
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(STOP)))
    return turns, timed, lines


def _expected(turns, timed, *, merge=False):
    out = []
    for turn in turns:
        words = " ".join(turn["lines"]).split()
        start = turn["seconds"] * 1000 if timed else None
        if merge and out and out[-1][0] == turn["speaker"]:
            out[-1] = (turn["speaker"], out[-1][1] + words, out[-1][2])
            continue
        out.append((turn["speaker"], words, start))
    return out


# -- running whole commands ----------------------------------------------------------------------

_TEMPLATE: dict[str, Path] = {}


def _template() -> Path:
    """A project that already holds a transcript, made once; each example gets a copy."""
    if "db" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp())
        first = folder / "eerste.txt"
        first.write_text("Gespreksleider: Welkom allemaal, fijn dat jullie er zijn.\n", encoding="utf-8")
        result = CliRunner().invoke(app, ["import", str(first), "--source", "focusgroep", "--allow-unknown", "--allow-pii",
                                          "--db", str(folder / "template.db")], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        _TEMPLATE["db"] = folder / "template.db"
    return _TEMPLATE["db"]


def _run(path: Path, *extra: str):
    """Import one file into a copy of the template project; (result, db, snapshot before)."""
    db = path.parent / "project.db"
    with sqlite3.connect(_template()) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    before = db_snapshot(db)
    result = CliRunner().invoke(app, ["import", str(path), "--source", "focusgroep", "--allow-unknown", "--allow-pii",
                                      "--db", str(db), *extra])
    return result, db, before


def _stored(db: Path, name: str):
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT s.speaker, s.text, s.start_ms FROM segments s JOIN transcripts t ON t.id = s.transcript_id "
        "WHERE t.name = ? ORDER BY s.ordinal", [name]).fetchall()
    conn.close()
    return rows


def _check_outcome(result, db: Path, before) -> bool:
    """Exit 0, or exit 1/2 with one error line and the project unchanged; never a traceback. True on success."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        return True
    assert result.exit_code in (1, 2), (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert db_snapshot(db) == before
    return False


def _assert_words_stored(db: Path, name: str, expected) -> None:
    stored = _stored(db, name)
    assert [(s, t.split(), ms) for s, t, ms in stored] == expected


# -- generated files in every format ----------------------------------------------------------------


@SETTINGS
@given(text_files(), st.sampled_from([".txt", ".md"]), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
       st.sampled_from(["\n", "\r\n"]))
def test_text_and_markdown_transcripts(generated, suffix, encoding, newline):
    turns, timed, lines = generated
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"sessie{suffix}"
        path.write_bytes((newline.join(lines) + newline).encode(encoding))
        result, db, before = _run(path)
        assert _check_outcome(result, db, before), result.output
        _assert_words_stored(db, path.name, _expected(turns, timed))


@st.composite
def word_files(draw):
    """Word documents: layout lines as paragraphs (Teams, typists), bold label runs, or a table."""
    turns, timed, lines = draw(text_files())
    kind = draw(st.sampled_from(["paragraphs", "bold-runs", "table", "table-with-time"]))
    return turns, timed, lines, kind


def _write_docx(path: Path, turns, lines, kind) -> bool:
    """Write the document; returns whether its turns carry times."""
    import docx

    document = docx.Document()
    if kind == "paragraphs":
        for line in lines:
            if line.startswith("**"):
                label, _, rest = line[2:].partition("**")
                paragraph = document.add_paragraph()
                paragraph.add_run(label).bold = True
                paragraph.add_run(rest)
            else:
                document.add_paragraph(line)
        document.save(path)
        return None
    if kind == "bold-runs":
        for turn in turns:
            paragraph = document.add_paragraph()
            paragraph.add_run(turn["speaker"]).bold = True
            paragraph.add_run(" " + turn["lines"][0])
            for more in turn["lines"][1:]:
                document.add_paragraph(more)
        document.save(path)
        return False
    document.add_paragraph("Transcript focusgroep, geanonimiseerd")
    timed = kind == "table-with-time"
    table = document.add_table(rows=0, cols=3 if timed else 2)
    header = ("Spreker", "Tijd", "Tekst") if timed else ("Spreker", "Tekst")
    for cell, value in zip(table.add_row().cells, header):
        cell.text = value
    for turn in turns:
        for i, line in enumerate(turn["lines"]):
            row = [turn["speaker"] if i == 0 else ""]
            if timed:
                row.append(_clock(turn["seconds"], "long") if i == 0 else "")
            row.append(line)
            for cell, value in zip(table.add_row().cells, row):
                cell.text = value
    document.save(path)
    return timed


@SETTINGS
@given(word_files())
def test_word_transcripts(generated):
    turns, timed, lines, kind = generated
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sessie.docx"
        table_timed = _write_docx(path, turns, lines, kind)
        result, db, before = _run(path)
        assert _check_outcome(result, db, before), result.output
        expected = _expected(turns, timed if table_timed is None else table_timed)
        # In Word every line is its own paragraph; the words, speakers and times are what count.
        _assert_words_stored(db, path.name, expected)


@st.composite
def caption_files(draw):
    turns = draw(transcripts())
    kind = draw(st.sampled_from(["vtt-voice", "vtt-prefix", "srt"]))
    blocks = ["WEBVTT", ""] if kind.startswith("vtt") else []
    number = 0
    for turn in turns:
        start = turn["seconds"]
        for i, line in enumerate(turn["lines"]):
            number += 1
            begin, end = start * 1000 + i * 300, start * 1000 + i * 300 + 250
            sep = "." if kind.startswith("vtt") else ","
            stamp = lambda ms: f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"  # noqa: E731
            if kind == "srt":
                blocks.append(str(number))
            blocks.append(f"{stamp(begin)} --> {stamp(end)}")
            if kind == "vtt-voice":
                blocks.append(f"<v {turn['speaker']}>{line}</v>")
            else:
                blocks.append(f"{turn['speaker']}: {line}")
            blocks.append("")
    return turns, kind, blocks


@SETTINGS
@given(caption_files(), st.sampled_from(["utf-8", "utf-8-sig"]))
def test_caption_transcripts(generated, encoding):
    turns, kind, blocks = generated
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("sessie.srt" if kind == "srt" else "sessie.vtt")
        path.write_bytes("\n".join(blocks).encode(encoding))
        result, db, before = _run(path)
        assert _check_outcome(result, db, before), result.output
        # Consecutive cues of one speaker are one turn, starting at its first cue.
        _assert_words_stored(db, path.name, _expected(turns, True, merge=True))


@st.composite
def survey_rows(draw):
    n = draw(st.integers(1, 8))
    rows = []
    for i in range(n):
        answer = " ".join(draw(st.lists(sentences(), max_size=2)))
        rows.append((f"R{i + 1}", draw(st.sampled_from(["OOP'er", "leraar", "schoolleider"])),
                     draw(st.sampled_from(["po", "vo"])), answer))
    return rows


@SETTINGS
@given(survey_rows(), st.sampled_from([".csv", ".xlsx"]), st.sampled_from([",", ";"]))
def test_survey_exports(rows, suffix, delimiter):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"quickscan{suffix}"
        header = ("respondent", "rol", "sector", "toelichting")
        if suffix == ".csv":
            import csv

            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows(rows)
            path.write_text(buffer.getvalue(), encoding="utf-8-sig")
        else:
            import openpyxl

            book = openpyxl.Workbook()
            book.active.append(header)
            for row in rows:
                book.active.append(row)
            book.save(path)
        result, db, before = _run(path, "--text-column", "toelichting", "--id-column", "respondent",
                                  "--role-column", "rol", "--sector-column", "sector")
        answers = [r[3].split() for r in rows if r[3].strip()]
        if not answers:
            assert not _check_outcome(result, db, before)  # an export without answers imports nothing
            return
        assert _check_outcome(result, db, before), result.output
        assert [t.split() for _, t, _ in _stored(db, path.name)] == answers


# -- random bytes and damaged files ------------------------------------------------------------------

_SUFFIXES = [".txt", ".md", ".docx", ".vtt", ".srt", ".csv", ".xlsx"]


def _valid_bytes(suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"x{suffix}"
        turns = [{"speaker": "Gespreksleider", "lines": ["Welkom allemaal, fijn dat jullie er zijn."], "seconds": 3},
                 {"speaker": "OOP'er 1 (po)", "lines": ["Ik werk als onderwijsassistent in groep 4."], "seconds": 9}]
        if suffix == ".docx":
            _write_docx(path, turns, ["Gespreksleider   0:03", turns[0]["lines"][0], "OOP'er 1 (po)   0:09",
                                      turns[1]["lines"][0]], "paragraphs")
            return path.read_bytes()
        if suffix == ".xlsx":
            import openpyxl

            book = openpyxl.Workbook()
            book.active.append(("respondent", "toelichting"))
            book.active.append(("R1", turns[1]["lines"][0]))
            book.save(path)
            return path.read_bytes()
        if suffix == ".csv":
            return ("respondent;toelichting\r\nR1;" + turns[1]["lines"][0] + "\r\n").encode("utf-8")
        if suffix in (".vtt", ".srt"):
            return ("WEBVTT\n\n00:00:03.000 --> 00:00:05.000\n<v Gespreksleider>Welkom.</v>\n").encode("utf-8")
        return "Gespreksleider   0:03\nWelkom allemaal.\nOOP'er 1 (po)   0:09\nIk werk hier.\n".encode("utf-8")


def _damaged(suffix: str):
    valid = _valid_bytes(suffix)
    cut = st.integers(0, len(valid)).map(lambda n: valid[:n])
    flip = st.lists(st.tuples(st.integers(0, len(valid) - 1), st.integers(0, 255)), min_size=1, max_size=6).map(
        lambda changes: bytes(_apply(valid, changes)))
    insert = st.tuples(st.integers(0, len(valid)), st.binary(min_size=1, max_size=40)).map(
        lambda ins: valid[: ins[0]] + ins[1] + valid[ins[0]:])
    return st.one_of(st.binary(max_size=400), cut, flip, insert)


def _apply(valid: bytes, changes) -> bytearray:
    out = bytearray(valid)
    for index, value in changes:
        out[index] = value
    return out


@pytest.mark.parametrize("suffix", _SUFFIXES)
def test_random_and_damaged_bytes(suffix):
    @BYTES_SETTINGS
    @given(_damaged(suffix))
    def run(data):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"bestand{suffix}"
            path.write_bytes(data)
            result, db, before = _run(path, "--text-column", "toelichting")
            if _check_outcome(result, db, before):
                stored = _stored(db, path.name)
                unit = "answer" if suffix in (".csv", ".xlsx") else "turn"
                count = f"{len(stored)} {unit}{'s' if len(stored) != 1 else ''}"
                assert stored and re.search(rf": imported, {count}\b", result.stdout), result.stdout

    run()
