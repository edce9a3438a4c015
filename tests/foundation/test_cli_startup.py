"""Start-up: a command imports only what it needs, and the CLI is Click's public API
(no typer, no pydantic) with its parameters declared once.

Timing belongs in tests/benchmarks; these tests check the causes instead: which
modules a command loads, in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from focuscode.cli import app

HEAVY = ["pydantic", "rich.console", "rich.table", "rich.progress", "spacy", "pandas", "numpy", "deduce",
         "matplotlib", "lxml", "openpyxl", "docx", "krippendorff", "rapidfuzz", "yaml", "sqlite_utils.cli"]

def _loaded_after(args: list[str], extra: list[str] = ()) -> tuple[int, set[str]]:
    code = (
        "import json, sys\n"
        "from focuscode.cli import main\n"
        f"sys.argv = ['focuscode', *{args!r}]\n"
        "try:\n    main()\n    status = 0\n"
        "except SystemExit as exc:\n    status = exc.code or 0\n"
        f"print(json.dumps([status, [m for m in {[*HEAVY, *extra]!r} if m in sys.modules]]), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)})
    status, loaded = json.loads(done.stderr.strip().splitlines()[-1])
    return status, set(loaded)


@pytest.fixture(scope="module")
def small_project(tmp_path_factory):
    from fctest import CODEBOOK, SAMPLE

    from focuscode.codebook import load_codebook
    from focuscode.codes import load_codebook_into
    from focuscode.db import open_project
    from focuscode.importers.store import ImportOptions, import_file

    path = tmp_path_factory.mktemp("startup") / "project.db"
    db = open_project(path)
    import_file(db, SAMPLE / "focusgroep-oop-po.txt", ImportOptions(source="focusgroep", allow_pii=True))
    load_codebook_into(db, load_codebook(CODEBOOK))
    db.conn.close()
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["segments", "--help"],
        ["export", "--help"],
        ["segments", "--json", "--limit", "5", "--code", "visie"],
        ["stats", "--json", "--by", "sector"],
        ["cooccurrence", "--csv"],
    ],
)
def test_commands_load_nothing_heavy(args, small_project):
    argv = [*args, "--db", str(small_project)] if "--help" not in args else args
    status, loaded = _loaded_after(argv)
    assert status == 0
    assert loaded == set(), f"{' '.join(args)} imported {sorted(loaded)}"


def test_a_bad_number_gets_clicks_usage_error(small_project):
    status, loaded = _loaded_after(["segments", "--limit", "vijf", "--db", str(small_project)])
    assert status == 2  # click's usage error


# -- the CLI on Click's public API ---------------------------------------------------------------


def test_no_command_imports_typer_or_pydantic(small_project):
    # The CLI is plain Click: neither typer (whose coercion imports pydantic) nor pydantic
    # is loaded by --help, by a query or by a usage error.
    for args in (["--help"], ["segments", "--json", "--db", str(small_project)],
                 ["segments", "--limit", "vijf", "--db", str(small_project)]):
        _status, loaded = _loaded_after(args, extra=["typer", "pydantic"])
        assert not loaded & {"typer", "pydantic"}, (args, loaded)


def test_every_declared_parameter_is_a_click_parameter():
    import click

    from focuscode.cli.declare import WholeNumber

    seen = 0
    stack = [app]
    while stack:
        command = stack.pop()
        assert isinstance(command, click.Command)
        for p in command.params:
            assert isinstance(p, click.Parameter)
            seen += 1
            if isinstance(p, click.Option) and p.name in ("limit", "seed", "segment"):
                assert isinstance(p.type, WholeNumber), (command.name, p.name)
        stack.extend(getattr(command, "commands", {}).values())
    assert seen > 100


def test_repeatable_options_and_arguments_arrive_as_lists(cli, tmp_path):
    # A Teams-style transcript and a plain one in one import: the PATHS argument takes both.
    po = tmp_path / "fg-po-teams.txt"
    po.write_text("OOP'er 1 (po): Ik doe veel ad-hoctaken, invallen bij de kleuters.\n"
                  "OOP'er 2 (po): Doorgroeien naar leraar zou ik wel willen.\n", encoding="utf-8")
    vo = tmp_path / "fg-vo.txt"
    vo.write_text("OOP'er 1 (vo): Op het vmbo sta ik vaak alleen voor de klas.\n", encoding="utf-8")
    r = cli("import", po, vo, "--source", "focusgroep", "--allow-unknown", "--allow-pii", "--json")
    assert r.exit_code == 0, r.stderr
    stats = json.loads(cli("stats", "--json", "--by", "transcript", "--by", "role").stdout)
    assert stats  # --by twice is a list of two dimensions, not the last one only
    assert {"transcript", "role"} <= set(json.dumps(stats).replace('"', " ").split())
