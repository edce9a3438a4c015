"""Review by sentence (#13): select sentences of a long turn, code them as a passage, see
coded passages and a suggestion's sentences in the turn, undo a passage coding.

The project (review/longturn.py) holds one long turn of a Teams-style transcript, with
suggestions from the real rule matcher.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from focuscode.cli.review_ui import ScriptedKeys, run_review
from focuscode.cli.review_ui.loop import ReviewLoop
from focuscode.passages import sentences
from focuscode.review import ReviewSession
from focuscode.review.session import SentenceSelection
from review.longturn import REVIEW_ALL, build_long_turn_project

ESC = "\x1b"


@pytest.fixture
def long_turn(tmp_path, db_path):
    db = build_long_turn_project(tmp_path, db_path)
    sid = db.execute("SELECT id FROM segments WHERE text LIKE 'Nou, dat is bij ons%'").fetchone()[0]
    text = db.execute("SELECT text FROM segments WHERE id = ?", [sid]).fetchone()[0]
    yield db, sid, text
    db.close()


def sentence(text: str, n: int) -> tuple[int, int]:
    """Sentence n (1-based) of the turn."""
    return sentences(text)[n - 1]


def rows(db, sid: int, coder: str = "anna") -> list[tuple]:
    """This coder's rows on the turn: (code, status, span_start, span_end), sorted."""
    return sorted(
        db.execute(
            "SELECT k.name, c.status, c.span_start, c.span_end FROM codings c JOIN codes k ON k.id = c.code_id "
            "WHERE c.segment_id = ? AND c.coder = ?", [sid, coder]
        ).fetchall(),
        key=repr,
    )


def console(**kw) -> Console:
    return Console(file=io.StringIO(), width=80, height=24, **kw)


def frames(out: Console) -> list[list[str]]:
    return [f.strip("\n").split("\n") for f in out.file.getvalue().split("─" * 80) if f.strip()]


def review(db, keys, out=None, monkeypatch=None):
    out = out or console()
    summary = run_review(db, "anna", keys=ScriptedKeys(keys), console=out, f=REVIEW_ALL)
    return summary, out


# -- the turn and its suggestions as the screen gets them --------------------------------------


def test_the_long_turn_has_twelve_sentences_and_suggestions_point_at_theirs(long_turn):
    db, sid, text = long_turn
    assert len(sentences(text)) == 12
    view = ReviewSession(db, "anna", all_suggestions=True).view(sid)
    by_code = {s["code"]: s["sentences"] for s in view.suggestions}
    # "invaller" stands in sentence 2 and "invallen" in sentence 5: two sentences, not the stretch between.
    assert by_code["invallen"] == [sentence(text, 2), sentence(text, 5)]
    assert by_code["toelage"] == [sentence(text, 8)]
    assert by_code["doorgroei"] == [sentence(text, 9)]


# -- the session: decisions per passage, turn-level status, undo ----------------------------------


def test_turn_status_counts_any_accepted_row_whatever_the_row_order(long_turn):
    db, sid, text = long_turn
    s = ReviewSession(db, "anna", all_suggestions=True)
    s.decide("add", sid, "invallen", sentence(text, 2))
    s.decide("add", sid, "invallen", sentence(text, 5))
    s.decide("remove", sid, "invallen", sentence(text, 5))  # the newest row is a rejection
    s.decide("add", sid, "toelage", sentence(text, 8))
    s.decide("remove", sid, "toelage", sentence(text, 8))
    view = s.view(sid)
    # invallen: one passage still accepted, so the turn carries it; toelage: only a rejection left.
    assert view.accepted == ["invallen"] and view.rejected == ["toelage"]
    assert {x["code"]: x["decision"] for x in view.suggestions} == {
        "invallen": "accepted", "toelage": "rejected", "doorgroei": "pending"}
    assert [(p["code"], p["span"]) for p in view.passages] == [("invallen", sentence(text, 2))]
    assert view.whole == []


def test_a_passage_decision_is_its_own_row_and_undo_takes_exactly_it_back(long_turn):
    db, sid, text = long_turn
    s = ReviewSession(db, "anna", all_suggestions=True)
    s.decide("accept", sid, "invallen")  # the whole turn first
    first = s.decide("add", sid, "invallen", sentence(text, 2))
    second = s.decide("add", sid, "invallen", sentence(text, 5))
    assert first.changes[0].old_status is None and first.span == sentence(text, 2)
    assert rows(db, sid) == sorted([("invallen", "accepted", None, None),
                                    ("invallen", "accepted", *sentence(text, 2)),
                                    ("invallen", "accepted", *sentence(text, 5))], key=repr)
    assert s.undo() is second
    assert rows(db, sid) == sorted([("invallen", "accepted", None, None),
                                    ("invallen", "accepted", *sentence(text, 2))], key=repr)
    undo = db.execute("SELECT action, old_status, new_status, span_start, span_end FROM coding_events "
                      "ORDER BY id DESC LIMIT 1").fetchone()
    assert undo == ("undo", "accepted", None, *sentence(text, 5))


def test_the_same_passage_twice_changes_nothing_and_is_not_undone(long_turn):
    db, sid, text = long_turn
    s = ReviewSession(db, "anna", all_suggestions=True)
    s.decide("add", sid, "toelage", sentence(text, 8))
    again = s.decide("add", sid, "toelage", sentence(text, 8))
    assert again.changes == [] and len(s.undo_stack) == 1
    s.undo()
    assert rows(db, sid) == []


def test_all_sentences_selected_is_the_whole_turn_not_a_passage(long_turn):
    db, sid, text = long_turn
    s = ReviewSession(db, "anna")
    whole = (sentence(text, 1)[0], sentence(text, 12)[1])
    action = s.decide("add", sid, "visie", whole)
    assert action.span is None and rows(db, sid) == [("visie", "accepted", None, None)]


def test_remove_without_a_passage_takes_the_code_off_the_turn_and_undo_restores_every_row(long_turn):
    db, sid, text = long_turn
    s = ReviewSession(db, "anna", all_suggestions=True)
    s.decide("accept", sid, "invallen")
    s.decide("add", sid, "invallen", sentence(text, 2))
    s.decide("add", sid, "invallen", sentence(text, 5))
    before = rows(db, sid)
    action = s.decide("remove", sid, "invallen")
    assert len(action.changes) == 3
    assert rows(db, sid) == sorted([("invallen", "rejected", None, None),
                                    ("invallen", "rejected", *sentence(text, 2)),
                                    ("invallen", "rejected", *sentence(text, 5))], key=repr)
    assert "invallen" not in s.view(sid).accepted
    s.undo()
    assert rows(db, sid) == before


def test_reject_with_only_a_coded_passage_leaves_no_passage_carrying_the_code(long_turn):
    db, sid, text = long_turn
    s = ReviewSession(db, "anna", all_suggestions=True)
    s.decide("add", sid, "toelage", sentence(text, 8))
    s.decide("reject", sid, "toelage")
    assert rows(db, sid) == sorted([("toelage", "rejected", None, None), ("toelage", "rejected", *sentence(text, 8))], key=repr)
    s.undo()
    assert rows(db, sid) == [("toelage", "accepted", *sentence(text, 8))]


def test_sentence_selection_moves_extends_both_ways_and_stops_at_the_ends(long_turn):
    _, _, text = long_turn
    sel = SentenceSelection(sentences(text))
    assert sel.span(text) is None and not sel.active
    assert sel.move(1) and sel.range() == (0, 0)
    assert not sel.move(-1) and sel.range() == (0, 0)  # the first sentence: stays
    assert sel.extend(1) and sel.extend(1) and sel.range() == (0, 2)
    assert sel.span(text) == (sentence(text, 1)[0], sentence(text, 3)[1])
    assert sel.move(1) and sel.range() == (3, 3)  # moving collapses the range onto the next sentence
    assert sel.extend(-1) and sel.extend(-1) and sel.range() == (1, 3)  # extending back from the anchor
    assert sel.select(sentence(text, 9)) and sel.range() == (8, 8)
    sel.clear()
    assert sel.move(-1) and sel.range() == (11, 11)  # [ from the whole turn: the last sentence
    assert not sel.extend(1)
    one = "Herkenbaar."
    single = SentenceSelection(sentences(one))
    assert single.move(1) and single.span(one) is None  # one sentence selected is the whole turn
    assert not SentenceSelection([]).move(1)


# -- the keys ---------------------------------------------------------------------------------


def test_keys_select_sentences_code_them_and_undo(long_turn):
    db, sid, text = long_turn
    keys = ["]", "]", "}", "c", "toelage",  # sentences 2-3 as one passage
            "]", "]", "c", "inval",  # sentence 5 (] from a range goes on from its moving end)
            "u",  # takes back the sentence-5 coding only
            ESC, "c", "visie",  # the whole turn again
            "q"]
    summary, out = review(db, keys)
    assert rows(db, sid) == sorted([("toelage", "accepted", sentence(text, 2)[0], sentence(text, 3)[1]),
                                    ("visie", "accepted", None, None)], key=repr)
    text_out = out.file.getvalue()
    assert "added toelage for sentences 2-3" in text_out and "added invallen for sentence 5" in text_out
    assert "undone: add invallen on #" in text_out and "added visie\n" in text_out
    assert summary.actions == {"add": 3, "undo": 1}


def test_e_selects_a_suggestions_sentences_in_turn_and_a_accepts_for_just_that_one(long_turn):
    db, sid, text = long_turn
    view = ReviewSession(db, "anna", all_suggestions=True).view(sid)
    number = [s["code"] for s in view.suggestions].index("invallen") + 1
    # Mark invallen, e: its first sentence (2), e again: its next one (5), accept for that one.
    summary, out = review(db, [str(number), "e", "e", "a", "q"])
    assert rows(db, sid) == [("invallen", "accepted", *sentence(text, 5))]
    got = out.file.getvalue()
    assert "invallen: its evidence is in sentence 2" in got and "accepted invallen for sentence 5" in got
    # The turn now carries invallen for anna: another key does not ask about it again.
    assert ReviewSession(db, "anna", all_suggestions=True).view(sid).accepted == ["invallen"]


def test_x_offers_codes_and_passages_and_removes_just_the_passage_chosen(long_turn):
    db, sid, text = long_turn
    s = ReviewSession(db, "anna")
    s.decide("add", sid, "toelage", sentence(text, 8))
    s.decide("add", sid, "toelage", sentence(text, 10))
    s.decide("add", sid, "visie")
    summary, out = review(db, ["x", "3", "q"])
    # Options in order: the codes (toelage, as it has passages, "toelage (turn)"), then the passages,
    # as many as fit on the message line; select a sentence to reach the others (below).
    assert "remove: 1 toelage (turn), 2 visie, 3 toelage ⟦1 (other key: cancel)" in out.file.getvalue()
    assert rows(db, sid) == sorted([("toelage", "rejected", *sentence(text, 8)), ("toelage", "accepted", *sentence(text, 10)),
                                    ("visie", "accepted", None, None)], key=repr)
    # With a sentence selected, x offers only the passages in it: one, so no question.
    review(db, ["]"] * 10 + ["x", "q"])
    assert ("toelage", "rejected", *sentence(text, 10)) in rows(db, sid)
    summary, out = review(db, ["]", "x", "q"])
    assert "no coded passage in the selected sentences" in out.file.getvalue()


def test_reject_with_a_selection_is_about_the_whole_turn(long_turn):
    db, sid, text = long_turn
    view = ReviewSession(db, "anna", all_suggestions=True).view(sid)
    number = [s["code"] for s in view.suggestions].index("toelage") + 1
    summary, out = review(db, [str(number), "e", "a", str(number), "r", "q"])
    assert "rejected toelage (whole turn)" in out.file.getvalue()
    assert rows(db, sid) == sorted([("toelage", "rejected", None, None), ("toelage", "rejected", *sentence(text, 8))], key=repr)


def test_a_one_sentence_turn_has_nothing_to_select(long_turn):
    db, _, _ = long_turn
    short = db.execute("SELECT id FROM segments WHERE text = 'Herkenbaar.'").fetchone()[0]
    loop = ReviewLoop(db, "anna", ScriptedKeys([]), console(), REVIEW_ALL)
    loop.pos = loop.queue.index(short)
    view = loop.session.view(short)
    loop.selection = SentenceSelection(view.sentences)
    loop._act("]", short, view)
    assert loop.message == "this turn is one sentence: a, c and x act on all of it" and not loop.selection.active


# -- the screen -------------------------------------------------------------------------------


def test_no_color_marks_selection_suggestion_sentences_and_passages_in_plain_characters(long_turn, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    db, sid, text = long_turn
    view = ReviewSession(db, "anna", all_suggestions=True).view(sid)
    number = [s["code"] for s in view.suggestions].index("toelage") + 1
    out = console(force_terminal=True)
    review(db, [str(number), "]", "]", "c", "doorgroei", "q"], out)
    raw = out.file.getvalue()
    assert not re.search(r"\x1b\[[0-9;]*?(?:3[0-7]|38|9[0-7])(?:;[0-9;]*)?m", raw)  # no colour codes
    last = raw.split("\x1b[2J")[-1]  # the last screen
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", last)
    flat = " ".join(plain.split())
    # The coded passage, numbered, with the selection inside it; evidence words in brackets;
    # the marked suggestion's sentence in angle quotes.
    assert "⟦1 »Als er een docent ziek is, kijken ze eerst of er een [invaller] is, en die is er bijna nooit.«⟧" in flat
    assert "‹En daar krijg ik geen [toelage] voor," in flat
    assert "⟦1 doorgroei · sentence 2 · «Als er een docent ziek is," in plain
    assert "your codes: doorgroei (passage 1)" in plain
    assert "toelage (ad-hoctaken) rules" in plain and "· sentence 8 · toelage" in plain
    assert "» sentence 2 of 12: a, A, c, x act on it" in plain


def test_colour_terminal_shows_the_selection_in_reverse_video(long_turn, monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    db, sid, text = long_turn
    out = console(force_terminal=True, color_system="standard")
    review(db, ["]", "q"], out)
    last = out.file.getvalue().split("\x1b[2J")[-1]
    first_sentence = text[slice(*sentence(text, 1))]
    assert f"\x1b[7m{first_sentence}\x1b[0m" in last
    body = last.split("\x1b[7m» sentence 1 of 12")[0]
    assert "»" not in body and "«" not in body  # the marks are for terminals without styles


def test_every_frame_fits_80x24_and_the_turn_folds_around_the_selected_sentence(long_turn, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    db, sid, text = long_turn
    s = ReviewSession(db, "anna")
    for n in (2, 5, 8, 9):  # four passages: three listed under the text, then "1 more"
        s.decide("add", sid, "toelage", sentence(text, n))
    keys = ["]"] * 12 + ["}", "[", "[", "v", "q"]
    _, out = review(db, keys)
    shots = frames(out)
    assert len(shots) == 17
    for lines in shots[:-1]:
        assert len(lines) <= 23, lines
        assert max(len(line) for line in lines) <= 80
    first = "\n".join(shots[0])
    assert "more lines (v: show all)" in first and "lines above" not in first
    for n in range(1, 13):  # after n times ]: sentence n is selected and shown whole, wherever it is
        shown = re.sub(r"⟦\d+ |[⟧‹›\[\]]", "", " ".join(" ".join(shots[n]).split()))
        assert "»" + text[slice(*sentence(text, n))] + "«" in shown, n
    assert "… 1 more passages (v: show all)" in first
    last_sentence = text[slice(*sentence(text, 12))]
    at_end = "\n".join(shots[12])  # sentence 12 selected: the text is folded so that it shows
    assert "lines above" in at_end and "»" + last_sentence.split()[0] in at_end
    assert " ".join("\n".join(shots[12]).split()).count(last_sentence) == 1
    assert "that is the last sentence" in "\n".join(shots[13])  # } at the end: nothing to extend to
    full = "\n".join(shots[-1])
    assert "lines above" not in full and "more lines" not in full and "⟦4 toelage · sentence 9" in full


def test_help_lists_the_sentence_keys_and_fits(long_turn):
    db, _, _ = long_turn
    _, out = review(db, ["?", " ", "q"])
    shot = frames(out)[1]
    assert len(shot) <= 23
    helptext = "\n".join(shot)
    for key in ("] / j", "[ / k", "} / J", "e", "Esc"):
        assert re.search(rf"^\s*{re.escape(key)}  ", helptext, re.M), key


def test_stale_or_malformed_evidence_sentences_are_ignored(long_turn):
    db, sid, text = long_turn
    evidence = {"matches": [{"text": "toelage", "start": 10_000, "end": 10_007}],
                "sentences": [[10_000, 10_100], "x", [5, 2]]}
    db.execute("UPDATE codings SET evidence = ? WHERE coder IS NULL AND segment_id = ? AND code_id = "
               "(SELECT id FROM codes WHERE name = 'toelage')", [json.dumps(evidence), sid])
    db.conn.commit()
    view = ReviewSession(db, "anna", all_suggestions=True).view(sid)
    sug = next(x for x in view.suggestions if x["code"] == "toelage")
    assert sug["sentences"] == []
    number = view.suggestions.index(sug) + 1
    _, out = review(db, [str(number), "e", "q"])
    assert "toelage points at no sentence: a accepts it for the whole turn" in out.file.getvalue()


def test_a_sentence_longer_than_the_screen_shows_from_its_start(long_turn, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    db, sid, original = long_turn
    # A transcription service without punctuation writes run-on turns: one "sentence" of 40 lines.
    run_on = "Ja dus " + " ".join(["en dan moet ik weer invallen en dan blijft mijn eigen werk liggen"] * 45) + "."
    text = f"{original} {run_on} Klaar."
    db.execute("UPDATE segments SET text = ? WHERE id = ?", [text, sid])
    db.conn.commit()
    _, out = review(db, ["[", "[", "q"])  # [ from the whole turn: the last sentence, then the one before
    shots = frames(out)
    last = "\n".join(shots[1])
    assert "lines above" in last and "»Klaar.«" in last and "more lines" not in last
    long = "\n".join(shots[2])
    assert "lines above" in long and "»Ja dus en dan moet ik" in long and "more lines" in long
    for lines in shots:
        assert len(lines) <= 23


def test_your_codes_line_says_which_codes_hold_the_whole_turn_and_which_passages(long_turn, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    db, sid, text = long_turn
    s = ReviewSession(db, "anna")
    s.decide("add", sid, "invallen")
    s.decide("add", sid, "invallen", sentence(text, 5))
    s.decide("add", sid, "toelage", sentence(text, 8))
    s.decide("add", sid, "visie")
    _, out = review(db, ["q"])
    assert "your codes: invallen (whole turn, passage 1), toelage (passage 2), visie" in out.file.getvalue()


def test_a_coded_passage_counts_as_a_decision_in_the_queues(long_turn):
    from focuscode.review import ReviewFilter, build_queue

    db, sid, text = long_turn
    assert sid in build_queue(db, "anna", ReviewFilter(all_suggestions=True)).segment_ids
    s = ReviewSession(db, "anna")
    for code, n in (("invallen", 2), ("toelage", 8)):
        s.decide("add", sid, code, sentence(text, n))
    s.decide("add", sid, "doorgroei", sentence(text, 9))
    s.decide("remove", sid, "doorgroei", sentence(text, 9))  # a rejected passage decides too
    # Every suggestion of the turn is decided, so the pending review no longer asks about it;
    # the turn carries codes, so it is not uncoded either.
    assert sid not in build_queue(db, "anna", ReviewFilter(all_suggestions=True)).segment_ids
    assert sid not in build_queue(db, "anna", ReviewFilter(mode="uncoded")).segment_ids
    assert sid in build_queue(db, "bram", ReviewFilter(all_suggestions=True)).segment_ids


def test_a_passage_coded_by_quote_shows_inside_its_sentence_and_x_on_that_sentence_removes_it(long_turn, monkeypatch):
    from focuscode.coding import code_passage

    monkeypatch.setenv("NO_COLOR", "1")
    db, sid, text = long_turn
    code_passage(db, sid, "toelage", "anna", quote="geen toelage")  # as `code --quote` stores it
    keys = ["]"] * 8 + ["x", "q"]
    _, out = review(db, keys)
    shots = frames(out)
    flat = " ".join(" ".join(shots[0]).split())
    assert "krijg ik ⟦1 geen [toelage]⟧ voor," in flat
    assert "⟦1 toelage · in sentence 8 · «geen toelage»" in flat
    assert "removed toelage from in sentence 8" not in out.file.getvalue()
    assert "removed toelage from part of sentence 8" in out.file.getvalue()
    start = text.index("geen toelage")
    assert rows(db, sid) == [("toelage", "rejected", start, start + len("geen toelage"))]
