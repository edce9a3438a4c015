"""A small focus-group study written for the methods tests.

Three sessions as the meeting software exports them, each with the
participants file a researcher writes beside it:

- a Microsoft Teams transcript (.vtt with cue ids and <v Speaker> voice tags),
  dated 2024-03-12 in its name, in which one OOP'er talks about invallen in
  turn after turn (the talkative participant of a focus group);
- a Zoom transcript (.vtt, numbered cues, "Speaker: text"), dated 2024-02-20,
  so import order and session order differ;
- a plain-text transcript typed from notes ("Label: text"), dated 2024-04-02,
  without times.

Two coders, anna and bram, code by reading: anna every participant turn, bram
the first two sessions; they disagree on a few turns. Nothing here is from the
sample corpus in transcripts/.
"""

from __future__ import annotations

from pathlib import Path

from focuscode.codebook import parse_codebook
from focuscode.codes import code_id, load_codebook_into
from focuscode.coding import set_decision
from focuscode.db import now, open_project, transaction
from focuscode.importers.store import ImportOptions, import_file

from fctest import segment_id  # tests/ is on pytest's pythonpath; the kits share it

CODEBOOK = """
name: OOP-inzet methodetest
version: "2.1"
codes:
  - name: visie
    description: Visie van school of bestuur op de inzet van OOP
    children:
      - name: meerwaarde in de klas
        description: Wat de OOP'er in de klas oplevert
  - name: ad-hoctaken
    description: Taken buiten het takenpakket
    children:
      - name: invallen
        description: Invallen voor een afwezige leraar
      - name: klusjes
        description: Kopiëren, klaarzetten en ander klein werk
  - name: doorgroei
    description: Ambities en loopbaanperspectief
    children:
      - name: scholing
        description: Opleiding en scholingsbudget
"""

TEAMS = "2024-03-12 focusgroep po (Teams).vtt"
ZOOM = "2024-02-20 focusgroep vo (Zoom).vtt"
NOTES = "2024-04-02 focusgroep gemengd.txt"

TEAMS_VTT = """WEBVTT

8a1d2c3e-5f6a-4b7c-8d9e-0f1a2b3c4d5e/10-0
00:00:02.000 --> 00:00:06.500
<v Gespreksleider>Welkom. Wat doen jullie op een gewone dag op school?</v>

8a1d2c3e-5f6a-4b7c-8d9e-0f1a2b3c4d5e/15-0
00:00:07.000 --> 00:00:15.400
<v OOP'er 1 (po)>Eerlijk gezegd val ik vooral in. Als een leerkracht ziek is, sta ik de hele dag voor groep zes.</v>

8a1d2c3e-5f6a-4b7c-8d9e-0f1a2b3c4d5e/22-0
00:00:16.000 --> 00:00:24.200
<v OOP'er 2 (po)>Bij ons is dat anders, ik zit echt in de klas naast de leerkracht en help kinderen met lezen.</v>

8a1d2c3e-5f6a-4b7c-8d9e-0f1a2b3c4d5e/30-0
00:00:25.000 --> 00:00:33.800
<v OOP'er 1 (po)>Vorige week heb ik drie dagen ingevallen, want er was gewoon niemand anders te vinden.</v>

8a1d2c3e-5f6a-4b7c-8d9e-0f1a2b3c4d5e/38-0
00:00:34.500 --> 00:00:40.100
<v Gespreksleider>En hoe vaak gebeurt dat invallen?</v>

8a1d2c3e-5f6a-4b7c-8d9e-0f1a2b3c4d5e/44-0
00:00:41.000 --> 00:00:49.900
<v OOP'er 1 (po)>Elke week wel. Ik neem de lessen over en de groep kent mij inmiddels beter dan de invaller.</v>

8a1d2c3e-5f6a-4b7c-8d9e-0f1a2b3c4d5e/52-0
00:00:50.500 --> 00:00:58.000
<v OOP'er 1 (po)>En dan krijg ik er geen toelage voor, terwijl ik eigenlijk het werk van een leerkracht doe.</v>

8a1d2c3e-5f6a-4b7c-8d9e-0f1a2b3c4d5e/60-0
00:00:58.500 --> 00:01:07.250
<v Leraar (po)>Ik ben blij met haar, zonder haar zou ik die groep met dertig kinderen niet kunnen draaien.</v>

8a1d2c3e-5f6a-4b7c-8d9e-0f1a2b3c4d5e/66-0
00:01:08.000 --> 00:21:40.000
<v OOP'er 1 (po)>Het invallen is eigenlijk mijn vaste taak geworden, dat zou ook in mijn taakomschrijving moeten staan.</v>
"""
TEAMS_PARTICIPANTS = """label,role,sector,school_type
Gespreksleider,gespreksleider,,
OOP'er 1 (po),OOP'er,po,basisschool
OOP'er 2 (po),OOP'er,po,basisschool
Leraar (po),leraar,po,basisschool
"""

ZOOM_VTT = """WEBVTT

1
00:00:01.000 --> 00:00:05.000
Gespreksleider: Wie bepaalt bij jullie wat je op een dag doet?

2
00:00:05.500 --> 00:00:13.000
OOP'er 3 (vo): Ik kopieer veel en zet de practica klaar, dat zijn echt de klusjes die blijven liggen.

3
00:00:13.500 --> 00:00:21.000
OOP'er 4 (vo): Ik zou graag de opleiding tot docent doen, maar er is geen scholingsbudget voor ons.

4
00:00:21.500 --> 00:00:30.000
Docent (vo): Voor de leerlingen is de onderwijsassistent van grote waarde in de klas, dat zien we elke les.

5
00:00:30.500 --> 00:45:30.000
OOP'er 3 (vo): Soms val ik in bij een uitgevallen les, maar meestal is het kopiëren en klaarzetten.
"""
ZOOM_PARTICIPANTS = """label,role,sector,school_type
Gespreksleider,gespreksleider,,
OOP'er 3 (vo),OOP'er,vo,vmbo
OOP'er 4 (vo),OOP'er,vo,havo/vwo
Docent (vo),docent,vo,vmbo
"""

NOTES_TXT = """Gespreksleider: Wat zou er moeten veranderen aan jullie loopbaan?
Schoolleider: Wij willen dat onderwijsassistenten kunnen doorgroeien, met een opleiding op kosten van de school.
OOP'er 5: Ik wil vooral scholing die past bij wat ik in de klas doe, niet alleen een cursus op de studiedag.
OOP'er 6: Ik val zo vaak in dat ik net zo goed de pabo kan gaan doen.
"""
NOTES_PARTICIPANTS = """label,role,sector,school_type
Gespreksleider,gespreksleider,,
Schoolleider,schoolleider,vo,vmbo
OOP'er 5,OOP'er,po,basisschool
OOP'er 6,OOP'er,,
"""

# (session, turn) -> codes, as each coder read the turn. bram did not read the notes.
# Teams turns (consecutive cues of one speaker merge): 1 and 5 the facilitator, 2 4 6 8 OOP'er 1.
ANNA = {
    (TEAMS, 2): ["invallen"], (TEAMS, 3): ["meerwaarde in de klas"], (TEAMS, 4): ["invallen"],
    (TEAMS, 6): ["invallen"], (TEAMS, 7): ["meerwaarde in de klas"], (TEAMS, 8): ["invallen"],
    (ZOOM, 2): ["klusjes"], (ZOOM, 3): ["scholing"], (ZOOM, 4): ["meerwaarde in de klas"], (ZOOM, 5): ["klusjes", "invallen"],
    (NOTES, 2): ["doorgroei", "scholing"], (NOTES, 3): ["scholing"], (NOTES, 4): ["invallen", "doorgroei"],
}
BRAM = {
    (TEAMS, 2): ["invallen"], (TEAMS, 3): ["meerwaarde in de klas"], (TEAMS, 4): ["invallen"],
    (TEAMS, 6): ["ad-hoctaken"], (TEAMS, 7): ["meerwaarde in de klas"], (TEAMS, 8): [],
    (ZOOM, 2): ["klusjes"], (ZOOM, 3): ["scholing"], (ZOOM, 4): ["visie"], (ZOOM, 5): ["klusjes"],
}
PEOPLE = ["anna", "bram"]
SESSION_FILES = {TEAMS: (TEAMS_VTT, TEAMS_PARTICIPANTS), ZOOM: (ZOOM_VTT, ZOOM_PARTICIPANTS), NOTES: (NOTES_TXT, NOTES_PARTICIPANTS)}
IMPORT_ORDER = (TEAMS, ZOOM, NOTES)


def write_sessions(folder: Path) -> list[Path]:
    paths = []
    for name in IMPORT_ORDER:
        text, participants = SESSION_FILES[name]
        path = folder / name
        path.write_text(text, encoding="utf-8")
        path.with_name(Path(name).stem + ".participants.csv").write_text(participants, encoding="utf-8")
        paths.append(path)
    return paths


def build_study(path: Path, *, codebook: str = CODEBOOK, before_coding=None, leave_out=frozenset(),
                keep_open: bool = False):
    """The study's project; another codebook, a step before the coders decide (storing
    suggestions), and (coder, (session, turn), code) decisions left out are for the
    passage tests. keep_open returns the open project instead of the path."""
    folder = path.parent / "sessies"
    folder.mkdir(exist_ok=True)
    db = open_project(path, create=True)
    load_codebook_into(db, parse_codebook(codebook, "oop-methodetest.yaml"))
    for session in write_sessions(folder):
        # The privacy gate has its own tests; these sessions hold labels only.
        import_file(db, session, ImportOptions(source="focusgroep", allow_pii=True))
    if before_coding:
        before_coding(db)
    with transaction(db):
        for coder, coding in (("anna", ANNA), ("bram", BRAM)):
            for (session, turn), codes in coding.items():
                sid = segment_id(db, session, turn)
                # As review does: a turn read without a code still counts as looked at.
                db.execute("INSERT OR IGNORE INTO seen (segment_id, coder, at) VALUES (?, ?, ?)", [sid, coder, now()])
                for code in codes:
                    if (coder, (session, turn), code) not in leave_out:
                        set_decision(db, sid, code_id(db, code), coder, "accepted")
    if keep_open:
        return db
    db.close()
    return path


def fails_cleanly(cli, db: Path, args: list, code: int, expected: str) -> None:
    """The command fails with one line on stderr naming the problem, no traceback, and changes nothing."""
    from fctest import db_snapshot

    before = db_snapshot(db)
    result = cli(*args, db=db)
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "Traceback" not in result.output
    assert db_snapshot(db) == before
