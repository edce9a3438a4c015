"""check: integrity check and orphans; --fix only after confirmation."""

from typing import Annotated

import click

from .common import DbOption, FocuscodeGroup, JsonOption, info, print_json, stdout, stop
from .declare import Option


def check(
    fix: Annotated[bool, Option("--fix", help="Remove the orphans found (asks first; a backup is made).")] = False,
    yes: Annotated[bool, Option("--yes", "-y", help="Do not ask before --fix.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check the project database: SQLite integrity and orphaned rows. Changes nothing without --fix."""
    from ..check import check_project, fix_problems
    from ..db import resolve_path

    path = resolve_path(db)
    report = check_project(path)
    fixed = None
    if fix and report.findings and report.integrity == ["ok"]:
        total = sum(f.count for f in report.findings)
        if not yes:
            if as_json:
                info("--fix with --json needs --yes (there is no one to ask)")
                stop(1)
            _print(report)
            if not click.confirm(f"Remove these {total} orphaned rows? A backup is made first", default=False, err=True):
                info("Nothing changed.")
                stop(1)
        fixed = fix_problems(path)
        report_after = check_project(path)
    if as_json:
        data = report.as_dict()
        if fixed is not None:
            data["fixed"] = {"backup": fixed.backup, "removed": fixed.removed, "ok_after": report_after.ok}
        print_json(data)
    else:
        if fixed is None or yes:
            _print(report)
        if fixed is not None:
            removed = ", ".join(f"{k} {v}" for k, v in fixed.removed.items()) or "nothing"
            stdout.print(f"Fixed: removed {removed}. Backup: {fixed.backup}")
            stdout.print("Check after fixing: " + ("ok" if report_after.ok else "problems remain"))
    if fixed is None and not report.ok:
        # Non-zero like a linter, so a script or CI step notices.
        info(f"check: problems found in {report.path}")
        stop(1)


def _print(report) -> None:
    integrity = "ok" if report.integrity == ["ok"] else "FAILED"
    stdout.print(f"{report.path}: integrity {integrity}, foreign keys "
                 f"{'ok' if not report.foreign_keys else str(report.foreign_keys) + ' violations'}")
    for line in report.integrity if report.integrity != ["ok"] else []:
        stdout.print(f"  {line}", markup=False)
    if report.pending_migrations:
        stdout.print(f"  schema not up to date ({', '.join(report.pending_migrations)} pending); run 'focuscode init'")
    if not report.findings:
        stdout.print("No orphans.")
        return
    for f in report.findings:
        ids = ", ".join(str(i) for i in f.examples)
        more = ", …" if f.count > len(f.examples) else ""
        stdout.print(f"  {f.count} {f.description} (ids {ids}{more})", markup=False)
    stdout.print("Run 'focuscode check --fix' to remove them.")


def register(app: FocuscodeGroup) -> None:
    app.command()(check)
