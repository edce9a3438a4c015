"""code and uncode: a coder's decisions from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import CoderOption, DbOption, JsonOption, open_db, print_json, stdout


def _run(action, segment: str, code: str, coder, db, as_json: bool) -> None:
    from ..coding import parse_ids

    conn = open_db(db)
    changes = action(conn, parse_ids(segment), code, coder or "")
    if as_json:
        print_json([c.__dict__ for c in changes])
        return
    for c in changes:
        stdout.print(f"segment {c.segment_id}: {c.code} {c.action} ({c.coder})")


def code(
    segment: Annotated[str, typer.Argument(help="Segment id, or ids like 4,7,9-12.")],
    code_name: Annotated[str, typer.Argument(metavar="CODE", help="Code name from the codebook.")],
    coder: CoderOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Apply a code to segments (accepting a pending suggestion keeps its evidence)."""
    from ..coding import code_segments

    _run(code_segments, segment, code_name, coder, db, as_json)


def uncode(
    segment: Annotated[str, typer.Argument(help="Segment id, or ids like 4,7,9-12.")],
    code_name: Annotated[str, typer.Argument(metavar="CODE", help="Code name from the codebook.")],
    coder: CoderOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Take a code off segments (recorded as a rejection, so it is not suggested again)."""
    from ..coding import uncode_segments

    _run(uncode_segments, segment, code_name, coder, db, as_json)


def register(app: typer.Typer) -> None:
    app.command()(code)
    app.command()(uncode)
