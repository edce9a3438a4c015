"""codebook validate | show | load."""

from pathlib import Path
from typing import Annotated

import typer

from .common import DbOption, JsonOption, info, open_db, print_json, report_error, stdout
from .gateopts import AllowPiiOption, NamesOption, make_gate, warn

codebook_app = typer.Typer(help="Validate, load and show the codebook.", no_args_is_help=True)


@codebook_app.command()
def validate(file: Annotated[Path, typer.Argument(help="Codebook YAML file.")]) -> None:
    """Check a codebook and report every problem with its file and line."""
    from ..codebook import load_codebook
    from ..errors import CodebookError

    try:
        book = load_codebook(file)
    except CodebookError as exc:
        for problem in exc.problems or [exc]:
            report_error(str(problem))
        raise typer.Exit(1) from None
    codes = list(book.walk())
    stdout.print(f"{file}: valid, {len(book.codes)} themes, {len(codes)} codes")


@codebook_app.command()
def load(
    file: Annotated[Path, typer.Argument(help="Codebook YAML file, or a REFI-QDA .qdc.")],
    names: NamesOption = None,
    allow_pii: AllowPiiOption = False,
    db: DbOption = None,
) -> None:
    """Load a codebook into the project (codes no longer in it are deactivated, not deleted).

    Code names, descriptions, include/exclude rules and examples pass the privacy check
    first (deduce, plus --names): a codebook quoting a participant by name is not loaded."""
    from ..codebook import gate_codebook, load_codebook
    from ..codes import load_codebook_into

    if file.suffix.lower() == ".qdc":  # a REFI-QDA codebook from NVivo, ATLAS.ti, MAXQDA...
        from ..refi.reader import read_codebook

        book = read_codebook(file)
    else:
        book = load_codebook(file)
    gate = make_gate(names, allow_pii)
    warn(gate, gate_codebook(book, gate), "codebook loaded")
    conn = open_db(db, create=True)
    result = load_codebook_into(conn, book, source=str(file))
    stdout.print(f"Loaded {file}: {result.added} added, {result.updated} updated, {result.deactivated} deactivated")


@codebook_app.command()
def show(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show the project's codebook as a tree with keywords."""
    from ..codes import project_codebook

    conn = open_db(db)
    book = project_codebook(conn)
    if as_json:
        print_json(
            [
                {"name": c.name, "parent": c.parent, "description": c.description,
                 "keywords": [k.term for k in c.keywords], "color": c.color}
                for c in book.walk()
            ]
        )
        return
    if not book.codes:
        info("No codebook loaded; run 'focuscode codebook load FILE'.")
        return
    from rich.tree import Tree

    tree = Tree("codebook")
    for theme in book.codes:
        _add(tree, theme)
    stdout.print(tree)


def _add(node, code) -> None:
    keywords = ", ".join(k.term for k in code.keywords[:6])
    more = "…" if len(code.keywords) > 6 else ""
    branch = node.add(f"[bold]{code.name}[/]" + (f"  [dim]{keywords}{more}[/]" if keywords else ""))
    for child in code.children:
        _add(branch, child)


def register(app: typer.Typer) -> None:
    app.add_typer(codebook_app, name="codebook")
