"""Probes for `anonymise`: what a careless transcript holds, and what the copy must not.

The probe is a transcript as a transcription service (Amberscript-style "Label: text")
delivers it, with the names, numbers and addresses participants actually say; the
pseudonymised copy is then imported, so the gate checks what anonymise left.
"""

from __future__ import annotations

import pytest

RAW = (
    "Gespreksleider: Welkom allemaal. Stel je even voor.\n"
    "OOP'er 1 (po): Ik ben Sanne Vermeulen, onderwijsassistent op De Regenboog.\n"
    "OOP'er 2 (po): Ik werk samen met Sanne. Dat was Sanne's idee, en Sannes plan.\n"
    "OOP'er 1 (po): Op school noemen ze me Sannetje. Mijn collega S. Vermeulen is geen familie.\n"
    "OOP'er 2 (po): Mail sanne.vermeulen@regenboog.nl of bel +31 6 12345678, 06-12345678 of (020) 123 45 67.\n"
    "OOP'er 1 (po): Ook +31 (0)6 1234 5678 werkt, en mijn salaris gaat naar NL91 ABNA 0417 1643 00.\n"
    "OOP'er 2 (po): De school staat aan de Dorpsstraat 12, 3512 JK Utrecht. Mijn BSN is 123456782.\n"
    "OOP'er 1 (po): Ik werk samen met S\u0430nne Vermeulen en met \uff33\uff41\uff4e\uff4e\uff45.\n"
)
GONE = ["Sanne", "Vermeulen", "Sannetje", "S\u0430nne", "\uff33\uff41\uff4e\uff4e\uff45", "Regenboog",
        "regenboog.nl", "12345678", "1234 5678", "123 45 67", "0417", "ABNA", "Dorpsstraat", "3512 JK", "123456782"]


@pytest.fixture
def copy(cli, tmp_path):
    raw = tmp_path / "ruw"
    raw.mkdir()
    (raw / "fg-po-anon.txt").write_text(RAW, encoding="utf-8")
    names = tmp_path / "namen.txt"
    names.write_text("school: De Regenboog\n", encoding="utf-8")
    result = cli("anonymise", raw, "--names", names, "--out", tmp_path / "schoon")
    assert result.exit_code == 0, result.output
    return tmp_path / "schoon" / "fg-po-anon.txt"


@pytest.mark.parametrize("needle", GONE)
def test_the_copy_holds_no_name_number_or_address(copy, needle):
    text = copy.read_text(encoding="utf-8")
    assert needle not in text, text


def test_the_copy_keeps_the_speech_and_passes_the_gate(cli, copy):
    text = copy.read_text(encoding="utf-8")
    assert "onderwijsassistent op [SCHOOL-1]" in text and "idee" in text
    result = cli("import", copy, "--source", "focusgroep", "--allow-unknown")
    assert result.exit_code == 0, result.output
