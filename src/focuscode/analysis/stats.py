"""Code frequencies by sector, role, source, transcript or any participant attribute.

For each code (a theme includes its subcodes) and each value of a dimension:
the number of coded segments and of distinct participants.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..export.attribution import is_private
from ..export.safe import csv_row, md_inline
from .units import UNKNOWN, code_tree, coded_units_sql

DEFAULT_DIMENSIONS = ("sector", "role", "source", "transcript")
BUILTIN = {"sector", "role", "source", "transcript", "school_type"}


@dataclass
class Cell:
    segments: int = 0
    participants: int = 0


@dataclass
class StatsTable:
    dimension: str
    values: list[str]
    rows: list[dict] = field(default_factory=list)  # code, theme, parent, depth, total, by
    # For 'sector': the sectors the study declares, in its order (charts colour by it).
    declared: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "dimension": self.dimension,
            "values": self.values,
            "codes": [
                {"code": r["code"], "theme": r["theme"], "parent": r["parent"], "depth": r["depth"],
                 "segments": r["total"].segments, "participants": r["total"].participants,
                 "by": {v: {"segments": c.segments, "participants": c.participants} for v, c in r["by"].items()}}
                for r in self.rows
            ],
        }


def known_dimensions(db) -> list[str]:
    rows = db.execute(
        "SELECT DISTINCT j.key FROM participants p, json_each(p.attributes) j WHERE json_type(p.attributes) = 'object'"
    )
    from ..privacy.gate import attribute_key, declared_attributes

    # Only attributes the study declared (privacy.gate), and never a name or school column.
    declared = declared_attributes(db)
    return sorted(BUILTIN | {k for (k,) in rows if not is_private(k) and attribute_key(k) in declared})


def check_dimensions(db, dimensions) -> list[str]:
    """The --by dimensions asked for, stripped and deduplicated; names, schools and
    unknown attributes refused."""
    dims = list(dict.fromkeys(d.strip() for d in dimensions if d and d.strip()))
    known = known_dimensions(db)
    for d in dims:
        if is_private(d):
            raise UsageError(f"--by '{d}' would show names or schools; exports show only role, sector and source")
        if d not in known:
            raise UsageError(f"--by '{d}' is not a participant attribute (known: {', '.join(known)})")
    return dims


def dimension_column(dim: str) -> tuple[str, list]:
    """SQL for a segment's raw value of the dimension, over transcripts t and
    participants p (LEFT JOINed); shown_value() turns it into what reports show."""
    if dim in ("source", "transcript"):
        return ("t.source" if dim == "source" else "t.name"), []
    if dim in ("role", "sector", "school_type"):
        return f"p.{dim}", []
    if '"' in dim or "\\" in dim:
        return "p.attributes", []  # no JSON path can name this key: read the whole object
    return "p.attributes -> ?", [f'$."{dim}"']  # the value as JSON text, decoded in Python


def _dimension_branch(dim: str, index: int) -> tuple[str, list]:
    """One UNION ALL branch counting per (code, raw value of the dimension) over pp
    (code, transcript, participant, segments). Raw values are mapped to the shown
    value in Python; every participant has one raw value per dimension, so segment
    and participant counts of raw values that map to one shown value simply add up."""
    column, params = dimension_column(dim)
    if dim in ("source", "transcript"):
        return (f"SELECT {index}, pp.code, {column}, SUM(pp.n), COUNT(pp.pid) FROM pp "
                "JOIN transcripts t ON t.id = pp.tid GROUP BY 2, 3"), params
    return (f"SELECT {index}, pp.code, {column}, SUM(pp.n), COUNT(pp.pid) FROM pp "
            "LEFT JOIN participants p ON p.id = pp.pid GROUP BY 2, 3"), params


def shown_value(dim: str, raw) -> str:
    """What CodedSegment.value shows for this raw value."""
    if dim in ("source", "transcript"):
        return raw
    if dim in ("role", "sector", "school_type"):
        return raw or UNKNOWN
    if raw is None:
        return UNKNOWN
    value = json.loads(raw)
    if '"' in dim or "\\" in dim:
        value = value.get(dim) if isinstance(value, dict) else None
    return UNKNOWN if value in (None, "") else str(value)


def ordered_values(db, dim: str, values) -> list[str]:
    """A dimension's values in the order tables and charts show them: sectors in the
    study's order (vocabulary), anything else alphabetically; '?' last."""
    if dim == "sector":
        from ..vocabulary import current

        return current(db).order("sector", values)
    return sorted(values, key=lambda v: (v == UNKNOWN, v.lower()))


def code_stats(db, dimensions=DEFAULT_DIMENSIONS, *, coder: str | None = None, include_suggested: bool = False,
               themes_only: bool = False) -> list[StatsTable]:
    dims = check_dimensions(db, dimensions)
    tree = code_tree(db)
    units, params = coded_units_sql(db, coder=coder, include_suggested=include_suggested, tree=tree)
    # pp: per code and person (transcript, participant), the number of segments. A
    # participant counts once per cell however many segments they spoke.
    branches = ["SELECT -1, pp.code, NULL, SUM(pp.n), COUNT(pp.pid) FROM pp GROUP BY pp.code"]
    for i, dim in enumerate(dims):
        branch, branch_params = _dimension_branch(dim, i)
        branches.append(branch)
        params = params + branch_params
    sql = (units + ", pp(code, tid, pid, n) AS MATERIALIZED (SELECT code, transcript_id, participant_id, COUNT(*) "
           "FROM hits GROUP BY code, transcript_id, participant_id) " + " UNION ALL ".join(branches))
    totals: dict[int, Cell] = {}
    cells: list[dict[tuple[int, str], Cell]] = [{} for _ in dims]
    shown: list[dict] = [{} for _ in dims]  # raw -> shown value, per dimension
    for index, cid, raw, segments, participants in db.execute(sql, params):
        if index < 0:
            totals[cid] = Cell(segments, participants)
            continue
        cache = shown[index]
        if raw not in cache:
            cache[raw] = shown_value(dims[index], raw)
        cell = cells[index].setdefault((cid, cache[raw]), Cell())
        cell.segments += segments
        cell.participants += participants
    codes = [c for c in tree.order if not themes_only or tree.parent[c] is None]
    from ..vocabulary import current

    declared = current(db).sector_codes
    tables = []
    for i, dim in enumerate(dims):
        ordered = ordered_values(db, dim, {v for (_cid, v) in cells[i]})
        table = StatsTable(dim, ordered, declared=declared if dim == "sector" else ())
        for cid in codes:
            theme = tree.theme(cid)
            total = totals.get(cid, Cell())
            table.rows.append({
                "code": tree.names[cid],
                "theme": tree.names[theme],
                "parent": tree.names.get(tree.parent[cid]) if tree.parent[cid] else None,
                "depth": tree.depth(cid),
                "total": Cell(total.segments, total.participants),
                "by": {v: Cell(c.segments, c.participants) if (c := cells[i].get((cid, v))) else Cell() for v in ordered},
            })
        tables.append(table)
    return tables


def write_stats_csv(tables: list[StatsTable], path_or_file) -> None:
    """Long format: one row per code, dimension and value."""
    own = isinstance(path_or_file, (str, Path))
    fh = Path(path_or_file).open("w", encoding="utf-8-sig", newline="") if own else path_or_file
    try:
        w = csv.writer(fh)
        w.writerow(["dimension", "value", "code", "theme", "parent", "segments", "participants"])
        for t in tables:
            for r in t.rows:
                for v in t.values:
                    c = r["by"][v]
                    w.writerow(csv_row([t.dimension, v, r["code"], r["theme"], r["parent"] or "", c.segments, c.participants]))
                w.writerow(csv_row([t.dimension, "(totaal)", r["code"], r["theme"], r["parent"] or "", r["total"].segments,
                                    r["total"].participants]))
    finally:
        if own:
            fh.close()


def stats_markdown(tables: list[StatsTable]) -> str:
    """A readable table per dimension: segments (participants)."""
    out = []
    for t in tables:
        out += [f"### {md_inline(t.dimension)}", "", "| code | " + " | ".join(map(md_inline, t.values)) + " | totaal |",
                "|---|" + "---:|" * (len(t.values) + 1)]
        for r in t.rows:
            name = ("↳ " * r["depth"]) + md_inline(r["code"])
            cells = [f"{r['by'][v].segments} ({r['by'][v].participants})" for v in t.values]
            out.append(f"| {name} | " + " | ".join(cells) + f" | {r['total'].segments} ({r['total'].participants}) |")
        out.append("")
    out.append("_Aantal fragmenten (aantal deelnemers)._")
    return "\n".join(out) + "\n"
