"""The bag-of-words text classifier trained on coder decisions."""

from __future__ import annotations

import pytest

from focuscode.errors import FocuscodeError
from focuscode.nlp.textcat import TrainedModel, train_textcat


HELD_OUT = [
    ("Vorige week moest ik twee keer invallen en daarna ook nog surveilleren.", "ad-hoctaken"),
    ("Ik wil graag naar de pabo, want ik zie hier geen doorgroeimogelijkheden.", "doorgroei"),
    ("Onze directie heeft eigenlijk geen visie op wat wij doen.", "visie"),
    ("Het overleg met de leerkracht is altijd buiten mijn werktijd.", "afstemming"),
]


@pytest.fixture(scope="module")
def examples(coded_segments):
    return coded_segments(120, seed=1)


@pytest.fixture(scope="module")
def model(examples):
    return train_textcat(examples, seed=0)


def test_model_learns_the_themes(model):
    scores = model.predict([text for text, _ in HELD_OUT])
    for (text, theme), s in zip(HELD_OUT, scores):
        assert max(s, key=s.get) == theme, (text, s)
        assert s[theme] > 0.5
    assert set(scores[0]) == {"ad-hoctaken", "afstemming", "doorgroei", "visie"}


def test_same_data_and_seed_give_the_same_scores(examples, model):
    again = train_textcat(examples, seed=0)
    texts = [text for text, _ in HELD_OUT]
    assert again.predict(texts) == model.predict(texts)
    other = train_textcat(examples, seed=1)
    assert other.predict(texts) != model.predict(texts)


def test_round_trip_through_bytes(model):
    blob = model.to_bytes()
    assert isinstance(blob, bytes)
    assert len(blob) < 1_000_000  # fits comfortably in a SQLite blob
    restored = TrainedModel.from_bytes(blob)
    texts = [text for text, _ in HELD_OUT]
    assert restored.predict(texts) == model.predict(texts)
    assert restored.meta == model.meta


def test_metadata_records_how_it_was_trained(examples, model):
    meta = model.meta
    assert meta["architecture"] == "spacy.TextCatBOW.v3"
    assert meta["labels"] == ["ad-hoctaken", "afstemming", "doorgroei", "visie"]
    assert meta["seed"] == 0
    assert meta["n_examples"] == len(examples)
    assert meta["spacy_version"].startswith("3.")
    accepted = sum(1 for _, d in examples if d.get("visie") is True)
    rejected = sum(1 for _, d in examples if d.get("visie") is False)
    assert meta["label_counts"]["visie"] == {"accepted": accepted, "rejected": rejected}


def test_missing_labels_are_not_taken_as_rejections(coded_segments):
    # 'visie' is decided only where it was accepted; everywhere else nobody looked.
    # Were the missing decisions read as rejections, every visie score would be low.
    examples = [(text, {k: v for k, v in d.items() if k != "visie"}) for text, d in coded_segments(60, seed=2)]
    examples += [("De directie heeft geen visie op onze inzet.", {"visie": True})] * 3
    model = train_textcat(examples, seed=0)
    [scores] = model.predict(["Ik help bij het lezen in groep drie."])
    assert scores["visie"] > 0.5


def test_predict_streams(model):
    texts = (text for text, _ in HELD_OUT)
    stream = model.predict_iter(texts, batch_size=2)
    assert next(stream)["ad-hoctaken"] > 0.5
    assert len(list(stream)) == 3
    assert model.predict([""]) and set(model.predict([""])[0]) == set(model.labels)


def test_bad_input_and_blobs_are_domain_errors():
    with pytest.raises(FocuscodeError):
        train_textcat([])
    with pytest.raises(FocuscodeError):
        train_textcat([("tekst zonder beslissingen", {})])
    with pytest.raises(FocuscodeError) as info:
        TrainedModel.from_bytes(b"not a model")
    assert "\n" not in str(info.value)
