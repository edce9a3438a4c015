"""coder list | rename | merge: coders as records."""

from typing import Annotated

import typer

from .common import DbOption, JsonOption, open_db, print_json, stdout

coder_app = typer.Typer(help="List, rename and merge the project's coders.", no_args_is_help=True)


@coder_app.command("list")
def list_(
    merged: Annotated[bool, typer.Option("--merged", help="Also list coders folded into another.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The project's coders, with their decisions and memos."""
    from ..coders import list_coders

    found = list_coders(open_db(db), merged=merged)
    if as_json:
        print_json([c.as_dict() for c in found])
        return
    for c in found:
        into = f"  (merged into {c.merged_into})" if c.merged_into else ""
        stdout.print(f"{c.id:>3} {c.name:<20} {c.decisions:>6} decisions {c.memos:>4} memos  since {c.created}{into}", markup=False)


@coder_app.command()
def rename(
    old: Annotated[str, typer.Argument(help="The coder's current name.", show_default=False)],
    new: Annotated[str, typer.Argument(help="The new name.", show_default=False)],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rename a coder everywhere (decisions, memos, history); their record stays the same."""
    from ..coders import rename_coder

    coder = rename_coder(open_db(db), old, new)
    if as_json:
        print_json(coder.as_dict())
        return
    stdout.print(f"Renamed coder '{old}' to '{coder.name}' ({coder.decisions} decisions, {coder.memos} memos)", markup=False)


@coder_app.command()
def merge(
    source: Annotated[str, typer.Argument(metavar="FROM", help="The coder to fold in (e.g. a typo'd name).", show_default=False)],
    into: Annotated[str, typer.Argument(metavar="INTO", help="The coder who keeps the work.", show_default=False)],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Fold one coder into another. Where both decided on a segment and code, INTO's decision
    is kept and a different decision of FROM is listed as a conflict."""
    from ..coders import merge_coders

    result = merge_coders(open_db(db), source, into)
    if as_json:
        print_json(result.as_dict())
        return
    stdout.print(f"Merged coder '{result.source}' into '{result.into}': {result.moved} decisions moved, "
                 f"{result.duplicates} duplicates folded, {len(result.conflicts)} conflicts", markup=False)
    for c in result.conflicts:
        stdout.print(f"  conflict: segment {c['segment_id']} {c['code']}: {result.source} {c['from_status']}, "
                     f"{result.into} {c['into_status']} (kept)", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(coder_app, name="coder")
