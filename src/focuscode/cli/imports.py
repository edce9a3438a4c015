"""import: transcripts, captions, Word files, survey answers and folders into the project."""

from pathlib import Path
from typing import Annotated, List, Optional

from .common import (DbOption, FocuscodeGroup, JsonOption, creating_project, for_user, info, open_db, print_json,
                     progress_bar, report_error, stdout, stop)
from .declare import Argument, Option
from .gateopts import AllowPiiOption, NamesOption


def import_(
    paths: Annotated[
        List[Path],
        Argument(help="Files (.txt .md .docx .vtt .srt .csv .xlsx) or folders of them; or a REFI-QDA .qdpx project.", show_default=False),
    ],
    source: Annotated[Optional[str], Option("--source", help="A source the study declares: focusgroep, dialoogtafel, interview or enquete by default (optional for .qdpx).")] = None,
    participants: Annotated[
        Optional[Path], Option("--participants", help="CSV/YAML mapping speaker labels to role, sector, school type.")
    ] = None,
    speaker_pattern: Annotated[
        Optional[str], Option("--speaker-pattern", help="Regex with (?P<speaker>...) and (?P<text>...) for other label styles.")
    ] = None,
    allow_unknown: Annotated[bool, Option("--allow-unknown", help="Import unknown speakers with role 'onbekend'.")] = False,
    role: Annotated[Optional[str], Option("--role", help="Default role for speakers without one.")] = None,
    sector: Annotated[Optional[str], Option("--sector", help="Default sector for the whole file (one the study declares: see 'study show').")] = None,
    replace: Annotated[bool, Option("--replace", help="Replace a changed file, keeping codings of unchanged turns.")] = False,
    names: NamesOption = None,
    allow_pii: AllowPiiOption = False,
    attribute: Annotated[
        Optional[List[str]],
        Option("--attribute", metavar="NAME", help="Declare a participant attribute the study keeps (besides role, sector, "
                     "school type); repeatable. Other participants-file columns and REFI case variables are left out."),
    ] = None,
    text_column: Annotated[
        Optional[List[str]], Option("--text-column", help="Survey: column with open answers; repeat for several questions.")
    ] = None,
    id_column: Annotated[Optional[str], Option("--id-column", help="Survey: respondent id column (kept as external_id).")] = None,
    role_column: Annotated[Optional[str], Option("--role-column", help="Survey: column with the respondent's role.")] = None,
    sector_column: Annotated[Optional[str], Option("--sector-column", help="Survey: column with the sector (sectors the study declares).")] = None,
    meta_column: Annotated[
        Optional[List[str]], Option("--meta-column", help="Survey: column kept as a participant attribute; repeatable.")
    ] = None,
    codes_column: Annotated[
        Optional[List[str]],
        Option("--codes-column", help="Survey: codes already assigned, separated by ';', for the --text-column in the same "
                     "position (repeat per text column; needs --coder). An answer without a code counts as 'no code applies'."),
    ] = None,
    coder: Annotated[Optional[str], Option("--coder", help="Coder the --codes-column codes belong to.")] = None,
    sheet: Annotated[Optional[str], Option("--sheet", help="Survey: the .xlsx sheet to read.")] = None,
    dry_run: Annotated[
        bool,
        Option("--dry-run", help="Show how each file will be read (layout, turns, speakers, times, skipped lines); store nothing. No privacy check."),
    ] = False,
    study: Annotated[
        Optional[Path], Option("--study", help="Study file (YAML: sectors, sources, roles) to load into the project with the import.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import transcripts and survey answers. Re-importing an unchanged file adds nothing.

    Every file passes the anonymisation gate first (deduce, plus --names); a file
    with personal data is not imported. A folder imports every supported file in
    it. One import is one transaction: every file is checked and every problem
    reported, and if any file fails nothing is stored (exit 1).
    """
    if any(p.suffix.lower() == ".qdpx" for p in paths):
        if dry_run:
            from ..errors import UsageError

            raise UsageError("--dry-run reads transcripts and surveys; a .qdpx project has no dry run")
        if study is not None:
            from ..errors import UsageError

            raise UsageError("--study goes with transcripts and surveys; for a .qdpx, run 'focuscode study load' first")
        from .exports import import_refi  # a REFI-QDA project: codebook, sources, codings, cases, memos

        return import_refi(paths, source, db, as_json, names=names, allow_pii=allow_pii, attributes=list(attribute or []))
    if source is None and not dry_run:
        from ..errors import UsageError

        raise UsageError("--source is required: a source the study declares (see 'focuscode study show')")
    from ..importers.store import ImportOptions, expand_paths

    options = ImportOptions(
        source=source, participants=participants, speaker_pattern=speaker_pattern, allow_unknown=allow_unknown,
        role=role, sector=sector, replace=replace, names=names, allow_pii=allow_pii,
        text_columns=list(text_column or []), id_column=id_column, role_column=role_column,
        sector_column=sector_column, meta_columns=list(meta_column or []), codes_columns=list(codes_column or []),
        coder=coder, sheet=sheet, notify=info, attributes=list(attribute or []), study=study,
    )
    files = list(expand_paths(paths, surveys=bool(options.text_columns)))
    if not files:
        raise_nothing(paths)
    if dry_run:
        if study is not None:
            from ..vocabulary import load_study

            options.vocabulary = load_study(study)
        return _dry_run(files, options, as_json)
    from ..db import resolve_path
    from ..importers.store import check_options, resolve_vocabulary

    # --sector and --source are checked against the project's study (or --study) before a
    # new project is created: a usage error leaves no database behind.
    conn = open_db(db) if resolve_path(db).is_file() else None
    resolve_vocabulary(conn, options)
    check_options(options)
    # A failed first import leaves no empty project behind (creating_project)
    with creating_project(db, conn) as conn:
        _import_into(conn, files, options, as_json)


def _import_into(conn, files, options, as_json: bool) -> None:
    from ..errors import ImportRolledBack
    from ..importers.store import ImportFailure, import_many

    several = len(files) > 1
    with progress_bar("Importing") as bar:
        task = bar.add_task("Importing", total=len(files))
        # Said once the transaction has ended: one failed file rolls every file back.
        try:
            results = import_many(conn, files, options, on_result=lambda result: bar.advance(task))
            stored = True
        except ImportRolledBack as exc:
            results, stored = exc.results, False
            for result in results:
                if not isinstance(result, ImportFailure):
                    result.status = "read, not stored"
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
    for result in results:
        if isinstance(result, ImportFailure):
            if several and not as_json:
                report_error(result.error)
            continue
        if not as_json:
            stdout.print(_result_line(result), markup=False)
        for notice in result.notices:
            info(f"Notice: {result.path}: {notice}")
        for warning in result.warnings:
            info(f"Warning: {result.path}: {warning}")
    if several and not as_json and not stored:
        stdout.print(
            f"{len(files)} files: nothing imported, {len(failures)} failed (one import is one transaction: "
            "mend or leave out the failed files and run it again)",
            markup=False,
        )
    elif several and not as_json:
        counts = {s: sum(r.status == s for r in done) for s in ("imported", "replaced", "unchanged")}
        segments = sum(r.segments for r in done if r.status != "unchanged")
        stdout.print(
            f"{len(files)} files: {counts['imported']} imported, {counts['replaced']} replaced, "
            f"{counts['unchanged']} unchanged, {len(failures)} failed; {_count(segments, 'segment')} added",
            markup=False,
        )
    if failures:
        if not several:
            # A single file: its error is the one line, as for every command.
            raise failures[0].error
        if as_json:
            for failure in failures:
                report_error(failure.error)
        stop(1)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _result_line(result) -> str:
    extra = []
    if result.encoding:
        extra.append(result.encoding)
    if result.source_type:
        extra.append(result.source_type)
    if result.kept_codings:
        extra.append(f"{_count(result.kept_codings, 'coding')} kept")
    if result.imported_codings:
        extra.append(f"{_count(result.imported_codings, 'coding')} imported")
    unit = "answer" if result.source_type in ("csv", "xlsx") else "turn"
    tail = f" ({', '.join(extra)})" if extra else ""
    return f"{result.path}: {result.status}, {_count(result.segments, unit)}{tail}"


def _dry_run(files, options, as_json: bool) -> None:
    """How each file will be read; nothing is stored and no project is opened."""
    from ..importers.model import Skipped, describe_skipped
    from ..importers.store import ImportFailure, preview_many

    results = preview_many(files, options)
    failures = [r for r in results if isinstance(r, ImportFailure)]
    if as_json:
        print_json([_failure_json(r) if isinstance(r, ImportFailure) else r.as_json() for r in results])
    else:
        for r in results:
            if isinstance(r, ImportFailure):
                if len(files) > 1:
                    report_error(r.error)
                continue
            unit = "answer" if r.source_type in ("csv", "xlsx") else "turn"
            kind = ", ".join(x for x in (r.encoding, r.source_type, r.layout) if x)
            say = lambda text: stdout.print(text, markup=False)  # noqa: E731 - labels may hold [brackets]
            say(f"{r.path}: would import {_count(r.turns, unit)} ({kind})")
            for layout, n in sorted(r.layouts.items(), key=lambda item: -item[1]):
                say(f"  layout: {layout}: {_count(n, unit)}")
            if r.speakers and unit == "turn":
                shown = ", ".join(f"{s['label']} ({_count(s['turns'], 'turn')}, from line {s['first_line']})" for s in r.speakers[:12])
                more = f" and {len(r.speakers) - 12} more" if len(r.speakers) > 12 else ""
                say(f"  speakers: {shown}{more}")
            if r.timed_turns:
                from ..reading import clock

                say(f"  times: {clock(r.first_ms)} to {clock(r.last_ms)} ({r.timed_turns} of {_count(r.turns, unit)} timed)")
            elif unit == "turn":
                say("  times: none")
            if r.skipped:
                say(f"  left out: {describe_skipped([Skipped(s['line'], s['kind']) for s in r.skipped])}")
            if r.unknown_speakers:
                where = f"not in {r.participants}" if r.participants else "no participants file"
                need = "imported as 'onbekend'" if options.allow_unknown else "the import needs --participants or --allow-unknown"
                say(f"  unknown speakers ({where}; {need}): {', '.join(r.unknown_speakers)}")
        stdout.print(f"Dry run: nothing stored ({_count(len(results) - len(failures), 'file')} read, {len(failures)} failed).", markup=False)
    if failures:
        if len(files) == 1:
            raise failures[0].error
        if as_json:
            for failure in failures:
                report_error(failure.error)
        stop(1)


def _failure_json(failure) -> dict:
    out = {"path": failure.path, "status": "error", "error": for_user(failure.error)}
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


def register(app: FocuscodeGroup) -> None:
    app.command("import")(import_)
