"""What `doctor` reports: pipeline, versions, the Dutch model, deduce's lookups, the project.

Everything here only looks: no model is loaded beyond the suggestion pipeline, deduce's
lookup structures are not built, and the project database is opened read-only (so an
old project is not migrated by asking about it).
"""

from __future__ import annotations

import importlib.metadata
import platform
import sqlite3
from pathlib import Path

from . import __version__
from .db import MIGRATIONS_TABLE, connect_readonly, resolve_path
from .migrations import MIGRATIONS


def installed_version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def deduce_status() -> dict:
    """Whether the privacy gate's deduce engine (privacy.engine) is built, and where.

    Only looks: the engine's folder is found from deduce's version and list files,
    nothing is built or unpickled.
    """
    try:
        from .privacy.engine import status
    except ImportError:  # deduce (or docdeid) is not installed
        return {"installed": False, "version": None, "built": False, "cache": None}
    out = status()
    out["version"] = installed_version("deduce") if out["installed"] else None
    return out


def project_status(path: str | Path | None) -> dict | None:
    """The project's path and applied migrations, or None when there is no project here."""
    p = resolve_path(path)
    if not p.is_file():
        return {"path": str(p), "exists": False} if path else None
    out: dict = {"path": str(p.resolve()), "exists": True, "size_mb": round(p.stat().st_size / 1e6, 2)}
    try:
        conn = connect_readonly(p)
        try:
            applied = [r[0] for r in conn.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY rowid")]
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("transcripts", "segments", "codes", "codings", "models")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        out["error"] = f"not a focuscode project database ({exc})"
        return out
    known = [fn.__name__ for fn in MIGRATIONS]
    out["migrations"] = applied
    out["pending"] = [name for name in known if name not in applied]
    out["unknown"] = [name for name in applied if name not in known]
    out["counts"] = counts
    return out


def doctor_report(db_path: str | Path | None = None, *, model: str | None = None) -> dict:
    from .nlp.pipeline import DEFAULT_MODEL, INSTALL_HINT, load_pipeline, model_installed, pipeline_info

    installed = model_installed(DEFAULT_MODEL)
    project = project_status(db_path)
    if model is None and project and project.get("exists") and not project.get("error"):
        model = _project_model(project["path"])
    pipeline = load_pipeline(model)
    return {
        "focuscode": __version__,
        "python": platform.python_version(),
        "spacy": installed_version("spacy"),
        "spacy_lookups_data": installed_version("spacy-lookups-data"),
        "pipeline": pipeline_info(pipeline),
        "dutch_model": {
            "name": DEFAULT_MODEL,
            "installed": installed,
            "version": installed_version(DEFAULT_MODEL) if installed else None,
            "install": None if installed else INSTALL_HINT,
        },
        "deduce": deduce_status(),
        "project": project,
    }


def _project_model(path: str) -> str | None:
    try:
        conn = connect_readonly(path)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = 'model'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None
