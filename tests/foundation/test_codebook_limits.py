"""Codebooks that once crashed or slipped through: each is one error line with file:line,
found at `codebook load`/`validate`, and a refused load leaves the project's codebook as it was.

The files imitate what a researcher writes by hand in an editor (or copies from a
YAML tutorial): anchors to reuse a subtree, a pattern copied from spaCy's docs with a
typo, an empty `patterns:` left for later.
"""

from __future__ import annotations

import sqlite3
import textwrap
import time

import pytest

from fctest import CODEBOOK, db_snapshot

# The classic "billion laughs" in YAML: nine anchors, each nine times the previous (617 bytes
# with the names below); PyYAML expands it to 9**9 strings when constructing.
ALIAS_BOMB = textwrap.dedent(
    """\
    - name: visie
      description: Visie op de inzet van onderwijsondersteuners.
      keywords: &a [klusje, klusje, klusje, klusje, klusje, klusje, klusje, klusje, klusje]
      examples: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
      include: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
      exclude: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
      exclude_keywords: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
      children:
        - name: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
          description: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
          include: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
          exclude: [*h, *h, *h, *h, *h, *h, *h, *h, *h]
    """
)

RECURSIVE = textwrap.dedent(
    """\
    - &thema
      name: doorgroei
      keywords: [doorgroei, loopbaan]
      children:
        - *thema
    """
)

EMPTY_PATTERNS = textwrap.dedent(
    """\
    - name: ad-hoctaken
      keywords: [klusje]
      children:
        - name: invallen en lessen overnemen
          keywords: [invallen]
          patterns:
    """
)

# Patterns that pass a structural check but that spaCy's Matcher refuses.
SPACY_INVALID = textwrap.dedent(
    """\
    - name: ad-hoctaken
      keywords: [klusje]
      children:
        - name: invallen en lessen overnemen
          keywords: [invallen]
          patterns:
            - [{LEMMA: {IN: invallen}}, {LEMMA: voor}]
        - name: surveilleren
          patterns:
            - [{LOWER: {REGEX: "(pleinwacht"}}]
            - [{LENGTH: lang}]
    """
)


ONLY_PUNCTUATION = textwrap.dedent(
    """\
    - name: doorgroei
      keywords: [doorgroei, "—"]
      exclude_keywords: ["..."]
    """
)


def _deep_flow(levels: int) -> str:
    # Flow style keeps a 5,000-level tree small (block style would indent it to 50 MB).
    return "- " + "".join(f"{{name: laag-{i}, children: [" for i in range(levels)) + "]}" * levels + "\n"


def _deep(levels: int) -> str:
    lines, indent = ["- name: laag-0"], "  "
    for i in range(1, levels):
        lines += [f"{indent}children:", f"{indent}  - name: laag-{i}"]
        indent += "    "
    return "\n".join(lines) + "\n"


@pytest.fixture
def loaded(cli, db_path):
    """A project with the study's codebook loaded: what a failed load must leave alone."""
    assert cli("codebook", "load", CODEBOOK).exit_code == 0
    return db_path


def _one_line(result, *needles):
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


CASES = {
    "alias bomb": (ALIAS_BOMB, ["bom.yaml:4:", "aliases"]),
    "recursive children": (RECURSIVE, ["bom.yaml:5:", "aliases"]),
    "empty patterns": (EMPTY_PATTERNS, ["bom.yaml:6:", "'patterns' of 'invallen en lessen overnemen' must be a list"]),
    "spaCy rejects": (SPACY_INVALID, ["bom.yaml:7:", "spaCy rejects", "IN"]),
    "5,000 levels deep": (_deep_flow(5000), ["bom.yaml:", "nested deeper than"]),
    "keyword without a word": (ONLY_PUNCTUATION, ["bom.yaml:2:", "keyword '—' of 'doorgroei' has no word to match"]),
    "20 levels of children": (_deep(20), ["bom.yaml:", "codes nested deeper than 12 levels"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_codebook_is_one_line_and_keeps_the_loaded_one(case, cli, loaded, tmp_path):
    text, needles = CASES[case]
    path = tmp_path / "bom.yaml"
    path.write_text(text, encoding="utf-8")
    before = db_snapshot(loaded)
    active = sqlite3.connect(loaded).execute("SELECT count(*) FROM codes WHERE active = 1").fetchone()[0]
    assert active > 0
    start = time.monotonic()
    _one_line(cli("codebook", "load", path), *needles)
    assert time.monotonic() - start < 10  # the bomb is refused, not expanded
    assert db_snapshot(loaded) == before
    conn = sqlite3.connect(loaded)
    assert conn.execute("SELECT count(*) FROM codes WHERE active = 1").fetchone()[0] == active


def test_validate_lists_every_spacy_rejection_with_its_line(cli, tmp_path):
    path = tmp_path / "patronen.yaml"
    path.write_text(SPACY_INVALID, encoding="utf-8")
    result = cli("codebook", "validate", path)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert [line.split(": ", 2)[1] for line in lines] == [f"{path}:7", f"{path}:10", f"{path}:11"]
    assert "missing )" in lines[1]  # the regex error, in spaCy's words
    assert "LENGTH" in lines[2]


def test_valid_patterns_and_dates_still_load(cli, db_path, tmp_path):
    path = tmp_path / "oop-2024.yaml"
    path.write_text(textwrap.dedent(
        """\
        name: OOP-codeboek
        version: 2024-03-01
        codes:
          - name: ad-hoctaken
            description: Taken buiten het takenpakket (versie 2024-03-01).
            children:
              - name: invallen en lessen overnemen
                keywords: [invallen]
                patterns:
                  - [{LEMMA: voor}, {LEMMA: de}, {LEMMA: klas, OP: "?"}, {LEMMA: {IN: [staan, zitten]}}]
                  - [{LOWER: {REGEX: "^surveill"}}, {IS_PUNCT: false, OP: "*"}, {LEMMA: toets}]
        """), encoding="utf-8")
    # --allow-pii: the privacy gate reads the version date in the description as a date.
    result = cli("codebook", "load", path, "--allow-pii")
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db_path)
    patterns = conn.execute("SELECT patterns FROM codes WHERE name = 'invallen en lessen overnemen'").fetchone()[0]
    assert "zitten" in patterns and "surveill" in patterns
