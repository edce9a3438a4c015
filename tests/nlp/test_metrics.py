"""Metrics against hand-worked examples (Cohen's kappa: tests/team/test_team_agreement.py)."""

from __future__ import annotations

import pytest

from focuscode.nlp.metrics import kfold_indices, prf


def test_prf_per_label_and_averages_by_hand():
    gold = [{"visie"}, {"visie", "doorgroei"}, set(), {"doorgroei"}, {"afstemming"}]
    pred = [{"visie"}, {"doorgroei"}, {"visie"}, {"doorgroei", "afstemming"}, set()]
    out = prf(gold, pred, ["visie", "doorgroei", "afstemming"])
    # visie: tp 1 (seg 0), fp 1 (seg 2), fn 1 (seg 1) -> p = r = f1 = 0.5
    assert out["visie"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    # doorgroei: tp 2, fp 0, fn 0
    assert out["doorgroei"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    # afstemming: tp 0, fp 1 (seg 3), fn 1 (seg 4)
    assert out["afstemming"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    # micro: tp 3, fp 2, fn 2 -> p = r = f1 = 0.6
    assert out["micro"]["precision"] == pytest.approx(0.6)
    assert out["micro"]["recall"] == pytest.approx(0.6)
    assert out["micro"]["f1"] == pytest.approx(0.6)
    assert out["micro"]["support"] == 5
    # macro: mean of the three labels
    assert out["macro"]["f1"] == pytest.approx(0.5)
    assert out["macro"]["precision"] == pytest.approx(0.5)


def test_prf_labels_default_to_all_seen_and_lengths_must_agree():
    out = prf([{"a"}], [{"b"}])
    assert set(out) == {"a", "b", "micro", "macro"}
    with pytest.raises(ValueError):
        prf([{"a"}], [])


def test_kfold_is_deterministic_and_partitions():
    folds = kfold_indices(23, 5, seed=7)
    assert folds == kfold_indices(23, 5, seed=7)
    assert folds != kfold_indices(23, 5, seed=8)
    tests = [set(test) for _, test in folds]
    assert sorted(i for t in tests for i in t) == list(range(23))  # each item held out once
    assert sorted(len(t) for t in tests) == [4, 4, 5, 5, 5]  # 23 = 3 * 5 + 2 * 4
    for train, test in folds:
        assert not set(train) & set(test)
        assert len(train) + len(test) == 23
    with pytest.raises(ValueError):
        kfold_indices(3, 5, 0)
    with pytest.raises(ValueError):
        kfold_indices(10, 1, 0)
