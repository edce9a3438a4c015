"""Focus-group prevalence: how many different speakers and groups raised a code.

In a focus group one talkative participant can fill a theme with turns, so the
number of segments alone overstates how widely a theme was shared. Per code
(a theme includes its subcodes) this counts the coded segments, the distinct
speakers (participants; facilitators never count, turns without a known
speaker add segments but no speaker), the distinct groups (transcripts), and
the most segments any one speaker contributed. It counts what stats counts
(analysis.units): a coder's accepted codings, suggestions only when asked.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from .units import code_tree, coded_units_sql

SPEAKER = "speaker"  # the --by value of stats that asks for this table

LABELS = {
    "nl": {"speaker": ("deelnemer", "deelnemers"), "group": ("groep", "groepen")},
    "en": {"speaker": ("participant", "participants"), "group": ("group", "groups")},
}


@dataclass
class PrevalenceTable:
    rows: list[dict] = field(default_factory=list)  # code, theme, parent, depth, segments, speakers, groups, most_by_one

    def to_json(self) -> dict:
        return {"dimension": SPEAKER, "codes": self.rows}


def prevalence(db, *, coder: str | None = None, include_suggested: bool = False, themes_only: bool = False) -> PrevalenceTable:
    tree = code_tree(db)
    units, params = coded_units_sql(db, coder=coder, include_suggested=include_suggested, tree=tree)
    sql = units + """, per_speaker(code, pid, n) AS (
            SELECT code, participant_id, COUNT(*) FROM hits WHERE participant_id IS NOT NULL GROUP BY 1, 2)
        SELECT h.code, COUNT(*), COUNT(DISTINCT h.participant_id), COUNT(DISTINCT h.transcript_id),
               (SELECT MAX(n) FROM per_speaker s WHERE s.code = h.code)
        FROM hits h GROUP BY h.code"""
    counts = {cid: rest for cid, *rest in db.execute(sql, params)}
    table = PrevalenceTable()
    for cid in tree.order:
        if themes_only and tree.parent[cid] is not None:
            continue
        segments, speakers, groups, most = counts.get(cid, (0, 0, 0, None))
        parent = tree.parent[cid]
        table.rows.append({
            "code": tree.names[cid], "theme": tree.names[tree.theme(cid)],
            "parent": tree.names[parent] if parent else None, "depth": tree.depth(cid),
            "segments": segments, "speakers": speakers, "groups": groups, "most_by_one_speaker": most or 0,
        })
    return table


def write_prevalence_csv(table: PrevalenceTable, fh) -> None:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["code", "theme", "parent", "segments", "speakers", "groups", "most_by_one_speaker"])
    for r in table.rows:
        w.writerow([r["code"], r["theme"], r["parent"] or "", r["segments"], r["speakers"], r["groups"], r["most_by_one_speaker"]])


def prevalence_phrase(speakers: int, groups: int, lang: str = "nl") -> str:
    """'12 deelnemers in 3 groepen': how widely a theme was raised, for summaries."""
    labels = LABELS.get(lang, LABELS["nl"])
    who = labels["speaker"][speakers != 1]
    where = labels["group"][groups != 1]
    return f"{speakers} {who} in {groups} {where}"
