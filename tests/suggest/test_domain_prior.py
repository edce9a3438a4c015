"""The domain prior (nlp/prior.py): a theme said in other words is suggested, with the words
that weighed most, only where no rule or closeness suggestion of that theme was found; its
log-odds is one more feature of every rule score of a theme it knows; a codebook with other
themes gets nothing from it.

The survey file imitates an open-answer export of a survey tool (LimeSurvey/Qualtrics
style: one row per respondent, respondent code, sector and role columns, one open text
column). The answers were written for this test; none comes from the sample corpus or
from validation/.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CODEBOOK = REPO / "codebook" / "oop.yaml"

ANSWERS = [
    ("R01", "po", "onderwijsassistent", "Elke ochtend hoor ik pas bij binnenkomst in welke groep ik sta, en vaak word "
                                        "ik halverwege de dag weer ergens anders neergezet."),
    ("R02", "vo", "toa", "Ik zou over een paar jaar graag meer verantwoordelijkheid willen, maar er is op onze school "
                         "geen hogere functie voor ons."),
    ("R03", "po", "leerkracht", "Sinds zij erbij is, komen de zwakke lezers echt tot bloei en heb ik handen vrij voor "
                                "de rest van de groep."),
    ("R04", "vo", "onderwijsassistent", "De docenten spreken nooit met mij door wat er in de les gaat gebeuren, ik sta "
                                        "er maar een beetje bij."),
    ("R05", "po", "onderwijsassistent", "Geen opmerkingen."),
    ("R06", "vo", "lerarenondersteuner", "Niemand op school kan uitleggen waarom ze ons hebben aangenomen of wat er van "
                                         "ons verwacht wordt."),
]

OTHER_BOOK = """
- name: werkdruk
  keywords: [werkdruk, overwerk]
- name: communicatie
  keywords: [overleg, doorspreken]
"""


def _survey(cli, tmp_path: Path, book: Path):
    path = tmp_path / "enquete-open-antwoorden.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(["respondent", "sector", "rol", "toelichting"])
        writer.writerows(ANSWERS)
    assert cli("codebook", "load", book).exit_code == 0
    result = cli("import", path, "--source", "enquete", "--text-column", "toelichting", "--id-column", "respondent",
                 "--role-column", "rol", "--sector-column", "sector", "--allow-pii")
    assert result.exit_code == 0, result.output
    return cli("suggest", "--json")


def _suggestions(db_path) -> list[dict]:
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute(
            "SELECT s.external_id, s.text, k.name, k.parent_id, c.method, c.score, c.evidence FROM codings c "
            "JOIN codes k ON k.id = c.code_id JOIN segments s ON s.id = c.segment_id WHERE c.coder IS NULL").fetchall()
    finally:
        conn.close()
    return [dict(zip(("respondent", "text", "code", "parent", "method", "score", "evidence"), r)) for r in rows]


def _theme_of(db_path) -> dict[str, str]:
    conn = sqlite3.connect(db_path)
    try:
        codes = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, name, parent_id FROM codes")}
    finally:
        conn.close()

    def top(cid):
        while codes[cid][1] is not None:
            cid = codes[cid][1]
        return codes[cid][0]
    return {name: top(cid) for cid, (name, _) in codes.items()}


def test_a_theme_said_in_other_words_is_suggested_with_the_words_that_weighed(cli, db_path, tmp_path):
    from focuscode.nlp.calibration import default_threshold
    from focuscode.nlp.lexicon import lemmatize_lower
    from focuscode.nlp.prior import STORE_FROM
    from focuscode.nlp.words import is_content_word

    report = json.loads(_survey(cli, tmp_path, CODEBOOK).stdout)
    rows = _suggestions(db_path)
    prior = [r for r in rows if r["method"] == "prior"]
    assert report["prior"] == len(prior) > 0
    # R04 never names a keyword of afstemming ("spreken nooit met mij door wat er in de les gaat gebeuren")
    r04 = [r for r in prior if r["respondent"].startswith("R04")]
    assert [r["code"] for r in r04] == ["afstemming"] and r04[0]["score"] >= default_threshold()
    assert not any(r["respondent"].startswith("R05") for r in rows)  # "Geen opmerkingen."
    theme_of = _theme_of(db_path)
    for r in prior:
        assert r["parent"] is None  # on the theme itself: the prior knows themes, not subcodes
        assert r["score"] >= STORE_FROM
        others = {theme_of[o["code"]] for o in rows if o["respondent"] == r["respondent"] and o["method"] != "prior"}
        assert r["code"] not in others  # only where no rule or closeness suggestion of the theme was found
        ev = json.loads(r["evidence"])["prior"]
        words = [w for w, _ in ev["words"]]
        weights = [w for _, w in ev["words"]]
        lemmas = {lemmatize_lower(t.strip(".,!?").lower()) for t in r["text"].split()}
        assert words and set(words) <= lemmas and all(is_content_word(w) for w in words)
        assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)
    shown = cli("segments")
    assert "domain prior, worded like this theme" in shown.stdout
    human = cli("suggest")
    assert "suggestions by the domain prior" in human.stdout


def test_the_prior_weighs_into_rule_scores_of_the_themes_it_knows(cli, db_path, tmp_path):
    _survey(cli, tmp_path, CODEBOOK)
    theme_of = _theme_of(db_path)
    from focuscode.nlp.prior import shipped_prior

    known = set(shipped_prior().labels)
    rules = [r for r in _suggestions(db_path) if r["method"] == "rules"]
    assert rules
    for r in rules:
        facts = json.loads(r["evidence"])["score"]
        assert ("prior" in facts) == (theme_of[r["code"]] in known)


def test_a_codebook_with_other_themes_gets_nothing_from_the_prior(cli, db_path, tmp_path):
    book = tmp_path / "ander-codeboek.yaml"
    book.write_text(OTHER_BOOK, encoding="utf-8")
    report = json.loads(_survey(cli, tmp_path, book).stdout)
    rows = _suggestions(db_path)
    assert report["prior"] == 0 and not [r for r in rows if r["method"] == "prior"]
    assert all("prior" not in json.loads(r["evidence"])["score"] for r in rows if r["method"] == "rules")


def test_training_learns_the_words_of_a_theme_and_explains_with_them():
    from focuscode.nlp.prior import content_terms, train

    texts = [
        "Ik val steeds in voor zieke collega's en sta dan alleen voor de klas",
        "Weer invallen, weer surveilleren bij een toets",
        "Ik wil graag doorgroeien en de pabo gaan doen",
        "Mijn wens is een opleiding tot leraar, doorgroeien dus",
        "De koffie was lekker vandaag",
        "Het regende toen ik naar school fietste",
    ] * 3
    labels = [{"ad-hoctaken"}, {"ad-hoctaken"}, {"doorgroei"}, {"doorgroei"}, set(), set()] * 3
    from focuscode.nlp.lexicon import lemmatize_lower

    terms = [content_terms(lemmatize_lower(w.strip(",.").lower()) for w in t.split()) for t in texts]
    assert "de" not in terms[0] and "ik" not in terms[0]  # stop words carry no score
    prior = train(terms, labels, ["ad-hoctaken", "doorgroei"], l2=0.1, min_df=2)
    new = content_terms(["ik", "moet", "morgen", "invallen", "in", "groep", "zes"])
    adhoc, grow = prior.log_odds(new)
    assert adhoc > 0 > grow
    assert prior.reasons(new, "ad-hoctaken")[0][0] == "invallen"
    assert prior.log_odds(["onbekend"]) == pytest.approx(prior.bias)  # words it never saw say nothing
