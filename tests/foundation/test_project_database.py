"""The project database object: sqlite-utils' Database (public API only) whose file and
lock-wait listener are declared by focuscode's own subclass, not attributes set on
sqlite-utils' object from outside. The behaviour they carry is checked as a coder meets it:
a second process holds the write lock, the command says it waits and then names the file."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from focuscode.db import open_project, project_database_class, transaction
from focuscode.errors import ProjectError


def test_the_project_database_is_a_declared_subclass(tmp_path):
    db = open_project(tmp_path / "studie OOP.db")
    assert isinstance(db, sqlite_utils.Database) and type(db) is project_database_class()
    assert db.path == (tmp_path / "studie OOP.db").resolve() and db.on_wait is None
    # Declared by the subclass's __init__, not bolted on after sqlite-utils made the object.
    assert type(db).__init__ is not sqlite_utils.Database.__init__
    db.close()


def test_a_waiting_transaction_tells_the_listener_and_names_the_file(tmp_path):
    heard: list[str] = []
    path = tmp_path / "project.db"
    db = open_project(path, on_wait=heard.append)
    other = sqlite3.connect(path, isolation_level=None)  # another coder's focuscode, mid-write
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ProjectError) as err:
            with transaction(db, timeout=0.3):
                pass
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert heard == ["waiting for the project database: another focuscode process is writing to it"]
    assert str(path.resolve()) in str(err.value.path)
    with transaction(db):  # the lock is free again
        db.execute("INSERT INTO settings (key, value) VALUES ('probe', 'ja')")
    assert db.execute("SELECT value FROM settings WHERE key = 'probe'").fetchone()[0] == "ja"
    db.close()
