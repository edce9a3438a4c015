"""Scripted coding as a coder runs it from a shell script or a spreadsheet export.

The study is written for these tests (tests/foundation/reportkit.py): two focus
groups in a transcription service's "Naam: tekst" plain text with participants
CSVs, a four-theme codebook, and coding CSVs of segment,code,memo rows as saved
from Excel or LibreOffice.
"""

from __future__ import annotations

import json

from fctest import db_snapshot
from foundation.reportkit import build_study, segment_id


def _codings(cli, sid: int) -> list[dict]:
    result = cli("segments", "--all", "--json")  # stored suggestions too, shown or not
    assert result.exit_code == 0, result.stderr
    return next(s for s in json.loads(result.stdout) if s["id"] == sid)["codings"]


def test_uncode_rejects_a_pending_rule_suggestion(cli, tmp_path, db_path):
    build_study(cli, tmp_path / "studie", coders=())
    assert cli("suggest").exit_code == 0
    sid = segment_id(db_path, "fg-po-sessie1.txt", 3)  # "kopiëren en klaarzetten voor de middag"
    before = [c for c in _codings(cli, sid) if c["code"] == "kopieerwerk"]
    assert [(c["coder"], c["status"], c["method"]) for c in before] == [(None, "suggested", "rules")]

    result = cli("uncode", str(sid), "kopieerwerk", "--coder", "carla", "--json")
    assert result.exit_code == 0, result.stderr
    assert [(c["segment_id"], c["action"], c["status"]) for c in json.loads(result.stdout)] == [(sid, "rejected", "rejected")]

    mine = [c for c in _codings(cli, sid) if c["code"] == "kopieerwerk" and c["coder"] == "carla"]
    assert [(c["status"], c["method"]) for c in mine] == [("rejected", "rules")]
    # The decision keeps the evidence the suggestion had.
    assert {m["keyword"] for m in mine[0]["evidence"]["matches"]} == {"kopiëren", "klaarzetten"}

    # With its other suggestion rejected too, the turn is no longer pending for carla
    # (still for anyone else), and a second run changes nothing.
    assert cli("uncode", str(sid), "surveilleren en opvang", "--coder", "carla").exit_code == 0
    from focuscode.db import open_project
    from focuscode.review.queue import ReviewFilter, build_queue

    db = open_project(db_path, create=False)
    carla = build_queue(db, "carla", ReviewFilter(mode="pending")).segment_ids
    dirk = build_queue(db, "dirk", ReviewFilter(mode="pending")).segment_ids
    db.close()
    assert sid not in carla and sid in dirk
    again = cli("uncode", str(sid), "kopieerwerk", "--coder", "carla", "--json")
    assert [c["action"] for c in json.loads(again.stdout)] == ["unchanged"]


def test_uncode_from_file_rejects_suggestions_a_script_lists(cli, tmp_path, db_path):
    build_study(cli, tmp_path / "studie", coders=())
    assert cli("suggest").exit_code == 0
    reject = tmp_path / "afwijzen.csv"
    # Semicolons, as Dutch Excel saves CSV.
    reject.write_text("segment;code\nfg-po-sessie1.txt:7;waardering\nfg-po-sessie1.txt:4;samenwerking met docenten\n", encoding="utf-8")
    result = cli("uncode", "--from-file", reject, "--coder", "carla", "--json")
    assert result.exit_code == 0, result.stderr
    assert [c["action"] for c in json.loads(result.stdout)] == ["rejected", "rejected"]
    sid = segment_id(db_path, "fg-po-sessie1.txt", 7)
    assert [(c["coder"], c["status"]) for c in _codings(cli, sid) if c["code"] == "waardering"] == [
        (None, "suggested"), ("carla", "rejected")]


def test_rerunning_a_coding_file_with_memos_adds_no_memo_twice(cli, tmp_path, db_path):
    files = build_study(cli, tmp_path / "studie", coders=("anna",))
    snapshot = db_snapshot(db_path)
    result = cli("code", "--from-file", files["coding_anna"], "--coder", "anna")
    assert result.exit_code == 0, result.stderr
    assert "0 memos added, 2 already there" in result.stdout
    assert db_snapshot(db_path) == snapshot  # the codings were already idempotent; now the memos are too

    memos = json.loads(cli("memo", "--list", "--json").stdout)
    assert sorted(m["text"] for m in memos) == ["Opvang bij ziekte: ad hoc", "Pabo-wens, budget gaat naar leerkrachten"]

    # Another coder's identical note, and a changed note, are new memos.
    edited = tmp_path / "codering-anna-v2.csv"
    edited.write_text("segment,code,memo\nfg-po-sessie1.txt:2,takenpakket,Opvang bij ziekte: structureel\n", encoding="utf-8")
    assert "1 memos added" in cli("code", "--from-file", edited, "--coder", "anna").stdout
    assert "2 memos added" in cli("code", "--from-file", files["coding_anna"], "--coder", "bram").stdout
    assert len(json.loads(cli("memo", "--list", "--json").stdout)) == 5


def test_a_memo_repeated_within_one_file_is_stored_once(cli, tmp_path, db_path):
    build_study(cli, tmp_path / "studie", coders=())
    sheet = tmp_path / "codering.csv"
    # Two codes for one turn, the coder's note copied down the column as spreadsheets do.
    sheet.write_text(
        "segment,code,memo\n"
        "fg-vo-sessie1.txt:3,kopieerwerk,Toa doet kopieerwerk voor de hele sectie\n"
        "fg-vo-sessie1.txt:3,samenwerking met docenten,Toa doet kopieerwerk voor de hele sectie\n",
        encoding="utf-8",
    )
    result = cli("code", "--from-file", sheet, "--coder", "anna")
    assert result.exit_code == 0, result.stderr
    assert "1 memos added" in result.stdout
    assert len(json.loads(cli("memo", "--list", "--json").stdout)) == 1


def test_code_with_a_misspelt_code_name_suggests_the_nearest(cli, tmp_path, db_path):
    build_study(cli, tmp_path / "studie", coders=())
    sid = segment_id(db_path, "fg-po-sessie1.txt", 6)
    snapshot = db_snapshot(db_path)
    for typed, nearest in (("scholingsbudjet", "'scholingsbudget'"), ("Opvang", "'surveilleren en opvang'"),
                           ("waardeering", "'waardering'")):
        result = cli("code", str(sid), typed, "--coder", "anna")
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert f"unknown code '{typed}' (did you mean {nearest}" in result.stderr
    # Nothing near: no guess.
    result = cli("code", str(sid), "xyz", "--coder", "anna")
    assert "did you mean" not in result.stderr and "unknown code 'xyz'" in result.stderr
    assert db_snapshot(db_path) == snapshot


def test_uncode_of_a_code_nobody_suggested_stores_nothing(cli, tmp_path, db_path):
    build_study(cli, tmp_path / "studie", coders=())
    assert cli("suggest").exit_code == 0
    sid = segment_id(db_path, "fg-po-sessie1.txt", 7)  # only "waardering" is suggested here
    snapshot = db_snapshot(db_path)
    result = cli("uncode", str(sid), "kopieerwerk", "--coder", "carla", "--json")
    assert [c["action"] for c in json.loads(result.stdout)] == ["unchanged"]
    assert db_snapshot(db_path) == snapshot


def test_uncode_after_accepting_a_suggestion_takes_the_code_off(cli, tmp_path, db_path):
    build_study(cli, tmp_path / "studie", coders=())
    assert cli("suggest").exit_code == 0
    sid = segment_id(db_path, "fg-po-sessie1.txt", 7)
    assert cli("code", str(sid), "waardering", "--coder", "carla").exit_code == 0
    result = cli("uncode", str(sid), "waardering", "--coder", "carla", "--json")
    assert [(c["action"], c["status"]) for c in json.loads(result.stdout)] == [("uncoded", "rejected")]
    mine = [c for c in _codings(cli, sid) if c["coder"] == "carla"]
    assert [(c["code"], c["status"], c["method"]) for c in mine] == [("waardering", "rejected", "rules")]


def test_segment_id_lists_that_are_not_ids_are_one_line(cli, tmp_path, db_path):
    build_study(cli, tmp_path / "studie", coders=())
    snapshot = db_snapshot(db_path)
    for spec, says in (("5-3", "not a segment id or range: '5-3'"), ("1-", "not a segment id or range: '1-'"),
                       ("٣", "not a segment id or range: '٣'"), ("-3", "not a segment id or range: '-3'"),
                       ("3-15", "no segment with id 15 (the range 3-15 asks for 13 segments)")):
        result = cli("code", "--ids", spec, "waardering", "--coder", "anna")
        assert result.exit_code == 1 and result.stderr.count("\n") == 1 and says in result.stderr, (spec, result.stderr)
    assert db_snapshot(db_path) == snapshot
    # An empty part is skipped, as before.
    result = cli("code", "--ids", "2,,7", "waardering", "--coder", "anna", "--json")
    assert [c["segment_id"] for c in json.loads(result.stdout)] == [2, 7]


def test_a_summary_after_merging_a_second_coder_says_it_pools_them(cli, tmp_path, db_path):
    files = build_study(cli, tmp_path / "studie", coders=("anna",))
    copy = tmp_path / "student.db"
    assert cli("replicate", "--coder", "student", "--out", copy).exit_code == 0
    # The student codes the blind copy from their own spreadsheet.
    assert cli("code", "--from-file", files["coding_bram"], db=copy).exit_code == 0
    assert cli("export", "summary", "--out", tmp_path / "voor").exit_code == 0
    before = (tmp_path / "voor" / "samenvatting.md").read_text(encoding="utf-8")
    assert "coderingen, codeur anna." in before
    assert cli("merge", copy).exit_code == 0
    result = cli("export", "summary", "--out", tmp_path / "na")
    assert "Codings of anna and student, pooled" in result.stdout
    after = (tmp_path / "na" / "samenvatting.md").read_text(encoding="utf-8")
    assert "coderingen, codeurs anna en student samengenomen." in after
    stats = json.loads(cli("stats", "--json").stdout)
    assert stats[0]["coding"]["coders"] == ["anna", "student"] and stats[0]["coding"]["pooled"] is True
