"""Multi-word keywords with words in between, separable verbs, and adjectives that look like keyword verbs.

The sentences imitate spoken focus-group turns as the transcription service writes them
(hesitations, modal verbs between the parts, verb-second order), the way OOP'ers talk
about becoming a teacher, standing in, and which pupils they take out of class.
"""

from __future__ import annotations

import pytest

from focuscode.codebook import parse_codebook
from focuscode.nlp.rules import RuleMatcher

CODEBOOK = """
codes:
  - name: leraar worden
    keywords: [docent worden, pabo]
  - name: grenzen stellen
    keywords: [nee zeggen]
  - name: invallen
    keywords: [invallen, klaarzetten, les overnemen]
  - name: afstemming
    keywords: [afstemmen, inroosteren]
  - name: wie bepaalt het werk
    keywords: [bepalen]
"""


@pytest.fixture(scope="module")
def matcher(fallback):
    return RuleMatcher(fallback.nlp, list(parse_codebook(CODEBOOK).walk()))


def fired(matcher, text: str) -> dict[str, list[str]]:
    return {h.code: [m["text"] for m in h.evidence["matches"]] for h in matcher.match(text)}


@pytest.mark.parametrize(
    "text, code, evidence",
    [
        # a modal verb, and "te" with a modal, between the parts of "docent worden"
        ("Ik zou eigenlijk wel docent willen worden, maar ja.", "leraar worden", "docent willen worden"),
        ("Ik hoop ooit docent te kunnen worden.", "leraar worden", "docent te kunnen worden"),
        # verb-second: the verb of the phrase comes first in a main clause
        ("Zeg je dan nee, dan voel je je schuldig.", "grenzen stellen", "Zeg je dan nee"),
        ("Word ik dan ooit docent, denk je?", "leraar worden", "Word ik dan ooit docent"),
        # separable verbs split around the rest of the clause
        ("Als er iemand ziek is val ik eigenlijk altijd in.", "invallen", "val ik eigenlijk altijd in"),
        ("Ik zet 's ochtends alle spullen klaar.", "invallen", "zet 's ochtends alle spullen klaar"),
        ("We stemmen het elke ochtend even af.", "afstemming", "stemmen het elke ochtend even af"),
        # particle first, as every te-infinitive and verb cluster has it
        ("Ze vragen me steeds om in te vallen als er iemand ziek is.", "invallen", "in te vallen"),
        ("We hebben eigenlijk nooit tijd om het af te stemmen.", "afstemming", "af te stemmen"),
        ("Ik zou de klas eigenlijk al klaar moeten zetten.", "invallen", "klaar moeten zetten"),
        # a phrase ending in a separable verb splits the verb too
        ("Ik word gevraagd om lessen over te nemen, eh, vooral bij ziekte.", "invallen", "lessen over te nemen"),
        ("Dan neem ik de les over en zit zij bij de IB'er.", "invallen", "neem ik de les over"),
    ],
)
def test_split_keywords_match_in_spoken_dutch(matcher, text, code, evidence):
    assert evidence in fired(matcher, text).get(code, [])


@pytest.mark.parametrize(
    "text",
    [
        # the parts in different clauses or too far apart
        "Die docent, die is net begonnen. Worden we daar beter van?",
        "De docent van groep acht zei dat het rooster volgende week anders gaat worden.",
        # "in" before an article is a preposition, not the particle of invallen
        "Ik val soms stil in de klas als het te druk wordt.",
        # an attributive participle is an adjective: "bepaalde leerlingen" are certain pupils
        "Bepaalde leerlingen haal ik uit de klas voor extra instructie.",
        # particle and verb form side by side without "te" or a modal: a noun after a preposition
        "Er zitten steeds gaten in rooster, dus dan weet je het wel.",
        # the parts of "les overnemen" too far apart, in a sentence about something else
        "De les gaat over de Tweede Wereldoorlog en dan nemen we pauze.",
        # verb first, but the noun belongs to a noun phrase of its own: a passive, not "docent worden"
        "Dan wordt het overleg tussen docenten weer verplaatst.",
    ],
)
def test_words_that_merely_co_occur_do_not_match(matcher, text):
    assert fired(matcher, text) == {}


def test_the_verb_itself_still_fires_where_it_is_a_verb(matcher):
    assert fired(matcher, "Wie bepaalt eigenlijk wat ik doe op een dag?") == {"wie bepaalt het werk": ["bepaalt"]}
