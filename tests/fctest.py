"""Constants and helpers shared by tests. A module with a unique name: several
test folders have a conftest.py, so `from conftest import ...` is ambiguous."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "transcripts"
CODEBOOK = REPO / "codebook" / "oop.yaml"
SHARED = REPO.parent / "shared"


def db_snapshot(path: Path) -> list:
    """Every row of every table, to assert a failed command changed nothing."""
    import sqlite3

    if not path.exists():
        return []
    conn = sqlite3.connect(path)
    out = []
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'segments_fts%' ORDER BY name"):
        out.append((name, sorted(map(repr, conn.execute(f'SELECT * FROM "{name}"')))))
    conn.close()
    return out


def segment_id(db, transcript: str, turn: int) -> int:
    """The id of turn `turn` (its ordinal) of the named transcript in an open project."""
    return db.execute(
        "SELECT s.id FROM segments s JOIN transcripts t ON t.id = s.transcript_id WHERE t.name = ? AND s.ordinal = ?",
        [transcript, turn],
    ).fetchone()[0]


def release_db(dump_name: str, path: Path) -> Path:
    """A project database as a past release left it: tests/fixtures/<dump_name>, the sqlite3
    shell's dump of it, loaded into `path`."""
    import sqlite3

    conn = sqlite3.connect(path)
    conn.executescript((REPO / "tests" / "fixtures" / dump_name).read_text(encoding="utf-8"))
    conn.commit()
    conn.close()
    return path


def sql_rows(path: Path, sql: str, args=()) -> list[tuple]:
    """Rows read with plain sqlite3, not through focuscode (which would migrate the file)."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def pty_drain(fd: int, seconds: float) -> bytes:
    """Everything a program on the other side of a pty writes within `seconds` (terminal tests)."""
    import os
    import select
    import time

    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return out


def import_focus_group(cli, folder: Path, turns: list[tuple[str, str]]) -> Path:
    """A small po focus group shaped like a Teams transcript saved as text ("Label: tekst",
    one turn a line), with its participants file, imported with the study codebook loaded.
    Labels: Gespreksleider, Onderwijsassistent 1, Onderwijsassistent 2."""
    fg = folder / "teams-focusgroep-po.txt"
    fg.write_text("".join(f"{label}: {text}\n" for label, text in turns), encoding="utf-8")
    (folder / "teams-focusgroep-po.participants.csv").write_text(
        "label,role,sector\nGespreksleider,gespreksleider,\nOnderwijsassistent 1,onderwijsassistent,po\n"
        "Onderwijsassistent 2,onderwijsassistent,po\n", encoding="utf-8")
    assert cli("codebook", "load", str(CODEBOOK)).exit_code == 0
    result = cli("import", str(fg), "--source", "focusgroep")
    assert result.exit_code == 0, result.output
    return fg
