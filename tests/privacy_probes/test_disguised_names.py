"""Probes: a name written so that a reader sees it and a scanner does not.

Each probe is a transcript as a transcription service (Amberscript, Word's "save as
text") delivers it, "Label: text" lines, with one participant's name disguised the way
a copy from another app, an input method or a hostile file leaves it. The import must
be refused at the name's own line, in its own spelling, and the project left as it was.
"""

from __future__ import annotations

import pytest

from fctest import db_snapshot
from privacykit import refused

HEAD = "Gespreksleider: Welkom allemaal. Wie begint?\n"


def _transcript(tmp_path, line: str, name: str = "fg-po-probe.txt"):
    folder = tmp_path / "ruw"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(HEAD + line + "\n", encoding="utf-8")
    return path


PROBES = {
    # Full-width letters, as a Japanese or Chinese input method types them (and as
    # "aesthetic text" generators produce): every reader sees "Sanne Vermeulen".
    "full-width letters": ("OOP'er 1 (po): Ik werk samen met \uff33\uff41\uff4e\uff4e\uff45 "
                           "\uff36\uff45\uff52\uff4d\uff45\uff55\uff4c\uff45\uff4e in groep 5.", "persoon"),
    # Mathematical bold letters, as pasted from a social-media "bold text" generator.
    "mathematical bold": ("OOP'er 1 (po): Onze intern begeleider "
                          "\U0001d409\U0001d428\U0001d421\U0001d41a\U0001d427 de \U0001d415\U0001d42b\U0001d422\U0001d41e\U0001d42c "
                          "regelt de roosters.", "persoon"),
    # A left-to-right and a right-to-left mark inside the words, as a copy out of a
    # Teams chat with Arabic or Hebrew messages leaves them: invisible, but they split the name.
    "direction marks inside": ("OOP'er 1 (po): Ik werk samen met San\u200ene Ver\u200fmeulen in groep 5.", "persoon"),
    # Cyrillic letters that look like Latin ones in every font.
    "Cyrillic lookalikes": ("OOP'er 1 (po): Ik werk samen met Joh\u0430n de Vr\u0456es in groep 5.", "persoon"),
    "all-Cyrillic lookalike first name": ("OOP'er 1 (po): Gisteren belde \u0405\u0430nn\u0435 me nog over het rooster.", "persoon"),
    # A variation selector (emoji keyboards insert them) inside a name.
    "variation selector": ("OOP'er 1 (po): Gisteren belde San\ufe0fne me nog over het rooster.", "persoon"),
    # A surname hyphenated at a line end, as a typist's hard hyphenation or Word's
    # "save as text" of a justified paragraph leaves it.
    "hyphenated at a line end": ("OOP'er 1 (po): Ik heb dat besproken met mevrouw Ver-\nmeulen van de administratie.", "persoon"),
    # Full-width punctuation in an e-mail address (an input method again).
    "full-width e-mail": ("OOP'er 1 (po): Mail me op sanne\uff0evermeulen\uff20basisschool\uff0enl als het kan.", "emailadres"),
    # A phone number with Word's non-breaking hyphen (Ctrl+Shift+-) or an autocorrected en dash.
    "non-breaking hyphen phone": ("OOP'er 1 (po): Bel me gerust op 06\u201112345678 na schooltijd.", "telefoonnummer"),
    "en dash phone": ("OOP'er 1 (po): Bel me gerust op 06\u201312345678 na schooltijd.", "telefoonnummer"),
}


@pytest.mark.parametrize("probe", list(PROBES))
def test_a_disguised_name_is_refused_at_its_line(cli, db_path, tmp_path, probe):
    line, category = PROBES[probe]
    cli("init")
    before = db_snapshot(db_path)
    path = _transcript(tmp_path, line)
    result = cli("import", path, "--source", "focusgroep", "--allow-unknown")
    refused(result, db_path, before, f"fg-po-probe.txt:2 {category} '")


def test_a_finding_keeps_its_original_spelling(cli, db_path, tmp_path):
    # The report names what is in the file, so the researcher can find it with a search.
    cli("init")
    before = db_snapshot(db_path)
    path = _transcript(tmp_path, "OOP'er 1 (po): Ik werk samen met Joh\u0430n de Vr\u0456es in groep 5.")
    line = refused(cli("import", path, "--source", "focusgroep", "--allow-unknown"), db_path, before)
    assert "'Joh\u0430n de Vr\u0456es'" in line


def test_names_list_matches_a_lookalike_spelling(cli, db_path, tmp_path):
    # --allow-pii skips deduce; the names list still reads the normalised text.
    names = tmp_path / "namen.txt"
    names.write_text("Sanne Vermeulen\n", encoding="utf-8")
    path = _transcript(tmp_path, "OOP'er 1 (po): Ik werk samen met S\u0430nne V\u0435rmeulen in groep 5.")
    result = cli("import", path, "--source", "focusgroep", "--allow-unknown", "--allow-pii", "--names", names)
    assert result.exit_code == 0, result.output
    assert "fg-po-probe.txt:2 persoon 'S\u0430nne V\u0435rmeulen'" in result.stderr


def test_a_docx_line_break_inside_a_hyphenated_surname(cli, db_path, tmp_path):
    # Word: the typist broke "Vermeulen" with a hyphen and a manual line break
    # (Shift+Enter, <w:br/>) inside one run; the paragraph is read as one line.
    import docx

    document = docx.Document()
    document.add_paragraph("Gespreksleider: Welkom allemaal. Wie begint?")
    paragraph = document.add_paragraph()
    run = paragraph.add_run("OOP'er 1 (po): Dat heb ik met mevrouw Ver-")
    run.add_break()
    run.add_text("meulen van de administratie besproken.")
    path = tmp_path / "fg-po-probe.docx"
    document.save(path)
    cli("init")
    before = db_snapshot(db_path)
    refused(cli("import", path, "--source", "focusgroep", "--allow-unknown"), db_path, before,
            "fg-po-probe.docx:2 persoon '")


CLEAN = [
    # Dutch elision with a hyphen is not a broken word.
    "OOP'er 1 (po): In het po- en vo-onderwijs werken veel onderwijsassistenten.",
    "OOP'er 1 (po): Reken- of taalbegeleiding, dat maakt mij niet zoveel uit.",
    # Ligatures and dashes of an ordinary Word document.
    "OOP'er 1 (po): Het is een ﬁjne school \u2013 echt waar \u2013 maar de cao is krap.",
]


@pytest.mark.parametrize("line", CLEAN)
def test_ordinary_dutch_is_not_a_finding(cli, tmp_path, line):
    path = _transcript(tmp_path, line)
    result = cli("import", path, "--source", "focusgroep", "--allow-unknown")
    assert result.exit_code == 0, result.output


def test_markdown_emphasis_inside_a_name_in_a_md_transcript(cli, db_path, tmp_path):
    # A Markdown transcript as Obsidian/Typora notes look ("**Label**: text"); the typist's
    # bold inside a word splits it for a scanner, while the summary's Markdown (which keeps
    # * and _) and every Markdown viewer show "Sanne".
    cli("init")
    before = db_snapshot(db_path)
    path = tmp_path / "fg-po-notities.md"
    path.write_text("**Gespreksleider**: Welkom allemaal.\n\n"
                    "**OOP'er 1 (po)**: Gisteren belde S**an**ne me nog over het rooster.\n", encoding="utf-8")
    refused(cli("import", path, "--source", "focusgroep", "--allow-unknown"), db_path, before,
            "fg-po-notities.md:3 persoon 'S**an**ne'")


def test_right_to_left_override_showing_a_name(cli, db_path, tmp_path):
    # A Zoom-style WebVTT cue whose text holds a right-to-left override: stored
    # "neluemreV ennaS", shown as "Sanne Vermeulen" by every viewer and export that honours it.
    cli("init")
    before = db_snapshot(db_path)
    path = tmp_path / "zoom-fg-po.vtt"
    path.write_text("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nGespreksleider: Welkom allemaal.\n\n"
                    "2\n00:00:05.000 --> 00:00:09.000\nOOP'er 1 (po): Ik werk samen met "
                    "\u202eneluemreV ennaS\u202c in groep 5.\n", encoding="utf-8")
    refused(cli("import", path, "--source", "focusgroep", "--allow-unknown"), db_path, before,
            "zoom-fg-po.vtt:9 persoon 'neluemreV ennaS'")


def test_names_list_matches_dutch_genitive_and_diminutive_forms(cli, db_path, tmp_path):
    # A names list holds "Roos" and "Bram"; colleagues say "Roosje", "Brams plan", "Brammetje"
    # (the Dutch genitive -s and diminutives -je, -tje, -pje, -etje).
    names = tmp_path / "namen.txt"
    names.write_text("Roos\nBram\n", encoding="utf-8")
    path = _transcript(tmp_path, "OOP'er 1 (po): Roosje regelt het rooster, dat was Brams plan en Brammetje helpt.")
    result = cli("import", path, "--source", "focusgroep", "--allow-unknown", "--allow-pii", "--names", names)
    assert result.exit_code == 0, result.output
    for form in ("'Roosje'", "'Brams'", "'Brammetje'"):
        assert f"fg-po-probe.txt:2 persoon {form}" in result.stderr, result.stderr


@pytest.mark.parametrize("bracketed, category", [
    ("[Sanne Vermeulen]", "persoon"), ("[juf Sanne]", "persoon"), ("[06-12345678]", "telefoonnummer"),
    ("[sanne.vermeulen@regenboog.nl]", "emailadres"),
])
def test_a_name_in_square_brackets_is_not_a_placeholder(cli, db_path, tmp_path, bracketed, category):
    # Typists put asides in brackets; only what anonymise writes ([PERSOON-1]) and the
    # typists' own placeholder words ([naam], [school], [NAAM]) are left alone.
    cli("init")
    before = db_snapshot(db_path)
    path = _transcript(tmp_path, f"OOP'er 1 (po): Ik heb dat {bracketed} gevraagd, maar [onverstaanbaar] en [naam].")
    refused(cli("import", path, "--source", "focusgroep", "--allow-unknown"), db_path, before,
            f"fg-po-probe.txt:2 {category} '")
