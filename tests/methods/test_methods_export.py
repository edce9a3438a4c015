"""`focuscode export methods`: a COREQ-keyed appendix whose counts match the project and
that names no person. On the demo project (sample corpus: plain-text focus groups, a
dialoogtafel, a survey CSV, one reference coder) and on a study of Teams, Zoom and typed
transcripts with two coders written for these tests (methodskit)."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from focuscode.export.methods import COREQ

from methods.methodskit import PEOPLE, fails_cleanly


def _export(cli, db, tmp_path, *args, name="methode.md"):
    out = tmp_path / name
    result = cli("export", "methods", "--out", out, *args, db=db)
    assert result.exit_code == 0, result.output
    return out


def _section(text: str, title: str) -> str:
    return re.split(r"^## \d+\. ", text, flags=re.M)[[s.split("\n", 1)[0] for s in re.split(r"^## \d+\. ", text, flags=re.M)].index(title)]


def _private_strings(db_path) -> list[str]:
    """Every participant label that is not a plain role, every coder, every transcript file name."""
    conn = sqlite3.connect(db_path)
    roles = {r[0].lower() for r in conn.execute("SELECT role FROM participants")}
    labels = [r[0] for r in conn.execute("SELECT label FROM participants") if r[0].lower() not in roles]
    coders = [r[0] for r in conn.execute("SELECT DISTINCT coder FROM codings WHERE coder IS NOT NULL UNION SELECT coder FROM seen")]
    names = [r[0] for r in conn.execute("SELECT name FROM transcripts")]
    conn.close()
    return labels + coders + names


def _names_nobody(text: str, private: list[str]) -> None:
    for value in private:
        assert not re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, flags=re.I), value


def test_demo_appendix_states_the_projects_counts(cli, demo_db, tmp_path):
    text = _export(cli, demo_db, tmp_path).read_text(encoding="utf-8")
    conn = sqlite3.connect(demo_db)
    sources = conn.execute("SELECT count(*) FROM transcripts").fetchone()[0]
    assert f"Het project bevat {sources} bronnen" in text
    participants = conn.execute("SELECT count(*) FROM participants p WHERE is_facilitator = 0 "
                                "AND EXISTS (SELECT 1 FROM segments s WHERE s.participant_id = p.id)").fetchone()[0]
    assert f"{participants} deelnemers spraken of antwoordden" in text
    for role, sector, n in conn.execute("SELECT role, sector, count(*) FROM participants WHERE is_facilitator = 0 GROUP BY 1, 2"):
        row = next(line for line in _section(text, "Deelnemers").splitlines() if line.startswith(f"| {role} |"))
        header = next(line for line in _section(text, "Deelnemers").splitlines() if line.startswith("| rol |"))
        assert row.split(" | ")[header.split(" | ").index(sector)] == str(n), (role, sector)
    turns = conn.execute("SELECT count(*) FROM segments s JOIN participants p ON p.id = s.participant_id "
                         "WHERE p.is_facilitator = 0").fetchone()[0]
    assert f"1 codeur (codeur A: {turns} fragmenten bekeken), van {turns} fragmenten" in text
    assert "Eén codeur: geen dubbel gecodeerde fragmenten" in text
    themes, codes = conn.execute("SELECT sum(parent_id IS NULL), sum(parent_id IS NOT NULL) FROM codes WHERE active = 1").fetchone()
    assert f"{themes} thema's en {codes} subcodes" in text
    rules = conn.execute("SELECT count(*) FROM codings WHERE coder IS NULL AND method = 'rules'").fetchone()[0]
    imported = conn.execute("SELECT count(*) FROM codings WHERE coder IS NOT NULL AND method = 'import' AND status = 'accepted'").fetchone()[0]
    assert f"| regels (trefwoorden op lemma's) | {rules} | 0 | 0 |" in text
    assert f"| geïmporteerde codering | – | {imported} | 0 |" in text
    # the saturation table is the saturation command's, sessions by label
    sat = json.loads(cli("saturation", "--json", db=demo_db).stdout)
    table = [line for line in _section(text, "Verzadiging").splitlines() if re.match(r"\| \d+ \| sessie", line)]
    assert [int(line.split(" | ")[3]) for line in table] == [r["cumulative"] for r in sat["transcripts"]]
    assert sat["verdict"] in text
    conn.close()


def test_demo_appendix_names_no_person(cli, demo_db, tmp_path):
    text = _export(cli, demo_db, tmp_path).read_text(encoding="utf-8")
    _names_nobody(text, _private_strings(demo_db))
    assert "/work" not in text and "oop.yaml" in text  # the codebook by file name, never its path


def test_every_paragraph_is_keyed_to_real_coreq_items(cli, demo_db, tmp_path):
    text = _export(cli, demo_db, tmp_path).read_text(encoding="utf-8")
    assert COREQ[1] == "Interviewer/facilitator" and COREQ[9] == "Methodological orientation and Theory"
    assert COREQ[22] == "Data saturation" and COREQ[24] == "Number of data coders" and COREQ[32] == "Clarity of minor themes"
    assert len(COREQ) == 32
    body = text.split("## 9. COREQ-checklist")[0]
    paragraphs = [p for p in body.split("\n\n") if p and not p.startswith(("#", "|", "_"))]
    for p in paragraphs:
        assert re.match(r"\*\*\[COREQ \d+ \([^)]+\)", p), p[:80]
    for item in (12, 16, 19, 21, 22, 24, 25, 27, 29):
        assert f"COREQ {item} ({COREQ[item]})" in body
    checklist = text.split("## 9. COREQ-checklist")[1]
    assert checklist.count("\n| ") == 33  # header and 32 items
    assert "| 14 | Setting of data collection | zelf invullen |" in checklist


def test_two_coders_duration_and_intervals(cli, study_db, tmp_path):
    text = _export(cli, study_db, tmp_path).read_text(encoding="utf-8")
    data = json.loads(cli("agreement", "--json", "--coder", "anna", "--coder", "bram", "--bootstrap", "1000", "--seed", "0",
                          db=study_db).stdout)
    assert f"Dubbel gecodeerd: {data['n']} van de {data['double_coded']['of']} fragmenten" in text
    low, high = data["overall"]["alpha_ci"]
    assert f"| alle codes (zelfde set codes) | {data['n']} | {data['overall']['alpha']:.3f} | {low:.3f}-{high:.3f} | " in text
    assert "2 codeurs (codeur A: 13 fragmenten bekeken; codeur B: 10 fragmenten bekeken)" in text
    # durations from the Teams and Zoom caption times; the typed notes have none
    assert "| 22 min |" in text and "| 45 min |" in text and "| onbekend |" in text
    assert "Voor 2 van de 3 bronnen volgt de duur uit de tijden van de ondertiteling: samen 1 u 07 min" in text
    assert "Codeboek OOP-inzet methodetest (versie 2.1;" in text
    _names_nobody(text, _private_strings(study_db))
    for person in PEOPLE:
        assert person not in text.lower().split()


def test_word_version_says_the_same(cli, study_db, tmp_path):
    import docx

    path = _export(cli, study_db, tmp_path, "--format", "docx", name="methode.docx")
    doc = docx.Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "[COREQ 22 (Data saturation)]" in text
    assert "Dubbel gecodeerd: 10 van de 13 fragmenten" in text
    assert "sessie 1 (focusgroep)" in cells
    _names_nobody(text + "\n" + cells, _private_strings(study_db))


def test_markup_in_a_role_is_escaped(cli, study_db, tmp_path):
    conn = sqlite3.connect(study_db)
    with conn:
        conn.execute("UPDATE participants SET role = '<img src=x onerror=alert(1)>|rol' WHERE role = 'docent'")
    conn.close()
    text = _export(cli, study_db, tmp_path).read_text(encoding="utf-8")
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)>\\|rol" in text


@pytest.mark.parametrize("args, code, expected", [
    # --format is a Click Choice: tests/foundation/test_cli_choices.py
    (["--format", "docx", "--out", "bijlage.md"], 2, "must end in .docx"),
    (["--out", "ontbreekt/methode.md"], 1, "the folder for the appendix does not exist"),
    (["--coder", "carla"], 1, "no codings by coder 'carla'"),
])
def test_bad_input(cli, study_db, tmp_path, monkeypatch, args, code, expected):
    monkeypatch.chdir(tmp_path)
    fails_cleanly(cli, study_db, ["export", "methods", *args], code, expected)
    assert not list(tmp_path.rglob("methode*")) and not (tmp_path / "exports").exists()
