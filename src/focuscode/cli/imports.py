"""import: transcripts, captions, Word files, survey answers and folders into the project."""

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .common import DbOption, JsonOption, info, open_db, print_json, progress_bar, report_error, stdout
from .gateopts import AllowPiiOption, NamesOption


def import_(
    paths: Annotated[
        List[Path],
        typer.Argument(help="Files (.txt .md .docx .vtt .srt .csv .xlsx) or folders of them; or a REFI-QDA .qdpx project.", show_default=False),
    ],
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
    replace: Annotated[bool, typer.Option("--replace", help="Replace a changed file, keeping codings of unchanged turns.")] = False,
    names: NamesOption = None,
    allow_pii: AllowPiiOption = False,
    attribute: Annotated[
        Optional[List[str]],
        typer.Option("--attribute", metavar="NAME", help="Declare a participant attribute the study keeps (besides role, sector, "
                     "school type); repeatable. Other participants-file columns and REFI case variables are left out."),
    ] = None,
    text_column: Annotated[
        Optional[List[str]], typer.Option("--text-column", help="Survey: column with open answers; repeat for several questions.")
    ] = None,
    id_column: Annotated[Optional[str], typer.Option("--id-column", help="Survey: respondent id column (kept as external_id).")] = None,
    role_column: Annotated[Optional[str], typer.Option("--role-column", help="Survey: column with the respondent's role.")] = None,
    sector_column: Annotated[Optional[str], typer.Option("--sector-column", help="Survey: column with the sector (po/vo).")] = None,
    meta_column: Annotated[
        Optional[List[str]], typer.Option("--meta-column", help="Survey: column kept as a participant attribute; repeatable.")
    ] = None,
    codes_column: Annotated[
        Optional[List[str]],
        typer.Option("--codes-column", help="Survey: codes already assigned, separated by ';', for the --text-column in the same "
                     "position (repeat per text column; needs --coder). An answer without a code counts as 'no code applies'."),
    ] = None,
    coder: Annotated[Optional[str], typer.Option("--coder", help="Coder the --codes-column codes belong to.")] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Survey: the .xlsx sheet to read.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import transcripts and survey answers. Re-importing an unchanged file adds nothing.

    Every file passes the anonymisation gate first (deduce, plus --names); a file
    with personal data is not imported. A folder imports every supported file in
    it; a bad file is reported and skipped, and the command then exits with 1.
    """
    if any(p.suffix.lower() == ".qdpx" for p in paths):
        from .exports import import_refi  # a REFI-QDA project: codebook, sources, codings, cases, memos

        return import_refi(paths, source, db, as_json, names=names, allow_pii=allow_pii, attributes=list(attribute or []))
    if source is None:
        from ..errors import UsageError

        raise UsageError("--source is required: focusgroep, dialoogtafel, interview or enquete")
    from ..importers.store import ImportFailure, ImportOptions, expand_paths, import_many

    conn = open_db(db, create=True)
    options = ImportOptions(
        source=source, participants=participants, speaker_pattern=speaker_pattern, allow_unknown=allow_unknown,
        role=role, sector=sector, replace=replace, names=names, allow_pii=allow_pii,
        text_columns=list(text_column or []), id_column=id_column, role_column=role_column,
        sector_column=sector_column, meta_columns=list(meta_column or []), codes_columns=list(codes_column or []),
        coder=coder, sheet=sheet, notify=info, attributes=list(attribute or []),
    )
    files = list(expand_paths(paths, surveys=bool(options.text_columns)))
    if not files:
        raise_nothing(paths)
    several = len(files) > 1

    def show(result) -> None:
        if as_json:
            return
        if isinstance(result, ImportFailure):
            if several:
                report_error(str(result.error))
            return
        extra = []
        if result.encoding:
            extra.append(result.encoding)
        if result.source_type:
            extra.append(result.source_type)
        if result.kept_codings:
            extra.append(f"{result.kept_codings} codings kept")
        if result.imported_codings:
            extra.append(f"{result.imported_codings} codings imported")
        unit = "answers" if result.source_type in ("csv", "xlsx") else "turns"
        tail = f" ({', '.join(extra)})" if extra else ""
        stdout.print(f"{result.path}: {result.status}, {result.segments} {unit}{tail}")
        for warning in result.warnings:
            info(f"Warning: {result.path}: {warning}")

    with progress_bar("Importing") as bar:
        task = bar.add_task("Importing", total=len(files))

        def on_result(result) -> None:
            bar.advance(task)
            show(result)

        results = import_many(conn, files, options, on_result=on_result)
    unchecked = options.gate.unchecked_warning() if options.gate is not None else None
    if unchecked:
        info(f"Warning: {unchecked}")
    failures = [r for r in results if isinstance(r, ImportFailure)]
    done = [r for r in results if not isinstance(r, ImportFailure)]
    if as_json:
        print_json(
            [
                _failure_json(r) if isinstance(r, ImportFailure) else r.__dict__
                for r in results
            ]
        )
    elif several:
        counts = {s: sum(r.status == s for r in done) for s in ("imported", "replaced", "unchanged")}
        segments = sum(r.segments for r in done if r.status != "unchanged")
        stdout.print(
            f"{len(files)} files: {counts['imported']} imported, {counts['replaced']} replaced, "
            f"{counts['unchanged']} unchanged, {len(failures)} failed; {segments} segments added"
        )
    if failures:
        if not several:
            # A single file: its error is the one line, as for every command.
            raise failures[0].error
        if as_json:
            for failure in failures:
                report_error(str(failure.error))
        raise typer.Exit(1)


def _failure_json(failure) -> dict:
    out = {"path": failure.path, "status": "error", "error": str(failure.error)}
    findings = getattr(failure.error, "findings", None)
    if findings:
        # Every finding, where the one-line error shows the first ten.
        out["findings"] = [{"line": f.line, "category": f.category, "text": f.text, "detector": f.detector} for f in findings]
    return out


def raise_nothing(paths) -> None:
    from ..errors import InputFileError
    from ..importers.store import SUPPORTED_SUFFIXES

    raise InputFileError(
        f"no supported files found (looked for {', '.join(SUPPORTED_SUFFIXES)})", path=", ".join(str(p) for p in paths)
    )


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
