"""suggest skips the fallback's sentencizer, which no rule reads; a phrase still stops at a sentence end.

The transcript imitates a focus group typed up in Word and saved as plain text with
`Label: text` turns. Probes: a phrase whose parts stand in two sentences must not fire;
a codebook pattern cannot ask for sentence starts (it would be silently wrong without the
sentencizer), so such a codebook is refused at load with its line.
"""

from __future__ import annotations

import json

BOOK = """
- name: leraar worden
  keywords: [docent worden]
"""

TURNS = [
    "Ik zou later best docent willen worden, als het financieel kan.",
    "Ik ben geen docent. Worden wij ooit gevraagd wat we willen?",
]


def test_a_phrase_stops_at_the_end_of_a_sentence(cli, tmp_path):
    transcript = tmp_path / "focusgroep-oop-vo-3.txt"
    lines = ["Gespreksleider: Waar willen jullie over vijf jaar staan?"]
    lines += [f"OOP'er {i + 1} (vo): {turn}" for i, turn in enumerate(TURNS)]
    transcript.write_text("\n".join(lines) + "\n", encoding="utf-8")
    book = tmp_path / "leraar.yaml"
    book.write_text(BOOK, encoding="utf-8")
    assert cli("codebook", "load", book).exit_code == 0
    assert cli("import", transcript, "--source", "focusgroep", "--allow-pii", "--allow-unknown").exit_code == 0
    assert cli("suggest").exit_code == 0
    segments = json.loads(cli("segments", "--json", "--all").stdout)
    coded = {s["text"]: [c["code"] for c in s["codings"]] for s in segments}
    assert coded[TURNS[0]] == ["leraar worden"]
    assert coded[TURNS[1]] == []


def test_a_pattern_on_sentence_starts_is_refused(cli, tmp_path):
    book = tmp_path / "grenzen.yaml"
    book.write_text('- name: grenzen stellen\n  patterns:\n    - [{"IS_SENT_START": true, "LOWER": "nee"}]\n',
                    encoding="utf-8")
    result = cli("codebook", "validate", book)
    assert result.exit_code == 1
    assert "grenzen.yaml:3" in result.output and "IS_SENT_START" in result.output
