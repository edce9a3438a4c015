"""The first vertical slice through the CLI: init, import, codebook, segments, code, export."""

import json
import textwrap

import pytest

from fctest import db_snapshot

TRANSCRIPT = textwrap.dedent(
    """\
    Gespreksleider: Welkom allemaal. Mijn eerste vraag: wat doen jullie op een gewone dag?
    OOP'er 1 (po): Ik begeleid groepjes kinderen met rekenen, en als er een leerkracht ziek is val ik in. Dan sta ik de hele dag voor de klas terwijl dat eigenlijk niet mijn taak is.
    OOP'er 2 (po): Bij ons is dat precies hetzelfde. Ik wil eigenlijk graag doorgroeien naar leraar, maar de pabo naast mijn werk is zwaar en er is geen budget voor scholing.
    Gespreksleider: En hoe stemmen jullie af met de leerkrachten?
    OOP'er 1 (po): Dat gebeurt vaak tussen de middag, even snel bij het kopieerapparaat.
    Er is geen vast overleg en de vergaderingen zijn op woensdagmiddag, als ik niet werk.
    """
)
PARTICIPANTS = "label,role,sector,school_type,functie\nGespreksleider,gespreksleider,,,\nOOP'er 1 (po),OOP'er,po,basisschool,onderwijsassistent\nOOP'er 2 (po),OOP'er,po,kindcentrum,lerarenondersteuner\n"
CODEBOOK = textwrap.dedent(
    """\
    - name: ad-hoctaken
      keywords: [ad-hoctaak]
      children:
        - name: invallen
          keywords: [invallen]
    - name: doorgroei
      keywords: [doorgroeien, scholing, pabo]
    - name: afstemming
      keywords: [overleg, afstemmen]
    """
)


@pytest.fixture
def files(tmp_path):
    t = tmp_path / "fg-po.txt"
    t.write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "fg-po.participants.csv").write_text(PARTICIPANTS, encoding="utf-8")
    cb = tmp_path / "cb.yaml"
    cb.write_text(CODEBOOK, encoding="utf-8")
    return {"transcript": t, "codebook": cb, "dir": tmp_path}


@pytest.fixture
def project(cli, files):
    assert cli("init").exit_code == 0
    assert cli("codebook", "load", files["codebook"]).exit_code == 0
    r = cli("import", files["transcript"], "--source", "focusgroep")
    assert r.exit_code == 0, r.output
    return files


def _one_line_error(result, *needles):
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_import_reads_turns_with_participants(cli, project):
    r = cli("segments", "--json")
    segs = json.loads(r.stdout)
    assert len(segs) == 5
    first, last = segs[0], segs[-1]
    assert first["speaker"] == "Gespreksleider" and first["facilitator"] is True
    assert last["speaker"] == "OOP'er 1 (po)"
    # The continuation line joined the turn instead of opening a new one.
    assert last["text"].endswith("als ik niet werk.") and "kopieerapparaat" in last["text"]
    assert {k for k in segs[1]} >= {"id", "transcript", "external_id", "speaker", "role", "sector", "source", "text", "codings"}
    assert segs[1]["role"] == "OOP'er" and segs[1]["sector"] == "po" and segs[1]["source"] == "focusgroep"
    assert segs[1]["transcript"] == "fg-po.txt" and segs[1]["external_id"] is None


def test_importing_the_same_file_twice_adds_nothing(cli, project, db_path):
    before = db_snapshot(db_path)
    r = cli("import", project["transcript"], "--source", "focusgroep")
    assert r.exit_code == 0 and "unchanged" in r.stdout
    assert db_snapshot(db_path) == before


def test_segment_filters(cli, project):
    def ids(*args):
        return [s["id"] for s in json.loads(cli("segments", "--json", *args).stdout)]

    assert ids("--role", "gespreksleider") == [1, 4]
    assert ids("--sector", "po") == [2, 3, 5]
    assert ids("--search", "pabo") == [3]
    assert ids("--search", "Pabo scholing") == [3]
    assert ids("--source", "dialoogtafel") == []
    cli("code", "2", "invallen", "--coder", "anna")
    assert ids("--code", "invallen") == [2]
    assert ids("--code", "ad-hoctaken") == [2]  # a theme includes its subcodes
    assert ids("--uncoded") == [1, 3, 4, 5]


def test_code_and_uncode_keep_history(cli, project, db_path):
    r = cli("code", "3", "doorgroei", "--coder", "anna")
    assert r.exit_code == 0 and "coded" in r.stdout
    seg = json.loads(cli("segments", "--json", "--code", "doorgroei").stdout)[0]
    assert seg["codings"] == [{"code": "doorgroei", "theme": "doorgroei", "coder": "anna", "status": "accepted",
                               "method": "manual", "score": None, "evidence": None,
                               "span_start": None, "span_end": None, "quote": None}]  # the whole turn
    r = cli("uncode", "3", "doorgroei", "--coder", "anna")
    assert r.exit_code == 0 and "uncoded" in r.stdout
    assert json.loads(cli("segments", "--json", "--code", "doorgroei").stdout) == []
    import sqlite3

    events = sqlite3.connect(db_path).execute("SELECT action, old_status, new_status FROM coding_events ORDER BY id").fetchall()
    assert events == [("accepted", None, "accepted"), ("rejected", "accepted", "rejected")]


def test_codebook_show_json(cli, project):
    codes = json.loads(cli("codebook", "show", "--json").stdout)
    assert [(c["name"], c["parent"]) for c in codes] == [
        ("ad-hoctaken", None), ("invallen", "ad-hoctaken"), ("doorgroei", None), ("afstemming", None)]


def test_export_summary_attributes_quotes_without_names(cli, project, tmp_path):
    cli("code", "2", "invallen", "--coder", "anna")
    cli("code", "3", "doorgroei", "--coder", "anna")
    out = tmp_path / "out"
    r = cli("export", "summary", "--format", "md", "--out", out)
    assert r.exit_code == 0, r.output
    text = (out / "samenvatting.md").read_text(encoding="utf-8")
    assert "## ad-hoctaken" in text and "## doorgroei" in text and "## afstemming" in text
    assert "[OOP'er po, focusgroep]" in text
    assert "val ik in" in text and "pabo" in text
    assert "OOP'er 1" not in text and "Gespreksleider" not in text  # labels never leave the project


# --- bad input: one line, exit 1, database unchanged -------------------------------------------


def test_missing_empty_and_binary_files(cli, project, db_path, tmp_path):
    before = db_snapshot(db_path)
    _one_line_error(cli("import", tmp_path / "bestaat-niet.txt", "--source", "focusgroep"), "bestaat-niet.txt", "no such file")
    empty = tmp_path / "leeg.txt"
    empty.write_text("\n  \n")
    _one_line_error(cli("import", empty, "--source", "focusgroep"), "leeg.txt", "empty")
    binary = tmp_path / "opname.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    _one_line_error(cli("import", binary, "--source", "focusgroep"), "opname.txt", "binary")
    assert db_snapshot(db_path) == before


def test_turn_without_speaker(cli, project, db_path, tmp_path):
    before = db_snapshot(db_path)
    bad = tmp_path / "zonder.txt"
    bad.write_text("Dit is een zin zonder spreker, want de eerste regel heeft geen label.\nOOP'er 1 (po): Ja.\n")
    _one_line_error(cli("import", bad, "--source", "focusgroep", "--allow-unknown"), "zonder.txt:1", "without a speaker")
    assert db_snapshot(db_path) == before


def test_speaker_missing_from_participants(cli, project, db_path, tmp_path):
    before = db_snapshot(db_path)
    t = tmp_path / "fg2.txt"
    t.write_text(TRANSCRIPT + "IB'er: Ik wil daar iets over zeggen.\n", encoding="utf-8")
    _one_line_error(
        cli("import", t, "--source", "focusgroep", "--participants", project["dir"] / "fg-po.participants.csv"),
        "fg2.txt", "IB'er", "line 7",
    )
    assert db_snapshot(db_path) == before


def test_invalid_codebook_loads_nothing(cli, project, db_path, tmp_path):
    before = db_snapshot(db_path)
    bad = tmp_path / "kapot.yaml"
    bad.write_text("- name: visie\n  keywords: [visie]\n- name: visie\n  sleutelwoorden: [x]\n")
    r = cli("codebook", "load", bad)
    _one_line_error(r, "kapot.yaml:3", "duplicate code name 'visie'", "1 more problem")
    assert db_snapshot(db_path) == before
    r = cli("codebook", "validate", bad)
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2 and "kapot.yaml:4: unknown key 'sleutelwoorden'" in lines[1]


def test_unknown_code_and_segment(cli, project, db_path):
    before = db_snapshot(db_path)
    _one_line_error(cli("code", "2", "vakantie", "--coder", "anna"), "unknown code 'vakantie'")
    _one_line_error(cli("code", "99", "invallen", "--coder", "anna"), "no segment with id 99")
    _one_line_error(cli("code", "2", "invallen"), "coder")
    assert db_snapshot(db_path) == before


def test_newer_database_is_refused_by_every_command(cli, project, db_path):
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO _focuscode_migrations (name, applied_at) VALUES ('m999_future', 'x')")
    conn.commit()
    conn.close()
    before = db_snapshot(db_path)
    _one_line_error(cli("segments"), "newer focuscode")
    _one_line_error(cli("import", project["transcript"], "--source", "focusgroep"), "newer focuscode")
    assert db_snapshot(db_path) == before


def test_unknown_source_is_a_usage_error(cli, project):
    r = cli("import", project["transcript"], "--source", "podcast")
    assert r.exit_code == 2 and "podcast" in r.stderr


def test_unknown_sector_or_source_in_a_filter_is_a_usage_error(cli, project):
    r = cli("segments", "--sector", "mbo")
    assert r.exit_code == 2 and "--sector must be po or vo, not 'mbo'" in r.stderr
    r = cli("segments", "--source", "podcast", "--json")
    assert r.exit_code == 2 and "podcast" in r.stderr and r.stdout == ""


def test_text_in_no_supported_encoding(cli, project, db_path, tmp_path):
    # Invalid UTF-8, and bytes 0x81/0x8d are undefined in cp1252: no guess is safe.
    before = db_snapshot(db_path)
    bad = tmp_path / "oud-formaat.txt"
    bad.write_bytes("OOP'er 1 (po): Ik val in voor de leerkracht.\n".encode("utf-8") + b"OOP'er 2 (po): \x81\x8d\xff onleesbaar\n")
    _one_line_error(cli("import", bad, "--source", "focusgroep", "--allow-unknown"), "oud-formaat.txt",
                    "not readable as UTF-8, UTF-16 or cp1252")
    assert db_snapshot(db_path) == before
