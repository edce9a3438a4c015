"""evaluate against the reference coder, doctor with and without a project, suggest --model PATH."""

from __future__ import annotations

import json
import sqlite3

import pytest

from fctest import db_snapshot
from tests.suggest.sample_project import CODER

METHODS = ("rules", "model", "combined")


def test_evaluate_prints_figures_for_rules_model_and_combined(cli, sample_db):
    before = db_snapshot(sample_db)
    result = cli("evaluate", "--coder", CODER, "--k", "3")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "3-fold cross-validation" in out
    for method in METHODS:
        row = next(line for line in out.splitlines() if line.strip().startswith(method + " "))
        figures = [float(x) for x in row.split()[1:8]]
        assert all(0 <= x <= 1 for x in figures[:6]) and -1 <= figures[6] <= 1
    assert "Per code" in out and "invallen en lessen overnemen" in out
    assert db_snapshot(sample_db) == before  # evaluating never changes the project


def test_evaluate_json_is_consistent(cli, sample_db):
    report = json.loads(cli("evaluate", "--coder", CODER, "--k", "3", "--json").stdout)
    assert report["coder"] == CODER and report["level"] == "codes" and report["k"] == 3
    assert report["rules_from"] == "stored"
    for method in METHODS:
        micro = report[method]["micro"]
        assert 0 <= micro["precision"] <= 1 and 0 <= micro["recall"] <= 1
        assert -1 <= report[method]["kappa"] <= 1
    # the union of rules and model finds at least what the rules find
    assert report["combined"]["micro"]["recall"] >= report["rules"]["micro"]["recall"]
    # the rules do far better than chance against the reference coding
    assert report["rules"]["kappa"] > 0.4
    assert report["rules"]["micro"]["support"] == report["model"]["micro"]["support"]
    assert set(report["learned"]) >= {"visie", "ad-hoctaken", "doorgroei", "afstemming"}


def test_evaluate_themes_rolls_subcodes_up(cli, sample_db):
    report = json.loads(cli("evaluate", "--coder", CODER, "--themes", "--k", "3", "--json").stdout)
    # oop.yaml: the design card's four themes plus added value and general vision, codes of their own (#12)
    assert report["labels"] == ["ad-hoctaken", "afstemming", "algemene onderwijsvisie", "doorgroei", "meerwaarde", "visie"]
    assert report["pairs"] == 6 * report["segments"]  # every segment was seen: every theme decided
    assert report["rules"]["micro"]["f1"] > 0.5


def test_evaluate_runs_the_rules_when_none_are_stored(cli, sample_db):
    conn = sqlite3.connect(sample_db)
    with conn:
        conn.execute("DELETE FROM codings WHERE method = 'rules' AND coder IS NULL")
    conn.close()
    before = db_snapshot(sample_db)
    report = json.loads(cli("evaluate", "--coder", CODER, "--themes", "--k", "3", "--json").stdout)
    assert report["rules_from"].startswith("fallback")
    assert report["rules"]["micro"]["f1"] > 0.5
    assert db_snapshot(sample_db) == before


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--coder", "niemand"], "coder 'niemand' has no decisions"),
        (["--coder", CODER, "--k", "1"], "--k must be at least 2"),
        (["--coder", CODER, "--threshold", "2"], "--threshold"),
        ([], "a coder name is needed"),
    ],
)
def test_evaluate_bad_input(cli, sample_db, args, needle):
    before = db_snapshot(sample_db)
    result = cli("evaluate", *args)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and needle in errors[0]
    assert db_snapshot(sample_db) == before


def test_evaluate_too_few_decisions(cli, sample_db):
    conn = sqlite3.connect(sample_db)
    with conn:
        for segment in (1, 2, 3, 4, 5, 6):
            conn.execute(
                "INSERT INTO codings (segment_id, code_id, coder, status, method, created_at, updated_at) "
                "VALUES (?, 1, 'nieuw', 'accepted', 'manual', 'x', 'x')",
                [segment],
            )
    conn.close()
    result = cli("evaluate", "--coder", "nieuw")
    assert result.exit_code == 1
    assert "too few decisions" in result.stderr and "5 accepted and 5 rejected" in result.stderr


def test_doctor_without_a_project(cli, runner, tmp_path, monkeypatch):
    from focuscode.cli import app

    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["doctor", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["project"] is None
    assert "Project: none here" in runner.invoke(app, ["doctor"]).stdout
    # a --db that does not exist is reported, never created
    result = cli("doctor", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["pipeline"]["components"] == ["sentencizer", "focuscode_lemmatizer"]
    assert report["dutch_model"] == {
        "name": "nl_core_news_sm", "installed": False, "version": None,
        "install": "python -m spacy download nl_core_news_sm",
    }
    assert report["spacy"].startswith("3.") and report["spacy_lookups_data"]
    assert isinstance(report["deduce"]["built"], bool) and "focuscode" in report["deduce"]["cache"]
    assert report["project"]["exists"] is False
    assert not (tmp_path / "project.db").exists()
    human = cli("doctor").stdout
    assert "Pipeline: fallback" in human and "python -m spacy download nl_core_news_sm" in human
    assert "deduce" in human


def test_doctor_with_the_sample_project(cli, sample_db):
    before = db_snapshot(sample_db)
    report = json.loads(cli("doctor", "--json").stdout)
    project = report["project"]
    assert project["exists"] and project["migrations"][0] == "m001_initial" and not project["unknown"]
    assert project["counts"]["segments"] > 200
    human = cli("doctor").stdout
    assert "migrations applied: m001_initial" in human
    assert db_snapshot(sample_db) == before


@pytest.fixture(scope="module")
def saved_pipeline(tmp_path_factory):
    from tests.nlp.test_pipeline import _train_small_pipeline

    path = tmp_path_factory.mktemp("pipelines") / "oop_test"
    _train_small_pipeline(path)
    return path


def test_suggest_with_a_pipeline_folder(cli, sample_db, saved_pipeline):
    result = cli("suggest", "--model", saved_pipeline, "--coder", CODER, "--json")
    assert result.exit_code == 0, result.output
    assert "using the fallback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["pipeline"].startswith("nl_oop_test 0.0.1")
    assert report["suggestions"] > 100 and report["model_suggestions"] > 0
    conn = sqlite3.connect(sample_db)
    (pipeline,) = conn.execute("SELECT pipeline FROM models").fetchone()
    conn.close()
    assert pipeline.startswith("nl_oop_test 0.0.1")
    doctor = json.loads(cli("doctor", "--model", saved_pipeline, "--json").stdout)
    assert doctor["pipeline"]["components"] == ["tagger", "sentencizer", "focuscode_lemmatizer"]
    assert doctor["pipeline"]["model_version"] == "0.0.1"
