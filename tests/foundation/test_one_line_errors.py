"""Bad paths and numbers end in one line on stderr, never a traceback, and the
database exactly as it was.

The project is the small study of tests/foundation/reportkit.py: two focus
groups as a transcription service types them ("Naam: tekst"), participants CSVs,
a codebook and a coder's spreadsheet CSV, all written for these tests. File and
folder names are the kind researchers really use: "sessie [po] 2.txt",
"export [v2]", names with a slash in brackets from a copied heading.
"""

from __future__ import annotations

import json

import pytest

from fctest import db_snapshot
from foundation.reportkit import build_study, segment_id

BIG = str(2**63)  # one past SQLite's largest integer
HUGE = "1" + "0" * 30


def one_line(result, exit_code: int = 1) -> str:
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


@pytest.fixture
def study(cli, tmp_path, db_path):
    files = build_study(cli, tmp_path / "studie", coders=("anna",))
    return files


# -- paths that look like rich markup ------------------------------------------------------------


def test_paths_with_brackets_are_printed_as_they_are(cli, study, tmp_path):
    folder = tmp_path / "studie [" / "] v2"  # the path reads "studie [/] v2"
    folder.mkdir(parents=True)
    assert "[/]" in str(folder)
    codebook = folder / "codeboek [bold].yaml"
    codebook.write_text(study["codebook"].read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("codebook", "load", codebook)
    assert result.exit_code == 0, result.stderr
    assert f"Loaded {codebook}: 0 added, 7 updated" in result.stdout

    out = tmp_path / "export [/]"
    result = cli("export", "summary", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert f"Summary written to {out / 'samenvatting.md'}" in result.stdout

    chart = folder / "thema's [red].png"
    result = cli("stats", "--by", "sector", "--plot", chart)
    assert result.exit_code == 0, result.stderr
    assert f"Chart written to {chart}" in result.stdout and chart.stat().st_size > 0


def test_importing_from_a_bracketed_folder_prints_the_path(cli, tmp_path):
    from foundation.reportkit import FG_VO, FG_VO_PARTICIPANTS

    folder = tmp_path / "ruw [" / "] vo"
    folder.mkdir(parents=True)
    transcript = folder / "fg-vo [sessie 1].txt"
    transcript.write_text(FG_VO, encoding="utf-8")
    (folder / "fg-vo [sessie 1].participants.csv").write_text(FG_VO_PARTICIPANTS, encoding="utf-8")
    result = cli("import", transcript, "--source", "focusgroep", "--allow-pii")
    assert result.exit_code == 0, result.stderr
    assert f"{transcript}: imported, 7 turns" in result.stdout


def test_a_code_name_with_brackets_shows_in_the_codebook_tree(cli, tmp_path):
    book = tmp_path / "codeboek.yaml"
    book.write_text(
        "- name: inzet [po/vo]\n  description: Inzet van OOP'ers in po en vo.\n  keywords: [inzet]\n"
        "  children:\n    - name: '[/] losse taken'\n      description: Taken die ad hoc komen.\n",
        encoding="utf-8",
    )
    assert cli("codebook", "load", book).exit_code == 0
    result = cli("codebook", "show")
    assert result.exit_code == 0, result.stderr
    assert "inzet [po/vo]" in result.stdout and "[/] losse taken" in result.stdout


def test_an_error_naming_a_bracketed_path_is_one_line_in_a_colour_terminal(cli, study, tmp_path, monkeypatch, db_path):
    from focuscode.cli import common

    monkeypatch.setattr(common, "_plain", lambda: False)  # as on a terminal with colour
    snapshot = db_snapshot(db_path)
    missing = tmp_path / "sessie [/] 3.txt"
    line = one_line(cli("import", missing, "--source", "focusgroep", "--allow-pii"))
    assert str(missing) in line
    assert db_snapshot(db_path) == snapshot


# -- output paths the system refuses ---------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("export", "summary", "--out", "/proc/focuscode-export"),
    ("stats", "--plot", "/proc/themas.png"),
    ("cooccurrence", "--plot", "/proc/samen.png"),
    ("replicate", "--coder", "student", "--out", "/proc/student.db"),
    ("export", "refi", "--out", "/proc/studie.qdpx"),
    ("export", "methods", "--out", "/proc/methode.md"),
    ("export", "methods", "--format", "docx", "--out", "/proc/methode.docx"),
    ("saturation", "--plot", "/proc/verzadiging.png"),
])
def test_an_unwritable_output_path_is_one_line(cli, study, db_path, args):
    snapshot = db_snapshot(db_path)
    line = one_line(cli(*args))
    # The path the user gave, not a temporary file beside it.
    assert args[-1] in line and ".tmp" not in line and ".partial" not in line
    assert db_snapshot(db_path) == snapshot


def test_a_folder_as_db_is_one_line_and_left_alone(cli, tmp_path, study):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "notities.txt").write_text("Sessie 3 verplaatst naar dinsdag.\n", encoding="utf-8")
    for args in (("segments",), ("stats",), ("code", "1", "waardering", "--coder", "anna"),
                 ("import", study["po"], "--source", "focusgroep", "--allow-pii")):
        line = one_line(cli(*args, db=folder))
        assert str(folder) in line and "folder" in line
    assert sorted(p.name for p in folder.iterdir()) == ["notities.txt"]


def test_merge_of_a_folder_is_one_line(cli, study, tmp_path, db_path):
    folder = tmp_path / "student-kopie"
    folder.mkdir()
    snapshot = db_snapshot(db_path)
    line = one_line(cli("merge", folder))
    assert str(folder) in line and "folder" in line
    assert db_snapshot(db_path) == snapshot


def test_replicate_force_onto_a_folder_keeps_it_and_leaves_no_partial_copy(cli, study, tmp_path, db_path):
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "codering-student.csv").write_text("segment,code\n", encoding="utf-8")
    snapshot = db_snapshot(db_path)
    line = one_line(cli("replicate", "--coder", "student", "--out", folder, "--force"))
    assert str(folder) in line and "folder" in line
    assert [p.name for p in folder.iterdir()] == ["codering-student.csv"]
    assert not list(tmp_path.glob("*.partial*"))
    assert db_snapshot(db_path) == snapshot


# -- numbers past SQLite's 64-bit integers ---------------------------------------------------------


@pytest.mark.parametrize("args, exit_code, says", [
    (("code", BIG, "waardering", "--coder", "anna"), 1, f"no segment with id {BIG}"),
    (("code", "--ids", f"2,{HUGE}", "waardering", "--coder", "anna"), 1, f"no segment with id {HUGE[:20]}"),
    (("uncode", f"1-{BIG}", "waardering", "--coder", "anna"), 1, "no segment with id"),
    (("code", "9" * 5000 + "-1", "waardering", "--coder", "anna"), 1, "no segment with id 999999999"),
    (("memo", "Twijfel over deze code", "--segment", BIG, "--coder", "anna"), 2, f"--segment: {BIG} is out of range"),
    (("suggest", "--seed", BIG), 2, f"--seed: {BIG} is out of range"),
    (("suggest", "--seed", "-" + HUGE), 2, "--seed: -1000"),
    (("review", "--coder", "anna", "--random", "--seed", HUGE), 2, "--seed: 1000"),
    (("segments", "--limit", BIG), 2, f"--limit: {BIG} is out of range"),
    (("evaluate", "--coder", "anna", "--seed", BIG), 2, "--seed:"),
])
def test_numbers_past_2_63_are_one_line(cli, study, db_path, args, exit_code, says):
    snapshot = db_snapshot(db_path)
    line = one_line(cli(*args), exit_code)
    assert says in line
    assert db_snapshot(db_path) == snapshot


def test_a_coding_file_with_a_huge_segment_id_names_its_line(cli, study, tmp_path, db_path):
    sheet = tmp_path / "codering.csv"
    sheet.write_text(f"segment,code\nfg-po-sessie1.txt:6,loopbaan\n{HUGE},waardering\n", encoding="utf-8")
    snapshot = db_snapshot(db_path)
    line = one_line(cli("code", "--from-file", sheet, "--coder", "anna"))
    assert f"{sheet}:3: no segment '{HUGE}'" in line
    assert db_snapshot(db_path) == snapshot


def test_a_range_is_checked_against_the_project_before_anything_is_built(cli, study, db_path):
    import tracemalloc

    snapshot = db_snapshot(db_path)
    tracemalloc.start()
    result = cli("code", "1-2000000000", "waardering", "--coder", "anna")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    line = one_line(result)
    # The study has 14 segments: id 15 is the first one missing.
    assert "no segment with id 15 (the range 1-2000000000 asks for 2,000,000,000 segments)" in line
    assert peak < 20_000_000
    assert db_snapshot(db_path) == snapshot
    # A range that exists is applied whole.
    first, last = segment_id(db_path, "fg-po-sessie1.txt", 2), segment_id(db_path, "fg-po-sessie1.txt", 4)
    done = json.loads(cli("code", f"{first}-{last}", "takenpakket", "--coder", "anna", "--json").stdout)
    assert [c["segment_id"] for c in done] == [first, first + 1, last]


def test_suggest_with_no_processes_is_a_usage_error(cli, study, db_path):
    snapshot = db_snapshot(db_path)
    line = one_line(cli("suggest", "--n-process", "0"), 2)
    assert "--n-process must be 1 or more, not 0" in line
    assert db_snapshot(db_path) == snapshot


def test_stats_plot_on_a_project_without_segments_is_one_line(cli, tmp_path, db_path):
    from foundation.reportkit import write_study

    files = write_study(tmp_path / "studie")
    assert cli("codebook", "load", files["codebook"]).exit_code == 0
    snapshot = db_snapshot(db_path)
    chart = tmp_path / "themas.png"
    for args in (("stats", "--plot", chart), ("stats", "--by", "role", "--plot", chart),
                 ("cooccurrence", "--plot", chart)):
        line = one_line(cli(*args))
        assert "nothing to plot: no coded segments yet" in line
    assert not chart.exists()
    assert db_snapshot(db_path) == snapshot
