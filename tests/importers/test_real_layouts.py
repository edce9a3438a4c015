"""Transcripts shaped like what meeting software, transcription services and typists really write.

Each test names the real format it imitates. The text files are in realfiles/ (written for
these tests, not copied from the sample corpus); Word files are built here with python-docx
the way Teams and a typist lay them out.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from importkit import db_snapshot, one_line_error, segments

REAL = Path(__file__).resolve().parent / "realfiles"


def _import(cli, path, *args, source="focusgroep"):
    r = cli("import", path, "--source", source, "--allow-unknown", *args)
    assert r.exit_code == 0, r.output
    return r


def _real(name: str, dest: Path) -> Path:
    return Path(shutil.copy(REAL / name, dest / name))


@pytest.fixture
def project(cli, tmp_path, db_path):
    """A project holding one transcript, so 'unchanged' means something."""
    (tmp_path / "eerder").mkdir()
    assert cli("import", _real("rev-naam-tijd-dubbelepunt.txt", tmp_path / "eerder"), "--source", "focusgroep",
               "--allow-unknown").exit_code == 0
    return db_path


def _turns(cli):
    return [(s["speaker"], s["start_ms"], s["text"]) for s in segments(cli)]


# -- Word files as Teams and typists make them ---------------------------------------------


def _teams_docx(path: Path, turns, *, stop_line="Gespreksleider heeft de transcriptie gestopt") -> Path:
    """Microsoft Teams' 'Download as .docx': title, date, duration, then per turn a
    'Naam   0:03' paragraph (name and time in separate runs) with the words below it."""
    import docx

    document = docx.Document()
    document.add_paragraph("Focusgroep OOP vo-20240312_140312-Opname van vergadering")
    document.add_paragraph("12 maart 2024, 02:03PM")
    document.add_paragraph("46m 12s")
    document.add_paragraph("")
    for speaker, time, text in turns:
        label = document.add_paragraph()
        label.add_run(speaker)
        label.add_run("   ")
        label.add_run(time)
        document.add_paragraph(text)
    if stop_line:
        document.add_paragraph(stop_line)
    document.save(path)
    return path


TEAMS_TURNS = [
    ("Gespreksleider", "0:03", "Welkom allemaal. We hebben een uur, en ik wil het hebben over jullie taken."),
    ("OOP'er 1 (vo)", "0:15", "Ik ben technisch onderwijsassistent bij de afdeling techniek. Ik bereid de practica voor."),
    ("OOP'er 2 (vo)", "0:41", "Bij mij is het vooral de mediatheek, en invallen: dat laatste steeds vaker."),
    ("Gespreksleider", "1:02", "Wie bepaalt wat jullie op een dag doen?"),
    ("OOP'er 1 (vo)", "1:02:31", "De teamleider, maar in de praktijk de docent die op dat moment iets nodig heeft."),
]


def test_teams_docx_transcript_imports_with_the_right_speakers_and_times(cli, tmp_path, db_path):
    # Teams' Word export: every label used to be read as "Gespreksleider 0" and the import refused.
    path = _teams_docx(tmp_path / "Focusgroep OOP vo.docx", TEAMS_TURNS)
    people = tmp_path / "Focusgroep OOP vo.participants.csv"
    people.write_text("label,role,sector\nGespreksleider,gespreksleider,\nOOP'er 1 (vo),OOP'er,vo\nOOP'er 2 (vo),OOP'er,vo\n",
                      encoding="utf-8")
    r = cli("import", path, "--source", "focusgroep")
    assert r.exit_code == 0, r.output
    assert "imported, 5 turns (docx)" in r.stdout
    assert _turns(cli) == [(s, ms, t) for (s, _, t), ms in zip(TEAMS_TURNS, [3_000, 15_000, 41_000, 62_000, 3_751_000])]
    segs = segments(cli)
    assert segs[1]["role"] == "OOP'er" and segs[1]["sector"] == "vo" and segs[0]["facilitator"] is True
    # Title, date, duration and the stop line are left out, and the notice names them.
    assert "left out: lines 1 (title), 2 (date), 3 (duration), 15 (transcription started/stopped)" in r.stderr
    assert not any("transcriptie" in s["text"] or "2024" in s["text"] for s in segs)


def test_teams_docx_in_english_with_started_and_stopped_lines(cli, tmp_path):
    # The same export from an English-language Teams: "... started transcription" near the top.
    import docx

    path = tmp_path / "teams-en.docx"
    _teams_docx(path, TEAMS_TURNS[:3], stop_line="Gespreksleider stopped transcription")
    document = docx.Document(str(path))
    document.paragraphs[3].insert_paragraph_before("Gespreksleider started transcription")
    document.save(path)
    _import(cli, path)
    assert [s for s, _, _ in _turns(cli)] == ["Gespreksleider", "OOP'er 1 (vo)", "OOP'er 2 (vo)"]
    assert _turns(cli)[-1][2].endswith("dat laatste steeds vaker.")


def test_typed_word_file_with_participants_and_agenda_tables_among_paragraph_turns(cli, tmp_path):
    # A typist's verslag: heading, date, a table of participants and an agenda table, then the
    # turns as paragraphs. The participants table used to be read as the whole transcript.
    import docx

    document = docx.Document()
    document.add_heading("Verslag focusgroep OOP po", level=1)
    document.add_paragraph("Datum: 14 maart 2024")
    people = document.add_table(rows=0, cols=3)
    for row in [("Deelnemer", "Rol", "Sector"), ("OOP'er 1 (po)", "onderwijsassistent", "po"),
                ("OOP'er 2 (po)", "klassenassistent", "po"), ("Gespreksleider", "onderzoeker", "")]:
        for cell, value in zip(people.add_row().cells, row):
            cell.text = value
    agenda = document.add_table(rows=0, cols=2)
    for row in [("Tijd", "Onderwerp"), ("14:00", "Welkom en kennismaking"), ("14:15", "Taken in de klas"),
                ("14:45", "Scholing en loopbaan")]:
        for cell, value in zip(agenda.add_row().cells, row):
            cell.text = value
    turns = [
        ("Gespreksleider", "Welkom. Laten we beginnen met jullie taken in de klas."),
        ("OOP'er 1 (po)", "Ik werk met groepjes kinderen die extra hulp nodig hebben bij rekenen."),
        ("OOP'er 2 (po)", "Ik doe vooral de kleuters, en als er een leerkracht ziek is, neem ik de groep over."),
        ("Gespreksleider", "En scholing?"),
        ("OOP'er 1 (po)", "Daar is bij ons geen budget voor, dat gaat naar de leerkrachten."),
    ]
    for speaker, text in turns:
        document.add_paragraph(f"{speaker}: {text}")
    path = tmp_path / "verslag-fg-po.docx"
    document.save(path)
    r = _import(cli, path)
    assert "imported, 5 turns (docx)" in r.stdout
    assert [(s, t) for s, _, t in _turns(cli)] == turns
    # Both tables are left out, and said so with the line (paragraph/row) where each starts.
    assert "3 (table of 4 rows, not turns), 7 (table of 4 rows, not turns)" in r.stderr
    assert "1 (heading), 2 (header field)" in r.stderr


def test_word_turn_table_between_paragraph_turns_keeps_document_order(cli, tmp_path):
    # A typist who pasted part of the session as a Spreker | Tekst table between paragraph turns.
    import docx

    document = docx.Document()
    document.add_paragraph("Gespreksleider: Wat verstaan jullie onder ad-hoctaken?")
    table = document.add_table(rows=0, cols=2)
    for row in [("Spreker", "Tekst"), ("OOP'er 3 (vo)", "Alles wat blijft liggen: kopiëren, surveilleren, de aula opruimen."),
                ("", "En invallen natuurlijk, dat is het grootste punt.")]:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = value
    document.add_paragraph("Docent 2 (vo): Ik merk dat wij dat soms te makkelijk over de schutting gooien.")
    path = tmp_path / "gemengd.docx"
    document.save(path)
    _import(cli, path)
    assert [(s, t) for s, _, t in _turns(cli)] == [
        ("Gespreksleider", "Wat verstaan jullie onder ad-hoctaken?"),
        ("OOP'er 3 (vo)", "Alles wat blijft liggen: kopiëren, surveilleren, de aula opruimen.\n"
                          "En invallen natuurlijk, dat is het grootste punt."),
        ("Docent 2 (vo)", "Ik merk dat wij dat soms te makkelijk over de schutting gooien."),
    ]


def test_word_bold_labels_without_colon(cli, tmp_path):
    # Typists often set the speaker in bold, without a colon: on the line above, or run-in.
    import docx

    document = docx.Document()
    document.add_paragraph().add_run("Gespreksleider").bold = True
    document.add_paragraph("Wat hebben jullie nodig om door te groeien?")
    run_in = document.add_paragraph()
    run_in.add_run("OOP'er 2 (po)").bold = True
    run_in.add_run(" Een opleiding die de school betaalt, en tijd om die te volgen.")
    document.add_paragraph("Nu doe ik alles in mijn eigen tijd.")
    timed = document.add_paragraph()
    timed.add_run("Leraar 1 (po) 00:03:10").bold = True
    document.add_paragraph("Daar sluit ik me bij aan.")
    path = tmp_path / "vet.docx"
    document.save(path)
    _import(cli, path)
    assert _turns(cli) == [
        ("Gespreksleider", None, "Wat hebben jullie nodig om door te groeien?"),
        ("OOP'er 2 (po)", None, "Een opleiding die de school betaalt, en tijd om die te volgen.\nNu doe ik alles in mijn eigen tijd."),
        ("Leraar 1 (po)", 190_000, "Daar sluit ik me bij aan."),
    ]


# -- Plain text and Markdown from transcription services --------------------------------------


def test_transcription_service_name_and_time_lines(cli, tmp_path):
    # Otter-style plain text: "Naam  00:21" above the words; the colon in the time is no separator,
    # a header block (title, Datum, Duur, Deelnemers) is left out, "Eerlijk gezegd: ja" stays text.
    path = _real("otter-spreker-tijd.txt", tmp_path)
    r = _import(cli, path)
    turns = _turns(cli)
    assert [(s, ms) for s, ms, _ in turns] == [
        ("Gespreksleider", 21_000), ("OOP'er 1 (vo)", 48_000), ("OOP'er 2 (vo)", 97_000), ("Gespreksleider", 135_000),
        ("OOP'er 1 (vo)", 3_751_000)]
    assert turns[2][2] == ("Bij mij is het anders. Ik zit op de mediatheek en ik doe de roosterwijzigingen. "
                           "Eerlijk gezegd: ja, soms ook surveilleren bij toetsen, als er niemand anders is.").replace(
        "Bij mij is het anders", "Bij mij is dat anders")
    assert "lines 1 (title), 2 (header field), 3 (header field), 4 (header field)" in r.stderr


def test_time_then_name_then_colon(cli, tmp_path):
    # Sonix/Descript-style export: "[00:00:05] Naam: tekst"; used to be "a turn without a speaker".
    path = _real("sonix-tijd-naam-dubbelepunt.txt", tmp_path)
    _import(cli, path, source="interview")
    turns = _turns(cli)
    assert [(s, ms) for s, ms, _ in turns] == [
        ("Interviewer", 5_000), ("R2", 11_000), ("Interviewer", 24_000), ("R2", 29_000), ("Interviewer", 62_000), ("R2", 66_000)]
    # A time inside the text and a wrapped line stay in the turn.
    assert turns[3][2] == ("Het werken met kleine groepjes. Om 10:15 haal ik de kinderen uit groep 4 voor het leesonderwijs, "
                           "en dan zie je ze echt vooruitgaan.")
    assert turns[-1][2] == "Scholing. Ik moet alles zelf uitzoeken: welke cursus, wie betaalt, wanneer ik mag."


def test_label_lines_with_the_time_before_after_or_in_brackets(cli, tmp_path):
    # "00:00:04 Naam", "[00:00:37] Naam", "Naam (00:01:20)" above the words, under a title and a date.
    path = _real("tijd-boven-naam.txt", tmp_path)
    r = _import(cli, path, source="dialoogtafel")
    assert _turns(cli) == [
        ("Gespreksleider", 4_000, "Welkom bij deze dialoogtafel over loopbaanperspectief."),
        ("Schoolleider 1 (po)", 37_000, "Ik ben hier omdat ik merk dat goede assistenten weggaan, omdat er geen volgende stap is."),
        ("Leraar 2 (po)", 80_000, "Herkenbaar. Mijn onderwijsassistent wil de pabo doen, maar dan moet ze eerst minder uren werken."),
        ("Gespreksleider", 125_000, "Wat zou daarbij helpen?"),
    ]
    assert "lines 1 (title), 2 (date)" in r.stderr


def test_rev_style_label_with_time_and_colon_above_the_words(cli, tmp_path):
    # Rev-style: a title, then "Naam (00:00:02):" on its own line with the words below it.
    path = _real("rev-naam-tijd-dubbelepunt.txt", tmp_path)
    r = _import(cli, path)
    assert "left out: line 1 (title)" in r.stderr
    assert [(s, ms) for s, ms, _ in _turns(cli)] == [("Gespreksleider", 2_000), ("OOP'er 3 (po)", 15_000), ("OOP'er 4 (po)", 41_000)]


def test_markdown_bold_labels_without_colon(cli, tmp_path):
    # Notes typed in Markdown: **Naam** above the words or run-in, a time inside the bold label.
    path = _real("markdown-vet-zonder-dubbelepunt.md", tmp_path)
    _import(cli, path)
    assert _turns(cli) == [
        ("Gespreksleider", None, "Laten we beginnen bij de inzet. Wie bepaalt wat de onderwijsassistent doet?"),
        ("Teamleider (vo)", None, "Dat doe ik, samen met de sectievoorzitter. Maar eerlijk is eerlijk, veel gaat op het moment zelf."),
        ("Docent 1 (vo)", None, "Ik vraag soms te makkelijk of iemand wil invallen. Dat besef ik nu pas."),
        ("Gespreksleider", 252_000, "Wat zou er moeten veranderen?"),
    ]


def test_preamble_lines_are_not_speakers(cli, tmp_path):
    # A typed transcript with a preamble: "Datum:" and "Aanwezig:" used to become speakers.
    path = tmp_path / "fg-po-preambule.txt"
    path.write_text(
        "Focusgroep OOP po\nDatum: 7 februari 2024\nLocatie: online\nAanwezig: gespreksleider, drie OOP'ers\n\n"
        "Gespreksleider: Wat doen jullie als de leerkracht ziek is?\n"
        "OOP'er 1 (po): Dan sta ik voor de groep. Dat is eigenlijk niet de bedoeling.\n",
        encoding="utf-8",
    )
    r = _import(cli, path)
    assert [s for s, _, _ in _turns(cli)] == ["Gespreksleider", "OOP'er 1 (po)"]
    assert "lines 1 (title), 2 (header field), 3 (header field), 4 (header field)" in r.stderr


# -- Probes: ways the recognition could be fooled ------------------------------------------------


def test_probe_a_turn_that_mentions_the_recording_is_kept(cli, tmp_path):
    path = tmp_path / "opname.txt"
    path.write_text("Interviewer: Ik heb de opname gestopt.\nR1: Dan kan ik eerlijk zijn.\n"
                    "Interviewer heeft de opname gestopt\n", encoding="utf-8")
    r = _import(cli, path, source="interview")
    assert [t for _, _, t in _turns(cli)] == ["Ik heb de opname gestopt.", "Dan kan ik eerlijk zijn."]
    assert "line 3 (transcription started/stopped)" in r.stderr


def test_probe_prose_before_the_first_turn_is_still_refused_with_the_layouts_tried(cli, tmp_path, project):
    path = tmp_path / "zonder-label.txt"
    path.write_text("Ik werk al twaalf jaar op deze school, en ik doe eigenlijk alles.\nGespreksleider: Dank je.\n",
                    encoding="utf-8")
    before = db_snapshot(project)
    line = one_line_error(cli("import", path, "--source", "focusgroep", "--allow-unknown"),
                          "zonder-label.txt:1", "a turn without a speaker", "layouts tried", "'[00:01:23] Naam: tekst'",
                          "--speaker-pattern")
    assert "'Naam 0:03'" in line
    assert db_snapshot(project) == before


def test_probe_nothing_fits_names_the_layouts_tried(cli, tmp_path):
    path = tmp_path / "alleen-titel.txt"
    path.write_text("Focusgroep OOP vo\n12 maart 2024\n", encoding="utf-8")
    one_line_error(cli("import", path, "--source", "focusgroep", "--allow-unknown"),
                   "alleen-titel.txt", "no speaker turns found", "layouts tried")


def test_probe_a_title_directly_above_the_first_turn_is_no_speaker(cli, tmp_path):
    path = tmp_path / "titel.txt"
    path.write_text("Focusgroep OOP vo\nGespreksleider: Welkom.\nOOP'er 1 (vo): Dank je.\n", encoding="utf-8")
    r = _import(cli, path)
    assert [(s, t) for s, _, t in _turns(cli)] == [("Gespreksleider", "Welkom."), ("OOP'er 1 (vo)", "Dank je.")]
    assert "line 1 (title)" in r.stderr


def test_probe_pseudonymised_teams_labels(cli, tmp_path):
    # A Teams transcript after `focuscode anonymise`: "[PERSOON-1]   0:03".
    path = tmp_path / "teams-gepseudonimiseerd.txt"
    path.write_text("[PERSOON-1]   0:03\nGoedemorgen, zullen we beginnen?\n[PERSOON-2]   0:09\nJa, graag.\n", encoding="utf-8")
    _import(cli, path)
    assert _turns(cli) == [("[PERSOON-1]", 3_000, "Goedemorgen, zullen we beginnen?"), ("[PERSOON-2]", 9_000, "Ja, graag.")]


def test_probe_times_going_back_in_a_label_line_file_are_refused(cli, tmp_path):
    path = tmp_path / "terug.txt"
    path.write_text("Gespreksleider  01:10\nWelkom.\nOOP'er 1 (po)  00:30\nDank je.\n", encoding="utf-8")
    one_line_error(cli("import", path, "--source", "focusgroep", "--allow-unknown"), "terug.txt:3", "timestamps out of order")


# -- import --dry-run ---------------------------------------------------------------------------


def test_dry_run_shows_how_each_file_is_read_and_stores_nothing(cli, tmp_path, db_path):
    folder = tmp_path / "sessies"
    folder.mkdir()
    _teams_docx(folder / "teams.docx", TEAMS_TURNS)
    _real("sonix-tijd-naam-dubbelepunt.txt", folder)
    r = cli("import", folder, "--dry-run")  # no --source needed to look
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "teams.docx: would import 5 turns (docx, paragraphs)" in out
    assert "layout: label line with a time ('Naam 0:03', 'Naam (00:01:23)') above the text: 5 turns" in out
    assert "speakers: Gespreksleider (2 turns, from line 5), OOP'er 1 (vo) (2 turns, from line 7), OOP'er 2 (vo) (1 turn, from line 9)" in out
    assert "times: 0:00:03 to 1:02:31 (5 of 5 turns timed)" in out
    assert "left out: lines 1 (title), 2 (date), 3 (duration), 15 (transcription started/stopped)" in out
    assert "sonix-tijd-naam-dubbelepunt.txt: would import 6 turns (utf-8, txt)" in out
    assert "layout: '[00:01:23] Naam: tekst': 6 turns" in out
    assert "unknown speakers (no participants file; the import needs --participants or --allow-unknown)" in out
    assert "Dry run: nothing stored (2 files read, 0 failed)." in out
    assert not db_path.exists()

    r = cli("import", folder / "teams.docx", "--dry-run", "--json")
    assert r.exit_code == 0, r.output
    (preview,) = json.loads(r.stdout)
    assert preview["status"] == "dry-run" and preview["turns"] == 5 and preview["layout"] == "paragraphs"
    assert [s["label"] for s in preview["speakers"]] == ["Gespreksleider", "OOP'er 1 (vo)", "OOP'er 2 (vo)"]
    assert (preview["first_ms"], preview["last_ms"], preview["timed_turns"]) == (3_000, 3_751_000, 5)
    assert preview["skipped"][0] == {"line": 1, "kind": "title"}
    assert not db_path.exists()


def test_dry_run_of_a_bad_file_is_one_error_line_and_leaves_the_project_alone(cli, tmp_path, db_path):
    good = _real("rev-naam-tijd-dubbelepunt.txt", tmp_path)
    assert cli("import", good, "--source", "focusgroep", "--allow-unknown").exit_code == 0
    before = db_snapshot(db_path)
    bad = tmp_path / "proza.txt"
    bad.write_text("Dit is gewoon een verhaal zonder sprekers, geschreven als een opstel.\n", encoding="utf-8")
    one_line_error(cli("import", bad, "--dry-run"), "proza.txt:1", "layouts tried")
    assert db_snapshot(db_path) == before


# -- --speaker-pattern mistakes are usage errors ---------------------------------------------------


@pytest.mark.parametrize("pattern, text, needle", [
    # An optional speaker group: a line without a label matches with no speaker.
    (r"^(?:(?P<speaker>[A-Z][\w']+) \| )?(?P<text>.*)$", "R1 | Ik werk hier zes jaar.\nen dat bevalt goed.\n", "empty speaker"),
    # A speaker group that may be empty.
    (r"^(?P<speaker>\w*)> (?P<text>.*)$", "R1> Ik werk hier zes jaar.\n> Ik ook.\n", "empty speaker"),
    # A time group that catches something else than a time.
    (r"^(?P<speaker>\w+) \| (?P<time>\S+) \| (?P<text>.*)$", "R1 | begin | Ik werk hier zes jaar.\n", "'begin'"),
])
def test_speaker_pattern_with_an_empty_speaker_or_a_time_that_is_no_time(cli, tmp_path, project, pattern, text, needle):
    # A typed interview in a house style ("R1 | ..."), read with a custom pattern that is subtly wrong.
    path = tmp_path / "interview.txt"
    path.write_text(text, encoding="utf-8")
    before = db_snapshot(project)
    r = cli("import", path, "--source", "interview", "--allow-unknown", "--speaker-pattern", pattern)
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "--speaker-pattern" in lines[0] and needle in lines[0], r.stderr
    assert "interview.txt:" in lines[0] and "Traceback" not in r.output
    assert db_snapshot(project) == before


def test_one_turn_is_one_turn(cli, tmp_path):
    path = tmp_path / "kort.txt"
    path.write_text("OOP'er 1 (po): Ik heb er verder niets aan toe te voegen.\n", encoding="utf-8")
    r = _import(cli, path)
    assert r.stdout.strip() == f"{path}: imported, 1 turn (utf-8, txt)"


def test_probe_a_wrapped_line_that_looks_like_a_timed_label_stays_text(cli, tmp_path):
    # A typed "Naam: tekst" transcript with hard line wraps: "Om 10:15" alone on a line is text.
    path = tmp_path / "omgebroken.txt"
    path.write_text("Gespreksleider: Wanneer begint jouw dag?\nOOP'er 1 (po): Mijn eerste groepje haal ik\nOm 10:15\n"
                    "uit groep 4, daarna sta ik bij de kleuters.\nGespreksleider: En dat is elke dag zo?\n", encoding="utf-8")
    _import(cli, path)
    assert [(s, t) for s, _, t in _turns(cli)] == [
        ("Gespreksleider", "Wanneer begint jouw dag?"),
        ("OOP'er 1 (po)", "Mijn eerste groepje haal ik Om 10:15 uit groep 4, daarna sta ik bij de kleuters."),
        ("Gespreksleider", "En dat is elke dag zo?"),
    ]


def test_teams_vtt_monologue_of_many_cues_is_one_turn_with_every_cue_in_order(cli, tmp_path):
    # Teams writes a cue every few seconds; a long answer is hundreds of cues of one speaker.
    # They are joined once at the end (joining per cue was quadratic: 100k cues took 48 s).
    cues = ["WEBVTT", ""]
    for n in range(1_500):
        start = 3_000 + n * 4_000
        stamp = lambda ms: f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"  # noqa: E731
        speaker = "Gespreksleider" if n == 0 else "OOP'er 2 (vo)"
        cues += [f"{n}-0", f"{stamp(start)} --> {stamp(start + 3_500)}", f"<v {speaker}>Zin {n} over invallen.</v>", ""]
    path = tmp_path / "teams-monoloog.vtt"
    path.write_text("\n".join(cues), encoding="utf-8")
    _import(cli, path, "--allow-pii")
    segs = segments(cli)
    assert [s["speaker"] for s in segs] == ["Gespreksleider", "OOP'er 2 (vo)"]
    assert segs[1]["text"] == " ".join(f"Zin {n} over invallen." for n in range(1, 1_500))
    assert (segs[1]["start_ms"], segs[1]["end_ms"]) == (7_000, 3_000 + 1_499 * 4_000 + 3_500)


def test_probe_tables_that_are_not_turns_even_without_a_header_or_with_prose(cli, tmp_path):
    # A typist's agenda without a header row (tijd | onderwerp | wie) and a participants table
    # whose last column is prose: neither may replace the paragraph turns.
    import docx

    document = docx.Document()
    agenda = document.add_table(rows=0, cols=3)
    for row in [("14:00", "Welkom en kennismaking", "Gespreksleider"), ("14:15", "Taken in de klas", "Iedereen"),
                ("14:45", "Scholing", "Iedereen")]:
        for cell, value in zip(agenda.add_row().cells, row):
            cell.text = value
    people = document.add_table(rows=0, cols=3)
    for row in [("Label", "Functie", "Toelichting"),
                ("OOP'er 1 (po)", "onderwijsassistent", "Werkt twaalf jaar in de onderbouw, vooral met kleine groepjes."),
                ("OOP'er 2 (po)", "klassenassistent", "Werkt sinds vorig jaar op twee locaties van hetzelfde bestuur.")]:
        for cell, value in zip(people.add_row().cells, row):
            cell.text = value
    document.add_paragraph("Gespreksleider: Wat doen jullie op een gewone dag?")
    document.add_paragraph("OOP'er 1 (po): Ik begin met leesgroepjes en daarna help ik bij rekenen.")
    path = tmp_path / "agenda-en-deelnemers.docx"
    document.save(path)
    r = _import(cli, path)
    assert [s for s, _, _ in _turns(cli)] == ["Gespreksleider", "OOP'er 1 (po)"]
    assert "1 (table of 3 rows, not turns), 4 (table of 3 rows, not turns)" in r.stderr


def test_dry_run_of_a_refi_project_is_a_usage_error_not_an_import(cli, tmp_path, db_path):
    # A .qdpx from NVivo or QualCoder has no dry run; it must not be imported for real instead.
    path = tmp_path / "studie.qdpx"
    path.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty ZIP, as a stand-in that is never opened
    r = cli("import", path, "--dry-run")
    assert r.exit_code == 2 and r.stderr.strip().splitlines() == [
        "Error: --dry-run reads transcripts and surveys; a .qdpx project has no dry run"], r.output
    assert not db_path.exists()


def test_probe_a_title_block_above_bare_labels_is_not_a_turn(cli, tmp_path):
    # A typed transcript: two title lines, then label lines above the words.
    path = tmp_path / "titelblok.txt"
    path.write_text("Transcript\nFocusgroep OOP po, ronde 2\n\nGespreksleider\nWelkom allemaal.\n\n"
                    "OOP'er 1 (po)\nDank je, fijn dat ik er mag zijn.\n", encoding="utf-8")
    r = _import(cli, path)
    assert [(s, t) for s, _, t in _turns(cli)] == [("Gespreksleider", "Welkom allemaal."),
                                                   ("OOP'er 1 (po)", "Dank je, fijn dat ik er mag zijn.")]
    assert "lines 1 (title), 2 (title)" in r.stderr
