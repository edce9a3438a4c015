"""Theme summaries: counts per theme and subcode, and representative, attributed quotes.

The codings in scope come from three queries (coded.py) as id lists per code; counts are
C-level passes over them, and quotes are chosen (choose.py) from the turns a theme's
codings cover, reading text and lemma counts (terms.py) only of those.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from itertools import repeat
from operator import floordiv, mod

from ..codes import require_codebook
from ..errors import FocuscodeError, UnknownCodeError, UnknownCoderError, UsageError, setting
from . import paused_gc
from .coded import SEP, SPEAKERS, Coded
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
    from .coded import coded_in_scope
    from .terms import Terms

    _check(db, opts)
    book = require_codebook(db)
    ids = {r[1]: r[0] for r in db.execute("SELECT id, name FROM codes")}
    coded = coded_in_scope(db, opts)
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
