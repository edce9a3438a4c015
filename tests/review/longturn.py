"""A project with one long focus-group turn, for the review-by-sentence tests (#13).

The transcript is written in the layout of a Microsoft Teams meeting transcript downloaded
as Word and saved as text: a title line, then each speaker's label and time on a line of
its own above what was said. One participant's answer runs to twelve sentences and touches
three codes, as focus-group turns do. Suggestions come from the real rule matcher, so they
carry the sentences their evidence lies in as `suggest` stores them.
"""

from __future__ import annotations

from pathlib import Path

from focuscode.review import ReviewFilter

TEAMS_TXT = """\
Focusgroep OOP vo, sessie 2
Gespreksleider  00:12:04
Wat gebeurt er bij jullie als een leraar ziek is?

OOP'er 2 (vo)  00:12:31
Nou, dat is bij ons eigenlijk elke week wel raak. Als er een docent ziek is, kijken ze eerst \
of er een invaller is, en die is er bijna nooit. Dan word ik gevraagd om de klas op te vangen, \
want ik ken de leerlingen toch. Formeel mag ik geen les geven, dus ik zet een opdracht klaar die \
de docent heeft gemaild, als die dat al gedaan heeft. Ik vind het niet erg om bij te springen \
hoor, vorige maand heb ik drie keer moeten invallen. Maar dat was uitzonderlijk. Maar het gebeurt \
zo vaak dat mijn eigen werk, de practica voorbereiden en de begeleiding van de leerlingen met een \
ondersteuningsbehoefte, blijft liggen. En daar krijg ik geen toelage voor, terwijl een collega op \
een andere school wel een hogere schaal heeft voor hetzelfde werk. Eerlijk gezegd denk ik er wel \
eens over om de pabo of een lerarenopleiding te gaan doen. Dan sta ik tenminste officieel voor de \
klas en word ik ook zo betaald. Alleen is dat naast een baan van dertig uur niet te doen zonder \
steun van de school. Daar is bij ons geen budget voor, zeggen ze dan.

OOP'er 3 (vo)  00:14:02
Herkenbaar.

Gespreksleider  00:14:05
Herkennen de anderen dat ook?
"""
PARTICIPANTS = """\
label,role,sector,school_type
Gespreksleider,gespreksleider,,
OOP'er 2 (vo),OOP'er,vo,havo/vwo
OOP'er 3 (vo),OOP'er,vo,vmbo
"""
REVIEW_ALL = ReviewFilter(mode="all", all_suggestions=True)  # the sample scores stay below the threshold


def build_long_turn_project(folder: Path, db_path: Path):
    from team.teamkit import CODEBOOK

    from focuscode.codebook import parse_codebook
    from focuscode.codes import load_codebook_into
    from focuscode.db import open_project
    from focuscode.importers.store import ImportOptions, import_file
    from focuscode.suggest import run_suggest

    transcript = folder / "fg-vo-sessie2.txt"
    transcript.write_text(TEAMS_TXT, encoding="utf-8")
    (folder / "fg-vo-sessie2.participants.csv").write_text(PARTICIPANTS, encoding="utf-8")
    db = open_project(db_path, create=True)
    load_codebook_into(db, parse_codebook(CODEBOOK, "oop-test.yaml"))
    import_file(db, transcript, ImportOptions(source="focusgroep", allow_pii=True))  # the gate has its own tests
    db.conn.commit()
    run_suggest(db)
    db.conn.commit()
    return db
