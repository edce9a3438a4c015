"""stats and cooccurrence: the numbers behind the report, as tables, JSON, CSV or a chart."""

import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .common import CoderOption, DbOption, JsonOption, open_db, print_json, stdout

CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")]
PlotOption = Annotated[Optional[Path], typer.Option("--plot", help="Also draw a chart into this .png file.")]
SuggestedOption = Annotated[bool, typer.Option("--include-suggested", help="Also count suggested codings.")]
ThemesOption = Annotated[bool, typer.Option("--themes", help="Only the themes (top-level codes), subcodes counted in them.")]


def _check_outputs(as_json: bool, as_csv: bool) -> None:
    if as_json and as_csv:
        from ..errors import UsageError

        raise UsageError("--json and --csv do not go together")


def stats(
    by: Annotated[Optional[List[str]], typer.Option("--by", help="sector, role, source, transcript, school_type, any participant attribute, or speaker (distinct speakers and groups per code); repeatable [default: the first four].")] = None,
    coder: CoderOption = None,
    include_suggested: SuggestedOption = False,
    themes: ThemesOption = False,
    plot: PlotOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Code frequencies by sector, role, source and transcript: segments (participants)."""
    from ..analysis.stats import DEFAULT_DIMENSIONS, code_stats, write_stats_csv

    _check_outputs(as_json, as_csv)
    conn = open_db(db)
    from .methods import split_speaker

    by, speakers = split_speaker(conn, by, coder=coder, include_suggested=include_suggested, themes=themes,
                                 as_json=as_json, as_csv=as_csv, plot=plot)
    if by == [] and plot is None:
        return
    dims = list(by or DEFAULT_DIMENSIONS)
    if plot is not None and "sector" not in dims:
        dims.append("sector")  # the chart shows themes by sector
    tables = code_stats(conn, dims, coder=coder, include_suggested=include_suggested, themes_only=themes)
    if plot is not None:
        from ..analysis.charts import themes_by_sector_chart

        themes_by_sector_chart(next(t for t in tables if t.dimension == "sector"), plot)
    shown = [t for t in tables if by is None or t.dimension in by] if plot is not None else tables
    if as_json:
        print_json([t.to_json() for t in shown] + ([speakers.to_json()] if speakers else []))
    elif as_csv:
        write_stats_csv(shown, sys.stdout)
    else:
        _print_tables(shown)
    if plot is not None and not as_json and not as_csv:
        stdout.print(f"Chart written to {plot}")


def _print_tables(tables) -> None:
    from rich.table import Table

    for t in tables:
        table = Table(title=f"{t.dimension}: fragmenten (deelnemers)", title_justify="left")
        table.add_column("code")
        for v in t.values:
            table.add_column(v, justify="right")
        table.add_column("totaal", justify="right", style="bold")
        for r in t.rows:
            name = ("  " * r["depth"]) + r["code"]
            table.add_row(name, *[f"{r['by'][v].segments} ({r['by'][v].participants})" for v in t.values],
                          f"{r['total'].segments} ({r['total'].participants})")
        stdout.print(table)


def cooccurrence(
    level: Annotated[str, typer.Option("--level", help="segment or transcript.")] = "segment",
    measure: Annotated[str, typer.Option("--measure", help="count or jaccard (for the table, CSV and chart).")] = "count",
    code: Annotated[Optional[List[str]], typer.Option("--code", help="Only these codes; repeatable.")] = None,
    coder: CoderOption = None,
    include_suggested: SuggestedOption = False,
    themes: ThemesOption = False,
    plot: PlotOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Code x code matrix: how often two codes occur in the same segment (or transcript)."""
    from ..analysis.cooccurrence import MEASURES, cooccurrence as build, write_matrix_csv
    from ..errors import UsageError

    _check_outputs(as_json, as_csv)
    if measure not in MEASURES:
        raise UsageError(f"--measure must be count or jaccard, not '{measure}'")
    conn = open_db(db)
    matrix = build(conn, level=level, themes_only=themes, coder=coder, include_suggested=include_suggested, codes=code)
    if plot is not None:
        from ..analysis.charts import heatmap_chart

        heatmap_chart(matrix, plot, measure=measure)
    if as_json:
        print_json(matrix.to_json())
        return
    if as_csv:
        write_matrix_csv(matrix, measure, sys.stdout)
        return
    from rich.table import Table

    values = matrix.values(measure)
    unit, units = {"segment": ("fragment", "fragmenten"), "transcript": ("transcript", "transcripten")}[level]
    table = Table(title=f"{'Jaccard' if measure == 'jaccard' else 'samen gecodeerd'} per {unit} ({matrix.units} {units})",
                  title_justify="left")
    table.add_column("")
    for name in matrix.codes:
        table.add_column(name, justify="right")
    for name, row in zip(matrix.codes, values):
        table.add_row(name, *[f"{v:.2f}" if measure == "jaccard" else str(v) for v in row])
    stdout.print(table)
    if plot is not None:
        stdout.print(f"Chart written to {plot}")


def register(app: typer.Typer) -> None:
    app.command()(stats)
    app.command()(cooccurrence)
