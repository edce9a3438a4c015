"""What every command shares: options, consoles, JSON output and error reporting."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from typer.core import TyperGroup

from ..errors import FocuscodeError

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", envvar="FOCUSCODE_DB", help="Project database [default: ./focuscode.db].", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CoderOption = Annotated[
    Optional[str], typer.Option("--coder", envvar="FOCUSCODE_CODER", help="Coder name (or FOCUSCODE_CODER).")
]


def report_error(message: str) -> None:
    """One line on stderr, red where colour is allowed."""
    line = " ".join(str(message).split())
    stderr.print(f"[bold red]Error:[/] {line}", markup=True, highlight=False, soft_wrap=True) if not _plain() else print(
        f"Error: {line}", file=sys.stderr
    )


def _plain() -> bool:
    return bool(os.environ.get("NO_COLOR")) or not sys.stderr.isatty()


def info(message: str) -> None:
    """Progress and notices go to stderr so stdout stays clean for data."""
    print(message, file=sys.stderr)


class FocuscodeGroup(TyperGroup):
    """Turns domain errors into one line on stderr and an exit code, for every command."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except FocuscodeError as exc:
            report_error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                report_error("the project database is locked by another process; try again")
            else:
                report_error(f"database error: {exc}")
            raise typer.Exit(1) from None
        except sqlite3.DatabaseError as exc:
            report_error(f"the project database is damaged or not a focuscode database ({exc})")
            raise typer.Exit(1) from None


def open_db(path: Path | None, *, create: bool = False):
    from ..db import open_project

    return open_project(path, create=create, on_backup=lambda p: info(f"Backed up the database to {p} before upgrading it"),
                        on_wait=info)


def print_json(data: Any) -> None:
    """JSON on stdout. An array prints one element per line: still one valid JSON
    document, greppable per element, and written by json's C encoder (indent= makes
    json fall back to its pure-Python encoder, half the time of `segments --json`
    on a large study)."""
    if isinstance(data, list):
        encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
        write = sys.stdout.write
        if not data:
            write("[]\n")
            return
        write("[\n")
        last = len(data) - 1
        for i, item in enumerate(data):
            write(encode(item) + (",\n" if i < last else "\n"))
        write("]\n")
        return
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def progress_bar(description: str, total: int | None = None):
    """A rich progress bar on stderr; hidden when stderr is not a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        disable=not sys.stderr.isatty(),
    )
