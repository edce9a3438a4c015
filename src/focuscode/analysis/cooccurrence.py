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
    where, params = codings_counted(db, coder=coder, include_suggested=include_suggested)
    unit = "c.segment_id" if level == "segment" else "s.transcript_id"
    # SQLite groups the units by the set of codes they carry: a study of 30,000
    # segments has a few hundred distinct sets, and only those are expanded to
    # ancestors and paired here. (group_concat's order is not defined, so one set
    # may come as several strings; each is counted, nothing is lost.)
    sql = f"""
        SELECT codes, COUNT(*) FROM (
            SELECT {unit} AS unit, group_concat(DISTINCT c.code_id) AS codes
            FROM codings c {COUNTED_SEGMENTS_SQL}
            WHERE {where} AND {COUNTED_SPEAKER}
            GROUP BY {unit}
        ) GROUP BY codes
    """
    n = len(order)
    counts = [[0] * n for _ in range(n)]
    units = 0
    for codes, k in db.execute(sql, params):
        present = {a for cid in map(int, codes.split(",")) if cid in tree.names for a in tree.ancestors(cid)}
        if not present:
            continue  # only inactive codes: not a coded unit
        units += k
        idx = [index[c] for c in present if c in index]
        for a in idx:
            row = counts[a]
            for b in idx:
                row[b] += k
    return Matrix(level, [tree.names[c] for c in order], units, counts)


def write_matrix_csv(matrix: Matrix, measure: str, path_or_file) -> None:
    own = isinstance(path_or_file, (str, Path))
    fh = Path(path_or_file).open("w", encoding="utf-8-sig", newline="") if own else path_or_file
    try:
        w = csv.writer(fh)
        w.writerow(csv_row(["code", *matrix.codes]))
        for name, row in zip(matrix.codes, matrix.values(measure)):
            w.writerow(csv_row([name, *row]))
    finally:
        if own:
            fh.close()
