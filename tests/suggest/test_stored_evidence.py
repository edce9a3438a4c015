"""What `suggest` stores for each rule suggestion is what the general encoder and the
calibration give for that suggestion alone.

`suggest` scores each distinct description of a hit once (code, matched rules, words and
lemmas, flags) and writes the evidence JSON from parts; these tests hold every stored row
to the slow, obvious way: `dumps(evidence)` and `features()` per suggestion.

The turns imitate a Zoom focus group with OOP'ers in secondary schools, exported as WebVTT
(speaker prefix in the cue text, as Zoom writes it), with the quotes, dashes, accents and an
emoji that typed chat and transcription services put in; the codebook fragment is shaped
like codebook/oop.yaml (keywords, a multi-word keyword, a separable verb, a token pattern,
an exclude keyword, examples).
"""

from __future__ import annotations

import json
import sqlite3

import pytest

BOOK = """
- name: ad-hoctaken
  description: Taken die er zomaar bij komen.
  keywords: [invallen, klusjes, kopieerwerk, coördinatie, "op het laatste moment"]
  exclude_keywords: [klusjesman]
  examples:
    - Ik moet altijd invallen als er iemand ziek is.
  children:
    - name: surveilleren
      keywords: [pleinwacht, surveillance]
- name: doorgroei
  description: Willen doorgroeien naar een andere functie.
  keywords: [opleiding, doorgroeien, "docent worden"]
  patterns:
    - [{"LEMMA": "eigen"}, {"LEMMA": "tijd"}]
  examples:
    - Ik wil een opleiding volgen om docent te worden.
"""

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:05.000
Gespreksleider: Wat komt er allemaal bij jullie terecht?

2
00:00:06.000 --> 00:00:14.000
OOP'er 1 (vo): Ik val dan weer in – "even snel" – en het kopieerwerk blijft liggen… 😅

3
00:00:15.000 --> 00:00:21.000
OOP'er 2 (vo): Bij ons doe ik de pleinwacht én allerlei klusjes. De klusjesman? Die komt nooit.

4
00:00:22.000 --> 00:00:30.000
OOP'er 3 (vo): Ik wil een opleiding volgen, in m'n eigen tijd, om ooit docent te kunnen worden.

5
00:00:31.000 --> 00:00:38.000
OOP'er 1 (vo): Dat wordt op het laatste moment geregeld: \\"regel jij het even\\", zegt de teamleider.

6
00:00:39.000 --> 00:00:45.000
OOP'er 2 (vo): Ik doe surveillance en de coördinatie bij toetsen, en moet vaak invallen; doorgroeien zit er niet in.
"""


@pytest.fixture
def project(cli, db_path, tmp_path):
    (tmp_path / "zoom-fg-vo.vtt").write_text(VTT, encoding="utf-8")
    book = tmp_path / "oop-fragment.yaml"
    book.write_text(BOOK, encoding="utf-8")
    assert cli("codebook", "load", book).exit_code == 0
    result = cli("import", tmp_path / "zoom-fg-vo.vtt", "--source", "focusgroep", "--allow-pii", "--allow-unknown")
    assert result.exit_code == 0, result.output
    assert cli("suggest").exit_code == 0
    return db_path


def _rows(path, method: str) -> list[tuple[int, str, float, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT c.segment_id, k.name, c.score, c.evidence FROM codings c JOIN codes k ON k.id = c.code_id "
            "WHERE c.coder IS NULL AND c.method = ? ORDER BY c.segment_id, k.name", [method]).fetchall()
    finally:
        conn.close()


def test_stored_evidence_is_what_the_general_encoder_writes(project):
    from focuscode.db import dumps

    rows = _rows(project, "rules")
    kinds = {key for _, _, _, ev in rows for m in json.loads(ev)["matches"] for key in ("keyword", "pattern") if key in m}
    assert kinds == {"keyword", "pattern"}  # both ways of writing a match are exercised
    assert any(json.loads(ev)["excluded"] for _, _, _, ev in rows)  # and an exclusion ("klusjesman")
    assert any('"coördinatie"' in ev for _, _, _, ev in rows)  # unescaped, as ensure_ascii=False writes
    for _, _, _, ev in rows:
        assert ev == dumps(json.loads(ev))


def test_each_stored_score_is_what_features_give_for_that_suggestion_alone(project):
    from focuscode.nlp.calibration import base_probability, corpus_rate, features, rule_key

    rows = _rows(project, "rules")
    close = {(sid, code) for sid, code, _, _ in _rows(project, "similarity")}
    conn = sqlite3.connect(project)
    try:
        # the segments suggest scanned: every turn but the facilitator's
        n_segments = conn.execute(
            "SELECT COUNT(*) FROM segments s LEFT JOIN participants p ON p.id = s.participant_id "
            "WHERE COALESCE(p.is_facilitator, 0) = 0").fetchone()[0]
        themes = {r[0] for r in conn.execute("SELECT name FROM codes WHERE parent_id IS NULL")}
    finally:
        conn.close()
    fires: dict = {}
    for _, _, _, ev in rows:
        for key in {rule_key(m) for m in json.loads(ev)["matches"]}:
            fires[key] = fires.get(key, 0) + 1
    rates = {key: corpus_rate(n, n_segments) for key, n in fires.items()}
    assert len(rows) >= 6
    for sid, code, score, ev in rows:
        evidence = json.loads(ev)
        x = features(evidence, rates=rates, is_theme=code in themes, close=(sid, code) in close)
        if "prior" in evidence["score"]:  # the domain prior's log-odds for the code's theme on this turn
            x["prior"] = evidence["score"]["prior"]
        base = base_probability(x)
        assert evidence["score"] == {"base": round(base, 4), "rules": 0.0, **{k: v for k, v in x.items() if k != "bias"}}
        assert score == round(base, 4)


@pytest.mark.parametrize("text", [
    'Ze zei: "regel jij het even?" – en weg was ze…',  # quotes and dashes as Word and Teams write them
    "Eerste regel\nTweede regel\tmet tab",  # a survey answer typed over two lines (csv export)
    "Dat is ‘m wel 😅 \\ echt",  # chat emoji and a stray backslash
    "\u2028scheiding\x7f en \x01 stuurteken",  # separators and control characters that slip through copy-paste
])
def test_evidence_written_from_parts_equals_dumps(text):
    from focuscode.db import dumps
    from focuscode.suggest import _evidence_json

    score = {"base": 0.4913, "close": 0.0, "corpus": 1.3753, "distinct": 1.0, "excluded": 0.0, "rules": -0.25,
             "specificity": 0.6133, "theme": 1.0}
    keyword = {"text": text[:12], "lemma": text[:12].lower(), "keyword": text[-8:], "start": 3, "end": 15,
               "compound": True}
    pattern = {"text": text, "lemma": "eigen tijd", "pattern": [{"LEMMA": "eigen"}, {"LEMMA": "tijd"}], "start": 0,
               "end": len(text), "compound": False}
    excluded = [{"text": text, "exclude_keyword": "klusjesman", "start": 0, "end": 4, "vetoed": ["klusjes"]}]
    for evidence in (
        {"matches": [keyword], "excluded": [], "score": score},
        {"matches": [keyword, pattern], "excluded": excluded, "score": score, "sentences": [[0, 12], [13, 40]]},
        {"matches": [], "excluded": [], "score": score, "sentences": []},
        {"matches": [{**keyword, "compound": None}], "excluded": [], "score": score},  # not the usual shape
        {"matches": [keyword], "excluded": [], "score": score, "note": text},  # a key it does not know
    ):
        assert _evidence_json(evidence, dumps(score)) == dumps(evidence)


def test_the_command_as_its_own_process_leaves_the_project_closed_and_complete(project, tmp_path):
    """`focuscode suggest` ends without freeing its heap object by object (gc.freeze at exit):
    the project must still be closed as a normal exit closes it (no write-ahead log left
    behind) and hold every suggestion, as a second connection reads them."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import focuscode

    before = _rows(project, "rules")
    conn = sqlite3.connect(project)
    conn.execute("DELETE FROM codings WHERE coder IS NULL")  # the run in its own process must write them again
    conn.commit()
    conn.close()
    env = dict(os.environ, PYTHONPATH=str(Path(focuscode.__file__).parents[1]), NO_COLOR="1")
    env.pop("FOCUSCODE_DB", None)
    done = subprocess.run([sys.executable, "-c", "from focuscode.cli import main; main()", "suggest", "--db", str(project)],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "rule suggestions in 5 segments" in done.stdout
    assert not Path(f"{project}-wal").exists() and not Path(f"{project}-shm").exists()
    assert [r[:3] for r in _rows(project, "rules")] == [r[:3] for r in before]


def test_the_command_in_a_process_that_goes_on_leaves_the_collector_running(project, cli):
    """Only the console script's process, which ends with the command, keeps Python's cyclic
    collector paused to its end; the app run from a program that goes on (here pytest, as a
    caller's own script would) finds the collector as it left it."""
    import gc

    assert gc.isenabled()
    assert cli("suggest").exit_code == 0
    assert gc.isenabled()
