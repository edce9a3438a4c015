"""The scanner is hard to fool: a name hidden by Unicode tricks, capitals or a lower-case label
is still found, and reported at its own line with its own spelling.

Each probe is a transcript as a real tool writes it (named per test); each would have been
imported by the scanner that read the text as it came.
"""

from __future__ import annotations

import sqlite3
import unicodedata

from fctest import db_snapshot
from privacykit import refused

ZWSP, SHY, NBSP = "\u200b", "\u00ad", "\u00a0"


def _import(cli, path, *args):
    return cli("import", path, "--source", "focusgroep", "--allow-unknown", *args)


def test_decomposed_accents_nfd_are_found(cli, db_path, tmp_path):
    """macOS TextEdit and some transcription services save decomposed accents (NFD)."""
    cli("init")
    before = db_snapshot(db_path)
    name = unicodedata.normalize("NFD", "Inès Öztürk")
    path = tmp_path / "fg-vo-mac.txt"
    path.write_text(f"Gespreksleider: Wie coördineert de inzet?\nDocent 1: Dat doet {name}, onze teamleider.\n",
                    encoding="utf-8")
    line = refused(_import(cli, path), db_path, before, "fg-vo-mac.txt:2 persoon")
    assert name in line  # the spelling of the file, not the normalised one


def test_zero_width_space_and_soft_hyphen_inside_a_name_are_found(cli, db_path, tmp_path):
    """Text pasted from a web page or Word keeps zero-width spaces and soft hyphens."""
    cli("init")
    before = db_snapshot(db_path)
    hidden = f"San{ZWSP}ne Ver{SHY}meulen"
    path = tmp_path / "dialoogtafel-web.md"
    path.write_text("**Gespreksleider**: Wie regelt de roosters?\n\n"
                    f"**OOP'er (po)**: Eerst deed {hidden} dat, nu niemand meer.\nDus regel ik het zelf.\n",
                    encoding="utf-8")
    refused(_import(cli, path), db_path, before, f"dialoogtafel-web.md:3 persoon '{hidden}'")


def test_a_name_in_capitals_is_found_and_shouting_without_names_is_not(cli, db_path, tmp_path):
    """Interview notes typed with caps lock (a Word export to .txt)."""
    cli("init")
    before = db_snapshot(db_path)
    path = tmp_path / "interview-notities.txt"
    path.write_text("Interviewer: Wat wil je kwijt?\n"
                    "R1: IK WIL MEER SCHOLING EN MINDER KLUSJES. DE CAO VOOR OOP'ERS IN HET PO IS NIET GENOEG.\n"
                    "Ik zei het ook al tegen SANNE VERMEULEN VAN DE DIRECTIE.\n", encoding="utf-8")
    line = refused(_import(cli, path), db_path, before, "interview-notities.txt:3 persoon 'SANNE VERMEULEN'")
    assert "SCHOLING" not in line and "KLUSJES" not in line and "CAO" not in line
    path.write_text("Interviewer: Wat wil je kwijt?\nR1: IK WIL MEER SCHOLING EN MINDER KLUSJES, DAT IS ALLES.\n",
                    encoding="utf-8")
    assert _import(cli, path).exit_code == 0


def test_a_lower_case_speaker_label_is_found(cli, db_path, tmp_path):
    """Otter.ai and hand-typed notes write labels in lower case: "sanne: ..."."""
    cli("init")
    before = db_snapshot(db_path)
    path = tmp_path / "fg-po-otter.txt"
    path.write_text("gespreksleider: Hoe is de samenwerking met de leerkracht?\n"
                    "sanne: Goed, we overleggen elke ochtend even kort.\n", encoding="utf-8")
    refused(_import(cli, path), db_path, before, "fg-po-otter.txt:2 persoon (sprekerlabel) 'sanne'")


def test_a_lower_case_vtt_voice_tag_is_found(cli, db_path, tmp_path):
    """Teams writes the speaker as a <v ...> voice tag; an edited file had it in lower case."""
    cli("init")
    before = db_snapshot(db_path)
    path = tmp_path / "teams-fg-vo.vtt"
    path.write_text("WEBVTT\n\n"
                    "00:00:01.000 --> 00:00:04.000\n<v Gespreksleider>Welkom allemaal.</v>\n\n"
                    "00:00:05.000 --> 00:00:09.500\n<v bas jansen>Ik ben instructeur bij techniek.</v>\n",
                    encoding="utf-8")
    refused(_import(cli, path), db_path, before, "teams-fg-vo.vtt:7 persoon (sprekerlabel) 'bas jansen'")


def test_names_list_matches_across_no_break_double_and_zero_width_spaces_and_nfd(cli, db_path, tmp_path):
    """--names holds the name as typed (NFC, one space); the transcript spells it otherwise."""
    cli("init")
    names = tmp_path / "namen.txt"
    names.write_text("Noor Ünal\nschool: De Vlinderhof\n", encoding="utf-8")
    spellings = [f"Noor{NBSP}Ünal", "Noor  Ünal", f"Noor {ZWSP}Ünal", unicodedata.normalize("NFD", "Noor Ünal"),
                 "NOOR ÜNAL", "De\tVlinderhof"]
    before = db_snapshot(db_path)
    for n, spelling in enumerate(spellings):
        path = tmp_path / f"fg-{n}.txt"
        path.write_text(f"Gespreksleider: Wie zit er in het team?\nOOP'er 1 (po): Ik werk samen met {spelling}.\n",
                        encoding="utf-8")
        line = refused(_import(cli, path, "--names", names), db_path, before, f"fg-{n}.txt:2")
        # The file's own spelling (the one-line error folds runs of spaces, as for every message).
        assert "'" + " ".join(spelling.split()) + "'" in line, (spelling, line)


def test_a_name_deep_in_a_long_turn_is_reported_at_its_own_line(cli, db_path, tmp_path):
    """A Word-style transcript: the label on its own line, then paragraph lines whose double
    spaces, no-break spaces and decomposed accents make the normalised text shorter than the
    original; the finding must still point at the original line and spelling."""
    cli("init")
    before = db_snapshot(db_path)
    path = tmp_path / "fg-lang.txt"
    hidden = f"Fa{SHY}tima el Am{ZWSP}rani"
    path.write_text("Gespreksleider\nWat doen jullie op een dag?\n\nOOP'er 1 (po)\n"
                    f"Ik begin om half acht  met het klaarzetten{NBSP}{NBSP}van de materialen.\n"
                    f"Dan de leesgroepjes, daarna de pauzewacht in de {unicodedata.normalize('NFD', 'coördinatieruimte')}.\n"
                    f"En 's middags help ik {hidden} uit groep 6 met rekenen.\n", encoding="utf-8")
    refused(_import(cli, path), db_path, before, f"fg-lang.txt:7 persoon '{hidden}'")


def test_placeholders_left_by_anonymise_are_still_not_findings(cli, db_path, tmp_path):
    """A pseudonymised transcript passes: [PERSOON-1] and [school] are not names, in any case."""
    path = tmp_path / "fg-schoon.txt"
    path.write_text("Gespreksleider: Wie regelt dat?\nOOP'er 1 (po): Dat doet [PERSOON-1] op [SCHOOL-1], "
                    "VRAAG HET MAAR AAN [PERSOON-2].\n", encoding="utf-8")
    assert _import(cli, path).exit_code == 0
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM segments").fetchone()[0] == 2


def test_names_list_entries_written_oddly_still_match_plain_text(cli, db_path, tmp_path):
    """A names list typed on a Mac or pasted from a web page: NFD, no-break, double and
    zero-width spaces in its entries; the transcript spells the names plainly."""
    cli("init")
    names = tmp_path / "namen.txt"
    names.write_text(f"Noor{NBSP}Ünal\nJoris  de{ZWSP} Wit\n{unicodedata.normalize('NFD', 'Zoë Çelik')}\n"
                     "school:\tDe Vlinderhof\n", encoding="utf-8")
    path = tmp_path / "fg-po-namen.txt"
    path.write_text("Gespreksleider: Wie zit er in het team?\n"
                    "OOP'er 1 (po): Noor Ünal en joris de wit, en soms Zoë Çelik van De Vlinderhof.\n", encoding="utf-8")
    before = db_snapshot(db_path)
    line = refused(_import(cli, path, "--names", names), db_path, before)
    for found in ("persoon 'Noor Ünal'", "persoon 'joris de wit'", "persoon 'Zoë Çelik'", "school 'De Vlinderhof'"):
        assert f"fg-po-namen.txt:2 {found}" in line, (found, line)
