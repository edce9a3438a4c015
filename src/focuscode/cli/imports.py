"""import: transcripts and survey answers into the project."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .common import DbOption, JsonOption, open_db, print_json, stdout


def import_(
    paths: Annotated[List[Path], typer.Argument(help="Transcript files (txt, md).", show_default=False)],
    source: Annotated[Optional[str], typer.Option("--source", help="focusgroep, dialoogtafel, interview or enquete (optional for .qdpx).")] = None,
    participants: Annotated[
        Optional[Path], typer.Option("--participants", help="CSV/YAML mapping speaker labels to role, sector, school type.")
    ] = None,
    speaker_pattern: Annotated[
        Optional[str], typer.Option("--speaker-pattern", help="Regex with (?P<speaker>...) and (?P<text>...) for other label styles.")
    ] = None,
    allow_unknown: Annotated[bool, typer.Option("--allow-unknown", help="Import unknown speakers with role 'onbekend'.")] = False,
    role: Annotated[Optional[str], typer.Option("--role", help="Default role for speakers without one.")] = None,
    sector: Annotated[Optional[str], typer.Option("--sector", help="Default sector (po/vo) for the whole file.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a changed transcript, keeping codings of unchanged turns.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import transcripts. Re-importing an unchanged file adds nothing."""
    if any(p.suffix.lower() == ".qdpx" for p in paths):
        from .exports import import_refi  # a REFI-QDA project: codebook, sources, codings, cases, memos

        return import_refi(paths, source, db, as_json)
    if source is None:
        from ..errors import UsageError

        raise UsageError("--source is required: focusgroep, dialoogtafel, interview or enquete")
    from ..importers.store import ImportOptions, import_file

    conn = open_db(db, create=True)
    options = ImportOptions(
        source=source, participants=participants, speaker_pattern=speaker_pattern, allow_unknown=allow_unknown,
        role=role, sector=sector, replace=replace,
    )
    results = [import_file(conn, path, options) for path in paths]
    if as_json:
        print_json([r.__dict__ for r in results])
        return
    for r in results:
        enc = f", {r.encoding}" if r.encoding else ""
        stdout.print(f"{r.path}: {r.status}, {r.segments} turns{enc}")


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
