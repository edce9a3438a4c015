"""`agreement --bootstrap K --seed S`: intervals for Krippendorff's alpha, the verdict,
the double-coded share, and the suggestion methods as coders.

Projects: a study of Teams, Zoom and typed focus-group transcripts coded by two
coders (methodskit, written for these tests) and the demo project (sample corpus,
reference coder and rules suggestions)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import numpy as np
import pytest

from focuscode.agreement import alpha_from_patterns, check_coders, unit_patterns
from focuscode.agreement_intervals import _AlphaTerms, _PresenceTerms, alpha_verdict, bootstrap_alphas
from focuscode.db import open_project

from methods.methodskit import fails_cleanly


def _agreement(cli, db, *args):
    result = cli("agreement", "--json", *args, db=db)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_interval_beside_every_alpha_holds_the_estimate(cli, study_db):
    data = _agreement(cli, study_db, "--coder", "anna", "--coder", "bram", "--bootstrap", "500", "--seed", "1")
    assert data["bootstrap"] == {"replicates": 500, "seed": 1, "resampled": "units", "level": 0.95}
    figures = [data["overall"], *data["codes"]]
    assert len(figures) > 3
    for f in figures:
        assert "alpha_ci" in f
        if f["alpha"] is None:
            continue
        low, high = f["alpha_ci"]
        assert low <= f["alpha"] + 1e-4 and f["alpha"] - 1e-4 <= high, f
    themes = _agreement(cli, study_db, "--coder", "anna", "--coder", "bram", "--themes", "--bootstrap", "300")
    assert {f["code"] for f in themes["codes"]} == {"visie", "ad-hoctaken", "doorgroei"}
    assert all(f["alpha_ci"] is not None for f in themes["codes"] if f["alpha"] is not None)


def test_same_seed_same_interval_other_seed_other_interval(cli, study_db):
    args = ("--coder", "anna", "--coder", "bram", "--bootstrap", "400")
    one = _agreement(cli, study_db, *args, "--seed", "5")
    two = _agreement(cli, study_db, *args, "--seed", "5")
    other = _agreement(cli, study_db, *args, "--seed", "6")
    assert one == two
    assert one["overall"]["alpha_ci"] != other["overall"]["alpha_ci"]


def test_interval_narrows_with_more_units(study_db):
    db = open_project(study_db, create=False)
    patterns, _looked, _ids = unit_patterns(db, ["anna", "bram"])
    plist = list(patterns)
    views = {"overall": [tuple(None if v is None else tuple(sorted(v)) for v in p) for p in plist]}
    counts = [patterns[p] for p in plist]
    widths = []
    for factor in (1, 4, 16):  # the same coding pattern over 10, 40 and 160 segments
        low, high = bootstrap_alphas({k: _AlphaTerms(v) for k, v in views.items()}, [n * factor for n in counts], 2000, 3)["overall"]
        point = alpha_from_patterns(Counter({p: n * factor for p, n in zip(views["overall"], counts)}))
        assert low <= point <= high
        widths.append(high - low)
    assert widths[0] > widths[1] > widths[2] > 0


def test_vectorised_alpha_equals_the_tally_formula_for_any_reweighting():
    # Realistic unit patterns of three coders (None = did not look), reweighted at random:
    # the array form used by the bootstrap must give the alpha of the reweighted tally.
    patterns = [(("invallen",), ("invallen",), None), (("invallen",), ("klusjes",), ("invallen",)), ((), (), ()),
                (("klusjes", "invallen"), ("klusjes",), None), (None, ("scholing",), ("scholing",)), ((), ("visie",), None)]
    terms = _AlphaTerms(patterns)
    rng = np.random.default_rng(0)
    weights = rng.integers(0, 6, size=(50, len(patterns))).astype(float)
    got = terms.alphas(weights)
    for row, alpha in zip(weights, got):
        expected = alpha_from_patterns(Counter({p: int(w) for p, w in zip(patterns, row) if w}))
        if expected is None:
            assert np.isnan(alpha)
        else:
            assert alpha == pytest.approx(expected)


def test_per_code_shortcut_equals_the_full_computation():
    # Per code only the patterns carrying the code are visited; the result must be
    # the alpha of the code's full present/absent view.
    patterns = [(frozenset({"invallen"}), frozenset({"invallen"}), None), (frozenset({"invallen", "klusjes"}), frozenset(), frozenset()),
                (frozenset(), frozenset(), None), (None, frozenset({"klusjes"}), frozenset({"invallen"})),
                (frozenset({"scholing"}), frozenset(), frozenset({"scholing"}))]
    full = _AlphaTerms([tuple(None if v is None else tuple(sorted(v)) for v in p) for p in patterns])
    weights = np.random.default_rng(1).integers(0, 5, size=(40, len(patterns))).astype(float)
    for code in ("invallen", "klusjes", "scholing"):
        view = [tuple(None if v is None else (code in v) for v in p) for p in patterns]
        idx = [i for i, p in enumerate(patterns) if any(v and code in v for v in p)]
        fast = _PresenceTerms(full.pairable, idx, [sum(1 for v in patterns[i] if v and code in v) for i in idx])
        np.testing.assert_allclose(fast.alphas(weights), _AlphaTerms(view).alphas(weights), equal_nan=True)


def test_verdict_against_0667_and_0800():
    assert alpha_verdict(0.8) == "voldoende (>= 0.800)"
    assert alpha_verdict(0.7999) == "voorlopig (0.667-0.800)"
    assert alpha_verdict(0.667) == "voorlopig (0.667-0.800)"
    assert alpha_verdict(0.6669) == "onvoldoende (< 0.667)"
    assert alpha_verdict(None) == "niet te bepalen"


def test_verdict_and_double_coded_share_in_every_output(cli, study_db):
    data = _agreement(cli, study_db, "--coder", "anna", "--coder", "bram")
    conn = open_project(study_db, create=False)
    turns = conn.execute("SELECT count(*) FROM segments s JOIN participants p ON p.id = s.participant_id "
                         "WHERE p.is_facilitator = 0").fetchone()[0]
    both = conn.execute("SELECT count(*) FROM (SELECT segment_id FROM seen WHERE coder IN ('anna', 'bram') "
                        "GROUP BY segment_id HAVING count(*) = 2)").fetchone()[0]
    assert data["double_coded"]["units"] == both == data["n"] and data["double_coded"]["of"] == turns
    assert data["overall"]["verdict"] == alpha_verdict(data["overall"]["alpha"])
    assert data["overall"]["alpha_ci"] is None  # no --bootstrap, no interval
    table = cli("agreement", "--coder", "anna", "--coder", "bram", "--bootstrap", "200", db=study_db)
    assert f"double-coded: {both} of {turns} participant turns" in table.stdout
    assert "95% CI" in table.stdout
    rows = list(csv.DictReader(io.StringIO(cli("agreement", "--coder", "anna", "--coder", "bram", "--csv",
                                                "--bootstrap", "200", db=study_db).stdout)))
    overall = rows[0]
    assert float(overall["alpha_low"]) <= float(overall["alpha"]) <= float(overall["alpha_high"])
    assert overall["verdict"] == alpha_verdict(float(overall["alpha"]))


def test_rules_compared_as_a_coder_on_the_demo(cli, demo_db):
    data = _agreement(cli, demo_db, "--coder", "referentie", "--coder", "rules", "--bootstrap", "200")
    # --all: as a coder, `rules` is every stored rule suggestion, also those below the threshold
    segs = json.loads(cli("segments", "--json", "--all", db=demo_db).stdout)
    participant_turns = [s for s in segs if s["role"] != "gespreksleider"]
    assert data["looked_at"]["rules"] == len(participant_turns)
    suggested = Counter(c["code"] for s in segs for c in s["codings"] if c["status"] == "suggested" and c["method"] == "rules")
    for f in data["codes"]:
        assert f["used"]["rules"] == suggested[f["code"]], f["code"]
    assert data["overall"]["alpha_ci"][0] <= data["overall"]["alpha"] <= data["overall"]["alpha_ci"][1]


def test_a_real_coder_named_rules_is_that_coder(study_db):
    db = open_project(study_db, create=False)
    with db.conn:
        db.execute("UPDATE codings SET coder = 'rules' WHERE coder = 'bram'")
        db.execute("UPDATE seen SET coder = 'rules' WHERE coder = 'bram'")
    bram_like, _, _ = unit_patterns(db, ["anna", "rules"])
    assert sum(bram_like.values()) == 10  # the ten turns both read, not every turn


@pytest.mark.parametrize("args, code, expected", [
    (["--coder", "anna", "--coder", "model"], 1, "unknown coder 'model'"),
    (["--coder", "anna", "--coder", "bram", "--bootstrap", "100000"], 2, "--bootstrap must be between 1 and 10,000"),
    (["--coder", "anna", "--coder", "bram", "--bootstrap", "-3"], 2, "--bootstrap must be between"),
])
def test_bad_input(cli, study_db, args, code, expected):
    fails_cleanly(cli, study_db, ["agreement", *args], code, expected)


def test_a_method_is_a_coder_only_when_it_suggested_something(study_db):
    db = open_project(study_db, create=False)
    from focuscode.errors import UnknownCoderError

    with pytest.raises(UnknownCoderError, match=r"coders here: anna, bram\)$"):
        check_coders(db, ["anna", "rules"])


def test_model_suggestions_compared_as_a_coder(cli, study_db):
    # Suggestions as `suggest --coder` stores them for the learned classifier: method model,
    # no coder, the probability as score (the training itself is tested in tests/suggest).
    from focuscode.codes import code_id
    from focuscode.db import now

    from methods.methodskit import NOTES, ZOOM, segment_id

    db = open_project(study_db, create=False)
    stamp = now()
    with db.conn:
        for session, turn, code, p in ((ZOOM, 3, "scholing", 0.81), (NOTES, 3, "scholing", 0.77), (NOTES, 4, "invallen", 0.58)):
            db.execute("INSERT INTO codings (segment_id, code_id, coder, status, method, score, evidence, created_at, updated_at)"
                       " VALUES (?, ?, NULL, 'suggested', 'model', ?, '{}', ?, ?)",
                       [segment_id(db, session, turn), code_id(db, code), p, stamp, stamp])
    data = _agreement(cli, study_db, "--coder", "anna", "--coder", "model", "--bootstrap", "200")
    assert data["looked_at"] == {"anna": 13, "model": 13}
    used = {f["code"]: f["used"] for f in data["codes"]}
    assert used["scholing"] == {"anna": 3, "model": 2} and used["invallen"]["model"] == 1
    assert data["double_coded"] == {"units": 13, "of": 13, "percent": 100.0}
