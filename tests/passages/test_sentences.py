"""The Dutch sentence splitter on what typed and transcribed Dutch really holds (probes from a
newcomer's attack on passages: survey answers typed in lower case, abbreviations, times,
an emoji after "?!", a line break in a typed answer)."""

import pytest

from focuscode.passages import sentences


@pytest.mark.parametrize("text, expected", [
    ("’s Ochtends ben ik er om 8.30 uur. ’s Middags om 13.00 uur weer weg.",
     ["’s Ochtends ben ik er om 8.30 uur.", "’s Middags om 13.00 uur weer weg."]),
    ("Zie blz. 4 van het plan, nr. 5. Dat is duidelijk.", ["Zie blz. 4 van het plan, nr. 5.", "Dat is duidelijk."]),
    ("Om 10.30 u. begint de pauze, t.w. 15 min.", ["Om 10.30 u. begint de pauze, t.w. 15 min."]),
    ("ik weet het niet. misschien wel. we zien wel", ["ik weet het niet.", "misschien wel.", "we zien wel"]),
    ("We doen taal, rekenen, enz. En dan nog de pauzes.", ["We doen taal, rekenen, enz.", "En dan nog de pauzes."]),
    ("Taal, rekenen enz. waar ik bij help.", ["Taal, rekenen enz. waar ik bij help."]),
    ("Echt niet?! 😅 Nou ja.", ["Echt niet?!", "😅 Nou ja."]),
    ("Kopiëren e.d.\nNieuwe regel hier.", ["Kopiëren e.d.", "Nieuwe regel hier."]),
    ("Dat vind ik m.i. niet goed. En dhr. Jansen zegt o.a. Dat het moet.",
     ["Dat vind ik m.i. niet goed.", "En dhr. Jansen zegt o.a. Dat het moet."]),
    ("Maar ja… dat is zo. Nou... bij ons niet.", ["Maar ja… dat is zo.", "Nou... bij ons niet."]),
])
def test_dutch_sentences(text, expected):
    assert [text[a:b] for a, b in sentences(text)] == expected


def test_sentences_up_to_an_offset_are_the_first_sentences_of_the_whole():
    """suggest asks only for the sentences up to the last word a rule matched; they must be
    the very sentences the whole turn has there, abbreviations and all."""
    from focuscode.passages import sentences

    turn = ("Dhr. de Vries zei het al: m.i. klopt dat niet. Wij doen alles, enz. En dan? Niemand weet het! "
            "Ja... dat is zo.\nVolgende vraag graag.")
    whole = sentences(turn)
    assert len(whole) >= 4
    for until in range(len(turn) + 1):
        part = sentences(turn, until=until)
        assert part == whole[:len(part)]
        assert [s for s in whole if s[0] <= until] == [s for s in part if s[0] <= until]
