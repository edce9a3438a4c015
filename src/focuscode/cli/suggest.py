"""suggest: code suggestions from the codebook's rules."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .common import DbOption, JsonOption, info, open_db, print_json, stdout


def suggest(
    model: Annotated[Optional[str], typer.Option("--model", help="spaCy model name or path [default: nl_core_news_sm, else the offline fallback].")] = None,
    include_facilitator: Annotated[bool, typer.Option("--include-facilitator", help="Also suggest codes for the facilitator's turns.")] = False,
    n_process: Annotated[int, typer.Option("--n-process", help="Processes for spaCy on large projects.")] = 1,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Suggest codes for segments, with the evidence that fired."""
    from ..suggest import run_suggest

    conn = open_db(db)
    result = run_suggest(conn, model=model, include_facilitator=include_facilitator, notify=info, n_process=n_process)
    if as_json:
        print_json(result.__dict__)
        return
    stdout.print(f"{result.suggestions} suggestions in {result.segments} segments ({result.pipeline})")
    for name, n in sorted(result.by_code.items(), key=lambda kv: -kv[1]):
        stdout.print(f"  {name}: {n}")


def register(app: typer.Typer) -> None:
    app.command()(suggest)
