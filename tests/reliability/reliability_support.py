"""Helpers for the reliability tests: the codebook, running focuscode in its own process
(so it can be killed, or run twice at once), and reading the database behind its back.

Named so pytest does not collect it; imported by the tests as `reliability_support`."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "transcripts"

# A codebook in the shape of the design card; written per test so these tests
# do not depend on the bundled codebook's exact contents.
CODEBOOK_YAML = """\
- name: visie
  description: Visie van school of bestuur op de inzet van OOP'ers.
  keywords: [visie, beroepsbeeld, schoolplan]
- name: ad-hoctaken
  description: Taken buiten het afgesproken takenpakket.
  keywords: [klusjes, kopiëren, toelage]
  children:
    - name: invallen
      description: Invallen voor een afwezige leraar.
      keywords: [invallen, invaller, vervanging]
- name: doorgroei
  description: Ambities en loopbaanperspectief.
  keywords: [pabo, scholing, ontwikkelgesprek, opleiding]
- name: afstemming
  description: Afstemming met leraren, IB'ers en leidinggevenden.
  keywords: [afstemmen, overleg, IB'er]
"""


def _load_root_conftest():
    spec = importlib.util.spec_from_file_location("_focuscode_root_conftest", REPO / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


db_snapshot = _load_root_conftest().db_snapshot


def child_env(**extra: str) -> dict:
    env = dict(os.environ)
    env.pop("FOCUSCODE_DB", None)
    env.pop("FOCUSCODE_CODER", None)
    env["NO_COLOR"] = "1"
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


MAIN = "import sys; sys.argv[0] = 'focuscode'; from focuscode.cli import main; main()"


def run_focuscode(*args, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real command line in its own process, as a researcher runs it."""
    return subprocess.run(
        [sys.executable, "-c", MAIN, *map(str, args)],
        capture_output=True, text=True, env=env or child_env(), timeout=timeout,
    )


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def count(path: Path, sql: str, params=()) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()
