"""The study's codebook catches the everyday wording of open survey answers, not only its own terms.

The file imitates an open-answer export of a survey tool (LimeSurvey/Qualtrics style: one row
per respondent, a respondent code, role and sector columns, one open text column, CRLF line
ends). The answers were written for this test, in the terse style of real survey answers; none
is taken from the sample corpus or from validation/. Before the codebook's second revision
(#12) none of these themes was shown: "opleiding", "sectievergadering", "tevreden",
"schoolreisje", "voor de klas staan", "opschrijven" and "de bedoeling" were not in it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CODEBOOK = REPO / "codebook" / "oop.yaml"

ANSWERS = [
    ("R01", "po", "onderwijsassistent",
     "Ik zou graag de opleiding tot leraarondersteuner willen doen, maar weet niet of school dat betaalt.",
     "doorgroei"),
    ("R02", "vo", "toa", "De sectievergadering is altijd om vier uur, dan ben ik al naar huis.", "afstemming"),
    ("R03", "po", "leerkracht", "Heel tevreden over onze assistent, voor de zwakke lezers is ze echt waardevol.",
     "meerwaarde"),
    ("R04", "po", "onderwijsassistent", "Sportdag, schoolreisje, kerstviering: het regelwerk komt altijd bij mij.",
     "ad-hoctaken"),
    ("R05", "vo", "onderwijsassistent", "Ik sta regelmatig voor de klas als een docent ziek is.", "ad-hoctaken"),
    ("R06", "po", "onderwijsassistent", "Het is nergens opgeschreven waarom we assistenten hebben, niemand weet wat de bedoeling is.", "visie"),
]


@pytest.fixture
def survey_project(cli, tmp_path):
    path = tmp_path / "enquete-open-antwoorden.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(["respondent", "sector", "rol", "toelichting"])
        writer.writerows(row[:4] for row in ANSWERS)
    assert cli("codebook", "load", CODEBOOK).exit_code == 0
    result = cli("import", path, "--source", "enquete", "--text-column", "toelichting", "--id-column", "respondent",
                 "--role-column", "rol", "--sector-column", "sector", "--allow-pii")
    assert result.exit_code == 0, result.output
    assert cli("suggest").exit_code == 0
    return cli


def _shown_themes(cli) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for segment in json.loads(cli("segments", "--json").stdout):
        out[segment["text"]] = {c["theme"] for c in segment["codings"]}
    return out


@pytest.mark.parametrize("respondent, sector, role, text, theme", ANSWERS, ids=[a[0] for a in ANSWERS])
def test_everyday_wording_is_shown_under_its_theme(survey_project, respondent, sector, role, text, theme):
    shown = _shown_themes(survey_project)
    assert theme in shown.get(text, set()), f"{respondent}: {shown.get(text)}"
