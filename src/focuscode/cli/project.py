"""init and demo."""

from pathlib import Path
from typing import Annotated, Optional

from .common import DbOption, FocuscodeGroup, info, open_db, stdout
from .declare import Option


def init(db: DbOption = None) -> None:
    """Create a project database (or bring an existing one up to date)."""
    from ..db import resolve_path

    path = resolve_path(db)
    existed = path.exists()
    conn = open_db(path, create=True)
    conn.close()
    stdout.print(f"{'Project database is up to date' if existed else 'Created project database'}: {path}")


def demo(
    db: Annotated[Optional[Path], Option("--db", help="Where to build the demo database.")] = None,
    out: Annotated[Path, Option("--out", help="Folder for the exports.")] = Path("exports"),
    sample: Annotated[Optional[Path], Option("--sample", help="Folder with the sample corpus.")] = None,
) -> None:
    """Run the whole pipeline on the bundled sample: import, codebook, suggest, code, export."""
    from ..demo import run_demo

    import shlex

    result = run_demo(db_path=db, out_dir=out, sample_dir=sample, notify=info, progress=info)
    stdout.print(f"Summary written to {result.summary}")
    stdout.print(f"Project database: {result.db}")
    where = shlex.quote(str(result.db))
    stdout.print("Next, try:")
    for command, why in (
        (f"focuscode segments --code ad-hoctaken --db {where}", "the coded text, with its evidence"),
        (f"focuscode read focusgroep-oop-po.txt --code ad-hoctaken --db {where}", "a transcript with its codes, in context"),
        (f"focuscode stats --by sector --db {where}", "how often each theme comes up, per sector"),
        (f"focuscode review --coder NAME --db {where}", "code it yourself, by keyboard"),
        (f"focuscode agreement --coder referentie --coder NAME --db {where}", "then compare with the reference coding"),
    ):
        stdout.print(f"  {command}    # {why}")
    stdout.print("or set FOCUSCODE_DB to it and leave out --db; 'focuscode --help' lists every command.")


def register(app: FocuscodeGroup) -> None:
    app.command()(init)
    app.command()(demo)
