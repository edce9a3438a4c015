"""code, uncode and memo: a coder's decisions and notes from the command line."""

from pathlib import Path
from typing import Annotated, Optional

from .common import CoderOption, DbOption, FocuscodeGroup, JsonOption, for_user, open_db, print_json, stdout
from .declare import Argument, Option
from .gateopts import AllowPiiOption, NamesOption, make_gate, warn

IdsOption = Annotated[Optional[str], Option("--ids", help="Segment ids like 4,7,9-12 (instead of the SEGMENT argument).")]
FromFileOption = Annotated[
    Optional[Path],
    Option("--from-file", help="CSV of segment,code[,memo]; segment is an id or transcript:turn. With a header row, "
                               "optional quote, span or sentence columns name a passage."),
]
QuoteOption = Annotated[Optional[str], Option("--quote", help="Only the passage where these exact words stand in the turn.")]
SpanOption = Annotated[Optional[str], Option("--span", help="Only the passage START:END (characters of the turn, end exclusive).")]
SentenceOption = Annotated[Optional[str], Option("--sentence", help="Only sentence N of the turn, or sentences N-M (from 1).")]
SegmentArg = Annotated[Optional[str], Argument(help="Segment id, or ids like 4,7,9-12.", show_default=False)]
CodeArg = Annotated[Optional[str], Argument(metavar="CODE", help="Code name from the codebook.", show_default=False)]


def coder_or_default(conn, coder: str | None) -> str:
    """The --coder given, else the coder a `replicate` copy was made for."""
    from ..db import get_setting

    return (coder or "").strip() or (get_setting(conn, "coder") or "")


def _run(uncode: bool, segment, code_name, ids, from_file, coder, db, as_json: bool, names=None, allow_pii=False,
         passage: dict | None = None) -> None:
    from ..coding import code_from_file, code_passage, code_segments, segment_ids, uncode_segments
    from ..errors import UsageError

    passage = {k: v for k, v in (passage or {}).items() if v not in (None, "")}
    if passage and (from_file is not None or ids is not None):
        raise UsageError(f"--{next(iter(passage))} takes one SEGMENT, not --ids or --from-file (use its quote/span columns)")

    if from_file is not None:
        if segment or code_name or ids:
            raise UsageError("--from-file takes no SEGMENT, CODE or --ids; the file holds them")
        conn = open_db(db)
        gate = make_gate(names, allow_pii)  # the file's memo column passes the privacy check
        result = code_from_file(conn, from_file, coder_or_default(conn, coder), uncode=uncode, gate=gate)
        changes, memos, memos_kept = result.changes, result.memos, result.memos_unchanged
        warn(gate, result.warnings, "memos stored")
    else:
        if ids is not None:
            if code_name is not None:
                raise UsageError("give the segments either as SEGMENT or as --ids, not both")
            segment, code_name = ids, segment
        if not segment or not code_name:
            raise UsageError("give SEGMENT CODE, --ids IDS CODE, or --from-file FILE")
        conn = open_db(db)
        if passage:
            ids_given = segment_ids(conn, segment)
            if len(ids_given) != 1:
                raise UsageError(f"--{next(iter(passage))} takes one SEGMENT, not {len(ids_given)}")
            changes = [code_passage(conn, ids_given[0], code_name, coder_or_default(conn, coder), uncode=uncode, **passage)]
        else:
            action = uncode_segments if uncode else code_segments
            changes = action(conn, segment_ids(conn, segment), code_name, coder_or_default(conn, coder))
        memos = memos_kept = 0
    if as_json:
        print_json([{**c.as_json(), "note": for_user(c.note)} for c in changes])
        return
    for c in changes:
        where = f" (passage {c.span[0]}:{c.span[1]})" if c.span else ""
        stdout.print(f"segment {c.segment_id}{where}: {c.code} {c.action} ({c.coder})"
                     + (f": {for_user(c.note)}" if c.note else ""), markup=False)
    if memos or memos_kept:
        stdout.print(f"{memos} memos added" + (f", {memos_kept} already there" if memos_kept else ""), markup=False)


def code(
    segment: SegmentArg = None,
    code_name: CodeArg = None,
    ids: IdsOption = None,
    from_file: FromFileOption = None,
    quote: QuoteOption = None,
    span: SpanOption = None,
    sentence: SentenceOption = None,
    coder: CoderOption = None,
    names: NamesOption = None,
    allow_pii: AllowPiiOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Apply a code to segments (accepting a pending suggestion keeps its evidence).

    With --quote, --span or --sentence the code goes on that passage of the one SEGMENT
    given; one coder may code several passages of a turn with the same code."""
    _run(False, segment, code_name, ids, from_file, coder, db, as_json, names, allow_pii,
         {"quote": quote, "span": span, "sentence": sentence})


def uncode(
    segment: SegmentArg = None,
    code_name: CodeArg = None,
    ids: IdsOption = None,
    from_file: FromFileOption = None,
    quote: QuoteOption = None,
    span: SpanOption = None,
    sentence: SentenceOption = None,
    coder: CoderOption = None,
    names: NamesOption = None,
    allow_pii: AllowPiiOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Take a code off segments, or reject a pending suggestion (recorded as a rejection, so it is not suggested again).

    Without a passage the turn loses the code, every coded passage of it too; with
    --quote, --span or --sentence only that passage does."""
    _run(True, segment, code_name, ids, from_file, coder, db, as_json, names, allow_pii,
         {"quote": quote, "span": span, "sentence": sentence})


def memo(
    text: Annotated[Optional[str], Argument(help="The memo text (Dutch is fine). Leave out with --list.", show_default=False)] = None,
    segment: Annotated[Optional[int], Option("--segment", help="About this segment id.")] = None,
    code_name: Annotated[Optional[str], Option("--code", help="About this code.")] = None,
    transcript: Annotated[Optional[str], Option("--transcript", help="About this transcript (by name).")] = None,
    list_: Annotated[bool, Option("--list", help="List memos instead of adding one.")] = False,
    target: Annotated[Optional[str], Option("--target", choices="focuscode.memos:TARGETS", help="With --list: only memos about this.")] = None,
    coder: CoderOption = None,
    names: NamesOption = None,
    allow_pii: AllowPiiOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a memo to a segment, a code, a transcript or (with none of these) the project.

    The memo passes the privacy check first (deduce, plus --names): a memo naming a
    participant is not stored."""
    from ..errors import UsageError
    from ..memos import add_memo, list_memos

    conn = open_db(db)
    if list_:
        if text is not None:
            raise UsageError("--list takes no memo text")
        memos = list_memos(conn, target=target, coder=coder)
        if as_json:
            print_json([m.as_json() for m in memos])
            return
        for m in memos:
            about = m.target + (f" {m.about}" if m.about else "")
            stdout.print(f"#{m.id} [{about}] ({m.coder or '-'}, {m.created_at[:10]}): {m.text}", markup=False)
        stdout.print(f"{len(memos)} memos", style="dim")
        return
    if text is None:
        raise UsageError("give the memo text, or --list to see memos")
    gate = make_gate(names, allow_pii)
    added = add_memo(conn, text, coder=coder_or_default(conn, coder) or None, segment_id=segment, code=code_name,
                     transcript=transcript, gate=gate)
    warn(gate, added.warnings, "memo stored")
    if as_json:
        print_json(added.as_json())
        return
    about = added.target + (f" {added.about}" if added.about else "")
    stdout.print(f"memo #{added.id} added to {about}", markup=False)


def register(app: FocuscodeGroup) -> None:
    app.command()(code)
    app.command()(uncode)
    app.command()(memo)
