"""export summary: theme summaries with attributed quotes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import CoderOption, DbOption, open_db, stdout

export_app = typer.Typer(help="Export summaries and exchange files.", no_args_is_help=True)


@export_app.command()
def summary(
    fmt: Annotated[str, typer.Option("--format", help="Output format: md.")] = "md",
    out: Annotated[Path, typer.Option("--out", help="Folder for the file.")] = Path("exports"),
    per_theme: Annotated[int, typer.Option("--per-theme", help="Quotes per theme.")] = 5,
    coder: CoderOption = None,
    code: Annotated[Optional[str], typer.Option("--code", help="Only this theme or code.")] = None,
    sector: Annotated[Optional[str], typer.Option("--sector", help="Only po or vo.")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="Only this source.")] = None,
    include_suggested: Annotated[bool, typer.Option("--include-suggested", help="Also quote suggested codings.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Labels: nl or en.")] = "nl",
    db: DbOption = None,
) -> None:
    """Per theme: counts by sector and role, and representative attributed quotes."""
    from ..export.summary import SummaryOptions, write_summary

    conn = open_db(db)
    opts = SummaryOptions(per_theme=per_theme, coder=coder, code=code, sector=sector, source=source,
                          include_suggested=include_suggested, lang=lang)
    path = write_summary(conn, opts, out, fmt)
    stdout.print(f"Summary written to {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
