"""The project database: one SQLite file per study, opened through sqlite-utils.

Opening applies pending migrations (after a timestamped backup), turns on WAL
and foreign keys, and refuses files that are not ours or come from a newer
focuscode. Every command writes inside one `transaction()`, so bad input
leaves the database exactly as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Callable, Iterator

from .errors import ProjectError, setting
from .migrations import MIGRATIONS

DEFAULT_DB = "focuscode.db"
MIGRATIONS_TABLE = "_focuscode_migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
LOCK_TIMEOUT_S = float(os.environ.get("FOCUSCODE_LOCK_TIMEOUT", "60"))
SQLITE_INT_MAX = 2**63 - 1


def fits_sqlite_integer(value: int | str) -> bool:
    """Whether a whole number (or its decimal text) fits SQLite's 64-bit INTEGER.
    Text is checked on its length first: int() refuses more than 4,300 digits."""
    if isinstance(value, str):
        digits = value.strip().lstrip("+-").lstrip("0")
        if len(digits) > 19:
            return False
        value = int(value)
    return -SQLITE_INT_MAX - 1 <= value <= SQLITE_INT_MAX


def connect_readonly(path: str | os.PathLike, *, timeout: float = 5) -> sqlite3.Connection:
    """A plain sqlite3 connection that can never write (nor migrate) the file: check, merge
    and doctor read other or possibly broken projects with it. WAL still lets it read while
    a coder writes. Path.as_uri() percent-encodes '?', '#', '%' and spaces, which SQLite
    would otherwise read as the URI's query, fragment or escapes and open another file."""
    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, timeout=timeout)


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def resolve_path(path: str | os.PathLike | None) -> Path:
    if path:
        return Path(path)
    env = os.environ.get("FOCUSCODE_DB")
    return Path(env) if env else Path(DEFAULT_DB)


def check_file(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ProjectError(f"cannot open project database: {exc.strerror}", path=str(path)) from None
    if size == 0:
        return  # a freshly created empty file is a new database
    with path.open("rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise ProjectError("not a focuscode project database (not an SQLite file)", path=str(path))
    if len(header) < 100:
        raise ProjectError("the project database is truncated", path=str(path))
    # The header says how many pages the file holds (when its change counter is
    # current). A shorter file was cut off, e.g. by an interrupted copy. With
    # frames in a -wal file beside it a checkpoint may be growing the file: skip.
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counter_valid = header[24:28] == header[92:96]
    wal = path.with_name(path.name + "-wal")
    wal_frames = wal.exists() and wal.stat().st_size > 32  # 32 bytes: a WAL header alone
    if counter_valid and pages and size < page_size * pages and not wal_frames:
        raise ProjectError(
            f"the project database is truncated ({size:,} of {page_size * pages:,} bytes); restore a backup",
            path=str(path),
        )


def remove_project_files(path: Path) -> None:
    """Delete a project database and the write-ahead log and shared-memory files beside it
    (for a project a failed command made, or a stale half copy), whichever exist."""
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def open_project(
    path: str | os.PathLike | None = None,
    *,
    create: bool = True,
    on_backup: Callable[[Path], None] | None = None,
    on_wait: Callable[[str], None] | None = None,
):
    """Open (or create) the project database and bring its schema up to date.

    `on_wait` hears once per transaction when a write has to wait for another
    process's lock, so a coder sees why a command pauses instead of silence.
    """
    Database = project_database_class()
    p = resolve_path(path)
    exists = p.exists()
    if not exists and not create:
        raise ProjectError(f"no project database here; run 'focuscode init' or pass {setting('db')}", path=str(p))
    if exists and p.is_dir():
        raise ProjectError("is a folder, not a project database; give a file such as "
                           f"{p / DEFAULT_DB}", path=str(p))
    if exists:
        check_file(p)
    else:
        if p.parent and not p.parent.exists():
            raise ProjectError("the folder for the project database does not exist", path=str(p))
        # Created readable by its owner only: it holds research data.
        fd = os.open(p, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    try:
        conn = sqlite3.connect(str(p), timeout=0.2)
        db = Database(conn, path=p, on_wait=on_wait)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 200")
        with db.ensure_autocommit_on():
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise ProjectError(f"could not switch the database to WAL mode ({mode})", path=str(p))
        _migrate(db, p, on_backup)
    except sqlite3.DatabaseError as exc:
        msg = str(exc)
        if "locked" in msg or "busy" in msg:
            raise ProjectError("the project database is locked by another process; try again", path=str(p)) from None
        raise ProjectError(f"not a usable focuscode project database ({msg})", path=str(p)) from None
    return db


_PROJECT_DATABASE = None


def project_database_class():
    """sqlite-utils' Database with the two things focuscode keeps beside the connection,
    declared instead of set on a Database object from outside: the file (for messages and
    merge's same-file check) and who hears lock waits (every transaction() of a command,
    migrations included). Made on first use so sqlite-utils is imported only then."""
    global _PROJECT_DATABASE
    if _PROJECT_DATABASE is None:
        Database = _sqlite_utils_database()

        class ProjectDatabase(Database):
            def __init__(self, conn, *, path: Path | None = None, on_wait: Callable[[str], None] | None = None):
                super().__init__(conn)
                self.path = path
                self.on_wait = on_wait

        _PROJECT_DATABASE = ProjectDatabase
    return _PROJECT_DATABASE


def _sqlite_utils_database():
    """sqlite_utils.Database without the ~0.7 s sqlite-utils spends importing pandas and
    numpy at import time (only to map their column types, which focuscode never stores).
    Commands that need pandas still import it normally afterwards."""
    import sys

    if "sqlite_utils" not in sys.modules:
        blocked = [name for name in ("pandas", "numpy") if name not in sys.modules]
        for name in blocked:
            sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail fast
        try:
            import sqlite_utils  # noqa: F401
        finally:
            for name in blocked:
                if sys.modules.get(name, 0) is None:
                    del sys.modules[name]
    from sqlite_utils import Database

    return Database


def _applied_migrations(db, path: Path) -> list[str] | None:
    """Names of applied migrations (None for a new, empty file); refuses foreign and newer files."""
    known = [fn.__name__ for fn in MIGRATIONS]
    tables = set(db.table_names())
    if MIGRATIONS_TABLE not in tables:
        if tables - {"sqlite_sequence"}:
            raise ProjectError("this SQLite file is not a focuscode project database", path=str(path))
        return None
    applied = [r[0] for r in db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY rowid")]
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise ProjectError(
            f"the project database was created by a newer focuscode (unknown migration {unknown[0]}); upgrade focuscode",
            path=str(path),
        )
    return applied


def _migrate(db, path: Path, on_backup) -> None:
    applied = _applied_migrations(db, path)
    if applied is not None and all(fn.__name__ in applied for fn in MIGRATIONS):
        return
    backup = None
    if applied:
        backup = backup_database(db, path)
        if on_backup:
            on_backup(backup)
    with transaction(db):
        # Read again under the write lock: two processes opening a new project at
        # once must not both apply the same migrations.
        applied = _applied_migrations(db, path)
        if applied is None:
            db.execute(f"CREATE TABLE {MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            applied = []
        for fn in (fn for fn in MIGRATIONS if fn.__name__ not in applied):
            try:
                fn(db)
            except sqlite3.DatabaseError as exc:
                # The transaction rolls back: the database stays as it was.
                kept = f"; a backup is at {backup}" if backup else ""
                raise ProjectError(
                    f"upgrading the database failed in {fn.__name__} ({exc}); nothing was changed{kept}",
                    path=str(path),
                ) from None
            db.execute(f"INSERT INTO {MIGRATIONS_TABLE} (name, applied_at) VALUES (?, ?)", [fn.__name__, now()])


def backup_database(db, path: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.bak-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.bak-{stamp}-{n}")
    fd = os.open(target, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    dest = sqlite3.connect(str(target))
    with dest:
        db.conn.backup(dest)
    dest.close()
    return target


@contextlib.contextmanager
def transaction(db, *, on_wait: Callable[[str], None] | None = None, timeout: float | None = None) -> Iterator:
    """One write transaction (BEGIN IMMEDIATE), waiting for the lock and saying so.

    Nested calls join the outer transaction: a command is one transaction.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    limit = LOCK_TIMEOUT_S if timeout is None else timeout
    if on_wait is None:
        on_wait = getattr(db, "on_wait", None)
    start = time.monotonic()
    told = False
    while True:
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            waited = time.monotonic() - start
            if waited >= limit:
                raise ProjectError(
                    f"the project database is locked by another focuscode process (waited {waited:.0f} s)",
                    path=str(getattr(db, "path", "")) or None,
                ) from None
            if not told and on_wait is not None:
                on_wait("waiting for the project database: another focuscode process is writing to it")
                told = True
            time.sleep(0.05)
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def get_setting(db, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def set_setting(db, key: str, value: str) -> None:
    db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])


# One encoder for every call: json.dumps with options builds a new JSONEncoder each time,
# a sixth of the cost of encoding the evidence of 50,000 suggestions. Same output.
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def dumps(value) -> str:
    return _ENCODE(value)
