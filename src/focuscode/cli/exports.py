"""export summary | refi: theme summaries with attributed quotes, and REFI-QDA exchange files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import click

from .common import CoderOption, DbOption, FocuscodeGroup, JsonOption, creating_project, info, open_db, print_json, progress_bar, stdout
from .declare import Option

export_app = FocuscodeGroup(name="export", help="Export summaries and exchange files.")


@export_app.command()
def summary(
    fmt: Annotated[str, Option("--format", choices="focuscode.export.render:FORMATS", case_sensitive=False, help="Output format.")] = "md",
    out: Annotated[Path, Option("--out", help="Folder for the file.")] = Path("exports"),
    per_theme: Annotated[int, Option("--per-theme", help="Quotes per theme.")] = 5,
    coder: CoderOption = None,
    code: Annotated[Optional[str], Option("--code", help="Only this theme or code.")] = None,
    sector: Annotated[Optional[str], Option("--sector", help="Only this sector (one the study declares).")] = None,
    source: Annotated[Optional[str], Option("--source", help="Only this source (one the study declares).")] = None,
    include_suggested: Annotated[bool, Option("--include-suggested", help="Also count and quote suggested codings.")] = False,
    min_words: Annotated[int, Option("--min-words", help="Shortest quote, in words.")] = 15,
    max_words: Annotated[int, Option("--max-words", help="Longest quote, in words.")] = 80,
    lang: Annotated[str, Option("--lang", choices="focuscode.export.summary:LABELS", help="Language of the labels.")] = "nl",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Per theme and subcode: counts by sector and role, and representative attributed quotes."""
    from ..export.render import write_summary
    from ..export.summary import SummaryOptions

    conn = open_db(db)
    opts = SummaryOptions(per_theme=per_theme, coder=coder, code=code, sector=sector, source=source,
                          include_suggested=include_suggested, min_words=min_words, max_words=max_words, lang=lang)
    from ..analysis.units import coding_scope

    scope = coding_scope(conn, coder=coder, include_suggested=include_suggested)
    if sys.stderr.isatty():
        with progress_bar("Summary") as bar:
            bar.add_task("Summary", total=None)
            path = write_summary(conn, opts, out, fmt.lower(), scope=scope)
    else:  # no bar to show: rich (its console and progress modules, ~50 ms) is not imported
        path = write_summary(conn, opts, out, fmt.lower(), scope=scope)
    if as_json:
        print_json({"path": str(path), "format": fmt.lower(), "coding": scope.to_json()})
        return
    from ..export.safe import terminal_safe

    click.echo(terminal_safe(f"Summary written to {path}"))
    click.echo(scope.describe())


@export_app.command()
def refi(
    out: Annotated[Path, Option("--out", help="The .qdpx project (or .qdc codebook) to write.")] = Path("exports/project.qdpx"),
    codebook_only: Annotated[bool, Option("--codebook-only", help="Write only the codebook, as a .qdc file.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a REFI-QDA 1.5 project for NVivo, ATLAS.ti, MAXQDA or QualCoder (or just the codebook)."""
    from ..errors import UsageError
    from ..refi.writer import write_codebook, write_project

    suffix = out.suffix.lower()
    if codebook_only and suffix != ".qdc":
        raise UsageError(f"--codebook-only writes a .qdc file, not '{out.name}'")
    if not codebook_only and suffix != ".qdpx":
        raise UsageError(f"a REFI-QDA project is a .qdpx file, not '{out.name}' (use --codebook-only for .qdc)")
    conn = open_db(db)
    if codebook_only:
        path = write_codebook(conn, out)
        counts = {"codes": conn.execute("SELECT count(*) FROM codes").fetchone()[0]}
    else:
        with progress_bar("Sources") as bar:
            task = bar.add_task("Sources", total=None)
            counts = write_project(conn, out, progress=lambda done, total: bar.update(task, completed=done, total=total))
        path = out
    if as_json:
        print_json({"path": str(path), **counts})
        return
    stdout.print(f"REFI-QDA {'codebook' if codebook_only else 'project'} written to {path}: "
                 + ", ".join(f"{v} {k}" for k, v in counts.items()))


def import_refi(paths: list[Path], source: str | None, db, as_json: bool, *, names: Path | None = None,
                allow_pii: bool = False, attributes: list[str] | None = None) -> None:
    """`focuscode import study.qdpx`: called from the import command."""
    from ..errors import UsageError
    from ..privacy.gate import Gate
    from ..refi.importer import import_projects

    others = [p for p in paths if p.suffix.lower() != ".qdpx"]
    if others:
        raise UsageError(f"import .qdpx projects on their own, not together with '{others[0].name}'")
    from ..db import resolve_path
    from ..refi.reader import read_project
    from ..vocabulary import current, default

    conn = open_db(db) if resolve_path(db).is_file() else None  # the project's sources, else the default study's
    (current(conn) if conn is not None else default()).check_source(source, "--source")
    # Read and check every file before the database is opened (or created), so a bad
    # archive leaves nothing behind.
    projects = [read_project(path) for path in paths]
    gate = Gate(names=names, allow_pii=allow_pii, notify=info)
    with creating_project(db, conn) as conn, progress_bar("Import") as bar:
        task = bar.add_task("Import", total=len(paths))
        # One transaction for all files: a failure in the second leaves the first unstored too.
        results = import_projects(conn, zip(paths, projects), source=source, gate=gate, attributes=attributes or [],
                                  on_done=lambda _r: bar.advance(task))
    if gate.unchecked_warning():
        info(f"Warning: {gate.unchecked_warning()}")
    if as_json:
        print_json([r.__dict__ for r in results])
        return
    for r in results:
        stdout.print(f"{r.path}: imported {r.codes} codes ({r.codes_added} new), {r.sources} sources, {r.segments} segments, "
                     f"{r.codings} codings, {r.cases} cases, {r.memos} memos")
        for notice in r.notices:
            info(f"{r.path}: {notice}")


def register(app: FocuscodeGroup) -> None:
    app.add_command(export_app)
