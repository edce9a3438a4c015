"""Bad input to suggest and evaluate: one line on stderr, exit 1, the project unchanged."""

from __future__ import annotations

import pytest

from fctest import db_snapshot

GOOD = """
- name: visie
  keywords: [visie, beleid]
  children:
    - name: schoolvisie op inzet
      keywords: [inzetplan]
"""


@pytest.fixture
def project(cli, db_path, tmp_path):
    """A project with two imported turns and a valid codebook, suggested once."""
    transcript = tmp_path / "focusgroep-mini.txt"
    transcript.write_text(
        "Gespreksleider: Heeft de school een visie op jullie inzet?\n"
        "OOP'er 1: Een visie, nou, dat zou ik het niet noemen. Het was gewoon nood.\n"
        "OOP'er 2: In het inzetplan staat niets over onderwijsassistenten.\n",
        encoding="utf-8",
    )
    book = tmp_path / "good.yaml"
    book.write_text(GOOD, encoding="utf-8")
    assert cli("codebook", "load", book).exit_code == 0
    result = cli("import", transcript, "--source", "focusgroep", "--allow-pii", "--allow-unknown")
    assert result.exit_code == 0, result.output
    assert cli("suggest").exit_code == 0
    return db_path


def _load_bad_codebook(project, tmp_path, text):
    """Store a codebook straight into the project's codes table, past the validator (which
    now refuses these at `codebook load`, as a project made by an older focuscode may hold
    them), to test suggest's own defence."""
    import yaml

    from focuscode.codebook import Code, Codebook, Keyword
    from focuscode.codes import load_codebook_into
    from focuscode.db import open_project

    def build(entry, parent=None):
        code = Code(name=entry["name"], parent=parent, keywords=[Keyword(k.strip()) for k in entry.get("keywords", [])],
                    patterns=entry.get("patterns", []))
        code.children = [build(child, entry["name"]) for child in entry.get("children", [])]
        return code

    db = open_project(project)
    load_codebook_into(db, Codebook([build(entry) for entry in yaml.safe_load(text)], "bad.yaml"))
    db.close()


def _assert_one_line_failure(result, *needles):
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    error = [line for line in lines if line.startswith("Error:")]
    assert len(error) == 1, result.stderr
    for needle in needles:
        assert needle in error[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("keyword", ["...", " - ", "?!"])
def test_keyword_that_lemmatises_to_nothing(cli, project, tmp_path, keyword):
    _load_bad_codebook(project, tmp_path, GOOD.replace("[visie, beleid]", f'[visie, "{keyword}"]'))
    before = db_snapshot(project)
    result = cli("suggest")
    _assert_one_line_failure(result, f"'{keyword.strip()}'", "'visie'", "no word")
    assert db_snapshot(project) == before


@pytest.mark.parametrize(
    "pattern, shown",
    [
        ('[{"LEMMA": "visie"}, {"LENGTH": "lang"}]', "LENGTH"),
        ('[{"LEMMA": {"IN": "visie"}}]', '{"IN": "visie"}'),
        ('[{"LEMMA": {"REGEX": 5}}]', "REGEX"),
    ],
)
def test_pattern_that_spacy_rejects(cli, project, tmp_path, pattern, shown):
    _load_bad_codebook(project, tmp_path, GOOD + f"  patterns:\n    - {pattern}\n")
    before = db_snapshot(project)
    result = cli("suggest")
    _assert_one_line_failure(result, "code 'visie'", "spaCy rejects pattern", shown)
    assert db_snapshot(project) == before


def test_operator_spacy_does_not_know_is_caught_when_loading(cli, project, tmp_path):
    book = tmp_path / "bad.yaml"
    book.write_text(GOOD + '  patterns:\n    - [{"LEMMA": "visie", "OP": "++"}]\n', encoding="utf-8")
    before = db_snapshot(project)
    result = cli("codebook", "load", book)
    _assert_one_line_failure(result, "bad.yaml:", "unknown operator '++'")
    assert db_snapshot(project) == before


@pytest.mark.parametrize("model", ["nl_core_news_xl_bestaatniet", "does/not/exist"])
def test_model_that_does_not_exist(cli, project, tmp_path, model):
    before = db_snapshot(project)
    result = cli("suggest", "--model", model)
    _assert_one_line_failure(result, f"'{model}'", "not installed", "python -m spacy download")
    assert db_snapshot(project) == before


def test_folder_that_is_not_a_pipeline(cli, project, tmp_path):
    folder = tmp_path / "leeg"
    folder.mkdir()
    (folder / "config.cfg").write_text("[nlp]\nlang = \"xx_onbekend\"\n", encoding="utf-8")
    before = db_snapshot(project)
    result = cli("suggest", "--model", folder)
    _assert_one_line_failure(result, str(folder), "could not be loaded")
    assert db_snapshot(project) == before


@pytest.mark.parametrize("threshold", ["0", "1.5", "-0.2"])
def test_threshold_out_of_range(cli, project, threshold):
    before = db_snapshot(project)
    result = cli("suggest", "--coder", "ans", "--threshold", threshold)
    _assert_one_line_failure(result, "--threshold", threshold)
    assert db_snapshot(project) == before


def test_suggest_without_codebook(cli, db_path, tmp_path):
    assert cli("init").exit_code == 0
    before = db_snapshot(db_path)
    result = cli("suggest")
    _assert_one_line_failure(result, "no codebook loaded")
    assert db_snapshot(db_path) == before


def test_infinite_threshold(cli, project):
    """'inf' parses as a float (so click lets it through) but is no probability: refused like 1.5."""
    before = db_snapshot(project)
    result = cli("suggest", "--threshold", "inf")
    _assert_one_line_failure(result, "--threshold", "at most 1", "inf")
    assert db_snapshot(project) == before


def test_audit_without_codebook(cli, db_path):
    """`codebook audit` on a project that has no codebook yet (after `init` only): one line that
    says how to load one, not an empty report."""
    assert cli("init").exit_code == 0
    before = db_snapshot(db_path)
    for args in (("codebook", "audit"), ("codebook", "audit", "--json")):
        result = cli(*args)
        _assert_one_line_failure(result, "no codebook loaded", "codebook load")
        assert result.stdout == ""
    assert db_snapshot(db_path) == before
