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
from .units import code_tree, coded_units_sql

LEVELS = ("segment", "transcript")
MEASURES = ("count", "jaccard")


@dataclass
class Matrix:
    level: str
    codes: list[str]
    units: int
    counts: list[list[int]]

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
        return {"level": self.level, "units": self.units, "codes": self.codes, "counts": self.counts, "jaccard": self.jaccard()}


def cooccurrence(db, *, level: str = "segment", themes_only: bool = False, coder: str | None = None,
                 include_suggested: bool = False, codes: list[str] | None = None) -> Matrix:
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
    units_sql, params = coded_units_sql(db, coder=coder, include_suggested=include_suggested, tree=tree)
    # Pairs of codes on one unit, counted by SQLite: hits holds each (segment, code)
    # once; at transcript level each (transcript, code) is made distinct first.
    if level == "segment":
        table, unit = "hits", "segment_id"
    else:
        units_sql += ", u(transcript_id, code) AS MATERIALIZED (SELECT DISTINCT transcript_id, code FROM hits)"
        table, unit = "u", "transcript_id"
    sql = units_sql + f"""
        SELECT a.code, b.code, COUNT(*) FROM {table} a JOIN {table} b ON b.{unit} = a.{unit} GROUP BY a.code, b.code
        UNION ALL SELECT NULL, NULL, COUNT(DISTINCT {unit}) FROM {table}"""
    n = len(order)
    counts = [[0] * n for _ in range(n)]
    units = 0
    for a, b, k in db.execute(sql, params):
        if a is None:
            units = k
        elif a in index and b in index:
            counts[index[a]][index[b]] = k
    return Matrix(level, [tree.names[c] for c in order], units, counts)


def write_matrix_csv(matrix: Matrix, measure: str, path_or_file) -> None:
    own = isinstance(path_or_file, (str, Path))
    fh = Path(path_or_file).open("w", encoding="utf-8-sig", newline="") if own else path_or_file
    try:
        w = csv.writer(fh)
        w.writerow(["code", *matrix.codes])
        for name, row in zip(matrix.codes, matrix.values(measure)):
            w.writerow([name, *row])
    finally:
        if own:
            fh.close()
