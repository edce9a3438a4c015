"""Coding a passage of a turn: --quote, --span, --sentence, --from-file columns, uncoding one
passage. The turn imitates a long spoken turn from an online focus group (a Teams transcript
saved as text: "Label: tekst", one turn touching two themes in one breath)."""

from __future__ import annotations

import json

import pytest

from fctest import db_snapshot, import_focus_group

TURN = ("Nou, eigenlijk wordt er elke ochtend wel iets anders van me gevraagd. Als er een leerkracht ziek is, "
        "sta ik gewoon voor de groep. Dat vind ik eigenlijk niet de bedoeling. En verder zou ik graag de opleiding "
        "tot leraar willen doen, maar daar is geen ruimte voor, zegt mijn leidinggevende.")


@pytest.fixture
def project(cli, tmp_path):
    import_focus_group(cli, tmp_path, [("Gespreksleider", "Hoe ziet jullie week eruit?"), ("Onderwijsassistent 1", TURN),
                                       ("Onderwijsassistent 2", "Herkenbaar.")])
    return tmp_path


def codings(cli, coder="anna"):
    rows = json.loads(cli("segments", "--json").stdout)
    return [(c["code"], c["status"], c["span_start"], c["span_end"], c["quote"])
            for r in rows if r["ordinal"] == 2 for c in r["codings"] if c["coder"] == coder]


def test_two_passages_of_one_turn_with_one_code_are_two_codings(cli, project):
    a = "Als er een leerkracht ziek is, sta ik gewoon voor de groep."
    assert cli("code", "2", "ad-hoctaken", "--quote", a, "--coder", "anna").exit_code == 0
    assert cli("code", "2", "ad-hoctaken", "--sentence", "1", "--coder", "anna").exit_code == 0
    got = sorted(codings(cli))
    first = "Nou, eigenlijk wordt er elke ochtend wel iets anders van me gevraagd."
    assert got == sorted([("ad-hoctaken", "accepted", 0, len(first), first),
                          ("ad-hoctaken", "accepted", TURN.index(a), TURN.index(a) + len(a), a)])


def test_a_quote_copied_from_a_wrapped_line_still_finds_its_words(cli, project):
    result = cli("code", "2", "doorgroei", "--quote", "de opleiding\n   tot leraar willen doen", "--coder", "anna", "--json")
    assert result.exit_code == 0, result.output
    change = json.loads(result.stdout)[0]
    assert TURN[change["span_start"]:change["span_end"]] == "de opleiding tot leraar willen doen"


def test_span_and_a_range_of_sentences(cli, project):
    assert cli("code", "2", "doorgroei", "--span", "175:210", "--coder", "anna").exit_code == 0
    assert cli("code", "2", "ad-hoctaken", "--sentence", "2-3", "--coder", "anna").exit_code == 0
    got = {(c, s, e) for c, _st, s, e, _q in codings(cli)}
    assert ("doorgroei", 175, 210) in got
    two = TURN.index("Als er")
    three_end = TURN.index("bedoeling.") + len("bedoeling.")
    assert ("ad-hoctaken", two, three_end) in got


def test_the_whole_turn_as_a_span_is_the_whole_turn(cli, project):
    assert cli("code", "2", "visie", "--span", f"0:{len(TURN)}", "--coder", "anna").exit_code == 0
    assert ("visie", "accepted", None, None, None) in codings(cli)


@pytest.mark.parametrize("args, message", [
    (["--quote", "kinderopvang"], "are not in this turn"),
    (["--quote", "als er een leerkracht"], "other capitals"),
    (["--quote", "ik"], "stand 3 times in this turn"),
    (["--quote", "leraar willen doe"], "are not in this turn"),  # half a word is not the word
    (["--span", "40:20"], "span 40:20 is reversed"),
    (["--span", "20:20"], "span 20:20 is empty"),
    (["--sentence", "2-1"], "run backwards"),
    (["--span", "0:99999"], "is not inside the turn"),
    (["--span", "twaalf"], "not a span"),
    (["--sentence", "9"], "it has 4 sentences"),
    (["--sentence", "0"], "it has 4 sentences"),
])
def test_a_passage_that_is_not_there_is_one_line_and_changes_nothing(cli, project, db_path, args, message):
    before = db_snapshot(db_path)
    result = cli("code", "2", "doorgroei", *args, "--coder", "anna")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and message in lines[0], result.stderr
    assert db_snapshot(db_path) == before


def test_a_passage_takes_one_segment_and_one_way_to_name_it(cli, project, db_path):
    before = db_snapshot(db_path)
    for args in (["2,3", "doorgroei", "--sentence", "1"], ["2", "doorgroei", "--sentence", "1", "--quote", "Nou"],
                 ["--ids", "2", "doorgroei", "--sentence", "1"]):
        result = cli("code", *args, "--coder", "anna")
        assert result.exit_code == 2, (args, result.output)
        assert len(result.stderr.strip().splitlines()) == 1
    assert db_snapshot(db_path) == before


def test_uncoding_one_passage_leaves_the_other(cli, project):
    cli("code", "2", "ad-hoctaken", "--sentence", "1", "--coder", "anna")
    cli("code", "2", "ad-hoctaken", "--sentence", "2", "--coder", "anna")
    result = cli("uncode", "2", "ad-hoctaken", "--sentence", "1", "--coder", "anna")
    assert result.exit_code == 0 and "uncoded" in result.stdout
    statuses = sorted((s, st) for _c, st, s, _e, _q in codings(cli))
    assert statuses == [(0, "rejected"), (TURN.index("Als er"), "accepted")]
    # without a passage the turn loses the code: every passage of it too
    assert cli("uncode", "2", "ad-hoctaken", "--coder", "anna").exit_code == 0
    assert {st for _c, st, *_ in codings(cli)} == {"rejected"}


def test_from_file_with_quote_and_span_columns(cli, project, tmp_path, db_path):
    # A coding sheet a team keeps in Excel and saves as CSV (Dutch Excel: semicolons).
    sheet = tmp_path / "codering.csv"
    sheet.write_text("segment;code;quote;span;memo\n"
                     "teams-focusgroep-po.txt:2;ad-hoctaken;sta ik gewoon voor de groep;;inval\n"
                     "teams-focusgroep-po.txt:2;doorgroei;;175:210;\n"
                     "teams-focusgroep-po.txt:3;visie;;;\n", encoding="utf-8")
    result = cli("code", "--from-file", str(sheet), "--coder", "bram")
    assert result.exit_code == 0, result.output
    got = {(c, s, e) for c, _st, s, e, _q in codings(cli, "bram")}
    start = TURN.index("sta ik gewoon")
    assert got == {("ad-hoctaken", start, start + len("sta ik gewoon voor de groep")), ("doorgroei", 175, 210)}
    # A row whose words are not in its turn names the file and line, and nothing is stored.
    before = db_snapshot(db_path)
    sheet.write_text("segment,code,quote\nteams-focusgroep-po.txt:2,visie,de visie van de school\n", encoding="utf-8")
    bad = cli("code", "--from-file", str(sheet), "--coder", "carla")
    assert bad.exit_code == 1 and f"{sheet}:2:" in bad.stderr and "not in this turn" in bad.stderr
    assert db_snapshot(db_path) == before
    sheet.write_text("segment,code,passage\n2,visie,x\n", encoding="utf-8")
    bad = cli("code", "--from-file", str(sheet), "--coder", "carla")
    assert bad.exit_code == 1 and "unknown column 'passage'" in bad.stderr


def test_check_names_a_passage_a_damaged_file_puts_outside_its_turn(cli, project, db_path):
    assert cli("code", "2", "ad-hoctaken", "--sentence", "2", "--coder", "anna").exit_code == 0
    clean = json.loads(cli("check", "--json").stdout)
    assert not [f for f in clean["findings"] if f["kind"] == "passages_outside_their_turn"]
    import sqlite3

    conn = sqlite3.connect(db_path)  # a hand edit: the passage now ends past the turn's last character
    conn.execute("UPDATE codings SET span_end = ? WHERE coder = 'anna'", [len(TURN) + 5])
    conn.commit()
    conn.close()
    found = json.loads(cli("check", "--json").stdout)
    bad = [f for f in found["findings"] if f["kind"] == "passages_outside_their_turn"]
    assert bad and bad[0]["count"] == 1 and bad[0]["fixable"] is False


def test_a_quote_typed_with_straight_quotes_finds_words_typed_in_word(cli, tmp_path, db_path):
    # Word turns "OOP'er" into "OOP’er" and "..." into „...” as you type; a coder quoting from
    # a terminal types the straight marks.
    from fctest import import_focus_group

    turn = "Als OOP’er hoor je dan: „dat doe jij er wel even bij”. Dat gebeurt elke week."
    import_focus_group(cli, tmp_path, [("Gespreksleider", "Herkennen jullie dat?"), ("Onderwijsassistent 1", turn)])
    result = cli("code", "2", "ad-hoctaken", "--quote", "Als OOP'er hoor je dan: \"dat doe jij er wel even bij\"",
                 "--coder", "anna", "--json")
    assert result.exit_code == 0, result.output
    change = json.loads(result.stdout)[0]
    assert turn[change["span_start"]:change["span_end"]] == "Als OOP’er hoor je dan: „dat doe jij er wel even bij”"


def test_three_full_stops_find_the_ellipsis_character_and_back(cli, tmp_path):
    from fctest import import_focus_group

    turn = "Dan sta ik in de kopieerkamer… en soms ook bij de ingang. Maar ja... zo gaat het."
    import_focus_group(cli, tmp_path, [("Gespreksleider", "Wat doen jullie?"), ("Onderwijsassistent 1", turn)])
    for quote, words in (("de kopieerkamer... en soms", "de kopieerkamer… en soms"), ("Maar ja… zo", "Maar ja... zo")):
        result = cli("code", "2", "ad-hoctaken", "--quote", quote, "--coder", "anna", "--json")
        assert result.exit_code == 0, result.output
        change = json.loads(result.stdout)[0]
        assert turn[change["span_start"]:change["span_end"]] == words


def test_a_file_row_naming_two_passages_names_its_columns_not_options(cli, project, tmp_path, db_path):
    # A coding sheet kept in Excel where a coder filled in both the quote and the span.
    sheet = tmp_path / "codering.csv"
    sheet.write_text("segment,code,quote,span\nteams-focusgroep-po.txt:2,ad-hoctaken,sta ik gewoon voor de groep,0:10\n",
                     encoding="utf-8")
    before = db_snapshot(db_path)
    result = cli("code", "--from-file", str(sheet), "--coder", "anna")
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.startswith(f"Error: {sheet}:2:") and "'quote' column" in line and "'span' column" in line, line
    assert "--quote" not in line and "--span" not in line
    assert db_snapshot(db_path) == before


def test_uncoding_a_passage_that_holds_no_coding_says_where_the_code_is(cli, project, db_path):
    """A coder quotes one word too few when taking a passage back: nothing changes, and the
    answer names the passages that do carry the code instead of a bare 'unchanged'."""
    a = "Als er een leerkracht ziek is, sta ik gewoon voor de groep."
    assert cli("code", "2", "ad-hoctaken", "--quote", a, "--coder", "anna").exit_code == 0
    before = db_snapshot(db_path)
    result = cli("uncode", "2", "ad-hoctaken", "--quote", "Als er een leerkracht ziek is", "--coder", "anna")
    start = TURN.index(a)
    assert result.exit_code == 0 and "unchanged" in result.stdout
    assert f"it is on passage {start}:{start + len(a)}" in result.stdout and "--span" in result.stdout
    assert db_snapshot(db_path) == before
    as_json = json.loads(cli("uncode", "2", "ad-hoctaken", "--quote", "Als er een leerkracht ziek is", "--coder", "anna",
                             "--json").stdout)
    assert as_json[0]["action"] == "unchanged" and f"passage {start}:{start + len(a)}" in as_json[0]["note"]
    assert "\ue000" not in as_json[0]["note"]
    # a passage that does hold it still comes off, with nothing to add
    done = cli("uncode", "2", "ad-hoctaken", "--quote", a, "--coder", "anna")
    assert "uncoded" in done.stdout and "not coded on this passage" not in done.stdout
