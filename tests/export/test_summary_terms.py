"""What makes `export summary` fast at study scale, held to giving the same summary:
lemma counts kept per turn (segment_terms), and quotes of a large theme chosen from a
fixed sample of its turns while counts stay exact.

The study is written for these tests: three sessions typed out by a transcription service
in the "Naam: tekst" layout (two focus groups and an interview, po and vo), each with the
participants CSV a researcher keeps beside it, and each coder's coding sheet as a
spreadsheet exports it (segment,code). Turns are put together from the sentences below so
that a theme has more turns than a (lowered) sample size.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from fctest import db_snapshot, sql_rows as _rows
from focuscode.db import open_project, transaction
from focuscode.export import choose, quotes, terms
from focuscode.export.render import write_summary
from focuscode.export.summary import SummaryOptions, build_summary

CODEBOOK = """\
- name: ad-hoctaken
  description: Taken buiten het afgesproken takenpakket.
  children:
    - name: invallen
      description: Lessen overnemen of invallen bij afwezigheid van de leraar.
    - name: klusjes
      description: Kopiëren, klaarzetten en andere hand- en spandiensten.
- name: doorgroei
  description: Ambities, scholing en doorgroeimogelijkheden.
- name: afstemming
  description: Overleg en afstemming met leraren en leiding.
"""
SENTENCES = {
    "invallen": [
        "Als er een leerkracht ziek is, val ik in en sta ik de hele dag voor de klas.",
        "Vorige week heb ik drie keer een groep opgevangen omdat er geen invaller te vinden was.",
        "Het invallen gaat altijd voor, ook als ik die dag een leesgroepje zou begeleiden.",
        "Bij lesuitval moet ik surveilleren in het lokaal met een opdracht die de docent heeft klaargezet.",
    ],
    "klusjes": [
        "Verder ben ik veel tijd kwijt aan kopiëren en het klaarzetten van materialen voor de middag.",
        "Ik zet de practica klaar en ruim na afloop de spullen weer op.",
        "Soms word ik gevraagd om de koffie te zetten voor een vergadering, terwijl ik daar niet voor ben.",
    ],
    "doorgroei": [
        "Ik zou graag de pabo willen doen, maar daar is geen budget voor op onze school.",
        "Een opleiding naast mijn werk is lastig, omdat ik dan minder uren kan maken.",
        "Doorgroeien naar een hogere schaal lukt alleen als je een diploma haalt.",
    ],
    "afstemming": [
        "Het overleg met de leerkracht gebeurt meestal even snel bij de kapstok.",
        "We hebben geen vast moment om af te stemmen over de leerlingen die ik begeleid.",
        "Eens per maand is er een overleg met de intern begeleider en dat helpt echt.",
    ],
}
SESSIONS = (  # file, source, sector, speakers, turns
    ("fg-po-sessie2.txt", "focusgroep", "po", 6, 40),
    ("fg-vo-sessie2.txt", "focusgroep", "vo", 6, 40),
    ("interview-vo-toa.txt", "interview", "vo", 1, 8),
)


def _write_study(folder: Path) -> tuple[list[Path], dict[str, str]]:
    rng = random.Random(13)
    paths, sheets = [], {"anna": ["segment,code"], "bram": ["segment,code"]}
    for name, _source, sector, speakers, turns in SESSIONS:
        labels = [f"OOP'er {k} ({sector})" for k in range(1, speakers + 1)]
        lines = ["Gespreksleider: Fijn dat jullie er zijn. Hoe ziet een gewone week eruit?"]
        for n in range(turns):
            themes = rng.sample(sorted(SENTENCES), rng.randint(1, 2))
            said = [rng.choice(SENTENCES[t]) for t in themes for _ in range(rng.randint(1, 2))]
            lines.append(f"{labels[n % len(labels)]}: {' '.join(dict.fromkeys(said))}")
            for t in themes:
                sheets["anna"].append(f"{name}:{n + 2},{t}")
                if n % 3:
                    sheets["bram"].append(f"{name}:{n + 2},{t}")
        path = folder / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        people = ["label,role,sector", "Gespreksleider,gespreksleider,"] + [f"{label},OOP'er,{sector}" for label in labels]
        path.with_suffix(".participants.csv").write_text("\n".join(people) + "\n", encoding="utf-8")
        paths.append(path)
    return paths, {coder: "\n".join(rows) + "\n" for coder, rows in sheets.items()}


@pytest.fixture(scope="module")
def _study_template(tmp_path_factory):
    from click.testing import CliRunner

    from focuscode.cli import app

    folder = tmp_path_factory.mktemp("studie")
    db = folder / "studie.db"
    paths, sheets = _write_study(folder)
    (folder / "codeboek.yaml").write_text(CODEBOOK, encoding="utf-8")

    def run(*args):
        result = CliRunner().invoke(app, [*map(str, args), "--db", str(db)], catch_exceptions=False)
        assert result.exit_code == 0, result.output

    run("codebook", "load", folder / "codeboek.yaml")
    for path, (_n, source, *_rest) in zip(paths, SESSIONS):
        run("import", path, "--source", source)
    for coder, sheet in sheets.items():
        (folder / f"codering-{coder}.csv").write_text(sheet, encoding="utf-8")
        run("code", "--from-file", folder / f"codering-{coder}.csv", "--coder", coder)
    return db


@pytest.fixture
def coded_db(_study_template, tmp_path):
    from project_builder import copy_project

    return copy_project(_study_template, tmp_path / "studie.db")


def _summary(path: Path, **kw) -> list:
    db = open_project(path)
    try:
        return [t.to_json() for t in build_summary(db, SummaryOptions(**kw))]
    finally:
        db.close()


def _drop_kept_counts(path: Path) -> None:
    """As in a project made before import counted the turns (or whose counts were dropped)."""
    db = open_project(path)
    with transaction(db):
        db.execute("DELETE FROM segment_terms")
    db.close()


def test_import_kept_every_turns_counts(coded_db):
    assert _rows(coded_db, "SELECT count(*), count(DISTINCT basis) FROM segment_terms") == \
        _rows(coded_db, "SELECT count(*), 1 FROM segments")


def test_a_second_summary_reads_the_kept_counts_and_loads_no_lemma_tables(coded_db):
    _drop_kept_counts(coded_db)
    first = _summary(coded_db)
    coded = _rows(coded_db, "SELECT count(DISTINCT c.segment_id) FROM codings c JOIN segments s ON s.id = c.segment_id "
                            "JOIN participants p ON p.id = s.participant_id WHERE c.status = 'accepted' AND p.is_facilitator = 0")
    assert _rows(coded_db, "SELECT count(*), count(DISTINCT basis) FROM segment_terms") == [(coded[0][0], 1)]
    quotes._lemmatizer.cache_clear()
    quotes._FORM_LEMMA.clear()
    again = _summary(coded_db)
    assert again == first
    assert quotes._lemmatizer.cache_info().currsize == 0  # the tables were not loaded


def test_kept_counts_are_the_counts_of_the_text(coded_db):
    _summary(coded_db)
    db = open_project(coded_db)
    try:
        texts = dict(db.execute("SELECT s.id, s.text FROM segments s JOIN segment_terms t ON t.segment_id = s.id"))
        assert len(texts) > 50
        kept = terms.Terms(db)
        kept.load(list(texts))
        assert not kept.fresh  # every row was read, none counted again
        for sid, text in texts.items():
            # the same lemmas, counts and order (float sums over them depend on the order)
            assert list(kept.turn(sid).items()) == list(quotes.lemma_counts(text).items())
            prof = kept.profile(sid)
            assert prof.counts == [quotes.lemma_counts(p) for p in prof.parts]
    finally:
        db.close()


def test_a_changed_or_deleted_turn_takes_its_counts_with_it(coded_db):
    # What anonymise or import --replace does to a turn: no lemma of the old words may stay.
    _summary(coded_db)
    sid, old = _rows(coded_db, "SELECT s.id, s.text FROM segments s JOIN segment_terms t ON t.segment_id = s.id "
                               "WHERE s.text LIKE '%invallen%' LIMIT 1")[0]
    db = open_project(coded_db)
    with transaction(db):
        db.execute("UPDATE segments SET text = ? WHERE id = ?", [old.replace("invallen", "[weggelaten]"), sid])
    db.close()
    assert _rows(coded_db, "SELECT 1 FROM segment_terms WHERE segment_id = ?", [sid]) == []
    other = _rows(coded_db, "SELECT segment_id FROM segment_terms WHERE segment_id != ? LIMIT 1", [sid])[0][0]
    db = open_project(coded_db)
    with transaction(db):
        db.execute("DELETE FROM codings WHERE segment_id = ?", [other])
        db.execute("DELETE FROM coding_events WHERE segment_id = ?", [other])
        db.execute("DELETE FROM segments WHERE id = ?", [other])
    db.close()
    assert _rows(coded_db, "SELECT 1 FROM segment_terms WHERE segment_id = ?", [other]) == []
    # the next summary counts the changed turn again, from its new words
    _summary(coded_db)
    (row,) = _rows(coded_db, "SELECT terms FROM segment_terms WHERE segment_id = ?", [sid])
    assert "invallen" not in row[0].split() and "inval" not in Counter(row[0].split())


def test_counts_kept_on_another_basis_are_counted_again(coded_db):
    first = _summary(coded_db)
    db = open_project(coded_db)
    with transaction(db):
        # as after an upgrade of the lemmatiser: rows of an old basis, one of them wrong
        db.execute("UPDATE segment_terms SET basis = 'oud', terms = 'onzin onzin'")
    db.close()
    assert _summary(coded_db) == first
    assert _rows(coded_db, "SELECT DISTINCT basis FROM segment_terms") == [(terms.basis(),)]
    assert _rows(coded_db, "SELECT count(*) FROM segment_terms WHERE terms LIKE 'onzin%'") == [(0,)]


def test_a_kept_row_that_does_not_fit_its_text_is_not_trusted(coded_db):
    first = _summary(coded_db)
    db = open_project(coded_db)
    with transaction(db):
        # the lemmas of every turn on one line, as if split into sentences another way:
        # the profile of a turn of several sentences counts the text again
        db.execute("UPDATE segment_terms SET terms = replace(terms, char(10), ' ') WHERE instr(terms, char(10)) > 0")
    db.close()
    assert [[q["text"] for q in t["quotes"]] for t in _summary(coded_db)] == [[q["text"] for q in t["quotes"]] for t in first]


def test_a_summary_keeps_its_counts_only_once_it_is_written(cli, coded_db, tmp_path):
    db = open_project(coded_db)
    db.execute("DELETE FROM segment_terms")
    db.conn.commit()
    db.close()
    before = db_snapshot(coded_db)
    not_a_folder = tmp_path / "exports.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    bad = cli("export", "summary", "--out", str(not_a_folder), db=coded_db)
    assert bad.exit_code == 1 and "--out must be a folder" in bad.stderr
    assert db_snapshot(coded_db) == before
    good = cli("export", "summary", "--out", str(tmp_path / "exports"), db=coded_db)
    assert good.exit_code == 0, good.output
    assert _rows(coded_db, "SELECT count(*) FROM segment_terms")[0][0] > 50


def test_a_read_only_project_is_summarised_all_the_same(coded_db, tmp_path):
    # A copy on a read-only share: the counts cannot be kept, the summary is written anyway.
    db = open_project(coded_db)
    db.execute("DELETE FROM segment_terms")
    db.conn.commit()
    db.close()
    db = open_project(coded_db)
    db.conn.execute("PRAGMA query_only = 1")
    try:
        path = write_summary(db, SummaryOptions(), tmp_path / "exports", "json")
    finally:
        db.close()
    assert json.loads(path.read_text(encoding="utf-8"))["themes"][0]["quotes"]
    assert _rows(coded_db, "SELECT count(*) FROM segment_terms") == [(0,)]


# --- a large theme: quotes from a fixed sample, counts of every turn -------------------------


@pytest.fixture
def small_sample(monkeypatch):
    # The study's largest theme has about 40 coded turns; a sample of 20 makes it "large"
    # without building a 30,000-turn study in a test.
    monkeypatch.setattr(choose, "SAMPLE", 20)
    monkeypatch.setattr(choose, "SAMPLED_SHORTLIST", 5)
    monkeypatch.setattr(choose, "SHORTLIST", 5)


def test_a_sampled_theme_counts_every_turn_and_quotes_from_its_sample(coded_db, small_sample, monkeypatch):
    sampled = _summary(coded_db, per_theme=1)
    monkeypatch.setattr(choose, "SAMPLE", 100_000)
    whole = _summary(coded_db, per_theme=1)
    for s, w in zip(sampled, whole):
        assert {k: v for k, v in s.items() if k != "quotes"} == {k: v for k, v in w.items() if k != "quotes"}
    big = [t for t in whole if t["segments"] > 20]
    assert big, "no theme is larger than the sample"
    # quotes still come, from coded turns of the theme, deterministically
    monkeypatch.setattr(choose, "SAMPLE", 20)
    assert _summary(coded_db, per_theme=1) == sampled
    assert all(t["quotes"] for t in sampled if t["segments"] > 20)


def test_a_sample_keeps_a_small_group_and_is_spread_over_the_sessions(coded_db, small_sample):
    db = open_project(coded_db)
    try:
        from focuscode.export.coded import coded_in_scope, unpack

        opts = SummaryOptions(per_theme=1)
        coded = coded_in_scope(db, opts)
        biggest = max(coded.by_code, key=lambda c: len(coded.by_code[c]))
        pool = choose.Pool(coded, [biggest], opts)
        assert pool.sampled and len(pool.sample) < len(pool.segs)

        def group(sid):
            seg = unpack(coded, sid)
            return seg["sector"], seg["source"]

        groups = Counter(map(group, pool.segs))
        picked = Counter(map(group, pool.sample))
        # every sector/source group is in the sample, at least with its shortlist
        assert set(picked) == set(groups)
        assert all(picked[g] >= min(n, choose.SHORTLIST) for g, n in groups.items())
        # not the first turns of each group: spread over the transcripts
        transcripts = {unpack(coded, s)["transcript"] for s in pool.sample}
        assert len(transcripts) == len({unpack(coded, s)["transcript"] for s in pool.segs})
        assert choose.Pool(coded, [biggest], opts).sample == pool.sample
    finally:
        db.close()


def test_suggest_counts_the_turns_an_older_release_imported(cli, coded_db):
    # A project imported before import kept the counts (or counted on another lemmatiser):
    # `suggest`, which reads every turn anyway, counts them, so the next summary counts none.
    _drop_kept_counts(coded_db)
    db = open_project(coded_db)
    with transaction(db):
        db.execute("INSERT INTO segment_terms (segment_id, basis, terms) SELECT min(id), 'oud', 'onzin' FROM segments")
    db.close()
    r = cli("suggest", db=coded_db)
    assert r.exit_code == 0, r.output
    texts = dict(_rows(coded_db, "SELECT id, text FROM segments"))
    assert dict(_rows(coded_db, "SELECT segment_id, terms FROM segment_terms WHERE basis = ?", [terms.basis()])) == \
        {sid: terms.row_of(text) for sid, text in texts.items()}
    assert _rows(coded_db, "SELECT count(*) FROM segment_terms WHERE basis != ?", [terms.basis()]) == [(0,)]
    db = open_project(coded_db)
    try:
        from focuscode.export.summary import summary_and_terms

        _themes, kept = summary_and_terms(db, SummaryOptions())
        assert kept.fresh == {}
    finally:
        db.close()
