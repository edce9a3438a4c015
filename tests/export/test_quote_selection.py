"""Quote selection on a constructed case: central, whole sentences, diverse, deterministic."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest

from focuscode.codebook import parse_codebook
from focuscode.codes import code_id, load_codebook_into
from focuscode.coding import set_decision
from focuscode.db import open_project, transaction
from focuscode.export.quotes import ELLIPSIS, pick_quotes, windows
from focuscode.export.summary import SummaryOptions, build_summary
from focuscode.importers import store
from focuscode.importers.store import ImportOptions, import_file

# OOP'er 1 (po) says four things about invallen, all very central to the theme; the two
# others say one thing each, and the vo voice is less typical. A ranking on centrality
# alone would quote OOP'er 1 three times and never the vo sector.
INVALLEN_PO = """\
Gespreksleider: Hoe vaak vallen jullie in?
OOP'er 1 (po): Ik val bijna elke week in als een leerkracht ziek is. Dan sta ik de hele dag voor de klas terwijl ik daar niet voor ben aangenomen. Invallen voor een zieke leerkracht is bij ons gewoon de regel geworden.
OOP'er 1 (po): Invallen gaat altijd voor. Als een leerkracht ziek is, dan vervalt mijn eigen werk met de groepjes en val ik in voor de klas. Niemand vraagt of ik dat wil.
OOP'er 1 (po): Vorige week viel ik drie dagen in voor een zieke leerkracht van groep 5. Ik sta dan voor de klas en de kinderen van mijn groepjes krijgen niets. Dat invallen is echt te veel.
OOP'er 1 (po): Eerlijk gezegd is invallen voor zieke leerkrachten het grootste deel van mijn week. Ik sta meer voor de klas dan dat ik mijn eigen werk doe, en dat was nooit de afspraak.
OOP'er 2 (po): Bij ons valt de directeur zelf in als een leerkracht ziek is. Ik word daar gelukkig buiten gehouden, want ik heb mijn eigen groepjes en die gaan gewoon door, ook op drukke dagen.
"""
INVALLEN_VO = """\
Gespreksleider: En in het voortgezet onderwijs?
OOP'er 1 (vo): Bij ons op het vmbo gaat het anders. Als een docent ontbreekt, surveilleer ik soms een uur in het lokaal, met een opdracht die de docent heeft klaargezet. Dat vind ik eigenlijk prima, zolang het niet elke dag gebeurt.
"""
PEOPLE_PO = "label,role,sector,school_type\nGespreksleider,gespreksleider,,\nOOP'er 1 (po),OOP'er,po,basisschool\nOOP'er 2 (po),OOP'er,po,kindcentrum\n"
PEOPLE_VO = "label,role,sector,school_type\nGespreksleider,gespreksleider,,\nOOP'er 1 (vo),OOP'er,vo,vmbo\n"
CODEBOOK = "- name: ad-hoctaken\n  children:\n    - name: invallen\n"


@pytest.fixture
def constructed(tmp_path) -> Path:
    for name, text, people in (("focusgroep-po.txt", INVALLEN_PO, PEOPLE_PO), ("focusgroep-vo.txt", INVALLEN_VO, PEOPLE_VO)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        (tmp_path / name.replace(".txt", ".participants.csv")).write_text(people, encoding="utf-8")
    path = tmp_path / "constructed.db"
    db = open_project(path)
    load_codebook_into(db, parse_codebook(CODEBOOK))
    with mock.patch.object(store, "gate", lambda *a, **k: []):
        for name in ("focusgroep-po.txt", "focusgroep-vo.txt"):
            import_file(db, tmp_path / name, ImportOptions(source="focusgroep"))
    with transaction(db):
        cid = code_id(db, "invallen")
        for (sid,) in db.execute(
            "SELECT s.id FROM segments s JOIN participants p ON p.id = s.participant_id WHERE p.is_facilitator = 0"
        ).fetchall():
            set_decision(db, sid, cid, "ans", "accepted")
    db.close()
    return path


def _quotes(path, **kw):
    db = open_project(path)
    try:
        return build_summary(db, SummaryOptions(**kw))[0].quotes
    finally:
        db.close()


def test_never_the_same_participant_twice_and_both_sectors_appear(constructed):
    quotes = _quotes(constructed, per_theme=3)
    speakers = [(q["sector"], q["text"][:30]) for q in quotes]
    assert len(quotes) == 3, speakers
    # The three candidates from different people: OOP'er 1 (po) once, OOP'er 2 (po), OOP'er 1 (vo).
    po_one = [q for q in quotes if "Ik val bijna" in q["text"] or "Invallen gaat" in q["text"]
              or "Vorige week" in q["text"] or "Eerlijk gezegd" in q["text"]]
    assert len(po_one) == 1
    assert {q["sector"] for q in quotes} == {"po", "vo"}
    assert all(q["attribution"] in ("[OOP'er po, focusgroep]", "[OOP'er vo, focusgroep]") for q in quotes)


def test_centrality_alone_would_have_repeated_the_participant(constructed):
    """The constructed case really tests diversity: OOP'er 1 (po) holds the most central turns."""
    quotes = _quotes(constructed, per_theme=10)
    assert len(quotes) == 3  # one per participant, even when more are asked for
    db = open_project(constructed)
    from focuscode.export.quotes import best_window, centroid_weighted, idf_table, lemma_counts, weigh

    texts = [r[0] for r in db.execute(
        "SELECT s.text FROM segments s JOIN participants p ON p.id = s.participant_id WHERE p.is_facilitator = 0")]
    counts = [lemma_counts(t) for t in texts]
    idf = idf_table(counts)
    center = centroid_weighted([weigh(c, idf) for c in counts], idf)
    ranked = sorted(texts, key=lambda t: -best_window(t, center)[1])
    assert sum("OOP'er 2" not in t and "vmbo" not in t and "directeur" not in t for t in ranked[:3]) >= 2
    db.close()


def test_first_quote_is_the_most_central_and_choice_is_deterministic(constructed):
    first = _quotes(constructed, per_theme=3)
    again = _quotes(constructed, per_theme=3)
    assert first == again
    assert first[0]["centrality"] == max(q["centrality"] for q in first)
    assert all(0 < q["centrality"] <= 1 for q in first)


def test_only_accepted_codings_by_default(constructed):
    db = open_project(constructed)
    with transaction(db):
        db.execute("UPDATE codings SET status = 'rejected' WHERE segment_id IN "
                   "(SELECT s.id FROM segments s JOIN participants p ON p.id = s.participant_id WHERE p.sector = 'vo')")
    db.close()
    quotes = _quotes(constructed, per_theme=3)
    assert {q["sector"] for q in quotes} == {"po"}


def test_suggestions_are_quoted_only_when_asked(constructed):
    db = open_project(constructed)
    with transaction(db):
        vo = db.execute("SELECT s.id FROM segments s JOIN participants p ON p.id = s.participant_id WHERE p.sector = 'vo'").fetchone()[0]
        db.execute("DELETE FROM codings WHERE segment_id = ?", [vo])
        db.execute("INSERT INTO codings (segment_id, code_id, coder, status, method, score, created_at, updated_at) "
                   "VALUES (?, (SELECT id FROM codes WHERE name = 'invallen'), NULL, 'suggested', 'rules', 0.8, 'x', 'x')", [vo])
    db.close()
    assert "vo" not in {q["sector"] for q in _quotes(constructed, per_theme=3)}
    with_suggestions = _quotes(constructed, per_theme=3, include_suggested=True)
    assert [q["status"] for q in with_suggestions if q["sector"] == "vo"] == ["suggested"]


def test_filters_by_sector(constructed):
    assert {q["sector"] for q in _quotes(constructed, per_theme=5, sector="vo")} == {"vo"}


def test_windows_are_whole_sentences_within_limits_marked_where_cut():
    text = ("Eerst zeg ik iets kort. " * 3) + "Dan volgt een zin over invallen voor een zieke leerkracht in groep vijf, de hele dag lang zonder pauze. " + ("En nog wat. " * 3)
    found = windows(text, min_words=15, max_words=30)
    assert found
    for w in found:
        assert 15 <= w.words <= 30
        core = w.text.replace(ELLIPSIS, "").strip()
        assert core[0].isupper() and core.rstrip()[-1] in ".!?"
    assert any(w.text.startswith(ELLIPSIS) and w.text.endswith(ELLIPSIS) for w in found)
    assert windows("Te kort om te citeren.", 15, 80) == []


def test_pick_quotes_balances_sources_when_data_allow():
    cands = [
        {"id": 1, "participant_key": "a", "sector": "po", "source": "focusgroep", "centrality": 0.9},
        {"id": 2, "participant_key": "b", "sector": "po", "source": "focusgroep", "centrality": 0.8},
        {"id": 3, "participant_key": "c", "sector": "po", "source": "enquete", "centrality": 0.3},
        {"id": 4, "participant_key": "a", "sector": "po", "source": "enquete", "centrality": 0.95},
    ]
    chosen = pick_quotes(cands, 2)
    assert [c["id"] for c in chosen] == [4, 2]  # a's best, then the other source's best unused person
    assert len({c["participant_key"] for c in pick_quotes(cands, 4)}) == 3
