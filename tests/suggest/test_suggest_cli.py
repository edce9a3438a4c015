"""suggest: rules over the sample corpus, and a model learned from the reference coder."""

from __future__ import annotations

import json
import sqlite3

import yaml

from fctest import db_snapshot
from tests.suggest.sample_project import CODER, UNDECIDED

THEMES = ("visie", "algemene onderwijsvisie", "meerwaarde", "ad-hoctaken", "doorgroei", "afstemming")


def _themes_of_oop() -> set[str]:
    from tests.suggest.sample_project import CODEBOOK

    return {c["name"] for c in yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))}


def _rows(path, sql, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_rules_suggest_every_theme_with_evidence_in_segments_json(cli, sample_db):
    assert set(THEMES) == _themes_of_oop()
    result = cli("segments", "--json")
    assert result.exit_code == 0, result.output
    segments = json.loads(result.stdout)
    suggested = [c for s in segments for c in s["codings"] if c["status"] == "suggested" and c["method"] == "rules"]
    assert {c["theme"] for c in suggested} == set(THEMES)
    for c in suggested:
        assert 0 < c["score"] <= 1
        match = c["evidence"]["matches"][0]
        assert match.get("keyword") or match.get("pattern")
        assert match["text"] and match["end"] > match["start"]
    # Dutch compounds are matched through their head or tail
    assert any(m["compound"] for c in suggested for m in c["evidence"]["matches"])
    # suggestions by closeness name the closest example or include text and the words shared with it
    close = [c for s in segments for c in s["codings"] if c["method"] == "similarity"]
    assert close and all(c["evidence"]["closest"]["kind"] in ("example", "include") for c in close)
    assert all(c["evidence"]["closest"]["text"] and len(c["evidence"]["shared"]) >= 2 for c in close)


def test_human_segments_output_shows_rule_evidence(cli, sample_db):
    out = cli("segments", "--limit", "40").stdout
    assert "[suggested, rules, 0." in out and "evidence: " in out and "≈" in out


def test_suggest_with_coder_trains_stores_and_suggests(cli, sample_db):
    result = cli("suggest", "--coder", CODER, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert "Learned from referentie's decisions" in result.stderr
    assert "Skipped for too few decisions" in result.stderr
    model = report["model"]
    assert set(THEMES) <= set(model["trained"])
    assert report["model_suggestions"] > 0

    (row,) = _rows(sample_db, "SELECT id, kind, coder, pipeline, labels, trained_on, metadata, length(data) FROM models")
    model_id, kind, coder, pipeline, labels, trained_on, metadata, size = row
    assert (model_id, kind, coder) == (model["id"], "textcat", CODER)
    assert "fallback" in pipeline and size > 1000
    assert json.loads(labels) == model["trained"]
    trained_on = json.loads(trained_on)
    decided = _rows(sample_db, "SELECT segment_id FROM seen WHERE coder = ?", [CODER])
    assert set(trained_on["segment_ids"]) == {r[0] for r in decided}
    assert len(trained_on["coding_ids"]) == _rows(sample_db, "SELECT count(*) FROM codings WHERE coder = ?", [CODER])[0][0]
    meta = json.loads(metadata)
    from focuscode.nlp.calibration import default_threshold

    cut = default_threshold()
    assert meta["seed"] == 0 and meta["threshold"] == cut and meta["spacy_version"] and meta["trained_at"]
    assert meta["label_counts"]["visie"]["accepted"] >= 5

    suggestions = _rows(
        sample_db,
        """SELECT c.segment_id, k.name, c.score, c.evidence, c.model_id, t.name FROM codings c
           JOIN codes k ON k.id = c.code_id JOIN segments s ON s.id = c.segment_id
           JOIN transcripts t ON t.id = s.transcript_id WHERE c.method = 'model'""",
    )
    assert len(suggestions) == report["model_suggestions"]
    # only segments the coder has not decided: those of the transcript left out of the reference
    assert {r[5] for r in suggestions} == {UNDECIDED}
    for _, code, score, evidence, mid, _ in suggestions:
        ev = json.loads(evidence)
        assert mid == model_id and ev["model"] == model_id
        assert ev["trained_on"] == len(trained_on["segment_ids"])
        assert score >= cut and abs(ev["probability"] - score) < 1e-3
        assert code in model["trained"]
    # the terms that explain a suggestion are lemmas of words in that very segment
    from focuscode.nlp.lexicon import lemmatize_lower

    texts = dict(_rows(sample_db, "SELECT id, text FROM segments"))
    with_terms = [(sid, json.loads(ev)["terms"]) for sid, _, _, ev, _, _ in suggestions if "terms" in json.loads(ev)]
    assert len(with_terms) > len(suggestions) // 2
    for sid, terms in with_terms:
        assert 1 <= len(terms) <= 3
        words = {lemmatize_lower(w.strip(".,?!:;'\"()").lower()) for w in texts[sid].split()}
        assert set(terms) <= words, (terms, texts[sid])


def test_model_suggestions_show_in_segments(cli, sample_db):
    assert cli("suggest", "--coder", CODER).exit_code == 0
    segments = json.loads(cli("segments", "--transcript", UNDECIDED, "--json").stdout)
    model = [c for s in segments for c in s["codings"] if c["method"] == "model"]
    assert model and all(c["status"] == "suggested" and c["coder"] is None for c in model)
    # never on a segment the coder decided, and never an everyday word as the reason (#12)
    decided = {r[0] for r in _rows(sample_db, "SELECT segment_id FROM seen WHERE coder = ? UNION "
                                               "SELECT segment_id FROM codings WHERE coder = ?", [CODER, CODER])}
    everywhere = {r[0] for r in _rows(sample_db, "SELECT segment_id FROM codings WHERE method = 'model'")}
    assert everywhere and not everywhere & decided
    from focuscode.learning import FILLERS

    assert not {t for c in model for t in c["evidence"].get("terms", [])} & (FILLERS | {"heel", "begin", "eigenlijk"})
    assert all({"model", "trained_on", "probability"} <= set(c["evidence"]) for c in model)
    human = cli("segments", "--transcript", UNDECIDED).stdout
    assert "[suggested, model, 0." in human and "learned from" in human


def test_training_is_reproducible_and_a_rerun_replaces(cli, sample_db):
    assert cli("suggest", "--coder", CODER).exit_code == 0
    sql = "SELECT segment_id, code_id, score FROM codings WHERE method = 'model' ORDER BY 1, 2"
    first = _rows(sample_db, sql)
    rules_before = _rows(sample_db, "SELECT count(*) FROM codings WHERE method = 'rules'")
    assert cli("suggest", "--coder", CODER).exit_code == 0
    second = _rows(sample_db, sql)
    assert first == second and first
    assert _rows(sample_db, "SELECT count(*) FROM codings WHERE method = 'rules'") == rules_before
    # the second run's suggestions point at the second model
    assert _rows(sample_db, "SELECT DISTINCT model_id FROM codings WHERE method = 'model'") == [(2,)]


def test_rule_and_model_suggestions_for_one_pair_coexist(cli, sample_db):
    assert cli("suggest", "--coder", CODER, "--threshold", "0.3").exit_code == 0
    both = _rows(
        sample_db,
        """SELECT segment_id, code_id FROM codings WHERE coder IS NULL GROUP BY segment_id, code_id
           HAVING count(DISTINCT method) = 2""",
    )
    assert both


def test_threshold_filters_model_suggestions(cli, sample_db):
    assert cli("suggest", "--coder", CODER, "--threshold", "0.9").exit_code == 0
    scores = [r[0] for r in _rows(sample_db, "SELECT score FROM codings WHERE method = 'model'")]
    assert all(s >= 0.9 for s in scores)
    assert cli("suggest", "--coder", CODER, "--threshold", "0.3").exit_code == 0
    assert len(_rows(sample_db, "SELECT score FROM codings WHERE method = 'model'")) > len(scores)


def test_without_coder_rules_only(cli, sample_db):
    result = cli("suggest")
    assert result.exit_code == 0
    assert "model suggestions" not in result.stdout
    assert _rows(sample_db, "SELECT count(*) FROM models") == [(0,)]


def test_coder_with_too_few_decisions_gets_rules_and_a_notice(cli, sample_db):
    conn = sqlite3.connect(sample_db)
    with conn:
        conn.execute(
            "INSERT INTO codings (segment_id, code_id, coder, status, method, created_at, updated_at) "
            "VALUES (1, 1, 'nieuw', 'accepted', 'manual', 'x', 'x')"
        )
    conn.close()
    result = cli("suggest", "--coder", "nieuw")
    assert result.exit_code == 0
    assert "No model trained" in result.stderr and "visie (1/0)" in result.stderr
    assert _rows(sample_db, "SELECT count(*) FROM models") == [(0,)]


def test_coder_without_decisions_still_gets_rules(cli, sample_db):
    # FOCUSCODE_CODER is set before a new coder has decided anything
    result = cli("suggest", env={"FOCUSCODE_CODER": "niemand"})
    assert result.exit_code == 0, result.output
    assert "No model trained: coder 'niemand' has no decisions" in result.stderr and "referentie" in result.stderr
    assert "rule suggestions" in result.stdout
    assert _rows(sample_db, "SELECT count(*) FROM models") == [(0,)]


def test_models_behind_decisions_are_kept_the_rest_pruned(cli, sample_db):
    assert cli("suggest", "--coder", CODER).exit_code == 0
    assert cli("suggest", "--coder", CODER).exit_code == 0
    # nobody decided on model 1's suggestions: only the current model remains
    assert _rows(sample_db, "SELECT id FROM models") == [(2,)]
    # another coder accepts one of model 2's suggestions; the decision keeps its evidence
    segment, code = _rows(
        sample_db,
        "SELECT c.segment_id, k.name FROM codings c JOIN codes k ON k.id = c.code_id WHERE c.method = 'model' "
        "AND NOT EXISTS (SELECT 1 FROM codings r WHERE r.segment_id = c.segment_id AND r.code_id = c.code_id "
        "AND r.method = 'rules') LIMIT 1",
    )[0]
    assert cli("code", str(segment), code, "--coder", "ans").exit_code == 0
    (decision,) = _rows(sample_db, "SELECT method, evidence FROM codings WHERE coder = 'ans'")
    assert decision[0] == "model" and json.loads(decision[1])["model"] == 2
    assert cli("suggest", "--coder", CODER).exit_code == 0
    assert _rows(sample_db, "SELECT id FROM models ORDER BY id") == [(2,), (3,)]
