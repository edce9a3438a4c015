"""The codebook compiled into lemma matchers, run on the fallback pipeline."""

from __future__ import annotations

import json

import pytest

from focuscode.codebook import Code, Keyword, parse_codebook
from focuscode.errors import CodebookError, ModelError
from focuscode.nlp.rules import RuleHit, RuleMatcher

CODEBOOK = """
codes:
  - name: ad-hoctaken
    keywords:
      - taak
      - invallen
      - surveilleren
      - kopieerpapier
      - toa
      - les
      - term: over de schutting
      - lessen overnemen
    exclude_keywords: [taakbeleid, taak van de leraar]
  - name: doorgroei
    keywords: [doorgroei, loopbaan, scholing, pabo]
    patterns:
      - [{LEMMA: hoog}, {LEMMA: schaal}]
    children:
      - name: functioneringsgesprek
        keywords: [functioneringsgesprek, ontwikkelgesprek]
  - name: visie
    keywords: [visie, beroepsbeeld]
  - name: afstemming
    keywords: [overleg, {term: afstemmen, compound: false}]
    patterns:
      - [{LEMMA: {IN: [leraar, leerkracht, docent]}}, {LOWER: blijft}, {LOWER: eindverantwoordelijk}]
"""


@pytest.fixture(scope="module")
def matcher(fallback):
    return RuleMatcher(fallback.nlp, list(parse_codebook(CODEBOOK).walk()))


def codes(hits: list[RuleHit]) -> set[str]:
    return {h.code for h in hits}


def keywords(hit: RuleHit) -> list[str]:
    return [m.get("keyword") for m in hit.evidence["matches"]]


@pytest.mark.parametrize(
    "text, code, keyword",
    [
        ("Ik krijg heel veel invaltaken.", "ad-hoctaken", "taak"),
        ("Ik krijg veel ad-hoctaken van de directie.", "ad-hoctaken", "taak"),
        ("Die toa-taken komen altijd bij ons terecht.", "ad-hoctaken", "toa"),
        ("Er zijn geen doorgroeimogelijkheden op onze school.", "doorgroei", "doorgroei"),
        ("Het loopbaanperspectief is eigenlijk nul.", "doorgroei", "loopbaan"),
        ("Ik heb de bijscholing zelf betaald.", "doorgroei", "scholing"),
        ("Het lesrooster verandert steeds.", "ad-hoctaken", "les"),
        ("De onderwijsvisie van het bestuur zegt daar niets over.", "visie", "visie"),
        ("Het zorgoverleg is op woensdag.", "afstemming", "overleg"),
    ],
)
def test_keyword_matches_inside_compounds(matcher, text, code, keyword):
    hits = {h.code: h for h in matcher.match(text)}
    assert code in hits
    assert keyword in keywords(hits[code])
    match = next(m for m in hits[code].evidence["matches"] if m["keyword"] == keyword)
    assert match["compound"] is True
    assert text[match["start"] : match["end"]] == match["text"]


@pytest.mark.parametrize(
    "text",
    [
        "We kijken in de pauze samen televisie.",  # visie: 'tele' is no word on its own
        "Bij de koffie was er een toastje met kaas.",  # toa: 'st' is too short
        "De lessenaar staat voor in het lokaal.",  # les: 'senaar' / 'naar' after a link
        "Zij heeft een lesbische collega.",  # les: 'bisch' is no word
        "Ik heb supervisie gehad van een coach.",  # visie: 'super' is a bound prefix
    ],
)
def test_letters_inside_unrelated_words_do_not_match(matcher, text):
    assert matcher.match(text) == []


def test_inflected_forms_match_through_lemmas(matcher):
    hits = {h.code: h for h in matcher.match("Als leraren ziek zijn, moest ik invallen en de taken overnemen.")}
    assert set(hits) == {"ad-hoctaken"}
    lemmas = {m["lemma"] for m in hits["ad-hoctaken"].evidence["matches"]}
    assert lemmas == {"invallen", "taak"}


def test_phrase_with_an_inflected_adjective_matches(fallback):
    # a survey answer as a survey tool exports it: "klein groepje" is written as a lemma,
    # people write "kleine groepjes", which the noun-first cascade used to keep as "kleine"
    code = Code("meerwaarde in de klas", keywords=[Keyword("klein groepje")])
    m = RuleMatcher(fallback.nlp, [code])
    [hit] = m.match("Ik neem kleine groepjes mee naar de gang voor extra rekenen.")
    assert hit.evidence["matches"][0]["text"] == "kleine groepjes"
    assert m.match("Ik werk in groep 3 met een kleine, drukke klas.") == []


def test_compound_false_only_matches_the_word_itself(fallback):
    code = Code("doorgroei", keywords=[Keyword("scholing", compound=False)])
    m = RuleMatcher(fallback.nlp, [code])
    assert m.match("Ik heb de bijscholing zelf betaald.") == []
    [hit] = m.match("De scholing was goed.")
    assert hit.evidence["matches"][0]["compound"] is False


def test_multiword_keywords_match_on_lemmas(matcher):
    [hit] = matcher.match("Die klusjes worden gewoon over de schutting gegooid.")
    assert hit.code == "ad-hoctaken"
    assert hit.evidence["matches"][0]["keyword"] == "over de schutting"
    # "lessen overnemen" also matches "de les overnemen": both words are lemmatised
    [hit] = matcher.match("Soms moet ik een les overnemen.")
    assert {m["keyword"] for m in hit.evidence["matches"]} >= {"lessen overnemen"}


def test_token_patterns_match_with_lemma_values(matcher):
    [hit] = matcher.match("Ik doe werk van een hogere schaal zonder toelage.")
    assert hit.code == "doorgroei"
    match = hit.evidence["matches"][0]
    assert match["pattern"] == [{"LEMMA": "hoog"}, {"LEMMA": "schaal"}]
    assert match["text"] == "hogere schaal"
    [hit] = matcher.match("De leraren blijft eindverantwoordelijk voor de klas.")
    assert hit.code == "afstemming"


def test_exclude_keyword_covering_the_match_vetoes_it(matcher):
    assert matcher.match("Het taakbeleid is op onze school niet op orde.") == []


def test_exclude_keyword_elsewhere_halves_the_score(matcher):
    plain = {h.code: h for h in matcher.match("Ik moest weer invallen.")}["ad-hoctaken"]
    text = "Ik moest weer invallen, terwijl dat de taak van de leraar is."
    hit = {h.code: h for h in matcher.match(text)}["ad-hoctaken"]
    # 'taak' lies inside the exclude phrase and is vetoed, 'invallen' stays but counts half
    assert keywords(hit) == ["invallen"]
    assert hit.score == pytest.approx(plain.score / 2)
    [excluded] = hit.evidence["excluded"]
    assert excluded["exclude_keyword"] == "taak van de leraar"
    assert excluded["vetoed"] == ["taak"]
    assert text[excluded["start"] : excluded["end"]] == "taak van de leraar"


def test_score_grows_with_distinct_evidence(matcher):
    one = matcher.match("Ik moest invallen.")[0].score
    same_twice = matcher.match("Ik moest invallen en later weer invallen.")[0].score
    two_forms = matcher.match("Ik kreeg een taak en nog meer ad-hoctaken.")[0].score
    two_keywords = matcher.match("Ik moest invallen en surveilleren.")[0].score
    assert one == 0.5
    assert same_twice == one  # the same word again is no new evidence
    assert one < two_forms < two_keywords < 1.0


def test_subcode_hit_does_not_imply_its_theme(matcher):
    hits = matcher.match("In mijn functioneringsgesprek ging het over mijn werk.")
    assert codes(hits) == {"functioneringsgesprek"}


def test_hit_span_and_evidence_are_json_serialisable(matcher):
    text = "OOP'er 3 (vo): Ik moest invallen en daarna kopieerpapier halen."
    [hit] = matcher.match(text)
    assert json.loads(json.dumps(hit.evidence)) == hit.evidence
    assert text[hit.start : hit.end] == "invallen en daarna kopieerpapier"
    assert 0 < hit.score <= 1


def test_match_many_streams_one_list_per_text(matcher, segments):
    texts = [text for text, _ in segments]
    many = list(matcher.match_many(iter(texts), batch_size=7))
    assert len(many) == len(texts)
    assert many == [matcher.match(t) for t in texts]
    # the rules find a fair share of the hand-labelled themes on this material
    found = sum(1 for hits, (_, themes) in zip(many, segments) if themes & codes(hits))
    assert found >= len([s for s in segments if s[1]]) // 2


def test_invalid_pattern_is_a_one_line_model_error(fallback):
    code = Code("afstemming", patterns=[[{"LEMMA": {"IN": "leraar"}}]])
    with pytest.raises(ModelError) as info:
        RuleMatcher(fallback.nlp, [code])
    message = str(info.value)
    assert "\n" not in message
    assert "afstemming" in message and '[{"LEMMA": {"IN": "leraar"}}]' in message


@pytest.mark.parametrize("term", ["--", "...", " ; "])
def test_keyword_without_words_is_a_codebook_error(fallback, term):
    code = Code("visie", keywords=[Keyword("visie"), Keyword(term)])
    with pytest.raises(CodebookError) as info:
        RuleMatcher(fallback.nlp, [code])
    assert "'visie'" in str(info.value) and term.strip() in str(info.value)
    assert "\n" not in str(info.value)


def test_known_limitation_needs_an_exclude_keyword(fallback):
    # 'voor' + 'raad' are both words, so voorraad looks like a compound of raad;
    # the codebook author vetoes it with exclude_keywords
    plain = RuleMatcher(fallback.nlp, [Code("raden", keywords=[Keyword("raad")])])
    assert codes(plain.match("De voorraad kopieerpapier is op.")) == {"raden"}
    vetoed = RuleMatcher(fallback.nlp, [Code("raden", keywords=[Keyword("raad")], exclude_keywords=["voorraad"])])
    assert vetoed.match("De voorraad kopieerpapier is op.") == []
    assert codes(vetoed.match("De PO-raad heeft functiebeschrijvingen gepubliceerd.")) == {"raden"}


def test_match_many_with_two_processes(matcher, segments):
    texts = [text for text, _ in segments][:12]
    assert list(matcher.match_many(texts, batch_size=3, n_process=2)) == [matcher.match(t) for t in texts]


@pytest.fixture(scope="module")
def lookup_pipeline(tmp_path_factory):
    """A saved pipeline with spaCy's own lookup lemmatizer, standing in for a real model."""
    import spacy

    from focuscode.nlp.pipeline import load_pipeline

    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    path = tmp_path_factory.mktemp("pipelines") / "lookup"
    nlp.to_disk(path)
    return load_pipeline(str(path))


def test_model_pipeline_keeps_its_own_lemmas(lookup_pipeline):
    assert "focuscode_lemmatizer" not in lookup_pipeline.components
    assert "lemmatizer" in lookup_pipeline.lemmatizer_info
    doc = lookup_pipeline.nlp("De invaltaken zijn saai.")
    assert doc[1].lemma_ == "invaltaken"  # the lookup table does not know this compound


def test_model_pipeline_still_matches_compounds_and_patterns(lookup_pipeline):
    m = RuleMatcher(lookup_pipeline.nlp, list(parse_codebook(CODEBOOK).walk()))
    hits = {h.code: h for h in m.match("De invaltaken zijn saai en de leraar blijft eindverantwoordelijk.")}
    assert "taak" in keywords(hits["ad-hoctaken"])
    assert hits["afstemming"].evidence["matches"][0]["pattern"][1] == {"LOWER": "blijft"}
    assert m.match("We kijken televisie.") == []


def test_model_pipeline_keyword_written_inflected(lookup_pipeline):
    # spaCy's lookup table has no 'taken', so the pipeline's own lemma of the keyword is
    # 'taken'; indexing the keyword by our cascade's lemma as well still finds 'taak'
    m = RuleMatcher(lookup_pipeline.nlp, [Code("ad-hoctaken", keywords=[Keyword("taken")])])
    assert codes(m.match("Dat is eigenlijk niet mijn taak.")) == {"ad-hoctaken"}


@pytest.mark.parametrize("text", [
    "Ik moest weer invallen, terwijl dat de taak van de leraar is.",  # an exclude phrase (PhraseMatcher on LEMMA)
    "De leraren blijft eindverantwoordelijk voor de klas.",  # a pattern spaCy's Matcher runs (LEMMA IN)
    "Er is geen hogere schaal voor ons, en ik wil wel doorgroeien.",
])
def test_lemmas_left_in_user_data_match_exactly_as_lemmas_on_tokens(matcher, text):
    """suggest lets the fallback lemmatizer skip setting token.lemma while it reads segments;
    the matchers that read token.lemma (exclusions, spaCy Matcher patterns) ask for it, so
    every hit and its evidence are the same either way."""
    from focuscode.nlp.lemmatizer import FACTORY, TOKEN_LEMMAS

    component = matcher.nlp.get_pipe(FACTORY)
    normal = matcher.match(matcher.nlp(text), text)
    component.hashes_only = True
    try:
        doc = matcher.nlp(text)
        assert doc.user_data[TOKEN_LEMMAS] is False and all(t.lemma == 0 for t in doc)
        lean = matcher.match(doc, text)
    finally:
        component.hashes_only = False
    assert normal and [(h.code, h.score, h.evidence, h.start, h.end) for h in lean] == \
        [(h.code, h.score, h.evidence, h.start, h.end) for h in normal]
