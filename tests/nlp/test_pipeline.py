"""Choosing, loading and describing the spaCy pipeline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from focuscode.errors import ModelError
from focuscode.nlp import pipeline as pl

SRC = str(Path(__file__).parents[2] / "src")


def test_fallback_pipeline_lemmatises_and_splits_sentences(fallback):
    assert fallback.is_fallback
    assert fallback.components == ["sentencizer", "focuscode_lemmatizer"]
    doc = fallback.nlp("De leraren krijgen veel taken. Ik val vaak in voor collega's.")
    assert [t.lemma_ for t in doc][:5] == ["de", "leraar", "krijgen", "veel", "taak"]
    assert len(list(doc.sents)) == 2
    assert fallback.model_version is None
    assert "spacy-lookups-data" in fallback.lemmatizer_info


def test_fallback_notifies_once_per_process(monkeypatch):
    if pl.model_installed(pl.DEFAULT_MODEL):
        pytest.skip("nl_core_news_sm is installed here, so there is no fallback to announce")
    monkeypatch.setattr(pl, "_notified", False)
    messages: list[str] = []
    first = pl.load_pipeline(None, notify=messages.append)
    second = pl.load_pipeline(None, notify=messages.append)
    assert first is second
    assert len(messages) == 1
    assert "\n" not in messages[0]
    assert "fallback" in messages[0] and "python -m spacy download nl_core_news_sm" in messages[0]


def test_unknown_model_is_a_one_line_model_error():
    with pytest.raises(ModelError) as info:
        pl.load_pipeline("nl_core_news_xxl_does_not_exist")
    message = str(info.value)
    assert "\n" not in message
    assert message == (
        "spaCy model 'nl_core_news_xxl_does_not_exist' is not installed and is not a pipeline folder; "
        "install it with: python -m spacy download nl_core_news_xxl_does_not_exist"
    )


def test_broken_pipeline_folder_is_a_model_error(tmp_path):
    (tmp_path / "config.cfg").write_text("[nlp]\nlang = \"xx-not-a-language\"\n", encoding="utf-8")
    with pytest.raises(ModelError) as info:
        pl.load_pipeline(str(tmp_path))
    assert "could not be loaded" in str(info.value)
    assert "\n" not in str(info.value)


def _train_small_pipeline(path: Path) -> None:
    """A tiny tagger + NER pipeline, standing in for nl_core_news_sm (not installable here)."""
    import spacy
    from spacy.training import Example

    nlp = spacy.blank("nl")
    nlp.meta["name"] = "oop_test"
    nlp.meta["version"] = "0.0.1"
    nlp.add_pipe("tagger")
    nlp.add_pipe("ner")
    data = [
        ("De onderwijsassistent helpt in [plaats].", ["DET", "NOUN", "VERB", "ADP", "PUNCT", "PROPN", "PUNCT", "PUNCT"],
         [(32, 38, "LOC")]),
        ("Ik val in voor de leraar.", ["PRON", "VERB", "ADP", "ADP", "DET", "NOUN", "PUNCT"], []),
    ]
    examples = []
    for text, tags, ents in data:
        doc = nlp.make_doc(text)
        assert len(doc) == len(tags), [t.text for t in doc]
        examples.append(Example.from_dict(doc, {"tags": tags, "entities": ents}))
    spacy.util.fix_random_seed(0)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(5):
        nlp.update(examples, sgd=optimizer)
    nlp.to_disk(path)


@pytest.fixture(scope="module")
def saved_pipeline(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pipelines") / "oop_test"
    _train_small_pipeline(path)
    return path


def test_saved_pipeline_folder_is_used_not_the_fallback(saved_pipeline):
    p = pl.load_pipeline(str(saved_pipeline))
    assert not p.is_fallback
    assert p.name.startswith("nl_oop_test 0.0.1")
    assert p.model_version == "0.0.1"
    # NER is left out unless asked for; a sentencizer and our lemmatizer stand in for
    # the parser and the lemmatizer the folder does not have
    assert p.components == ["tagger", "sentencizer", "focuscode_lemmatizer"]
    doc = p.nlp("De onderwijsassistent helpt de leraren.")
    assert doc.has_annotation("TAG")
    assert doc[4].lemma_ == "leraar"
    assert pl.load_pipeline(str(saved_pipeline)) is p  # cached


def test_saved_pipeline_keeps_ner_when_entities_wanted(saved_pipeline):
    p = pl.load_pipeline(str(saved_pipeline), entities=True)
    assert "ner" in p.components
    assert p is not pl.load_pipeline(str(saved_pipeline))


def test_saved_pipeline_with_our_lemmatizer_loads(tmp_path):
    import spacy

    nlp = spacy.blank("nl")
    nlp.add_pipe("focuscode_lemmatizer")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "lemmas")
    p = pl.load_pipeline(str(tmp_path / "lemmas"))
    assert p.components == ["focuscode_lemmatizer", "sentencizer"]
    assert [t.lemma_ for t in p.nlp("kinderen scholen")] == ["kind", "school"]


def test_pipeline_info_for_doctor(fallback):
    info = pl.pipeline_info(fallback)
    assert info["name"] == pl.FALLBACK_NAME
    assert info["is_fallback"] is True
    assert info["install_hint"] == "python -m spacy download nl_core_news_sm"
    assert info["lookups_version"]
    assert info["spacy_version"].startswith("3.")
    assert info["components"] == ["sentencizer", "focuscode_lemmatizer"]


def test_fallback_works_with_two_processes(fallback):
    texts = ["De leraren geven lessen.", "Zij surveilleert bij toetsen.", "Scholen hebben geen visie."] * 4
    docs = list(fallback.nlp.pipe(texts, n_process=2, batch_size=2))
    assert [d[1].lemma_ for d in docs[:3]] == ["leraar", "surveilleren", "hebben"]
    assert docs[2][0].lemma_ == "school"


def test_importing_the_package_is_cheap():
    code = (
        "import sys, focuscode.nlp, focuscode.nlp.pipeline, focuscode.nlp.metrics;"
        "heavy = [m for m in ('spacy', 'numpy', 'thinc', 'typer', 'rich') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": SRC})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
