"""A small coded project for the schema tests, built through the CLI as a researcher would."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

HERE = Path(__file__).resolve().parent
RELEASE = HERE / "release"  # a focus-group transcript (plain text, "Label: tekst" as transcription
                            # services deliver it) with its participants file, a survey export and a codebook


def build_project(cli, tmp_path: Path) -> dict[str, int]:
    """Codebook version 1, the transcript and survey, rule suggestions; returns segment ids by first words."""
    assert cli("codebook", "load", RELEASE / "codeboek-v1.yaml").exit_code == 0
    transcript = tmp_path / "fg-po-release.txt"
    transcript.write_bytes((RELEASE / "fg-po-release.txt").read_bytes())
    (tmp_path / "fg-po-release.participants.csv").write_bytes((RELEASE / "fg-po-release.participants.csv").read_bytes())
    r = cli("import", transcript, "--source", "focusgroep")
    assert r.exit_code == 0, r.output
    r = cli("import", RELEASE / "enquete-release.csv", "--source", "enquete", "--text-column", "toelichting",
            "--id-column", "respondent", "--role-column", "rol", "--sector-column", "sector")
    assert r.exit_code == 0, r.output
    assert cli("suggest").exit_code == 0
    segs = json.loads(cli("segments", "--json", "--all").stdout)
    return {" ".join(s["text"].split()[:3]): s["id"] for s in segs}


def query(db_path: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def audit_lines(cli, *args: str) -> list[dict]:
    r = cli("audit", "--json", *args)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def copy_project(source: Path, target: Path) -> None:
    """A copy through SQLite's backup, not a file copy: the last writes may still sit in the WAL."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    target.chmod(0o600)
