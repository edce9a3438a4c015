"""Codes in the project database: loading a codebook and looking codes up."""

from __future__ import annotations

import json
from pathlib import Path
from dataclasses import dataclass

from .codebook import Code, Codebook, Keyword
from .db import dumps, set_setting, transaction
from .errors import FocuscodeError, UnknownCodeError


@dataclass
class LoadResult:
    added: int
    updated: int
    deactivated: int
    version: int | None = None  # the project's codebook version this load created


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
        version = _store_version(db, codebook, source or codebook.path)
        from .audit import record

        record(db, "codebook load", version=version, codebook=codebook.name, codebook_version=codebook.version,
               source=Path(str(source or codebook.path or "")).name, added=added, updated=updated, deactivated=len(gone))
    return LoadResult(added, updated, len(gone), version)


def _store_version(db, codebook: Codebook, source) -> int:
    """A new codebook version holding each loaded code's definition as loaded; codings made
    from now on are tied to it (trigger codings_version_*), older ones keep theirs."""
    from .db import now

    # migrations.m006_codebook_versions does the same for an older project's codebook; a
    # shipped migration keeps its own SQL so that later changes here cannot alter it.
    vid = db.execute(
        "INSERT INTO codebook_versions (name, version, source, loaded_at) VALUES (?, ?, ?, ?)",
        # The file's name: its folder may name the researcher's account, and replicas carry this.
        [codebook.name, codebook.version, Path(str(source)).name if source else None, now()],
    ).lastrowid
    db.execute(
        "INSERT INTO code_definitions (version_id, code_id, name, parent, position, description, include, exclude, examples, keywords) "
        "SELECT ?, c.id, c.name, p.name, c.position, c.description, c.include, c.exclude, c.examples, c.keywords "
        "FROM codes c LEFT JOIN codes p ON p.id = c.parent_id WHERE c.active = 1",
        [vid],
    )
    return vid


@dataclass
class CodebookVersion:
    number: int
    name: str | None
    version: str | None  # the YAML's own `version:` key
    source: str | None
    loaded_at: str
    codes: int
    codings: int  # decisions made under this version
    current: bool

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def codebook_versions(db) -> list[CodebookVersion]:
    latest = db.execute("SELECT max(id) FROM codebook_versions").fetchone()[0]
    rows = db.execute(
        "SELECT v.id, v.name, v.version, v.source, v.loaded_at, "
        "(SELECT count(*) FROM code_definitions d WHERE d.version_id = v.id), "
        "(SELECT count(*) FROM codings c WHERE c.codebook_version = v.id AND c.coder IS NOT NULL) "
        "FROM codebook_versions v ORDER BY v.id"
    )
    return [CodebookVersion(*r, current=r[0] == latest) for r in rows]


def version_codebook(db, number: int) -> Codebook:
    """The codebook as it was loaded as version `number`: names, tree, definitions and keywords."""
    row = db.execute("SELECT name, version FROM codebook_versions WHERE id = ?", [number]).fetchone()
    if row is None:
        latest = db.execute("SELECT max(id) FROM codebook_versions").fetchone()[0]
        raise FocuscodeError(f"no codebook version {number}" + (f" (versions 1-{latest})" if latest else " (no codebook loaded yet)"))
    codes: dict[str, Code] = {}
    for r in db.query("SELECT * FROM code_definitions WHERE version_id = ? ORDER BY position, code_id", [number]):
        codes[r["name"]] = Code(
            name=r["name"], description=r["description"], include=r["include"], exclude=r["exclude"],
            examples=json.loads(r["examples"]),
            keywords=[Keyword(k["term"], k.get("compound", True)) for k in json.loads(r["keywords"])],
            parent=r["parent"],
        )
    return Codebook(codes=_tree(codes), path=None, name=row[0], version=row[1])


def _tree(codes: dict[str, Code]) -> list[Code]:
    roots = []
    for code in codes.values():
        if code.parent and code.parent in codes:
            codes[code.parent].children.append(code)
        else:
            code.parent = code.parent if code.parent in codes else None
            roots.append(code)
    return roots


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
    return Codebook(codes=_tree(codes), path=None)


def require_codebook(db) -> Codebook:
    book = project_codebook(db)
    if not book.codes:
        raise FocuscodeError("no codebook loaded; run 'focuscode codebook load FILE' first")
    return book


def code_id(db, name: str, *, inactive: bool = False) -> int:
    """The id of an active code; with `inactive`, also of a code a codebook revision
    deactivated (its old codings can still be taken off, not added)."""
    row = db.execute("SELECT id, active FROM codes WHERE name = ?", [name]).fetchone()
    if row is None:
        row = db.execute("SELECT id, active FROM codes WHERE lower(name) = lower(?)", [name]).fetchone()
    if row is None or not (row[1] or inactive):
        raise UnknownCodeError(f"unknown code '{name}'{_nearest_codes(db, name)}; see 'focuscode codebook show'")
    return row[0]


def _nearest_codes(db, name: str) -> str:
    """' (did you mean ...?)' with the closest active code names, as review's code picker finds them."""
    names = [r[0] for r in db.execute("SELECT name FROM codes WHERE active = 1 ORDER BY position, id")]
    near = match_codes(name, names, limit=3)
    return " (did you mean " + ", ".join(f"'{n}'" for n in near) + "?)" if near else ""


@dataclass
class CodeTree:
    """The project's code tree: the one walker of the stored hierarchy (stats, co-occurrence,
    saturation, agreement by theme, learning and evaluate all read it from here)."""

    names: dict[int, str]
    parent: dict[int, int | None]
    order: list[int]  # codebook order, parents before children
    active: set[int]

    def ancestors(self, cid: int) -> list[int]:
        """The code itself, its parent, ..., its theme. A parent cycle (possible only in a
        hand-edited database) stops at the first repeat instead of looping."""
        out, seen = [], set()
        while cid is not None and cid not in seen:
            seen.add(cid)
            out.append(cid)
            cid = self.parent.get(cid)
        return out

    def theme(self, cid: int) -> int:
        return self.ancestors(cid)[-1]

    def depth(self, cid: int) -> int:
        return len(self.ancestors(cid)) - 1


def code_tree(db, *, include_inactive: bool = False) -> CodeTree:
    """The stored code tree. Without include_inactive an active code under a deactivated
    parent is a theme of its own (that is how the counts show it)."""
    where = "" if include_inactive else "WHERE active = 1"
    rows = list(db.execute(f"SELECT id, name, parent_id, active FROM codes {where} ORDER BY position, id"))
    names = {r[0]: r[1] for r in rows}
    parent = {r[0]: (r[2] if r[2] in names else None) for r in rows}
    children: dict[int | None, list[int]] = {}
    for cid in names:
        children.setdefault(parent[cid], []).append(cid)
    order: list[int] = []
    # Iterative, so no depth of tree can exhaust the interpreter's stack; a cycle has no root
    # and so is left out of the order, as before.
    stack = list(reversed(children.get(None, [])))
    while stack:
        cid = stack.pop()
        order.append(cid)
        stack.extend(reversed(children.get(cid, [])))
    return CodeTree(names, parent, order, {r[0] for r in rows if r[3]})


def match_codes(query: str, names: list[str], limit: int = 9) -> list[str]:
    """Codes for what the coder typed: exact, then containing it, then fuzzy (typos).
    The review code picker and the "did you mean" of an unknown code both use it."""
    import unicodedata

    def norm(s: str) -> str:
        s = unicodedata.normalize("NFKD", s.lower())
        return "".join(ch for ch in s if not unicodedata.combining(ch) and ch.isalnum())

    q = norm(query)
    if not q:
        return []
    exact = [n for n in names if norm(n) == q]
    if exact:
        return exact[:1]
    contains = [n for n in names if q in norm(n)]
    if contains:
        # Codes that start with what was typed first: "over" -> "overlegstructuur" before "zicht ... over".
        return sorted(contains, key=lambda n: not norm(n).startswith(q))[:limit]
    from rapidfuzz import fuzz, process

    found = process.extract(q, {n: norm(n) for n in names}, scorer=fuzz.WRatio, limit=limit, score_cutoff=70)
    return [m[2] for m in found]


def theme_map(db) -> dict[int, tuple[str, str]]:
    """code id -> (code name, theme name), the theme being the top-level ancestor (inactive codes too)."""
    tree = code_tree(db, include_inactive=True)
    return {cid: (name, tree.names[tree.theme(cid)]) for cid, name in tree.names.items()}
