"""Cross-validation of rules, model and their union against coder decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from focuscode.codebook import load_codebook
from focuscode.errors import FocuscodeError
from focuscode.nlp.evaluate import cross_validate
from focuscode.nlp.rules import RuleMatcher


CODEBOOK = Path(__file__).parent / "data" / "codebook.yaml"
THEMES = ["ad-hoctaken", "afstemming", "doorgroei", "visie"]


class _Fixed:
    """A stand-in model: predicts fixed scores per text, to check the bookkeeping."""

    def __init__(self, scores: dict[str, dict[str, float]]):
        self.scores = scores

    def predict(self, texts):
        return [self.scores.get(t, {}) for t in texts]


def test_only_decided_pairs_count():
    texts = ["a", "b", "c", "d"]
    decisions = [
        {"visie": True},  # rules right, model wrong
        {"visie": False, "doorgroei": True},  # rules say visie: a false alarm
        {"doorgroei": True},  # nobody decided visie here, so the rules' visie is ignored
        {},  # not coded at all: left out
    ]
    rules = [{"visie"}, {"visie"}, {"visie", "doorgroei"}, {"visie"}]
    model_scores = {"a": {"visie": 0.2}, "b": {"doorgroei": 0.9}, "c": {"doorgroei": 0.4}}
    trained_on = []

    def train(examples, seed):
        trained_on.append([t for t, _ in examples])
        return _Fixed(model_scores)

    report = cross_validate(texts, decisions, rules, k=3, seed=0, train=train)
    assert report["segments"] == 3 and report["pairs"] == 4
    assert all("d" not in fold for fold in trained_on)
    assert sorted(len(f) for f in trained_on) == [2, 2, 2]
    rules_visie = report["rules"]["visie"]
    assert rules_visie["precision"] == 0.5 and rules_visie["recall"] == 1.0  # tp a, fp b
    assert report["rules"]["doorgroei"]["recall"] == 0.5  # c found, b missed
    assert report["model"]["visie"]["recall"] == 0.0
    # model doorgroei: b found (0.9), c missed (0.4 < threshold); kappa over those two
    # pairs: suggested yes/no, coder yes/yes -> po = 0.5, pe = 0.5 * 1 = 0.5, kappa = 0
    assert report["model"]["doorgroei"] == {
        "precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "support": 2, "kappa": pytest.approx(0.0)
    }
    # combined = union: visie from rules (a, b), doorgroei from rules (c) and model (b)
    assert report["combined"]["doorgroei"]["recall"] == 1.0
    assert report["combined"]["visie"]["precision"] == 0.5
    # rules on the 4 decided pairs (suggested/coder): (a,visie) yes/yes, (b,visie) yes/no,
    # (b,doorgroei) no/yes, (c,doorgroei) yes/yes -> po = 2/4; each side says yes 3 of 4
    # times -> pe = .75*.75 + .25*.25 = 0.625; kappa = (0.5 - 0.625) / 0.375 = -1/3
    assert report["rules"]["kappa"] == pytest.approx(-1 / 3)


def test_kappa_is_undefined_when_neither_side_varies():
    # The coder accepted doorgroei on every decided turn and the rules suggested it on every
    # one: precision and recall are perfect, but kappa (agreement beyond chance) is undefined.
    # The one cohen_kappa (focuscode.agreement) says None, printed "-", not 1.0.
    texts = [
        "Ik zou graag doorgroeien naar onderwijsassistent, maar daar is geen budget voor.",
        "Een opleiding tot leraarondersteuner zie ik wel zitten als de school meebetaalt.",
        "Doorgroeien kan hier eigenlijk niet, er is maar een functie voor ons.",
    ]
    decisions = [{"doorgroei": True}] * 3
    rules = [{"doorgroei"}] * 3
    report = cross_validate(texts, decisions, rules, k=3, seed=0, train=lambda examples, seed: _Fixed({}))
    assert report["rules"]["doorgroei"]["precision"] == 1.0 and report["rules"]["doorgroei"]["recall"] == 1.0
    assert report["rules"]["kappa"] is None and report["rules"]["doorgroei"]["kappa"] is None
    # The model suggests nothing: the coder always says yes, the model always no -> pe = 0, kappa = 0.
    assert report["model"]["kappa"] == pytest.approx(0.0)


@pytest.fixture(scope="module")
def realistic(fallback, coded_segments):
    data = coded_segments(100, seed=5)
    texts = [t for t, _ in data]
    decisions = [d for _, d in data]
    book = load_codebook(CODEBOOK)
    themes = {c.name for c in book.codes}
    matcher = RuleMatcher(fallback.nlp, list(book.walk()))
    # a subcode suggestion counts for its theme, as the caller would roll it up
    rules = [{book.theme_of(h.code) for h in hits} & themes for hits in matcher.match_many(texts)]
    return texts, decisions, rules


def test_cross_validation_on_realistic_segments(realistic):
    texts, decisions, rules = realistic
    report = cross_validate(texts, decisions, rules, k=5, seed=0)
    assert report["labels"] == THEMES
    assert sum(f["test"] for f in report["folds"]) == report["segments"] == 100
    for method in ("rules", "model", "combined"):
        for label in THEMES + ["micro", "macro"]:
            for key in ("precision", "recall", "f1"):
                assert 0.0 <= report[method][label][key] <= 1.0
        assert -1.0 <= report[method]["kappa"] <= 1.0
    # the union finds everything either finds
    for label in THEMES:
        assert report["combined"][label]["recall"] >= max(
            report["rules"][label]["recall"], report["model"][label]["recall"]
        )
    assert report["model"]["macro"]["f1"] > 0.7
    assert report["rules"]["macro"]["f1"] > 0.5
    assert report["model"]["kappa"] > 0.6
    again = cross_validate(texts, decisions, rules, k=5, seed=0)
    assert again == report


def test_too_few_coded_segments():
    with pytest.raises(FocuscodeError):
        cross_validate(["a", "b"], [{"visie": True}, {}], [set(), set()], k=5)
    with pytest.raises(ValueError):
        cross_validate(["a"], [], [], k=2)
