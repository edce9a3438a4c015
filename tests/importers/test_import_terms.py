"""`import` counts each new turn's lemmas for the summary (segment_terms, export/terms.py) in
its own transaction, so the first `export summary` after an import reads them instead of
loading the lemma tables and counting every quoted turn.

The files are written for these tests, shaped like what researchers import: a focus group
typed out by a transcription service ("Naam: tekst" lines, a participants CSV beside it),
a Zoom/Teams WebVTT export with <v Speaker> cues, and a survey tool's CSV export (one
answer per row, semicolon-separated as Dutch Excel saves it).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from fctest import db_snapshot, sql_rows as _rows
from focuscode.db import open_project, transaction
from focuscode.export import quotes, terms
from focuscode.export.summary import SummaryOptions, summary_and_terms

CODEBOOK = """\
- name: ad-hoctaken
  description: Taken buiten het afgesproken takenpakket.
- name: doorgroei
  description: Ambities, scholing en doorgroeimogelijkheden.
"""

# A transcription service's output: "Naam: tekst", one turn a line.
FOCUSGROEP = """\
Gespreksleider: Welkom allemaal. Wat doen jullie op een gewone dag?
OOP'er 1 (po): Als er een leerkracht ziek is, val ik in en sta ik de hele dag voor de klas. Dat gebeurt steeds vaker.
OOP'er 2 (po): Ik ben veel tijd kwijt aan kopiëren en het klaarzetten van materialen. Meneer Bakker vraagt dat elke ochtend.
OOP'er 1 (po): Ik zou graag de pabo willen doen, maar daar is geen budget voor op onze school.
OOP'er 2 (po): Een opleiding naast mijn werk is lastig, omdat ik dan minder uren kan maken.
"""
FOCUSGROEP_PEOPLE = "label,role,sector\nGespreksleider,gespreksleider,\nOOP'er 1 (po),OOP'er,po\nOOP'er 2 (po),OOP'er,po\n"

# A Zoom/Teams caption export: WebVTT cues with voice tags.
ZOOM = """\
WEBVTT

1
00:00:01.000 --> 00:00:04.500
<v Gespreksleider>Hoe is het overleg met de docenten geregeld?</v>

2
00:00:05.000 --> 00:00:11.000
<v TOA (vo)>Het overleg gebeurt meestal even snel op de gang, tussen twee practica door.</v>

3
00:00:11.500 --> 00:00:16.000
<v TOA (vo)>Ik zet de practica klaar en ruim na afloop de spullen weer op.</v>
"""
ZOOM_PEOPLE = "label,role,sector\nGespreksleider,gespreksleider,\nTOA (vo),TOA,vo\n"

# A survey tool's export, saved by Dutch Excel: semicolons, one respondent a row.
SURVEY = """\
respondent;rol;sector;toelichting
R1;OOP'er;po;Ik sta vaak voor de klas als er een leerkracht ziek is, zonder toelage.
R2;OOP'er;vo;Doorgroeien naar een hogere schaal lukt alleen als je een diploma haalt.
"""


def _write(folder: Path, name: str, text: str, people: str | None = None) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    if people is not None:
        path.with_name(path.stem + ".participants.csv").write_text(people, encoding="utf-8")
    return path


def _import_study(cli, tmp_path) -> None:
    book = tmp_path / "codeboek.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    assert cli("codebook", "load", book).exit_code == 0
    fg = _write(tmp_path, "fg-po-sessie1.txt", FOCUSGROEP, FOCUSGROEP_PEOPLE)
    zoom = _write(tmp_path, "zoom-vo-toa.vtt", ZOOM, ZOOM_PEOPLE)
    r = cli("import", fg, zoom, "--source", "focusgroep", "--allow-pii")
    assert r.exit_code == 0, r.output
    survey = _write(tmp_path, "enquete-oop.csv", SURVEY)
    r = cli("import", survey, "--source", "enquete", "--text-column", "toelichting", "--id-column", "respondent",
            "--role-column", "rol", "--sector-column", "sector")
    assert r.exit_code == 0, r.output


def _code_everything(db_path: Path) -> None:
    db = open_project(db_path)
    try:
        from focuscode.coding import set_decision

        ids = dict(db.execute("SELECT name, id FROM codes"))
        with transaction(db):
            for (sid,) in db.execute("SELECT id FROM segments ORDER BY id").fetchall():
                set_decision(db, sid, ids["ad-hoctaken" if sid % 2 else "doorgroei"], "anna", "accepted")
    finally:
        db.close()


def _assert_rows_fit_the_text(db_path: Path) -> None:
    """Every turn has one row on the current basis, and it holds the counts of its text."""
    found = _rows(db_path, "SELECT s.id, s.text, t.basis, t.terms FROM segments s "
                           "LEFT JOIN segment_terms t ON t.segment_id = s.id ORDER BY s.id")
    assert found
    for sid, text, basis, row in found:
        assert basis == terms.basis(), f"turn {sid} has no current row"
        assert list(Counter(row.split()).items()) == list(quotes.lemma_counts(text).items())
        assert [Counter(line.split()) for line in row.split("\n")] == quotes.profile(text).counts
    assert _rows(db_path, "SELECT count(*) FROM segment_terms") == [(len(found),)]


def test_import_counts_every_turn_of_every_kind_of_file(cli, tmp_path, db_path):
    _import_study(cli, tmp_path)
    # the Zoom export's two cues of one speaker are one turn
    assert _rows(db_path, "SELECT count(*) FROM segments") == [(5 + 2 + 2,)]
    _assert_rows_fit_the_text(db_path)


def test_the_first_summary_after_import_counts_nothing_and_loads_no_lemma_tables(cli, tmp_path, db_path):
    _import_study(cli, tmp_path)
    _code_everything(db_path)
    before = _rows(db_path, "SELECT segment_id, basis, terms FROM segment_terms ORDER BY segment_id")
    quotes._lemmatizer.cache_clear()  # as in a new process: `export summary` after `import`
    quotes._FORM_LEMMA.clear()
    db = open_project(db_path)
    try:
        themes, kept = summary_and_terms(db, SummaryOptions(per_theme=2, min_words=5))
    finally:
        db.close()
    assert any(t.quotes for t in themes)
    assert kept.fresh == {}  # every quoted turn's counts were read, none counted
    assert quotes._lemmatizer.cache_info().currsize == 0
    # and the summary is the one a project without kept rows gives
    db = open_project(db_path)
    try:
        with transaction(db):
            db.execute("DELETE FROM segment_terms")
        counted, _ = summary_and_terms(db, SummaryOptions(per_theme=2, min_words=5))
    finally:
        db.close()
    assert [t.to_json() for t in counted] == [t.to_json() for t in themes]
    assert before


def test_a_replaced_transcript_gets_fresh_rows_and_keeps_none_of_the_old(cli, tmp_path, db_path):
    _import_study(cli, tmp_path)
    old = dict(_rows(db_path, "SELECT s.id, s.text FROM segments s JOIN transcripts t ON t.id = s.transcript_id "
                              "WHERE t.name = 'fg-po-sessie1.txt'"))
    # The transcriber corrects one turn and drops another.
    corrected = (FOCUSGROEP.replace("kopiëren en het klaarzetten van materialen", "surveilleren bij toetsen")
                 .replace("OOP'er 2 (po): Een opleiding naast mijn werk is lastig, omdat ik dan minder uren kan maken.\n", ""))
    path = _write(tmp_path, "fg-po-sessie1.txt", corrected)
    r = cli("import", path, "--source", "focusgroep", "--replace", "--allow-pii")
    assert r.exit_code == 0 and "replaced" in r.stdout, r.output
    assert _rows(db_path, "SELECT count(*) FROM segment_terms WHERE segment_id IN (SELECT value FROM json_each(?))",
                 [str(list(old))]) == [(0,)]
    _assert_rows_fit_the_text(db_path)
    kept = " ".join(r[0] for r in _rows(db_path, "SELECT terms FROM segment_terms"))
    assert "surveilleren" in kept.split() or "surveilleer" in kept.split()
    assert not {"kopiëren", "opleiding", "materiaal", "materialen"} & set(kept.split())


def test_an_anonymised_transcript_replaced_in_the_project_leaves_no_count_of_the_name(cli, tmp_path, db_path):
    # The researcher imported too early (--allow-pii), then pseudonymises the file with
    # `anonymise` and replaces the transcript with the copy: no lemma of the name may stay.
    _import_study(cli, tmp_path)
    assert "bakker" in " ".join(r[0] for r in _rows(db_path, "SELECT terms FROM segment_terms")).split()
    names = tmp_path / "namen.txt"
    names.write_text("Bakker\n", encoding="utf-8")
    out = tmp_path / "gepseudonimiseerd"
    r = cli("anonymise", tmp_path / "fg-po-sessie1.txt", "--out", out, "--names", names,
            "--key", tmp_path / "sleutel.csv")
    assert r.exit_code == 0, r.output
    copy = out / "fg-po-sessie1.txt"
    assert "Bakker" not in copy.read_text(encoding="utf-8")
    r = cli("import", copy, "--source", "focusgroep", "--replace", "--participants",
            tmp_path / "fg-po-sessie1.participants.csv")
    assert r.exit_code == 0 and "replaced" in r.stdout, r.output
    assert "bakker" not in " ".join(r[0] for r in _rows(db_path, "SELECT terms FROM segment_terms")).split()
    _assert_rows_fit_the_text(db_path)


def test_a_folder_import_that_fails_keeps_no_counts(cli, tmp_path, db_path):
    # One good transcript and one with a speaker its participants file does not list: the
    # whole import is undone, the counts of the good file with it.
    folder = tmp_path / "sessies"
    folder.mkdir()
    _write(folder, "fg-po-sessie1.txt", FOCUSGROEP, FOCUSGROEP_PEOPLE)
    _write(folder, "fg-po-sessie2.txt", FOCUSGROEP.replace("OOP'er 2 (po)", "OOP'er 3 (po)"), FOCUSGROEP_PEOPLE)
    book = tmp_path / "codeboek.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    assert cli("codebook", "load", book).exit_code == 0  # the project exists
    before = db_snapshot(db_path)
    r = cli("import", folder, "--source", "focusgroep", "--allow-pii")
    assert r.exit_code == 1 and "OOP'er 3 (po)" in r.stderr
    assert db_snapshot(db_path) == before
    assert _rows(db_path, "SELECT count(*) FROM segment_terms") == [(0,)]


def test_fill_missing_counts_the_turns_of_an_older_project(cli, tmp_path, db_path):
    # A project made before import counted (or counted on another lemmatiser): no rows, or
    # rows of another basis. fill_missing counts exactly those turns.
    _import_study(cli, tmp_path)
    db = open_project(db_path)
    try:
        with transaction(db):
            db.execute("DELETE FROM segment_terms WHERE segment_id % 2 = 0")
            db.execute("UPDATE segment_terms SET basis = 'oud', terms = 'onzin'")
            db.execute("INSERT OR REPLACE INTO segment_terms (segment_id, basis, terms) SELECT min(id), ?, ? FROM segments",
                       [terms.basis(), terms.row_of(db.execute("SELECT text FROM segments ORDER BY id").fetchone()[0])])
        with transaction(db):
            filled = terms.fill_missing(db)
        with transaction(db):
            assert terms.fill_missing(db) == 0
    finally:
        db.close()
    total = _rows(db_path, "SELECT count(*) FROM segments")[0][0]
    assert filled == total - 1
    _assert_rows_fit_the_text(db_path)
