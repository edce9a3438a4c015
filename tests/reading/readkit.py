"""A small coded project for the reading view, built through the CLI as a researcher would.

The transcript imitates a Microsoft Teams caption export (WebVTT): cue ids like
'<meeting>/<n>-0', one <v Speaker> voice per cue, a speaker's long turn split over
several consecutive cues (focuscode merges them into one turn). Speaker labels are
already pseudonymised, as the study's transcripts are; a participants file beside it
gives role, sector and school type (the school type must never be shown)."""

from __future__ import annotations

from pathlib import Path

from fctest import CODEBOOK

MEETING = "8d2c41f0-5b7e-4a3c-b1d2-3f"

OPENING = "Welkom allemaal. Ik wil beginnen met jullie week: wat doen jullie eigenlijk allemaal op een gewone dag?"
TURN_2 = ("Nou, eigenlijk wordt er elke ochtend wel iets anders van me gevraagd. Als er een leerkracht ziek is, "
          "sta ik gewoon voor de groep. Dat vind ik eigenlijk niet de bedoeling. En verder zou ik graag de opleiding "
          "tot leraar willen doen, maar daar is geen ruimte voor, zegt mijn leidinggevende.")
# A turn far longer than an 80x24 screen: one assistant talking for minutes.
LONG_SENTENCES = [
    "Ja, dat herken ik heel erg, en eigenlijk is het bij ons nog wat erger geworden sinds het begin van dit schooljaar.",
    "Ik ben aangenomen als onderwijsassistent voor de onderbouw, dat staat ook zo in mijn functieomschrijving, maar in de praktijk loop ik de hele dag achter de gaten aan.",
    "Als er een collega ziek is en er is geen invaller, dan word ik gebeld of ik de groep wil overnemen, en dan zeg ik meestal ja, want anders gaan de kinderen naar huis.",
    "Dat betekent dat mijn eigen groepjes die dag niet doorgaan, en dat zijn nou net de kinderen die die extra instructie het hardst nodig hebben.",
    "Daarnaast zijn er de klusjes: kopiëren, lamineren, de schoolreis mee regelen, de bibliotheek op orde houden, noem maar op.",
    "Niemand heeft ooit gezegd dat dat bij mijn taak hoort, het is er gewoon langzaam bij gekomen, elk jaar een beetje meer.",
    "Ik heb het wel eens aangekaart bij de intern begeleider, maar die zei dat het nu eenmaal zo gaat op een kleine school.",
    "En dan de leerkrachten zelf, die zijn heel aardig hoor, maar die zien ook niet altijd wat ik allemaal doe buiten hun klas.",
    "In het teamoverleg ben ik er meestal niet bij, want dat is na schooltijd en mijn uren zijn dan al op.",
    "Dus besluiten over de zorgkinderen worden genomen zonder dat iemand mij vraagt wat ik in de groepjes zie.",
    "Wat me eigenlijk het meest dwarszit, is dat ik steeds vaker hele lessen geef, met de voorbereiding erbij, en dat is gewoon het werk van een leerkracht.",
    "Ik krijg daar geen toelage voor, terwijl het werk van een hogere schaal is.",
    "Mijn leidinggevende zegt dan dat er geen geld voor is, en dat ik blij moet zijn dat ik vast zit.",
    "Ik ben ook wel blij met mijn baan, begrijp me niet verkeerd, ik doe dit werk heel graag en de kinderen zijn geweldig.",
    "Maar ik zou wel willen dat iemand een keer echt ging kijken wat er van ons verwacht wordt, en dat dat dan ook op papier komt.",
    "Dan weet je tenminste waar je aan toe bent, en kun je ook nee zeggen als iets er echt niet bij past.",
]
LATE_PASSAGE = "Ik krijg daar geen toelage voor, terwijl het werk van een hogere schaal is."
TURN_5 = "Ja, dat herken ik wel. Kopiëren en lamineren, dat soort klusjes komen ook altijd bij mij terecht."
CLOSING = "Dank jullie wel, dan gaan we naar het volgende onderwerp: jullie eigen ambities."
MEMO = "Invallen lijkt hier een vast patroon, niet incidenteel: navragen in de volgende ronde."

PARTICIPANTS = """label,role,sector,school_type
Gespreksleider,gespreksleider,,
Onderwijsassistent 1 (po),onderwijsassistent,po,basisschool
Onderwijsassistent 2 (po),onderwijsassistent,po,kindcentrum
"""
NAME = "teams-focusgroep-oop-po.vtt"


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}.{int(round((seconds - whole) * 1000)):03d}"


def _cues() -> list[tuple[str, str, float, float]]:
    """(speaker, text, start, end) of every caption cue; consecutive cues of one speaker are one turn."""
    cues: list[tuple[str, str]] = [("Gespreksleider", OPENING)]
    first, second = TURN_2.split(" Dat vind ik")
    cues += [("Onderwijsassistent 1 (po)", first), ("Onderwijsassistent 1 (po)", "Dat vind ik" + second)]
    cues.append(("Gespreksleider", "Herkennen de anderen dat?"))
    cues += [("Onderwijsassistent 2 (po)", s) for s in LONG_SENTENCES]
    cues.append(("Onderwijsassistent 1 (po)", TURN_5))
    cues.append(("Gespreksleider", CLOSING))
    out, at = [], 4.0
    for who, text in cues:
        length = 2.5 + len(text) / 15  # about how fast people speak
        out.append((who, text, at, at + length))
        at += length + 0.4
    return out


def turn_start(ordinal: int) -> str:
    """When turn `ordinal` starts, as H:MM:SS: the start of its first cue."""
    turns, last = [], None
    for who, _text, start, _end in _cues():
        if who != last:
            turns.append(start)
        last = who
    seconds = int(turns[ordinal - 1])
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def teams_vtt() -> str:
    out = ["WEBVTT", ""]
    for n, (who, text, start, end) in enumerate(_cues(), start=1):
        out += [f"{MEETING}/{10 + 7 * n}-0", f"{_clock(start)} --> {_clock(end)}", f"<v {who}>{text}</v>", ""]
    return "\n".join(out)


def build(cli, folder: Path) -> dict[int, int]:
    """Import, load the codebook and code as two coders; returns turn ordinal -> segment id."""
    import json

    path = folder / NAME
    path.write_text(teams_vtt(), encoding="utf-8")
    (folder / "teams-focusgroep-oop-po.participants.csv").write_text(PARTICIPANTS, encoding="utf-8")
    assert cli("codebook", "load", str(CODEBOOK)).exit_code == 0
    result = cli("import", str(path), "--source", "focusgroep")
    assert result.exit_code == 0, result.output
    ids = {r["ordinal"]: r["id"] for r in json.loads(cli("segments", "--json").stdout)}
    steps = [
        (2, "invallen en lessen overnemen", "--quote", "Als er een leerkracht ziek is, sta ik gewoon voor de groep.", "anna"),
        (2, "leraar worden", "--quote", "zou ik graag de opleiding tot leraar willen doen", "anna"),
        (2, "doorgroei", None, None, "ben"),
        (4, "klusjes", "--quote", LONG_SENTENCES[4], "anna"),
        (4, "hoger werk zonder toelage", "--quote", LATE_PASSAGE, "anna"),
        (5, "klusjes", None, None, "ben"),
    ]
    for turn, code, how, what, coder in steps:
        args = ["code", str(ids[turn]), code, "--coder", coder] + ([how, what] if how else [])
        result = cli(*args)
        assert result.exit_code == 0, result.output
    # anna coded a passage of turn 5 and took it back: a rejected row that must not show.
    assert cli("code", str(ids[5]), "klusjes", "--quote", "Kopiëren en lamineren", "--coder", "anna").exit_code == 0
    assert cli("uncode", str(ids[5]), "klusjes", "--quote", "Kopiëren en lamineren", "--coder", "anna").exit_code == 0
    result = cli("memo", MEMO, "--segment", str(ids[2]), "--coder", "anna")
    assert result.exit_code == 0, result.output
    return ids


def turn_block(output: str, ordinal: int) -> list[str]:
    """The lines of one turn in the printed view: its speaker line down to the blank line."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if f"· turn {ordinal} ·" in line)
    end = next(i for i in range(start, len(lines)) if not lines[i].strip())
    return lines[start:end]


def body_text(block: list[str]) -> str:
    """The turn's text as printed, its wrapped lines joined again (what follows it, the
    codes, passages and memos, left out)."""
    body = []
    for line in block[1:]:
        if line.strip().startswith(("codes:", "passages:", "memo (")):
            break
        body.append(line.strip())
    return " ".join(body)
