"""Code co-occurrence at segment or transcript level: counts and Jaccard.

The diagonal is the number of units carrying the code (its Jaccard is 1 when
that is more than zero). QualCoder's transcript-level crosstab adds up codings
per transcript, so a code used twice in one transcript shows 2 there; here a
unit counts once, which is what a co-occurrence count means.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..export.safe import csv_row
from .units import COUNTED_SEGMENTS_SQL, COUNTED_SPEAKER, code_tree, codings_counted

LEVELS = ("segment", "transcript")
MEASURES = ("count", "jaccard")


@dataclass
class Matrix:
    level: str
    codes: list[str]
    units: int
    counts: list[list[int]]
    by: str | None = None  # with --by: the dimension, and this matrix's value of it
    value: str | None = None

    def jaccard(self) -> list[list[float]]:
        n = len(self.codes)
        out = [[0.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(n):
                both = self.counts[i][j]
                union = self.counts[i][i] + self.counts[j][j] - both
                out[i][j] = round(both / union, 4) if union else 0.0
        return out

    def values(self, measure: str):
        return self.counts if measure == "count" else self.jaccard()

    def to_json(self) -> dict:
        data = {"level": self.level, "units": self.units, "codes": self.codes, "counts": self.counts,
                "jaccard": self.jaccard()}
        return {"value": self.value, **data} if self.by else data


def cooccurrence(db, *, level: str = "segment", themes_only: bool = False, coder: str | None = None,
                 include_suggested: bool = False, codes: list[str] | None = None) -> Matrix:
    return _matrices(db, level=level, themes_only=themes_only, coder=coder, include_suggested=include_suggested,
                     codes=codes)[0]


def cooccurrence_by(db, by: str, *, level: str = "segment", themes_only: bool = False, coder: str | None = None,
                    include_suggested: bool = False, codes: list[str] | None = None) -> list[Matrix]:
    """One matrix per value of `by` (sector, role, source, transcript, school_type or a
    participant attribute), each over the segments with that value. At transcript
    level a unit is a transcript's segments with that value (a participant attribute
    can differ within one transcript)."""
    from .stats import check_dimensions

    (dim,) = check_dimensions(db, [by]) or [None]
    if dim is None:
        raise UsageError("--by needs an attribute name")
    return _matrices(db, level=level, themes_only=themes_only, coder=coder, include_suggested=include_suggested,
                     codes=codes, by=dim)


def _matrices(db, *, level: str, themes_only: bool, coder: str | None, include_suggested: bool,
              codes: list[str] | None, by: str | None = None) -> list[Matrix]:
    if level not in LEVELS:
        raise UsageError(f"--level must be segment or transcript, not '{level}'")
    tree = code_tree(db)
    order = [c for c in tree.order if not themes_only or tree.parent[c] is None]
    if codes:
        wanted = {n.lower(): n for n in codes}
        by_name = {tree.names[c].lower(): c for c in order}
        missing = [wanted[n] for n in wanted if n not in by_name]
        if missing:
            raise UsageError(f"unknown code '{missing[0]}' for --code; see 'focuscode codebook show'")
        order = [c for c in order if tree.names[c].lower() in wanted]
    index = {cid: i for i, cid in enumerate(order)}
    where, params = codings_counted(db, coder=coder, include_suggested=include_suggested)
    unit = "c.segment_id" if level == "segment" else "s.transcript_id"
    if by is None:
        value_sql, value_params = "NULL", []
    else:
        from .stats import dimension_column

        value_sql, value_params = dimension_column(by)
    # SQLite groups the units by the set of codes they carry: a study of 30,000
    # segments has a few hundred distinct sets, and only those are expanded to
    # ancestors and paired here. (group_concat's order is not defined, so one set
    # may come as several strings; each is counted, nothing is lost.)
    sql = f"""
        SELECT raw, codes, COUNT(*) FROM (
            SELECT {unit} AS unit, {value_sql} AS raw, group_concat(DISTINCT c.code_id) AS codes
            FROM codings c {COUNTED_SEGMENTS_SQL}
            WHERE {where} AND {COUNTED_SPEAKER}
            GROUP BY {unit}, raw
        ) GROUP BY raw, codes
    """
    n = len(order)
    names = [tree.names[c] for c in order]
    found: dict[str | None, Matrix] = {}
    shown: dict = {}
    for raw, codes_text, k in db.execute(sql, [*value_params, *params]):
        present = {a for cid in map(int, codes_text.split(",")) if cid in tree.names for a in tree.ancestors(cid)}
        if not present:
            continue  # only inactive codes: not a coded unit
        if by is None:
            value = None
        else:
            from .stats import shown_value

            if raw not in shown:
                shown[raw] = shown_value(by, raw)
            value = shown[raw]
        matrix = found.get(value)
        if matrix is None:
            matrix = found[value] = Matrix(level, names, 0, [[0] * n for _ in range(n)], by, value)
        matrix.units += k
        idx = [index[c] for c in present if c in index]
        for a in idx:
            row = matrix.counts[a]
            for b in idx:
                row[b] += k
    if by is None:
        return [found.get(None) or Matrix(level, names, 0, [[0] * n for _ in range(n)])]
    from .stats import ordered_values

    return [found[v] for v in ordered_values(db, by, found)]


def _rows(matrices: list[Matrix], measure: str):
    """The CSV rows: a header, then one row per code (per value of --by first, when given)."""
    by = matrices[0].by if matrices else None
    codes = matrices[0].codes if matrices else []
    yield ([by] if by else []) + ["code", *codes]  # (no matrix at all: nothing coded, a bare header)
    for m in matrices:
        for name, row in zip(m.codes, m.values(measure)):
            yield ([m.value] if by else []) + [name, *row]


def write_matrix_csv(matrix: Matrix | list[Matrix], measure: str, path_or_file) -> None:
    """A matrix, or the matrices of cooccurrence_by() one under the other with the value first."""
    matrices = matrix if isinstance(matrix, list) else [matrix]
    own = isinstance(path_or_file, (str, Path))
    fh = Path(path_or_file).open("w", encoding="utf-8-sig", newline="") if own else path_or_file
    try:
        w = csv.writer(fh)
        for row in _rows(matrices, measure):
            w.writerow(csv_row(row))
    finally:
        if own:
            fh.close()
