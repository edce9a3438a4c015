"""Theme summaries: counts per theme and representative, attributed quotes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..codes import require_codebook
from ..errors import FocuscodeError
from .attribution import attribution
from .quotes import pick_quotes

LABELS = {
    "nl": {
        "title": "Samenvatting per thema",
        "segments": "Fragmenten",
        "participants": "Deelnemers",
        "sessions": "Bronnen",
        "by_sector": "Per sector",
        "by_role": "Per rol",
        "quotes": "Representatieve citaten",
        "no_quotes": "Geen citaten die aan de criteria voldoen.",
        "subcodes": "Subcodes",
        "generated": "Gemaakt met focuscode op",
        "basis": "Op basis van geaccepteerde coderingen",
        "suggested": "inclusief suggesties",
        "coder": "codeur",
    },
    "en": {
        "title": "Summary per theme",
        "segments": "Segments",
        "participants": "Participants",
        "sessions": "Sources",
        "by_sector": "By sector",
        "by_role": "By role",
        "quotes": "Representative quotes",
        "no_quotes": "No quotes meet the criteria.",
        "subcodes": "Subcodes",
        "generated": "Made with focuscode on",
        "basis": "Based on accepted codings",
        "suggested": "including suggestions",
        "coder": "coder",
    },
}


@dataclass
class SummaryOptions:
    per_theme: int = 5
    coder: str | None = None
    code: str | None = None
    sector: str | None = None
    source: str | None = None
    include_suggested: bool = False
    min_words: int = 15
    max_words: int = 80
    lang: str = "nl"


@dataclass
class ThemeSummary:
    name: str
    description: str
    segments: int
    participants: int
    sessions: int
    by_sector: dict[str, int]
    by_role: dict[str, int]
    subcodes: list[dict] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)


def _coded_rows(db, opts: SummaryOptions) -> list[dict]:
    statuses = ("accepted", "suggested") if opts.include_suggested else ("accepted",)
    sql = f"""
    SELECT s.id, s.text, s.transcript_id, s.participant_id, t.source, t.name AS transcript,
           p.role, p.sector, p.label, c.code_id, c.score, c.span_start, c.span_end, c.status
    FROM codings c
    JOIN segments s ON s.id = c.segment_id
    JOIN transcripts t ON t.id = s.transcript_id
    LEFT JOIN participants p ON p.id = s.participant_id
    WHERE c.status IN ({','.join('?' * len(statuses))}) AND COALESCE(p.is_facilitator, 0) = 0
    """
    params: list = list(statuses)
    if opts.coder:
        sql += " AND (c.coder = ? OR c.coder IS NULL)"
        params.append(opts.coder)
    if opts.sector:
        sql += " AND p.sector = ?"
        params.append(opts.sector)
    if opts.source:
        sql += " AND t.source = ?"
        params.append(opts.source)
    return [dict(r) for r in db.query(sql + " ORDER BY s.id", params)]


def build_summary(db, opts: SummaryOptions) -> list[ThemeSummary]:
    if opts.lang not in LABELS:
        raise FocuscodeError(f"--lang must be nl or en, not '{opts.lang}'")
    if opts.coder and not db.execute("SELECT 1 FROM codings WHERE coder = ? LIMIT 1", [opts.coder]).fetchone():
        raise FocuscodeError(f"no codings by coder '{opts.coder}'")
    book = require_codebook(db)
    ids = {r[1]: r[0] for r in db.execute("SELECT id, name FROM codes")}
    rows = _coded_rows(db, opts)
    themes = book.codes
    if opts.code:
        by_name = book.by_name()
        if opts.code not in by_name:
            raise FocuscodeError(f"unknown code '{opts.code}'; see 'focuscode codebook show'")
        themes = [by_name[opts.code]]
    out = []
    for theme in themes:
        members = {ids[c.name] for c in theme.walk() if c.name in ids}
        theme_rows = [r for r in rows if r["code_id"] in members]
        summary = _summarise(theme.name, theme.description, theme_rows)
        for child in theme.children:
            child_ids = {ids[c.name] for c in child.walk() if c.name in ids}
            child_rows = [r for r in theme_rows if r["code_id"] in child_ids]
            summary.subcodes.append({"name": child.name, "segments": len({r["id"] for r in child_rows})})
        summary.quotes = _quotes(theme_rows, opts)
        out.append(summary)
    return out


def _summarise(name: str, description: str, rows: list[dict]) -> ThemeSummary:
    segs: dict[int, dict] = {}
    for r in rows:
        segs.setdefault(r["id"], r)
    by_sector: dict[str, int] = {}
    by_role: dict[str, int] = {}
    for r in segs.values():
        by_sector[r["sector"] or "?"] = by_sector.get(r["sector"] or "?", 0) + 1
        by_role[r["role"] or "?"] = by_role.get(r["role"] or "?", 0) + 1
    return ThemeSummary(
        name=name,
        description=description,
        segments=len(segs),
        participants=len({(r["transcript_id"], r["participant_id"]) for r in segs.values()}),
        sessions=len({r["transcript_id"] for r in segs.values()}),
        by_sector=dict(sorted(by_sector.items())),
        by_role=dict(sorted(by_role.items())),
    )


def _quotes(rows: list[dict], opts: SummaryOptions) -> list[dict]:
    best: dict[int, dict] = {}
    for r in rows:
        score = r["score"] if r["score"] is not None else 0.5
        if r["status"] == "accepted":
            score += 1.0  # a coder's decision outranks any suggestion
        if r["id"] not in best or score > best[r["id"]]["score"]:
            best[r["id"]] = {
                "id": r["id"],
                "text": r["text"],
                "participant_key": (r["transcript_id"], r["participant_id"] or r["label"]),
                "sector": r["sector"],
                "source": r["source"],
                "role": r["role"],
                "score": score,
                "span": (r["span_start"], r["span_end"]) if r["span_start"] is not None else None,
            }
    chosen = pick_quotes(list(best.values()), opts.per_theme, min_words=opts.min_words, max_words=opts.max_words)
    return [
        {
            "segment_id": c["id"],
            "text": c["quote"],
            "attribution": attribution(c["role"], c["sector"], c["source"], opts.lang),
            "role": c["role"],
            "sector": c["sector"],
            "source": c["source"],
        }
        for c in chosen
    ]


def render_markdown(themes: list[ThemeSummary], opts: SummaryOptions) -> str:
    L = LABELS[opts.lang]
    lines = [f"# {L['title']}", ""]
    basis = L["basis"] + (f" ({L['suggested']})" if opts.include_suggested else "")
    if opts.coder:
        basis += f", {L['coder']} {opts.coder}"
    lines += [f"_{basis}. {L['generated']} {dt.date.today().isoformat()}._", ""]
    for t in themes:
        lines += [f"## {t.name}", ""]
        if t.description:
            lines += [t.description, ""]
        lines += [
            f"| {L['segments']} | {L['participants']} | {L['sessions']} | {L['by_sector']} | {L['by_role']} |",
            "|---:|---:|---:|---|---|",
            f"| {t.segments} | {t.participants} | {t.sessions} | "
            + ", ".join(f"{k}: {v}" for k, v in t.by_sector.items())
            + " | "
            + ", ".join(f"{k}: {v}" for k, v in t.by_role.items())
            + " |",
            "",
        ]
        if t.subcodes:
            lines += [f"**{L['subcodes']}:** " + "; ".join(f"{s['name']} ({s['segments']})" for s in t.subcodes), ""]
        lines += [f"### {L['quotes']}", ""]
        if not t.quotes:
            lines += [f"_{L['no_quotes']}_", ""]
        for q in t.quotes:
            lines += [f"> \"{q['text']}\" {q['attribution']}", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_summary(db, opts: SummaryOptions, out_dir: str | Path, fmt: str = "md") -> Path:
    if fmt != "md":
        raise FocuscodeError(f"unknown summary format '{fmt}'")
    themes = build_summary(db, opts)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"samenvatting.{fmt}" if opts.lang == "nl" else out / f"summary.{fmt}"
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_text(render_markdown(themes, opts), encoding="utf-8")
    tmp.replace(target)
    return target
