"""Agreement computed from tallies of unit patterns equals the unit-by-unit figures.

The figures are computed from counts (a few thousand distinct patterns instead of
one Python object per segment, and no units x values x values array): these tests
hold them to the krippendorff package and to a plain per-unit reference on data
with many categories, three coders and missing values.
"""

from __future__ import annotations

import random
from itertools import combinations

import krippendorff
import numpy as np
import pytest
from team.teamkit import build_project

from focuscode.agreement import compute, krippendorff_alpha, percent_agreement
from focuscode.db import now


def _package_alpha(units: list[list]) -> float | None:
    values = sorted({v for u in units for v in u if v is not None}, key=repr)
    index = {v: i for i, v in enumerate(values)}
    data = np.array([[np.nan if u[i] is None else index[u[i]] for u in units] for i in range(len(units[0]))], dtype=float)
    try:
        result = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except ValueError:
        return None
    return None if np.isnan(result) else result


def _reference_percent(units: list[list]) -> float | None:
    shares = []
    for u in units:
        present = [v for v in u if v is not None]
        pairs = list(combinations(present, 2))
        if pairs:
            shares.append(sum(a == b for a, b in pairs) / len(pairs))
    return 100 * sum(shares) / len(shares) if shares else None


@pytest.mark.parametrize("seed", range(8))
def test_alpha_from_counts_equals_the_package_with_many_values_and_missing_data(seed):
    rng = random.Random(seed)
    coders, n_units, n_values = rng.choice([2, 3, 4]), rng.randint(5, 300), rng.randint(2, 40)
    # Code sets as values, the way overall agreement uses them; one coder often agrees with another.
    values = [tuple(sorted(rng.sample(["visie", "klusjes", "invallen", "doorgroei", "salaris"], rng.randint(0, 3))))
              for _ in range(n_values)]
    units = []
    for _ in range(n_units):
        first = rng.choice(values)
        units.append([None if rng.random() < 0.25 else (first if rng.random() < 0.6 else rng.choice(values))
                      for _ in range(coders)])
    expected = _package_alpha(units)
    if expected is None:
        assert krippendorff_alpha(units) is None
    else:
        assert krippendorff_alpha(units) == pytest.approx(expected, abs=1e-12)
    assert percent_agreement(units) == pytest.approx(_reference_percent(units), abs=1e-9)


def _code_randomly(db, coders: list[str], seed: int) -> None:
    """Three coders on every non-facilitator turn: each looks at most turns, codes 0-3 of the
    codebook's codes (agreeing with the first coder most of the time), and marks the rest seen."""
    rng = random.Random(seed)
    segments = [r[0] for r in db.execute(
        "SELECT s.id FROM segments s JOIN participants p ON p.id = s.participant_id WHERE p.is_facilitator = 0")]
    codes = [r[0] for r in db.execute("SELECT id FROM codes")]
    stamp = now()
    with db.conn:
        for sid in segments:
            base = rng.sample(codes, rng.randint(0, 3))
            for coder in coders:
                if rng.random() < 0.2:
                    continue  # not looked at
                chosen = base if rng.random() < 0.7 else rng.sample(codes, rng.randint(0, 2))
                for cid in chosen:
                    db.execute(
                        "INSERT INTO codings (segment_id, code_id, coder, status, method, created_at, updated_at) "
                        "VALUES (?, ?, ?, 'accepted', 'manual', ?, ?)", [sid, cid, coder, stamp, stamp])
                if rng.random() < 0.3 and codes:
                    # A rejected suggestion also means the coder looked at the segment.
                    other = rng.choice([c for c in codes if c not in chosen] or codes)
                    if other not in chosen:
                        db.execute(
                            "INSERT INTO codings (segment_id, code_id, coder, status, method, created_at, updated_at) "
                            "VALUES (?, ?, ?, 'rejected', 'rules', ?, ?)", [sid, other, coder, stamp, stamp])
                db.execute("INSERT OR IGNORE INTO seen (segment_id, coder, at) VALUES (?, ?, ?)", [sid, coder, stamp])


def _reference_units(db, coders: list[str], themes: bool) -> dict[int, list]:
    parent = {r[0]: r[2] for r in db.execute("SELECT id, name, parent_id FROM codes")}
    name = {r[0]: r[1] for r in db.execute("SELECT id, name FROM codes")}

    def key(cid):
        while themes and parent[cid] is not None:
            cid = parent[cid]
        return name[cid]

    looked = {c: {r[0] for r in db.execute(
        "SELECT segment_id FROM codings WHERE coder = ? UNION SELECT segment_id FROM seen WHERE coder = ?", [c, c])}
        for c in coders}
    sets = {c: {} for c in coders}
    for sid, cid, coder in db.execute("SELECT segment_id, code_id, coder FROM codings WHERE status = 'accepted'"):
        if coder in sets:
            sets[coder].setdefault(sid, set()).add(key(cid))
    ids = sorted(s for s in set().union(*looked.values()) if sum(s in looked[c] for c in coders) >= 2)
    return {sid: [frozenset(sets[c].get(sid, ())) if sid in looked[c] else None for c in coders] for sid in ids}


@pytest.mark.parametrize("themes", [False, True])
def test_compute_matches_a_unit_by_unit_reference(db_path, themes):
    db = build_project(db_path, suggestions=False)
    coders = ["anna", "bram", "cees"]
    _code_randomly(db, coders, seed=7)
    report = compute(db, coders, themes=themes)
    units = _reference_units(db, coders, themes)
    assert report.n == len(units) > 20
    overall = [[None if v is None else tuple(sorted(v)) for v in u] for u in units.values()]
    assert report.overall.percent == pytest.approx(_reference_percent(overall), abs=1e-9)
    assert report.overall.alpha == pytest.approx(_package_alpha(overall), abs=1e-12)
    assert report.overall.kappa is None  # three coders
    names = set().union(*(v for u in units.values() for v in u if v))
    assert {f.code for f in report.per_code} == names
    for f in report.per_code:
        per_unit = [[None if v is None else f.code in v for v in u] for u in units.values()]
        assert f.n == len(units)
        assert f.percent == pytest.approx(_reference_percent(per_unit), abs=1e-9), f.code
        assert f.alpha == pytest.approx(_package_alpha(per_unit), abs=1e-12), f.code
        assert f.used == {c: sum(1 for u in per_unit if u[i]) for i, c in enumerate(coders)}
    differing = [sid for sid, u in units.items() if len({v for v in u if v is not None}) > 1]
    assert [d["segment"] for d in report.disagreements] == differing
    assert compute(db, coders, themes=themes, with_disagreements=False).disagreements == []


def test_two_coders_kappa_per_code_from_counts(db_path):
    from focuscode.agreement import cohen_kappa

    db = build_project(db_path, suggestions=False)
    _code_randomly(db, ["anna", "bram"], seed=3)
    report = compute(db, ["anna", "bram"], with_disagreements=False)
    units = _reference_units(db, ["anna", "bram"], False)
    for f in report.per_code:
        a = [f.code in u[0] for u in units.values()]
        b = [f.code in u[1] for u in units.values()]
        expected = cohen_kappa(a, b)
        assert (f.kappa is None) == (expected is None)
        if expected is not None:
            # By hand: observed against chance agreement of the two marginals.
            n = len(a)
            po = sum(x == y for x, y in zip(a, b)) / n
            pe = (sum(a) * sum(b) + (n - sum(a)) * (n - sum(b))) / n / n
            assert f.kappa == pytest.approx((po - pe) / (1 - pe), abs=1e-12)
