"""Theme summaries: counts per theme and subcode, and representative, attributed quotes.

All coded rows come from one query; everything else is computed in memory, so
a summary of a large project costs one pass over its codings.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from operator import itemgetter

from ..codes import require_codebook
from ..errors import FocuscodeError, UnknownCodeError, UnknownCoderError, UsageError
from . import paused_gc
from .quotes import best_window, centroid_weighted, idf_table, lemma_counts, pick_quotes, profile, vector_basis, weigh


LABELS = {
    "nl": {
        "title": "Samenvatting per thema",
        "theme": "Thema",
        "code": "Code",
        "segments": "Fragmenten",
        "participants": "Deelnemers",
        "sessions": "Bronnen",
        "by_sector": "Per sector",
        "by_role": "Per rol",
        "by_source": "Per soort bron",
        "quotes": "Representatieve citaten",
        "quote": "Citaat",
        "no_quotes": "Geen citaten die aan de criteria voldoen.",
        "subcodes": "Subcodes",
        "generated": "Gemaakt met focuscode op",
        "basis": "Op basis van geaccepteerde coderingen",
        "suggested": "inclusief suggesties",
        "coder": "codeur",
        "pooled": "codeurs {names} samengenomen",
        "and": "en",
        "method": "Citaten: hele zinnen van {min}-{max} woorden, gekozen op centraliteit binnen het thema ({basis}), "
                  "nooit twee van dezelfde deelnemer, sectoren en bronnen zo gelijk mogelijk verdeeld.",
        "filters": "Filter",
        "centrality": "Centraliteit",
        "attribution": "Toeschrijving",
        "role": "Rol",
        "sector": "Sector",
        "source": "Bron",
        "rank": "Nr",
        "kind": "Soort",
        "sheet_themes": "Thema's",
        "sheet_quotes": "Citaten",
    },
    "en": {
        "title": "Summary per theme",
        "theme": "Theme",
        "code": "Code",
        "segments": "Segments",
        "participants": "Participants",
        "sessions": "Sources",
        "by_sector": "By sector",
        "by_role": "By role",
        "by_source": "By kind of source",
        "quotes": "Representative quotes",
        "quote": "Quote",
        "no_quotes": "No quotes meet the criteria.",
        "subcodes": "Subcodes",
        "generated": "Made with focuscode on",
        "basis": "Based on accepted codings",
        "suggested": "including suggestions",
        "coder": "coder",
        "pooled": "coders {names} pooled",
        "and": "and",
        "method": "Quotes: whole sentences of {min}-{max} words, chosen by centrality within the theme ({basis}), "
                  "never two from the same participant, sectors and sources balanced as far as the data allow.",
        "filters": "Filter",
        "centrality": "Centrality",
        "attribution": "Attribution",
        "role": "Role",
        "sector": "Sector",
        "source": "Source",
        "rank": "No",
        "kind": "Kind",
        "sheet_themes": "Themes",
        "sheet_quotes": "Quotes",
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
    # Whose accepted codings the summary counts; filled in by write_summary so that
    # the summary says so, and says when several coders' work is pooled.
    coders: tuple[str, ...] = ()
    # The study's vocabulary (vocabulary.Vocabulary): sector columns, labels, attributions.
    # Filled in from the project by build_summary and write_summary.
    vocabulary: object = None


@dataclass
class CodeSummary:
    name: str
    description: str
    segments: int
    participants: int
    sessions: int
    by_sector: dict[str, int]
    by_role: dict[str, int]
    by_source: dict[str, int]
    subcodes: list["CodeSummary"] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


ThemeSummary = CodeSummary  # the name older callers use


def _check(db, opts: SummaryOptions) -> None:
    if opts.lang not in LABELS:
        raise UsageError(f"--lang must be nl or en, not '{opts.lang}'")
    if opts.per_theme < 0:
        raise UsageError("--per-theme must be 0 or more")
    if not 1 <= opts.min_words <= opts.max_words:
        raise UsageError(f"quote length {opts.min_words}-{opts.max_words} words is not a range")
    if opts.sector:
        study_of(opts).check_sector(opts.sector, "--sector")
    if opts.coder and not db.execute("SELECT 1 FROM codings WHERE coder = ? LIMIT 1", [opts.coder]).fetchone():
        raise UnknownCoderError(f"no codings by coder '{opts.coder}'")
    if opts.source and not db.execute("SELECT 1 FROM transcripts WHERE source = ? LIMIT 1", [opts.source]).fetchone():
        raise FocuscodeError(f"no transcripts with source '{opts.source}'")


def _coded_rows(db, opts: SummaryOptions) -> list[dict]:
    """One dict per coded segment and code in scope (segment fields, code_id, status), by segment id.

    Two queries instead of one join: the codings, then each coded segment once. The
    join copied a segment's text into every one of its codings' rows, which at study
    scale (two coders, so two or more codings per segment) was most of the time.
    """
    statuses = ("accepted", "suggested") if opts.include_suggested else ("accepted",)
    coding_where = f"c.status IN ({','.join('?' * len(statuses))})"
    coding_params: list = list(statuses)
    if opts.coder:
        coding_where += " AND (c.coder = ? OR c.coder IS NULL)"
        coding_params.append(opts.coder)
    segment_sql = f"""
    SELECT s.id, s.text, s.transcript_id, s.participant_id, t.source, p.role, p.sector
    FROM segments s
    JOIN transcripts t ON t.id = s.transcript_id
    LEFT JOIN participants p ON p.id = s.participant_id
    WHERE s.id IN (SELECT c.segment_id FROM codings c WHERE {coding_where})
      AND COALESCE(p.is_facilitator, 0) = 0
    """
    segment_params = list(coding_params)
    if opts.sector:
        segment_sql += " AND p.sector = ?"
        segment_params.append(opts.sector.lower())
    if opts.source:
        segment_sql += " AND t.source = ?"
        segment_params.append(opts.source)
    fields = ("id", "text", "transcript_id", "participant_id", "source", "role", "sector")
    segments = {row[0]: row for row in db.execute(segment_sql, segment_params)}
    rows = []
    # One row per segment and code, however many coders chose it: counts are of segments,
    # and a quote only needs to know whether anyone accepted the code ('accepted' sorts
    # before 'suggested'). With two coders this halves every later pass over the rows.
    for sid, code_id, status in db.execute(
        f"SELECT c.segment_id, c.code_id, MIN(c.status) FROM codings c WHERE {coding_where} "
        "GROUP BY c.segment_id, c.code_id ORDER BY c.segment_id, c.code_id",
        coding_params,
    ):
        seg = segments.get(sid)
        if seg is not None:
            row = dict(zip(fields, seg))
            row["code_id"] = code_id
            row["status"] = status
            rows.append(row)
    return rows


def study_of(opts: SummaryOptions):
    """The vocabulary a summary is built and rendered with (the default study's if unset)."""
    from ..vocabulary import default

    return opts.vocabulary or default()


def build_summary(db, opts: SummaryOptions) -> list[CodeSummary]:
    from ..vocabulary import current

    if opts.vocabulary is None:
        opts = replace(opts, vocabulary=current(db))
    with paused_gc():
        return _build_summary(db, opts)


def _build_summary(db, opts: SummaryOptions) -> list[CodeSummary]:
    _check(db, opts)
    book = require_codebook(db)
    ids = {r[1]: r[0] for r in db.execute("SELECT id, name FROM codes")}
    rows = _coded_rows(db, opts)
    themes = book.codes
    if opts.code:
        by_name = book.by_name()
        if opts.code not in by_name:
            raise UnknownCodeError(f"unknown code '{opts.code}'; see 'focuscode codebook show'")
        themes = [by_name[opts.code]]
    by_code: dict[int, list[dict]] = {}
    for r in rows:
        by_code.setdefault(r["code_id"], []).append(r)
    # IDF over every coded segment in scope: words common to all themes weigh little.
    texts: dict[int, str] = {r["id"]: r["text"] for r in rows}
    counts = {sid: lemma_counts(text) for sid, text in texts.items()}
    profiles: dict = {}  # sentence profiles, made only for shortlisted segments
    idf = idf_table(list(counts.values()))
    weighted = {sid: weigh(c, idf) for sid, c in counts.items()}
    out = []
    for theme in themes:
        theme_rows = [r for c in theme.walk() if c.name in ids for r in by_code.get(ids[c.name], [])]
        summary = _summarise(theme.name, theme.description, theme_rows)
        for child in theme.children:
            child_rows = [r for c in child.walk() if c.name in ids for r in by_code.get(ids[c.name], [])]
            summary.subcodes.append(_summarise(child.name, child.description, child_rows))
        summary.quotes = _quotes(theme_rows, weighted, profiles, idf, opts, {ids[c.name]: c.name for c in theme.walk() if c.name in ids})
        out.append(summary)
    return out


def _count(values) -> Counter:
    """Counter of values with empty ones (None, "") counted as "?"."""
    counts = Counter(values)
    for empty in (None, ""):
        if empty in counts:
            counts["?"] += counts.pop(empty)
    return counts


def _summarise(name: str, description: str, rows: list[dict]) -> CodeSummary:
    # map/itemgetter passes instead of generator expressions: a theme of a large study has
    # tens of thousands of segments, and every dictionary below is sorted, so the order
    # of counting does not show.
    segs = list({r["id"]: r for r in rows}.values())  # one row per segment: all carry its fields
    by_sector = _count(map(itemgetter("sector"), segs))
    by_role = _count(map(itemgetter("role"), segs))
    by_source: Counter = Counter(map(itemgetter("source"), segs))
    transcripts = list(map(itemgetter("transcript_id"), segs))
    return CodeSummary(
        name=name,
        description=description,
        segments=len(segs),
        participants=len({pair for pair in zip(transcripts, map(itemgetter("participant_id"), segs)) if pair[1]}),
        sessions=len(set(transcripts)),
        by_sector=dict(sorted(by_sector.items())),
        by_role=dict(sorted(by_role.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_source=dict(sorted(by_source.items())),
    )


# Windows are searched only in each sector/source group's most central segments: quotes
# come from the top anyway, and a theme with 20,000 segments stays quick.
SHORTLIST = 60


def _quotes(rows: list[dict], weighted: dict, profiles: dict, idf: dict, opts: SummaryOptions, names: dict[int, str]) -> list[dict]:
    if not rows or opts.per_theme == 0:
        return []
    segs: dict[int, dict] = {}
    codes_of: dict[int, set] = {}
    accepted: set = set()
    for r in rows:
        segs.setdefault(r["id"], r)
        codes_of.setdefault(r["id"], set()).add(names.get(r["code_id"], "?"))
        if r["status"] == "accepted":
            accepted.add(r["id"])
    center = centroid_weighted([weighted[sid] for sid in segs], idf)
    groups: dict[tuple, list] = {}
    for sid, r in segs.items():
        groups.setdefault((r["sector"] or "", r["source"]), []).append((-center.cosine_weighted(weighted[sid]), sid))
    keep = max(SHORTLIST, 10 * opts.per_theme)
    shortlist = sorted(sid for group in groups.values() for _score, sid in sorted(group)[:keep])
    candidates = []
    for sid in shortlist:
        r = segs[sid]
        if sid not in profiles:
            profiles[sid] = profile(r["text"])
        found = best_window(profiles[sid], center, opts.min_words, opts.max_words)
        if found is None:
            continue
        window, score = found
        candidates.append({
            "id": sid,
            "quote": window.text,
            "words": window.words,
            "centrality": round(score, 4),
            "participant_key": (r["transcript_id"], r["participant_id"]) if r["participant_id"] else ("segment", sid),
            "sector": r["sector"],
            "source": r["source"],
            "role": r["role"],
            "status": "accepted" if sid in accepted else "suggested",
            "codes": sorted(codes_of[sid]),
        })
    chosen = pick_quotes(candidates, opts.per_theme)
    return [
        {
            "segment_id": c["id"],
            "text": c["quote"],
            "words": c["words"],
            "attribution": study_of(opts).attribution(c["role"], c["sector"], c["source"], opts.lang),
            "role": c["role"],
            "sector": c["sector"],
            "source": c["source"],
            "centrality": c["centrality"],
            "status": c["status"],
            "codes": c["codes"],
        }
        for c in chosen
    ]


def basis_line(opts: SummaryOptions) -> str:
    L = LABELS[opts.lang]
    basis = L["basis"] + (f" ({L['suggested']})" if opts.include_suggested else "")
    if opts.coder:
        basis += f", {L['coder']} {opts.coder}"
    elif len(opts.coders) == 1:
        basis += f", {L['coder']} {opts.coders[0]}"
    elif opts.coders:
        names = ", ".join(opts.coders[:-1]) + f" {L['and']} {opts.coders[-1]}"
        basis += ", " + L["pooled"].format(names=names)
    filters = [f"{k} {v}" for k, v in (("code", opts.code), ("sector", opts.sector), ("bron" if opts.lang == "nl" else "source", opts.source)) if v]
    if filters:
        basis += f"; {L['filters'].lower()}: " + ", ".join(filters)
    return f"{basis}. {L['generated']} {dt.date.today().isoformat()}."


def method_line(opts: SummaryOptions) -> str:
    return LABELS[opts.lang]["method"].format(min=opts.min_words, max=opts.max_words, basis=vector_basis(opts.lang))
