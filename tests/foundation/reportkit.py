"""A small study written for the report and CLI tests, not taken from transcripts/.

Two focus groups typed out by a transcription service as plain text in the
"Naam: tekst" layout (the way Amberscript and typists deliver them), each with a
participants CSV as a researcher keeps it beside the transcript (label, role,
sector, school type and a `functie` column), a four-theme codebook, and a coding
CSV of segment,code[,memo] rows as a coder exports them from a spreadsheet.
"""

from __future__ import annotations

from pathlib import Path

CODEBOOK = """\
# Codeboek inzet OOP (testversie)
- name: takenpakket
  description: Wat OOP'ers op een gewone dag doen en wie dat bepaalt.
  keywords: [taak, rooster]
  children:
    - name: surveilleren en opvang
      description: Toezicht bij lesuitval, pauze of in de aula.
      keywords: [surveilleren, opvang]
    - name: kopieerwerk
      description: Kopiëren, klaarzetten en andere hand- en spandiensten.
      keywords: [kopiëren, klaarzetten]
- name: loopbaan
  description: Ambities, scholing en doorgroeimogelijkheden.
  keywords: [opleiding, doorgroei]
  children:
    - name: scholingsbudget
      description: Geld en tijd voor opleiding of cursus.
      keywords: [budget, cursus]
- name: waardering
  description: Erkenning door leraren, leiding en ouders.
  keywords: [waardering, erkenning]
- name: samenwerking met docenten
  description: Afstemming en overleg met leraren en teamleiders.
  keywords: [overleg, afstemmen]
"""

FG_PO = """\
Gespreksleider: Goedemorgen allemaal, fijn dat jullie er zijn. Kunnen jullie vertellen wat jullie op een gewone dag doen?
OOP'er 1 (po): Ik ben onderwijsassistent in groep drie en vier. Mijn rooster is eigenlijk nooit hetzelfde, want als er een leerkracht ziek is vang ik de klas op.
OOP'er 2 (po): Bij ons is het vooral kopiëren en klaarzetten voor de middag. Ik sta ook bij de opvang tussen de middag op het plein.
Leerkracht 1 (po): Ik merk dat ik zonder haar de instructie aan de kleine groepjes niet rond krijg. We hebben elke week een kort overleg over de leerlingen.
Gespreksleider: En hoe zit het met scholing?
OOP'er 1 (po): Ik zou graag de pabo doen, maar het budget voor een cursus gaat altijd eerst naar de leerkrachten.
OOP'er 2 (po): Waardering krijg ik vooral van de kinderen en de ouders, van de directie hoor ik weinig.
"""

FG_PO_PARTICIPANTS = """\
label,role,sector,school_type,functie
Gespreksleider,gespreksleider,,,
OOP'er 1 (po),OOP'er,po,basisschool,onderwijsassistent
OOP'er 2 (po),OOP'er,po,basisschool,conciërge
Leerkracht 1 (po),leerkracht,po,basisschool,leerkracht
"""

FG_VO = """\
Gespreksleider: Welkom bij deze focusgroep. Wie bepaalt eigenlijk wat jullie op een dag doen?
OOP'er 3 (vo): Officieel de teamleider, maar in de praktijk de docent. Bij lesuitval moet ik surveilleren in de aula en dat staat nergens in mijn taakomschrijving.
OOP'er 4 (vo): Ik ben toa bij scheikunde. Ik zet de practica klaar en doe het kopieerwerk voor de sectie, en het overleg met de docenten gaat vaak tussen de lessen door.
Docent 1 (vo): Zonder toa kan ik geen practicum geven. Ik probeer mijn planning af te stemmen, maar het rooster verandert elke week.
Gespreksleider: Hoe kijken jullie naar je loopbaan?
OOP'er 3 (vo): Ik wil de lerarenopleiding doen, maar daar is geen budget voor en ik kan niet minder gaan werken.
OOP'er 4 (vo): Erkenning zou al helpen. Een functie een schaal hoger voor wat ik nu al doe, dat is doorgroei.
"""

FG_VO_PARTICIPANTS = """\
label,role,sector,school_type,functie
Gespreksleider,gespreksleider,,,
OOP'er 3 (vo),OOP'er,vo,vmbo,onderwijsassistent
OOP'er 4 (vo),OOP'er,vo,havo/vwo,toa
Docent 1 (vo),docent,vo,havo/vwo,docent
"""

# transcript:turn,code[,memo] as a coder fills it in a spreadsheet.
CODING_ANNA = """\
segment,code,memo
fg-po-sessie1.txt:2,surveilleren en opvang,Opvang bij ziekte: ad hoc
fg-po-sessie1.txt:2,takenpakket,
fg-po-sessie1.txt:3,kopieerwerk,
fg-po-sessie1.txt:3,surveilleren en opvang,
fg-po-sessie1.txt:4,samenwerking met docenten,
fg-po-sessie1.txt:6,scholingsbudget,"Pabo-wens, budget gaat naar leerkrachten"
fg-po-sessie1.txt:7,waardering,
fg-vo-sessie1.txt:2,surveilleren en opvang,
fg-vo-sessie1.txt:3,kopieerwerk,
fg-vo-sessie1.txt:3,samenwerking met docenten,
fg-vo-sessie1.txt:4,samenwerking met docenten,
fg-vo-sessie1.txt:6,scholingsbudget,
fg-vo-sessie1.txt:7,waardering,
fg-vo-sessie1.txt:7,loopbaan,
"""

CODING_BRAM = """\
segment,code
fg-po-sessie1.txt:2,takenpakket
fg-po-sessie1.txt:3,kopieerwerk
fg-po-sessie1.txt:6,loopbaan
fg-vo-sessie1.txt:2,takenpakket
fg-vo-sessie1.txt:7,loopbaan
"""


def write_study(folder: Path) -> dict[str, Path]:
    """The study's files in `folder`; returns their paths by role."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "codebook": ("codeboek.yaml", CODEBOOK),
        "po": ("fg-po-sessie1.txt", FG_PO),
        "po_participants": ("fg-po-sessie1.participants.csv", FG_PO_PARTICIPANTS),
        "vo": ("fg-vo-sessie1.txt", FG_VO),
        "vo_participants": ("fg-vo-sessie1.participants.csv", FG_VO_PARTICIPANTS),
        "coding_anna": ("codering-anna.csv", CODING_ANNA),
        "coding_bram": ("codering-bram.csv", CODING_BRAM),
    }
    out = {}
    for key, (name, text) in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        out[key] = path
    return out


def build_study(cli, folder: Path, *, coders=("anna",)) -> dict[str, Path]:
    """Load the codebook, import both focus groups and apply each coder's coding CSV.

    The privacy gate has its own tests; --allow-pii skips loading deduce's tables."""
    files = write_study(folder)
    for args in (
        ("codebook", "load", files["codebook"]),
        ("import", files["po"], files["vo"], "--source", "focusgroep", "--allow-pii", "--attribute", "functie"),
        *(("code", "--from-file", files[f"coding_{c}"], "--coder", c) for c in coders),
    ):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output, result.stderr)
    return files


def segment_id(db_path: Path, transcript: str, turn: int) -> int:
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(
            "SELECT s.id FROM segments s JOIN transcripts t ON t.id = s.transcript_id WHERE t.name = ? AND s.ordinal = ?",
            [transcript, turn],
        ).fetchone()[0]
    finally:
        conn.close()
