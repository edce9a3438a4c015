"""The project's append-only audit log: what happened to the coding, when, and by whom.

Coding decisions reach it through a trigger on coding_events (every writer logs those);
everything else (codebook loads, merges, replaced transcripts, `check --fix`, coder renames
and merges) through `record`, the one function writers call. Lines hold ids, code names,
coder names, counts and times, never participant text, so the log can be exported whole
for a methods appendix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .db import now

EVENTS = ("coding", "codebook load", "merge", "import replace", "check fix", "coder rename", "coder merge")
COLUMNS = ("id", "at", "event", "coder", "details")


def record(db, event: str, *, coder: str | None = None, **details) -> int:
    """Append one line to the audit log (inside the caller's transaction)."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    coder_id = None
    if coder is not None:
        row = db.execute("SELECT id FROM coders WHERE name = ?", [coder]).fetchone()
        coder_id = row[0] if row else None
    return db.execute(
        "INSERT INTO audit (at, event, coder_id, coder, details) VALUES (?, ?, ?, ?, ?)",
        [now(), event, coder_id, coder, json.dumps(details, ensure_ascii=False, sort_keys=True)],
    ).lastrowid


@dataclass
class AuditLine:
    id: int
    at: str
    event: str
    coder: str | None
    details: dict

    def as_dict(self) -> dict:
        return {"id": self.id, "at": self.at, "event": self.event, "coder": self.coder, "details": self.details}


def audit_log(db, *, event: str | None = None) -> list[AuditLine]:
    """Every line, oldest first; the coder's current name through their record."""
    sql = ("SELECT a.id, a.at, a.event, coalesce(c.name, a.coder), a.details FROM audit a "
           "LEFT JOIN coders c ON c.id = a.coder_id")
    params: list = []
    if event is not None:
        sql += " WHERE a.event = ?"
        params.append(event)
    return [AuditLine(r[0], r[1], r[2], r[3], json.loads(r[4] or "{}"))
            for r in db.execute(sql + " ORDER BY a.id", params)]


CSV_COLUMNS = ("id", "at", "event", "coder", "segment_id", "code", "action", "old_status", "new_status", "details")


def write_audit_csv(lines: list[AuditLine], fh) -> None:
    """One row per line; a coding decision's fields as columns, other events' details as JSON.
    Cells pass export.safe, so no cell is a live spreadsheet formula."""
    import csv

    from .export.safe import csv_row

    w = csv.writer(fh)
    w.writerow(CSV_COLUMNS)
    for line in lines:
        rest = dict(line.details)
        coding = [rest.pop(k, None) for k in ("segment_id", "code", "action", "old_status", "new_status")]
        if line.event == "coding":
            rest.pop("code_id", None)
        w.writerow(csv_row([line.id, line.at, line.event, line.coder or "", *("" if v is None else v for v in coding),
                            json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else ""]))
