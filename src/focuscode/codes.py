"""Codes in the project database: loading a codebook and looking codes up."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .codebook import Code, Codebook, Keyword
from .db import dumps, set_setting, transaction
from .errors import FocuscodeError, UnknownCodeError


@dataclass
class LoadResult:
    added: int
    updated: int
    deactivated: int


def load_codebook_into(db, codebook: Codebook, *, source: str | None = None) -> LoadResult:
    """Store the codebook's codes. Codes missing from it are deactivated, never
    deleted, so existing codings survive a codebook edit."""
    added = updated = 0
    with transaction(db):
        existing = {r["name"]: r for r in db.query("SELECT id, name FROM codes")}
        ids: dict[str, int] = {}
        for position, code in enumerate(codebook.walk()):
            row = {
                "name": code.name,
                "parent_id": ids.get(code.parent) if code.parent else None,
                "description": code.description,
                "include": code.include,
                "exclude": code.exclude,
                "exclude_keywords": dumps(code.exclude_keywords),
                "examples": dumps(code.examples),
                "keywords": dumps([{"term": k.term, "compound": k.compound} for k in code.keywords]),
                "patterns": dumps(code.patterns),
                "color": code.color,
                "position": position,
                "codebook": source or codebook.path,
                "active": 1,
            }
            if code.name in existing:
                code_id = existing[code.name]["id"]
                db.table("codes").update(code_id, row)
                updated += 1
            else:
                code_id = db.table("codes").insert(row).last_pk
                added += 1
            ids[code.name] = code_id
        # Kept for the methods appendix, which reports which codebook (and version) was used.
        set_setting(db, "codebook", dumps({"name": codebook.name, "version": codebook.version, "path": source or codebook.path}))
        gone = [r["id"] for name, r in existing.items() if name not in ids]
        for code_id in gone:
            db.execute("UPDATE codes SET active = 0 WHERE id = ?", [code_id])
    return LoadResult(added, updated, len(gone))


def _row_to_code(row, names_by_id: dict[int, str]) -> Code:
    return Code(
        name=row["name"],
        description=row["description"],
        include=row["include"],
        exclude=row["exclude"],
        exclude_keywords=json.loads(row["exclude_keywords"]),
        examples=json.loads(row["examples"]),
        keywords=[Keyword(k["term"], k.get("compound", True)) for k in json.loads(row["keywords"])],
        patterns=json.loads(row["patterns"]),
        color=row["color"],
        parent=names_by_id.get(row["parent_id"]) if row["parent_id"] else None,
    )


def project_codebook(db, *, include_inactive: bool = False) -> Codebook:
    """The codebook as stored in the project, rebuilt as a tree."""
    where = "" if include_inactive else "WHERE active = 1"
    rows = list(db.query(f"SELECT * FROM codes {where} ORDER BY position, id"))
    names_by_id = {r["id"]: r["name"] for r in db.query("SELECT id, name FROM codes")}
    codes = {r["name"]: _row_to_code(r, names_by_id) for r in rows}
    roots = []
    for code in codes.values():
        if code.parent and code.parent in codes:
            codes[code.parent].children.append(code)
        else:
            code.parent = code.parent if code.parent in codes else None
            roots.append(code)
    return Codebook(codes=roots, path=None)


def require_codebook(db) -> Codebook:
    book = project_codebook(db)
    if not book.codes:
        raise FocuscodeError("no codebook loaded; run 'focuscode codebook load FILE' first")
    return book


def code_id(db, name: str) -> int:
    row = db.execute("SELECT id, active FROM codes WHERE name = ?", [name]).fetchone()
    if row is None:
        row = db.execute("SELECT id, active FROM codes WHERE lower(name) = lower(?)", [name]).fetchone()
    if row is None or not row[1]:
        raise UnknownCodeError(f"unknown code '{name}'{_nearest_codes(db, name)}; see 'focuscode codebook show'")
    return row[0]


def _nearest_codes(db, name: str) -> str:
    """' (did you mean ...?)' with the closest active code names, as review's code picker finds them."""
    from .review.match import match_codes

    names = [r[0] for r in db.execute("SELECT name FROM codes WHERE active = 1 ORDER BY position, id")]
    near = match_codes(name, names, limit=3)
    return " (did you mean " + ", ".join(f"'{n}'" for n in near) + "?)" if near else ""


def theme_map(db) -> dict[int, tuple[str, str]]:
    """code id -> (code name, theme name), the theme being the top-level ancestor."""
    rows = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, name, parent_id FROM codes")}
    out = {}
    for cid, (name, _parent) in rows.items():
        top = cid
        hops = 0
        while rows[top][1] is not None and rows[top][1] in rows and hops < 100:
            top = rows[top][1]
            hops += 1
        out[cid] = (name, rows[top][0])
    return out
