"""`focuscode demo`: the whole pipeline on the bundled sample, as a new user runs it."""

import json
import re

import pytest

# codebook/oop.yaml: the design card's four themes plus two codes of their own (#12)
THEMES = ["visie", "algemene onderwijsvisie", "meerwaarde", "ad-hoctaken", "doorgroei", "afstemming"]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    from click.testing import CliRunner

    from focuscode.cli import app

    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["demo", "--db", str(out / "demo.db"), "--out", str(out / "exports")])
    return result, out


def test_demo_says_where_the_summary_is(demo_run):
    result, out = demo_run
    assert result.exit_code == 0, result.output
    summary = out / "exports" / "samenvatting.md"
    assert f"Summary written to {summary}" in result.stdout
    for name in ("samenvatting.docx", "samenvatting.html", "themas-per-sector.png", "samen-voorkomen.png"):
        assert (out / "exports" / name).stat().st_size > 0, name


def test_demo_ends_with_where_its_database_is_and_what_to_run_next(demo_run):
    result, out = demo_run
    lines = result.stdout.splitlines()
    db = out / "demo.db"
    assert f"Project database: {db}" in lines
    tail = lines[lines.index(f"Project database: {db}"):]
    commands = [line.split("#")[0].strip() for line in tail if line.startswith("  focuscode ")]
    assert len(commands) >= 3 and all(f"--db {db}" in c for c in commands)
    assert any(c.startswith("focuscode review --coder NAME") for c in commands)
    # The non-interactive ones work on the demo database as printed.
    from click.testing import CliRunner

    from focuscode.cli import app

    for command in commands:
        argv = command.split()[1:]
        if argv[0] in ("segments", "stats"):
            ran = CliRunner().invoke(app, argv)
            assert ran.exit_code == 0 and ran.stdout.strip(), (command, ran.stderr)


def test_summary_has_every_theme_with_attributed_sample_quotes(demo_run):
    _, out = demo_run
    text = (out / "exports" / "samenvatting.md").read_text(encoding="utf-8")
    import sqlite3

    # The participants' own words as imported from the sample (transcripts and survey answers).
    conn = sqlite3.connect(out / "demo.db")
    sample_words = " ".join(" ".join(r[0].split()) for r in conn.execute(
        "SELECT s.text FROM segments s JOIN participants p ON p.id = s.participant_id WHERE p.is_facilitator = 0"))
    conn.close()
    sections = re.split(r"^## ", text, flags=re.M)[1:]
    assert [s.split("\n", 1)[0].strip() for s in sections] == THEMES
    for section in sections:
        quotes = re.findall(r'^> "?(.+?)"? (\[[^\]]+, (?:focusgroep|dialoogtafel|enquête)\])$', section, flags=re.M)
        assert len(quotes) >= 3, section[:200]
        for quote, attribution in quotes:
            assert re.match(r"\[(OOP'er|leraar|docent|schoolleider|zorgcoördinator|bestuurder|sectorraad|vakbond)( po| vo)?, ", attribution)
            # Every quote is the participant's own words from the sample (cut at sentence boundaries).
            for piece in quote.split("[...]"):
                piece = piece.strip()
                if piece:
                    assert piece in sample_words, piece[:80]


def test_demo_database_holds_the_pipeline(demo_run):
    _, out = demo_run
    from focuscode.db import open_project

    db = open_project(out / "demo.db", create=False)
    sources = dict(db.execute("SELECT source, count(*) FROM transcripts GROUP BY source").fetchall())
    assert sources == {"dialoogtafel": 1, "focusgroep": 3, "enquete": 1}
    suggested = {r[0] for r in db.execute(
        """SELECT DISTINCT COALESCE(parent.name, c.name) FROM codings g JOIN codes c ON c.id = g.code_id
           LEFT JOIN codes parent ON parent.id = c.parent_id WHERE g.status = 'suggested'""")}
    assert suggested == set(THEMES)
    evidence = db.execute("SELECT evidence FROM codings WHERE status = 'suggested' LIMIT 1").fetchone()[0]
    assert json.loads(evidence)["matches"]
    assert db.execute("SELECT count(*) FROM codings WHERE coder = 'referentie' AND status = 'accepted'").fetchone()[0] >= 200
