"""Summary quotes of passage codings (#13): the quote comes from the coded passage,
completed to whole sentences and marked "[...]" where cut from the turn.

The transcript imitates what a transcription service (Amberscript, Otter and the like)
delivers as plain text for an online focus group: the speaker label with the time on a
line of its own, the turn below it, one long turn touching two themes in one breath.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from fctest import CODEBOOK, db_snapshot

S1 = "Nou, bij ons op de vestiging begint de dag eigenlijk altijd met de vraag wie er vandaag ontbreekt."
S2 = ("Als er een docent ziek is, sta ik vaak het eerste uur voor een klas met een opdracht die ik zelf "
      "nog snel moet uitprinten, en dat gebeurt zeker twee keer per week.")
S3 = "Dat vind ik eerlijk gezegd niet de bedoeling van mijn functie."
S4 = ("Wat ik zelf het liefst zou willen, is de opleiding tot docent gaan doen, maar dat zit er nu niet in "
      "omdat mijn leidinggevende zegt dat er geen budget voor scholing is.")
S5 = ("En dan de surveillance bij toetsweken, daar word ik ook steeds vaker voor ingeroosterd, meestal op het "
      "laatste moment en zonder dat iemand vraagt of het uitkomt.")
S6 = "Zo gaat dat bij ons."
TURN = " ".join([S1, S2, S3, S4, S5, S6])

TRANSCRIPT = f"""Gespreksleider  00:12:03
Hoe ziet een gewone week er voor jullie uit?

OOP'er 2 (vo)  00:12:31
{TURN}

OOP'er 3 (vo)  00:14:02
Bij ons is dat heel anders, ik heb een vast rooster en daar wordt eigenlijk nooit van afgeweken, ook niet als er iemand ziek is.
"""
PEOPLE = ("label,role,sector\nGespreksleider,gespreksleider,\nOOP'er 2 (vo),OOP'er,vo\nOOP'er 3 (vo),OOP'er,vo\n")
MARK = "[...]"


@pytest.fixture
def project(cli, tmp_path):
    path = tmp_path / "fg-vo-transcriptiedienst.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "fg-vo-transcriptiedienst.participants.csv").write_text(PEOPLE, encoding="utf-8")
    assert cli("codebook", "load", str(CODEBOOK)).exit_code == 0
    result = cli("import", str(path), "--source", "focusgroep")
    assert result.exit_code == 0, result.output
    return tmp_path


def code(cli, *args, coder="anna"):
    result = cli("code", *map(str, args), "--coder", coder)
    assert result.exit_code == 0, result.output


def summary(cli, tmp_path, *args, fmt="json") -> dict | Path:
    out = tmp_path / "exports"
    result = cli("export", "summary", "--format", fmt, "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    path = out / f"samenvatting.{fmt}"
    return json.loads(path.read_text(encoding="utf-8")) if fmt == "json" else path


def theme(data: dict, name: str) -> dict:
    return next(t for t in data["themes"] if t["name"] == name)


def turn_quotes(data: dict, name: str) -> list[dict]:
    return [q for q in theme(data, name)["quotes"] if q["text"].replace(MARK, "").strip() in TURN]


def test_two_passages_of_one_turn_quote_a_passage_not_the_whole_turn(cli, project):
    # Two passages of the long turn coded with one code by one coder: two codings ...
    code(cli, 2, "invallen en lessen overnemen", "--quote", S2)
    code(cli, 2, "invallen en lessen overnemen", "--quote", "daar word ik ook steeds vaker voor ingeroosterd")
    data = summary(cli, project)
    quotes = turn_quotes(data, "ad-hoctaken")
    # ... one quote from the turn (a participant is quoted once per theme), from a passage
    assert len(quotes) == 1, quotes
    text = quotes[0]["text"]
    assert text in (f"{MARK} {S2} {MARK}", f"{MARK} {S5} {MARK}")
    assert S4 not in text and "opleiding" not in text  # the other theme's words stay out
    assert TURN[quotes[0]["span_start"]:quotes[0]["span_end"]] == text.replace(MARK, "").strip()
    assert quotes[0]["attribution"] == "[OOP'er vo, focusgroep]"
    # Turn-level counts: one turn, one participant, however many passages
    t = theme(data, "ad-hoctaken")
    sub = next(s for s in t["subcodes"] if s["name"] == "invallen en lessen overnemen")
    assert (t["segments"], t["participants"], sub["segments"]) == (1, 1, 1)
    assert t["by_sector"] == {"vo": 1}


def test_a_passage_mid_sentence_is_completed_and_marked(cli, project):
    code(cli, 2, "leraar worden", "--quote", "de opleiding tot docent gaan doen")
    data = summary(cli, project, "--code", "doorgroei")
    (quote,) = turn_quotes(data, "doorgroei")
    assert quote["text"] == f"{MARK} {S4} {MARK}"
    assert quote["words"] == len(S4.split())


def test_a_passage_at_the_start_of_the_turn_is_marked_only_after(cli, project):
    code(cli, 2, "invallen en lessen overnemen", "--sentence", "1-2")
    (quote,) = turn_quotes(summary(cli, project, "--code", "ad-hoctaken"), "ad-hoctaken")
    assert quote["text"] == f"{S1} {S2} {MARK}"


def test_a_short_passage_is_quoted_as_coded_a_long_one_within_the_word_limit(cli, project):
    # S3 alone has 11 words, under the 15-word minimum: the coder chose it, so it is quoted.
    code(cli, 2, "grenzen stellen", "--quote", "niet de bedoeling van mijn functie")
    (quote,) = turn_quotes(summary(cli, project, "--code", "grenzen stellen"), "grenzen stellen")
    assert quote["text"] == f"{MARK} {S3} {MARK}"
    # A passage of sentences 2-5 (89 words) is longer than --max-words 40: a window of whole
    # sentences inside it, never words from outside it.
    code(cli, 2, "klusjes", "--sentence", "2-5")
    (quote,) = turn_quotes(summary(cli, project, "--code", "klusjes", "--max-words", "40"), "klusjes")
    inner = quote["text"].replace(MARK, "").strip()
    assert inner in (S2, S3, S4, S5, f"{S3} {S4}", f"{S2} {S3}") and quote["words"] <= 40
    assert S1 not in inner and S6 not in inner


def test_two_passages_in_one_sentence_give_one_quote_of_that_sentence(cli, project):
    code(cli, 2, "invallen en lessen overnemen", "--quote", "Als er een docent ziek is")
    code(cli, 2, "invallen en lessen overnemen", "--quote", "zeker twee keer per week")
    quotes = turn_quotes(summary(cli, project), "ad-hoctaken")
    assert [q["text"] for q in quotes] == [f"{MARK} {S2} {MARK}"]


def test_a_whole_turn_coding_quotes_the_turn_as_before(cli, project):
    # bram codes the whole turn; anna only a passage: the turn is quotable whole, and the
    # quote is the most central window of all its sentences (not confined to anna's passage).
    code(cli, 2, "invallen en lessen overnemen", "--quote", S3)
    code(cli, 2, "invallen en lessen overnemen", coder="bram")
    data = summary(cli, project)
    (quote,) = turn_quotes(data, "ad-hoctaken")
    assert quote["text"] != f"{MARK} {S3} {MARK}"
    # anna's summary alone still quotes her passage
    (mine,) = turn_quotes(summary(cli, project, "--coder", "anna"), "ad-hoctaken")
    assert mine["text"] == f"{MARK} {S3} {MARK}"
    assert theme(data, "ad-hoctaken")["segments"] == 1


def test_an_uncoded_passage_is_not_quoted_and_not_counted(cli, project):
    code(cli, 2, "invallen en lessen overnemen", "--quote", S2)
    code(cli, 2, "invallen en lessen overnemen", "--quote", S5)
    assert cli("uncode", "2", "invallen en lessen overnemen", "--quote", S2, "--coder", "anna").exit_code == 0
    data = summary(cli, project)
    assert [q["text"] for q in turn_quotes(data, "ad-hoctaken")] == [f"{MARK} {S5} {MARK}"]
    # the rejected row beside the accepted one counts the turn once
    assert theme(data, "ad-hoctaken")["segments"] == 1
    assert cli("uncode", "2", "invallen en lessen overnemen", "--quote", S5, "--coder", "anna").exit_code == 0
    data = summary(cli, project)
    assert theme(data, "ad-hoctaken")["segments"] == 0 and turn_quotes(data, "ad-hoctaken") == []


def test_a_suggestion_is_quoted_from_the_whole_turn_not_from_its_evidence(cli, project, db_path):
    # A rule suggestion carries the sentence its evidence stands in (S3, 11 words: too short to
    # quote as a window). That span is no coder's choice: with --include-suggested the turn is
    # quoted as a whole turn, so the quote is a window of 15-80 words, not S3 alone.
    import sqlite3

    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "INSERT INTO codings (segment_id, code_id, coder, status, method, score, span_start, span_end, created_at, updated_at) "
            "VALUES (2, (SELECT id FROM codes WHERE name = 'grenzen stellen'), NULL, 'suggested', 'rules', 0.7, ?, ?, 'x', 'x')",
            [TURN.index(S3), TURN.index(S3) + len(S3)])
    conn.close()
    (quote,) = turn_quotes(summary(cli, project, "--include-suggested", "--code", "grenzen stellen"), "grenzen stellen")
    assert quote["status"] == "suggested" and quote["words"] >= 15
    assert quote["text"] != f"{MARK} {S3} {MARK}"
    # its place in the turn reaches beyond the evidence sentence
    assert quote["span_end"] - quote["span_start"] > len(S3)
    assert TURN[quote["span_start"]:quote["span_end"]] == quote["text"].replace(MARK, "").strip()


def test_every_format_carries_the_passage_quote(cli, project, tmp_path):
    code(cli, 2, "leraar worden", "--quote", "de opleiding tot docent gaan doen")
    want = f"{MARK} {S4} {MARK}"
    md = summary(cli, project, "--code", "doorgroei", fmt="md").read_text(encoding="utf-8")
    assert f"> {want} [OOP'er vo, focusgroep]" in md  # brackets stay plain: no link can start there
    html = summary(cli, project, "--code", "doorgroei", fmt="html").read_text(encoding="utf-8")
    assert f"<blockquote>{want} <span" in html.replace("&#x27;", "'")
    import docx

    doc = docx.Document(str(summary(cli, project, "--code", "doorgroei", fmt="docx")))
    assert any(p.text.startswith(want) for p in doc.paragraphs if p.style.name == "Quote")
    from openpyxl import load_workbook

    wb = load_workbook(summary(cli, project, "--code", "doorgroei", fmt="xlsx"))
    assert want in [row[2] for row in wb["Citaten"].iter_rows(min_row=2, values_only=True)]
    with summary(cli, project, "--code", "doorgroei", fmt="csv").open(encoding="utf-8-sig", newline="") as fh:
        assert want in [row["Citaat"] for row in csv.DictReader(fh)]


def test_segments_json_and_summary_agree_on_the_passage(cli, project):
    code(cli, 2, "leraar worden", "--quote", "de opleiding tot docent gaan doen")
    rows = json.loads(cli("segments", "--json").stdout)
    (coding,) = [c for r in rows if r["ordinal"] == 2 for c in r["codings"] if c["code"] == "leraar worden"]
    (quote,) = turn_quotes(summary(cli, project), "doorgroei")
    assert quote["span_start"] <= coding["span_start"] < coding["span_end"] <= quote["span_end"]
    assert coding["quote"] in quote["text"]


def test_a_failed_summary_leaves_the_project_as_it_was(cli, project, db_path):
    code(cli, 2, "leraar worden", "--quote", "de opleiding tot docent gaan doen")
    before = db_snapshot(db_path)
    not_a_folder = project / "exports.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    result = cli("export", "summary", "--out", str(not_a_folder))
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert db_snapshot(db_path) == before
