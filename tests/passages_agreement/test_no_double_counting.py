"""Every report counts a turn once per code, however many passages of it a coder coded (#13).

One coder may now hold several rows for one (segment, code): two passages, a passage and
the whole turn, overlapping passages, or an accepted passage beside an uncoded (rejected)
one. At the level of the turn these all mean "anna coded this turn with invallen", so each
report below must come out exactly as it does when anna coded the whole turn once. The
study is passagekit's (Teams, Zoom and typed-notes sessions written for the tests), with a
codebook with subcodes and the same codes flat.
"""

from __future__ import annotations

import json
import re

import pytest
from export.project_builder import copy_project

from passages_agreement.passagekit import VARIANTS, anna_rows, build

PASSAGE_VARIANTS = [v for v in VARIANTS if v != "whole turn"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    cache: dict = {}

    def get(codebook: str, variant: str):
        key = (codebook, variant)
        if key not in cache:
            folder = tmp_path_factory.mktemp(f"{codebook}-{variant.replace(' ', '-')}")
            cache[key] = build(folder / "studie.db", codebook, variant)
        return cache[key]

    return get


@pytest.fixture
def pair(built, tmp_path):
    """(whole-turn project, passage project) as fresh copies, for one codebook and variant."""

    def make(codebook: str, variant: str):
        (tmp_path / "a").mkdir(exist_ok=True)
        (tmp_path / "b").mkdir(exist_ok=True)
        return (copy_project(built(codebook, "whole turn"), tmp_path / "a" / "studie.db"),
                copy_project(built(codebook, variant), tmp_path / "b" / "studie.db"))

    return make


def test_the_variants_really_hold_several_rows(built):
    # The probe is only a probe if the passage projects hold what they claim.
    assert anna_rows(built("flat", "whole turn")) == [("accepted", None, None)]
    assert [r[0] for r in anna_rows(built("flat", "two passages"))] == ["accepted", "accepted"]
    assert sorted(r[0] for r in anna_rows(built("flat", "two passages and an uncoded one"))) == [
        "accepted", "accepted", "rejected"]
    assert {r[1] is None for r in anna_rows(built("nested", "whole turn and a passage"))} == {True, False}


REPORTS = {
    "stats": ["stats", "--json"],
    "stats for one coder": ["stats", "--coder", "anna", "--json"],
    "stats by speaker (prevalence)": ["stats", "--by", "speaker", "--json"],
    "stats of themes": ["stats", "--themes", "--json"],
    "cooccurrence": ["cooccurrence", "--json"],
    "cooccurrence per transcript": ["cooccurrence", "--level", "transcript", "--json"],
    "cooccurrence by sector": ["cooccurrence", "--by", "sector", "--json"],
    "saturation": ["saturation", "--json"],
    "saturation of one coder": ["saturation", "--coder", "anna", "--bootstrap", "20", "--json"],
    "agreement": ["agreement", "--coder", "anna", "--coder", "bram", "--disagreements", "--json"],
    "agreement of themes": ["agreement", "--coder", "anna", "--coder", "bram", "--themes", "--bootstrap", "50", "--json"],
    "agreement with the rules": ["agreement", "--coder", "anna", "--coder", "rules", "--json"],
    "codebook audit (rule statistics)": ["codebook", "audit", "--json"],
}


@pytest.mark.parametrize("codebook", ["nested", "flat"])
@pytest.mark.parametrize("variant", PASSAGE_VARIANTS)
@pytest.mark.parametrize("report", list(REPORTS))
def test_a_report_counts_the_turn_once(cli, pair, codebook, variant, report):
    whole, passages = pair(codebook, variant)
    expected = cli(*REPORTS[report], db=whole)
    got = cli(*REPORTS[report], db=passages)
    assert expected.exit_code == 0 and got.exit_code == 0, (expected.output, got.output)
    assert json.loads(got.stdout) == json.loads(expected.stdout)


def test_the_long_turn_counts_once_in_stats(cli, pair):
    # The figure itself, not only the sameness: with a flat codebook anna's two passages
    # of Teams turn 6 were two segments of invallen (stats said 7 where 6 turns carry it).
    _whole, passages = pair("flat", "two passages")
    tables = json.loads(cli("stats", "--coder", "anna", "--json", db=passages).stdout)
    invallen = next(r for r in tables[0]["codes"] if r["code"] == "invallen")
    # anna's invallen: Teams turns 2, 4, 6, 8 (OOP'er 1), Zoom turn 5 (OOP'er 3), notes turn 4
    # (OOP'er 6): six turns of three speakers.
    assert invallen["segments"] == 6 and invallen["participants"] == 3


@pytest.mark.parametrize("codebook", ["nested", "flat"])
@pytest.mark.parametrize("variant", ["two passages", "two passages and an uncoded one"])
def test_the_methods_appendix_is_the_same(cli, pair, tmp_path, codebook, variant):
    whole, passages = pair(codebook, variant)
    texts = []
    for db in (whole, passages):
        out = db.parent / "methode.md"
        result = cli("export", "methods", "--out", str(out), db=db)
        assert result.exit_code == 0, result.output
        texts.append(re.sub(r"\d{4}-\d\d-\d\d[ T][\d:.]+", "<tijd>", out.read_text(encoding="utf-8")))
    # Only the passage project gets the paragraph on agreement on passages; the rest is the same.
    block = re.compile(r"\*\*\[COREQ 24 \(Number of data coders\)\]\*\* Codeurs codeerden ook passages[^\n]*\n\n"
                       r"(?:\|[^\n]*\n)+\n")
    assert not block.search(texts[0])
    found = block.search(texts[1])
    # 998 characters: those of the turns both anna and bram looked at.
    assert found and "| alle thema's (zelfde set thema's per teken) | 998 |" in found.group(0)
    if codebook == "nested":  # both coded visie (or its subcode) on the same turns, whole
        assert "| thema visie | 998 | 1.000 | 1.000 | 1.000 |" in found.group(0)
    assert block.sub("", texts[1]) == texts[0]
    # Decisions on a code a rule had suggested take the rule's origin: seven turns, the long
    # turn once (before: 8 accepted and, for the uncoded passage, 1 rejected).
    assert "| regels (trefwoorden op lemma's) | 5 | 7 | 0 |" in texts[1]


@pytest.mark.parametrize("variant", ["two passages", "whole turn and a passage"])
def test_charts_draw_the_same_bars(cli, pair, tmp_path, variant):
    whole, passages = pair("flat", variant)
    drawn = []
    for db in (whole, passages):
        png = db.parent / "staaf.png"
        assert cli("stats", "--plot", str(png), db=db).exit_code == 0
        heat = db.parent / "warmte.png"
        assert cli("cooccurrence", "--plot", str(heat), db=db).exit_code == 0
        drawn.append((png.read_bytes(), heat.read_bytes()))
    assert drawn[1] == drawn[0]


@pytest.mark.parametrize("variant", PASSAGE_VARIANTS)
def test_learning_and_evaluation_see_one_decision_per_turn(pair, variant):
    from focuscode.db import open_project
    from focuscode.evaluation import reliability_table
    from focuscode.learning import coder_examples
    from focuscode.rulestats import rule_records

    seen = []
    for path in pair("nested", variant):
        db = open_project(path)
        try:
            ex = coder_examples(db, "anna")
            records = {k: (r.accepted, r.rejected, len(r.segments)) for k, r in rule_records(db, decided_only=False).items()}
            seen.append((ex.segment_ids, ex.labels, ex.counts(), reliability_table(db, "anna"), records))
        finally:
            db.close()
    assert seen[1] == seen[0]
    segment_ids, labels, counts = seen[0][:3]
    assert counts["invallen"][0] == 6  # six turns, not seven


@pytest.mark.parametrize("variant", PASSAGE_VARIANTS)
def test_the_review_queue_is_the_same(pair, variant):
    from focuscode.db import open_project
    from focuscode.review.queue import ReviewFilter, build_queue

    queues = []
    for path in pair("nested", variant):
        db = open_project(path)
        try:
            queues.append([build_queue(db, coder, ReviewFilter(mode=mode, revisit=True)).segment_ids
                           for coder in ("anna", "bram") for mode in ("pending", "uncoded", "all")])
        finally:
            db.close()
    assert queues[1] == queues[0]


def test_check_finds_nothing_wrong_with_passages(cli, pair):
    _whole, passages = pair("nested", "two passages and an uncoded one")
    result = cli("check", "--json", db=passages)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True



def test_pooled_coders_count_a_turn_once_with_a_flat_codebook(cli, built):
    # The same hole without passages: anna and bram both coded Zoom turns 2 and 5 with
    # klusjes; pooled, a flat codebook counted each turn once per coder (4 segments).
    tables = json.loads(cli("stats", "--json", db=built("flat", "whole turn")).stdout)
    assert tables[0]["coding"]["pooled"] is True
    klusjes = next(r for r in tables[0]["codes"] if r["code"] == "klusjes")
    assert klusjes["segments"] == 2 and klusjes["participants"] == 1
