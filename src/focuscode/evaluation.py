"""How good are the suggestions on this project? Cross-validation against one coder.

The gold standard is the coder's decisions, assembled as for learning (`learning`):
accepted and rejected codes, and every other code on a segment marked seen. Rule
predictions are the stored rule suggestions, rolled up like the decisions (a rule hit on
a subcode also predicts its theme); the model is retrained on each fold, on the codes
with enough decisions in that fold, exactly as `suggest --coder` would train it.
"""

from __future__ import annotations

import json
from typing import Callable

from .codes import code_tree
from .db import get_setting
from .errors import FocuscodeError, setting
from .learning import MIN_EXAMPLES, coder_examples, restrict


def rule_predictions(db, segment_ids: list[int], texts: list[str], *, themes: bool = False,
                     model: str | None = None, notify: Callable[[str], None] | None = None) -> tuple[list[set[str]], str]:
    """Codes the rules suggest per segment, rolled up; from the stored suggestions shown, else run now.

    Returns the predictions and where they came from ("stored" or the pipeline name).
    Rules run here are not stored: evaluating never changes the project.
    """
    tree = code_tree(db, include_inactive=True)
    names = tree.names

    def roll(cid: int) -> list[int]:
        return [tree.theme(cid)] if themes else tree.ancestors(cid)

    stored = db.execute("SELECT count(*) FROM codings WHERE coder IS NULL AND method = 'rules'").fetchone()[0]
    if stored:
        wanted = set(segment_ids)
        by_segment: dict[int, set[str]] = {}
        from .suggest import suggestion_threshold

        # what a coder is shown: the suggestions at or above the project's threshold
        shown = db.execute("SELECT segment_id, code_id FROM codings WHERE coder IS NULL AND method = 'rules' AND score >= ?",
                           [suggestion_threshold(db)])
        for sid, cid in shown:
            if sid in wanted:
                by_segment.setdefault(sid, set()).update(names[c] for c in roll(cid))
        return [by_segment.get(sid, set()) for sid in segment_ids], "stored"
    from .codes import require_codebook
    from .nlp.pipeline import load_pipeline
    from .nlp.rules import RuleMatcher

    pipeline = load_pipeline(model or get_setting(db, "model"), notify=notify)
    matcher = RuleMatcher(pipeline.nlp, list(require_codebook(db).walk()))
    ids = {name: cid for cid, name in names.items()}
    out = []
    for hits in matcher.match_many(texts):
        out.append({names[c] for hit in hits for c in roll(ids[hit.code])})
    return out, pipeline.name


def _trainer(minimum: int, on_fold: Callable[[], None] | None = None) -> Callable:
    """train_textcat on the codes with enough decisions in the training folds only."""
    from .nlp.textcat import train_textcat

    class _Nothing:
        def predict(self, texts):
            return [{} for _ in texts]

    def train(examples, seed=0):
        counts: dict[str, list[int]] = {}
        for _, cats in examples:
            for code, value in cats.items():
                counts.setdefault(code, [0, 0])[0 if value else 1] += 1
        enough = [c for c, (a, r) in counts.items() if a >= minimum and r >= minimum]
        data = restrict(examples, enough)
        model = train_textcat(data, seed=seed) if data else _Nothing()
        if on_fold:
            on_fold()
        return model

    return train


def evaluate_coder(
    db,
    coder: str,
    *,
    k: int = 5,
    seed: int = 0,
    threshold: float = 0.5,
    themes: bool = False,
    model: str | None = None,
    minimum: int = MIN_EXAMPLES,
    notify: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """cross_validate over the coder's decisions; the report of nlp.evaluate plus context."""
    from .nlp.evaluate import cross_validate

    if k < 2:
        raise FocuscodeError(f"{setting('k')} must be at least 2, not {k}")
    if not 0.0 < threshold <= 1.0:
        raise FocuscodeError(f"{setting('threshold')} must be above 0 and at most 1, not {threshold}")
    examples = coder_examples(db, coder, themes=themes)
    if len(examples.segment_ids) < k:
        raise FocuscodeError(
            f"too few decisions to evaluate: coder '{examples.coder}' decided {len(examples.segment_ids)} segments, "
            f"{k}-fold cross-validation needs at least {k}"
        )
    if not examples.enough(minimum):
        raise FocuscodeError(
            f"too few decisions to evaluate: no code has {minimum} accepted and {minimum} rejected segments "
            f"by '{examples.coder}' yet"
        )
    rules, source = rule_predictions(db, examples.segment_ids, examples.texts, themes=themes, model=model, notify=notify)
    folds_done = [0]

    def on_fold() -> None:
        folds_done[0] += 1
        if progress:
            progress(folds_done[0], k)

    report = cross_validate(examples.texts, examples.labels, rules, k=k, seed=seed, threshold=threshold,
                            train=_trainer(minimum, on_fold))
    report.update(
        coder=examples.coder,
        level="themes" if themes else "codes",
        rules_from=source,
        min_examples=minimum,
        counts={c: {"accepted": a, "rejected": r} for c, (a, r) in examples.counts().items()},
        learned=examples.enough(minimum),
    )
    return report


def reliability_table(db, coder: str) -> dict:
    """Score band, n, mean score and observed acceptance of the stored suggestions the coder decided.

    A suggestion is accepted when the coder accepted its code, or a subcode of it, on that
    segment, and rejected when they rejected it or finished the segment without it. Scores
    already shifted by this coder's own decisions on a rule (see `rulestats`) are judged
    on those same decisions, so for a fair check run `suggest` before the coder decides.
    """
    from .nlp.calibration import reliability
    from .suggest import suggestion_threshold

    from .rulestats import Outcomes

    outcomes = Outcomes(db, coder)
    by_method: dict[str, tuple[list[float], list[bool]]] = {}
    for sid, cid, method, score in db.execute(
        "SELECT segment_id, code_id, method, score FROM codings WHERE coder IS NULL AND score IS NOT NULL"
    ):
        accepted = outcomes.of(coder, sid, cid)
        if accepted is None:
            continue
        scores, judged = by_method.setdefault(method, ([], []))
        scores.append(float(score))
        judged.append(accepted)
    everything = ([s for v in by_method.values() for s in v[0]], [a for v in by_method.values() for a in v[1]])
    # Theme level: the theme's combined probability on a segment against whether the coder
    # gave the segment any code of that theme.
    tree = code_tree(db, include_inactive=True)
    theme_ids = {tree.names[tree.theme(cid)]: tree.theme(cid) for cid in tree.names}
    theme_scores, theme_judged = [], []
    for (sid, theme), p in sorted(theme_probabilities(db).items()):
        accepted = outcomes.of(coder, sid, theme_ids[theme]) if theme in theme_ids else None
        if accepted is not None:
            theme_scores.append(p)
            theme_judged.append(accepted)
    threshold = suggestion_threshold(db)
    shown = [a for s, a in zip(*everything) if s >= threshold]
    return {
        "coder": coder,
        "threshold": threshold,
        "bands": reliability(*everything),
        "theme_bands": reliability(theme_scores, theme_judged),
        "by_method": {m: reliability(*v) for m, v in sorted(by_method.items())},
        "decided": len(everything[0]),
        "shown": len(shown),
        "shown_accepted": sum(shown),
    }


def keyword_baseline(texts: list[str], keywords: dict[str, list[str]]) -> list[set[str]]:
    """The keyword-list baseline: a label for each text that contains any of its keywords (lowercase substring).

    This is what ten minutes with the theme descriptions give; a suggestion method is
    only worth a coder's attention where it beats it on text nobody tuned either to.
    """
    lowered = {label: [k.lower() for k in words if k and k.strip()] for label, words in keywords.items()}
    out = []
    for text in texts:
        low = text.lower()
        out.append({label for label, words in lowered.items() if any(k in low for k in words)})
    return out


def shown_labels(db, segment_ids: list[int], mapping: dict[str, str], *, threshold: float | None = None,
                 methods: tuple[str, ...] = ("rules", "similarity", "prior", "model")) -> list[set[str]]:
    """Per segment, the labels (themes mapped by `mapping`) of the suggestions shown at the threshold."""
    from .codes import theme_map
    from .suggest import suggestion_threshold

    themes = theme_map(db)
    cut = suggestion_threshold(db) if threshold is None else threshold
    by_segment: dict[int, set[str]] = {}
    sql = ("SELECT segment_id, code_id FROM codings WHERE coder IS NULL AND score >= ? "
           "AND method IN (SELECT value FROM json_each(?))")
    for sid, cid in db.execute(sql, [cut, json.dumps(list(methods))]):
        label = mapping.get(themes[cid][1])
        if label:
            by_segment.setdefault(sid, set()).add(label)
    return [by_segment.get(sid, set()) for sid in segment_ids]


def theme_probabilities(db, mapping: dict[str, str] | None = None) -> dict[tuple[int, str], float]:
    """(segment, theme) -> calibrated probability that the segment is about the theme.

    Combines the stored suggestions of each theme's codes on a segment (`theme_probability`);
    `mapping` renames themes (onto a labelled set's labels, several themes may share one)
    and leaves out themes it does not name.
    """
    from .codes import theme_map
    from .nlp.calibration import theme_probability
    from .nlp.prior import shipped_prior

    themes = theme_map(db)
    prior = shipped_prior()
    known = set(prior.labels) if prior is not None else set()
    grouped: dict[tuple[int, str], list[float]] = {}
    ruled: set[tuple[int, str]] = set()
    with_prior: set[tuple[int, str]] = set()  # scored with the domain prior, so combined by its fit
    for sid, cid, method, score in db.execute(
            "SELECT segment_id, code_id, method, score FROM codings WHERE coder IS NULL AND score IS NOT NULL"):
        theme = themes[cid][1]
        key = mapping.get(theme) if mapping is not None else theme
        if key:
            grouped.setdefault((sid, key), []).append(float(score))
            if method == "rules":
                ruled.add((sid, key))
            if theme in known and method != "model":
                with_prior.add((sid, key))
    return {key: theme_probability(ps, key in ruled, prior=key in with_prior) for key, ps in grouped.items()}


def label_reliability(db, gold: dict[int, set[str]], mapping: dict[str, str]) -> list[dict]:
    """Theme-level reliability table against a labelled set: per (segment, label) with suggestions,
    the calibrated theme probability against whether the label is the row's."""
    from .nlp.calibration import reliability

    scores, outcomes = [], []
    for (sid, label), p in sorted(theme_probabilities(db, mapping).items()):
        if sid in gold:
            scores.append(p)
            outcomes.append(label in gold[sid])
    return reliability(scores, outcomes)
