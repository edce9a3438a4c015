"""Scripted coding: several segments, a CSV of segment,code[,memo], and memos."""

from __future__ import annotations

import json

import pytest
from team.teamkit import db_snapshot, decisions, segment_id

from focuscode.db import open_project

PO = "focusgroep-oop-po.txt"


def test_code_and_uncode_several_segments_with_ids(project, db_path, cli):
    project.close()
    result = cli("code", "--ids", "4,7,9-11", "toelage", "--coder", "anna", "--json")
    assert result.exit_code == 0, result.stderr
    assert [c["segment_id"] for c in json.loads(result.stdout)] == [4, 7, 9, 10, 11]
    result = cli("uncode", "--ids", "9-10", "toelage", "--coder", "anna", "--json")
    assert [(c["segment_id"], c["action"]) for c in json.loads(result.stdout)] == [(9, "uncoded"), (10, "uncoded")]
    # The positional form still works.
    assert cli("code", "12", "visie", "--coder", "anna").exit_code == 0
    conn = open_project(db_path)
    assert decisions(conn, "anna") == {
        (4, "toelage", "accepted"), (7, "toelage", "accepted"), (11, "toelage", "accepted"),
        (9, "toelage", "rejected"), (10, "toelage", "rejected"), (12, "visie", "accepted"),
    }


def test_code_from_file_with_memos_ids_and_transcript_turns(project, db_path, tmp_path, cli):
    s3, s14 = segment_id(project, PO, 3), segment_id(project, PO, 14)
    project.close()
    path = tmp_path / "codering.csv"
    path.write_text(
        "segment,code,memo\n"
        f"{s3},ad-hoctaken,\n"
        f"{PO}:14,visie,\"Er is geld, dus er komt een assistent bij\"\n"
        f"{PO}:14,Afstemming\n"
        f"{PO}:15,,\n",  # looked at, no code
        encoding="utf-8",
    )
    result = cli("code", "--from-file", path, "--coder", "anna", "--json")
    assert result.exit_code == 0, result.stderr
    actions = [(c["segment_id"], c["code"], c["action"]) for c in json.loads(result.stdout)]
    s15 = s14 + 1
    assert actions == [(s3, "ad-hoctaken", "coded"), (s14, "visie", "coded"), (s14, "afstemming", "coded"), (s15, "", "seen")]
    conn = open_project(db_path)
    assert conn.execute("SELECT segment_id, coder, text FROM memos").fetchall() == [
        (s14, "anna", "Er is geld, dus er komt een assistent bij")
    ]
    assert conn.execute("SELECT segment_id FROM seen WHERE coder = 'anna'").fetchall() == [(s15,)]
    conn.close()
    # segments shows the memo
    seg = json.loads(cli("segments", "--transcript", PO, "--json").stdout)
    memo_rows = [s for s in seg if s["memos"]]
    assert [s["id"] for s in memo_rows] == [s14] and memo_rows[0]["memos"][0]["coder"] == "anna"
    # Running the same file again changes no coding.
    again = json.loads(cli("code", "--from-file", path, "--coder", "anna", "--json").stdout)
    assert {c["action"] for c in again} == {"unchanged"}


def test_semicolon_csv_from_dutch_excel(project, db_path, tmp_path, cli):
    project.close()
    path = tmp_path / "excel.csv"
    path.write_bytes("segment;code;memo\r\n4;doorgroei;Wil de pabo gaan doen, twijfelt\r\n".encode("cp1252"))
    assert cli("code", "--from-file", path, "--coder", "anna").exit_code == 0
    conn = open_project(db_path)
    assert decisions(conn, "anna") == {(4, "doorgroei", "accepted")}
    assert conn.execute("SELECT text FROM memos").fetchall() == [("Wil de pabo gaan doen, twijfelt",)]


def test_uncode_from_file(project, db_path, tmp_path, cli):
    project.close()
    cli("code", "--ids", "4,5", "visie", "--coder", "anna")
    path = tmp_path / "weg.csv"
    path.write_text("4,visie\n5,visie\n6,visie\n")
    result = json.loads(cli("uncode", "--from-file", path, "--coder", "anna", "--json").stdout)
    assert [c["action"] for c in result] == ["uncoded", "uncoded", "unchanged"]


@pytest.mark.parametrize(
    "content, line, message",
    [
        ("segment,code\n4,visie\n5,onbestaand\n", 3, "unknown code 'onbestaand'"),
        ("4,visie\n99999,visie\n", 2, "no segment '99999'"),
        ("4,visie\nfocusgroep-oop-po.txt:999,visie\n", 2, "no segment 'focusgroep-oop-po.txt:999'"),
        ("4,visie,memo,extra\n", 1, "too many columns (4)"),
        ("vier,visie\n", 1, "no segment 'vier'"),
    ],
)
def test_bad_rows_name_file_line_and_value_and_store_nothing(project, db_path, tmp_path, cli, content, line, message):
    project.close()
    path = tmp_path / "fout.csv"
    path.write_text(content, encoding="utf-8")
    before = db_snapshot(db_path)
    result = cli("code", "--from-file", path, "--coder", "anna")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{path}:{line}: " in lines[0] and message in lines[0]
    assert db_snapshot(db_path) == before


def test_empty_or_missing_file_and_option_mistakes(project, db_path, tmp_path, cli):
    project.close()
    empty = tmp_path / "leeg.csv"
    empty.write_text("segment,code,memo\n")
    before = db_snapshot(db_path)
    result = cli("code", "--from-file", empty, "--coder", "anna")
    assert result.exit_code == 1 and "no segment,code rows found" in result.stderr
    result = cli("code", "--from-file", tmp_path / "weg.csv", "--coder", "anna")
    assert result.exit_code == 1 and "weg.csv" in result.stderr
    result = cli("code", "4", "visie", "--from-file", empty, "--coder", "anna")
    assert result.exit_code == 2 and "--from-file takes no SEGMENT" in result.stderr
    result = cli("code", "--ids", "4-x", "visie", "--coder", "anna")
    assert result.exit_code == 1 and "'4-x'" in result.stderr
    result = cli("code", "--ids", "4", "--coder", "anna")
    assert result.exit_code == 2
    result = cli("code", "4", "visie")
    assert result.exit_code == 1 and "coder name is needed" in result.stderr
    assert db_snapshot(db_path) == before


def test_memo_on_segment_code_transcript_and_project(project, db_path, cli):
    project.close()
    assert cli("memo", "Mooi voorbeeld van klusjes", "--segment", "21", "--coder", "anna").exit_code == 0
    assert cli("memo", "Invallen en toelage overlappen vaak", "--code", "Invallen", "--coder", "anna").exit_code == 0
    assert cli("memo", "Veel sbo-ervaring in deze groep", "--transcript", PO).exit_code == 0
    result = cli("memo", "Codeboek na ronde 1 aanscherpen", "--json")
    assert json.loads(result.stdout)["target"] == "project"
    listed = json.loads(cli("memo", "--list", "--json").stdout)
    assert [(m["target"], m["about"], m["coder"]) for m in listed] == [
        ("segment", "21", "anna"), ("code", "invallen", "anna"), ("transcript", PO, None), ("project", None, None),
    ]
    assert [m["text"] for m in json.loads(cli("memo", "--list", "--target", "code", "--json").stdout)] == [
        "Invallen en toelage overlappen vaak"
    ]
    text = cli("memo", "--list").stdout
    assert "[code invallen] (anna" in text and "4 memos" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["Tekst", "--segment", "9999"], "no segment with id 9999"),
        (["Tekst", "--code", "bestaat-niet"], "unknown code 'bestaat-niet'"),
        (["Tekst", "--transcript", "weg.txt"], "no transcript named 'weg.txt'"),
        (["   ", "--segment", "4"], "a memo needs some text"),
        (["Tekst", "--segment", "4", "--code", "visie"], "one thing"),
    ],
)
def test_memo_bad_input(project, db_path, cli, args, message):
    project.close()
    before = db_snapshot(db_path)
    result = cli("memo", *args)
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert db_snapshot(db_path) == before
