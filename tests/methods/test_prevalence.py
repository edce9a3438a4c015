"""`stats --by speaker`: distinct speakers and groups per code beside segment counts, and
"n deelnemers in m groepen" in the summary. On a study of Teams, Zoom and typed
focus-group transcripts written for these tests (methodskit), in which one OOP'er
raises invallen in turn after turn."""

from __future__ import annotations

import csv
import io
import json

import pytest

from focuscode.analysis.prevalence import prevalence_phrase
from focuscode.db import open_project

from methods.methodskit import TEAMS, fails_cleanly, segment_id

THEMES = {"meerwaarde in de klas": "visie", "invallen": "ad-hoctaken", "klusjes": "ad-hoctaken", "scholing": "doorgroei"}


def _speaker_table(cli, db, *args):
    result = cli("stats", "--by", "speaker", "--json", *args, db=db)
    assert result.exit_code == 0, result.output
    (table,) = json.loads(result.stdout)
    assert table["dimension"] == "speaker"
    return {r["code"]: r for r in table["codes"]}


def test_counts_match_a_recount_from_segments(cli, study_db):
    rows = _speaker_table(cli, study_db, "--coder", "anna")
    segs = json.loads(cli("segments", "--json", db=study_db).stdout)
    expected: dict[str, dict] = {}
    for s in segs:
        if s["role"] == "gespreksleider":
            continue
        for c in s["codings"]:
            if c["coder"] != "anna" or c["status"] != "accepted":
                continue
            for name in {c["code"], THEMES.get(c["code"], c["code"])}:
                e = expected.setdefault(name, {"segments": set(), "speakers": set(), "groups": set()})
                e["segments"].add(s["id"])
                e["speakers"].add((s["transcript"], s["speaker"]))
                e["groups"].add(s["transcript"])
    for name, e in expected.items():
        assert (rows[name]["segments"], rows[name]["speakers"], rows[name]["groups"]) == (
            len(e["segments"]), len(e["speakers"]), len(e["groups"])), name
    # one talkative OOP'er: six invallen turns, but four of them hers
    assert rows["invallen"]["most_by_one_speaker"] == 4
    assert rows["invallen"]["segments"] == 6 and rows["invallen"]["speakers"] == 3


def test_facilitator_turns_never_count(cli, study_db):
    db = open_project(study_db, create=False)
    from focuscode.codes import code_id
    from focuscode.coding import set_decision

    before = _speaker_table(cli, study_db, "--coder", "anna")["invallen"]
    with db.conn:
        set_decision(db, segment_id(db, TEAMS, 5), code_id(db, "invallen"), "anna", "accepted")  # "En hoe vaak gebeurt dat invallen?"
    after = _speaker_table(cli, study_db, "--coder", "anna")["invallen"]
    assert after == before


def test_themes_only_and_csv(cli, study_db):
    rows = _speaker_table(cli, study_db, "--themes")
    assert list(rows) == ["visie", "ad-hoctaken", "doorgroei"]
    out = cli("stats", "--by", "speaker", "--csv", db=study_db)
    parsed = list(csv.DictReader(io.StringIO(out.stdout)))
    assert parsed[0].keys() >= {"code", "segments", "speakers", "groups"}
    table = cli("stats", "--by", "speaker", db=study_db)
    assert "sprekers" in table.stdout and "groepen" in table.stdout


def test_speaker_beside_other_dimensions_in_json(cli, study_db):
    result = cli("stats", "--by", "sector", "--by", "speaker", "--json", db=study_db)
    tables = json.loads(result.stdout)
    assert [t["dimension"] for t in tables] == ["sector", "speaker"]


def test_speaker_csv_with_other_dimensions_is_a_usage_error(cli, study_db):
    fails_cleanly(cli, study_db, ["stats", "--by", "speaker", "--by", "sector", "--csv"], 2,
                  "--by speaker has CSV columns of its own")


def test_summary_says_how_many_participants_in_how_many_groups(cli, study_db, tmp_path):
    rows = _speaker_table(cli, study_db, "--coder", "anna")
    result = cli("export", "summary", "--coder", "anna", "--out", tmp_path, "--per-theme", "0", db=study_db)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "samenvatting.md").read_text(encoding="utf-8")
    for theme in ("visie", "ad-hoctaken", "doorgroei"):
        r = rows[theme]
        section = text.split(f"## {theme}\n", 1)[1]
        assert section.lstrip().startswith(f"_{prevalence_phrase(r['speakers'], r['groups'])}_"), theme
    assert "_3 deelnemers in 3 groepen_" in text  # ad-hoctaken: invallen in all three sessions


@pytest.mark.parametrize("speakers, groups, lang, expected", [
    (1, 1, "nl", "1 deelnemer in 1 groep"), (12, 3, "nl", "12 deelnemers in 3 groepen"), (2, 1, "en", "2 participants in 1 group"),
])
def test_phrase(speakers, groups, lang, expected):
    assert prevalence_phrase(speakers, groups, lang) == expected
