"""Probes for what the scanner cannot know, and the documented workaround for each
(README, "Known limits"): a --names list, matched at every door.

Transcripts as a transcription service delivers them ("Label: text").
"""

from __future__ import annotations

from fctest import db_snapshot
from privacykit import refused


def _transcript(tmp_path, line: str):
    path = tmp_path / "fg-vo-probe.txt"
    path.write_text("Gespreksleider: Welkom allemaal.\n" + line + "\n", encoding="utf-8")
    return path


def test_a_short_first_name_that_is_a_word_needs_the_names_list(cli, db_path, tmp_path):
    path = _transcript(tmp_path, "OOP'er 1 (vo): Ik sprak met Lot over haar rooster en de bovenbouw.")
    alone = cli("import", path, "--source", "focusgroep", "--allow-unknown", "--db", tmp_path / "zonder.db")
    assert alone.exit_code == 0, alone.output  # the limit: deduce does not take "Lot" for a name here
    cli("init")
    before = db_snapshot(db_path)
    names = tmp_path / "namen.txt"
    names.write_text("Lot\n", encoding="utf-8")
    refused(cli("import", path, "--source", "focusgroep", "--allow-unknown", "--names", names), db_path, before,
            "fg-vo-probe.txt:2 persoon 'Lot'")


def test_a_name_anonymise_leaves_across_two_lines_is_refused_at_import(cli, db_path, tmp_path):
    # anonymise reads line by line; the gate reads the whole turn, so the copy cannot get in.
    raw = tmp_path / "ruw"
    raw.mkdir()
    (raw / "fg-vo-afbreek.txt").write_text(
        "Gespreksleider: Welkom allemaal.\n"
        "OOP'er 1 (vo): Dat heb ik met mevrouw Ver-\nmeulen van de administratie besproken.\n", encoding="utf-8")
    result = cli("anonymise", raw, "--out", tmp_path / "schoon")
    assert result.exit_code == 0, result.output
    cli("init")
    before = db_snapshot(db_path)
    refused(cli("import", tmp_path / "schoon" / "fg-vo-afbreek.txt", "--source", "focusgroep", "--allow-unknown"),
            db_path, before, "fg-vo-afbreek.txt:2 persoon '")
