"""Property tests: arbitrary text and bytes never make a parser raise anything but our own errors."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from focuscode.errors import FocuscodeError
from focuscode.importers.captions import parse_captions
from focuscode.importers.participants import load_participants
from focuscode.importers.store import ImportOptions, parse_file
from focuscode.importers.survey import SurveyColumns, parse_survey
from focuscode.importers.text import parse_text
from focuscode.importers.word import parse_docx
from focuscode.textio import decode_bytes

from importkit import FIXTURES, make_fixtures

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like transcripts often enough to reach deep into the parsers.
_pieces = st.sampled_from([
    "WEBVTT", "\n", "\n\n", "Gespreksleider: ", "OOP'er 1 (po): ", "[Naam] ", "**R2**: ", "(00:12:31)",
    "00:00:01.000 --> 00:00:04.000", "00:00:09,000 --> 00:00:02,000", "<v Docent 1 (vo)>", "</v>", "1\n",
    "NOTE x", "Ik val vaak in.", "—", ";", ",", '"', "\ufeff", "\x00", "&amp;", "# Titel", ":", "-->",
])
transcript_text = st.one_of(st.text(max_size=300), st.lists(st.one_of(_pieces, st.text(max_size=20)), max_size=30).map("".join))


def _only_ours(fn, *args, **kwargs) -> None:
    try:
        fn(*args, **kwargs)
    except FocuscodeError:
        pass


@SETTINGS
@given(transcript_text, st.sampled_from([None, r"^(?P<speaker>\w+) > (?P<text>.*)$", r"(", r"^(?P<x>.)"]))
def test_text_parser(text, pattern):
    _only_ours(parse_text, text, "x.txt", speaker_pattern=pattern)
    _only_ours(parse_text, text, "x.docx", line_is_paragraph=True, known_speakers={"OOP'er 1 (po)"})


@SETTINGS
@given(transcript_text, st.sampled_from(["vtt", "srt"]))
def test_caption_parser(text, kind):
    _only_ours(parse_captions, text, "x." + kind, kind=kind)


@SETTINGS
@given(st.binary(max_size=400))
def test_decoding_bytes(data):
    _only_ours(decode_bytes, data, "x.txt")


_docx = make_fixtures.write_docx_table(Path(tempfile.mkdtemp()) / "t.docx").read_bytes()
_xlsx = make_fixtures.write_xlsx(Path(tempfile.mkdtemp()) / "t.xlsx").read_bytes()


def _mangled(valid: bytes):
    """Random bytes, truncations and byte flips of a valid package."""
    cut = st.integers(0, len(valid)).map(lambda n: valid[:n])
    flip = st.lists(st.tuples(st.integers(0, len(valid) - 1), st.integers(0, 255)), min_size=1, max_size=8).map(
        lambda changes: bytes(_apply(valid, changes)))
    return st.one_of(st.binary(max_size=300), st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b), cut, flip)


def _apply(valid: bytes, changes) -> bytearray:
    out = bytearray(valid)
    for index, value in changes:
        out[index] = value
    return out


@SETTINGS
@given(_mangled(_docx))
def test_docx_parser(data):
    _only_ours(parse_docx, data, "x.docx")


@SETTINGS
@given(_mangled(_xlsx))
def test_xlsx_survey_parser(data):
    _only_ours(parse_survey, data, "x.xlsx", SurveyColumns(text=["toelichting"], id="respondent"), xlsx=True)


@SETTINGS
@given(st.one_of(st.binary(max_size=300), transcript_text.map(lambda t: t.encode("utf-8"))),
       st.sampled_from([["toelichting"], ["a", "b"], ["antwoord"]]))
def test_csv_survey_parser(data, columns):
    _only_ours(parse_survey, data, "x.csv", SurveyColumns(text=columns, sector="sector"), xlsx=False)


@SETTINGS
@given(st.binary(max_size=300), st.sampled_from([".txt", ".md", ".vtt", ".srt", ".docx", ".csv", ".xlsx", ".pdf", ""]))
def test_every_format_through_parse_file(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"bestand{suffix}"
        path.write_bytes(data)
        _only_ours(parse_file, path, ImportOptions(source="focusgroep", text_columns=["t"]), None)


@SETTINGS
@given(transcript_text, st.sampled_from([".csv", ".yaml"]))
def test_participants_files(text, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"deelnemers{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _only_ours(load_participants, path)


def test_fixtures_parse_without_errors():
    # The property strategies start from real fixtures; make sure those are valid to begin with.
    parsed = parse_docx(_docx, "t.docx")
    assert parsed.metadata["layout"] == "table" and len(parsed.turns) == 4
    assert len(parse_survey(_xlsx, "t.xlsx", SurveyColumns(text=["toelichting"]), xlsx=True).turns) == 3
    assert len(parse_captions((FIXTURES / "teams-fg-systeem.vtt").read_text(encoding="utf-8"), kind="vtt")) == 5


@SETTINGS
@given(st.binary(max_size=300), st.sampled_from([".txt", ".vtt", ".csv", ".yaml", ".docx", ".xlsx", ".pdf"]))
def test_anonymise_reader(data, suffix):
    from focuscode.privacy.anonymise import _load

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"bestand{suffix}"
        path.write_bytes(data)
        _only_ours(_load, path)
