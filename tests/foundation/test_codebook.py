"""The codebook validator reports every problem with file and line; invalid files load nothing."""

import textwrap

import pytest

from focuscode.codebook import parse_codebook
from focuscode.errors import CodebookError

from fctest import CODEBOOK

GOOD = textwrap.dedent(
    """\
    - name: ad-hoctaken
      description: Taken buiten het afgesproken takenpakket.
      color: "#D62728"
      keywords: [ad-hoctaak, klusje]
      children:
        - name: invallen en lessen overnemen
          include: De OOP'er vervangt een afwezige leraar.
          exclude: Geplande eigen instructie aan groepjes.
          keywords:
            - invallen
            - les overnemen
            - {term: surveilleren, compound: false}
          patterns:
            - [{LEMMA: voor}, {LEMMA: de}, {LEMMA: klas}, {LEMMA: staan}]
    - name: doorgroei
      keywords: [doorgroei, loopbaan, scholing]
    """
)


def test_good_codebook_parses_into_a_tree():
    book = parse_codebook(GOOD, "oop.yaml")
    names = [c.name for c in book.walk()]
    assert names == ["ad-hoctaken", "invallen en lessen overnemen", "doorgroei"]
    child = book.by_name()["invallen en lessen overnemen"]
    assert child.parent == "ad-hoctaken"
    assert book.theme_of(child.name) == "ad-hoctaken"
    assert [(k.term, k.compound) for k in child.keywords] == [
        ("invallen", True), ("les overnemen", True), ("surveilleren", False)]
    assert child.patterns[0][0] == {"LEMMA": "voor"}
    assert book.codes[0].color == "#d62728"


def _problems(text):
    with pytest.raises(CodebookError) as info:
        parse_codebook(textwrap.dedent(text), "cb.yaml")
    return [str(p) for p in info.value.problems]


def test_every_problem_is_reported_with_its_line():
    problems = _problems(
        """\
        - name: visie
          keywords: [visie, ""]
          kleur: "#ffffff"
        - name: visie
          patterns:
            - [{LEMA: visie}]
        """
    )
    assert "cb.yaml:2: empty keyword in 'visie'" in problems
    assert any(p.startswith("cb.yaml:3: unknown key 'kleur'") for p in problems)
    assert any(p.startswith("cb.yaml:4: duplicate code name 'visie' (first at line 1)") for p in problems)
    assert any(p.startswith("cb.yaml:6: bad pattern in 'visie'") and "LEMA" in p for p in problems)
    assert len(problems) == 4


def test_yaml_syntax_error_names_the_line():
    problems = _problems("- name: visie\n  keywords: [visie\n- name: doorgroei\n")
    assert problems[0].startswith("cb.yaml:3: not valid YAML")


def test_bad_colour_nameless_code_and_empty_file():
    problems = _problems("- name: visie\n  color: rood\n- description: zonder naam\n")
    assert "color of 'visie' must look like #1f77b4, not 'rood'" in problems[0]
    assert problems[1] == "cb.yaml:3: a code without a name"
    with pytest.raises(CodebookError, match="empty"):
        parse_codebook("", "cb.yaml")


def test_the_study_codebook_is_valid_and_has_the_four_themes():
    if not CODEBOOK.exists():
        pytest.skip("codebook/oop.yaml not written yet")
    from focuscode.codebook import load_codebook

    book = load_codebook(CODEBOOK)
    # the design card's four themes, plus added value and general vision as codes of their own (#12)
    assert [c.name for c in book.codes] == [
        "visie", "algemene onderwijsvisie", "meerwaarde", "ad-hoctaken", "doorgroei", "afstemming"]
    for theme in book.codes:
        if theme.name in ("visie", "ad-hoctaken", "doorgroei", "afstemming"):
            assert 3 <= len(theme.children) <= 6, theme.name
        assert all(c.keywords and c.examples for c in theme.walk()), theme.name
