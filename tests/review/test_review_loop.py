"""The review loop driven through its input stream, as a coder would type."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from team.teamkit import decisions

from focuscode.cli.review_ui import ScriptedKeys, run_review
from focuscode.review import ReviewFilter, build_queue
from focuscode.codes import match_codes

ENTER = "\n"


def console(width=80, height=24, **kw) -> Console:
    return Console(file=io.StringIO(), width=width, height=height, **kw)


def suggested_code(db, sid: int) -> str:
    return db.execute(
        "SELECT k.name FROM codings c JOIN codes k ON k.id = c.code_id WHERE c.segment_id = ? AND c.coder IS NULL", [sid]
    ).fetchone()[0]


def test_accept_reject_add_memo_undo_quit_store_exactly_those_actions(project):
    s1, s2, s3 = build_queue(project, "anna", ReviewFilter()).segment_ids[:3]
    keys = [
        "a", ENTER,  # s1: accept its suggestion, done
        "r",  # s2: reject its suggestion
        "c", "afstem",  # add a code by part of its name
        "m", "OOP'er mist een visie van de school; goed citaat",  # memo
        ENTER,
        "c", "inval",  # s3: add invallen...
        "u",  # ...and undo it
        "q",
    ]
    summary = run_review(project, "anna", keys=ScriptedKeys(keys), console=console())
    assert decisions(project, "anna") == {
        (s1, suggested_code(project, s1), "accepted"),
        (s2, suggested_code(project, s2), "rejected"),
        (s2, "afstemming", "accepted"),
    }
    memos = project.execute("SELECT target, segment_id, coder, text FROM memos").fetchall()
    assert memos == [("segment", s2, "anna", "OOP'er mist een visie van de school; goed citaat")]
    assert {r[0] for r in project.execute("SELECT segment_id FROM seen WHERE coder = 'anna'")} == {s1, s2}
    events = [(r[0], r[1]) for r in project.execute("SELECT action, segment_id FROM coding_events ORDER BY id")]
    assert events == [("accepted", s1), ("rejected", s2), ("accepted", s2), ("accepted", s3), ("undo", s3)]
    assert summary.actions == {"accept": 1, "done": 2, "reject": 1, "add": 2, "memo": 1, "undo": 1}
    assert not summary.interrupted and summary.finished == 2


def test_a_new_review_resumes_after_the_finished_segments(project):
    queue = build_queue(project, "anna", ReviewFilter()).segment_ids
    run_review(project, "anna", keys=ScriptedKeys(["a", ENTER, "s", ENTER, "q"]), console=console())
    # The skipped one (queue[1]) stays; the two finished ones are gone.
    again = build_queue(project, "anna", ReviewFilter())
    assert again.segment_ids == [queue[1]] + queue[3:]
    # Finished with a decision leaves the pending queue anyway; finished without one is counted.
    assert again.done_before == 1
    out = console()
    run_review(project, "anna", keys=ScriptedKeys(["q"]), console=out)
    text = out.file.getvalue()
    assert f"#{queue[1]} " in text and "resuming: 1 done before" in text
    # Another coder still sees every pending suggestion: decisions are per coder.
    assert build_queue(project, "bram", ReviewFilter()).segment_ids == queue


def test_ctrl_c_loses_nothing_already_typed(project):
    s1 = build_queue(project, "anna", ReviewFilter()).segment_ids[0]
    summary = run_review(project, "anna", keys=ScriptedKeys(["a", "m", "Twijfelt over de pabo", "\x03", "r"]), console=console())
    assert summary.interrupted
    assert decisions(project, "anna") == {(s1, suggested_code(project, s1), "accepted")}
    assert project.execute("SELECT text FROM memos").fetchall() == [("Twijfelt over de pabo",)]


def test_remove_takes_off_one_of_the_coders_codes(project):
    s1 = build_queue(project, "anna", ReviewFilter()).segment_ids[0]
    code = suggested_code(project, s1)
    keys = ["a", "c", "afstemming", "x", "2", "q"]  # two codes now, so x asks which
    run_review(project, "anna", keys=ScriptedKeys(keys), console=console())
    assert decisions(project, "anna") == {(s1, code, "accepted"), (s1, "afstemming", "rejected")}


def test_back_and_skip_move_without_writing(project):
    q = build_queue(project, "anna", ReviewFilter()).segment_ids
    out = console()
    run_review(project, "anna", keys=ScriptedKeys(["s", "s", "b", "q"]), console=out)
    headers = re.findall(r"#(\d+) focusgroep", out.file.getvalue())
    assert [int(h) for h in headers] == [q[0], q[1], q[2], q[1]]
    assert decisions(project, "anna") == set()
    assert project.execute("SELECT count(*) FROM seen").fetchone()[0] == 0


def test_uncoded_and_all_modes_cover_segments_without_suggestions(project):
    pending = build_queue(project, "anna", ReviewFilter()).segment_ids
    everything = build_queue(project, "anna", ReviewFilter(mode="all")).segment_ids
    facilitator_turns = project.execute(
        "SELECT count(*) FROM segments s JOIN participants p ON p.id = s.participant_id WHERE p.is_facilitator = 1"
    ).fetchone()[0]
    total = project.execute("SELECT count(*) FROM segments").fetchone()[0]
    assert len(everything) == total - facilitator_turns and set(pending) < set(everything)
    # A coder can code the whole transcript by keyboard: every segment once, then the queue is empty.
    keys = []
    for _ in everything:
        keys += ["c", "afstemming", ENTER]
    summary = run_review(project, "anna", keys=ScriptedKeys(keys), console=console(), f=ReviewFilter(mode="uncoded"))
    assert summary.left == 0 and summary.finished == len(everything)
    assert build_queue(project, "anna", ReviewFilter(mode="uncoded")).segment_ids == []
    assert len(decisions(project, "anna")) == len(everything)


def test_filters_and_seeded_random_order(project):
    po = build_queue(project, "anna", ReviewFilter(mode="all", sector="po", role="OOP'er")).segment_ids
    assert po == build_queue(project, "anna", ReviewFilter(mode="all")).segment_ids
    assert build_queue(project, "anna", ReviewFilter(mode="all", sector="vo")).segment_ids == []
    doorgroei = build_queue(project, "anna", ReviewFilter(code="doorgroei")).segment_ids
    assert doorgroei and all(suggested_code(project, s) == "doorgroei" for s in doorgroei)
    a = build_queue(project, "anna", ReviewFilter(mode="all", random=True, seed=7)).segment_ids
    b = build_queue(project, "anna", ReviewFilter(mode="all", random=True, seed=7)).segment_ids
    assert a == b and a != po and sorted(a) == sorted(po)


def test_frames_fit_80x24_and_show_context_evidence_and_progress(project, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = console()
    q = build_queue(project, "anna", ReviewFilter(mode="all")).segment_ids
    run_review(project, "anna", keys=ScriptedKeys(["s"] * len(q)), console=out, f=ReviewFilter(mode="all"))
    frames = [f.strip("\n").split("\n") for f in out.file.getvalue().split("─" * 80) if f.strip()]
    assert len(frames) == len(q)
    for lines in frames:
        assert len(lines) <= 23, lines
        assert max(len(line) for line in lines) <= 80
        assert lines[0].startswith("review · anna · segment ")
    first = "\n".join(frames[0])
    assert f"segment 1/{len(q)} · {len(q)} left" in first
    assert "↑ Gespreksleider:" in first and "↓ " in first  # one turn of context either side
    # Evidence is marked in brackets when styles are off.
    assert any("[pabo]" in "\n".join(f) or "[visie]" in "\n".join(f) for f in frames)
    assert "(OOP'er, po," in first  # speaker with role and sector


def test_long_text_is_cut_to_fit_and_v_shows_it_all(project):
    sid = build_queue(project, "anna", ReviewFilter()).segment_ids[0]
    long_text = " ".join(["Ik sta elke week voor de klas omdat er geen invaller is."] * 40)
    project.execute("UPDATE segments SET text = ? WHERE id = ?", [long_text, sid])
    project.conn.commit()
    out = console()
    run_review(project, "anna", keys=ScriptedKeys(["v", "q"]), console=out)
    short, full = [f.strip("\n").split("\n") for f in out.file.getvalue().split("─" * 80) if f.strip()]
    assert len(short) <= 23 and any("more lines (v: show all)" in line for line in short)
    assert len(full) > 24


def test_no_color_terminal_gets_no_colour_codes(project, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = console(force_terminal=True)
    assert out.no_color
    run_review(project, "anna", keys=ScriptedKeys(["a", "q"]), console=out)
    raw = out.file.getvalue()
    assert not re.search(r"\x1b\[[0-9;]*?(?:3[0-7]|38|9[0-7])(?:;[0-9;]*)?m", raw)
    assert "[pabo]" in raw  # evidence still stands out, in brackets


@pytest.mark.parametrize(
    "typed, expected",
    [("inval", ["invallen"]), ("AFSTEM", ["afstemming"]), ("afstemmng", ["afstemming"]), ("Doorgroei", ["doorgroei"]),
     ("toelag", ["toelage"]), ("xyzzy", [])],
)
def test_fuzzy_code_lookup(typed, expected):
    names = ["visie", "ad-hoctaken", "invallen", "toelage", "doorgroei", "afstemming"]
    assert match_codes(typed, names)[:1] == expected


def test_ambiguous_part_asks_which_code(project):
    s1 = build_queue(project, "anna", ReviewFilter()).segment_ids[0]
    assert match_codes("a", ["visie", "invallen", "ad-hoctaken", "afstemming"]) == ["ad-hoctaken", "afstemming", "invallen"]
    out = console()
    run_review(project, "anna", keys=ScriptedKeys(["c", "a", "2", "q"]), console=out)
    # Codes starting with what was typed come first.
    assert "'a': 1 ad-hoctaken, 2 afstemming, 3 invallen, 4 toelage" in out.file.getvalue()
    assert decisions(project, "anna") == {(s1, "afstemming", "accepted")}


def test_unknown_code_and_cancel_write_nothing(project):
    out = console()
    run_review(project, "anna", keys=ScriptedKeys(["c", "xyzzy", "c", "\x1b", "m", "", "x", "q"]), console=out)
    text = out.file.getvalue()
    assert "no code matches 'xyzzy'" in text and "cancelled" in text and "no memo written" in text
    assert "you have no code on this segment to remove" in text
    assert decisions(project, "anna") == set()
    assert project.execute("SELECT count(*) FROM memos").fetchone()[0] == 0


def test_digit_picks_a_suggestion_and_capital_a_accepts_all_pending(project):
    s1 = build_queue(project, "anna", ReviewFilter()).segment_ids[0]
    first = suggested_code(project, s1)
    stamp = "2026-01-01T00:00:00+00:00"
    for code, score in (("afstemming", 0.9), ("visie", 0.7)):
        project.execute(
            "INSERT INTO codings (segment_id, code_id, coder, status, method, score, created_at, updated_at) "
            "SELECT ?, id, NULL, 'suggested', 'rules', ?, ?, ? FROM codes WHERE name = ?", [s1, score, stamp, stamp, code]
        )
    project.conn.commit()
    # Suggestions are shown by score: afstemming 0.9, then the 0.8 one, then visie 0.7.
    run_review(project, "anna", keys=ScriptedKeys(["3", "r", "A", "q"]), console=console())
    assert decisions(project, "anna") == {(s1, "visie", "rejected"), (s1, "afstemming", "accepted"), (s1, first, "accepted")}


def test_many_matching_codes_offer_only_what_fits_on_one_line(project):
    from focuscode.codebook import parse_codebook
    from focuscode.codes import load_codebook_into
    from team.teamkit import CODEBOOK

    extra = "".join(f"  - name: overleg over onderwerp nummer {i}\n" for i in range(1, 10))
    load_codebook_into(project, parse_codebook(CODEBOOK + extra, "lang.yaml"))
    out = console()
    run_review(project, "anna", keys=ScriptedKeys(["c", "overleg", "9", "q"]), console=out)
    line = next(ln for ln in out.file.getvalue().splitlines() if ln.startswith("'overleg':"))
    assert len(line) <= 80 and "(other key: cancel)" in line and "1 overleg over onderwerp nummer 1" in line
    assert "9 overleg" not in line
    assert decisions(project, "anna") == set()  # 9 was not on offer, so nothing was coded
