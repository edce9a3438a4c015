"""Shared helpers for the importer tests (a plain module: conftest names clash across folders)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
FIXTURES = TESTS / "fixtures"
SAMPLE = TESTS.parent / "transcripts"


def _load(name: str, path: Path):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


from fctest import db_snapshot  # noqa: E402,F401 - tests/ is on pytest's pythonpath
make_fixtures = _load("focuscode_tests_make_fixtures", FIXTURES / "make_fixtures.py")


def copy_fixture(name: str, dest: Path, *, with_participants: bool = True) -> Path:
    """Copy a text fixture (and its participants file) into a test folder."""
    target = dest / name
    shutil.copy(FIXTURES / name, target)
    if with_participants:
        stem = name.rsplit(".", 1)[0]
        for suffix in (".participants.csv", ".participants.yaml"):
            side = FIXTURES / f"{stem}{suffix}"
            if side.exists():
                shutil.copy(side, dest / side.name)
    return target


def one_line_error(result, *needles: str) -> str:
    """Exit 1, exactly one 'Error:' line on stderr naming every needle, no traceback."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), lines[0]
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def segments(cli, *args: str) -> list[dict]:
    import json

    r = cli("segments", "--json", *args)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)
