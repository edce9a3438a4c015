"""segments: list and search coded text."""

from typing import Annotated, Optional

from .common import CoderOption, DbOption, FocuscodeGroup, JsonOption, open_db, print_json, stdout
from .declare import Option


def segments(
    code: Annotated[Optional[str], Option("--code", help="Only segments with this code (a theme includes its subcodes).")] = None,
    role: Annotated[Optional[str], Option("--role", help="Only this speaker role.")] = None,
    sector: Annotated[Optional[str], Option("--sector", help="A sector the study declares.")] = None,
    source: Annotated[Optional[str], Option("--source", help="A source the study declares.")] = None,
    transcript: Annotated[Optional[str], Option("--transcript", help="Only this transcript (by name).")] = None,
    uncoded: Annotated[bool, Option("--uncoded", help="Only segments without an accepted code.")] = False,
    search: Annotated[Optional[str], Option("--search", help="Full-text search (words, diacritics ignored).")] = None,
    coder: CoderOption = None,
    limit: Annotated[Optional[int], Option("--limit", help="At most this many segments.")] = None,
    all_suggestions: Annotated[bool, Option("--all", help="Every stored suggestion, also those below the project's threshold.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List segments with speaker, role, sector, source and codes."""
    from ..export.safe import terminal_safe as safe
    from ..segments import SegmentFilter, list_segments, segment_json

    conn = open_db(db)
    rows = list_segments(
        conn,
        SegmentFilter(code=code, role=role, sector=sector, source=source, transcript=transcript,
                      uncoded=uncoded, search=search, coder=coder, limit=limit, all_suggestions=all_suggestions),
    )
    if as_json:
        print_json([segment_json(r) for r in rows])
        return
    from rich.text import Text

    # Everything from the project (names, labels, text, codes, memos) is shown as text:
    # no rich markup, and no terminal escape sequence reaches the screen.
    for r in rows:
        who = f"{r['speaker']} ({r['role'] or '?'}{', ' + r['sector'] if r['sector'] else ''})"
        stdout.print(Text.assemble((f"#{r['id']}", "bold"), " ", (safe(f"{r['transcript']}:{r['ordinal']}"), "dim"), " ",
                                   safe(who)))
        stdout.print(safe(f"  {r['text']}"), markup=False)
        for c in r["codings"]:
            line = f"  → {c['code']} [{c['status']}, {c['method']}"
            line += f", {c['score']:.2f}" if c["score"] is not None else ""
            line += f", {c['coder']}" if c["coder"] else ""
            line += "]"
            if c["span"] and c["coder"]:
                words = r["text"][c["span"][0]:c["span"][1]]
                line += f" passage {c['span'][0]}:{c['span'][1]} \"{words if len(words) <= 70 else words[:67] + '...'}\""
            if c["evidence"] and c["evidence"].get("matches"):
                line += " evidence: " + ", ".join(
                    f"{m.get('text')}≈{m.get('keyword') or m.get('pattern')}" for m in c["evidence"]["matches"][:4]
                )
            elif c["evidence"] and "closest" in c["evidence"]:
                ev = c["evidence"]
                near = ev["closest"]
                line += f" close to {near['kind']} " + (f"#{near['segment']}" if "segment" in near else f"\"{near.get('text', '')}\"")
                line += ": " + ", ".join(ev.get("shared", []))
            elif c["evidence"] and isinstance(c["evidence"].get("prior"), dict):
                words = [str(w[0]) for w in c["evidence"]["prior"].get("words", [])]
                line += " domain prior, worded like this theme" + (": " + ", ".join(words) if words else "")
            elif c["evidence"] and "model" in c["evidence"]:
                ev = c["evidence"]
                line += f" model {ev['model']} (learned from {ev.get('trained_on', '?')} segments)"
                line += ": " + ", ".join(ev["terms"]) if ev.get("terms") else ""
            stdout.print(safe(line), markup=False)
        for m in r.get("memos", []):
            stdout.print(safe(f"  memo ({m['coder'] or '-'}): {m['text']}"), markup=False)
    stdout.print(f"{len(rows)} segments", style="dim")


def register(app: FocuscodeGroup) -> None:
    app.command()(segments)
