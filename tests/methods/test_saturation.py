"""`focuscode saturation`: first appearances per transcript and the Guest, Namey & Chen (2020) verdict.

The verdict rule is checked on small constructed code sets built from the paper's
definitions (base size, run length, new-information threshold = new codes in the
run / unique codes in the base); the commands on the demo project (the bundled
sample: plain-text focus groups, a dialoogtafel and a survey CSV) and on a study
of Teams, Zoom and typed transcripts written for these tests (methodskit)."""

from __future__ import annotations

import json

import pytest

from focuscode.saturation import _ordered, first_appearances, guest_verdict

from methods.methodskit import IMPORT_ORDER, NOTES, TEAMS, ZOOM, fails_cleanly


def codes(*names: str) -> set:
    return set(names)


# -- the rule, on constructed cases ------------------------------------------------------------

# Four interviews in the base hold 20 unique codes; then each interview adds the new codes given.
BASE_20 = [codes(*[f"c{i}" for i in range(0, 8)]), codes(*[f"c{i}" for i in range(5, 14)]),
           codes(*[f"c{i}" for i in range(10, 18)]), codes(*[f"c{i}" for i in range(15, 20)])]


def test_paper_example_shape_base_four_run_two_five_percent():
    # Like the paper's worked example: a run of two that adds 3 of 20 (15%) is not saturation;
    # the window rolls one interview on; the first run adding at most 1 of 20 (5%) is.
    later = [codes("n1", "n2", "c1"), codes("n3"), codes("c2"), codes("n4", "c3"), codes("c4"), codes("c5")]
    v = guest_verdict(BASE_20 + later, base=4, run=2, threshold=0.05)
    assert v.base_codes == 20
    # after 4: run 5-6 adds n1 n2 n3 = 15%; after 5: run 6-7 adds n3 = 5% -> saturated after 5
    assert [(r["after"], len(r["new"])) for r in v.runs] == [(4, 3), (5, 1)]
    assert v.saturated_after == 5
    # at 0% the same data need a run without anything new: after 6 the run 7-8 has n4
    zero = guest_verdict(BASE_20 + later, base=4, run=2, threshold=0.0)
    assert zero.saturated_after == 8  # run 9-10 (c4, c5) adds nothing


def test_threshold_is_inclusive_and_relative_to_the_base_not_to_all_codes_so_far():
    # The base has 10 codes; interview 3 adds 30 more. A later run adding 1 code is 1/10 = 10%:
    # not saturated at 5%, although it is only 1/40 of the codes seen so far.
    sets = [codes(*[f"b{i}" for i in range(10)]), codes("b0"), codes(*[f"x{i}" for i in range(30)]), codes("y1"), codes("b1")]
    v = guest_verdict(sets, base=1, run=1, threshold=0.05)
    assert [r["ratio"] for r in v.runs] == [0.0]
    assert v.saturated_after == 1  # interview 2 adds nothing: saturation straight after the base
    v = guest_verdict(sets, base=2, run=1, threshold=0.05)
    assert v.runs[0]["ratio"] == 3.0 and v.runs[1]["ratio"] == pytest.approx(0.1)
    assert v.saturated_after == 4  # after 4 interviews, interview 5 adds nothing
    # exactly at the threshold counts as saturation (<=)
    assert guest_verdict(sets, base=2, run=1, threshold=0.1).saturated_after == 3


def test_a_code_seen_before_the_run_is_not_new_even_if_not_in_the_base():
    sets = [codes("a", "b"), codes("a"), codes("c"), codes("c"), codes("b")]
    v = guest_verdict(sets, base=2, run=1, threshold=0.0)
    # after 2: run {3} adds c; after 3: run {4} adds nothing (c was in interview 3)
    assert [(r["after"], r["new"]) for r in v.runs] == [(2, ["c"]), (3, [])]
    assert v.saturated_after == 3


def test_not_reached_and_not_assessable():
    growing = [codes("a"), codes("b"), codes("c"), codes("d")]
    v = guest_verdict(growing, base=2, run=1, threshold=0.05)
    assert v.assessable and v.saturated_after is None and len(v.runs) == 2
    too_few = guest_verdict(growing[:2], base=2, run=1, threshold=0.05)
    assert not too_few.assessable and too_few.runs == []
    empty_base = guest_verdict([set(), set(), codes("a")], base=2, run=1, threshold=0.05)
    assert not empty_base.assessable


def test_first_appearances():
    assert first_appearances([codes("a", "b"), codes("b", "c"), codes("a")]) == [{"a", "b"}, {"c"}, set()]


def test_order_by_session_date_in_the_name():
    transcripts = [(1, TEAMS), (2, ZOOM), (3, NOTES)]
    assert [n for _, n in _ordered(transcripts, "time")] == [ZOOM, TEAMS, NOTES]
    assert [n for _, n in _ordered([(1, "fg 12-03-2024.txt"), (2, "fg 20240220.vtt")], "time")] == ["fg 20240220.vtt", "fg 12-03-2024.txt"]


# -- the command on the demo project -----------------------------------------------------------


def test_saturation_json_matches_first_appearances_recomputed_from_segments(cli, demo_db):
    seg = cli("segments", "--json", db=demo_db)
    assert seg.exit_code == 0, seg.output
    per_transcript: dict[str, set] = {}
    for s in sorted(json.loads(seg.stdout), key=lambda s: s["id"]):  # by id: transcripts in import order
        got = per_transcript.setdefault(s["transcript"], set())
        got.update(c["code"] for c in s["codings"] if c["status"] == "accepted")
    result = cli("saturation", "--json", db=demo_db)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [t["transcript"] for t in data["transcripts"]] == list(per_transcript)
    seen: set = set()
    for row, (name, found) in zip(data["transcripts"], per_transcript.items()):
        assert set(row["new_codes"]) == found - seen, name
        seen |= found
        assert row["cumulative"] == len(seen)
    # a verdict: the rule applied to the recomputed sets gives the same point
    v = guest_verdict(list(per_transcript.values()), base=2, run=1, threshold=0.05)
    names = list(per_transcript)
    assert data["saturated_at"] == (names[v.saturated_after - 1] if v.saturated_after else None)
    assert data["verdict"].startswith("verzadiging na" if v.saturated_after else "geen verzadiging")


def test_saturation_in_a_given_order_changes_what_is_new(cli, demo_db):
    names = [t["transcript"] for t in json.loads(cli("saturation", "--json", db=demo_db).stdout)["transcripts"]]
    reverse = list(reversed(names))
    data = json.loads(cli("saturation", "--json", "--order", ",".join(reverse), "--base", "1", db=demo_db).stdout)
    assert [t["transcript"] for t in data["transcripts"]] == reverse
    assert data["base"] == 1
    only = json.loads(cli("saturation", "--json", "--source", "focusgroep", db=demo_db).stdout)
    assert {t["transcript"] for t in only["transcripts"]} == {n for n in names if n.startswith("focusgroep")}


def test_bootstrap_over_orders_is_seeded(cli, demo_db):
    first = json.loads(cli("saturation", "--json", "--bootstrap", "200", "--seed", "7", db=demo_db).stdout)["bootstrap"]
    again = json.loads(cli("saturation", "--json", "--bootstrap", "200", "--seed", "7", db=demo_db).stdout)["bootstrap"]
    assert first == again
    b = first["codes"]
    assert b["orders"] == 200 and 0 < b["reached"] <= 200
    assert b["range"][0] <= b["median"] <= b["range"][1]
    assert 2 <= b["range"][0]  # never before the base of two


def test_table_and_plot(cli, demo_db, tmp_path):
    chart = tmp_path / "verzadiging.png"
    result = cli("saturation", "--plot", chart, db=demo_db)
    assert result.exit_code == 0, result.output
    assert "Codes: " in result.stdout and "Thema's: " in result.stdout
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- on Teams/Zoom/typed transcripts with dates in their names ---------------------------------


def test_time_order_follows_the_session_dates(cli, study_db):
    data = json.loads(cli("saturation", "--json", "--order", "time", db=study_db).stdout)
    assert [t["transcript"] for t in data["transcripts"]] == [ZOOM, TEAMS, NOTES]
    imported = json.loads(cli("saturation", "--json", db=study_db).stdout)
    assert [t["transcript"] for t in imported["transcripts"]] == list(IMPORT_ORDER)
    # bram coded only two sessions: with his codings the third adds nothing and the verdict uses his codes
    bram = json.loads(cli("saturation", "--json", "--coder", "bram", db=study_db).stdout)
    assert bram["transcripts"][2]["new_codes"] == [] and bram["transcripts"][2]["cumulative"] == bram["transcripts"][1]["cumulative"]


@pytest.mark.parametrize("args, code, expected", [
    (["--base", "0"], 2, "--base must be 1 or more"),
    (["--run", "0"], 2, "--run must be 1 or more"),
    (["--threshold", "5"], 2, "--threshold is a share between 0 and 1"),
    (["--bootstrap", "1000000"], 2, "--bootstrap must be between"),
    (["--order", "fg-onbekend.txt"], 2, "'fg-onbekend.txt', which is not in the project"),
    (["--order", f"{TEAMS},{TEAMS}"], 2, "twice"),
    (["--coder", "carla"], 1, "no codings by coder 'carla'"),
    (["--plot", "curve.txt"], 1, "--plot needs a .png"),
    (["--source", "enquete"], 1, "no transcripts with source 'enquete'"),
])
def test_bad_input_is_one_line_and_changes_nothing(cli, study_db, args, code, expected):
    fails_cleanly(cli, study_db, ["saturation", *args], code, expected)


def test_bootstrap_work_is_bounded(study_db, monkeypatch):
    from focuscode import saturation
    from focuscode.db import open_project
    from focuscode.errors import UsageError

    monkeypatch.setattr(saturation, "MAX_BOOTSTRAP_WORK", 20)  # 3 transcripts: at most 6 orders
    db = open_project(study_db, create=False)
    assert saturation.assess(db, saturation.SaturationOptions(bootstrap=6)).bootstrap["orders"] == 6
    with pytest.raises(UsageError, match="too much work; use at most 6 orders"):
        saturation.assess(db, saturation.SaturationOptions(bootstrap=7))


def test_time_order_without_dates_is_a_usage_error(cli, demo_db):
    result = cli("saturation", "--order", "time", db=demo_db)
    assert result.exit_code == 2
    assert "has none; use --order import" in result.stderr


def test_too_few_transcripts_is_said_not_guessed(cli, study_db):
    data = json.loads(cli("saturation", "--json", "--base", "3", db=study_db).stdout)
    assert data["saturated_at"] is None and data["assessable"] is False
    assert data["verdict"] == "niet te beoordelen: 3 transcripten, minder dan basis + run (basis 3, run 1, drempel 5%)"
    grown = json.loads(cli("saturation", "--json", "--base", "1", "--threshold", "0", db=study_db).stdout)
    assert grown["verdict"].startswith("geen verzadiging bereikt (basis 1, run 1, drempel 0%): de laatste run voegt nog 1 nieuwe code toe")
