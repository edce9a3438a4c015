"""Coders as records: list, rename, merge (a typo'd coder folded into the right one)."""

from __future__ import annotations

import json

from schemakit import audit_lines, query

from fctest import db_snapshot


def _code(cli, seg: int, code: str, coder: str, *, uncode: bool = False) -> None:
    r = cli("uncode" if uncode else "code", str(seg), code, "--coder", coder)
    assert r.exit_code == 0, r.output


def test_coder_list_counts_each_coders_decisions_and_memos(cli, project):
    _code(cli, project["Ik val heel"], "ad-hoctaken", "anna")
    _code(cli, project["Ik wil graag"], "doorgroei", "anna")
    _code(cli, project["Ik wil graag"], "doorgroei", "bram")
    assert cli("memo", "Inval komt vaak terug.", "--segment", str(project["Ik val heel"]), "--coder", "bram").exit_code == 0
    listed = json.loads(cli("coder", "list", "--json").stdout)
    assert [(c["name"], c["decisions"], c["memos"]) for c in listed] == [("anna", 2, 0), ("bram", 1, 1)]
    text = cli("coder", "list").stdout
    assert "anna" in text and "bram" in text


def test_rename_changes_the_name_everywhere_and_keeps_the_record(cli, project, db_path):
    seg = project["Ik val heel"]
    _code(cli, seg, "ad-hoctaken", "anan")
    assert cli("memo", "Typfout in mijn naam.", "--segment", str(seg), "--coder", "anan").exit_code == 0
    before = query(db_path, "SELECT id FROM coders WHERE name = 'anan'")
    r = cli("coder", "rename", "anan", "anna")
    assert r.exit_code == 0, r.output
    assert "Renamed coder 'anan' to 'anna'" in r.stdout
    assert query(db_path, "SELECT id FROM coders WHERE name = 'anna'") == before
    for table in ("codings", "memos", "coding_events"):
        assert query(db_path, f"SELECT DISTINCT coder FROM {table} WHERE coder IS NOT NULL") == [("anna",)], table
    shown = json.loads(cli("segments", "--json").stdout)
    assert [(s["id"], c["coder"]) for s in shown for c in s["codings"] if c["coder"]] == [(seg, "anna")]
    line = audit_lines(cli, "--event", "coder rename")[0]
    assert (line["coder"], line["details"]["old"], line["details"]["new"]) == ("anna", "anan", "anna")


def test_rename_onto_an_existing_coder_is_refused_and_points_to_merge(cli, project, db_path):
    _code(cli, project["Ik val heel"], "ad-hoctaken", "anna")
    _code(cli, project["Ik wil graag"], "doorgroei", "Anna")
    before = db_snapshot(db_path)
    r = cli("coder", "rename", "Anna", "anna")
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == [
        "Error: there is already a coder 'anna'; use 'coder merge Anna anna' to fold one into the other"]
    assert db_snapshot(db_path) == before


def test_unknown_coder_is_one_line_naming_the_known_ones(cli, project, db_path):
    _code(cli, project["Ik val heel"], "ad-hoctaken", "anna")
    before = db_snapshot(db_path)
    for args in (("rename", "bram", "Bram"), ("merge", "bram", "anna"), ("merge", "anna", "bram")):
        r = cli("coder", *args)
        assert r.exit_code == 1 and "Traceback" not in r.output
        assert r.stderr.strip() == "Error: no coder 'bram' in this project (coders: 'anna')"
    assert db_snapshot(db_path) == before


def test_merge_folds_a_typod_coder_in_and_reports_conflicting_decisions(cli, project, db_path):
    val, wil, kopie, loop = (project[k] for k in ("Ik val heel", "Ik wil graag", "Het kopieerwerk en", "Een loopbaanpad zou"))
    _code(cli, val, "ad-hoctaken", "anna")
    _code(cli, kopie, "ad-hoctaken", "anna", uncode=True)      # anna: not ad-hoc (a rejected suggestion)
    _code(cli, kopie, "ad-hoctaken", "Anna")                   # the typo'd name said it is: a conflict
    _code(cli, loop, "doorgroei", "Anna")                      # the same decision under both names
    _code(cli, loop, "doorgroei", "anna")
    _code(cli, wil, "doorgroei", "Anna")                       # only under the typo: moves
    assert cli("memo", "Doorgroei zonder budget.", "--segment", str(wil), "--coder", "Anna").exit_code == 0
    r = cli("coder", "merge", "Anna", "anna", "--json")
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    assert (result["moved"], result["duplicates"]) == (1, 1)
    assert result["conflicts"] == [{"segment_id": kopie, "code": "ad-hoctaken", "from_status": "accepted",
                                    "into_status": "rejected", "kept": "rejected"}]
    decided = query(db_path, "SELECT segment_id, status FROM codings WHERE coder = 'anna' ORDER BY segment_id")
    assert decided == sorted([(val, "accepted"), (wil, "accepted"), (kopie, "rejected"), (loop, "accepted")])
    assert query(db_path, "SELECT count(*) FROM codings WHERE coder = 'Anna'") == [(0,)]
    assert query(db_path, "SELECT coder FROM memos") == [("anna",)]
    # The merged coder is no longer listed, but its record stays for the audit log.
    assert [c["name"] for c in json.loads(cli("coder", "list", "--json").stdout)] == ["anna"]
    merged = json.loads(cli("coder", "list", "--merged", "--json").stdout)
    assert {c["name"]: c["merged_into"] for c in merged} == {"Anna": "anna", "anna": None}
    line = audit_lines(cli, "--event", "coder merge")[0]
    assert line["details"]["source"] == "Anna" and line["details"]["conflicts"] == result["conflicts"]
    # The human summary names the conflict too.
    text = cli("audit").stdout
    assert "coder merge" in text


def test_merge_prints_the_conflicts_for_a_human(cli, project):
    kopie = project["Het kopieerwerk en"]
    _code(cli, kopie, "ad-hoctaken", "anna", uncode=True)
    _code(cli, kopie, "ad-hoctaken", "Anna")
    r = cli("coder", "merge", "Anna", "anna")
    assert r.exit_code == 0, r.output
    assert "1 conflicts" in r.stdout
    assert f"conflict: segment {kopie} ad-hoctaken: Anna accepted, anna rejected (kept)" in r.stdout


def test_merge_keeps_seen_marks_without_duplicates(cli, project, db_path):
    seg = project["Soms surveilleer ik"]
    # A review session marks a segment as seen ("done") for each coder.
    from focuscode.db import open_project
    from focuscode.review.session import ReviewSession

    db = open_project(db_path)
    for coder in ("anna", "Anna"):
        ReviewSession(db, coder).done(seg)
    ReviewSession(db, "Anna").done(project["Ik val heel"])
    db.conn.close()
    assert cli("coder", "merge", "Anna", "anna").exit_code == 0
    assert query(db_path, "SELECT segment_id, coder FROM seen ORDER BY segment_id") == sorted(
        [(project["Ik val heel"], "anna"), (seg, "anna")])


def test_merging_a_coder_into_itself_is_refused(cli, project, db_path):
    _code(cli, project["Ik val heel"], "ad-hoctaken", "anna")
    r = cli("coder", "merge", "anna", "anna")
    assert r.exit_code == 1 and r.stderr.strip() == "Error: cannot merge coder 'anna' into itself"
