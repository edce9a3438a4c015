"""merge, replicate and agreement: several coders on one study."""

import csv
import sys
from pathlib import Path
from typing import Annotated, List, Optional

from .common import DbOption, FocuscodeGroup, JsonOption, info, open_db, print_json, stdout
from .declare import Argument, Option
from .gateopts import AllowPiiOption, NamesOption, make_gate, warn


def merge(
    other: Annotated[Path, Argument(help="The other coder's project database.", show_default=False)],
    prefer: Annotated[str, Option("--prefer", choices="focuscode.merge:PREFER", help="When one coder decided differently in both: the newer decision, ours or theirs.")] = "newer",
    coder: Annotated[Optional[List[str]], Option("--coder", metavar="NAME", help="Only merge this coder's work (repeatable).")] = None,
    dry_run: Annotated[bool, Option("--dry-run", help="Report what would be merged, change nothing.")] = False,
    names: NamesOption = None,
    allow_pii: AllowPiiOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Merge another database's codings, seen marks, memos and new codes into this project.

    The memos and new codes it brings pass the privacy check first (deduce, plus --names)."""
    from ..merge import merge_database

    conn = open_db(db)
    gate = make_gate(names, allow_pii)
    report = merge_database(conn, other, prefer=prefer, coders=coder or None, dry_run=dry_run, gate=gate)
    warn(gate, report.warnings, "merged")
    if as_json:
        print_json(report.as_json())
        return
    who = ", ".join(report.coders) or "no coder"
    verb = "Would merge" if dry_run else "Merged"
    stdout.print(f"{verb} {other} ({who}): {report.transcripts_matched} transcripts matched", markup=False)
    stdout.print(
        f"  codings: {report.codings_added} added, {report.codings_matched} already here, "
        f"{len(report.conflicts)} conflicted, {sum(1 for u in report.unplaced if 'code' in u)} not placed",
        markup=False,
    )
    stdout.print(f"  seen: {report.seen_added} added; memos: {report.memos_added} added, {report.memos_matched} already here", markup=False)
    if report.codes_added:
        stdout.print(f"  new codes: {', '.join(report.codes_added)}", markup=False)
    if report.transcripts_unmatched:
        stdout.print(f"  transcripts not in this project: {', '.join(report.transcripts_unmatched)}", markup=False)
    for c in report.conflicts:
        stdout.print(
            f"  conflict {c['segment']} {c['code']} ({c['coder']}): here {c['ours']}, there {c['theirs']}; kept {c['kept']}",
            markup=False,
        )
    for u in report.unplaced[:20]:
        what = f"{u['code']} ({u['coder']})" if "code" in u else f"memo ({u['coder']})"
        stdout.print(f"  not placed: {u.get('segment') or '-'} {what}", markup=False)
    if len(report.unplaced) > 20:
        stdout.print(f"  … and {len(report.unplaced) - 20} more not placed (see --json)", markup=False)


def replicate(
    out: Annotated[Path, Option("--out", help="The new database for the coder.", show_default=False)],
    coder: Annotated[str, Option("--coder", metavar="NAME", help="The coder the blind copy is for.", show_default=False)],
    force: Annotated[bool, Option("--force", help="Replace --out if it exists.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A blind copy for another coder: transcripts and codebook, without any coding."""
    from ..merge import replicate as make_copy

    conn = open_db(db)
    report = make_copy(conn, out, coder, force=force)
    if as_json:
        print_json(report.as_json())
        return
    stdout.print(
        f"Blind copy for {report.coder} written to {report.out}: {report.transcripts} transcripts, "
        f"{report.segments} segments, {report.codes} codes, no codings",
        markup=False,
    )
    info(f"Next: focuscode review --coder {report.coder} --uncoded --db {report.out}, then 'focuscode merge {report.out}' here")


def _fmt(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "–"
    return f"{x:.1f}%" if pct else f"{x:.3f}"


def agreement(
    coder: Annotated[List[str], Option("--coder", metavar="NAME", help="A coder to compare (repeat: two or more).", show_default=False)],
    disagreements: Annotated[bool, Option("--disagreements", help="List the segments where the coders differ.")] = False,
    themes: Annotated[bool, Option("--themes", help="Compare themes: every code counts as its top-level theme.")] = False,
    unit: Annotated[str, Option("--unit", choices="focuscode.agreement_passages:UNITS", help="turn: do the coders give a turn the same codes; character: do they mark the same words of it (passages).")] = "turn",
    as_csv: Annotated[bool, Option("--csv", help="Print CSV instead of a table.")] = False,
    bootstrap: Annotated[int, Option("--bootstrap", metavar="K", help="95% interval for each alpha from K resamplings of the segments.")] = 0,
    seed: Annotated[int, Option("--seed", help="Seed for --bootstrap.")] = 0,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha (with a bootstrap interval), per code and overall.

    --coder rules or --coder model compares the suggestions of that method as if it were a coder.
    --unit character compares the coded passages character by character (README: Agreement on passages)."""
    from ..agreement import compute
    from ..errors import UsageError

    if as_csv and as_json:
        raise UsageError("choose --json or --csv, not both")
    if unit == "character":
        for flag, given in (("--disagreements", disagreements), ("--bootstrap", bootstrap)):
            if given:
                raise UsageError(f"{flag} works with --unit turn only")
        _passage_agreement(open_db(db), coder, themes=themes, as_json=as_json, as_csv=as_csv)
        return
    conn = open_db(db)
    report = compute(conn, coder, themes=themes, with_disagreements=disagreements, bootstrap=bootstrap, seed=seed)
    if as_json:
        print_json(report.as_json(disagreements=disagreements))
        return
    if as_csv:
        from ..export.safe import csv_row

        writer = csv.writer(sys.stdout, lineterminator="\n")
        if disagreements:
            writer.writerow(["segment", "transcript", "turn", "role", "sector", *report.coders, "text"])
            for d in report.disagreements:
                codes = ["" if d["codes"][c] is None else ";".join(d["codes"][c]) or "-" for c in report.coders]
                writer.writerow(csv_row([d["segment"], d["transcript"], d["ordinal"], d["role"], d["sector"], *codes, d["text"]]))
            return
        writer.writerow(["code", "n", "percent", "kappa", "alpha", "alpha_low", "alpha_high", "verdict",
                         *[f"used_{c}" for c in report.coders]])
        for f in [report.overall, *report.per_code]:
            ci = f.alpha_ci or (None, None)
            writer.writerow(csv_row([f.code, f.n, *("" if v is None else round(v, 4) for v in (f.percent, f.kappa, f.alpha, *ci)),
                                     f.verdict, *[f.used.get(c, "") for c in report.coders]]))
        return
    from rich.table import Table

    looked = ", ".join(f"{c} {n}" for c, n in report.looked_at.items())
    stdout.print(f"Agreement between {', '.join(report.coders)} on N = {report.n} segments looked at by at least two "
                 f"(looked at: {looked}); double-coded: {report.n} of {report.units_total} participant turns", markup=False)
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("code")
    for col in ("N", "agree", "kappa" if len(report.coders) == 2 else "kappa (2 only)", "alpha"):
        table.add_column(col, justify="right")
    if report.bootstrap:
        table.add_column("95% CI", justify="right")
    table.add_column("oordeel")
    for c in report.coders:
        table.add_column(c, justify="right")
    for f in [report.overall, *report.per_code]:
        ci = [f"{_fmt(f.alpha_ci[0])}-{_fmt(f.alpha_ci[1])}" if f.alpha_ci else "–"] if report.bootstrap else []
        table.add_row(f.code, str(f.n), _fmt(f.percent, True), _fmt(f.kappa), _fmt(f.alpha), *ci, f.verdict.split(" (")[0],
                      *[str(f.used.get(c, "")) for c in report.coders], style="bold" if f is report.overall else None)
    stdout.print(table)
    stdout.print("overall = same set of codes on the segment; per code = code present or not; – = undefined "
                 "(no variation); coder columns = segments given the code; oordeel: alpha >= 0.800 voldoende, "
                 "0.667-0.800 voorlopig", style="dim", markup=False)
    if report.bootstrap:
        stdout.print(f"95% CI: percentiles of alpha over {report.bootstrap['replicates']} resamplings of the segments "
                     f"(seed {report.bootstrap['seed']})", style="dim", markup=False)
    if disagreements:
        _print_disagreements(report)


def _passage_agreement(conn, coders, *, themes: bool, as_json: bool, as_csv: bool) -> None:
    from ..agreement_passages import compute_passages

    report = compute_passages(conn, coders, themes=themes)
    if as_json:
        print_json(report.as_json())
        return
    rows = [report.overall, *report.per_code]
    if as_csv:
        from ..export.safe import csv_row

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["code", "turns", "characters", "percent", "kappa", "alpha", "jaccard", "dice", "verdict",
                         *[f"coded_{c}" for c in report.coders]])
        for o in rows:
            f = o.figures
            writer.writerow(csv_row([f.code, o.turns, f.n, *("" if v is None else round(v, 4) for v in
                                                             (f.percent, f.kappa, f.alpha, o.jaccard, o.dice)),
                                     f.verdict, *[f.used.get(c, "") for c in report.coders]]))
        return
    from rich.table import Table

    stdout.print(f"Passage agreement between {', '.join(report.coders)}, character by character, over the "
                 f"{report.turns} turn{'s' if report.turns != 1 else ''} looked at by at least two ({report.characters:,} characters)", markup=False)
    # Ten columns in 80: figures never fold or get cut (no_wrap, their widest value as minimum),
    # the code and the verdict wrap at word boundaries instead.
    table = Table(show_edge=False, pad_edge=False, padding=(0, 0, 0, 1), box=None, header_style="bold")
    table.add_column("code", min_width=12, overflow="fold")
    for col, widest in (("turns", 5), ("agree", 6), ("kappa" if len(report.coders) == 2 else "kappa (2 only)", 6),
                        ("alpha", 6), ("jaccard", 7), ("dice", 5)):
        table.add_column(col, justify="right", no_wrap=True, min_width=widest)
    table.add_column("oordeel", min_width=11, overflow="fold")
    for c in report.coders:  # the coder's name may wrap, the count it heads may not
        widest = max((len(str(o.figures.used.get(c, ""))) for o in rows), default=1)
        table.add_column(c, justify="right", min_width=max(4, widest), overflow="fold")
    for o in rows:
        f = o.figures
        table.add_row(f.code, str(o.turns), _fmt(f.percent, True), _fmt(f.kappa), _fmt(f.alpha), _fmt(o.jaccard),
                      _fmt(o.dice), f.verdict.split(" (")[0], *[str(f.used.get(c, "")) for c in report.coders],
                      style="bold" if o is report.overall else None)
    stdout.print(table)
    stdout.print("unit = one character of a compared turn; a whole-turn coding covers every character; turns = "
                 "turns where some coder applied the code; jaccard, dice = overlap of the coded characters; "
                 "coder columns = characters coded; – = undefined", style="dim", markup=False)


def _print_disagreements(report) -> None:
    from ..export.safe import terminal_safe

    stdout.print(f"\n{len(report.disagreements)} segments where the coders differ", markup=False)
    for d in report.disagreements:
        who = f"{d['speaker']} ({d['role'] or '?'}{', ' + d['sector'] if d['sector'] else ''})"
        stdout.print(terminal_safe(f"\n#{d['segment']} {d['transcript']}:{d['ordinal']} {who}"), markup=False, style="bold")
        stdout.print(terminal_safe(f"  {d['text']}"), markup=False)
        for c in report.coders:
            codes = d["codes"][c]
            shown = "(not looked at)" if codes is None else (", ".join(codes) or "(no code)")
            stdout.print(terminal_safe(f"  {c}: {shown}"), markup=False)


def register(app: FocuscodeGroup) -> None:
    app.command()(merge)
    app.command()(replicate)
    app.command()(agreement)
