"""Tables wider than an 80-column terminal fold instead of squeezing columns to '…'.

The study (tests/foundation/reportkit.py) is two focus groups as a transcription
service types them ("Naam: tekst") with participants CSVs; here its codebook
grows to sixteen codes, as a real codebook after a few rounds of open coding, and
a coder's spreadsheet CSV applies them.
"""

from __future__ import annotations

import re

import pytest

from foundation.reportkit import write_study

EXTRA_CODES = """\
- name: werkdruk
  description: Ervaren werkdruk en taakbelasting.
  children:
    - name: lesuitval opvangen
      description: Klassen opvangen bij ziekte of lesuitval.
    - name: pauzetoezicht
      description: Toezicht in de pauze en tussen de middag.
- name: functiewaardering
  description: Functieschaal, beloning en functiebeschrijving.
  children:
    - name: hogere schaal zonder beloning
      description: Werk van een hogere schaal doen zonder die te krijgen.
- name: professionalisering
  description: Scholing, opleiding en leren op de werkplek.
  children:
    - name: lerarenopleiding
      description: De wens om leraar te worden (pabo, lerarenopleiding).
    - name: interne scholing
      description: Cursussen en studiedagen van school of bestuur.
- name: relatie met ouders
  description: Contact en waardering van ouders.
"""

CODING = """\
segment,code
fg-po-sessie1.txt:2,lesuitval opvangen
fg-po-sessie1.txt:2,takenpakket
fg-po-sessie1.txt:3,pauzetoezicht
fg-po-sessie1.txt:3,kopieerwerk
fg-po-sessie1.txt:6,lerarenopleiding
fg-po-sessie1.txt:6,scholingsbudget
fg-po-sessie1.txt:7,relatie met ouders
fg-po-sessie1.txt:7,waardering
fg-vo-sessie1.txt:2,lesuitval opvangen
fg-vo-sessie1.txt:2,surveilleren en opvang
fg-vo-sessie1.txt:3,samenwerking met docenten
fg-vo-sessie1.txt:6,lerarenopleiding
fg-vo-sessie1.txt:7,hogere schaal zonder beloning
fg-vo-sessie1.txt:7,waardering
"""


@pytest.fixture
def wide_study(cli, tmp_path, monkeypatch):
    files = write_study(tmp_path / "studie")
    files["codebook"].write_text(files["codebook"].read_text(encoding="utf-8") + EXTRA_CODES, encoding="utf-8")
    coding = tmp_path / "studie" / "codering-breed.csv"
    coding.write_text(CODING, encoding="utf-8")
    for args in (("codebook", "load", files["codebook"]),
                 ("import", files["po"], files["vo"], "--source", "focusgroep", "--allow-pii", "--attribute", "functie"),
                 ("code", "--from-file", coding, "--coder", "anna")):
        assert cli(*args).exit_code == 0
    monkeypatch.setenv("COLUMNS", "80")
    return files


def _names(cli) -> list[str]:
    import json

    return [c["name"] for c in json.loads(cli("codebook", "show", "--json").stdout)]


def test_cooccurrence_at_80_columns_numbers_the_columns_with_a_legend(cli, wide_study):
    names = _names(cli)
    assert len(names) == 16
    result = cli("cooccurrence")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.stdout
    # Every row is numbered and named: the legend for the numbered columns.
    text = " ".join(result.stdout.split())
    for i, name in enumerate(names, 1):
        assert re.search(rf"│ +{i} {re.escape(name.split()[0])}", result.stdout), name
    # Every column number heads a column in one of the (folded) tables.
    heads = set()
    for line in lines:
        if line.startswith("┃"):
            heads |= {cell.strip() for cell in line.strip("┃").split("┃")}
    assert {str(i) for i in range(1, 17)} <= heads
    # No empty columns: every cell of every numbered row holds its count.
    rows = [line for line in lines if re.match(r"│ +\d+ \S", line)]
    assert len(rows) == 16 * len([line for line in lines if line.startswith("samen gecodeerd per fragment")])
    for line in rows:
        assert all(cell.strip().isdigit() for cell in line.split("│")[2:-1]), line
    # The diagonal: lerarenopleiding was coded on two turns (po and vo).
    import json

    matrix = json.loads(cli("cooccurrence", "--json").stdout)
    k = matrix["codes"].index("lerarenopleiding")
    assert matrix["counts"][k][k] == 2
    assert "samen gecodeerd per fragment" in text


def test_cooccurrence_shows_full_names_when_they_fit(cli, wide_study, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    result = cli("cooccurrence", "--themes")
    assert result.exit_code == 0
    header = next(line for line in result.stdout.splitlines() if line.startswith("┃"))
    assert "professionalisering" in header and "relatie met ouders" in header


@pytest.mark.parametrize("columns", [80, 60])
def test_stats_by_transcript_and_functie_fold_to_the_terminal(cli, wide_study, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    result = cli("stats", "--by", "functie", "--by", "transcript")
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= columns
    assert "…" not in result.stdout
    for value in ("conciërge", "onderwijsassistent", "toa", "fg-po-sessie1.txt", "fg-vo-sessie1.txt", "totaal"):
        assert value in result.stdout
    for line in result.stdout.splitlines():
        if re.match(r"│ {1,3}\w", line) and "(" in line:  # a code's row: every cell "segments (participants)"
            assert all(re.fullmatch(r"\d+ \(\d+\)", cell.strip()) for cell in line.split("│")[2:-1]), line
    folded = "transcript: fragmenten (deelnemers) (1/" in result.stdout
    assert folded == (columns == 60)


def test_a_transcript_name_longer_than_the_line_folds_in_its_heading(cli, wide_study, tmp_path, monkeypatch):
    from foundation.reportkit import FG_PO

    # Names as a transcription service's download saves them, longer than a terminal line.
    long = tmp_path / "studie" / "Focusgroep_ondersteunend_personeel_primair_onderwijs_regio_noord_sessie_2_transcript.txt"
    long.write_text(FG_PO.replace("Goedemorgen allemaal", "Goedemiddag allemaal"), encoding="utf-8")
    long.with_name(long.stem + ".participants.csv").write_text(
        (tmp_path / "studie" / "fg-po-sessie1.participants.csv").read_text(encoding="utf-8"), encoding="utf-8")
    assert cli("import", long, "--source", "focusgroep", "--allow-pii").exit_code == 0
    assert cli("code", "--from-file", _sheet(tmp_path, long.name), "--coder", "anna").exit_code == 0
    monkeypatch.setenv("COLUMNS", "60")
    result = cli("stats", "--by", "transcript")
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 60
    assert "…" not in result.stdout
    # The headings, read top to bottom, hold the whole name (folded over lines).
    headings = "".join(line.split("┃")[2].strip() for line in result.stdout.splitlines() if line.startswith("┃"))
    assert long.name in headings


def _sheet(tmp_path, name: str):
    sheet = tmp_path / "codering-lang.csv"
    sheet.write_text(f"segment,code\n{name}:7,waardering\n", encoding="utf-8")
    return sheet
