"""Intercoder agreement on the segment as unit.

Only segments that a coder actually looked at count for that coder: every
segment they coded or rejected a code on, or marked as seen in review. A
segment nobody but one coder looked at is not a unit, so uncoded text never
counts as agreement (the QualCoder mistake). With three or more coders a
segment counts when at least two looked at it; the others are missing data,
which Krippendorff's alpha handles and Cohen's kappa (two coders only) does not
need.

Per code the value of a unit is present/absent. Overall the value is the
coder's whole set of codes on the segment, each distinct set a nominal
category, so overall agreement means "exactly the same codes".

The suggestion methods can stand in as coders (`rules`, `model`, unless a real
coder has that name): such a coder looked at every participant turn (suggest
scans them all) and applied the codes it suggested there at or above the project's
threshold, which is what a coder is shown (`segments --all` lists the rest). The model only
suggests what the coder it learned from had not decided, so comparing it with
that coder here says little; `evaluate` cross-validates it properly.

Intervals and the verdict on alpha: agreement_intervals. Agreement on the words a
coder marked within a turn (passages, `--unit character`): agreement_passages.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from .agreement_intervals import MAX_BOOTSTRAP, add_intervals, alpha_verdict
from .coding import known_coders
from .errors import FocuscodeError, UnknownCoderError, UsageError, setting


@dataclass
class Figures:
    code: str  # a code name, or "(overall)"
    n: int  # units compared
    percent: float | None  # observed agreement, 0..100
    kappa: float | None  # Cohen's kappa, two coders only
    alpha: float | None  # Krippendorff's alpha, nominal
    used: dict[str, int] = field(default_factory=dict)  # units on which each coder applied the code
    alpha_ci: tuple[float, float] | None = None  # bootstrap interval, when asked for

    @property
    def verdict(self) -> str:
        return alpha_verdict(self.alpha)

    def as_json(self) -> dict:
        out = {
            "code": self.code, "n": self.n, "percent": rounded(self.percent), "kappa": rounded(self.kappa),
            "alpha": rounded(self.alpha),
        }
        out["alpha_ci"] = None if self.alpha_ci is None else [rounded(x) for x in self.alpha_ci]
        out.update({"verdict": self.verdict, "used": self.used})
        return out


@dataclass
class Report:
    coders: list[str]
    n: int
    looked_at: dict[str, int]
    overall: Figures
    per_code: list[Figures]
    disagreements: list[dict]
    units_total: int = 0  # participant turns in the project, the units that could have been double-coded
    bootstrap: dict | None = None  # replicates and seed, when intervals were computed

    def as_json(self, *, disagreements: bool = False) -> dict:
        out = {
            "coders": self.coders,
            "n": self.n,
            "double_coded": {"units": self.n, "of": self.units_total,
                             "percent": rounded(100.0 * self.n / self.units_total) if self.units_total else None},
            "bootstrap": self.bootstrap,
            "looked_at": self.looked_at,
            "overall": self.overall.as_json(),
            "codes": [f.as_json() for f in self.per_code],
        }
        if disagreements:
            out["disagreements"] = self.disagreements
        return out


def rounded(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


# -- the statistics ------------------------------------------------------------------------------
#
# Every figure is computed from a tally of unit patterns: a pattern is the tuple of
# the coders' values on one unit (None = that coder did not look at it), and units
# with the same pattern contribute the same amount. At study scale there are tens of
# thousands of units but only a few thousand distinct patterns, and the coincidence
# matrix behind nominal alpha never has to be built per unit (the krippendorff
# package builds a units x values x values array, which ran into gigabytes).

Patterns = Counter  # Counter[tuple]: pattern -> number of units


def _value_counts(pattern: tuple) -> list[int]:
    return list(Counter(v for v in pattern if v is not None).values())


def percent_from_patterns(patterns: Patterns) -> float | None:
    """Mean over units of the share of agreeing coder pairs; units with fewer than two values are no units."""
    total = weight = 0.0
    for pattern, n in patterns.items():
        counts = _value_counts(pattern)
        m = sum(counts)
        if m < 2:
            continue
        total += n * sum(k * (k - 1) for k in counts) / (m * (m - 1))
        weight += n
    return 100.0 * total / weight if weight else None


def kappa_from_pairs(pairs: Patterns) -> float | None:
    """Cohen's kappa from a tally of (value of coder 1, value of coder 2); None when undefined."""
    n = sum(pairs.values())
    if n == 0:
        return None
    po = sum(k for (a, b), k in pairs.items() if a == b) / n
    ca: Counter = Counter()
    cb: Counter = Counter()
    for (a, b), k in pairs.items():
        ca[a] += k
        cb[b] += k
    pe = sum(ca[v] * cb[v] for v in ca) / (n * n)
    if math.isclose(pe, 1.0):
        return None
    return (po - pe) / (1 - pe)


def alpha_from_patterns(patterns: Patterns) -> float | None:
    """Krippendorff's nominal alpha from the coincidences of the pattern tally.

    With m_u values in unit u and n_uc of them equal to c, the coincidences
    between different values add up to (m_u^2 - sum_c n_uc^2) / (m_u - 1) per
    unit, and value c is pairable n_c = sum_u n_uc times; alpha = 1 - (n - 1) *
    disagreeing coincidences / (n^2 - sum_c n_c^2). None when undefined, as
    the package's ValueError or nan: fewer than two values, no unit with two.
    """
    domain: set = set()
    pairable: Counter = Counter()
    observed = 0.0
    for pattern, n in patterns.items():
        counter = Counter(v for v in pattern if v is not None)
        domain.update(counter)
        m = sum(counter.values())
        if m < 2:
            continue
        observed += n * (m * m - sum(k * k for k in counter.values())) / (m - 1)
        for value, k in counter.items():
            pairable[value] += n * k
    if len(domain) < 2 or not pairable:
        return None
    total = sum(pairable.values())
    expected = total * total - sum(k * k for k in pairable.values())
    if expected == 0:
        return None
    return 1 - (total - 1) * observed / expected


# The same statistics on plain lists (one list of coder values per unit, None for a
# missing value), so they can be checked against textbook examples.


def percent_agreement(units: list[list]) -> float | None:
    """Mean over units of the share of agreeing coder pairs; None marks a missing value."""
    return percent_from_patterns(Counter(tuple(u) for u in units))


def cohen_kappa(a: list, b: list) -> float | None:
    """Cohen's kappa for two coders over the same units: (po - pe) / (1 - pe).

    None when undefined: no units, or pe = 1 (both coders used one and the same
    category throughout). Not 1.0: the two coders then agree, but kappa measures
    agreement beyond chance, and with one category there is none to measure. A
    methods table that printed 1.0 there would claim a reliability the data cannot
    show (sklearn gives nan for the same reason); the agreement and evaluate
    tables print "-" instead. One function serves agreement and evaluate."""
    if len(a) != len(b):
        raise ValueError("both coders need a value for every unit")
    return kappa_from_pairs(Counter(zip(a, b)))


def krippendorff_alpha(units: list[list]) -> float | None:
    """Nominal alpha, equal to the krippendorff package's; None when undefined (one
    value only, or no unit with two values)."""
    return alpha_from_patterns(Counter(tuple(u) for u in units))


def figures_from_patterns(name: str, patterns: Patterns, coders: list[str], used: dict[str, int] | None = None) -> Figures:
    kappa = None
    if len(coders) == 2:
        kappa = kappa_from_pairs(patterns)
    return Figures(name, sum(patterns.values()), percent_from_patterns(patterns), kappa, alpha_from_patterns(patterns),
                   used or {})


def figures(name: str, units: list[list], coders: list[str], used: dict[str, int] | None = None) -> Figures:
    return figures_from_patterns(name, Counter(tuple(u) for u in units), coders, used)


# -- reading the project ------------------------------------------------------------------------


METHOD_CODERS = ("rules", "model")
METHOD_KEY = "\x1d"  # prefix that keeps a method coder apart from any real coder's name in SQL


def _suggesting_methods(db) -> list[str]:
    return [m for m in METHOD_CODERS if db.execute(
        "SELECT 1 FROM codings WHERE coder IS NULL AND method = ? LIMIT 1", [m]).fetchone()]


def check_coders(db, coders: list[str]) -> list[str]:
    wanted = list(dict.fromkeys(c.strip() for c in coders if c and c.strip()))
    known = known_coders(db)
    methods = [m for m in _suggesting_methods(db) if m not in known]
    listing = ", ".join(known) if known else "none yet"
    if methods:
        listing += "; suggestions as coders: " + ", ".join(methods)
    for c in wanted:
        if c not in known and c not in methods:
            raise UnknownCoderError(f"unknown coder '{c}': no codings or seen segments by that name (coders here: {listing})")
    if len(wanted) < 2:
        raise FocuscodeError(f"agreement needs at least two different coders ({setting('coder')} A {setting('coder')} B); coders here: {listing}")
    return wanted


def _method_coders(db, coders: list[str]) -> set[str]:
    """The coders that stand for a suggestion method (no real coder has the name)."""
    asked = [c for c in coders if c in METHOD_CODERS]
    if not asked:
        return set()
    known = set(known_coders(db))
    return {c for c in asked if c not in known}


def units_total(db) -> int:
    """Participant turns in the project: every unit that could be double-coded."""
    return db.execute(
        "SELECT count(*) FROM segments s LEFT JOIN participants p ON p.id = s.participant_id "
        "WHERE COALESCE(p.is_facilitator, 0) = 0"
    ).fetchone()[0]


# One row per segment any of the coders looked at (coded, rejected a code on, or marked
# seen): "position<RS>code ids" for each of them, joined by <US>. A code counts once
# per coder however many of their rows carry it: a turn carries a code when any of the
# coder's passages of it is accepted (#13), whatever they rejected beside it. The order inside
# the string is not guaranteed, so equal units may give different strings; parsing
# makes them equal again, and only the few distinct strings are parsed at all.
_LOOKED_SQL = """looked(segment_id, coder) AS (
    SELECT segment_id, coder FROM codings WHERE coder IN ({marks})
    UNION SELECT segment_id, coder FROM seen WHERE coder IN ({marks}){method_looked}
)"""
_UNITS_SQL = """
WITH {looked}
SELECT l.segment_id, group_concat(
    (CASE l.coder {positions} END) || char(30) || COALESCE(
        (SELECT group_concat(DISTINCT c.code_id) FROM codings c
         WHERE c.segment_id = l.segment_id AND c.coder = l.coder AND c.status = 'accepted'){method_codes}, ''),
    char(31))
FROM looked l GROUP BY l.segment_id
"""
# A suggestion method as coder: it looked at every participant turn, and its codes
# there are its suggestions. Only added to the query when a method is compared, so
# comparing people runs the query above unchanged.
_METHOD_LOOKED_SQL = """
    UNION SELECT s.id, ? FROM segments s LEFT JOIN participants p ON p.id = s.participant_id
    WHERE COALESCE(p.is_facilitator, 0) = 0"""
_METHOD_CODES_SQL = """,
        (SELECT group_concat(DISTINCT c.code_id) FROM codings c
         WHERE c.segment_id = l.segment_id AND c.coder IS NULL AND c.status = 'suggested' AND ? || c.method = l.coder
           AND COALESCE(c.score, 1) >= ?)"""


def coder_keys(db, coders: list[str]) -> list[str]:
    """Each coder as the codings table names them in SQL: a suggestion method compared as
    a coder gets a prefix no real coder's name has (see looked_sql)."""
    methods = _method_coders(db, coders)
    return [METHOD_KEY + c if c in methods else c for c in coders]


def looked_sql(keys: list[str]) -> tuple[str, list]:
    """The CTE `looked(segment_id, coder)`: which segments each coder looked at (coded,
    rejected a code on, or marked seen; a suggestion method: every participant turn)."""
    marks = ",".join("?" * len(keys))
    method_keys = [k for k in keys if k.startswith(METHOD_KEY)]
    sql = _LOOKED_SQL.format(marks=marks, method_looked=_METHOD_LOOKED_SQL * len(method_keys))
    return sql, [*keys, *keys, *method_keys]


def unit_patterns(db, coders: list[str], *, themes: bool = False, with_ids: bool = False):
    """The units (segments at least two of the coders looked at) as a tally of
    patterns, a pattern being each coder's set of codes on the unit (None: not
    looked at); how many segments each coder looked at; and, with_ids, the
    segment id -> pattern of every unit (else None)."""
    from .codes import theme_map

    keys = coder_keys(db, coders)
    methods = any(k.startswith(METHOD_KEY) for k in keys)
    looked, looked_params = looked_sql(keys)
    positions = " ".join(f"WHEN ? THEN {i}" for i in range(len(coders)))
    sql = _UNITS_SQL.format(looked=looked, positions=positions, method_codes=_METHOD_CODES_SQL if methods else "")
    if methods:
        from .suggest import suggestion_threshold

        shown = [METHOD_KEY, suggestion_threshold(db)]
    else:
        shown = []
    rows = db.execute(sql, [*looked_params, *keys, *shown])
    ids_by_text: dict[str, list[int]] = {}
    if with_ids:
        for sid, text in rows:
            ids_by_text.setdefault(text, []).append(sid)
        tally = Counter({text: len(ids) for text, ids in ids_by_text.items()})
    else:
        tally = Counter(text for _sid, text in rows)
    names = {cid: (theme if themes else name) for cid, (name, theme) in theme_map(db).items()}
    looked = dict.fromkeys(coders, 0)
    patterns: Counter = Counter()
    by_id: dict[int, tuple] = {}
    for text, n in tally.items():
        values: list = [None] * len(coders)
        for part in text.split("\x1f"):
            position, _, ids = part.partition("\x1e")
            values[int(position)] = frozenset(names[int(i)] for i in ids.split(",")) if ids else _EMPTY
        for coder, value in zip(coders, values):
            if value is not None:
                looked[coder] += n
        if len(values) - values.count(None) < 2:
            continue
        pattern = tuple(values)
        patterns[pattern] += n
        if with_ids:
            by_id.update(dict.fromkeys(ids_by_text[text], pattern))
    return patterns, looked, ({sid: by_id[sid] for sid in sorted(by_id)} if with_ids else None)


_EMPTY: frozenset = frozenset()


def per_code_patterns(overall: Patterns) -> dict[str, Patterns]:
    """From the tally of code-set patterns, each code's tally of present/absent patterns.

    A unit on which nobody applied the code is all-absent for the coders who looked
    at it, so only patterns that carry the code need visiting per code."""
    by_looked: Counter = Counter()  # which coders looked -> units
    carrying: dict[str, Counter] = {}
    for pattern, n in overall.items():
        mask = tuple(v is not None for v in pattern)
        by_looked[mask] += n
        for name in set().union(*(v for v in pattern if v)):
            carrying.setdefault(name, Counter())[tuple(None if v is None else (name in v) for v in pattern)] += n
    out = {}
    for name, tally in carrying.items():
        absent = Counter({mask: n for mask, n in by_looked.items()})
        for pattern, n in tally.items():
            absent[tuple(v is not None for v in pattern)] -= n
        for mask, n in absent.items():
            if n:
                tally[tuple(False if looked else None for looked in mask)] += n
        out[name] = tally
    return out


def compute(db, coders: list[str], *, themes: bool = False, with_disagreements: bool = True,
            bootstrap: int = 0, seed: int = 0) -> Report:
    """Agreement per code (or per theme, codes rolled up to their theme) and overall.

    Without with_disagreements the report's disagreements list stays empty, which
    saves reading the text of every differing segment. With bootstrap, each alpha
    gets a 95% interval from that many resamplings of the units (seeded)."""
    if bootstrap and not 1 <= bootstrap <= MAX_BOOTSTRAP:
        raise UsageError(f"{setting('bootstrap')} must be between 1 and {MAX_BOOTSTRAP:,}, not {bootstrap}")
    coders = check_coders(db, coders)
    overall_patterns, looked, units = unit_patterns(db, coders, themes=themes, with_ids=with_disagreements)
    n = sum(overall_patterns.values())
    if not n:
        raise FocuscodeError(
            f"no segment was looked at by at least two of {', '.join(coders)}; nothing to compare yet"
        )
    overall = figures_from_patterns(
        "(overall)",
        Counter({tuple(None if v is None else tuple(sorted(v)) for v in p): k for p, k in overall_patterns.items()}),
        coders,
    )
    order = {r[0]: r[1] for r in db.execute("SELECT name, position FROM codes")}
    per_code = []
    tallies = per_code_patterns(overall_patterns)
    for name in sorted(tallies, key=lambda name: (order.get(name, 1 << 30), name)):
        tally = tallies[name]
        used = {c: sum(k for p, k in tally.items() if p[i]) for i, c in enumerate(coders)}
        per_code.append(figures_from_patterns(name, tally, coders, used))
    report = Report(
        coders=coders,
        n=n,
        looked_at=looked,
        overall=overall,
        per_code=per_code,
        disagreements=_disagreements(db, coders, units) if with_disagreements else [],
        units_total=units_total(db),
    )
    if bootstrap:
        add_intervals(report, overall_patterns, bootstrap, seed)
    return report


def _disagreements(db, coders, units: dict[int, tuple]) -> list[dict]:
    differing = [(sid, u) for sid, u in units.items() if len({v for v in u if v is not None}) > 1]
    if not differing:
        return []
    from .segments import SegmentFilter, list_segments

    rows = {r["id"]: r for r in list_segments(db, SegmentFilter(ids=[sid for sid, _ in differing]), with_memos=False)}
    out = []
    for sid, u in differing:
        r = rows[sid]
        out.append(
            {
                "segment": sid,
                "transcript": r["transcript"],
                "ordinal": r["ordinal"],
                "speaker": r["speaker"],
                "role": r["role"],
                "sector": r["sector"],
                "text": r["text"],
                "codes": {c: (None if v is None else sorted(v)) for c, v in zip(coders, u)},
            }
        )
    return out
