"""What `doctor` reports: pipeline, versions, the Dutch model, deduce's lookups, the project.

Everything here only looks: no model is loaded beyond the suggestion pipeline, deduce's
lookup structures are not built, and the project database is opened read-only (so an
old project is not migrated by asking about it).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import platform
import sqlite3
from pathlib import Path

from . import __version__
from .db import MIGRATIONS_TABLE, resolve_path
from .migrations import MIGRATIONS


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def deduce_status() -> dict:
    """Whether deduce's lookup structures are cached, checked the way deduce validates its cache.

    deduce pickles them to <package>/data/lookup/cache/lookup_structs.pickle and rebuilds
    (minutes) when a source list is newer than the cache or the version differs; we
    compare file times instead of unpickling 70 MB.
    """
    from .privacy.scan import deduce_lookup_dir

    base = deduce_lookup_dir()
    if base is None:
        return {"installed": False, "version": None, "built": False, "cache": None}
    cache = base / "cache" / "lookup_structs.pickle"
    out = {"installed": True, "version": _version("deduce"), "cache": str(cache), "built": False}
    if not cache.is_file():
        out["reason"] = "not built yet: the first import builds it (a few minutes)"
        return out
    built_at = cache.stat().st_mtime
    stale = [p for p in (base / "src").glob("**/*") if p.stat().st_mtime > built_at]
    out["built"] = not stale
    out["built_at"] = dt.datetime.fromtimestamp(built_at, dt.timezone.utc).isoformat(timespec="seconds")
    out["size_mb"] = round(cache.stat().st_size / 1e6, 1)
    if stale:
        out["reason"] = f"out of date ({len(stale)} source lists are newer): the next import rebuilds it"
    return out


def project_status(path: str | Path | None) -> dict | None:
    """The project's path and applied migrations, or None when there is no project here."""
    p = resolve_path(path)
    if not p.is_file():
        return {"path": str(p), "exists": False} if path else None
    out: dict = {"path": str(p.resolve()), "exists": True, "size_mb": round(p.stat().st_size / 1e6, 2)}
    try:
        conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
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
        "spacy": _version("spacy"),
        "spacy_lookups_data": _version("spacy-lookups-data"),
        "pipeline": pipeline_info(pipeline),
        "dutch_model": {
            "name": DEFAULT_MODEL,
            "installed": installed,
            "version": _version(DEFAULT_MODEL) if installed else None,
            "install": None if installed else INSTALL_HINT,
        },
        "deduce": deduce_status(),
        "project": project,
    }


def _project_model(path: str) -> str | None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = 'model'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None
