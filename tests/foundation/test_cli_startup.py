"""Start-up: a command imports only what it needs, and option values coerced without
pydantic are exactly what typer's own coercion gives.

Timing belongs in tests/benchmarks; these tests check the causes instead: which
modules a command loads, in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer.main
from typer._click.exceptions import BadParameter

from focuscode.cli import app
from focuscode.cli.common import _plain_coercion

HEAVY = ["pydantic", "rich.console", "rich.table", "rich.progress", "spacy", "pandas", "numpy", "deduce",
         "matplotlib", "lxml", "openpyxl", "docx", "krippendorff", "rapidfuzz", "yaml", "sqlite_utils.cli"]

def _loaded_after(args: list[str]) -> tuple[int, set[str]]:
    code = (
        "import json, sys\n"
        "from focuscode.cli import main\n"
        f"sys.argv = ['focuscode', *{args!r}]\n"
        "try:\n    main()\n    status = 0\n"
        "except SystemExit as exc:\n    status = exc.code or 0\n"
        f"print(json.dumps([status, [m for m in {HEAVY!r} if m in sys.modules]]), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
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


def test_a_bad_number_still_gets_typers_message(small_project):
    status, loaded = _loaded_after(["segments", "--limit", "vijf", "--db", str(small_project)])
    assert status == 2  # click's usage error; typer's own coercion (and pydantic) only now


# -- plain coercion equals typer's own ----------------------------------------------------------


def _all_params():
    group = typer.main.get_command(app)
    ctx = group.make_context("focuscode", ["--help"], resilient_parsing=True)
    stack = [("", group)]
    while stack:
        prefix, command = stack.pop()
        _plain_coercion(command, ctx)
        for p in command.params:
            if getattr(p, "type_descriptor", None) is not None:
                yield f"{prefix} {p.name}".strip(), command, p
        for name, sub in getattr(command, "commands", {}).items():
            stack.append((f"{prefix} {name}".strip(), sub))


def _samples(param, tmp_path):
    existing = tmp_path / "bestaat.txt"
    existing.write_text("x", encoding="utf-8")
    single = [None, "visie", "12", "-3", "+4", "0.25", " 7", "1e3", "1_000", "", "abc", "ad-hoctaken",
              "gesprekken ñ ë", str(existing), str(tmp_path), str(tmp_path / "nieuw.db"), "-"]
    if param.multiple or param.nargs == -1:
        return [None, (), ("visie",), ("a", "b"), ("12", "x"), (str(existing), str(tmp_path / "weg.txt"))]
    return single


def _outcome(runtime, value, param, ctx):
    try:
        return ("ok", runtime.coerce(value, param=param, ctx=ctx))
    except BadParameter as exc:
        return ("error", exc.format_message())


def test_plain_coercion_gives_what_typers_adapters_give(tmp_path):
    from typer._coercion import build_runtime_param

    group = typer.main.get_command(app)
    ctx = group.make_context("focuscode", ["--help"], resilient_parsing=True)
    checked = 0
    for name, _command, param in _all_params():
        plain = param._runtime_param
        own = build_runtime_param(param.type_descriptor)
        for value in _samples(param, tmp_path):
            assert _outcome(plain, value, param, ctx) == _outcome(own, value, param, ctx), (name, value)
            param._runtime_param = plain  # a fallback replaces itself; start each value from the plain one
            checked += 1
    assert checked > 500
