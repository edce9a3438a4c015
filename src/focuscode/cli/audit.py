"""audit: the project's append-only log, for a methods appendix."""

import sys
from typing import Annotated, Optional

import typer

from .common import DbOption, JsonOption, info, open_db, print_json, stdout


def audit(
    event: Annotated[Optional[str], typer.Option("--event", help="Only this kind of line (e.g. 'codebook load', 'coding').")] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The audit log: codebook loads, coding decisions, merges, replaced transcripts, fixes and
    coder renames and merges, with times and coders (ids and codes only, no participant text)."""
    from ..audit import EVENTS, audit_log, write_audit_csv
    from ..errors import UsageError

    if as_json and as_csv:
        raise UsageError("--json and --csv do not go together")
    if event is not None and event not in EVENTS:
        raise UsageError(f"--event must be one of {', '.join(repr(e) for e in EVENTS)}, not '{event}'")
    lines = audit_log(open_db(db), event=event)
    if as_json:
        print_json([line.as_dict() for line in lines])
        return
    if as_csv:
        write_audit_csv(lines, sys.stdout)
        return
    if not lines:
        info("The audit log is empty.")
        return
    for line in lines:
        d = line.details
        if line.event == "coding":
            what = f"segment {d.get('segment_id')} {d.get('code')}: {d.get('old_status') or '-'} -> {d.get('new_status')} ({d.get('action')})"
        else:
            what = ", ".join(f"{k}={v}" for k, v in d.items() if not isinstance(v, (dict, list)) or len(v) < 6)
        stdout.print(f"{line.id:>5} {line.at} {line.event:<14} {line.coder or '-':<12} {what}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("audit")(audit)
