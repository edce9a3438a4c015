"""Scores that mean something: the probability that a coder accepts a rule suggestion.

A suggestion's evidence is described by a few numbers, and a logistic model turns them
into a probability:

- specificity: how rare the most specific matched word or phrase is in Dutch at large
  (wordfreq's Zipf frequency; "heel" or "rol" are everywhere, "kopieerpapier" is not);
- distinct: how many distinct pieces of evidence agree (different keywords, patterns or
  word forms): hits backed by two or more are right far more often than a single word;
- corpus: how rare the rule that fired is in this project's own texts (a keyword that
  fires in a third of all segments tells little about any one of them);
- theme: the code is a theme, whose keywords are broader than a subcode's;
- excluded: an exclude keyword of the code occurs in the segment;
- close: the segment is also close to one of the code's examples (`similarity`), a
  distinct kind of evidence agreeing.

- prior: the domain prior's log-odds that the segment is about the code's theme, for the
  themes it knows (a fit of its own; without it the fit above).

Suggestions by closeness get a probability the same way, from how close, how many
content words are shared, and whether a rule agrees: on the sample, closeness alone was
right about one time in ten, closeness that a rule agreed with nine in ten.

A segment's probability of being about a theme at all is a second, theme-level score
(`theme_probability`): a suggestion on the right theme but the wrong subcode is rejected at
code level, and weak hits on several codes of one theme add up.

The coefficients are fitted on the sample corpus against its reference coding and on
the development set in validation/dev (`validation/fit_calibration.py` refits them and
writes `calibration.json`); the blind validation set is only used to measure them. Once coders have decided, each rule's own
acceptance rate shifts the probability (see `rulestats`).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources

FEATURES = ("bias", "specificity", "distinct", "corpus", "theme", "excluded", "close")
# Where the domain prior (nlp/prior.py) knows the code's theme: its log-odds for the theme on
# the segment is one more feature, with coefficients fitted with it ("coefficients_prior").
FEATURES_PRIOR = FEATURES + ("prior",)
ZIPF_COMMON = 6.5  # about "heel", "goed": no information at all
ZIPF_RARE = 2.0  # rarer than this counts as fully specific


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    # The arguments exactly as wordfreq passes them when it combines a phrase's words
    # (zipf_frequency): its lru_cache then builds the 300,000-word dict once, not twice.
    return get_frequency_dict("nl", "best")


def frequency(word: str) -> float:
    """How often a lowercase Dutch word occurs, as a share of all words (0 for unknown words)."""
    return _frequencies().get(word, 0.0)


@lru_cache(maxsize=65536)
def zipf(text: str) -> float:
    """Zipf frequency of a Dutch word or phrase (0 for unknown words).

    A single lowercase word is one look-up in wordfreq's table (zipf_frequency tokenises
    every call, which costs more than matching a segment); phrases go through wordfreq's
    own way of combining words.
    """
    if text.isalpha() and text.islower():
        f = _frequencies().get(text, 0.0)
        return round(math.log10(f) + 9, 2) if f > 0 else 0.0
    from wordfreq import zipf_frequency

    return zipf_frequency(text, "nl")


@lru_cache(maxsize=65536)
def specificity(text: str) -> float:
    """0 for an everyday word, 1 for a rare one; a phrase is as specific as its words together."""
    value = (ZIPF_COMMON - zipf(text.lower())) / (ZIPF_COMMON - ZIPF_RARE)
    return min(1.0, max(0.0, value))


def match_specificity(match: dict) -> float:
    """The more specific of the rule as written and the words it matched (a compound is rarer)."""
    label = match.get("keyword")
    texts = [match.get("text") or ""]
    if isinstance(label, str):
        texts.append(label)
    return max(specificity(t) for t in texts if t) if any(texts) else 0.0


def rule_key(match: dict) -> tuple[str, str]:
    """('keyword', term) or ('pattern', its JSON): one rule of a code, as evidence names it."""
    if "keyword" in match:
        return ("keyword", str(match["keyword"]))
    return ("pattern", json.dumps(match.get("pattern"), ensure_ascii=False, sort_keys=True))


# What a project's share of segments a rule fires in is shrunk towards, and how many segments
# that guess is worth: in a project of six survey answers every rule that fires at all fires
# in a sixth of them, which said "everyday word" of "opleiding tot" and hid clear hits; from a
# few hundred segments on, the project's own count decides.
TYPICAL_RULE_RATE = 0.01
TYPICAL_RATE_WEIGHT = 50


def corpus_rate(fires: int, segments: int) -> float:
    """The share of segments a rule fires in, shrunk towards TYPICAL_RULE_RATE in small projects."""
    return (fires + TYPICAL_RULE_RATE * TYPICAL_RATE_WEIGHT) / (max(0, segments) + TYPICAL_RATE_WEIGHT)


def distinct_evidence(matches: list[dict]) -> int:
    return len({(rule_key(m), (m.get("lemma") or "").lower()) for m in matches}) if matches else 0


def features(evidence: dict, *, rates: dict, is_theme: bool, close: bool = False) -> dict[str, float]:
    """The numbers the score is computed from; `rates` maps rule_key -> share of segments it fires in."""
    matches = evidence.get("matches") or []
    spec = max((match_specificity(m) for m in matches), default=0.0)
    rarest = min((rates.get(rule_key(m), 1.0) for m in matches), default=1.0)
    return {
        "bias": 1.0,
        "specificity": round(spec, 4),
        "distinct": round(math.log2(max(1, distinct_evidence(matches))), 4),
        # -log10 of the share of segments: 0 when it fires everywhere, 2 at 1 in 100
        "corpus": round(min(3.0, -math.log10(max(rarest, 1e-3))), 4),
        "theme": 1.0 if is_theme else 0.0,
        "excluded": 1.0 if evidence.get("excluded") else 0.0,
        "close": 1.0 if close else 0.0,
    }


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def sigmoid(z: float) -> float:
    if z < -35:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def fitted() -> dict:
    """The fitted coefficients and default threshold shipped with focuscode."""
    with (resources.files(__package__) / "calibration.json").open("r", encoding="utf-8") as fh:
        return json.load(fh)


def base_probability(x: dict[str, float], coefficients: dict[str, float] | None = None) -> float:
    """The calibrated probability of a rule suggestion with these features; with a "prior"
    feature (the domain prior's log-odds for the code's theme) the fit that reads it."""
    if coefficients is None:
        coefficients = fitted()["coefficients_prior"] if "prior" in x and "coefficients_prior" in fitted() \
            else fitted()["coefficients"]
    return sigmoid(linear(x, coefficients) + coefficients.get("prior", 0.0) * x.get("prior", 0.0))


def linear(x: dict[str, float], coefficients: dict[str, float]) -> float:
    """The log-odds from every feature but the prior (`suggest` adds the prior turn by turn)."""
    return sum(coefficients.get(name, 0.0) * x.get(name, 0.0) for name in FEATURES)



SIMILARITY_FEATURES = ("bias", "similarity", "shared", "rule")


def similarity_features(similarity: float, shared: int, rule: bool) -> dict[str, float]:
    return {"bias": 1.0, "similarity": round(similarity, 4), "shared": round(math.log2(max(1, shared)), 4),
            "rule": 1.0 if rule else 0.0}


def similarity_probability(similarity: float, shared: int, rule: bool, coefficients: dict | None = None,
                           prior: float | None = None) -> tuple[float, dict]:
    """Calibrated probability for a suggestion by closeness, and the numbers behind it; `prior`
    is the domain prior's log-odds for the code's theme, where the prior knows it."""
    x = similarity_features(similarity, shared, rule)
    if prior is not None:
        x["prior"] = prior
    if coefficients is None:
        coefficients = (fitted().get("similarity_prior") if prior is not None else None) or fitted().get("similarity") \
            or {"bias": -3.0, "similarity": 6.0, "shared": 0.5, "rule": 3.0}
    p = sigmoid(sum(coefficients.get(name, 0.0) * x.get(name, 0.0) for name in SIMILARITY_FEATURES + ("prior",)))
    return round(p, 4), {"base": round(p, 4), **{k: v for k, v in x.items() if k != "bias"}}


def prior_log_odds_for(probability: float, coefficients: dict | None = None) -> float:
    """The prior's log-odds at which `prior_probability` reaches `probability` (its inverse)."""
    coef = coefficients or _prior_only()
    return (logit(probability) - coef["bias"]) / coef["z"] if coef["z"] > 0 else float("-inf")


def prior_probability(log_odds: float, coefficients: dict | None = None) -> float:
    """Calibrated probability for a suggestion of the domain prior alone (no rule or closeness
    suggestion of the theme on the segment): its log-odds, recalibrated on held-out rows."""
    coef = coefficients or _prior_only()
    return round(sigmoid(coef["bias"] + coef["z"] * log_odds), 4)


def _prior_only() -> dict:
    """The shipped fit of the prior's own suggestions (the log-odds as it stands without one)."""
    return fitted().get("prior_only") or {"bias": 0.0, "z": 1.0}


THEME_FEATURES = ("bias", "combined", "count", "rule")


def theme_features(probabilities: list[float], rule: bool) -> dict[str, float]:
    """The numbers a theme's probability on one segment is computed from.

    `combined` is the log-odds of 1 - prod(1 - p) over the theme's suggestions there (as
    if each were independent evidence, which codes of one theme sharing words are not, so
    it is calibrated again); `count` is log2 of how many there are; `rule` whether a
    codebook rule is among them (closeness alone was seldom right on a theme).
    """
    combined = 1.0 - math.prod(1.0 - min(max(p, 0.0), 1.0) for p in probabilities)
    return {"bias": 1.0, "combined": round(logit(combined), 4), "count": round(math.log2(max(1, len(probabilities))), 4),
            "rule": 1.0 if rule else 0.0}


def theme_probability(probabilities: list[float], rule: bool = True, coefficients: dict | None = None, *,
                      prior: bool = False) -> float:
    """Calibrated probability that a segment is about a theme, from its suggestions' probabilities there.

    A code-level score says whether the coder takes that exact code; a suggestion on the
    right theme but the wrong subcode is rejected there, so a theme can be more likely
    than its best code-level score says, and several weak hits on one theme add up.
    Without fitted coefficients this is 1 - prod(1 - p). `prior`: the theme is one the domain
    prior knows, so its suggestions' probabilities were computed with it (a fit of their own).
    """
    if not probabilities:
        return 0.0
    x = theme_features(probabilities, rule)
    coef = coefficients or (fitted().get("theme_prior") if prior else None) or fitted().get("theme") \
        or {"bias": 0.0, "combined": 1.0}
    return round(sigmoid(sum(coef.get(name, 0.0) * x[name] for name in THEME_FEATURES)), 4)


def default_threshold() -> float:
    return float(fitted()["threshold"])


def fit(rows: list[dict[str, float]], labels: list[bool], *, l2: float = 1.0, iterations: int = 50,
        names: tuple[str, ...] = FEATURES) -> dict[str, float]:
    """Logistic regression by Newton's method with a small ridge (the bias is not penalised)."""
    import numpy as np

    X = np.array([[r[name] for name in names] for r in rows], dtype=float)
    y = np.array(labels, dtype=float)
    w = np.zeros(X.shape[1])
    penalty = np.eye(X.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        gradient = X.T @ (p - y) + penalty @ w
        hessian = X.T @ (X * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {name: round(float(v), 4) for name, v in zip(names, w)}


def reliability(scores: list[float], accepted: list[bool], *, bands: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)) -> list[dict]:
    """Per score band: n, mean score and observed acceptance (the reliability table)."""
    out = []
    for lo, hi in zip(bands, bands[1:]):
        inside = [(s, a) for s, a in zip(scores, accepted) if lo <= s < hi or (hi == bands[-1] and s == hi)]
        n = len(inside)
        out.append({
            "band": f"{lo:.1f}-{hi:.1f}",
            "low": lo,
            "high": hi,
            "n": n,
            "mean_score": round(sum(s for s, _ in inside) / n, 3) if n else None,
            "accepted": round(sum(1 for _, a in inside if a) / n, 3) if n else None,
        })
    return out
