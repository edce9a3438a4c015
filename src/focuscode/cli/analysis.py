"""stats and cooccurrence: the numbers behind the report, as tables, JSON, CSV or a chart."""

import sys
from pathlib import Path
from typing import Annotated, List, Optional

from .common import CoderOption, DbOption, FocuscodeGroup, JsonOption, open_db, print_grid, print_json, stdout
from .declare import Option

CsvOption = Annotated[bool, Option("--csv", help="Print CSV instead of a table.")]
PlotOption = Annotated[Optional[Path], Option("--plot", help="Also draw a chart into this .png (or .svg, .pdf) file.")]
SuggestedOption = Annotated[bool, Option("--include-suggested", help="Also count suggested codings.")]
ThemesOption = Annotated[bool, Option("--themes", help="Only the themes (top-level codes), subcodes counted in them.")]


def _check_outputs(as_json: bool, as_csv: bool) -> None:
    if as_json and as_csv:
        from ..errors import UsageError

        raise UsageError("--json and --csv do not go together")


def _scope(conn, coder, include_suggested):
    from ..analysis.units import coding_scope

    return coding_scope(conn, coder=coder, include_suggested=include_suggested)


def stats(
    by: Annotated[Optional[List[str]], Option("--by", help="sector, role, source, transcript, school_type, any participant attribute, or speaker (distinct speakers and groups per code); repeatable [default: the first four].")] = None,
    coder: CoderOption = None,
    include_suggested: SuggestedOption = False,
    themes: ThemesOption = False,
    plot: PlotOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Code frequencies by sector, role, source and transcript: segments (participants).

    --plot draws the themes by each --by dimension (by sector when --by is not given)."""
    from ..analysis.stats import DEFAULT_DIMENSIONS, code_stats, write_stats_csv

    _check_outputs(as_json, as_csv)
    conn = open_db(db)
    from .methods import split_speaker

    by, speakers = split_speaker(conn, by, coder=coder, include_suggested=include_suggested, themes=themes,
                                 as_json=as_json, as_csv=as_csv, plot=plot)
    if by == [] and plot is None:
        return  # --by speaker alone: split_speaker has printed its table
    tables = code_stats(conn, list(by or DEFAULT_DIMENSIONS), coder=coder, include_suggested=include_suggested,
                        themes_only=themes)
    scope = _scope(conn, coder, include_suggested)
    if plot is not None:
        from ..analysis.charts import themes_by_dimension_chart

        # The chart shows what --by asked for; without --by, the themes by sector.
        themes_by_dimension_chart(tables if by else [t for t in tables if t.dimension == "sector"], plot)
    if as_json:
        print_json([{**t.to_json(), "coding": scope.to_json()} for t in tables]
                   + ([{**speakers.to_json(), "coding": scope.to_json()}] if speakers else []))
    elif as_csv:
        write_stats_csv(tables, sys.stdout)
    else:
        stdout.print(scope.describe())
        for t in tables:
            rows = [(("  " * r["depth"]) + r["code"],
                     [f"{r['by'][v].segments} ({r['by'][v].participants})" for v in t.values]
                     + [f"{r['total'].segments} ({r['total'].participants})"]) for r in t.rows]
            print_grid(f"{t.dimension}: fragmenten (deelnemers)", [*t.values, "totaal"], rows, corner="code",
                       last_bold=True)
    if plot is not None and not as_json and not as_csv:
        stdout.print(f"Chart written to {plot}")


def cooccurrence(
    level: Annotated[str, Option("--level", choices="focuscode.analysis.cooccurrence:LEVELS", help="Count per segment or per transcript.")] = "segment",
    measure: Annotated[str, Option("--measure", choices="focuscode.analysis.cooccurrence:MEASURES", help="For the table, CSV and chart.")] = "count",
    code: Annotated[Optional[List[str]], Option("--code", help="Only these codes; repeatable.")] = None,
    by: Annotated[Optional[str], Option("--by", help="One matrix per value of this attribute: sector, role, source, transcript, school_type or any participant attribute.")] = None,
    coder: CoderOption = None,
    include_suggested: SuggestedOption = False,
    themes: ThemesOption = False,
    plot: PlotOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Code x code matrix: how often two codes occur in the same segment (or transcript)."""
    from ..analysis.cooccurrence import cooccurrence as build, cooccurrence_by, write_matrix_csv

    _check_outputs(as_json, as_csv)
    conn = open_db(db)
    options = dict(level=level, themes_only=themes, coder=coder, include_suggested=include_suggested, codes=code)
    matrices = cooccurrence_by(conn, by, **options) if by is not None else [build(conn, **options)]
    scope = _scope(conn, coder, include_suggested)
    if plot is not None:
        from ..analysis.charts import heatmap_chart

        heatmap_chart(matrices if by is not None else matrices[0], plot, measure=measure)
    if as_json:
        if by is None:
            print_json({**matrices[0].to_json(), "coding": scope.to_json()})
        else:
            print_json({"by": by, "level": level, "coding": scope.to_json(), "matrices": [m.to_json() for m in matrices]})
        return
    if as_csv:
        write_matrix_csv(matrices if by is not None else matrices[0], measure, sys.stdout)
        return
    stdout.print(scope.describe())
    unit, units = {"segment": ("fragment", "fragmenten"), "transcript": ("transcript", "transcripten")}[level]
    if by is not None and not matrices:
        stdout.print(f"No coded {units} to show by {by}.")
    for matrix in matrices:
        rows = [(name, [f"{v:.2f}" if measure == "jaccard" else str(v) for v in row])
                for name, row in zip(matrix.codes, matrix.values(measure))]
        title = f"{'Jaccard' if measure == 'jaccard' else 'samen gecodeerd'} per {unit} ({matrix.units} {units})"
        if matrix.by is not None:
            title = f"{matrix.by} = {matrix.value}: {title}"
        print_grid(title, list(matrix.codes), rows, numbered=True)
    if plot is not None:
        stdout.print(f"Chart written to {plot}")


def register(app: FocuscodeGroup) -> None:
    app.command()(stats)
    app.command()(cooccurrence)
