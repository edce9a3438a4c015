"""Re-importing: unchanged files add nothing; --replace keeps the codings of unchanged turns."""

from __future__ import annotations

import json
import sqlite3

from importkit import FIXTURES, copy_fixture, db_snapshot, segments

CODEBOOK = """\
- name: afstemming
  children:
    - name: overleg
- name: ad-hoctaken
"""


def _setup(cli, tmp_path):
    book = tmp_path / "cb.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    assert cli("codebook", "load", book).exit_code == 0
    path = copy_fixture("zoom-fg-po.vtt", tmp_path)
    assert cli("import", path, "--source", "focusgroep").exit_code == 0
    return path


def test_unchanged_file_adds_nothing(cli, tmp_path, db_path):
    path = _setup(cli, tmp_path)
    before = db_snapshot(db_path)
    r = cli("import", path, "--source", "focusgroep")
    assert r.exit_code == 0 and "zoom-fg-po.vtt: unchanged, 4 turns" in r.stdout
    assert db_snapshot(db_path) == before


def test_replace_keeps_codings_of_unchanged_turns(cli, tmp_path, db_path):
    path = _setup(cli, tmp_path)
    segs = segments(cli)
    turn2, turn3 = segs[1]["id"], segs[2]["id"]
    assert cli("code", str(turn2), "afstemming", "--coder", "anna").exit_code == 0
    assert cli("code", str(turn2), "overleg", "--coder", "bram").exit_code == 0
    assert cli("code", str(turn3), "overleg", "--coder", "anna").exit_code == 0
    # The transcriber corrects turn 3 and adds a closing cue.
    text = path.read_text(encoding="utf-8")
    text = text.replace("er is geen vast overleg.", "er is geen vast overlegmoment.")
    text += "\n7\n00:00:30.000 --> 00:00:33.000\nOOP'er 1 (po): Nee, dat krijg ik niet terug.\n"
    path.write_text(text, encoding="utf-8")
    r = cli("import", path, "--source", "focusgroep", "--replace")
    assert r.exit_code == 0, r.output
    assert "zoom-fg-po.vtt: replaced, 5 turns" in r.stdout and "2 codings kept" in r.stdout
    new = segments(cli)
    assert len(new) == 5 and new[-1]["text"] == "Nee, dat krijg ik niet terug."
    kept = {(c["code"], c["coder"]) for c in new[1]["codings"]}
    assert kept == {("afstemming", "anna"), ("overleg", "bram")}
    assert new[1]["text"] == segs[1]["text"]
    assert new[2]["codings"] == [] and "overlegmoment" in new[2]["text"]
    # The coding history is not rewritten: it keeps the old ids, which no new turn reuses, and
    # the replace's audit line maps the kept turn to its new id (the corrected turn to none).
    conn = sqlite3.connect(db_path)
    events = conn.execute("SELECT segment_id, coder FROM coding_events ORDER BY id").fetchall()
    assert events == [(turn2, "anna"), (turn2, "bram"), (turn3, "anna")]
    assert not {turn2, turn3} & {s["id"] for s in new}
    details = json.loads(conn.execute("SELECT details FROM audit WHERE event = 'import replace'").fetchone()[0])
    assert details["segment_map"][str(turn2)] == new[1]["id"] and str(turn3) not in details["segment_map"]
    assert turn3 in details["segments_dropped"] and details["codings_kept"] == 2
    assert conn.execute("SELECT count(*) FROM transcripts").fetchone()[0] == 1


def test_replace_with_repeated_identical_turns(cli, tmp_path):
    path = tmp_path / "herhaling.txt"
    path.write_text("Gespreksleider: Herkennen jullie dat?\nOOP'er 1 (po): Ja.\nOOP'er 2 (po): Ja.\n", encoding="utf-8")
    book = tmp_path / "cb.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    cli("codebook", "load", book)
    assert cli("import", path, "--source", "focusgroep", "--allow-unknown").exit_code == 0
    second_ja = segments(cli)[2]["id"]
    assert cli("code", str(second_ja), "overleg", "--coder", "anna").exit_code == 0
    path.write_text(path.read_text(encoding="utf-8") + "Gespreksleider: Dank jullie wel.\n", encoding="utf-8")
    assert cli("import", path, "--source", "focusgroep", "--allow-unknown", "--replace").exit_code == 0
    new = segments(cli)
    # The coding stays on the second "Ja.", not on the first one with the same text.
    assert new[1]["codings"] == [] and [c["code"] for c in new[2]["codings"]] == ["overleg"]


def test_same_content_under_another_name_is_unchanged(cli, tmp_path):
    _setup(cli, tmp_path)
    copy = tmp_path / "kopie.vtt"
    copy.write_bytes((FIXTURES / "zoom-fg-po.vtt").read_bytes())
    r = cli("import", copy, "--source", "focusgroep")
    assert r.exit_code == 0 and "unchanged" in r.stdout and "zoom-fg-po.vtt" not in r.stdout.split(":")[0]
    assert {s["transcript"] for s in segments(cli)} == {"zoom-fg-po.vtt"}
