"""`import --replace` of a transcript whose kept turns changed only in white space (a Word
re-save that doubles spaces or turns spaces into no-break spaces): the turn is matched on its
words, so its passages must be found again in the new text, not kept at their old offsets."""

from __future__ import annotations

import json

from fctest import import_focus_group

TURN = "Nou ja, ik doe bijv. de kopieerkamer. Als OOP’er hoor je dan: „dat hoort er nu eenmaal bij”."


def test_a_replaced_transcript_keeps_its_passages_on_their_words(cli, tmp_path):
    fg = import_focus_group(cli, tmp_path, [("Gespreksleider", "Wat doen jullie zoal?"), ("Onderwijsassistent 1", TURN)])
    quote = "„dat hoort er nu eenmaal bij”"
    assert cli("code", "2", "ad-hoctaken", "--quote", quote, "--coder", "anna").exit_code == 0
    # Re-saved: a new turn above, doubled spaces and a no-break space inside the coded turn.
    edited = TURN.replace("ik doe", "ik  doe").replace("hoort er", "hoort\u00a0er")
    fg.write_text(f"Gespreksleider: Welkom.\nGespreksleider: Wat doen jullie zoal?\nOnderwijsassistent 1: {edited}\n",
                  encoding="utf-8")
    result = cli("import", str(fg), "--source", "focusgroep", "--replace")
    assert result.exit_code == 0, result.output
    rows = json.loads(cli("segments", "--json").stdout)
    coded = [(r["text"], c) for r in rows for c in r["codings"] if c["coder"] == "anna"]
    assert len(coded) == 1
    text, c = coded[0]
    assert text == edited and c["quote"] == "„dat hoort\u00a0er nu eenmaal bij”"


def test_codings_of_turns_whose_words_changed_are_reported_as_not_kept(cli, tmp_path):
    fg = import_focus_group(cli, tmp_path, [("Gespreksleider", "Wat doen jullie zoal?"), ("Onderwijsassistent 1", TURN)])
    assert cli("code", "2", "ad-hoctaken", "--sentence", "1", "--coder", "anna").exit_code == 0
    assert cli("code", "2", "klusjes", "--coder", "anna").exit_code == 0
    fg.write_text(f"Gespreksleider: Wat doen jullie zoal?\nOnderwijsassistent 1: {TURN.replace('ik doe', 'ik deed')}\n",
                  encoding="utf-8")
    result = cli("import", str(fg), "--source", "focusgroep", "--replace")
    assert result.exit_code == 0, result.output
    assert "2 codings of turns whose words changed not kept" in result.output
