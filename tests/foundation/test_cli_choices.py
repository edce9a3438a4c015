"""Options with a fixed set of values are Click Choices over the library's own tuple:
the parser refuses a value that is not allowed (exit 2, Click's usage line), before
the command opens the project, and the help lists exactly what the library accepts."""

from __future__ import annotations

import pytest

from fctest import db_snapshot


@pytest.fixture
def project(cli, tmp_path, db_path):
    # A small focus group typed out the way a transcription service delivers it ("Naam: tekst").
    fg = tmp_path / "fg-po-sessie1.txt"
    fg.write_text(
        "Gespreksleider: Wat doen jullie op een gewone dag?\n"
        "OOP'er 1 (po): Ik begeleid groepjes bij het lezen en val in als de leerkracht ziek is.\n"
        "OOP'er 2 (po): Ik zou graag doorgroeien naar leraar, maar de opleiding is lastig te combineren.\n",
        encoding="utf-8")
    assert cli("import", fg, "--source", "focusgroep", "--allow-unknown", "--allow-pii").exit_code == 0
    return db_path


@pytest.mark.parametrize("args, option, allowed", [
    (("cooccurrence", "--measure", "dice"), "--measure", "focuscode.analysis.cooccurrence:MEASURES"),
    (("cooccurrence", "--level", "zin"), "--level", "focuscode.analysis.cooccurrence:LEVELS"),
    (("export", "summary", "--format", "pdf"), "--format", "focuscode.export.render:FORMATS"),
    (("export", "summary", "--lang", "de"), "--lang", "focuscode.export.summary:LABELS"),
    (("export", "methods", "--format", "html"), "--format", "focuscode.export.methods:FORMATS"),
    (("memo", "--list", "--target", "thema"), "--target", "focuscode.memos:TARGETS"),
    (("merge", "ander.db", "--prefer", "mine"), "--prefer", "focuscode.merge:PREFER"),
])
def test_a_value_outside_the_set_is_a_usage_error_naming_the_allowed_ones(cli, project, args, option, allowed):
    import importlib

    module, name = allowed.split(":")
    values = tuple(getattr(importlib.import_module(module), name))
    before = db_snapshot(project)
    r = cli(*args)
    assert r.exit_code == 2, r.output
    assert "Usage: focuscode" in r.stderr
    assert f"Invalid value for '{option}'" in r.stderr
    for value in values:
        assert f"'{value}'" in r.stderr
    assert "Traceback" not in r.output
    assert db_snapshot(project) == before


def test_format_is_case_insensitive_like_a_file_extension(cli, project, tmp_path):
    from fctest import CODEBOOK

    assert cli("codebook", "load", CODEBOOK).exit_code == 0
    out = tmp_path / "exports"
    r = cli("export", "summary", "--format", "MD", "--out", out, "--json")
    assert r.exit_code == 0, r.stderr
    assert (out / "samenvatting.md").is_file()


def test_the_help_lists_the_library_values(cli):
    from focuscode.export.render import FORMATS

    text = cli("export", "summary", "--help").stdout
    assert "[" + "|".join(FORMATS) + "]" in text
