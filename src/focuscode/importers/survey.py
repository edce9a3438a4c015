"""Survey open answers from .csv or .xlsx: one segment per non-empty answer.

Each text column is a question; the segment keeps the respondent id as its
external_id, the question as its question, and role, sector and any meta
columns as participant facts. Line numbers are spreadsheet rows (header = 1).

Answers coded elsewhere come with a codes column per text column (paired in the
order given). Every answer of such an import is a finished decision of the coder:
the codes listed are accepted and, an empty cell included, no other code applies
(the store marks the answer seen for that coder, which is how a coder says "no
code applies" anywhere in focuscode).

Both formats are read as a stream, row by row: a workbook is opened with
openpyxl in read-only mode after its package has passed the zip-bomb limits, a
CSV with the csv module. Rows, columns and the length of one answer are capped,
each with an error naming the row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Iterator

from ..errors import InputFileError, UsageError, setting
from ..textio import csv_layout, decode_bytes
from ..ziplimits import XLSX, check_package
from .model import ParsedSource, Skipped, Turn

CODE_SEPARATOR = ";"
MAX_ANSWER_CHARS = 32_767  # Excel's own limit for one cell: a longer "answer" is not one
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000


@dataclass
class SurveyColumns:
    text: list[str] = field(default_factory=list)
    id: str | None = None
    role: str | None = None
    sector: str | None = None
    meta: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # one per text column, in the same order
    sheet: str | None = None


def _csv_rows(data: bytes, path: str) -> tuple[Iterator[tuple[int, list[str]]], str]:
    text, encoding = decode_bytes(data, path)
    delimiter, text, offset = csv_layout(text)  # offset: rows keep the file's numbering

    def rows():
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True, strict=True)
        row = 0
        try:
            for row, cells in enumerate(reader, start=1):
                yield row + offset, cells
        except csv.Error as exc:
            reason = str(exc)
            if "field larger than field limit" in reason:
                reason = f"a cell is longer than {csv.field_size_limit()} characters"
            raise InputFileError(f"not a readable CSV file ({reason})", path=path, line=row + 1 + offset) from None

    return rows(), encoding


def _xlsx_rows(data: bytes, path: str, sheet: str | None) -> tuple[Iterator[tuple[int, list]], str]:
    if not data.strip():
        raise InputFileError("the file is empty", path=path)
    if not data.startswith(b"PK"):
        raise InputFileError("not an .xlsx file (it is not an Excel workbook package)", path=path)
    check_package(data, path, XLSX)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        names = list(book.sheetnames)
    except Exception as exc:  # noqa: BLE001 - openpyxl/zipfile/lxml raise many types for one meaning
        raise InputFileError(f"not a readable .xlsx (truncated or damaged: {type(exc).__name__})", path=path) from None
    listed = ", ".join(f"'{n}'" for n in names)
    if sheet is None:
        if len(names) != 1:
            raise InputFileError(f"the workbook has {len(names)} sheets ({listed}); choose one with {setting('sheet')}", path=path)
        sheet = names[0]
    elif sheet not in names:
        raise InputFileError(f"no sheet '{sheet}' in the workbook (sheets: {listed})", path=path)
    try:
        ws = book[sheet]
        # The declared dimension may claim a million rows or 16,384 columns for one
        # stray formatted cell; rows are read as they are, padded to the header's width.
        ws.reset_dimensions()
    except Exception as exc:  # noqa: BLE001
        raise InputFileError(f"cannot read sheet '{sheet}' ({type(exc).__name__})", path=path) from None

    def rows():
        width = None
        try:
            for row, values in enumerate(ws.iter_rows(values_only=True), start=1):
                values = list(values[:width] if width is not None else values)
                if width is None:
                    while values and values[-1] in (None, ""):
                        values.pop()
                    if len(values) > MAX_COLUMNS:
                        raise InputFileError(f"the header has {len(values)} columns (limit {MAX_COLUMNS})", path=path, line=1)
                    width = len(values)
                yield row, values
        except InputFileError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise InputFileError(f"cannot read sheet '{sheet}' ({type(exc).__name__})", path=path) from None
        finally:
            book.close()

    return rows(), sheet


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 1001.0 in a sheet is respondent 1001
    # A quoted answer keeps the file's line ends (Windows exports: \r\n); segments use \n like transcripts.
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_columns(header: list[str], columns: SurveyColumns, path: str, line: int) -> dict[str, int]:
    # Headings are compared with their white space folded: MS Forms and Qualtrics put the
    # whole question, line breaks and double spaces included, in the heading.
    available = [" ".join(str(c).split()) if c is not None else "" for c in header]
    wanted = [*columns.text, columns.id, columns.role, columns.sector, *columns.meta, *columns.codes]
    index: dict[str, int] = {}
    for name in (w for w in wanted if w):
        if name in index:
            continue
        folded = " ".join(name.split())
        if folded not in available:
            named = [c for c in available if c]
            shown = ", ".join(f"'{c}'" for c in named[:12]) + (", ..." if len(named) > 12 else "")
            raise InputFileError(f"no column '{name}' (columns: {shown})", path=path, line=line)
        if available.count(folded) > 1:
            raise InputFileError(f"column '{name}' appears {available.count(folded)} times in the header", path=path, line=line)
        index[name] = available.index(folded)
    return index


# What SurveyMonkey writes in its second header row above an open question (English and Dutch exports).
_SUBHEADER_WORDS = {"response", "open-ended response", "other (please specify)", "antwoord", "open antwoord",
                    "reactie", "open reactie", "overig (geef op)", "anders (graag specificeren)"}


def _skip_header_rows(rows, index: dict[str, int], columns: SurveyColumns, skipped: list):
    """Header rows under the column names are not answers. Qualtrics writes two (the
    question texts, then {"ImportId": ...} per column); SurveyMonkey one, with "Response" or
    "Open-Ended Response" above each open answer and no respondent id."""
    import itertools

    first = list(itertools.islice(rows, 2))
    if len(first) == 2 and any(_clean(c).startswith('{"ImportId"') for c in first[1][1]):
        skipped.extend(Skipped(row, "Qualtrics header row") for row, _ in first)
        first = []
    elif first:
        row, cells = first[0]
        texts = [_clean(cells[index[t]]) if index[t] < len(cells) else "" for t in columns.text]
        rid = _clean(cells[index[columns.id]]) if columns.id and index[columns.id] < len(cells) else ""
        if not rid and any(texts) and all(t.lower() in _SUBHEADER_WORDS for t in texts if t):
            skipped.append(Skipped(row, "SurveyMonkey header row"))
            first = first[1:]
    return itertools.chain(first, rows)


def parse_survey(data: bytes, path: str, columns: SurveyColumns, *, xlsx: bool, vocab=None) -> ParsedSource:
    """A survey's answers as turns; a sector column's values must be sectors of the study
    (`vocab`, the default study's when None)."""
    from ..vocabulary import default

    vocab = vocab or default()
    if not columns.text:
        raise InputFileError(f"a survey file needs {setting('text_column')} NAME (repeat it for several questions)", path=path)
    if columns.codes and len(columns.codes) != len(columns.text):
        raise UsageError(
            f"give one {setting('codes_column')} per {setting('text_column')}, in the same order "
            f"({len(columns.text)} text column{'s' if len(columns.text) > 1 else ''}, {len(columns.codes)} codes column"
            f"{'s' if len(columns.codes) > 1 else ''})"
        )
    if xlsx:
        rows, sheet = _xlsx_rows(data, path, columns.sheet)
        encoding = None
    else:
        rows, encoding = _csv_rows(data, path)
        sheet = None
    header = next(rows, None)
    if header is None:
        raise InputFileError("the file is empty", path=path)
    index = _check_columns(header[1], columns, path, header[0])
    skipped: list[Skipped] = []
    rows = _skip_header_rows(rows, index, columns, skipped)
    pairs = list(zip(columns.text, columns.codes or [None] * len(columns.text)))
    turns: list[Turn] = []
    for count, (row, cells) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise InputFileError(f"more than {MAX_ROWS} answer rows; split the file", path=path, line=row)

        def cell(name: str | None) -> str:
            if not name:
                return ""
            i = index[name]
            return _clean(cells[i]) if i < len(cells) else ""

        rid, role = cell(columns.id), cell(columns.role)
        sector = cell(columns.sector).lower()
        if sector and not vocab.is_sector(sector):
            raise InputFileError(f"sector must be {vocab.sector_phrase()}, not '{sector}' (column '{columns.sector}')",
                                 path=path, line=row)
        attributes = {m: cell(m) for m in columns.meta if cell(m)}
        for question, codes_column in pairs:
            answer = cell(question)
            codes = [c.strip() for c in cell(codes_column).split(CODE_SEPARATOR) if c.strip()]
            if len(answer) > MAX_ANSWER_CHARS:
                raise InputFileError(
                    f"the answer in column '{question}' is {len(answer)} characters long (limit {MAX_ANSWER_CHARS}, "
                    f"Excel's own cell limit)", path=path, line=row)
            if not answer:
                if codes:
                    raise InputFileError(
                        f"codes '{CODE_SEPARATOR.join(codes)}' in column '{codes_column}' for an empty answer in '{question}'",
                        path=path, line=row)
                continue
            turns.append(
                Turn(
                    speaker=rid or f"R{row - 1}", text=answer, line=row, external_id=rid or None,
                    question=question, role=role or None, sector=sector or None, attributes=attributes,
                    codes=codes, line_map=[(0, row)],
                )
            )
    if not turns:
        raise InputFileError(f"no answers found in column(s) {', '.join(repr(t) for t in columns.text)}", path=path)
    metadata = {"questions": list(columns.text)}
    if columns.codes:
        metadata["codes_columns"] = dict(pairs)
    if sheet:
        metadata["sheet"] = sheet
    return ParsedSource(turns=turns, source_type="xlsx" if xlsx else "csv", encoding=encoding, metadata=metadata,
                        skipped=skipped)
