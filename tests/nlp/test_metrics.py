"""Metrics against hand-worked examples."""

from __future__ import annotations

import pytest

from focuscode.nlp.metrics import cohen_kappa, kfold_indices, prf


def test_kappa_on_a_two_by_two_table_worked_by_hand():
    # Coder A and B on 50 segments, "does the code apply?":
    #              B yes   B no
    #   A yes        20      5      -> A says yes 25 times
    #   A no         10     15      -> A says no  25 times
    #   B: yes 30, no 20
    # po = (20 + 15) / 50 = 0.70
    # pe = (25/50)(30/50) + (25/50)(20/50) = 0.30 + 0.20 = 0.50
    # kappa = (po - pe) / (1 - pe) = 0.20 / 0.50 = 0.40
    a = [True] * 25 + [False] * 25
    b = [True] * 20 + [False] * 5 + [True] * 10 + [False] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(b, a) == pytest.approx(0.4)


def test_kappa_textbook_example_with_three_categories():
    # Three nominal categories, 100 items (counts per cell, rows A, columns B):
    #            x    y    z
    #     x     25    5    0   -> 30
    #     y      5   30    5   -> 40
    #     z      0    5   25   -> 30
    #           30   40   30
    # po = 80/100 = 0.8; pe = .3*.3 + .4*.4 + .3*.3 = 0.34; kappa = 0.46/0.66
    cells = {("x", "x"): 25, ("x", "y"): 5, ("y", "x"): 5, ("y", "y"): 30, ("y", "z"): 5, ("z", "y"): 5, ("z", "z"): 25}
    a, b = [], []
    for (ra, rb), n in cells.items():
        a += [ra] * n
        b += [rb] * n
    assert cohen_kappa(a, b) == pytest.approx(0.46 / 0.66)


def test_kappa_edge_cases():
    assert cohen_kappa([1, 0, 1], [1, 0, 1]) == 1.0
    assert cohen_kappa(["x"] * 4, ["x"] * 4) == 1.0  # pe = 1: perfect agreement
    # agreement exactly at chance level
    assert cohen_kappa([1, 1, 0, 0], [1, 0, 1, 0]) == pytest.approx(0.0)
    # systematic disagreement is negative
    assert cohen_kappa([1, 0, 1, 0], [0, 1, 0, 1]) == pytest.approx(-1.0)
    with pytest.raises(ValueError):
        cohen_kappa([1], [1, 0])
    with pytest.raises(ValueError):
        cohen_kappa([], [])


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
