"""`agreement --unit character`: do two coders mark the same words of a turn (#13)?

The transcript imitates a Microsoft Teams meeting transcript saved as text ("Label: tekst",
one line per turn) with the participants CSV a researcher writes beside it. Expected
figures are worked out by hand in the comments, from the character counts of the turns;
one test holds the character-level alpha to the krippendorff package on random passages
of three coders with missing data.
"""

from __future__ import annotations

import json
import random

import krippendorff
import numpy as np
import pytest

from fctest import db_snapshot, import_focus_group

# Turn 2, 112 characters: sentence 1 = 0:33, sentence 2 = 34:72, sentence 3 = 73:112.
T2 = "Elke week val ik wel een keer in. Dan sta ik de hele dag voor groep zes. Eigenlijk hoort dat niet bij mijn taak."
# Turn 3, 42 characters, one sentence.
T3 = "Ik kopieer vooral en zet de spullen klaar."
# Turn 4, 55 characters: sentence 1 = 0:26 ("Ik wil graag de pabo doen."), sentence 2 = 27:55.
T4 = "Ik wil graag de pabo doen. Maar daar is geen geld voor."
# Turn 5, typed in the meeting chat and read out: an emoji (one code point, four bytes in
# UTF-8) and "ë" (two bytes). Offsets count code points, so must the turn's length.
T5 = "Dat vond ik 👍 echt fijn. Maar het kopiëren blijft."


@pytest.fixture
def project(cli, tmp_path):
    import_focus_group(cli, tmp_path, [("Gespreksleider", "Wat doen jullie op een gewone dag?"),
                                       ("Onderwijsassistent 1", T2), ("Onderwijsassistent 2", T3),
                                       ("Onderwijsassistent 1", T4), ("Onderwijsassistent 2", T5)])
    assert [len(T2), len(T3), len(T4)] == [112, 42, 55]
    return tmp_path


def code(cli, *args):
    result = cli("code", *args)
    assert result.exit_code == 0, result.output


def codes_of(cli, *extra) -> dict:
    result = cli("agreement", "--coder", "anna", "--coder", "bram", "--unit", "character", "--json", *extra)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    return report, {c["code"]: c for c in report["codes"]}


# Codes of the sample codebook (codebook/oop.yaml): a theme and two of its subcodes.
INVALLEN = "invallen en lessen overnemen"
KLUSJES = "klusjes"  # both under ad-hoctaken


def test_hand_computed_figures_on_three_turns(cli, project):
    # anna: ad-hoctaken on sentences 1-2 of turn 2 (0:72, 72 characters), visie on all of turn 3,
    #       doorgroei on "Ik wil graag de pabo doen." of turn 4 (0:26, 26 characters).
    # bram: ad-hoctaken on sentences 2-3 of turn 2 (34:112, 78 characters), visie on all of turn 3,
    #       doorgroei on all of turn 4 (55 characters).
    code(cli, "2", "ad-hoctaken", "--sentence", "1-2", "--coder", "anna")
    code(cli, "3", "visie", "--coder", "anna")
    code(cli, "4", "doorgroei", "--quote", "Ik wil graag de pabo doen.", "--coder", "anna")
    code(cli, "2", "ad-hoctaken", "--sentence", "2-3", "--coder", "bram")
    code(cli, "3", "visie", "--coder", "bram")
    code(cli, "4", "doorgroei", "--coder", "bram")
    report, by_code = codes_of(cli)
    # Both looked at turns 2, 3 and 4: N = 112 + 42 + 55 = 209 characters.
    assert report["turns"] == 3 and report["characters"] == 209

    # ad-hoctaken: both = 34:72 = 38, anna only = 0:34 = 34, bram only = 72:112 = 40,
    # neither = turns 3 and 4 = 97. po = 135/209; pe = (72*78 + 137*131)/209^2 = 23563/43681;
    # kappa = (135*209 - 23563)/(43681 - 23563) = 4652/20118 = 0.23124.
    # alpha: pairable values 418, ones n1 = 150, zeros n0 = 268, disagreeing characters 74:
    # 1 - 417 * 74 / (150 * 268) = 1 - 30858/40200 = 0.23239.
    # jaccard = 38/112 = 0.33929; dice = 2*38/(72+78) = 0.50667.
    a = by_code["ad-hoctaken"]
    assert (a["turns"], a["characters"], a["coded"]) == (1, 209, {"anna": 72, "bram": 78})
    assert a["percent"] == pytest.approx(100 * 135 / 209, abs=1e-4)
    assert a["kappa"] == pytest.approx(4652 / 20118, abs=1e-4)
    assert a["alpha"] == pytest.approx(1 - 30858 / 40200, abs=1e-4)
    assert a["jaccard"] == pytest.approx(38 / 112, abs=1e-4)
    assert a["dice"] == pytest.approx(76 / 150, abs=1e-4)

    # visie: both coded all of turn 3 and nothing else: full agreement on every character.
    v = by_code["visie"]
    assert (v["kappa"], v["alpha"], v["jaccard"], v["dice"], v["percent"]) == (1.0, 1.0, 1.0, 1.0, 100.0)

    # doorgroei: both = 26, anna only = 0, bram only = 29 (26:55), neither = 154.
    # po = 180/209; pe = (26*55 + 183*154)/43681 = 29612/43681; kappa = 8008/14069 = 0.56920.
    # alpha: n1 = 81, n0 = 337: 1 - 417 * 29 / (81 * 337) = 1 - 12093/27297 = 0.55698.
    # jaccard = 26/55; dice = 52/81.
    d = by_code["doorgroei"]
    assert d["kappa"] == pytest.approx(8008 / 14069, abs=1e-4)
    assert d["alpha"] == pytest.approx(1 - 12093 / 27297, abs=1e-4)
    assert (d["jaccard"], d["dice"]) == (pytest.approx(26 / 55, abs=1e-4), pytest.approx(52 / 81, abs=1e-4))

    # (overall): a character's value is the set of codes on it. Agreeing: 38 + 42 + 26 = 106,
    # differing: 34 + 40 + 29 = 103. anna: {ad-hoc} 72, {} 69, {visie} 42, {doorgroei} 26;
    # bram: {ad-hoc} 78, {} 34, {visie} 42, {doorgroei} 55.
    # pe = (72*78 + 69*34 + 42*42 + 26*55)/43681 = 11156/43681; kappa = (106*209 - 11156)/(43681 - 11156)
    # = 10998/32525 = 0.33814. alpha: value totals 150, 103, 84, 81 (sum of squares 46726):
    # 1 - 417 * 2*103 / (418^2 - 46726) = 1 - 85902/127998 = 0.32888.
    # Pooled overlap: intersections 38 + 42 + 26 = 106, unions 112 + 42 + 55 = 209.
    o = report["overall"]
    assert o["percent"] == pytest.approx(100 * 106 / 209, abs=1e-4)
    assert o["kappa"] == pytest.approx(10998 / 32525, abs=1e-4)
    assert o["alpha"] == pytest.approx(1 - 85902 / 127998, abs=1e-4)
    assert o["jaccard"] == pytest.approx(106 / 209, abs=1e-4)
    assert o["dice"] == pytest.approx(212 / 315, abs=1e-4)


def test_two_passages_against_the_whole_turn_and_an_uncoded_passage(cli, project):
    # anna codes sentences 1 and 3 of turn 2 (0:33 and 73:112: 72 characters; 33:73, sentence
    # 2 with the spaces around it, stays uncoded); she also coded sentence 2 and took it off
    # again, and an uncoded passage covers nothing. bram coded the whole turn.
    for sentence in ("1", "2", "3"):
        code(cli, "2", INVALLEN, "--sentence", sentence, "--coder", "anna")
    assert cli("uncode", "2", INVALLEN, "--sentence", "2", "--coder", "anna").exit_code == 0
    code(cli, "2", INVALLEN, "--coder", "bram")
    report, by_code = codes_of(cli)
    # Only turn 2 was looked at by both: N = 112. both = 72, bram only = 40.
    # kappa: bram's values are all 1, so pe = 72/112 = po: kappa = 0.
    # alpha: n1 = 72 + 112 = 184, n0 = 40: 1 - 223 * 40 / (184 * 40) = 1 - 223/184 = -0.21196.
    # jaccard = 72/112; dice = 144/184.
    i = by_code[INVALLEN]
    assert (report["turns"], i["characters"], i["coded"]) == (1, 112, {"anna": 72, "bram": 112})
    assert i["kappa"] == pytest.approx(0.0, abs=1e-9)
    assert i["alpha"] == pytest.approx(1 - 223 / 184, abs=1e-4)
    assert (i["jaccard"], i["dice"]) == (pytest.approx(72 / 112, abs=1e-4), pytest.approx(144 / 184, abs=1e-4))
    # Turn level, the default, is untouched by the passages: both gave the turn invallen.
    turn = json.loads(cli("agreement", "--coder", "anna", "--coder", "bram", "--json").stdout)
    assert {c["code"]: c["percent"] for c in turn["codes"]} == {INVALLEN: 100.0}


def test_themes_join_the_passages_of_their_subcodes(cli, project):
    # anna: two subcodes of ad-hoctaken, one on sentence 1 of turn 2 (0:33), one on sentence 2
    # (34:72); bram: ad-hoctaken itself on sentences 1-2 (0:72). Per theme anna covers 0:33 and
    # 34:72, so only the space at 33 differs: of 112 characters, both = 71, bram only = 1.
    code(cli, "2", INVALLEN, "--sentence", "1", "--coder", "anna")
    code(cli, "2", KLUSJES, "--sentence", "2", "--coder", "anna")
    code(cli, "2", "ad-hoctaken", "--sentence", "1-2", "--coder", "bram")
    _report, by_code = codes_of(cli, "--themes")
    t = by_code["ad-hoctaken"]
    assert set(by_code) == {"ad-hoctaken"} and t["coded"] == {"anna": 71, "bram": 72}
    assert (t["jaccard"], t["dice"]) == (pytest.approx(71 / 72, abs=1e-4), pytest.approx(142 / 143, abs=1e-4))
    # Without --themes the subcodes are codes of their own, and bram never used them.
    _report, by_code = codes_of(cli)
    assert by_code[INVALLEN]["jaccard"] == 0.0 and by_code[INVALLEN]["coded"] == {"anna": 33, "bram": 0}


def test_a_turn_only_one_coder_looked_at_is_no_unit(cli, project):
    code(cli, "2", INVALLEN, "--coder", "anna")
    code(cli, "2", INVALLEN, "--coder", "bram")
    code(cli, "4", "doorgroei", "--coder", "anna")  # bram never looked at turn 4
    report, by_code = codes_of(cli)
    assert report["characters"] == 112 and set(by_code) == {INVALLEN}


def test_the_rules_as_a_coder_mark_the_sentences_their_evidence_lies_in(cli, project, db_path):
    # Rule suggestions as `suggest` stores them (#13): span = the sentence the keyword stands in.
    # invallen: keyword "dag" in sentence 2 of turn 2 (34:72), score 0.8 (shown); klusjes: all of
    # turn 3 (one sentence), score 0.8; scholing on turn 4 at score 0.01, below the threshold:
    # not shown, so not the rules' coding.
    from focuscode.codes import code_id
    from focuscode.db import now, open_project, transaction

    db = open_project(db_path)
    with transaction(db):
        ids = [r[0] for r in db.execute("SELECT id FROM segments ORDER BY ordinal")]
        for sid, name, span, score in ((ids[1], INVALLEN, (34, 72), 0.8), (ids[2], KLUSJES, (None, None), 0.8),
                                       (ids[3], "scholing en budget", (0, 26), 0.01)):
            evidence = {"matches": [{"text": "dag", "keyword": "dag", "start": 48, "end": 51}],
                        "sentences": [list(span)] if span[0] is not None else [[0, 42]]}
            db.execute("INSERT INTO codings (segment_id, code_id, coder, status, method, score, evidence, span_start, "
                       "span_end, created_at, updated_at) VALUES (?, ?, NULL, 'suggested', 'rules', ?, ?, ?, ?, ?, ?)",
                       [sid, code_id(db, name), score, json.dumps(evidence), *span, now(), now()])
    db.close()
    # anna: invallen on sentence 2 of turn 2, as the rule marked it; visie on all of turn 3.
    code(cli, "2", INVALLEN, "--sentence", "2", "--coder", "anna")
    code(cli, "3", "visie", "--coder", "anna")
    result = cli("agreement", "--coder", "anna", "--coder", "rules", "--unit", "character", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    by_code = {c["code"]: c for c in report["codes"]}
    # The rules looked at every participant turn, anna at turns 2 and 3: N = 112 + 42 = 154.
    assert report["characters"] == 154 and set(by_code) == {INVALLEN, KLUSJES, "visie"}
    assert (by_code[INVALLEN]["alpha"], by_code[INVALLEN]["jaccard"]) == (1.0, 1.0)
    assert by_code[KLUSJES]["coded"] == {"anna": 0, "rules": 42} and by_code[KLUSJES]["jaccard"] == 0.0


def test_overlapping_passages_and_a_whole_turn_are_not_counted_twice(cli, project):
    # anna: sentences 1-2 (0:72) and 2-3 (34:112) of turn 2, overlapping on sentence 2: together
    # every character once (112, not 72 + 78 = 150). bram: the whole turn and sentence 1 besides.
    # Both mark all 112 characters: Jaccard and Dice 1; kappa and alpha undefined (one value only).
    code(cli, "2", INVALLEN, "--sentence", "1-2", "--coder", "anna")
    code(cli, "2", INVALLEN, "--sentence", "2-3", "--coder", "anna")
    code(cli, "2", INVALLEN, "--coder", "bram")
    code(cli, "2", INVALLEN, "--sentence", "1", "--coder", "bram")
    _report, by_code = codes_of(cli)
    i = by_code[INVALLEN]
    assert i["coded"] == {"anna": 112, "bram": 112} and (i["jaccard"], i["dice"]) == (1.0, 1.0)
    assert (i["kappa"], i["alpha"], i["verdict"]) == (None, None, "niet te bepalen")


def test_offsets_and_lengths_count_code_points_not_bytes(cli, project):
    # Turn 5 has 50 code points (54 bytes in UTF-8). anna codes the whole turn, bram the
    # second sentence, "Maar het kopiëren blijft." (25 code points, 26 bytes).
    assert len(T5) == 50 and len(T5.encode("utf-8")) == 54
    code(cli, "5", KLUSJES, "--coder", "anna")
    code(cli, "5", KLUSJES, "--quote", "Maar het kopiëren blijft.", "--coder", "bram")
    report, by_code = codes_of(cli)
    assert report["characters"] == 50
    assert by_code[KLUSJES]["coded"] == {"anna": 50, "bram": 25}
    assert by_code[KLUSJES]["jaccard"] == pytest.approx(25 / 50)


def test_unit_turn_is_the_default(cli, project):
    code(cli, "2", INVALLEN, "--sentence", "1", "--coder", "anna")
    code(cli, "2", INVALLEN, "--coder", "bram")
    code(cli, "3", "visie", "--coder", "bram")
    code(cli, "3", KLUSJES, "--coder", "anna")
    default = cli("agreement", "--coder", "anna", "--coder", "bram", "--json")
    turn = cli("agreement", "--coder", "anna", "--coder", "bram", "--unit", "turn", "--json")
    assert default.exit_code == 0 and default.stdout == turn.stdout
    assert json.loads(default.stdout)["n"] == 2


def test_json_fields_are_stable(cli, project):
    code(cli, "2", INVALLEN, "--sentence", "1", "--coder", "anna")
    code(cli, "2", INVALLEN, "--coder", "bram")
    report, by_code = codes_of(cli)
    assert list(report) == ["unit", "coders", "turns", "characters", "overall", "codes"]
    assert report["unit"] == "character" and report["coders"] == ["anna", "bram"]
    assert list(by_code[INVALLEN]) == ["code", "turns", "characters", "percent", "kappa", "alpha", "jaccard", "dice",
                                         "verdict", "coded"]


def test_table_and_csv(cli, project):
    code(cli, "2", INVALLEN, "--sentence", "1", "--coder", "anna")
    code(cli, "2", INVALLEN, "--coder", "bram")
    table = cli("agreement", "--coder", "anna", "--coder", "bram", "--unit", "character")
    assert table.exit_code == 0 and "character by character" in table.stdout and "jaccard" in table.stdout
    assert "1 turn looked at by at least two (112 characters)" in table.stdout
    rows = cli("agreement", "--coder", "anna", "--coder", "bram", "--unit", "character", "--csv").stdout.splitlines()
    assert rows[0] == "code,turns,characters,percent,kappa,alpha,jaccard,dice,verdict,coded_anna,coded_bram"
    # anna marked 33 of the 112 characters bram marked: jaccard 33/112 = 0.2946, dice 66/145 = 0.4552.
    assert rows[2].startswith(f"{INVALLEN},1,112,") and ",0.2946,0.4552," in rows[2] and rows[2].endswith(",33,112")


@pytest.mark.parametrize("args, exit_code, message", [
    (["--unit", "character", "--disagreements"], 2, "--disagreements works with --unit turn only"),
    (["--unit", "character", "--bootstrap", "100"], 2, "--bootstrap works with --unit turn only"),
    (["--unit", "zin"], 2, "'zin' is not one of 'turn', 'character'"),
    (["--unit", "character", "--coder", "ans"], 1, "unknown coder 'ans'"),
])
def test_bad_options_are_one_line_and_change_nothing(cli, project, db_path, args, exit_code, message):
    code(cli, "2", INVALLEN, "--sentence", "1", "--coder", "anna")
    code(cli, "2", INVALLEN, "--coder", "bram")
    before = db_snapshot(db_path)
    coders = ["--coder", "anna"] + ([] if "ans" in args else ["--coder", "bram"])
    result = cli("agreement", *coders, *args)
    assert result.exit_code == exit_code, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert db_snapshot(db_path) == before


def test_nothing_to_compare_is_one_line(cli, project):
    code(cli, "2", INVALLEN, "--coder", "anna")
    code(cli, "3", INVALLEN, "--coder", "bram")
    result = cli("agreement", "--coder", "anna", "--coder", "bram", "--unit", "character")
    assert result.exit_code == 1 and "no segment was looked at by at least two" in result.stderr


# -- against the krippendorff package ------------------------------------------------------------


def _package_alpha(matrix: list[list]) -> float:
    data = np.array([[np.nan if v is None else float(v) for v in row] for row in matrix])
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


@pytest.mark.parametrize("seed", range(4))
def test_character_alpha_equals_the_package_on_random_passages(tmp_path, seed):
    """Three coders code random passages (and sometimes whole turns) of random codes on the
    turns of the methods tests' sessions; each skips some turns. The character-level alpha per
    code must equal the package's alpha on the explicit coders x characters matrix, and
    percent, Jaccard and Dice their definitions counted character by character."""
    from methods.methodskit import build_study

    from focuscode.agreement_passages import compute_passages
    from focuscode.codes import code_id
    from focuscode.coding import set_decision
    from focuscode.db import now, transaction

    rng = random.Random(seed)
    db = build_study(tmp_path / "studie.db", keep_open=True)
    turns = db.execute("SELECT s.id, s.text FROM segments s JOIN participants p ON p.id = s.participant_id "
                       "WHERE p.is_facilitator = 0 ORDER BY s.id").fetchall()
    codes = ["invallen", "klusjes", "scholing"]  # the methods codebook's
    coders = ["anna", "bram", "chris"]
    truth: dict = {}  # (coder, sid) -> None (not looked at) or {code: set of character positions}
    with transaction(db):
        db.execute("DELETE FROM codings")
        db.execute("DELETE FROM seen")
        for sid, text in turns:
            for coder in coders:
                if rng.random() < 0.2:
                    truth[(coder, sid)] = None
                    continue
                db.execute("INSERT INTO seen (segment_id, coder, at) VALUES (?, ?, ?)", [sid, coder, now()])
                marked: dict = {c: set() for c in codes}
                for c in rng.sample(codes, rng.randint(0, 2)):
                    for _ in range(rng.randint(1, 2)):
                        if rng.random() < 0.2:
                            span = None
                        else:
                            s = rng.randrange(0, len(text) - 1)
                            span = (s, rng.randrange(s + 1, len(text) + 1))
                            span = None if span == (0, len(text)) else span
                        set_decision(db, sid, code_id(db, c), coder, "accepted", span=span)
                        marked[c].update(range(len(text)) if span is None else range(*span))
                truth[(coder, sid)] = marked
    report = compute_passages(db, coders)
    db.close()
    by_code = {o.figures.code: o for o in report.per_code}
    compared = 0
    for c in codes:
        units = []  # one list of three values per character of a turn at least two looked at
        for sid, text in turns:
            looked = [truth[(k, sid)] for k in coders]
            if sum(v is not None for v in looked) < 2:
                continue
            for pos in range(len(text)):
                units.append([None if v is None else int(pos in v[c]) for v in looked])
        if not any(v for u in units for v in u):
            assert c not in by_code
            continue
        o = by_code[c]
        assert o.figures.n == sum(sum(v is not None for v in u) >= 2 for u in units)
        assert o.figures.alpha == pytest.approx(_package_alpha([list(col) for col in zip(*units)]), abs=1e-9)
        pairs = [(u[i], u[j]) for u in units for i in range(3) for j in range(i + 1, 3)
                 if u[i] is not None and u[j] is not None]
        inter, union = sum(a and b for a, b in pairs), sum(a or b for a, b in pairs)
        assert (o.intersection, o.union) == (inter, union)
        assert o.dice == pytest.approx(2 * inter / (inter + union))
        shares = []
        for u in units:
            vals = [v for v in u if v is not None]
            agree = [a == b for i, a in enumerate(vals) for b in vals[i + 1:]]
            shares.append(sum(agree) / len(agree))
        assert o.figures.percent == pytest.approx(100 * sum(shares) / len(shares))
        compared += 1
    assert compared >= 2 and any(v is None for v in truth.values())



def test_the_table_fits_80_columns_without_cutting_a_figure(cli, project):
    """At 80 columns the ten columns used to end in '100.…', 'jacc…' and 'onvol…'; now figures
    never fold or get cut, and only code names and verdicts wrap, at word boundaries."""
    code(cli, "2", INVALLEN, "--sentence", "1", "--coder", "anna")
    code(cli, "2", INVALLEN, "--coder", "bram")
    table = cli("agreement", "--coder", "anna", "--coder", "bram", "--unit", "character", env={"COLUMNS": "80"})
    lines = table.stdout.splitlines()
    body = lines[1:-1]  # the title and the legend are prose, wrapped by the terminal
    assert table.exit_code == 0 and all(len(line) <= 80 for line in body), [len(x) for x in body]
    assert "…" not in "\n".join(body)
    header = body[0].split()
    assert header[:8] == ["code", "turns", "agree", "kappa", "alpha", "jaccard", "dice", "oordeel"]
    assert any(" 0.295 " in line and " 0.455 " in line for line in body)  # jaccard 33/112, dice 66/145, whole
