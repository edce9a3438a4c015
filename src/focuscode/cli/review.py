"""review: the full-screen coding loop."""

import sys
from typing import Annotated, Optional

from .common import CoderOption, DbOption, FocuscodeGroup, JsonOption, info, open_db, print_json
from .declare import Option


def review(
    coder: CoderOption = None,
    uncoded: Annotated[bool, Option("--uncoded", help="Segments you have not coded yet, not only those with suggestions.")] = False,
    all_: Annotated[bool, Option("--all", help="Every segment you have not finished yet.")] = False,
    code: Annotated[Optional[str], Option("--code", help="Only segments suggested or coded with this code (a theme includes its subcodes).")] = None,
    transcript: Annotated[Optional[str], Option("--transcript", help="Only this transcript (by name).")] = None,
    role: Annotated[Optional[str], Option("--role", help="Only this speaker role.")] = None,
    sector: Annotated[Optional[str], Option("--sector", help="A sector the study declares.")] = None,
    random_order: Annotated[bool, Option("--random", help="Shuffle the segments (with --seed for a fixed order).")] = False,
    seed: Annotated[Optional[int], Option("--seed", help="Seed for --random.")] = None,
    revisit: Annotated[bool, Option("--revisit", help="Also show segments you finished before.")] = False,
    include_facilitator: Annotated[bool, Option("--include-facilitator", help="Also the facilitator's turns.")] = False,
    all_suggestions: Annotated[bool, Option("--all-suggestions", help="Also suggestions below the project's threshold.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Walk through segments by keyboard: accept, reject, add codes, memos, undo. Resumes where you left off.

    Keys: a accept, r reject, 1-9 pick a suggestion, c add a code (type part of its
    name), x remove a code, m memo, Enter done, s skip, b back, u undo, v whole
    text, ? help, q quit. By sentence: ] and [ (or j and k) select the next or
    previous sentence, } and { (J, K) extend the selection, e selects the marked
    suggestion's sentence, Esc goes back to the whole turn; a, A, c and x then act
    on the selected sentences. Every key is saved at once; without a terminal the
    keys are read from stdin.
    """
    from rich.console import Console

    from ..errors import UsageError
    from ..review import ReviewFilter
    from .review_ui import run_review, terminal_keys
    from .coding import coder_or_default

    if uncoded and all_:
        raise UsageError("choose --uncoded or --all, not both")
    if seed is not None and not random_order:
        raise UsageError("--seed goes with --random")
    conn = open_db(db)
    who = coder_or_default(conn, coder)
    mode = "uncoded" if uncoded else "all" if all_ else "pending"
    f = ReviewFilter(mode=mode, code=code, transcript=transcript, role=role, sector=sector, random=random_order,
                     seed=seed, revisit=revisit, include_facilitator=include_facilitator,
                     all_suggestions=all_suggestions)
    # The screen goes to the terminal even when --json sends the summary to stdout.
    console = Console(highlight=False, markup=False, file=sys.stderr if as_json else sys.stdout)
    with terminal_keys() as keys:
        if console.is_terminal:
            with console.screen():
                summary = run_review(conn, who, keys=keys, console=console, f=f)
        else:
            summary = run_review(conn, who, keys=keys, console=console, f=f)
    if as_json:
        print_json(summary.as_json())
        return
    actions = ", ".join(f"{n} {k}" for k, n in sorted(summary.actions.items())) or "no actions"
    info(f"{summary.coder}: {actions}; {summary.finished} segments finished, {summary.left} left in this review"
         + (" (interrupted; everything up to the last key is saved)" if summary.interrupted else ""))
    if not summary.queued:
        info("Nothing to review here: no pending suggestions or unfinished segments for this filter "
             "(try --uncoded or --all).")


def register(app: FocuscodeGroup) -> None:
    app.command()(review)
