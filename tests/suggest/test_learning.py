"""A coder's decisions as training examples: accepted, rejected, seen, and subcodes rolled up."""

from __future__ import annotations

import pytest

from focuscode.codebook import parse_codebook
from focuscode.codes import code_id, load_codebook_into
from focuscode.coding import set_decision
from focuscode.db import now, open_project, transaction
from focuscode.errors import UnknownCoderError
from focuscode.learning import Examples, coder_examples

BOOK = """
- name: ad-hoctaken
  keywords: [klus]
  children:
    - name: invallen
      keywords: [invallen]
    - name: klusjes
      keywords: [kopiëren]
- name: doorgroei
  keywords: [pabo]
"""

TURNS = [
    "Als de juf ziek is val ik in, dan neem ik de hele groep over.",
    "Ik sta vaak bij het kopieerapparaat werkbladen te kopiëren.",
    "Ik wil de pabo gaan doen, maar dat moet ik zelf betalen.",
    "Er is bij ons geen overleg over wat wij doen.",
]


@pytest.fixture
def db(tmp_path):
    db = open_project(tmp_path / "p.db", create=True)
    load_codebook_into(db, parse_codebook(BOOK, "book.yaml"))
    stamp = now()
    with transaction(db):
        tid = db.table("transcripts").insert(
            {"name": "fg.txt", "source": "focusgroep", "source_type": "text", "file_hash": "x", "imported_at": stamp}
        ).last_pk
        for i, text in enumerate(TURNS, start=1):
            db.table("segments").insert({"transcript_id": tid, "ordinal": i, "text": text, "text_hash": str(i)})
    return db


def _decide(db, segment, code, status, coder="ans"):
    with transaction(db):
        set_decision(db, segment, code_id(db, code), coder, status)


def test_accepted_subcode_is_positive_for_its_theme_and_rejections_are_negatives(db):
    _decide(db, 1, "invallen", "accepted")
    _decide(db, 2, "invallen", "rejected")
    ex = coder_examples(db, "ans")
    assert ex.segment_ids == [1, 2]
    assert ex.labels[0] == {"invallen": True, "ad-hoctaken": True}
    # rejecting a subcode says nothing about its theme or the other codes
    assert ex.labels[1] == {"invallen": False}
    assert ex.texts[0] == TURNS[0]
    assert len(ex.coding_ids) == 2


def test_seen_segment_is_negative_for_every_code_not_accepted(db):
    _decide(db, 3, "doorgroei", "accepted")
    with transaction(db):
        db.execute("INSERT INTO seen (segment_id, coder, at) VALUES (3, 'ans', 'x'), (4, 'ans', 'x')")
    ex = coder_examples(db, "ans")
    assert ex.segment_ids == [3, 4]
    assert ex.labels[0] == {"doorgroei": True, "ad-hoctaken": False, "invallen": False, "klusjes": False}
    assert ex.labels[1] == dict.fromkeys(["ad-hoctaken", "invallen", "klusjes", "doorgroei"], False)
    assert ex.counts()["doorgroei"] == (1, 1)


def test_theme_level_labels(db):
    _decide(db, 2, "klusjes", "accepted")
    _decide(db, 1, "klusjes", "rejected")
    _decide(db, 4, "doorgroei", "rejected")
    with transaction(db):
        db.execute("INSERT INTO seen (segment_id, coder, at) VALUES (2, 'ans', 'x')")
    ex = coder_examples(db, "ans", themes=True)
    by_segment = dict(zip(ex.segment_ids, ex.labels))
    assert by_segment[2] == {"ad-hoctaken": True, "doorgroei": False}
    assert by_segment[4] == {"doorgroei": False}
    assert 1 not in by_segment  # a rejected subcode leaves its theme undecided


def test_other_coders_and_unknown_coder(db):
    _decide(db, 1, "invallen", "accepted", coder="bram")
    with pytest.raises(UnknownCoderError) as info:
        coder_examples(db, "ans")
    assert "'ans'" in str(info.value) and "bram" in str(info.value)
    assert coder_examples(db, "bram").segment_ids == [1]


def test_enough_needs_five_accepted_and_five_rejected(db):
    ex = Examples(coder="ans")
    ex.labels = [{"visie": True}] * 5 + [{"visie": False}] * 4 + [{"doorgroei": True}] * 5 + [{"doorgroei": False}] * 5
    assert ex.enough() == ["doorgroei"]
