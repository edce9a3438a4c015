"""Agreement figures checked against published examples and a constructed case."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from team.teamkit import build_project, db_snapshot

from focuscode.agreement import cohen_kappa, krippendorff_alpha, percent_agreement

nan = None


def test_alpha_matches_the_krippendorff_package_docstring_example():
    # reliability_data from krippendorff.alpha's own docstring: 3 coders x 15 units, nominal alpha 0.691358.
    coders = [
        [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
        [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
        [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
    ]
    units = [list(u) for u in zip(*coders)]
    assert round(krippendorff_alpha(units), 6) == 0.691358


def test_alpha_matches_krippendorffs_binary_two_observer_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", binary data, two observers: alpha = 0.095.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert round(krippendorff_alpha([list(u) for u in zip(a, b)]), 3) == 0.095


def test_kappa_matches_the_hand_worked_textbook_example():
    # The 50 grant proposals of the classic worked example (Wikipedia, "Cohen's kappa"):
    # both yes 20, A yes/B no 5, A no/B yes 10, both no 15: po = 0.7, pe = 0.5, kappa = 0.4.
    a = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert percent_agreement([list(u) for u in zip(a, b)]) == pytest.approx(70.0)


def test_kappa_textbook_example_with_three_categories():
    # Three nominal categories, 100 items (counts per cell, rows A, columns B):
    #            x    y    z
    #     x     25    5    0   -> 30
    #     y      5   30    5   -> 40
    #     z      0    5   25   -> 30
    # po = 80/100 = 0.8; pe = .3*.3 + .4*.4 + .3*.3 = 0.34; kappa = 0.46/0.66
    cells = {("x", "x"): 25, ("x", "y"): 5, ("y", "x"): 5, ("y", "y"): 30, ("y", "z"): 5, ("z", "y"): 5, ("z", "z"): 25}
    a, b = [], []
    for (ra, rb), n in cells.items():
        a += [ra] * n
        b += [rb] * n
    assert cohen_kappa(a, b) == pytest.approx(0.46 / 0.66)
    assert cohen_kappa(b, a) == pytest.approx(0.46 / 0.66)


def test_kappa_at_chance_perfect_and_opposite():
    assert cohen_kappa([True, False, True], [True, False, True]) == 1.0
    assert cohen_kappa([1, 1, 0, 0], [1, 0, 1, 0]) == pytest.approx(0.0)  # exactly chance level
    assert cohen_kappa([1, 0, 1, 0], [0, 1, 0, 1]) == pytest.approx(-1.0)  # systematic disagreement
    with pytest.raises(ValueError):
        cohen_kappa([1], [1, 0])


def test_undefined_figures_are_none_not_nan():
    # One category throughout (pe = 1): the coders agree, but there is no agreement beyond
    # chance to measure, so kappa is undefined, not 1.0 (the one rule for agreement and
    # evaluate; the old nlp.metrics twin returned 1.0 here).
    assert cohen_kappa(["x"] * 5, ["x"] * 5) is None
    assert cohen_kappa([False] * 4, [False] * 4) is None
    assert cohen_kappa([], []) is None  # no units
    assert krippendorff_alpha([[True, True], [True, True]]) is None
    assert krippendorff_alpha([[True, None], [None, False]]) is None  # no unit with two values
    assert percent_agreement([[True, True], [True, True]]) == 100.0


def test_percent_agreement_with_three_coders_and_missing_data():
    units = [["a", "a", "a"], ["a", "b", None], ["a", "a", "b"], [None, None, "a"]]
    # unit 1: 3/3 pairs, unit 2: 0/1, unit 3: 1/3, unit 4 has one value and is no unit.
    assert percent_agreement(units) == pytest.approx(100 * (1 + 0 + 1 / 3) / 3)
    import krippendorff

    data = np.array([[{"a": 0, "b": 1}.get(v, np.nan) for v in col] for col in zip(*units)], dtype=float)
    assert krippendorff_alpha(units) == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


# -- end to end: replicate, code by file, merge, agreement -------------------------------------------

# Ten OOP'er turns; A and B differ on 4, 5 (visie) and 7, 8 (invallen):
# visie    A: 1 2 3 4   B: 1 2 3 5  -> po 0.8, kappa 0.58333, alpha 0.60417
# invallen A: 6 7       B: 6 8      -> po 0.8, kappa 0.375,   alpha 0.40625
# overall (same set of codes): 6 of 10 -> po 0.6, kappa 0.375, alpha 0.40625
A = {1: "visie", 2: "visie", 3: "visie", 4: "visie", 6: "invallen", 7: "invallen"}
B = {1: "visie", 2: "visie", 3: "visie", 5: "visie", 6: "invallen", 8: "invallen"}


@pytest.fixture
def team(tmp_path, db_path, cli):
    ref = build_project(db_path)
    turns = [r[0] for r in ref.execute(
        "SELECT s.ordinal FROM segments s JOIN participants p ON p.id = s.participant_id "
        "WHERE p.is_facilitator = 0 ORDER BY s.ordinal LIMIT 10")]
    ref.close()
    for coder, plan in (("student-a", A), ("student-b", B)):
        out = tmp_path / f"{coder}.db"
        assert cli("replicate", "--coder", coder, "--out", out).exit_code == 0
        lines = ["segment,code,memo"]
        for i, turn in enumerate(turns, start=1):
            # Segments without a code are listed too: looked at, no code applies.
            lines.append(f"focusgroep-oop-po.txt:{turn},{plan.get(i, '')},")
        lines[1] += '"Visie staat in het schoolplan, maar niet over ons"'
        csv_path = tmp_path / f"{coder}.csv"
        csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = cli("code", "--from-file", csv_path, db=out)  # the copy knows its coder
        assert result.exit_code == 0, result.stderr
        merged = cli("merge", out, "--json")
        assert merged.exit_code == 0, merged.stderr
        assert json.loads(merged.stdout)["codings_added"] == len(plan)
    return {"turns": turns, "dir": tmp_path}


def test_constructed_case_gives_the_known_kappa_and_alpha(team, cli):
    result = cli("agreement", "--coder", "student-a", "--coder", "student-b", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n"] == 10 and report["looked_at"] == {"student-a": 10, "student-b": 10}
    codes = {c["code"]: c for c in report["codes"]}
    assert set(codes) == {"visie", "invallen"}
    assert codes["visie"]["percent"] == 80.0
    assert codes["visie"]["kappa"] == pytest.approx(0.5833, abs=1e-4)
    assert codes["visie"]["alpha"] == pytest.approx(0.6042, abs=1e-4)
    assert codes["visie"]["used"] == {"student-a": 4, "student-b": 4}
    assert codes["invallen"]["kappa"] == pytest.approx(0.375) and codes["invallen"]["alpha"] == pytest.approx(0.4063, abs=1e-4)
    overall = report["overall"]
    assert overall["n"] == 10 and overall["percent"] == 60.0
    assert overall["kappa"] == pytest.approx(0.375) and overall["alpha"] == pytest.approx(0.4063, abs=1e-4)


def test_disagreements_list_text_and_each_coders_codes(team, cli):
    result = cli("agreement", "--coder", "student-a", "--coder", "student-b", "--disagreements", "--json")
    rows = json.loads(result.stdout)["disagreements"]
    turns = team["turns"]
    assert [r["ordinal"] for r in rows] == [turns[3], turns[4], turns[6], turns[7]]
    assert rows[0]["codes"] == {"student-a": ["visie"], "student-b": []}
    assert rows[3]["codes"] == {"student-a": [], "student-b": ["invallen"]}
    assert rows[0]["text"] and rows[0]["role"] == "OOP'er" and rows[0]["sector"] == "po"
    text = cli("agreement", "--coder", "student-a", "--coder", "student-b", "--disagreements").stdout
    assert "4 segments where the coders differ" in text and "student-b: (no code)" in text
    assert "N = 10 segments" in text


def test_csv_output(team, cli):
    out = cli("agreement", "--coder", "student-a", "--coder", "student-b", "--csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["code"] for r in rows] == ["(overall)", "visie", "invallen"]
    assert rows[1]["kappa"] == "0.5833" and rows[1]["n"] == "10" and rows[1]["used_student-a"] == "4"
    out = cli("agreement", "--coder", "student-a", "--coder", "student-b", "--csv", "--disagreements").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 4 and rows[0]["student-a"] == "visie" and rows[0]["student-b"] == "-"


def test_segments_only_one_coder_looked_at_do_not_count(team, cli, db_path):
    import sqlite3

    conn = sqlite3.connect(db_path)
    extra = conn.execute("SELECT id FROM segments ORDER BY id DESC LIMIT 1").fetchone()[0]
    conn.close()
    assert cli("code", str(extra), "visie", "--coder", "student-a").exit_code == 0
    report = json.loads(cli("agreement", "--coder", "student-a", "--coder", "student-b", "--json").stdout)
    assert report["n"] == 10 and report["looked_at"]["student-a"] == 11


def test_three_coders_with_missing_data(team, cli):
    turns = team["turns"]
    # A third coder looked at only the first five segments.
    path = team["dir"] / "c.csv"
    path.write_text("\n".join(f"focusgroep-oop-po.txt:{t},{'visie' if i < 4 else ''}" for i, t in enumerate(turns[:5])) + "\n")
    assert cli("code", "--from-file", path, "--coder", "student-c").exit_code == 0
    report = json.loads(cli("agreement", "--coder", "student-a", "--coder", "student-b", "--coder", "student-c", "--json").stdout)
    assert report["n"] == 10 and report["overall"]["kappa"] is None
    visie = next(c for c in report["codes"] if c["code"] == "visie")
    a = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    b = [1, 1, 1, 0, 1, 0, 0, 0, 0, 0]
    c = [1, 1, 1, 1, 0] + [None] * 5
    import krippendorff

    data = np.array([[np.nan if v is None else v for v in row] for row in (a, b, c)], dtype=float)
    assert visie["alpha"] == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), abs=1e-4)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--coder", "student-a", "--coder", "niemand"], "unknown coder 'niemand'"),
        (["--coder", "student-a"], "at least two different coders"),
        (["--coder", "student-a", "--coder", "student-a"], "at least two different coders"),
    ],
)
def test_bad_coders_give_one_line_and_exit_1(team, cli, db_path, args, message):
    before = db_snapshot(db_path)
    result = cli("agreement", *args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert "student-a, student-b" in lines[0]  # says which coders there are
    assert db_snapshot(db_path) == before


def test_coders_without_common_segments(cli, db_path):
    build_project(db_path).close()
    assert cli("code", "--ids", "2", "visie", "--coder", "x").exit_code == 0
    assert cli("code", "--ids", "3", "visie", "--coder", "y").exit_code == 0
    result = cli("agreement", "--coder", "x", "--coder", "y")
    assert result.exit_code == 1 and "no segment was looked at by at least two of x, y" in result.stderr


def test_theme_level_agreement_rolls_codes_up(cli, db_path):
    build_project(db_path).close()
    # A codes the subcode, B only the theme: they differ per code but agree per theme.
    assert cli("code", "--ids", "4,5", "invallen", "--coder", "a").exit_code == 0
    assert cli("code", "--ids", "4,5", "ad-hoctaken", "--coder", "b").exit_code == 0
    assert cli("code", "--ids", "6", "visie", "--coder", "a").exit_code == 0
    assert cli("code", "--ids", "6", "visie", "--coder", "b").exit_code == 0
    per_code = json.loads(cli("agreement", "--coder", "a", "--coder", "b", "--json").stdout)
    assert per_code["overall"]["percent"] == pytest.approx(100 / 3, abs=1e-3)
    per_theme = json.loads(cli("agreement", "--coder", "a", "--coder", "b", "--themes", "--json").stdout)
    assert per_theme["overall"]["percent"] == 100.0
    assert [c["code"] for c in per_theme["codes"]] == ["visie", "ad-hoctaken"]
