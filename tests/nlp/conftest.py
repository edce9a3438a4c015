"""Shared fixtures for the nlp tests: realistic Dutch focus-group material about OOP'ers.

The sentences are written in the style of the anonymised transcripts (placeholders such
as [school], spoken Dutch, hyphenated and closed compounds); `make_corpus` strings them
into a larger deterministic text for speed measurements.
"""

from __future__ import annotations

import random

import pytest

# (text, themes it is about) — the themes are the design card's four codes.
SEGMENTS: list[tuple[str, set[str]]] = [
    ("Ik krijg heel veel ad-hoctaken, van kopieerpapier halen tot het klaarzetten van materialen.", {"ad-hoctaken"}),
    ("Als een leraar ziek is, moet ik vaak invallen en dan neem ik de hele groep over.", {"ad-hoctaken"}),
    ("Bij ons surveilleert de onderwijsassistent bij toetsen terwijl de docent vergadert.", {"ad-hoctaken"}),
    ("Die invaltaken worden gewoon over de schutting gegooid, zonder dat iemand het vraagt.", {"ad-hoctaken"}),
    ("Ik doe werk van een hogere schaal maar krijg daar geen toelage voor.", {"ad-hoctaken", "doorgroei"}),
    ("Ik heb moeten leren om grenzen aan te geven, want anders doe je alles erbij.", {"ad-hoctaken"}),
    ("Het kopiëren en het opruimen van het lokaal komt altijd bij mij terecht.", {"ad-hoctaken"}),
    ("Soms sta ik twee lessen alleen voor de klas omdat er geen vervanging is.", {"ad-hoctaken"}),
    ("Ik zou graag doorgroeien, maar er zijn op onze school geen doorgroeimogelijkheden.", {"doorgroei"}),
    ("Mijn ambitie is om de pabo te doen en dan zelf leerkracht te worden.", {"doorgroei"}),
    ("Via zij-instroom zou ik docent kunnen worden, maar dat is financieel lastig.", {"doorgroei"}),
    ("In mijn functioneringsgesprek hebben we het over scholing gehad.", {"doorgroei"}),
    ("Er is wel een professionaliseringsbudget, maar niemand vertelt je dat het bestaat.", {"doorgroei"}),
    ("Het loopbaanperspectief voor een onderwijsassistent is eigenlijk nul.", {"doorgroei"}),
    ("De functieschalen houden op bij schaal 6, hoger kom je niet.", {"doorgroei"}),
    ("Ik heb de bijscholing over gedrag zelf betaald en in mijn vrije tijd gedaan.", {"doorgroei"}),
    ("In het ontwikkelgesprek vroeg mijn leidinggevende wat ik over vijf jaar wil doen.", {"doorgroei"}),
    ("Onze school heeft geen visie op de inzet van onderwijsassistenten.", {"visie"}),
    ("De visie op OOP is eigenlijk gewoon de onderwijsvisie van het bestuur.", {"visie"}),
    ("Het verschil tussen onderwijsassistent en lerarenondersteuner is niemand duidelijk.", {"visie"}),
    ("Er zou een landelijk beroepsbeeld moeten komen voor ons vak.", {"visie"}),
    ("Waarom we OOP'ers inzetten, dat hebben we als directie nooit opgeschreven.", {"visie"}),
    ("Een beroepscompetentieprofiel zou helpen om de rol van de klassenassistent te beschrijven.", {"visie"}),
    ("Ik stem elke ochtend even af met de leerkracht over wat er die dag gebeurt.", {"afstemming"}),
    ("Het zorgoverleg is altijd op woensdagmiddag en dan werk ik niet.", {"afstemming"}),
    ("De IB'er bepaalt welke leerlingen ik in een groepje mee krijg.", {"afstemming"}),
    ("Vergaderingen worden gepland buiten mijn werktijd, dus ik mis alle afspraken.", {"afstemming"}),
    ("De leraar blijft eindverantwoordelijk voor de klas, ik ondersteun alleen.", {"afstemming"}),
    ("Onze schoolleider weet eerlijk gezegd niet wat de OOP'ers allemaal doen.", {"afstemming"}),
    ("We hebben een vast overleg met de docenten van de sectie, dat werkt goed.", {"afstemming"}),
    ("Ik werk met kleine groepjes kinderen die extra hulp bij rekenen nodig hebben.", set()),
    ("De leerlingen zijn heel blij met de extra aandacht in de klas.", set()),
    ("Ik vind mijn werk heel leuk, vooral het contact met de kinderen.", set()),
    ("Op [school] in [plaats] zijn we met drie onderwijsassistenten.", set()),
    ("We kijken televisie in de pauze, dat is even ontspanning.", set()),
    ("Na de vakantie begint het nieuwe schooljaar met een studiedag.", set()),
    ("Zij gaf aan dat ze het gesprek met de ouders heel waardevol vond.", set()),
    ("De toa zet de proeven klaar voor het practicum scheikunde.", {"ad-hoctaken"}),
    ("Ik heb een toastje gegeten tijdens de lunch met collega's.", set()),
    ("De lessenaar van de docent staat voor in het lokaal.", set()),
]

_FILLERS = [
    "Ja, dat herken ik wel.",
    "Nou, eigenlijk is het bij ons precies hetzelfde.",
    "Dat is wel een goed punt wat je noemt.",
    "Hoe zien jullie dat op jullie school?",
    "Ik wil daar nog even op aanvullen.",
]


def make_corpus(n_words: int, seed: int = 0, novel_rate: float = 0.05) -> list[str]:
    """Speaker turns of about 5-60 words, `n_words` in total, deterministic for `seed`.

    `novel_rate` of the turns get a few rare words from the lemma table, so that the
    lemmatizer's cache also sees misses as in a real, Zipf-shaped transcript.
    """
    from focuscode.nlp.lexicon import tables

    rng = random.Random(seed)
    rare = sorted(tables().lookup)[::50]
    turns: list[str] = []
    total = 0
    while total < n_words:
        parts = [rng.choice(SEGMENTS)[0] for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.3:
            parts.insert(0, rng.choice(_FILLERS))
        if rng.random() < novel_rate * 4:
            parts.append(" ".join(rng.choice(rare) for _ in range(3)) + ".")
        turn = " ".join(parts)
        turns.append(turn)
        total += len(turn.split())
    return turns


# Clauses per theme for generated coded material; each is plausible on its own in a turn.
CLAUSES: dict[str, list[str]] = {
    "ad-hoctaken": [
        "moet ik weer invallen voor een zieke collega",
        "krijg ik allerlei klusjes die eigenlijk niet bij mijn taak horen",
        "sta ik bij toetsen te surveilleren",
        "haal ik het kopieerpapier en zet ik de materialen klaar",
        "neem ik soms de hele les over",
        "wordt er van alles over de schutting gegooid",
        "doe ik taken die boven mijn schaal liggen",
        "vang ik de groep op als de juf er niet is",
    ],
    "doorgroei": [
        "zou ik graag de pabo willen doen",
        "zie ik voor mezelf geen doorgroeimogelijkheden",
        "heb ik in mijn ontwikkelgesprek naar scholing gevraagd",
        "is er geen hogere functieschaal voor ons",
        "wil ik me verder specialiseren in gedrag",
        "denk ik na over zij-instroom om docent te worden",
        "is het professionaliseringsbudget nooit besproken",
        "mis ik een loopbaanperspectief",
    ],
    "visie": [
        "heeft de directie geen visie op onze inzet",
        "is niet opgeschreven waarom de school onderwijsassistenten heeft",
        "weet niemand het verschil tussen assistent en lerarenondersteuner",
        "zou een landelijk beroepsbeeld helpen",
        "is de visie van het bestuur eigenlijk de algemene onderwijsvisie",
        "ontbreekt een functieprofiel voor ons werk",
    ],
    "afstemming": [
        "stem ik elke ochtend af met de leerkracht",
        "is het overleg altijd buiten mijn werktijd",
        "bepaalt de IB'er welke leerlingen ik begeleid",
        "blijft de leraar eindverantwoordelijk voor de klas",
        "weet de schoolleider niet wat wij allemaal doen",
        "hebben we een vast moment om met de docent te overleggen",
    ],
    "": [
        "vind ik het contact met de kinderen het mooiste",
        "werk ik met kleine groepjes bij rekenen",
        "zijn de leerlingen blij met de extra aandacht",
        "is het na de vakantie altijd even wennen",
        "loop ik 's ochtends eerst even de klassen langs",
        "help ik bij het lezen in groep drie",
    ],
}
_OPENERS = ["Bij ons", "Op mijn school", "Eerlijk gezegd", "Meestal", "Soms", "Vaak", "In de bovenbouw", "Nou,"]


def make_coded_segments(n: int, seed: int = 0, undecided: float = 0.15):
    """`n` (text, decisions) pairs: decisions[code] is True for the themes the text is
    built from, False for the others, and some pairs are left undecided."""
    rng = random.Random(seed)
    themes = [t for t in CLAUSES if t]
    out = []
    for _ in range(n):
        chosen = rng.sample(themes, rng.choice([0, 1, 1, 1, 2]))
        clauses = [rng.choice(CLAUSES[t]) for t in chosen]
        if not clauses or rng.random() < 0.4:
            clauses.append(rng.choice(CLAUSES[""]))
        rng.shuffle(clauses)
        text = " en ".join(clauses)
        text = f"{rng.choice(_OPENERS)} {text}."
        decisions = {t: t in chosen for t in themes if rng.random() >= undecided}
        out.append((text, decisions))
    return out


@pytest.fixture(scope="session")
def fallback():
    from focuscode.nlp.pipeline import load_pipeline

    return load_pipeline(None)


@pytest.fixture(scope="session")
def segments() -> list[tuple[str, set[str]]]:
    return list(SEGMENTS)


@pytest.fixture(scope="session")
def coded_segments():
    """The generator `make_coded_segments(n, seed)`; a fixture because test modules
    cannot import this conftest under --import-mode=importlib."""
    return make_coded_segments
