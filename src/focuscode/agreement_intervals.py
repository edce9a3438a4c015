"""Bootstrap intervals for Krippendorff's alpha, and the verdict on it.

Confidence intervals resample units: a bootstrap draws N units with
replacement from the N compared units (a multinomial over the tally of unit
patterns, so no unit object is rebuilt), recomputes alpha per code and overall
on the same draw, and reports the 2.5th and 97.5th percentiles (percentile
bootstrap over units; Hayes & Krippendorff 2007 resample pairable values
instead). Replicates in which alpha is undefined (one value only) are left out.
The verdict follows Krippendorff's guidelines: alpha >= 0.800 sufficient,
0.667-0.800 only for tentative conclusions, below 0.667 insufficient.
"""

from __future__ import annotations

from collections import Counter

from .errors import UsageError, setting

ALPHA_SUFFICIENT = 0.800
ALPHA_TENTATIVE = 0.667
MAX_BOOTSTRAP = 10_000


def alpha_verdict(alpha: float | None) -> str:
    """Krippendorff's (2004) guideline for alpha, in Dutch like the exports."""
    if alpha is None:
        return "niet te bepalen"
    if alpha >= ALPHA_SUFFICIENT:
        return "voldoende (>= 0.800)"
    if alpha >= ALPHA_TENTATIVE:
        return "voorlopig (0.667-0.800)"
    return "onvoldoende (< 0.667)"


class _AlphaTerms:
    """A tally's unit patterns as arrays, so alpha can be recomputed for many
    reweightings at once: per pattern its disagreeing coincidences (observed) and
    pairable values (m), and per (pattern, value) how many values it adds to that
    value's pairable total."""

    def __init__(self, views: list[tuple]):
        import numpy as np

        observed, pairable, entry_pattern, entry_value, entry_count = [], [], [], [], []
        value_ids: dict = {}
        for i, view in enumerate(views):
            counter = Counter(v for v in view if v is not None)
            m = sum(counter.values())
            if m < 2:
                observed.append(0.0)
                pairable.append(0)
                continue
            observed.append((m * m - sum(k * k for k in counter.values())) / (m - 1))
            pairable.append(m)
            for value, k in counter.items():
                entry_pattern.append(i)
                entry_value.append(value_ids.setdefault(value, len(value_ids)))
                entry_count.append(k)
        self.observed = np.array(observed, dtype=float)
        self.pairable = np.array(pairable, dtype=float)
        order = np.argsort(np.array(entry_value, dtype=np.int64), kind="stable")
        self.entry_pattern = np.array(entry_pattern, dtype=np.int64)[order]
        self.entry_count = np.array(entry_count, dtype=float)[order]
        values = np.array(entry_value, dtype=np.int64)[order]
        self.starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if len(values) else np.array([], dtype=np.int64)

    def alphas(self, weights, shared: dict | None = None):
        """Alpha for each row of `weights` (replicates x patterns); nan where undefined."""
        import numpy as np

        observed = weights @ self.observed
        total = weights @ self.pairable
        if len(self.starts):
            per_value = np.add.reduceat(weights[:, self.entry_pattern] * self.entry_count, self.starts, axis=1)
            squares = (per_value * per_value).sum(axis=1)
        else:
            squares = np.zeros(len(weights))
        expected = total * total - squares
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = 1 - (total - 1) * observed / expected
        alpha[~(expected > 0)] = np.nan
        return alpha


class _PresenceTerms:
    """One code's present/absent view of the code-set patterns, in array form.

    A unit on which nobody applied the code only adds absent values, so the code's
    alpha follows from the pairable values of all units (shared by every code) and
    its carrying patterns alone: with t of a unit's m values present, it adds t
    present values and 2t(m-t)/(m-1) disagreeing coincidences. A codebook of
    hundreds of codes then costs what its codings cost, not codes x patterns."""

    def __init__(self, pairable, carrying: list[int], present: list[int]):
        import numpy as np

        self.pairable = pairable
        self.carrying = np.array(carrying, dtype=np.int64)
        m = pairable[self.carrying]
        t = np.array(present, dtype=float)
        self.present = np.where(m >= 2, t, 0.0)
        self.observed = np.where(m >= 2, 2 * t * (m - t) / np.maximum(m - 1, 1), 0.0)

    def alphas(self, weights, shared: dict | None = None):
        import numpy as np

        # Every code of one draw shares the units' pairable total: computed once per draw.
        shared = {} if shared is None else shared
        total = shared.get("total")
        if total is None:
            total = shared["total"] = weights @ self.pairable
        carried = weights[:, self.carrying]
        present = carried @ self.present
        absent = total - present
        expected = total * total - present * present - absent * absent
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = 1 - (total - 1) * (carried @ self.observed) / expected
        alpha[~(expected > 0)] = np.nan
        return alpha


def bootstrap_alphas(terms: dict, counts: list[int], replicates: int, seed: int) -> dict[str, tuple[float, float] | None]:
    """Percentile intervals (95%) for alpha under resampling of units.

    `counts` is the tally's number of units per pattern; `terms` maps each figure
    (overall, a code) to its _AlphaTerms or _PresenceTerms over those patterns, in
    the same order. Every figure is recomputed on the same draws of units."""
    import numpy as np

    if not 1 <= replicates <= MAX_BOOTSTRAP:
        raise UsageError(f"{setting('bootstrap')} must be between 1 and {MAX_BOOTSTRAP:,}, not {replicates}")
    n = int(sum(counts))
    if n == 0:
        return {name: None for name in terms}
    probs = np.array(counts, dtype=float) / n
    rng = np.random.default_rng(seed)
    # Memory stays bounded however many patterns: the draws are made in batches.
    widest = max((len(getattr(t, "entry_pattern", ())) for t in terms.values()), default=0) + len(counts)
    batch = max(1, min(replicates, 2_000_000 // max(1, widest)))
    samples: dict[str, list] = {name: [] for name in terms}
    done = 0
    while done < replicates:
        size = min(batch, replicates - done)
        weights = rng.multinomial(n, probs, size=size).astype(float)
        shared: dict = {}
        for name, t in terms.items():
            samples[name].append(t.alphas(weights, shared))
        done += size
    out = {}
    for name, parts in samples.items():
        values = np.concatenate(parts)
        values = values[~np.isnan(values)]
        out[name] = None if not len(values) else (float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5)))
    return out


def add_intervals(report, overall_patterns: Counter, replicates: int, seed: int) -> None:
    """Bootstrap intervals for the overall and every per-code alpha, on shared draws of units."""
    patterns = list(overall_patterns)
    overall = _AlphaTerms([tuple(None if v is None else tuple(sorted(v)) for v in p) for p in patterns])
    terms: dict = {"\x00overall": overall}
    carrying: dict[str, tuple[list[int], list[int]]] = {f.code: ([], []) for f in report.per_code}
    for i, p in enumerate(patterns):
        for name in set().union(*(v for v in p if v)):
            if name in carrying:
                carrying[name][0].append(i)
                carrying[name][1].append(sum(1 for v in p if v is not None and name in v))
    for name, (idx, present) in carrying.items():
        terms[name] = _PresenceTerms(overall.pairable, idx, present)
    intervals = bootstrap_alphas(terms, [overall_patterns[p] for p in patterns], replicates, seed)
    report.overall.alpha_ci = intervals["\x00overall"]
    for f in report.per_code:
        f.alpha_ci = intervals[f.code]
    report.bootstrap = {"replicates": replicates, "seed": seed, "resampled": "units", "level": 0.95}
