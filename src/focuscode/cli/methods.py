"""saturation and export methods: the numbers a methods section reports."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import CoderOption, DbOption, JsonOption, open_db, print_json, stdout


def saturation(
    coder: CoderOption = None,
    order: Annotated[str, typer.Option("--order", metavar="import|time|NAMES", help="Order of the transcripts: import, time (the date in each name) or names separated by commas.")] = "import",
    source: Annotated[Optional[str], typer.Option("--source", help="Only transcripts of this source (one the study declares).")] = None,
    base: Annotated[int, typer.Option("--base", help="Base size: the first transcripts whose codes are the knowledge base.")] = 2,
    run: Annotated[int, typer.Option("--run", help="Run length: the following transcripts searched for new codes.")] = 1,
    threshold: Annotated[float, typer.Option("--threshold", help="New-information threshold: new codes in the run / codes in the base.")] = 0.05,
    bootstrap: Annotated[int, typer.Option("--bootstrap", metavar="K", help="Also assess K random orders (median and range of the saturation point).")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed for --bootstrap.")] = 0,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="Also draw the saturation curve into this .png file.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Codes first appearing per transcript, and the Guest, Namey & Chen (2020) saturation verdict."""
    from ..saturation import SaturationOptions, assess, saturation_chart

    conn = open_db(db)
    result = assess(conn, SaturationOptions(coder=coder, order=order, source=source, base=base, run=run,
                                            threshold=threshold, bootstrap=bootstrap, seed=seed))
    if plot is not None:
        saturation_chart(result, plot)
    if as_json:
        print_json(result.to_json())
        return
    from rich.table import Table

    table = Table(title="Nieuwe codes per transcript", title_justify="left", show_edge=False, pad_edge=False)
    for col, justify in (("#", "right"), ("transcript", "left"), ("nieuw", "right"), ("totaal", "right"),
                         ("thema's", "right"), ("nieuwe codes", "left")):
        table.add_column(col, justify=justify)
    data = result.to_json()
    for i, row in enumerate(data["transcripts"], start=1):
        table.add_row(str(i), row["transcript"], str(len(row["new_codes"])), str(row["cumulative"]),
                      str(row["cumulative_themes"]), ", ".join(row["new_codes"]) or "–")
    stdout.print(table)
    stdout.print(f"Codes: {result.verdict_line('codes')}", markup=False)
    stdout.print(f"Thema's: {result.verdict_line('themes')}", markup=False)
    if result.bootstrap:
        for level, label in (("codes", "Codes"), ("themes", "Thema's")):
            b = result.bootstrap[level]
            spread = (f"mediaan {b['median']:g} transcripten (bereik {b['range'][0]}-{b['range'][1]})" if b["reached"]
                      else "nooit bereikt")
            stdout.print(f"{label} over {b['orders']} willekeurige volgordes (seed {result.bootstrap['seed']}): "
                         f"verzadiging in {b['reached']}, {spread}", markup=False)
    if plot is not None:
        stdout.print(f"Chart written to {plot}", markup=False)


def methods(
    fmt: Annotated[str, typer.Option("--format", help="md or docx.")] = "md",
    out: Annotated[Optional[Path], typer.Option("--out", help="The file to write [default: exports/methode.md or .docx].", show_default=False)] = None,
    coder: CoderOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A methods appendix keyed to the COREQ checklist: counts and labels from the project, never a name."""
    from ..export.methods import write_methods

    conn = open_db(db)
    path = write_methods(conn, fmt.lower(), out, coder=coder)
    if as_json:
        print_json({"path": str(path), "format": fmt.lower()})
        return
    stdout.print(f"Methods appendix written to {path}", markup=False)


def split_speaker(conn, by, *, coder, include_suggested, themes, as_json, as_csv, plot):
    """`stats --by speaker`: segments, distinct speakers and distinct groups per code.

    Returns the other --by values and the table for stats' JSON list. When speaker
    was the only --by (and no chart is asked for) the table is printed here and the
    other values are [] : nothing left to do."""
    from ..analysis.prevalence import SPEAKER, prevalence, write_prevalence_csv
    from ..errors import UsageError

    if not by or SPEAKER not in by:
        return by, None
    rest = [d for d in by if d != SPEAKER]
    if as_csv and (rest or plot is not None):
        raise UsageError("--by speaker has CSV columns of its own: ask for it without other --by values or --plot")
    table = prevalence(conn, coder=coder, include_suggested=include_suggested, themes_only=themes)
    if as_json:
        if not rest and plot is None:
            print_json([table.to_json()])
        return rest, table
    if as_csv:
        import sys

        write_prevalence_csv(table, sys.stdout)
        return rest, None
    _print_prevalence(table)
    return rest, None


def _print_prevalence(table) -> None:
    from rich.table import Table

    out = Table(title="speaker: fragmenten, sprekers en groepen per code (gespreksleider niet meegeteld)",
                title_justify="left")
    out.add_column("code")
    for col in ("fragmenten", "sprekers", "groepen", "meeste van één spreker"):
        out.add_column(col, justify="right")
    for r in table.rows:
        out.add_row(("  " * r["depth"]) + r["code"], str(r["segments"]), str(r["speakers"]), str(r["groups"]),
                    str(r["most_by_one_speaker"]))
    stdout.print(out)


def register(app: typer.Typer) -> None:
    from .exports import export_app

    app.command()(saturation)
    export_app.command("methods")(methods)
