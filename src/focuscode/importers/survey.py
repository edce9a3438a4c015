"""Survey open answers from .csv or .xlsx: one segment per non-empty answer.

Each text column is a question; the segment keeps the respondent id as its
external_id, the question as its question, and role, sector and any meta
columns as participant facts. Line numbers are spreadsheet rows (header = 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFileError, UsageError
from ..textio import decode_bytes, read_bytes
from .model import ParsedSource, Turn

SECTORS = ("po", "vo")
CODE_SEPARATOR = ";"


@dataclass
class SurveyColumns:
    text: list[str] = field(default_factory=list)
    id: str | None = None
    role: str | None = None
    sector: str | None = None
    meta: list[str] = field(default_factory=list)
    codes: str | None = None
    sheet: str | None = None


def _read_csv(data: bytes, path: str):
    import pandas as pd

    text, encoding = decode_bytes(data, path)
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        frame = pd.read_csv(
            io.StringIO(text.lstrip("\ufeff")), sep=delimiter, dtype=str, keep_default_na=False,
            skip_blank_lines=False, engine="python",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as exc:
        raise InputFileError(f"not a readable CSV file ({' '.join(str(exc).split())[:120]})", path=path) from None
    return frame, encoding


def _read_xlsx(data: bytes, path: str, sheet: str | None):
    import pandas as pd

    if not data.strip():
        raise InputFileError("the file is empty", path=path)
    if not data.startswith(b"PK"):
        raise InputFileError("not an .xlsx file (it is not an Excel workbook package)", path=path)
    try:
        book = pd.ExcelFile(io.BytesIO(data), engine="openpyxl")
        names = book.sheet_names
    except Exception as exc:  # noqa: BLE001 - openpyxl/zipfile raise many types for one meaning
        raise InputFileError(f"not a readable .xlsx (truncated or damaged: {type(exc).__name__})", path=path) from None
    if sheet is None:
        if len(names) > 1:
            listed = ", ".join(f"'{n}'" for n in names)
            raise InputFileError(f"the workbook has {len(names)} sheets ({listed}); choose one with --sheet", path=path)
        sheet = names[0]
    elif sheet not in names:
        listed = ", ".join(f"'{n}'" for n in names)
        raise InputFileError(f"no sheet '{sheet}' in the workbook (sheets: {listed})", path=path)
    try:
        frame = pd.read_excel(book, sheet_name=sheet, dtype=str, keep_default_na=False)
    except Exception as exc:  # noqa: BLE001
        raise InputFileError(f"cannot read sheet '{sheet}' ({type(exc).__name__})", path=path) from None
    return frame, sheet


def _clean(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.lower() == "nan":
        return ""
    return text.strip()


def parse_survey(data: bytes, path: str, columns: SurveyColumns, *, xlsx: bool) -> ParsedSource:
    if not columns.text:
        raise InputFileError("a survey file needs --text-column NAME (repeat it for several questions)", path=path)
    if columns.codes and len(columns.text) > 1:
        raise UsageError("--codes-column works with a single --text-column")
    if xlsx:
        frame, sheet = _read_xlsx(data, path, columns.sheet)
        encoding = None
    else:
        frame, encoding = _read_csv(data, path)
        sheet = None
    frame.columns = [str(c).strip() for c in frame.columns]
    available = list(frame.columns)
    wanted = [*columns.text, columns.id, columns.role, columns.sector, *columns.meta, columns.codes]
    for name in (w for w in wanted if w):
        if name not in available:
            shown = ", ".join(f"'{c}'" for c in available[:12]) + (", ..." if len(available) > 12 else "")
            raise InputFileError(f"no column '{name}' (columns: {shown})", path=path, line=1)
    turns: list[Turn] = []
    for index, record in enumerate(frame.to_dict("records")):
        row = index + 2  # spreadsheet row: the header is row 1
        rid = _clean(record.get(columns.id)) if columns.id else ""
        role = _clean(record.get(columns.role)) if columns.role else ""
        sector = _clean(record.get(columns.sector)).lower() if columns.sector else ""
        if sector and sector not in SECTORS:
            raise InputFileError(f"sector must be po or vo, not '{sector}' (column '{columns.sector}')", path=path, line=row)
        attributes = {m: _clean(record.get(m)) for m in columns.meta if _clean(record.get(m))}
        codes = []
        if columns.codes:
            codes = [c.strip() for c in _clean(record.get(columns.codes)).split(CODE_SEPARATOR) if c.strip()]
        for question in columns.text:
            answer = _clean(record.get(question))
            if not answer:
                continue
            turns.append(
                Turn(
                    speaker=rid or f"R{row - 1}", text=answer, line=row, external_id=rid or None,
                    question=question, role=role or None, sector=sector or None, attributes=attributes,
                    codes=list(codes), line_map=[(0, row)],
                )
            )
    if not turns:
        raise InputFileError(f"no answers found in column(s) {', '.join(repr(t) for t in columns.text)}", path=path)
    metadata = {"questions": list(columns.text)}
    if sheet:
        metadata["sheet"] = sheet
    return ParsedSource(turns=turns, source_type="xlsx" if xlsx else "csv", encoding=encoding, metadata=metadata)


def read_survey(path: Path, columns: SurveyColumns) -> ParsedSource:
    return parse_survey(read_bytes(path), str(path), columns, xlsx=path.suffix.lower() == ".xlsx")
