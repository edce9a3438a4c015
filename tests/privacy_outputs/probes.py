"""Probe files for the output-safety tests, written for them (not the sample corpus).

A hostile but realistic small study: answers from an online survey tool, coded
elsewhere, and a focus-group transcript typed by a transcription service, in which
participants (or whoever pasted their words) wrote things that a spreadsheet, a
Markdown viewer or a terminal would act on.
"""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

from click.testing import CliRunner

from focuscode.cli import app

HYPERLINK = '=HYPERLINK("http://x.nl";"klik") voor het rooster van de invalbeurten'
SCRIPT = "<script>alert('oop')</script> Onze school heeft geen visie op de inzet van onderwijsassistenten."
LINK = "[klik hier](javascript:alert(1)) want de visie van het bestuur op ons werk ontbreekt echt."
OSC = "\x1b]0;pwned\x07"
CSI = "\x9b2J"  # the one-character CSI: clear screen on terminals that honour C1 controls
ESCAPED_TURN = f"{OSC}Ik wil graag doorgroeien naar leraar, maar een opleiding{CSI} betaalt niemand.\x02"
PIPE_ROLE = "OOP'er | vo"

# A codebook whose names start like formulas or hold a table pipe.
CODEBOOK = """\
codes:
  - name: "-ad hoc"
    description: "Taken die <b>buiten</b> het takenpakket vallen | invallen en klusjes."
    keywords: [invallen, klusjes, rooster]
  - name: "visie | beleid"
    description: Of de school een visie heeft op de inzet van OOP'ers.
    keywords: [visie]
  - name: "@loopbaan"
    description: Doorgroei en opleiding.
    keywords: [doorgroeien, opleiding]
  - name: "+werkdruk"
    description: Te veel taken tegelijk.
    keywords: [werkdruk]
"""

# What an online survey tool (LimeSurvey, Microsoft Forms) exports: ';'-separated,
# UTF-8 with BOM, one row per respondent; the codes column was filled in elsewhere.
SURVEY_ROWS = [
    ["respondent", "rol", "sector", "toelichting", "codes"],
    ["R01", PIPE_ROLE, "vo", HYPERLINK, "-ad hoc"],
    ["R02", "leraar", "po", "Ik val steeds in als een collega ziek is en niemand vraagt of dat past.", "-ad hoc"],
    ["R03", "leraar", "po", SCRIPT, "visie | beleid"],
    ["R04", PIPE_ROLE, "vo", LINK, "visie | beleid"],
    ["R05", "leraar", "vo", "+31 6 ligt altijd aan, want de werkdruk is zo hoog dat ik thuis nog mail.", "+werkdruk"],
]

# A transcription service's plain text ("Naam: tekst") with a participants file.
TRANSCRIPT = (
    "Gespreksleider: Wat zouden jullie willen voor je loopbaan?\n"
    f"OOP'er 1: {ESCAPED_TURN}\n"
    "Gespreksleider: En hoe zit het met de werkdruk?\n"
    "OOP'er 2: De werkdruk is hoog, ik doe klusjes en invallen en het rooster klopt nooit.\n"
)
PARTICIPANTS = (
    "label,role,sector,school_type\n"
    "Gespreksleider,gespreksleider,,\n"
    f"OOP'er 1,\"{PIPE_ROLE}\",vo,vmbo\n"
    "OOP'er 2,OOP'er,po,basisschool\n"
)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def run(*args) -> object:
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def write_probes(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    book = folder / "codeboek.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    survey = folder / "enquete-forms.csv"
    with survey.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(SURVEY_ROWS)
    transcript = folder / "fg-loopbaan.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    (folder / "fg-loopbaan.participants.csv").write_text(PARTICIPANTS, encoding="utf-8")
    return {"codebook": book, "survey": survey, "transcript": transcript}


def build_project(folder: Path) -> Path:
    """The probe study in a project: survey codes by anna, the transcript coded by anna too."""
    files = write_probes(folder)
    db = folder / "studie.db"
    run("codebook", "load", files["codebook"], "--db", db)
    # --allow-pii: the privacy gate has its own tests; here it would only cost time.
    run("import", files["survey"], "--source", "enquete", "--text-column", "toelichting", "--id-column", "respondent",
        "--role-column", "rol", "--sector-column", "sector", "--codes-column", "codes", "--coder", "anna",
        "--allow-pii", "--db", db)
    run("import", files["transcript"], "--source", "focusgroep", "--allow-pii", "--db", db)
    ids = {text: sid for sid, text in _segments(db)}
    escaped = next(sid for text, sid in ids.items() if "pwned" in text)
    busy = next(sid for text, sid in ids.items() if text.startswith("De werkdruk"))
    # "--" ends the options: a code name may start with "-".
    for sid, code in ((escaped, "@loopbaan"), (busy, "+werkdruk"), (busy, "-ad hoc")):
        run("code", "--coder", "anna", "--db", db, "--", sid, code)
    return db


def _segments(db: Path) -> list[tuple[int, str]]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return list(conn.execute("SELECT id, text FROM segments ORDER BY id"))
    finally:
        conn.close()
