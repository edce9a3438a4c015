"""Code frequencies by sector, role, source, transcript or any participant attribute.

For each code (a theme includes its subcodes) and each value of a dimension:
the number of coded segments and of distinct participants.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..export.attribution import is_private
from .units import UNKNOWN, code_tree, coded_segments

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
    keys = set()
    for (raw,) in db.execute("SELECT DISTINCT attributes FROM participants"):
        import json

        keys.update(json.loads(raw or "{}").keys())
    return sorted(BUILTIN | {k for k in keys if not is_private(k)})


def code_stats(db, dimensions=DEFAULT_DIMENSIONS, *, coder: str | None = None, include_suggested: bool = False,
               themes_only: bool = False) -> list[StatsTable]:
    dims = list(dict.fromkeys(d.strip() for d in dimensions if d and d.strip()))
    known = known_dimensions(db)
    for d in dims:
        if is_private(d):
            raise UsageError(f"--by '{d}' would show names or schools; exports show only role, sector and source")
        if d not in known:
            raise UsageError(f"--by '{d}' is not a participant attribute (known: {', '.join(known)})")
    tree = code_tree(db)
    segments = coded_segments(db, coder=coder, include_suggested=include_suggested, tree=tree)
    codes = [c for c in tree.order if not themes_only or tree.parent[c] is None]
    tables = []
    for dim in dims:
        seg_count: dict[tuple, int] = defaultdict(int)
        people: dict[tuple, set] = defaultdict(set)
        values: set[str] = set()
        for seg in segments:
            value = seg.value(dim)
            values.add(value)
            person = (seg.transcript_id, seg.participant_id) if seg.participant_id else None
            for cid in seg.codes:
                for key in ((cid, value), (cid, None)):
                    seg_count[key] += 1
                    if person:
                        people[key].add(person)
        ordered = sorted(values, key=lambda v: (v == UNKNOWN, v.lower()))
        table = StatsTable(dim, ordered)
        for cid in codes:
            theme = tree.theme(cid)
            table.rows.append({
                "code": tree.names[cid],
                "theme": tree.names[theme],
                "parent": tree.names.get(tree.parent[cid]) if tree.parent[cid] else None,
                "depth": tree.depth(cid),
                "total": Cell(seg_count.get((cid, None), 0), len(people.get((cid, None), ()))),
                "by": {v: Cell(seg_count.get((cid, v), 0), len(people.get((cid, v), ()))) for v in ordered},
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
                    w.writerow([t.dimension, v, r["code"], r["theme"], r["parent"] or "", c.segments, c.participants])
                w.writerow([t.dimension, "(totaal)", r["code"], r["theme"], r["parent"] or "", r["total"].segments, r["total"].participants])
    finally:
        if own:
            fh.close()


def stats_markdown(tables: list[StatsTable]) -> str:
    """A readable table per dimension: segments (participants)."""
    out = []
    for t in tables:
        out += [f"### {t.dimension}", "", "| code | " + " | ".join(t.values) + " | totaal |",
                "|---|" + "---:|" * (len(t.values) + 1)]
        for r in t.rows:
            name = ("↳ " * r["depth"]) + r["code"]
            cells = [f"{r['by'][v].segments} ({r['by'][v].participants})" for v in t.values]
            out.append(f"| {name} | " + " | ".join(cells) + f" | {r['total'].segments} ({r['total'].participants}) |")
        out.append("")
    out.append("_Aantal fragmenten (aantal deelnemers)._")
    return "\n".join(out) + "\n"
