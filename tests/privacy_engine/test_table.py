"""The compact table answers exactly as docdeid's LookupTrie, which it replaces.

Entries and queries are token lists as deduce's tokenizer makes them from street and
institution names ("Lange", "Voorhout", "van der", "Curaçao"), plus what could fool a
sorted, separator-joined table: prefixes of entries, tokens that are prefixes of other
tokens, accents composed and decomposed, and the separator and NUL themselves.
"""

from __future__ import annotations

import docdeid as dd
from hypothesis import given, settings
from hypothesis import strategies as st

from focuscode.privacy.engine import CompactTable, EngineError, _token_key, trie_entries, write_table

TOKENS = ["Lange", "Lang", "Langer", "Voorhout", "van der", "van", "Cordaan", ",", "Kleinschalig", "wonen",
          "Curaçao", "Curac\u0327ao", "straat", "34", "a", "A", "", " ", "é", "\u200b", "\x01", "\x00", "\x02", "Ω"]
token = st.sampled_from(TOKENS)
entry = st.lists(token, min_size=1, max_size=5)


def _clean(seq):
    return "\x00" not in "".join(seq) and "\x01" not in "".join(seq)


@settings(max_examples=300, deadline=None)
@given(entries=st.lists(entry, max_size=40), queries=st.lists(st.lists(token, max_size=8), min_size=1, max_size=10))
def test_longest_match_equals_the_trie(tmp_path_factory, entries, queries):
    entries = [e for e in entries if _clean(e)]
    trie = dd.ds.LookupTrie()
    for e in entries:
        trie.add_item(e)
    path = tmp_path_factory.mktemp("table") / "t.tab"
    assert write_table(path, trie_entries(trie)) == len({tuple(e) for e in entries})
    table = CompactTable(path)
    for query in queries:
        keys = [_token_key(t) for t in query]
        for start in range(len(query)):
            expected = trie.longest_matching_prefix(query, start_i=start)
            assert table.longest_match(keys, start) == (len(expected) if expected else 0), (query, start)


def test_damaged_or_foreign_files_are_refused(tmp_path):
    trie = dd.ds.LookupTrie()
    trie.add_item(["Lange", "Voorhout"])
    path = tmp_path / "street.tab"
    write_table(path, trie_entries(trie))
    data = path.read_bytes()
    for bad in (data[:-3], b"", b"PK\x03\x04" + data[4:], data + b"x"):
        path.write_bytes(bad)
        try:
            CompactTable(path)
        except EngineError:
            continue
        raise AssertionError(f"accepted a damaged table: {bad[:12]!r}")


def test_an_entry_holding_the_separator_is_refused(tmp_path):
    try:
        write_table(tmp_path / "t.tab", [["Lange\x01", "Voorhout"]])
    except EngineError as exc:
        assert "control character" in str(exc)
    else:
        raise AssertionError("wrote an entry the table cannot represent")
