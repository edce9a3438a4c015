"""`focuscode read` printed whole (stdout not a terminal, or --no-pager) and as JSON, on a
Teams caption export (WebVTT) coded by two coders; see readkit.py for the transcript."""

from __future__ import annotations

import json
import re

from fctest import db_snapshot
from reading.readkit import LATE_PASSAGE, LONG_SENTENCES, MEMO, NAME, TURN_2, TURN_5, body_text, turn_block, turn_start

MARKERS = re.compile(r"\[/?\d+\]")


def test_each_turn_shows_speaker_role_sector_time_and_its_codes(cli, coded):
    result = cli("read", NAME)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.splitlines()[0] == f"{NAME} · focusgroep · 6 turns · coders: anna, ben"
    block = turn_block(out, 2)
    assert block[0] == f"#{coded[2]} · turn 2 · {turn_start(2)} · Onderwijsassistent 1 (po) (onderwijsassistent, po)"
    # Two passages of anna's, marked where they stand; ben's code of the whole turn under it.
    first = "Als er een leerkracht ziek is, sta ik gewoon voor de groep."
    assert f"[1]{first}[/1]" in body_text(block)
    assert "[2]zou ik graag de opleiding tot leraar willen doen[/2]" in body_text(block)
    assert MARKERS.sub("", body_text(block)) == TURN_2
    assert "  codes: doorgroei (ben)" in block
    assert "  passages: [1] invallen en lessen overnemen (anna) · [2] leraar worden (anna)" in block
    assert f"  memo (anna): {MEMO}" in block
    # The facilitator's turns are there too, with their role.
    assert turn_block(out, 3)[0] == f"#{coded[3]} · turn 3 · {turn_start(3)} · Gespreksleider (gespreksleider)"


def test_only_label_role_sector_and_source_of_a_speaker_are_shown(cli, coded):
    out = cli("read", NAME).stdout
    # The participants file gives school types; like `segments`, the view never shows them.
    assert "basisschool" not in out and "kindcentrum" not in out


def test_a_rejected_passage_and_a_suggestion_are_not_codes(cli, coded, db_path):
    import sqlite3

    # Turn 5: ben coded the whole turn; anna coded a passage and took it back (a rejected row).
    block = turn_block(cli("read", NAME).stdout, 5)
    assert MARKERS.search(body_text(block)) is None
    assert block[-1] == "  codes: klusjes (ben)"
    # A rule suggestion stored as suggest stores it (coder NULL, with its sentence span): nobody's code yet.
    conn = sqlite3.connect(db_path)
    cid = conn.execute("SELECT id FROM codes WHERE name = 'overlegstructuur'").fetchone()[0]
    at = TURN_5.index("Kopiëren")
    conn.execute("INSERT INTO codings (segment_id, code_id, coder, status, method, score, evidence, span_start, span_end,"
                 " created_at, updated_at) VALUES (?, ?, NULL, 'suggested', 'rules', 0.9, '{}', ?, ?, '2026-01-01', '2026-01-01')",
                 [coded[5], cid, at, len(TURN_5)])
    conn.commit()
    conn.close()
    out = cli("read", NAME).stdout
    assert "overlegstructuur" not in out
    assert turn_block(out, 5) == block


def test_one_coder_shows_only_that_coders_codes_without_tags(cli, coded):
    out = cli("read", NAME, "--coder", "ben").stdout
    assert out.splitlines()[0] == f"{NAME} · focusgroep · 6 turns · coder ben"
    block = turn_block(out, 2)
    assert MARKERS.search(body_text(block)) is None  # anna's passages are not ben's
    assert "  codes: doorgroei" in block
    assert not any("memo (anna)" in line for line in block)
    anna = turn_block(cli("read", NAME, "--coder", "anna").stdout, 2)
    assert "  passages: [1] invallen en lessen overnemen · [2] leraar worden" in anna
    assert not any(line.strip().startswith("codes:") for line in anna)


def test_one_passage_coded_by_both_coders_is_one_passage_tagged_with_both(cli, coded):
    assert cli("code", str(coded[2]), "invallen en lessen overnemen", "--quote",
               "Als er een leerkracht ziek is, sta ik gewoon voor de groep.", "--coder", "ben").exit_code == 0
    block = turn_block(cli("read", NAME).stdout, 2)
    assert "  passages: [1] invallen en lessen overnemen (anna, ben) · [2] leraar worden (anna)" in block


def test_overlapping_passages_keep_every_word_in_place(cli, coded):
    # ben codes a passage that starts inside anna's first one and runs past it.
    words = "sta ik gewoon voor de groep. Dat vind ik eigenlijk niet de bedoeling."
    assert cli("code", str(coded[2]), "grenzen stellen", "--quote", words, "--coder", "ben").exit_code == 0
    body = body_text(turn_block(cli("read", NAME).stdout, 2))
    assert MARKERS.sub("", body) == TURN_2
    assert "[1]Als er een leerkracht ziek is, [2]sta ik gewoon voor de groep.[/1] Dat vind ik eigenlijk niet de bedoeling.[/2]" in body


def test_the_header_says_where_a_code_stands(cli, coded):
    out = cli("read", NAME, "--code", "ad-hoctaken").stdout
    # The theme brings its subcodes: invallen (turn 2), klusjes and toelage (turn 4), klusjes (turn 5).
    assert out.splitlines()[1] == "ad-hoctaken: 3 passages and 1 whole turn, in turns 2, 4, 5"
    out = cli("read", NAME, "--code", "leraar worden", "--coder", "ben").stdout
    assert out.splitlines()[1] == "leraar worden: not coded in this transcript by ben"


def test_every_line_fits_the_width_and_long_turns_wrap_at_spaces(cli, coded):
    out = cli("read", NAME, env={"COLUMNS": "50"}).stdout
    assert max(len(line) for line in out.splitlines()) <= 50
    block = turn_block(out, 4)
    assert len(block) > 40  # the long turn, wrapped
    assert MARKERS.sub("", body_text(block)) == " ".join(LONG_SENTENCES)
    assert f"[2]{LATE_PASSAGE}[/2]" in body_text(block)


def test_json_gives_every_turn_with_its_codings(cli, coded):
    result = cli("read", NAME, "--code", "ad-hoctaken", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [t["ordinal"] for t in data["turns"]] == [1, 2, 3, 4, 5, 6]
    two = data["turns"][1]
    assert (two["speaker"], two["role"], two["sector"], two["time"], two["facilitator"]) == (
        "Onderwijsassistent 1 (po)", "onderwijsassistent", "po", turn_start(2), False)
    assert "school_type" not in two
    first = "Als er een leerkracht ziek is, sta ik gewoon voor de groep."
    keys = ("code", "theme", "coder", "status", "span_start", "span_end", "quote")
    got = [tuple(c[k] for k in keys) for c in two["codings"]]
    assert ("invallen en lessen overnemen", "ad-hoctaken", "anna", "accepted", TURN_2.index(first),
            TURN_2.index(first) + len(first), first) in got
    assert ("doorgroei", "doorgroei", "ben", "accepted", None, None, None) in got
    assert len(got) == 3
    assert all(c["coder"] != "anna" for c in data["turns"][4]["codings"])  # the rejected passage
    assert [(t["ordinal"], t["code"], t["span_start"] is None) for t in data["targets"]] == [
        (2, "invallen en lessen overnemen", False), (4, "klusjes", False), (4, "hoger werk zonder toelage", False),
        (5, "klusjes", True)]


def test_unknown_transcript_code_and_coder_are_one_line_and_exit_1(cli, coded, db_path):
    before = db_snapshot(db_path)
    cases = [
        (("read", "teams-focusgroep-po.vtt"), "Error: no transcript named 'teams-focusgroep-po.vtt' (did you mean 'teams-focusgroep-oop-po.vtt'?)"),
        (("read", NAME, "--code", "invalen"), "Error: unknown code 'invalen' (did you mean"),
        (("read", NAME, "--coder", "anne"), "Error: unknown coder 'anne': no codings or seen segments by that name (coders here: anna, ben)"),
    ]
    for args, start in cases:
        result = cli(*args)
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(start), result.stderr
    assert db_snapshot(db_path) == before
    result = cli("read")
    assert result.exit_code == 2 and "Missing argument" in result.stderr


def test_a_project_without_transcripts_says_so(cli, db_path):
    assert cli("init").exit_code == 0
    result = cli("read", NAME)
    assert result.exit_code == 1
    assert result.stderr == "Error: no transcripts in the project yet; import some first\n"


def test_no_color_gives_plain_markers_and_colour_gives_underlined_passages(cli, coded):
    plain = cli("read", NAME, "--no-pager").stdout
    assert "\x1b" not in plain and "[/1]" in plain
    styled = cli("read", NAME, "--no-pager", env={"NO_COLOR": None, "FORCE_COLOR": "1", "TERM": "xterm-256color"}).stdout
    assert "\x1b[" in styled
    # The passage is underlined and keeps only its number; no closing marker clutters the text.
    assert "[/1]" not in styled and "[1]" in styled
    underlined = re.findall(r"\x1b\[[0-9;]*4[0-9;]*m([^\x1b]+)", styled)
    assert any("Als er een leerkracht ziek is" in u for u in underlined)


def test_control_characters_in_a_memo_never_reach_the_terminal(cli, coded):
    # A memo pasted from a terminal with an escape sequence in it (clear screen).
    assert cli("memo", "Vraag\x1b[2J: vast patroon?", "--segment", str(coded[4]), "--coder", "anna").exit_code == 0
    out = cli("read", NAME).stdout
    assert "\x1b" not in out
    assert "memo (anna): Vraag␛[2J: vast patroon?" in out


def test_a_memo_on_the_transcript_heads_the_view_for_its_coder(cli, coded):
    note = "Sessie liep uit; de tweede helft is kort samengevat door de gespreksleider."
    assert cli("memo", note, "--transcript", NAME, "--coder", "ben").exit_code == 0
    out = cli("read", NAME).stdout.splitlines()
    assert out[1] == f"memo (ben): {note}"
    assert f"memo (ben): {note}" not in cli("read", NAME, "--coder", "anna").stdout
    assert json.loads(cli("read", NAME, "--json").stdout)["memos"] == [{"coder": "ben", "text": note}]
