"""The fallback lemmatisation cascade over spacy-lookups-data's Dutch tables."""

from __future__ import annotations

import pytest

from focuscode.nlp.lexicon import is_wordlike, lemmatize

# Each pair checked against the Dutch dictionary lemma (Van Dale / WNT headword).
DOMAIN_FORMS = [
    # the forms the plain lookup table leaves alone
    ("taken", "taak"),
    ("leraren", "leraar"),
    ("krijgt", "krijgen"),
    ("kinderen", "kind"),
    ("scholen", "school"),
    ("lessen", "les"),
    # compounds: only the head is inflected
    ("ad-hoctaken", "ad-hoctaak"),
    ("loopbaanperspectieven", "loopbaanperspectief"),
    ("invaltaken", "invaltaak"),
    ("onderwijsassistenten", "onderwijsassistent"),
    ("zorgleerlingen", "zorgleerling"),
    ("ontwikkelgesprekken", "ontwikkelgesprek"),
    ("functieschalen", "functieschaal"),
    ("toa-taken", "toa-taak"),
    ("doorgroeimogelijkheden", "doorgroeimogelijkheid"),
    ("normjaartaakgesprekken", "normjaartaakgesprek"),
    # plain domain nouns
    ("leerkrachten", "leerkracht"),
    ("gesprekken", "gesprek"),
    ("vergaderingen", "vergadering"),
    ("leerlingen", "leerling"),
    ("docenten", "docent"),
    ("klassen", "klas"),
    ("afspraken", "afspraak"),
    ("uren", "uur"),
    ("collega's", "collega"),
    ("ouders", "ouder"),
    ("mogelijkheden", "mogelijkheid"),
    ("verantwoordelijkheden", "verantwoordelijkheid"),
    ("lerarenondersteuners", "lerarenondersteuner"),
    ("OOP'ers", "oop'er"),
    # verbs, irregular and regular
    ("ging", "gaan"),
    ("werd", "worden"),
    ("surveilleert", "surveilleren"),
    ("heeft", "hebben"),
    ("wilde", "willen"),
    ("moest", "moeten"),
    ("kreeg", "krijgen"),
    ("gedaan", "doen"),
    ("gezegd", "zeggen"),
    ("zat", "zitten"),
    ("werkt", "werken"),
    ("werkte", "werken"),
    ("werken", "werken"),
    ("begeleidt", "begeleiden"),
    ("ondersteunt", "ondersteunen"),
    ("maakt", "maken"),
    ("neemt", "nemen"),
    ("vergadert", "vergaderen"),
    ("invallen", "invallen"),
    # adjectives and function words the exception tables would turn into verbs
    ("hogere", "hoog"),
    ("hoog", "hoog"),
    ("leuk", "leuk"),
    ("veel", "veel"),
    ("het", "het"),
    ("uit", "uit"),
    ("er", "er"),
    ("hoe", "hoe"),
    ("binnen", "binnen"),
    ("tussen", "tussen"),
    # inflected adjectives the noun index lists as nominalisations ("de kleine")
    ("kleine", "klein"),
    ("grote", "groot"),
    ("zieke", "ziek"),
    ("zelfstandige", "zelfstandig"),
    ("verantwoordelijke", "verantwoordelijk"),
    # a first-person form the noun index lists on its own
    ("sta", "staan"),
    # diminutives the tables do not list ("even een kort overlegje")
    ("overlegje", "overleg"),
    ("overlegjes", "overleg"),
    ("planninkje", "planning"),
    ("budgetje", "budget"),
]


def test_real_nouns_ending_in_e_keep_their_lemma():
    # not every noun in -e is an inflected adjective: "toegevoegde waarde" must keep waarde
    assert lemmatize("waarde") == "waarde"
    assert lemmatize("stage") == "stage"
    assert lemmatize("grootte") == "grootte"
    assert lemmatize("leidinggevende") == "leidinggevende"


@pytest.mark.parametrize("form, lemma", DOMAIN_FORMS)
def test_cascade_gives_dictionary_lemma(form, lemma):
    assert lemmatize(form) == lemma


def test_lemmas_are_lowercase_and_stable():
    assert lemmatize("Leraren") == "leraar"
    assert lemmatize("  SCHOLEN ") == "school"
    # a lemma is its own lemma, so keywords written as lemmas match their forms
    for _, lemma in DOMAIN_FORMS:
        assert lemmatize(lemma) == lemma, lemma


def test_unknown_words_and_placeholders_pass_through():
    assert lemmatize("[school]") == "[school]"
    assert lemmatize("xqzv") == "xqzv"
    assert lemmatize("2024") == "2024"
    assert lemmatize("-") == "-"


def test_no_compound_split_into_nonsense():
    # these are not compounds of a known head; splitting would damage them
    assert lemmatize("waarop") == "waarop"
    assert lemmatize("onlangs") == "onlangs"
    assert lemmatize("televisie") == "televisie"


def test_wordlike_parts():
    assert is_wordlike("loopbaan")
    assert is_wordlike("beroeps")  # beroep + linking s
    assert is_wordlike("normjaartaak")  # a compound of known words
    assert not is_wordlike("senaar")  # would make lessenaar a compound of les
    assert not is_wordlike("hoc")
