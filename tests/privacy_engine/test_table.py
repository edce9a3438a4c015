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


WORDS = ["Lange", "Voorhout", "Cordaan", "Kleinschalig", "wonen", "Curaçao", "straat", "34", "de", "aan",
         "LANGE", "lange", "voorhout", ",", ".", "\n", "\u200b", "\x01", "Zorggroep", "Noorderboog"]


@settings(max_examples=150, deadline=None)
@given(entries=st.lists(st.lists(st.sampled_from(WORDS[:10] + WORDS[18:]), min_size=1, max_size=4), max_size=25),
       words=st.lists(st.sampled_from(WORDS), max_size=30), overlapping=st.booleans(), lowercase=st.booleans())
def test_annotations_equal_docdeids_multitoken_annotator(tmp_path_factory, entries, words, overlapping, lowercase):
    """The annotator on a compact table against docdeid's own on the trie it came from,
    on texts tokenised as deduce does, with and without a lower-casing matching pipeline
    (deduce's hospital lookup has one) and in both overlap modes."""
    from deduce.tokenizer import DeduceTokenizer

    from focuscode.privacy.engine import CompactLookupAnnotator

    pipeline = [dd.str.LowercaseString()] if lowercase else None
    trie = dd.ds.LookupTrie(matching_pipeline=pipeline)
    for e in entries:
        trie.add_item(e)
    path = tmp_path_factory.mktemp("table") / "t.tab"
    write_table(path, trie_entries(trie))
    empty = dd.ds.LookupTrie(matching_pipeline=pipeline)  # what deduce hands over: the same pipeline, no items
    ours = CompactLookupAnnotator(table=str(path), lookup_values="x", tag="straat", priority=1,
                                  overlapping=overlapping, ds={"x": empty})
    stock = dd.process.MultiTokenLookupAnnotator(trie=trie, tag="straat", priority=1, overlapping=overlapping)
    text = " ".join(words)

    def spans(annotator):
        doc = dd.Document(text, tokenizers={"default": DeduceTokenizer()})
        return sorted((a.start_char, a.end_char, a.text, a.tag, a.priority, a.start_token.text, a.end_token.text)
                      for a in annotator.annotate(doc))

    assert spans(ours) == spans(stock)
