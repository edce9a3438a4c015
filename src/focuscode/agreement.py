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
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from .errors import FocuscodeError, UnknownCoderError


@dataclass
class Figures:
    code: str  # a code name, or "(overall)"
    n: int  # units compared
    percent: float | None  # observed agreement, 0..100
    kappa: float | None  # Cohen's kappa, two coders only
    alpha: float | None  # Krippendorff's alpha, nominal
    used: dict[str, int] = field(default_factory=dict)  # units on which each coder applied the code

    def as_json(self) -> dict:
        return {
            "code": self.code, "n": self.n, "percent": _round(self.percent), "kappa": _round(self.kappa),
            "alpha": _round(self.alpha), "used": self.used,
        }


@dataclass
class Report:
    coders: list[str]
    n: int
    looked_at: dict[str, int]
    overall: Figures
    per_code: list[Figures]
    disagreements: list[dict]

    def as_json(self, *, disagreements: bool = False) -> dict:
        out = {
            "coders": self.coders,
            "n": self.n,
            "looked_at": self.looked_at,
            "overall": self.overall.as_json(),
            "codes": [f.as_json() for f in self.per_code],
        }
        if disagreements:
            out["disagreements"] = self.disagreements
        return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


# -- the statistics, on plain lists so they can be checked against textbook examples --------


def percent_agreement(units: list[list]) -> float | None:
    """Mean over units of the share of agreeing coder pairs; None marks a missing value."""
    shares = []
    for values in units:
        present = [v for v in values if v is not None]
        pairs = list(combinations(present, 2))
        if pairs:
            shares.append(sum(a == b for a, b in pairs) / len(pairs))
    return 100.0 * sum(shares) / len(shares) if shares else None


def cohen_kappa(a: list, b: list) -> float | None:
    """Cohen's kappa for two coders over the same units; None when undefined
    (both coders used one and the same category throughout)."""
    if len(a) != len(b):
        raise ValueError("both coders need a value for every unit")
    n = len(a)
    if n == 0:
        return None
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    if math.isclose(pe, 1.0):
        return None
    return (po - pe) / (1 - pe)


def krippendorff_alpha(units: list[list]) -> float | None:
    """Nominal alpha via the krippendorff package; None when undefined (one value only,
    or no unit with two values)."""
    import numpy as np
    import krippendorff

    values = sorted({v for u in units for v in u if v is not None}, key=repr)
    if len(values) < 2 or not any(sum(v is not None for v in u) >= 2 for u in units):
        return None
    index = {v: i for i, v in enumerate(values)}
    coders = len(units[0]) if units else 0
    data = np.full((coders, len(units)), np.nan)
    for j, u in enumerate(units):
        for i, v in enumerate(u):
            if v is not None:
                data[i, j] = index[v]
    try:
        result = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except (ValueError, ZeroDivisionError):
        return None
    return None if math.isnan(result) else result


def figures(name: str, units: list[list], coders: list[str], used: dict[str, int] | None = None) -> Figures:
    kappa = None
    if len(coders) == 2:
        kappa = cohen_kappa([u[0] for u in units], [u[1] for u in units])
    return Figures(name, len(units), percent_agreement(units), kappa, krippendorff_alpha(units), used or {})


# -- reading the project ------------------------------------------------------------------------


def known_coders(db) -> list[str]:
    rows = db.execute(
        "SELECT coder FROM codings WHERE coder IS NOT NULL UNION SELECT coder FROM seen ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def check_coders(db, coders: list[str]) -> list[str]:
    wanted = list(dict.fromkeys(c.strip() for c in coders if c and c.strip()))
    known = known_coders(db)
    listing = ", ".join(known) if known else "none yet"
    for c in wanted:
        if c not in known:
            raise UnknownCoderError(f"unknown coder '{c}': no codings or seen segments by that name (coders here: {listing})")
    if len(wanted) < 2:
        raise FocuscodeError(f"agreement needs at least two different coders (--coder A --coder B); coders here: {listing}")
    return wanted


def looked_at(db, coder: str) -> set[int]:
    rows = db.execute(
        "SELECT segment_id FROM codings WHERE coder = ? UNION SELECT segment_id FROM seen WHERE coder = ?", [coder, coder]
    )
    return {r[0] for r in rows}


def accepted_codes(db, coder: str, *, themes: bool = False) -> dict[int, frozenset[str]]:
    """segment id -> the coder's codes on it; with themes, each code counts as its theme."""
    from .codes import theme_map

    rollup = theme_map(db) if themes else {}
    out: dict[int, set[str]] = {}
    for sid, cid, name in db.execute(
        "SELECT c.segment_id, k.id, k.name FROM codings c JOIN codes k ON k.id = c.code_id WHERE c.coder = ? AND c.status = 'accepted'",
        [coder],
    ):
        out.setdefault(sid, set()).add(rollup[cid][1] if themes else name)
    return {k: frozenset(v) for k, v in out.items()}


def compute(db, coders: list[str], *, themes: bool = False) -> Report:
    """Agreement per code (or per theme, codes rolled up to their theme) and overall."""
    coders = check_coders(db, coders)
    seen = {c: looked_at(db, c) for c in coders}
    codes = {c: accepted_codes(db, c, themes=themes) for c in coders}
    unit_ids = sorted(s for s in set().union(*seen.values()) if sum(s in seen[c] for c in coders) >= 2)
    if not unit_ids:
        raise FocuscodeError(
            f"no segment was looked at by at least two of {', '.join(coders)}; nothing to compare yet"
        )

    def value(coder: str, sid: int):
        return codes[coder].get(sid, frozenset()) if sid in seen[coder] else None

    sets = [[value(c, sid) for c in coders] for sid in unit_ids]
    overall_units = [[None if v is None else tuple(sorted(v)) for v in u] for u in sets]
    overall = figures("(overall)", overall_units, coders)
    used_names = set().union(*(v for u in sets for v in u if v is not None))
    order = {r[0]: r[1] for r in db.execute("SELECT name, position FROM codes")}
    per_code = []
    for name in sorted(used_names, key=lambda n: (order.get(n, 1 << 30), n)):
        units = [[None if v is None else (name in v) for v in u] for u in sets]
        used = {c: sum(1 for u in units if u[i]) for i, c in enumerate(coders)}
        per_code.append(figures(name, units, coders, used))
    return Report(
        coders=coders,
        n=len(unit_ids),
        looked_at={c: len(seen[c]) for c in coders},
        overall=overall,
        per_code=per_code,
        disagreements=_disagreements(db, coders, unit_ids, sets),
    )


def _disagreements(db, coders, unit_ids, sets) -> list[dict]:
    differing = [
        (sid, u) for sid, u in zip(unit_ids, sets) if len({v for v in u if v is not None}) > 1
    ]
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
