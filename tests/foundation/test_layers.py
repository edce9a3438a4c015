"""Layers: the library imports no terminal or CLI framework and names no command-line
flag in its errors; the CLI adds the flag when it reports one."""

from __future__ import annotations

import ast
import re

import pytest

from fctest import REPO

SRC = REPO / "src" / "focuscode"
LIBRARY = [p for p in SRC.rglob("*.py") if "cli" not in p.relative_to(SRC).parts]
FLAG = re.compile(r"(?:^|[\s(/'])--[a-z]")


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_the_library_imports_no_terminal_or_cli_framework():
    found = [(p.relative_to(SRC).as_posix(), m) for p in LIBRARY for m in _imports(p)
             if m.split(".")[0] in {"typer", "click", "rich"} or m in {"termios", "tty"}]
    assert found == []


def test_nothing_uses_a_frameworks_private_modules():
    found = [(p.relative_to(REPO).as_posix(), m) for p in [*SRC.rglob("*.py"), *(REPO / "tests").rglob("*.py")]
             for m in _imports(p) if m.split(".")[0] in {"typer", "click"} and any(x.startswith("_") for x in m.split("."))]
    assert found == []


def _raised_text(node):
    """The literal text of the message of a raise (f-strings included)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub.value


def test_no_library_error_names_a_flag():
    found = []
    for path in LIBRARY:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                for text in _raised_text(node.exc):
                    if FLAG.search(text):
                        found.append((path.relative_to(SRC).as_posix(), node.lineno, text))
    assert found == []


def test_a_library_error_speaks_of_the_setting_and_the_cli_shows_the_flag(cli, tmp_path):
    from focuscode.errors import FocuscodeError
    from focuscode.suggest import check_threshold

    with pytest.raises(FocuscodeError) as caught:
        check_threshold(1.5)
    assert str(caught.value) == "threshold must be above 0 and at most 1, not 1.5"
    assert "--" not in str(caught.value)
    # The same error through the command line: one line naming the flag.
    from fctest import CODEBOOK

    assert cli("codebook", "load", CODEBOOK).exit_code == 0
    r = cli("suggest", "--threshold", "1.5")
    assert r.exit_code == 1
    assert r.stderr.strip() == "Error: --threshold must be above 0 and at most 1, not 1.5"


@pytest.mark.parametrize("args, line", [
    # A survey export from a survey tool, imported with codes but without saying whose they are.
    (("import", "{survey}", "--source", "enquete", "--text-column", "toelichting", "--codes-column", "codes"),
     "Error: --codes-column needs --coder NAME (whose codes they are)"),
    (("saturation", "--base", "0"), "Error: --base must be 1 or more, not 0"),
    (("anonymise", "{survey}"), "Error: --out DIR is needed (or --check to only list findings)"),
])
def test_multi_word_settings_become_their_flags(cli, tmp_path, args, line):
    survey = tmp_path / "quickscan-export.csv"
    survey.write_text("respondent;rol;toelichting;codes\nR001;OOP'er;Ik val vaak in bij ziekte van de leerkracht.;ad-hoctaken\n",
                      encoding="utf-8")
    assert cli("init").exit_code == 0
    r = cli(*[a.format(survey=survey) for a in args])
    assert r.exit_code == 2, r.output
    assert r.stderr.strip() == line


def test_the_json_of_a_failed_file_names_the_flag_too(cli, tmp_path):
    # Two Teams-style files, one of which changed since its import: --json reports the
    # failure with the flag that would replace it.
    fg = tmp_path / "fg-vo-sessie2.txt"
    fg.write_text("OOP'er 1 (vo): Ik regel de roosters en de toetsen.\n", encoding="utf-8")
    assert cli("import", fg, "--source", "focusgroep", "--allow-unknown", "--allow-pii").exit_code == 0
    fg.write_text("OOP'er 1 (vo): Ik regel de roosters, de toetsen en de mentoruren.\n", encoding="utf-8")
    other = tmp_path / "fg-vo-sessie3.txt"
    other.write_text("OOP'er 2 (vo): Ik sta vaak alleen voor de klas.\n", encoding="utf-8")
    import json

    r = cli("import", fg, other, "--source", "focusgroep", "--allow-unknown", "--allow-pii", "--json")
    failed = [x for x in json.loads(r.stdout) if x.get("status") == "error"]
    assert len(failed) == 1
    assert "use --replace to replace it" in failed[0]["error"]
    # two sessions may share a file name (po/ and vo/ folders): --replace would drop the other one
    assert "another session with the same file name, rename the file" in failed[0]["error"]
    assert "\ue000" not in r.stdout


def test_notices_name_the_flag_on_stderr_and_in_json(cli, tmp_path):
    # A transcript with a participants CSV as a researcher keeps it beside the file, with
    # a column the study did not declare: the notice says how to declare it.
    fg = tmp_path / "fg-po-sessie4.txt"
    fg.write_text("OOP'er 1 (po): Ik help bij het lezen in groep 4.\n", encoding="utf-8")
    (tmp_path / "fg-po-sessie4.participants.csv").write_text(
        "label,role,sector,functie\nOOP'er 1 (po),OOP'er,po,onderwijsassistent\n", encoding="utf-8")
    import json

    r = cli("import", fg, "--source", "focusgroep", "--allow-pii", "--json")
    assert r.exit_code == 0, r.stderr
    assert "declare it with --attribute NAME" in r.stderr
    assert "declare it with --attribute NAME" in json.dumps(json.loads(r.stdout), ensure_ascii=False)
    assert "\ue000" not in r.stdout + r.stderr
