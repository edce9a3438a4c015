"""Theme summaries: counts per theme and subcode, and representative, attributed quotes.

All coded rows come from one query; everything else is computed in memory, so
a summary of a large project costs one pass over its codings.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from itertools import chain, repeat
from operator import floordiv, mod

from ..codes import require_codebook
from ..errors import FocuscodeError, UnknownCodeError, UnknownCoderError, UsageError, setting
from . import paused_gc
from .quotes import idf_table, vector_basis, weigh


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
                  "nooit twee van dezelfde deelnemer, sectoren en bronnen zo gelijk mogelijk verdeeld; "
                  "is een passage gecodeerd, dan uit die passage, aangevuld tot hele zinnen; "
                  "een thema van meer dan {sample} fragmenten wordt geciteerd uit een vaste steekproef van {sample}.",
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
                  "never two from the same participant, sectors and sources balanced as far as the data allow; "
                  "where a passage was coded, from that passage, completed to whole sentences; "
                  "a theme of more than {sample} segments is quoted from a fixed sample of {sample}.",
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
        raise UsageError(f"{setting('lang')} must be nl or en, not '{opts.lang}'")
    if opts.per_theme < 0:
        raise UsageError(f"{setting('per_theme')} must be 0 or more")
    if not 1 <= opts.min_words <= opts.max_words:
        raise UsageError(f"quote length {opts.min_words}-{opts.max_words} words is not a range")
    if opts.sector:
        study_of(opts).check_sector(opts.sector, "--sector")
    if opts.coder and not db.execute("SELECT 1 FROM codings WHERE coder = ? LIMIT 1", [opts.coder]).fetchone():
        raise UnknownCoderError(f"no codings by coder '{opts.coder}'")
    if opts.source and not db.execute("SELECT 1 FROM transcripts WHERE source = ? LIMIT 1", [opts.source]).fetchone():
        raise FocuscodeError(f"no transcripts with source '{opts.source}'")


# Each segment's sector and source as one string (its group), its role, and its speaker as
# one number (transcript * SPEAKERS + participant, 0 for none), made by SQLite: counting them
# is a C-level pass per code summary (tuples built per segment were most of its time).
SEP = "\x1f"
SPEAKERS = 1 << 32


def unpack(coded: "Coded", sid: int) -> dict:
    """A segment's sector, source, role, transcript and participant (None where unknown)."""
    sector, source = coded.group[sid].split(SEP)
    transcript, participant = divmod(coded.speaker[sid], SPEAKERS)
    return {"sector": sector or None, "source": source, "role": coded.role[sid] or None,
            "transcript": transcript, "participant": participant or None}


@dataclass
class Coded:
    """The codings in scope, per code: which segments carry it (any coding accepted, or
    suggested when suggestions count), which of those anyone accepted, and the accepted
    passages of a (segment, code) no one accepted as a whole turn."""

    group: dict[int, str]  # segment id -> sector and source joined by SEP
    role: dict[int, str]  # segment id -> role ('' for none)
    speaker: dict[int, int]  # segment id -> transcript_id * SPEAKERS + (participant_id or 0)
    by_code: dict[int, list[int]]  # code id -> segment ids, ascending
    accepted: dict[int, set[int]] | None  # code id -> segment ids anyone accepted; None: all
    passages: dict[tuple[int, int], list[tuple[int, int]]]  # (segment, code) -> spans

    _sets: dict[int, set[int]] = field(default_factory=dict)

    def carries(self, sid: int, code: int) -> bool:
        found = self._sets.get(code)
        if found is None:
            found = self._sets[code] = set(self.by_code.get(code, ()))
        return sid in found

    def segments_of(self, codes) -> dict[int, None]:
        """The segments carrying any of these code ids, in code order then by id."""
        return dict.fromkeys(chain.from_iterable(map(self.by_code.get, codes, repeat(()))))


def _coded(db, opts: SummaryOptions) -> Coded:
    """Three queries: the segments in scope (without their text: only the turns a quote
    may come from are read, by terms.Terms), the coded segments per code, and the accepted
    passages."""
    statuses = ("accepted", "suggested") if opts.include_suggested else ("accepted",)
    coding_where = f"c.status IN ({','.join('?' * len(statuses))})"
    coding_params: list = list(statuses)
    if opts.coder:
        coding_where += " AND (c.coder = ? OR c.coder IS NULL)"
        coding_params.append(opts.coder)
    segment_sql = f"""
    SELECT s.id, ifnull(p.sector, '') || '{SEP}' || t.source, ifnull(p.role, ''),
           s.transcript_id * {SPEAKERS} + ifnull(s.participant_id, 0)
    FROM segments s
    JOIN transcripts t ON t.id = s.transcript_id
    LEFT JOIN participants p ON p.id = s.participant_id
    WHERE COALESCE(p.is_facilitator, 0) = 0
    """
    segment_params: list = []
    if opts.sector:
        segment_sql += " AND p.sector = ?"
        segment_params.append(opts.sector.lower())
    if opts.source:
        segment_sql += " AND t.source = ?"
        segment_params.append(opts.source)
    segment_ids, groups, roles, speakers = list(zip(*db.execute(segment_sql, segment_params).fetchall())) or [()] * 4
    group = dict(zip(segment_ids, groups))
    # Per code, its segments and those anyone accepted, as id lists SQLite joins: a turn
    # carries a code if any of its codings counts, however many coders and passages ('accepted'
    # sorts before 'suggested'). Splitting strings beats a Python loop over 60,000 codings.
    by_code: dict[int, list[int]] = {}
    accepted: dict[int, set[int]] = {}
    for code_id, all_ids, accepted_ids in db.execute(
        "SELECT c.code_id, group_concat(c.segment_id), group_concat(CASE WHEN c.status = 'accepted' THEN c.segment_id END) "
        f"FROM codings c WHERE {coding_where} GROUP BY +c.code_id",  # +: group by sorting the covering index scan (2x faster)
        coding_params,
    ):
        ids = sorted(filter(group.__contains__, set(map(int, all_ids.split(",")))))
        if ids:
            by_code[code_id] = ids
            if opts.include_suggested:  # else every one counted is accepted
                accepted[code_id] = set(map(int, accepted_ids.split(","))) if accepted_ids else set()
    # Accepted passages, unless the same coders (any of them) also accepted the whole turn:
    # then the whole turn is quotable. A suggestion's span is the evidence of a rule, not a
    # coder's choice: a turn only suggested is quoted whole. Few rows: a scan for passages.
    coder_only = " AND {t}.coder = ?" if opts.coder else ""
    passages: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for sid, code_id, start, end in db.execute(
        "SELECT c.segment_id, c.code_id, c.span_start, c.span_end FROM codings c "
        f"WHERE c.status = 'accepted' AND c.coder IS NOT NULL AND c.span_start IS NOT NULL{coder_only.format(t='c')} "
        "AND NOT EXISTS (SELECT 1 FROM codings w WHERE w.segment_id = c.segment_id AND w.code_id = c.code_id "
        f"AND w.status = 'accepted' AND w.span_start IS NULL{coder_only.format(t='w')})",
        [opts.coder, opts.coder] if opts.coder else [],
    ):
        passages.setdefault((sid, code_id), []).append((start, end))
    return Coded(group, dict(zip(segment_ids, roles)), dict(zip(segment_ids, speakers)), by_code,
                 accepted if opts.include_suggested else None, passages)


def study_of(opts: SummaryOptions):
    """The vocabulary a summary is built and rendered with (the default study's if unset)."""
    from ..vocabulary import default

    return opts.vocabulary or default()


def build_summary(db, opts: SummaryOptions) -> list[CodeSummary]:
    themes, terms = summary_and_terms(db, opts)
    terms.keep()
    return themes


def summary_and_terms(db, opts: SummaryOptions):
    """The themes, and the lemma counts this run made (terms.Terms: keep() stores them;
    write_summary does so once the file is written)."""
    from ..vocabulary import current

    if opts.vocabulary is None:
        opts = replace(opts, vocabulary=current(db))
    with paused_gc():
        return _build_summary(db, opts)


def _build_summary(db, opts: SummaryOptions):
    from .choose import pool, quotes_of
    from .terms import Terms

    _check(db, opts)
    book = require_codebook(db)
    ids = {r[1]: r[0] for r in db.execute("SELECT id, name FROM codes")}
    coded = _coded(db, opts)
    themes = book.codes
    if opts.code:
        by_name = book.by_name()
        if opts.code not in by_name:
            raise UnknownCodeError(f"unknown code '{opts.code}'; see 'focuscode codebook show'")
        themes = [by_name[opts.code]]

    def code_ids(code) -> list[int]:
        return [ids[c.name] for c in code.walk() if c.name in ids]

    out = []
    pools = []
    for theme in themes:
        summary = _summarise(theme.name, theme.description, coded, code_ids(theme))
        for child in theme.children:
            summary.subcodes.append(_summarise(child.name, child.description, coded, code_ids(child)))
        out.append(summary)
        pools.append(pool(coded, code_ids(theme), opts) if opts.per_theme else None)
    # Quotes are chosen among each theme's pool (every coded turn, or an even sample of a
    # large theme). Only pooled turns are read and weighed. IDF runs over the pools of every
    # theme, also when one code is asked for, so words common to all themes weigh little.
    terms = Terms(db)
    pooled = {sid for p in pools if p for sid in p.sample}
    if opts.per_theme and opts.code:
        pooled |= {sid for theme in book.codes if (p := pool(coded, code_ids(theme), opts)) for sid in p.sample}
    terms.load(pooled)
    counts = {sid: terms.turn(sid) for sid in pooled}
    idf = idf_table(list(counts.values()))
    weighted = {sid: weigh(c, idf) for sid, c in counts.items()}
    names = {code: name for name, code in ids.items()}
    for summary, p in zip(out, pools):
        if p:
            chosen = quotes_of(p, terms, weighted, idf, opts)
            vocab = study_of(opts)
            summary.quotes = [{
                "segment_id": c["id"],
                "text": c["quote"],
                "words": c["words"],
                "span_start": c["start"],
                "span_end": c["end"],
                "attribution": vocab.attribution(c["role"], c["sector"], c["source"], opts.lang),
                "role": c["role"],
                "sector": c["sector"],
                "source": c["source"],
                "centrality": c["centrality"],
                "status": c["status"],
                "codes": sorted(names.get(code, "?") for code in p.codes_of(c["id"])),
            } for c in chosen]
    return out, terms


def _summarise(name: str, description: str, coded: Coded, codes: list[int]) -> CodeSummary:
    # C-level passes over ids, strings and numbers SQLite made (Coded.group, .role, .speaker): a theme
    # of a large study has tens of thousands of segments. Every dictionary below is sorted, so
    # the order of counting does not show.
    sids = set().union(*map(coded.by_code.get, codes, repeat(())))
    by_sector: Counter = Counter()
    by_source: Counter = Counter()
    for group, n in Counter(map(coded.group.__getitem__, sids)).items():
        sector, source = group.split(SEP)
        by_sector[sector or "?"] += n  # no sector or role counts as "?"
        by_source[source] += n
    by_role = Counter(map(coded.role.__getitem__, sids))
    if "" in by_role:
        by_role["?"] += by_role.pop("")
    speakers = set(map(coded.speaker.__getitem__, sids))
    return CodeSummary(
        name=name,
        description=description,
        segments=len(sids),
        participants=sum(map(bool, map(mod, speakers, repeat(SPEAKERS)))),
        sessions=len(set(map(floordiv, speakers, repeat(SPEAKERS)))),
        by_sector=dict(sorted(by_sector.items())),
        by_role=dict(sorted(by_role.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_source=dict(sorted(by_source.items())),
    )


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
    from .choose import SAMPLE

    sample = f"{SAMPLE:,}".replace(",", "." if opts.lang == "nl" else ",")
    return LABELS[opts.lang]["method"].format(min=opts.min_words, max=opts.max_words, basis=vector_basis(opts.lang),
                                              sample=sample)
