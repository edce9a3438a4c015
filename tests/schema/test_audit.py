"""The audit log: one line per codebook load, coding decision (code, uncode, review accept,
reject and undo), merge, replaced transcript, check --fix and coder rename or merge; append
only; exported as JSON or CSV for a methods appendix, with ids, codes and coders but never
a participant's words."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from schemakit import RELEASE, audit_lines, copy_project, query

from fctest import db_snapshot


def _coding_lines(cli) -> list[tuple]:
    return [(line["coder"], line["details"]["segment_id"], line["details"]["code"], line["details"]["old_status"],
             line["details"]["new_status"], line["details"]["method"])
            for line in audit_lines(cli, "--event", "coding")]


def test_codebook_load_is_logged_with_its_version(cli, project):
    assert cli("codebook", "load", RELEASE / "codeboek-v2.yaml").exit_code == 0
    loads = audit_lines(cli, "--event", "codebook load")
    assert [(l["details"]["version"], l["details"]["codebook_version"], l["details"]["added"], l["details"]["updated"])
            for l in loads] == [(1, "1", 2, 0), (2, "2", 1, 2)]
    # The file by name: a folder may name the researcher's machine or account.
    assert loads[1]["details"]["source"] == "codeboek-v2.yaml"


def test_code_and_uncode_are_logged(cli, project):
    val = project["Ik val heel"]
    assert cli("code", str(val), "doorgroei", "--coder", "anna").exit_code == 0
    assert cli("uncode", str(val), "doorgroei", "--coder", "anna").exit_code == 0
    assert _coding_lines(cli) == [("anna", val, "doorgroei", None, "accepted", "manual"),
                                  ("anna", val, "doorgroei", "accepted", "rejected", "manual")]


def test_review_accept_reject_and_undo_are_logged(cli, project, db_path):
    from focuscode.db import open_project
    from focuscode.review.session import ReviewSession

    val, wil = project["Ik val heel"], project["Ik wil graag"]
    db = open_project(db_path)
    session = ReviewSession(db, "bram")
    session.decide("accept", val, "ad-hoctaken")   # a rule suggestion accepted
    session.decide("reject", wil, "doorgroei")     # a rule suggestion rejected
    session.undo()                                 # ...and the rejection taken back
    db.conn.close()
    lines = audit_lines(cli, "--event", "coding")
    assert [(l["details"]["segment_id"], l["details"]["action"], l["details"]["new_status"]) for l in lines] == [
        (val, "accepted", "accepted"), (wil, "rejected", "rejected"), (wil, "undo", None)]
    accepted = lines[0]["details"]
    assert accepted["method"] in ("rules", "similarity") and accepted["suggestion_id"] is not None
    assert accepted["codebook_version"] == 1


def _bram_copy(cli, project, db_path, tmp_path):
    """bram codes in his own copy of the project, to be merged back."""
    other = tmp_path / "bram.db"
    copy_project(db_path, other)
    assert cli("code", str(project["Ik wil graag"]), "doorgroei", "--coder", "bram", db=other).exit_code == 0
    return other


def test_merge_is_logged(cli, project, db_path, tmp_path):
    other = _bram_copy(cli, project, db_path, tmp_path)
    r = cli("merge", other)
    assert r.exit_code == 0, r.output
    line = audit_lines(cli, "--event", "merge")[0]
    assert line["details"]["other"] == "bram.db"
    assert (line["details"]["codings_added"], line["details"]["coders"]) == (1, ["bram"])
    # The merged decision itself is logged as a coding line too.
    assert _coding_lines(cli)[-1][:2] == ("bram", project["Ik wil graag"])


def test_a_dry_run_merge_logs_nothing(cli, project, db_path, tmp_path):
    other = _bram_copy(cli, project, db_path, tmp_path)
    assert cli("merge", other, "--dry-run").exit_code == 0
    assert audit_lines(cli, "--event", "merge") == []


def test_import_replace_is_logged_and_the_coding_history_is_not_rewritten(cli, project, db_path, tmp_path):
    val, kopie = project["Ik val heel"], project["Het kopieerwerk en"]
    assert cli("code", str(val), "ad-hoctaken", "--coder", "anna").exit_code == 0
    assert cli("code", str(kopie), "ad-hoctaken", "--coder", "anna").exit_code == 0
    events = query(db_path, "SELECT * FROM coding_events ORDER BY id")
    # The transcriber corrects one turn of the file that was imported.
    transcript = tmp_path / "fg-po-release.txt"
    (tmp_path / "fg-po-release.participants.csv").write_bytes((RELEASE / "fg-po-release.participants.csv").read_bytes())
    text = (RELEASE / "fg-po-release.txt").read_text(encoding="utf-8").replace("dat zijn echt ad-hoctaken", "dat zijn echt klusjes")
    transcript.write_text(text, encoding="utf-8")
    r = cli("import", transcript, "--source", "focusgroep", "--replace")
    assert r.exit_code == 0, r.output
    assert query(db_path, "SELECT * FROM coding_events ORDER BY id") == events
    line = audit_lines(cli, "--event", "import replace")[0]
    new_val = query(db_path, "SELECT id FROM segments WHERE text LIKE 'Ik val heel%'")[0][0]
    assert line["details"]["segment_map"][str(val)] == new_val
    assert kopie in line["details"]["segments_dropped"] and line["details"]["codings_kept"] == 1


def test_check_fix_is_logged(cli, project, db_path, tmp_path):
    assert cli("code", str(project["Ik wil graag"]), "doorgroei", "--coder", "anna").exit_code == 0
    only = tmp_path / "alleen-adhoc.yaml"
    only.write_text((RELEASE / "codeboek-v1.yaml").read_text(encoding="utf-8").split("  - name: doorgroei")[0],
                    encoding="utf-8")
    assert cli("codebook", "load", only).exit_code == 0  # doorgroei deactivated: its codings are orphans
    r = cli("check", "--fix", "--yes")
    assert r.exit_code == 0, r.output
    line = audit_lines(cli, "--event", "check fix")[0]
    assert line["details"]["removed"]["codings_of_inactive_codes"] >= 1
    assert line["details"]["backup"].startswith("project.db.bak-")


def test_coder_rename_and_merge_are_logged(cli, project):
    assert cli("code", str(project["Ik val heel"]), "ad-hoctaken", "--coder", "ana").exit_code == 0
    assert cli("code", str(project["Ik wil graag"]), "doorgroei", "--coder", "Anna").exit_code == 0
    assert cli("coder", "rename", "ana", "anna").exit_code == 0
    assert cli("coder", "merge", "Anna", "anna").exit_code == 0
    lines = [l for l in audit_lines(cli) if l["event"].startswith("coder")]
    assert [(l["event"], l["coder"]) for l in lines] == [("coder rename", "anna"), ("coder merge", "anna")]


def test_the_log_is_append_only(cli, project, db_path):
    assert cli("code", str(project["Ik val heel"]), "ad-hoctaken", "--coder", "anna").exit_code == 0
    conn = sqlite3.connect(db_path)
    for sql in ("UPDATE audit SET coder = 'bram'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    conn.close()
    assert len(audit_lines(cli)) == 2  # the codebook load and the decision


def test_csv_and_json_carry_no_participant_text_and_no_live_formula(cli, project, db_path):
    val = project["Ik val heel"]
    # A coder name typed like a spreadsheet formula must not come alive in Excel or LibreOffice.
    assert cli("code", str(val), "ad-hoctaken", "--coder", "=HYPERLINK(\"http://x\")").exit_code == 0
    assert cli("memo", "Inval komt in elke sessie terug.", "--segment", str(val), "--coder", "anna").exit_code == 0
    r = cli("audit", "--csv")
    assert r.exit_code == 0, r.output
    table = list(csv.reader(io.StringIO(r.stdout)))
    assert table[0] == ["id", "at", "event", "coder", "segment_id", "code", "action", "old_status", "new_status", "details"]
    coding = [row for row in table[1:] if row[2] == "coding"]
    assert len(coding) == 1 and coding[0][4:9] == [str(val), "ad-hoctaken", "accepted", "", "accepted"]
    assert not coding[0][3].startswith("=")
    texts = [t for (t,) in query(db_path, "SELECT text FROM segments")] + ["Inval komt in elke sessie terug."]
    for output in (r.stdout, cli("audit", "--json").stdout, cli("audit").stdout):
        for text in texts:
            assert text not in output
            assert text.split(",")[0] not in output


def test_bad_options_are_usage_errors(cli, project, db_path):
    before = db_snapshot(db_path)
    r = cli("audit", "--json", "--csv")
    assert r.exit_code == 2 and r.stderr.strip() == "Error: --json and --csv do not go together"
    r = cli("audit", "--event", "export")
    assert r.exit_code == 2 and r.stderr.strip().startswith("Error: --event must be one of 'coding', 'codebook load'")
    assert db_snapshot(db_path) == before


def test_a_merge_that_brings_nothing_is_not_logged_again(cli, project, db_path, tmp_path):
    other = _bram_copy(cli, project, db_path, tmp_path)
    assert cli("merge", other).exit_code == 0
    before = db_snapshot(db_path)
    assert cli("merge", other).exit_code == 0
    assert db_snapshot(db_path) == before
    assert len(audit_lines(cli, "--event", "merge")) == 1
