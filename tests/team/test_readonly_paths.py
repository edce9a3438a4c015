"""One read-only opener (db.connect_readonly) for every command that reads a project it must
not change: merge reads another coder's copy, check and doctor read possibly broken projects.
Coders keep their copies in folders named the way people name them on a shared drive or a
USB stick: "ronde #2", "100% klaar?", with spaces. SQLite reads '?', '#' and '%' in a file:
URI as query, fragment and escape, so an unescaped path opened another file or none at all
(merge failed on '#', doctor on all three)."""

from __future__ import annotations

import json

import pytest
from team.teamkit import build_project, db_snapshot, segment_id

from focuscode.check import check_project
from focuscode.doctor import project_status

PO = "focusgroep-oop-po.txt"


@pytest.mark.parametrize("folder", ["ronde #2", "100% klaar?", "Coderingen %23 bram"])
def test_merge_check_and_doctor_read_a_copy_in_an_oddly_named_folder(tmp_path, cli, folder):
    ours = build_project(tmp_path / "ours.db")
    sid = segment_id(ours, PO, 4)
    ours.close()
    other = tmp_path / folder / "bram.db"
    other.parent.mkdir()
    assert cli("replicate", "--coder", "bram", "--out", other, db=tmp_path / "ours.db").exit_code == 0
    assert cli("code", str(sid), "doorgroei", db=other).exit_code == 0
    before = db_snapshot(other)

    result = cli("merge", other, "--json", db=tmp_path / "ours.db")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["codings_added"] == 1

    report = check_project(other)
    assert report.ok and report.path.endswith("bram.db")
    status = project_status(other)
    assert "error" not in status and status["counts"]["codings"] == 1 and not status["pending"]
    assert db_snapshot(other) == before  # read-only: none of the three wrote the copy
