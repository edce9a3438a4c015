"""A code a codebook revision deactivated: its old codings can still be taken off (review's
`x`, `uncode`, `uncode --from-file`), and it cannot be given to a turn any more.

Before, taking it off failed with "unknown code" once the code was inactive, so a coder
could not clean up what the revision made obsolete. The turns imitate a Microsoft Teams
focus group with OOP'ers in secondary schools, exported as WebVTT with voice tags; the
codebook fragment is shaped like codebook/oop.yaml.
"""

from __future__ import annotations

from fctest import sql_rows

BOOK = """
- name: ad-hoctaken
  keywords: [invallen, klusjes]
  children:
    - name: surveilleren
      keywords: [pleinwacht, surveillance]
- name: doorgroei
  keywords: [opleiding, doorgroeien]
"""
# the revision folds surveilleren into ad-hoctaken: the subcode is deactivated
REVISED = """
- name: ad-hoctaken
  keywords: [invallen, klusjes, pleinwacht, surveillance]
- name: doorgroei
  keywords: [opleiding, doorgroeien]
"""

VTT = """WEBVTT

00:00:01.000 --> 00:00:05.000
<v Gespreksleider>Wat doen jullie buiten de lessen?

00:00:06.000 --> 00:00:14.000
<v Onderwijsassistent 1 (vo)>In de pauze heb ik bijna elke dag surveillance op het plein.

00:00:15.000 --> 00:00:21.000
<v Onderwijsassistent 2 (vo)>Ik doe de pleinwacht en daarna allerlei klusjes voor de sectie.
"""


def _status(path, code: str) -> list[tuple[int, str]]:
    return sql_rows(path, "SELECT s.ordinal, c.status FROM codings c JOIN codes k ON k.id = c.code_id "
                          "JOIN segments s ON s.id = c.segment_id WHERE c.coder = 'anna' AND k.name = ? "
                          "ORDER BY s.ordinal", [code])


def _ids(path) -> dict[int, int]:
    return dict(sql_rows(path, "SELECT ordinal, id FROM segments"))


def _project(cli, db_path, tmp_path) -> dict[int, int]:
    (tmp_path / "teams-fg-vo.vtt").write_text(VTT, encoding="utf-8")
    (tmp_path / "boek.yaml").write_text(BOOK, encoding="utf-8")
    (tmp_path / "herzien.yaml").write_text(REVISED, encoding="utf-8")
    assert cli("codebook", "load", tmp_path / "boek.yaml").exit_code == 0
    result = cli("import", tmp_path / "teams-fg-vo.vtt", "--source", "focusgroep", "--allow-pii", "--allow-unknown")
    assert result.exit_code == 0, result.output
    ids = _ids(db_path)
    for turn in (2, 3):
        assert cli("code", str(ids[turn]), "surveilleren", "--coder", "anna").exit_code == 0
    revised = cli("codebook", "load", tmp_path / "herzien.yaml")
    assert revised.exit_code == 0 and "1 deactivated" in revised.output
    return ids


def test_uncode_takes_a_deactivated_code_off_and_code_refuses_it(cli, db_path, tmp_path):
    ids = _project(cli, db_path, tmp_path)
    assert _status(db_path, "surveilleren") == [(2, "accepted"), (3, "accepted")]
    done = cli("uncode", str(ids[2]), "surveilleren", "--coder", "anna")
    assert done.exit_code == 0, done.output
    decisions = tmp_path / "opschonen.csv"
    decisions.write_text("segment,code\nteams-fg-vo.vtt:3,surveilleren\n", encoding="utf-8")
    done = cli("uncode", "--from-file", decisions, "--coder", "anna")
    assert done.exit_code == 0, done.output
    assert _status(db_path, "surveilleren") == [(2, "rejected"), (3, "rejected")]
    # giving it to a turn is still refused, with one line that says so
    refused = cli("code", str(ids[2]), "surveilleren", "--coder", "anna")
    assert refused.exit_code == 1
    assert refused.stderr.strip().splitlines() == [refused.stderr.strip()]
    assert "unknown code 'surveilleren'" in refused.stderr


def test_review_removes_a_deactivated_code_and_undo_restores_it(cli, db_path, tmp_path):
    from focuscode.db import open_project
    from focuscode.review import ReviewSession

    sid = _project(cli, db_path, tmp_path)[3]
    db = open_project(db_path)
    session = ReviewSession(db, "anna")
    action = session.decide("remove", sid, "surveilleren")  # the `x` key on the turn's old code
    assert [c.old_status for c in action.changes] == ["accepted"]
    assert _status(db_path, "surveilleren") == [(2, "accepted"), (3, "rejected")]
    session.undo()
    assert _status(db_path, "surveilleren") == [(2, "accepted"), (3, "accepted")]
    db.close()
