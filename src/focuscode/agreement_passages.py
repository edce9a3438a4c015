"""Agreement on passages: the character of a turn as unit (`agreement --unit character`).

Turn-level agreement (agreement.py) asks whether two coders gave a turn the same codes.
When coders code passages (#13) a second question is whether they marked the same words.
This module answers it per code, over the same turns turn-level agreement compares: every
turn at least two of the coders looked at (coded, rejected a code on, or marked seen).

What is computed, per code (with `themes`, per theme: a coder's passages of any code under
it count for the theme):

- Every character (code point of the stored turn, spaces and punctuation included) of
  those turns is a unit. A coder's value on it is 1 when one of their accepted codings of
  the code covers it, else 0; a coding of the whole turn covers every character, several
  passages of one code are their union, a rejected (uncoded) passage covers nothing. A
  coder who did not look at the turn has no value there (missing data).
- `percent`, `kappa` (two coders) and `alpha` are the statistics of agreement.py
  (pairwise percent agreement, Cohen 1960, Krippendorff's nominal alpha, Krippendorff
  2004) over these character units: "character-level" kappa and alpha. This is
  the atomic-unit approach to unitizing; it is not Krippendorff's (1995) alpha_u, which
  compares the coders' sections and gaps as wholes (by the squared lengths of where they
  do not coincide) and is not computed here.
- `jaccard` = |A and B| / |A or B| and `dice` = 2|A and B| / (|A| + |B|) (Jaccard 1912;
  Dice 1945) of the coded characters A and B of two coders, summed over the turns both
  looked at; with three or more coders, intersections and unions are summed over every
  pair of coders. They ignore characters neither coder marked, so they do not grow with
  the uncoded rest of the corpus the way percent agreement does. None when nobody coded.
- `(overall)`: each character's value is the set of codes covering it; Jaccard and Dice
  pool the intersections and unions of every code.

Characters of one turn are not independent draws, so no interval is given: the figures
describe these transcripts, and N (characters) overstates the evidence. Character counts
come from SQL (`length()` counts code points, as spans do), and only the boundaries of
coded passages are visited, never each character, so a study costs what its codings cost
(30,000 turns, 60,000 codings, a third of them passages: about 1 s).

Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
Psychological Measurement 20(1), 37-46. Dice, L. R. (1945). Measures of the amount of
ecologic association between species. Ecology 26(3), 297-302. Jaccard, P. (1912). The
distribution of the flora in the alpine zone. New Phytologist 11(2), 37-50. Krippendorff,
K. (1995). On the reliability of unitizing continuous data. Sociological Methodology 25,
47-76. Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology (2nd
ed.). Thousand Oaks: Sage.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .agreement import METHOD_KEY, Figures, check_coders, coder_keys, figures_from_patterns, looked_sql, rounded
from .errors import FocuscodeError

UNITS = ("turn", "character")

# The turns at least two coders looked at, their length in code points, and the accepted
# codings of the coders there (for a method compared as a coder: its shown suggestions).
_LOOKED_TURNS_SQL = """
WITH {looked}
SELECT l.segment_id, length(s.text), group_concat(l.coder, char(31))
FROM looked l JOIN segments s ON s.id = l.segment_id
GROUP BY l.segment_id HAVING count(*) >= 2
"""
_CODINGS_SQL = """
SELECT segment_id, coder, code_id, span_start, span_end FROM codings
WHERE coder IN ({marks}) AND status = 'accepted'
"""
_METHOD_CODINGS_SQL = """
UNION ALL SELECT c.segment_id, ? || c.method, c.code_id, c.span_start, c.span_end FROM codings c
WHERE c.coder IS NULL AND c.status = 'suggested' AND ? || c.method IN ({marks}) AND COALESCE(c.score, 1) >= ?
"""


@dataclass
class Overlap:
    """Character-level figures for one code; `figures` holds n (characters), percent, kappa, alpha, used."""

    figures: Figures
    turns: int  # compared turns in which some coder coded it
    intersection: int = 0  # summed over coder pairs
    union: int = 0

    @property
    def jaccard(self) -> float | None:
        return self.intersection / self.union if self.union else None

    @property
    def dice(self) -> float | None:
        return 2 * self.intersection / (self.intersection + self.union) if self.union else None

    def as_json(self) -> dict:
        f = self.figures
        return {"code": f.code, "turns": self.turns, "characters": f.n, "percent": rounded(f.percent),
                "kappa": rounded(f.kappa), "alpha": rounded(f.alpha), "jaccard": rounded(self.jaccard),
                "dice": rounded(self.dice), "verdict": f.verdict, "coded": f.used}


@dataclass
class PassageReport:
    coders: list[str]
    turns: int  # turns at least two coders looked at
    characters: int  # their characters
    overall: Overlap
    per_code: list[Overlap] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"unit": "character", "coders": self.coders, "turns": self.turns, "characters": self.characters,
                "overall": self.overall.as_json(), "codes": [o.as_json() for o in self.per_code]}


def compute_passages(db, coders: list[str], *, themes: bool = False) -> PassageReport:
    """Character-level agreement per code (or theme) and overall; see the module's doc."""
    from .codes import theme_map

    coders = check_coders(db, coders)
    keys = coder_keys(db, coders)
    position = {k: i for i, k in enumerate(keys)}
    looked, params = looked_sql(keys)
    turns: dict[int, tuple[int, frozenset]] = {}
    for sid, length, who in db.execute(_LOOKED_TURNS_SQL.format(looked=looked), params):
        turns[sid] = (length or 0, frozenset(position[k] for k in who.split("\x1f")))
    if not turns:
        raise FocuscodeError(f"no segment was looked at by at least two of {', '.join(coders)}; nothing to compare yet")
    names = {cid: (theme if themes else name) for cid, (name, theme) in theme_map(db).items()}
    # segment -> code -> coder position -> spans
    coded: dict[int, dict[str, dict[int, list[tuple[int, int]]]]] = {}
    for sid, key, cid, start, end in _codings(db, keys):
        if sid not in turns or cid not in names:
            continue
        length, lookers = turns[sid]
        i = position[key]
        if i not in lookers:
            continue  # (a method's suggestion on a facilitator's turn it never looked at)
        span = (0, length) if start is None else (max(0, min(start, length)), max(0, min(end, length)))
        if span[1] > span[0]:
            coded.setdefault(sid, {}).setdefault(names[cid], {}).setdefault(i, []).append(span)
    return _report(db, coders, turns, coded)


def _codings(db, keys: list[str]):
    people = [k for k in keys if not k.startswith(METHOD_KEY)]
    methods = [k for k in keys if k.startswith(METHOD_KEY)]
    sql = _CODINGS_SQL.format(marks=",".join("?" * len(people)) or "NULL")
    params: list = list(people)
    if methods:
        from .suggest import suggestion_threshold

        sql += _METHOD_CODINGS_SQL.format(marks=",".join("?" * len(methods)))
        params += [METHOD_KEY, METHOD_KEY, *methods, suggestion_threshold(db)]
    return db.execute(sql, params)


def _report(db, coders, turns, coded) -> PassageReport:
    n = len(coders)
    chars_by_mask: Counter = Counter()  # which coders looked -> characters of those turns
    for length, lookers in turns.values():
        chars_by_mask[_mask(lookers, n)] += length
    tallies: dict[str, Counter] = {}
    carrying: dict[str, Counter] = {}  # code -> mask -> characters of the turns where it was coded
    carried_turns: Counter = Counter()
    overall: Counter = Counter()
    for sid, by_code in coded.items():
        length, lookers = turns[sid]
        mask = _mask(lookers, n)
        for code, spans in by_code.items():
            tally = tallies.setdefault(code, Counter())
            for (lo, hi), covering in _pieces(length, spans):
                tally[tuple(None if not looks else (i in covering) for i, looks in enumerate(mask))] += hi - lo
            carrying.setdefault(code, Counter())[mask] += length
            carried_turns[code] += 1
        # every code of the turn at once: the set of codes covering each character
        flat = {(code, i): s for code, spans in by_code.items() for i, s in spans.items()}
        for (lo, hi), covering in _pieces(length, flat):
            overall[tuple(None if not looks else frozenset(c for c, j in covering if j == i)
                          for i, looks in enumerate(mask))] += hi - lo
    for mask, chars in _uncoded_by_mask(turns, coded, n).items():
        overall[tuple(frozenset() if looks else None for looks in mask)] += chars
    order = {r[0]: r[1] for r in db.execute("SELECT name, position FROM codes")}
    per_code = []
    inter_total = union_total = 0
    for code in sorted(tallies, key=lambda c: (order.get(c, 1 << 30), c)):
        tally = tallies[code]
        for mask, chars in chars_by_mask.items():
            rest = chars - carrying[code][mask]
            if rest:
                tally[tuple(False if looks else None for looks in mask)] += rest
        used = {c: sum(k for p, k in tally.items() if p[i]) for i, c in enumerate(coders)}
        o = Overlap(figures_from_patterns(code, +tally, coders, used), carried_turns[code], *_overlap(tally))
        inter_total += o.intersection
        union_total += o.union
        per_code.append(o)
    overall_figures = figures_from_patterns(
        "(overall)", +Counter({tuple(None if v is None else tuple(sorted(v)) for v in p): k for p, k in overall.items()}),
        coders)
    return PassageReport(coders, len(turns), sum(chars_by_mask.values()),
                         Overlap(overall_figures, len(coded), inter_total, union_total), per_code)


@lru_cache(maxsize=1024)
def _mask(lookers: frozenset, n: int) -> tuple[bool, ...]:
    return tuple(i in lookers for i in range(n))


def _uncoded_by_mask(turns, coded, n) -> Counter:
    out: Counter = Counter()
    for sid, (length, lookers) in turns.items():
        if sid not in coded:
            out[_mask(lookers, n)] += length
    return out


def _pieces(length: int, spans: dict) -> list[tuple[tuple[int, int], set]]:
    """The turn cut at every passage boundary: each piece with the keys whose spans cover it."""
    if all(len(ss) == 1 and ss[0] == (0, length) for ss in spans.values()):
        return [((0, length), set(spans))]  # whole-turn codings only, most of a study: one piece
    cuts = sorted({0, length, *(x for ss in spans.values() for s in ss for x in s)})
    out = []
    for lo, hi in zip(cuts, cuts[1:]):
        out.append(((lo, hi), {key for key, ss in spans.items() if any(s <= lo and hi <= e for s, e in ss)}))
    return out


def _overlap(tally: Counter) -> tuple[int, int]:
    """Coded characters both of a pair marked, and either marked, summed over coder pairs."""
    inter = union = 0
    for pattern, k in tally.items():
        values = [v for v in pattern if v is not None]
        for a in range(len(values)):
            for b in range(a + 1, len(values)):
                inter += k * (values[a] and values[b])
                union += k * (values[a] or values[b])
    return inter, union
