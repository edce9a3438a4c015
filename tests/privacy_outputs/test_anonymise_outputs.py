"""anonymise keeps its key and copies to their owner and where the researcher meant them.

Issue #10, "Keys and copies leak": `--key` kept an existing key's mode 644 after
writing real names into it; `--out .` wrote the key into the parent folder; a key
inside the output tree was accepted; two inputs with the same file name overwrote
each other's copy. The inputs imitate a transcription service's plain text
("Naam: tekst") of two focus groups, one per sector, each saved as `sessie-1.txt`
in its own folder, as a service delivers them per order.

The rule for the key: it goes where --key says, or beside --out as
<out>-sleutel.csv; never anywhere inside the --out tree; and the default is refused
when --out is the folder the researcher is in (or one above it).
"""

from __future__ import annotations

import csv
import io
import os

import pytest
from privacy_outputs.probes import mode

PO = (
    "Gespreksleider: Welkom bij de focusgroep. Wie wil beginnen?\n"
    "OOP'er 1 (po): Ik werk al jaren samen met Sanne Vermeulen, zij is onze intern begeleider.\n"
    "OOP'er 2 (po): Bij ons regelt Sanne Vermeulen ook het rooster voor de invalbeurten.\n"
)
VO = (
    "Gespreksleider: Hoe ziet jullie week eruit?\n"
    "OOP'er 1 (vo): Ik sta vaak in de mediatheek en overleg dan met Pieter Bakker over de practica.\n"
)


@pytest.fixture
def sessions(tmp_path):
    (tmp_path / "po").mkdir()
    (tmp_path / "vo").mkdir()
    po = tmp_path / "po" / "sessie-1.txt"
    vo = tmp_path / "vo" / "sessie-1.txt"
    po.write_text(PO, encoding="utf-8")
    vo.write_text(VO, encoding="utf-8")
    return po, vo


def files_under(folder) -> set:
    return {p.relative_to(folder) for p in folder.rglob("*")}


def refused(result, *words) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in result.output


def test_two_inputs_with_one_file_name_are_refused_before_anything_is_written(cli, sessions, tmp_path):
    po, vo = sessions
    before = files_under(tmp_path)
    r = cli("anonymise", po, vo, "--out", tmp_path / "schoon")
    refused(r, str(po), str(vo), "sessie-1.txt")
    assert files_under(tmp_path) == before  # no copy, no folder, no key


def test_file_names_that_differ_only_in_case_are_one_name_on_macos_and_windows(cli, sessions, tmp_path):
    po, _vo = sessions
    other = tmp_path / "vo" / "Sessie-1.txt"
    other.write_text(VO, encoding="utf-8")
    before = files_under(tmp_path)
    refused(cli("anonymise", po, other, "--out", tmp_path / "schoon"), "Sessie-1.txt")
    assert files_under(tmp_path) == before


def test_out_dot_does_not_put_the_key_in_the_folder_above(cli, sessions, tmp_path, monkeypatch):
    po, _vo = sessions
    work = tmp_path / "werk"
    work.mkdir()
    monkeypatch.chdir(work)
    before = files_under(tmp_path)
    refused(cli("anonymise", po, "--out", "."), "--key")
    assert files_under(tmp_path) == before  # nothing beside werk/, nothing in it
    # One level up is no better.
    refused(cli("anonymise", po, "--out", ".."), "--key")
    assert files_under(tmp_path) == before


@pytest.mark.parametrize("inside", ["sleutel.csv", "sub/sleutel.csv", "sub/dieper/sleutel.csv"])
def test_a_key_anywhere_inside_the_output_tree_is_refused(cli, sessions, tmp_path, inside):
    po, _vo = sessions
    out = tmp_path / "schoon"
    before = files_under(tmp_path)
    refused(cli("anonymise", po, "--out", out, "--key", out / inside), "inside the --out folder")
    assert files_under(tmp_path) == before


def test_a_reused_key_readable_by_others_is_made_owner_only_and_so_are_the_copies(cli, sessions, tmp_path):
    po, vo = sessions
    key = tmp_path / "sleutels" / "studie-sleutel.csv"
    key.parent.mkdir()
    # A key from an earlier run, copied around and now readable by everyone.
    key.write_text("placeholder,categorie,origineel\n[PERSOON-1],persoon,Pieter Bakker\n", encoding="utf-8")
    os.chmod(key, 0o644)
    out = tmp_path / "schoon"
    r = cli("anonymise", po, "--out", out, "--key", key)
    assert r.exit_code == 0, r.output
    assert mode(key) == 0o600
    rows = {row["origineel"]: row["placeholder"] for row in csv.DictReader(io.StringIO(key.read_text(encoding="utf-8")))}
    assert rows == {"Pieter Bakker": "[PERSOON-1]", "Sanne Vermeulen": "[PERSOON-2]"}
    assert not key.with_name(key.name + ".tmp").exists()
    copy = out / "sessie-1.txt"
    assert "[PERSOON-2]" in copy.read_text(encoding="utf-8") and "Sanne" not in copy.read_text(encoding="utf-8")
    assert mode(copy) == 0o600 and mode(out) == 0o700
    # The default key, beside the output folder, is owner-only too; the other sector's file goes its own way.
    r = cli("anonymise", vo, "--out", tmp_path / "schoon-vo")
    assert r.exit_code == 0, r.output
    assert mode(tmp_path / "schoon-vo-sleutel.csv") == 0o600
    assert mode(tmp_path / "schoon-vo" / "sessie-1.txt") == 0o600


def test_a_folder_and_a_file_in_it_are_one_input_not_a_collision(cli, sessions, tmp_path):
    po, _vo = sessions
    r = cli("anonymise", po.parent, po, "--out", tmp_path / "schoon", "--check")
    assert r.exit_code == 1 and r.stdout.count("Sanne Vermeulen") == 2, r.output  # two lines of one file, once


def test_a_key_that_cannot_be_written_leaves_no_copies_behind(cli, sessions, tmp_path):
    po, _vo = sessions
    notes = tmp_path / "notities.txt"  # a file where the key's folder should be
    notes.write_text("te bellen\n", encoding="utf-8")
    before = files_under(tmp_path)
    r = cli("anonymise", po, "--out", tmp_path / "schoon", "--key", notes / "sleutel.csv")
    assert r.exit_code == 1, r.output
    assert len(r.stderr.strip().splitlines()) == 1 and "key file" in r.stderr, r.stderr
    # Copies without their key would be pseudonymised for good: none are written.
    assert files_under(tmp_path) == before
