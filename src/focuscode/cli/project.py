"""init and demo."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import DbOption, info, open_db, stdout


def init(db: DbOption = None) -> None:
    """Create a project database (or bring an existing one up to date)."""
    from ..db import resolve_path

    path = resolve_path(db)
    existed = path.exists()
    conn = open_db(path, create=True)
    conn.close()
    stdout.print(f"{'Project database is up to date' if existed else 'Created project database'}: {path}")


def demo(
    db: Annotated[Optional[Path], typer.Option("--db", help="Where to build the demo database.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the exports.")] = Path("exports"),
    sample: Annotated[Optional[Path], typer.Option("--sample", help="Folder with the sample corpus.")] = None,
) -> None:
    """Run the whole pipeline on the bundled sample: import, codebook, suggest, code, export."""
    from ..demo import run_demo

    result = run_demo(db_path=db, out_dir=out, sample_dir=sample, notify=info, progress=info)
    stdout.print(f"Summary written to {result.summary}")


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(demo)
