"""Which turns and which words of them a theme's quotes come from.

summary.py counts; this module picks, with the measures in quotes.py. A theme's pool is
the turns coded with it (or an even sample of a large theme); each pooled turn stands
for the words that were coded: its coded passages, completed to whole sentences, or the
whole turn. The theme's centroid is made of those words, candidates are ranked by them,
and a quote is the most central window of whole sentences inside them.
"""

from __future__ import annotations

from collections import Counter

from .coded import unpack
from .quotes import best_window, centroid_weighted, pick_quotes, weigh

# Windows are searched only in each sector/source group's most central segments: quotes
# come from the top anyway, and a theme with 20,000 segments stays quick.
SHORTLIST = 60
# A theme with more coded turns than this is quoted from a fixed sample of this many, spread
# over its sector/source groups in proportion (each group keeps at least its shortlist): the
# centroid of 1,000 turns is the theme's as closely as ranking needs, and weighing every turn
# of a 20,000-turn theme was most of the summary's time. Counts are always of every turn.
SAMPLE = 1000
# ... and its windows are searched in fewer turns per group: the most central of a sample
# that large are alike, and the window search was the larger half of the remaining time.
SAMPLED_SHORTLIST = 20


class Pool:
    """A theme's quotable turns (segment ids in code order, then by id) and the sample
    quotes are chosen from."""

    def __init__(self, coded, codes: list[int], opts):
        self.coded = coded
        self.codes = codes
        self.segs = coded.segments_of(codes)
        self.sample = self._sample(opts)
        self.sampled = len(self.sample) < len(self.segs)

    def _sample(self, opts) -> list[int]:
        if len(self.segs) <= SAMPLE:
            return list(self.segs)
        group = self.coded.group
        groups: dict[str, list] = {}
        for sid in self.segs:
            groups.setdefault(group[sid], []).append(sid)
        keep = max(SHORTLIST, 10 * opts.per_theme)
        out = []
        for members in groups.values():
            quota = max(min(len(members), keep), len(members) * SAMPLE // len(self.segs))
            members.sort(key=_spread)
            out.extend(members[:quota])
        return sorted(out)

    def codes_of(self, sid: int) -> list[int]:
        return [c for c in self.codes if self.coded.carries(sid, c)]

    def accepted(self, sid: int) -> bool:
        accepted = self.coded.accepted
        return accepted is None or any(sid in accepted.get(c, ()) for c in self.codes)

    def passages(self, sid: int) -> list[tuple[int, int]] | None:
        """The coded passages of the turn, or None when the turn is quotable whole: some
        code of the theme holds it as a whole turn (accepted, or only suggested)."""
        if not self.coded.passages:
            return None
        found: set = set()
        for c in self.codes_of(sid):
            spans = self.coded.passages.get((sid, c))
            if not spans:
                return None
            found.update(spans)
        return sorted(found) or None


def _spread(sid: int) -> int:
    # A multiplicative hash (Knuth's constant): a fixed order that scatters neighbouring ids
    # (turns of one transcript) over the whole range, so a sample is spread over every session
    # and stays the same when turns are added elsewhere.
    return (sid * 2654435761) & 0xFFFFFFFF


def pool(coded, codes: list[int], opts) -> Pool | None:
    """The theme's pool, None when no turn carries any of its codes."""
    found = Pool(coded, codes, opts)
    return found if found.segs else None


def quotes_of(pool: Pool, terms, weighted: dict, idf: dict, opts) -> list[dict]:
    """The chosen candidates: dicts with id, quote, words, start, end, centrality, role,
    sector, source, status (pick_quotes decides among them)."""
    # What the theme is about: the coded words, a passage's sentences or the whole turn.
    units: dict[int, object] = {}
    ranges: dict[int, list] = {}
    passages = {sid: spans for sid in pool.sample if (spans := pool.passages(sid)) is not None}
    terms.read_texts(passages)  # sentences are needed to place the passages
    for sid in pool.sample:
        spans = passages.get(sid)
        if spans is None:
            units[sid] = weighted[sid]
            continue
        p = terms.profile(sid)
        found = sorted({r for r in map(p.sentence_range, spans) if r is not None})
        if not found:
            continue
        ranges[sid] = found
        acc: Counter = Counter()
        for i in sorted({i for lo, hi in found for i in range(lo, hi + 1)}):
            acc.update(p.counts[i])
        units[sid] = weigh(acc, idf)
    center = centroid_weighted(list(units.values()), idf)
    group = pool.coded.group
    groups: dict[str, list] = {}
    for sid, unit in units.items():
        groups.setdefault(group[sid], []).append((-center.cosine_weighted(unit), sid))
    keep = max(SAMPLED_SHORTLIST, 4 * opts.per_theme) if pool.sampled else max(SHORTLIST, 10 * opts.per_theme)
    shortlist = sorted(sid for ranked in groups.values() for _score, sid in sorted(ranked)[:keep])
    terms.read_texts(shortlist)
    candidates = []
    for sid in shortlist:
        # A turn coded in passages is quoted from one of them: the most central window of the
        # sentences a passage touches. Two passages of one turn never give two quotes (nor
        # the same words twice): a participant is quoted once per theme.
        found = [best_window(terms.profile(sid), center, opts.min_words, opts.max_words, lohi) for lohi in ranges[sid]] \
            if sid in ranges else [best_window(terms.profile(sid), center, opts.min_words, opts.max_words)]
        found = [f for f in found if f is not None]
        if not found:
            continue
        window, score = max(found, key=lambda f: f[1])  # max keeps the first of equals
        seg = unpack(pool.coded, sid)
        candidates.append({
            "id": sid,
            "quote": window.text,
            "words": window.words,
            "start": window.start,
            "end": window.end,
            "centrality": round(score, 4),
            "participant_key": (seg["transcript"], seg["participant"]) if seg["participant"] else ("segment", sid),
            "sector": seg["sector"],
            "source": seg["source"],
            "role": seg["role"],
            "status": "accepted" if pool.accepted(sid) else "suggested",
        })
    return pick_quotes(candidates, opts.per_theme)
