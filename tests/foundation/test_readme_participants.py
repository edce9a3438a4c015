"""The participants YAML example in the README works as documented.

The transcript is written for this test in the "Naam: tekst" layout a typist or
transcription service delivers; the participants file is the README's example,
copied out of the README as a researcher would.
"""

from __future__ import annotations

import json
import re

from fctest import REPO

TRANSCRIPT = """\
Gespreksleider: Wat doen jullie als er een leerkracht ziek is?
OOP'er 1 (po): Dan vang ik de groep op, ook al staat dat niet in mijn functiebeschrijving.
Leerkracht 2 (po): Zonder haar zou de groep naar huis moeten, dat is de eerlijke waarheid.
"""


def _readme_example() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Participants file", 1)[1].split("\n### ", 1)[0]
    return re.search(r"```yaml\n(.+?)```", section, flags=re.S).group(1)


def test_the_readme_participants_example_imports_with_its_attributes(cli, tmp_path):
    transcript = tmp_path / "fg-po-3.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "fg-po-3.participants.yaml").write_text(_readme_example(), encoding="utf-8")
    # The README declares the attributes it keeps (participant attributes are declared, not brought).
    result = cli("import", transcript, "--source", "focusgroep", "--allow-pii",
                 "--attribute", "functie", "--attribute", "dienstverband")
    assert result.exit_code == 0, result.stderr
    segments = {s["speaker"]: s for s in json.loads(cli("segments", "--json").stdout)}
    assert (segments["OOP'er 1 (po)"]["role"], segments["OOP'er 1 (po)"]["sector"]) == ("OOP'er", "po")
    assert segments["Leerkracht 2 (po)"]["role"] == "leerkracht"
    # The extra keys are attributes that reports can break down by.
    stats = cli("stats", "--by", "functie", "--by", "dienstverband", "--json")
    assert stats.exit_code == 0, stats.stderr
    # Only the facilitator is left out of what is counted; the README says so.
    import sqlite3

    conn = sqlite3.connect(tmp_path / "project.db")
    rows = dict(conn.execute("SELECT label, is_facilitator FROM participants"))
    attributes = json.loads(conn.execute("SELECT attributes FROM participants WHERE label = ?", ["OOP'er 1 (po)"]).fetchone()[0])
    conn.close()
    assert rows == {"Gespreksleider": 1, "OOP'er 1 (po)": 0, "Leerkracht 2 (po)": 0}
    assert attributes == {"functie": "onderwijsassistent", "dienstverband": "0,6 fte"}
