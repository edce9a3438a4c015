"""deduce for the privacy gate, quick to start and lean, with stock deduce's findings.

Why: stock ``deduce.Deduce()`` unpickles some 4.6 million Python objects on every start
(7 s, 1 GB), almost all of them the nodes of two lookup tries, ``street`` (~930k nodes)
and ``healthcare_institution`` (~900k), and the interpreter then spends ~11 s freeing
them at exit. Checking one transcript takes 0.03 s of that.

How, through deduce's public, documented hooks only (no private attributes, no patching):

1. ``Deduce(lookup_data_path=..., cache_path=...)``: deduce reads its lookup lists from
   ``lookup_data_path`` (documented for using altered lists) and pickles what it builds
   under ``cache_path``. We hand it a copy of its lists in which the two heavy lists are
   empty; it builds and caches everything else (~90,000 trie nodes) in our cache folder.
2. The two heavy lookups become compact tables (:class:`CompactTable`): every entry's
   token sequence, tokens joined by ``\\x01``, UTF-8, sorted, in one file that is
   memory-mapped and binary-searched. Because ``\\x01`` sorts below every character a
   token can hold, the entries that extend a prefix follow it directly, so one search
   answers what a trie node does: "is this a whole entry" and "does any entry go on".
   The tables are written from exactly the tries deduce itself builds: its own valid
   cache when there is one, else its public loaders (``deduce.lookup_struct_loader``)
   on its own lists, walked through ``LookupTrie.children`` / ``is_terminal``.
3. ``Deduce(config=...)``: the config names each annotator's class (``annotator_type``);
   we point ``street_lookup`` and ``institution`` at :class:`CompactLookupAnnotator`,
   which repeats ``docdeid.process.MultiTokenLookupAnnotator``'s matching (the longest
   entry from every start token, same tag, priority and tokens, so house numbers still
   attach) on a compact table. Everything else (names, places, context, post-processing)
   is deduce's own code, and tests/privacy_engine checks the findings equal stock
   deduce's on a privacy test corpus.

The build runs once per deduce and docdeid version and state of deduce's list files
(names, sizes, times: deduce's own cache is invalidated by the same changes), offline,
in about two minutes (seconds when deduce's own cache exists), reporting its steps to a
``progress``
callback, into ``$XDG_CACHE_HOME/focuscode`` (else ``~/.cache/focuscode``): built in a
private temporary folder, then renamed into place, folders 0700 and files 0600. When
that folder cannot be written, stock deduce is used (slower, same findings).
Starting the engine then costs ~0.5 s and ~100 MB; the garbage collector is kept off
while deduce builds its objects and they are frozen afterwards, so collections never
walk them again.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import mmap
import os
import shutil
import struct
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from .scan import deduce_lookup_dir, import_deduce

Progress = Optional[Callable[[str], None]]

# lookup name (deduce's DsCollection key) -> its list folder under data/lookup/src.
HEAVY_LISTS = {
    "street": "locations/lst_street",
    "healthcare_institution": "institutions/lst_healthcare_institution",
}
FORMAT = 1
SEP = b"\x01"
_MAGIC = b"FCLOOK1" + (b"L" if sys.byteorder == "little" else b"B")
_HEADER = struct.Struct("<8sI")
_READY = "ready.json"
_OLD_MTIME = 946684800  # 2000-01-01: the copied lists must look older than deduce's cache


class EngineError(Exception):
    """The compact engine could not be built or opened; stock deduce is used instead."""


# --- where the engine lives -------------------------------------------------------------


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and os.path.isabs(base) else Path(os.path.expanduser("~")) / ".cache"
    if not root.is_absolute():  # no home folder: never build into the working folder
        raise EngineError("no home folder to keep a cache in; set XDG_CACHE_HOME")
    return root / "focuscode"


def _dist_version(name: str) -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "none"


@functools.lru_cache(maxsize=4)
def engine_key(lookup_dir: Path) -> str:
    """deduce and docdeid versions plus the lists' names, sizes and times: any change
    to what deduce would build gives a new folder (and a new build)."""
    digest = hashlib.sha256(f"{FORMAT} {_dist_version('deduce')} {_dist_version('docdeid')}".encode())
    src = lookup_dir / "src"
    for path in sorted(src.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            st = path.stat()
            digest.update(f"{path.relative_to(src)} {st.st_size} {st.st_mtime_ns}\n".encode())
    return f"deduce-{_dist_version('deduce')}-{digest.hexdigest()[:16]}"


def engine_dir() -> Path | None:
    """The folder this installation's engine lives in (built or not); None without deduce."""
    lookup_dir = deduce_lookup_dir()
    if lookup_dir is None:
        return None
    return cache_root() / engine_key(lookup_dir)


def is_built(folder: Path | None = None) -> bool:
    try:
        folder = folder or engine_dir()
    except EngineError:
        return False
    return folder is not None and (folder / _READY).is_file()


def status() -> dict:
    """What doctor reports: where the engine lives and whether it is built (only looks)."""
    try:
        folder = engine_dir()
    except EngineError as exc:
        return {"installed": True, "built": False, "cache": None, "reason": f"{exc}: the gate uses deduce's own lookups (slower)"}
    if folder is None:
        return {"installed": False, "built": False, "cache": None}
    out: dict[str, Any] = {"installed": True, "cache": str(folder), "built": is_built(folder)}
    if out["built"]:
        try:
            info = json.loads((folder / _READY).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {}
        info = info if isinstance(info, dict) else {}
        out["built_at"] = info.get("built_at")
        out["build_seconds"] = info.get("seconds")
        out["size_mb"] = round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)
    elif not _writable(folder.parent):
        out["reason"] = f"{folder.parent} cannot be written: the gate uses deduce's own lookups (slower)"
    else:
        out["reason"] = "not built yet: the first gated import builds it (about two minutes, once)"
    return out


def _writable(folder: Path) -> bool:
    """Whether `folder` could be created and written (its nearest existing parent decides)."""
    while not folder.exists():
        if folder.parent == folder:
            return False
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


# --- the compact table --------------------------------------------------------------------


def trie_entries(trie) -> Iterator[list[str]]:
    """Every token sequence a docdeid LookupTrie holds (its public children/is_terminal)."""
    stack: list[tuple[Any, list[str]]] = [(trie, [])]
    while stack:
        node, path = stack.pop()
        if node.is_terminal and path:
            yield path
        for token, child in node.children.items():
            stack.append((child, path + [token]))


def write_table(path: Path, sequences) -> int:
    """Write token sequences as a compact table; returns the number of entries."""
    from array import array

    keys = set()
    for seq in sequences:
        if any("\x00" in t or "\x01" in t for t in seq):
            raise EngineError(f"a lookup entry holds a control character the table reserves: {seq!r}")
        keys.add(SEP.join(t.encode("utf-8", "surrogatepass") for t in seq))
    keys = sorted(keys)
    offsets = array("I", [0])
    total = 0
    for key in keys:
        total += len(key)
        if total >= 2**32:
            raise EngineError(f"lookup table too large for this format (over {total} bytes)")
        offsets.append(total)
    with open(path, "wb") as handle:
        handle.write(_HEADER.pack(_MAGIC, len(keys)))
        handle.write(offsets.tobytes())
        for key in keys:
            handle.write(key)
    return len(keys)


class CompactTable:
    """A memory-mapped, sorted table of token sequences with a trie's two questions."""

    def __init__(self, path: str | Path):
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size < _HEADER.size:
                raise EngineError(f"{path}: not a lookup table")
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        magic, count = _HEADER.unpack_from(self._map, 0)
        start = _HEADER.size + 4 * (count + 1)
        if magic != _MAGIC or len(self._map) < start:
            raise EngineError(f"{path}: not a lookup table of this format")
        self._offsets = memoryview(self._map)[_HEADER.size:start].cast("I")
        if len(self._map) != start + self._offsets[count]:
            raise EngineError(f"{path}: truncated lookup table")
        self._base = start
        self._count = count
        self._nodes: dict[bytes, tuple[bool, bool]] = {}

    def __len__(self) -> int:
        return self._count

    def _entry(self, i: int) -> bytes:
        base, offsets = self._base, self._offsets
        return self._map[base + offsets[i]:base + offsets[i + 1]]

    def node(self, key: bytes) -> tuple[bool, bool]:
        """(key is a whole entry, some entry continues key with another token)."""
        found = self._nodes.get(key)
        if found is not None:
            return found
        lo, hi, entry = 0, self._count, self._entry
        while lo < hi:
            mid = (lo + hi) // 2
            if entry(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        terminal = lo < self._count and entry(lo) == key
        after = lo + 1 if terminal else lo
        more = after < self._count and entry(after).startswith(key + SEP)
        if len(self._nodes) >= _MEMO:  # a bound (~20 MB) for huge corpora; answers stay the same
            self._nodes.clear()
        self._nodes[key] = found = _ANSWERS[terminal, more]
        return found

    def longest_match(self, texts: list[Optional[bytes]], start: int) -> int:
        """Number of tokens of the longest entry starting at texts[start] (0: none),
        as LookupTrie.longest_matching_prefix walks it."""
        longest, key = 0, b""
        for i in range(start, len(texts)):
            text = texts[i]
            if text is None:
                break
            key = text if i == start else key + SEP + text
            terminal, more = self.node(key)
            if terminal:
                longest = i - start + 1
            if not more:
                break
        return longest


_tables: dict[str, CompactTable] = {}
_MEMO = 100_000  # remembered searches per table: the words of a study repeat
_ANSWERS = {(t, m): (t, m) for t in (False, True) for m in (False, True)}


def open_table(path: str | Path) -> CompactTable:
    key = str(path)
    if key not in _tables:
        _tables[key] = CompactTable(path)
    return _tables[key]


def _token_key(text: str) -> Optional[bytes]:
    # A token holding the separator (or NUL) can never equal a listed token.
    if "\x00" in text or "\x01" in text:
        return None
    return text.encode("utf-8", "surrogatepass")


def _annotator_base():
    import docdeid as dd

    return dd.process.Annotator


class CompactLookupAnnotator(_annotator_base()):  # type: ignore[misc]
    """docdeid's MultiTokenLookupAnnotator (trie form) on a :class:`CompactTable`.

    Named in deduce's config as ``focuscode.privacy.engine.CompactLookupAnnotator``;
    deduce passes ``ds`` (its lookup structures), whose ``lookup_values`` entry is the
    (empty) trie of the same name: its matching pipeline is applied to the tokens,
    as the stock annotator does.
    """

    def __init__(self, table: str, lookup_values: str, tag: str, priority: int = 0,
                 overlapping: bool = False, ds: Any = None) -> None:
        self.table = open_table(table)
        pipeline = ds[lookup_values].matching_pipeline if ds is not None else None
        self.matching_pipeline = list(pipeline or [])
        self.overlapping = overlapping
        super().__init__(tag=tag, priority=priority)

        # token text -> (its key, whether an entry starts with it): a study's words repeat,
        # so most tokens cost one dict lookup, as the stock annotator's start-word set.
        self._seen: dict[str, tuple[Optional[bytes], bool]] = {}

    def _key(self, text: str) -> tuple[Optional[bytes], bool]:
        seen = self._seen.get(text)
        if seen is None:
            key = text
            for modifier in self.matching_pipeline:
                key = modifier.process(key)
            key = _token_key(key)
            seen = (key, key is not None and self.table.node(key) != (False, False))
            if len(self._seen) >= _MEMO:
                self._seen.clear()
            self._seen[text] = seen
        return seen

    def annotate(self, doc) -> list:
        from docdeid import Annotation

        tokens = doc.get_tokens()
        seen = [self._key(token.text) for token in tokens]
        texts = [key for key, _ in seen]
        annotations = []
        min_i = 0
        for i, (_, starts) in enumerate(seen):
            if not starts or i < min_i:
                continue
            length = self.table.longest_match(texts, i)
            if not length:
                continue
            first, last = tokens[i], tokens[i + length - 1]
            annotations.append(Annotation(
                text=doc.text[first.start_char:last.end_char], start_char=first.start_char,
                end_char=last.end_char, start_token=first, end_token=last,
                tag=self.tag, priority=self.priority,
            ))
            if not self.overlapping:
                min_i = i + length
        return annotations


# --- building and loading -----------------------------------------------------------------


def _base_config() -> dict:
    from importlib import resources

    return json.loads((resources.files("deduce") / "base_config.json").read_text(encoding="utf-8"))


def _swapped_annotators(folder: Path) -> dict:
    """The config that points deduce's heavy lookup annotators at our compact tables."""
    swapped = {}
    for name, info in _base_config().get("annotators", {}).items():
        args = info.get("args", {})
        if info.get("annotator_type") == "docdeid.process.MultiTokenLookupAnnotator" and args.get("lookup_values") in HEAVY_LISTS:
            swapped[name] = {
                "annotator_type": f"{__name__}.CompactLookupAnnotator",
                "args": {**args, "table": str(folder / f"{args['lookup_values']}.tab")},
            }
    if set(a["args"]["lookup_values"] for a in swapped.values()) != set(HEAVY_LISTS):
        raise EngineError("this deduce version's config has no street/institution lookup annotators to replace")
    return swapped


def _copy_lists(lookup_dir: Path, target: Path) -> None:
    """deduce's lookup lists with the heavy ones emptied, all looking older than any cache."""
    shutil.copytree(lookup_dir / "src", target / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for folder in HEAVY_LISTS.values():
        emptied = target / "src" / folder
        shutil.rmtree(emptied)
        emptied.mkdir()
        (emptied / "items.txt").write_text("", encoding="utf-8")
    for path in [target / "src", *(target / "src").rglob("*")]:
        os.utime(path, (_OLD_MTIME, _OLD_MTIME))


def _heavy_tries(lookup_dir: Path, tokenizer, progress: Callable[[str], None]) -> Iterator[tuple[str, Any]]:
    """deduce's own street and healthcare-institution tries, one at a time: from its
    cache when valid (seconds), else built by its loaders from its lists (about two
    minutes; only one trie is alive at a time)."""
    import deduce
    from deduce import lookup_struct_loader as loaders
    from deduce.lookup_structs import load_lookup_structs_from_cache, load_raw_itemsets

    cached = None
    if (lookup_dir / "cache" / "lookup_structs.pickle").is_file():
        progress("reading deduce's own lookup cache")
        try:
            cached = load_lookup_structs_from_cache(cache_path=lookup_dir, deduce_version=deduce.__version__)
        except Exception:  # noqa: BLE001 - an unreadable cache only means building from the lists
            cached = None
    if cached is not None:
        tries = {name: cached[name] for name in HEAVY_LISTS}
        del cached
        while tries:
            yield tries.popitem()
        return
    from deduce.data.lookup.src import all_lists

    progress("reading deduce's street and institution lists (about a minute)")
    # The institution loader filters with the whitelist, which needs most other lists.
    raw = load_raw_itemsets(base_path=lookup_dir, subdirs=list(all_lists))
    loader = {"street": loaders.load_street_lookup, "healthcare_institution": loaders.load_institution_lookup}
    for name in HEAVY_LISTS:
        progress(f"building deduce's {name.replace('_', ' ')} lookup (about half a minute)")
        yield name, loader[name](raw, tokenizer)


def build(folder: Path, progress: Progress = None) -> None:
    """Build the engine into `folder` (atomically: a private temporary folder renamed)."""
    report = progress or (lambda message: None)
    lookup_dir = deduce_lookup_dir()
    if lookup_dir is None:
        raise EngineError("deduce is not installed")
    Deduce = import_deduce()
    started = time.perf_counter()
    folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for stale in folder.parent.glob(".build-*"):  # left by a build that was killed
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=folder.parent))  # mode 0700
    old_umask = os.umask(0o077)
    try:
        report("[1/3] copying deduce's lookup lists without the street and institution lists")
        _copy_lists(lookup_dir, work / "lookup")
        report("[2/3] building deduce's name, place and word lookups (under a minute)")
        small = Deduce(lookup_data_path=work / "lookup", cache_path=work / "lookup")
        tokenizer = small.tokenizers["default"]
        report("[3/3] compiling the street and institution lookups into compact tables")
        counts = {}
        enabled = gc.isenabled()
        gc.disable()  # a million acyclic trie nodes: collection passes would only cost time
        try:
            for name, trie in _heavy_tries(lookup_dir, tokenizer, report):
                counts[name] = write_table(work / f"{name}.tab", trie_entries(trie))
                del trie  # freed before the next one is built: half the peak memory
        finally:
            if enabled:
                gc.enable()
        for path in work.rglob("*"):
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
        seconds = round(time.perf_counter() - started, 1)
        (work / _READY).write_text(json.dumps({
            "format": FORMAT, "deduce": _dist_version("deduce"), "entries": counts, "seconds": seconds,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }), encoding="utf-8")
        try:
            os.rename(work, folder)
        except OSError:
            if not is_built(folder):  # not another process that finished first
                raise
        else:
            report(f"privacy lookups built in {seconds:.0f} s: {folder}")
    finally:
        os.umask(old_umask)
        shutil.rmtree(work, ignore_errors=True)


def load(folder: Path):
    """A Deduce object on the built engine in `folder`."""
    Deduce = import_deduce()
    config = {"annotators": _swapped_annotators(folder)}
    enabled = gc.isenabled()
    gc.disable()  # tens of thousands of small objects: no collection passes while unpickling
    try:
        engine = Deduce(config=config, lookup_data_path=folder / "lookup", cache_path=folder / "lookup")
    except EngineError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged pickle raises anything from EOFError to AttributeError
        raise EngineError(f"{type(exc).__name__}: {exc}") from None
    finally:
        if enabled:
            gc.enable()
    gc.freeze()  # and none over them afterwards
    return engine


def fast_deduce(progress: Progress = None):
    """The gate's deduce: the compact engine, built on first use; stock deduce when the
    cache folder cannot be written or the engine cannot be built."""
    report = progress or (lambda message: None)
    folder: Path | str = "the cache folder"
    try:
        folder = engine_dir()
        if folder is None:
            raise EngineError("deduce is not installed")
        if not is_built(folder):
            build(folder, progress)
        try:
            return load(folder)
        except EngineError as exc:  # a damaged table: build afresh, once
            report(f"privacy lookups in {folder} are damaged ({exc}); building them again")
            shutil.rmtree(folder, ignore_errors=True)
            build(folder, progress)
            return load(folder)
    except (OSError, EngineError) as exc:
        report(f"privacy lookups could not be prepared in {folder} ({exc}); using deduce's own (slower)")
        return import_deduce()()
