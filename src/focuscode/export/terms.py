"""The lemmas of each sentence of a turn, kept in the project for the summary's quote choice.

Counting lemmas needs the Dutch lemma tables, whose loading alone takes about a third
of a second, and a pass over every word quoted from. The counts depend only on the
turn's text and on how they were counted, so they are kept in `segment_terms` (one row
per turn: each sentence's lemmas in text order, stop words left out, a line a sentence;
the summary needs only their counts) under a basis that names the
lemmatiser, the stop list and the sentence splitter; a row counted on another basis is
counted again. A later summary of the same turns reads the rows and loads no tables,
and splits into sentences only the turns it may quote from.

The rows are counted where the text enters the project: `import` stores each new turn's
row in its own transaction (`keep_turns`), so the first summary after an import finds
them all. A project whose rows are missing or were counted on another basis (made by an
older release, or the lemmatiser or stop list changed since) has them counted by the
summary that needs them, which keeps them for the next (`Terms.keep`), or all at once
by `fill_missing`.

Triggers (migration m010) drop a turn's row when its text changes or the turn is
deleted: nothing here outlives the words it was counted from.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from functools import lru_cache
from pathlib import Path

from .quotes import Profile, lemma_counts_basis, lemmas, profile

_SENTENCE_SEP = "\n"  # between sentences; lemmas within one are separated by spaces


@lru_cache(maxsize=1)
def basis() -> str:
    """A fingerprint of everything the counts depend on, except the text itself."""
    import importlib.util
    import sys

    from .. import passages
    from ..nlp import lexicon
    from . import quotes

    h = hashlib.sha1(lemma_counts_basis().encode())
    for module in (quotes, passages, lexicon, sys.modules[__name__]):
        h.update(Path(module.__file__).read_bytes())
    for package, files in (("spacy", ("lang/nl/stop_words.py",)),
                           (lexicon.LOOKUPS_PACKAGE, tuple(f"data/{t}.json.gz" for t in lexicon.TABLES))):
        spec = importlib.util.find_spec(package)  # locates the package without importing it
        for name in files:
            try:
                path = Path(list(spec.submodule_search_locations)[0]) / name  # type: ignore[union-attr]
                stat = path.stat()
                h.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
            except (AttributeError, TypeError, IndexError, OSError):
                h.update(f"{name}:missing".encode())
    return h.hexdigest()[:16]


def _json(ids) -> str:
    import json

    return json.dumps(sorted(ids))


def row_of(text: str) -> str:
    """A turn's stored row: each sentence's lemmas in text order, a line a sentence, so
    Counter(line.split()) is lemma_counts(sentence) and Counter(row.split()) is
    lemma_counts(text), with the same order (no word crosses a sentence boundary).
    The sentences are profile(text)'s: a sentence's words do not change when its white
    space is collapsed."""
    from ..passages import sentences

    return _SENTENCE_SEP.join(map(" ".join, map(lemmas, (text[s:e] for s, e in sentences(text)))))


def keep_turns(db, turns) -> int:
    """Count and store the rows of these (segment id, text) turns, in the caller's
    transaction. The lemma tables load on the first call of a process and stay loaded for
    every later file. Rows of another basis are left to fill_missing and Terms.keep: never
    read, and dropped with their turn all the same (a scan per file would cost an import
    of many files more than the rows weigh)."""
    current = basis()
    rows = [(sid, current, row_of(text)) for sid, text in turns]
    db.conn.executemany("INSERT OR REPLACE INTO segment_terms (segment_id, basis, terms) VALUES (?, ?, ?)", rows)
    return len(rows)


def fill_missing(db) -> int:
    """Count every turn that has no row on the current basis (a project made by an older
    release, or counted on another basis), in the caller's transaction, and drop the rows of
    another basis; how many were counted."""
    current = basis()
    db.execute("DELETE FROM segment_terms WHERE basis != ?", [current])
    turns = db.execute("SELECT id, text FROM segments WHERE id NOT IN (SELECT segment_id FROM segment_terms)").fetchall()
    return keep_turns(db, turns)


class Terms:
    """Lemma counts and sentence profiles of the turns a summary quotes from, each read or
    counted once. A turn's text is read only when its counts are not stored or a quote
    may come from it."""

    def __init__(self, db):
        self.db = db
        self.basis = basis()
        self.rows: dict[int, str] = {}  # segment id -> its encoded counts
        self.fresh: dict[int, str] = {}  # counted in this run: rows to keep
        self.texts: dict[int, str] = {}
        self.profiles: dict[int, Profile] = {}

    def read_texts(self, ids) -> None:
        """Read these turns' texts in one query (those not read yet)."""
        missing = [sid for sid in ids if sid not in self.texts]
        if missing:
            self.texts.update(self.db.execute(
                "SELECT id, text FROM segments WHERE id IN (SELECT value FROM json_each(?))", [_json(missing)]))

    def load(self, ids) -> None:
        """Find these turns' counts: in the stored rows, else counted now."""
        wanted = [sid for sid in ids if sid not in self.rows]
        if not wanted:
            return
        self.rows.update(self.db.execute(
            "SELECT segment_id, terms FROM segment_terms WHERE basis = ? AND segment_id IN (SELECT value FROM json_each(?))",
            [self.basis, _json(wanted)],
        ))
        missing = [sid for sid in wanted if sid not in self.rows]
        self.read_texts(missing)
        for sid in missing:
            self.profiles[sid] = prof = profile(self.texts[sid])
            self._count(sid, prof)

    def _count(self, sid: int, prof: Profile) -> None:
        self.rows[sid] = self.fresh[sid] = row_of(prof.text)

    def turn(self, sid: int) -> Counter:
        """The turn's lemma counts: the order and the sums lemma_counts(text) gives, since
        no word crosses a sentence boundary."""
        return Counter(self.rows[sid].split())

    def profile(self, sid: int) -> Profile:
        """The turn's sentences with their counts (from the stored row when it fits the text);
        read_texts first for the turns this is asked of."""
        prof = self.profiles.get(sid)
        if prof is None:
            lines = self.rows[sid].split(_SENTENCE_SEP)
            self.read_texts([sid])
            prof = self.profiles[sid] = profile(self.texts[sid], [Counter(line.split()) for line in lines])
            if len(lines) != len(prof.parts):  # did not fit: counted again, and kept
                self._count(sid, prof)
        return prof

    def keep(self) -> None:
        """Store what this run counted. A cache: a project that cannot be written now
        (read-only, or locked by a long write) is summarised all the same."""
        if not self.fresh or basis.__wrapped__() != self.basis:  # counted on another basis than looked up
            return
        from ..db import transaction
        from ..errors import ProjectError

        try:
            with transaction(self.db, timeout=2.0):
                self.db.execute("DELETE FROM segment_terms WHERE basis != ?", [self.basis])
                self.db.conn.executemany(
                    "INSERT OR REPLACE INTO segment_terms (segment_id, basis, terms) VALUES (?, ?, ?)",
                    [(sid, self.basis, terms) for sid, terms in self.fresh.items()],
                )
        except (sqlite3.OperationalError, ProjectError):
            return
        self.fresh = {}
