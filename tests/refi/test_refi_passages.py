"""Passages through REFI-QDA: the export writes one selection per coded passage at code-point
offsets of the source text; a re-import keeps every passage as a passage of its turn.

The project is a Teams focus-group transcript saved as text ("Label: tekst", one line a turn),
with long turns that touch two themes in one breath and a 👍 from the chat pasted into a turn,
as Teams transcripts carry. The .qdpx is read back the way NVivo, ATLAS.ti, MAXQDA and QualCoder
read it: project.qde's startPosition/endPosition slice the source's text file by code points.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xmlschema

from fctest import import_focus_group

NS = {"q": "urn:QDA-XML:project:1.0"}
SCHEMAS = Path(__file__).parent / "schemas"

LONG = ("Nou, eigenlijk wordt er elke ochtend wel iets anders van me gevraagd 👍. Als er een leerkracht ziek is, "
        "sta ik gewoon voor de groep. Dat vind ik eigenlijk niet de bedoeling. Ook surveilleer ik bij elke toetsweek, "
        "dat staat nergens in mijn taakomschrijving. En verder zou ik graag de opleiding tot leraar willen doen, "
        "maar daar is geen ruimte voor, zegt mijn leidinggevende.")
FIRST = "Als er een leerkracht ziek is, sta ik gewoon voor de groep."
SECOND = "Ook surveilleer ik bij elke toetsweek, dat staat nergens in mijn taakomschrijving."
THIRD = "de opleiding tot leraar willen doen"
EMOJI_TURN = "Bij ons 🙈🙈 is dat precies hetzelfde. Ik kopieer en zet de lokalen klaar, elke dag weer."
KLAAR = "Ik kopieer en zet de lokalen klaar"


@pytest.fixture
def project(cli, tmp_path, db_path):
    import_focus_group(cli, tmp_path, [("Gespreksleider", "Hoe ziet jullie week eruit?"),
                                       ("Onderwijsassistent 1", EMOJI_TURN), ("Onderwijsassistent 2", LONG),
                                       ("Gespreksleider", "Dank jullie wel.")])
    ids = dict(sqlite3.connect(db_path).execute("SELECT ordinal, id FROM segments"))
    # Two passages of one turn with one code by one coder, a third code on another passage,
    # a whole-turn coding by a second coder, and a passage after two emoji.
    for args in ([ids[3], "ad-hoctaken", "--quote", FIRST, "--coder", "anna"],
                 [ids[3], "ad-hoctaken", "--quote", SECOND, "--coder", "anna"],
                 [ids[3], "doorgroei", "--quote", THIRD, "--coder", "anna"],
                 [ids[3], "ad-hoctaken", "--coder", "bram"],
                 [ids[2], "klusjes", "--quote", KLAAR, "--coder", "anna"]):
        result = cli("code", *map(str, args))
        assert result.exit_code == 0, result.output
    return ids


def selections(path) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(the source text the selection covers, its name, [(code, coder)]) for every selection,
    sliced from the text file as a reader of the standard does; plain ElementTree, no focuscode."""
    with zipfile.ZipFile(path) as zf:
        root = ElementTree.fromstring(zf.read("project.qde"))
        files = {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("sources/")}
    codes = {c.get("guid"): c.get("name") for c in root.iter("{urn:QDA-XML:project:1.0}Code")}
    users = {u.get("guid"): u.get("name") for u in root.iter("{urn:QDA-XML:project:1.0}User")}
    out = []
    for src in root.iterfind("q:Sources/q:TextSource", NS):
        text = files["sources/" + src.get("plainTextPath").removeprefix("internal://")]
        for sel in src.iterfind("q:PlainTextSelection", NS):
            words = text[int(sel.get("startPosition")) : int(sel.get("endPosition"))]
            codings = [(codes[c.find("q:CodeRef", NS).get("targetGUID")], users[c.get("creatingUser")])
                       for c in sel.iterfind("q:Coding", NS)]
            out.append((words, sel.get("name"), codings))
    return out


def coded(path, coder: str, code: str) -> list[str]:
    return sorted(words for words, _name, codings in selections(path) if (code, coder) in codings)


def test_two_passages_of_one_turn_are_two_selections_holding_exactly_their_words(cli, project, tmp_path):
    out = tmp_path / "studie.qdpx"
    result = cli("export", "refi", "--out", out, "--json")
    assert result.exit_code == 0, result.output
    assert coded(out, "anna", "ad-hoctaken") == sorted([FIRST, SECOND])
    assert coded(out, "anna", "doorgroei") == [THIRD]
    # The whole-turn coding stays on the turn's own selection, as before.
    assert coded(out, "bram", "ad-hoctaken") == [LONG]
    counts = json.loads(result.stdout)
    assert counts["passages"] == 4 and counts["codings"] == 5
    assert counts["selections"] == 4 + 4  # four turns, four passages
    names = {name for _w, name, _c in selections(out)}
    first = LONG.index(FIRST)
    assert f"beurt 3 [{first}:{first + len(FIRST)}]" in names and "beurt 3" in names


def test_offsets_count_code_points_not_utf16_units_after_emoji(cli, project, tmp_path):
    out = tmp_path / "studie.qdpx"
    assert cli("export", "refi", "--out", out).exit_code == 0
    # 🙈🙈 stands in the turn before the passage and 👍 in the turn before that.
    assert coded(out, "anna", "klusjes") == [KLAAR]
    assert coded(out, "anna", "ad-hoctaken") == sorted([FIRST, SECOND])
    # The probe is real: counted in UTF-16 units (what a .NET or Java reader would do when the
    # writer got it wrong) the same offsets give other words.
    with zipfile.ZipFile(out) as zf:
        text = next(zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("sources/"))
        qde = zf.read("project.qde").decode("utf-8")
    start = text.index(KLAAR)
    assert f'startPosition="{start}"' in qde
    utf16 = text.encode("utf-16-le")
    assert utf16[2 * start : 2 * (start + len(KLAAR))].decode("utf-16-le") != KLAAR


def test_the_export_with_passages_validates_and_has_unique_guids(cli, project, tmp_path):
    out = tmp_path / "studie.qdpx"
    assert cli("export", "refi", "--out", out).exit_code == 0
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde").decode("utf-8")
    xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd")).validate(qde)
    guids = [el.get("guid") for el in ElementTree.fromstring(qde).iter() if el.get("guid")]
    assert len(guids) == len(set(guids)) > 20


def test_a_passage_two_coders_share_is_one_selection_and_a_rejected_one_is_not_written(cli, project, tmp_path):
    assert cli("code", str(project[3]), "ad-hoctaken", "--quote", FIRST, "--coder", "bram").exit_code == 0
    assert cli("uncode", str(project[3]), "ad-hoctaken", "--quote", SECOND, "--coder", "anna").exit_code == 0
    out = tmp_path / "studie.qdpx"
    assert cli("export", "refi", "--out", out).exit_code == 0
    on_first = [codings for words, _n, codings in selections(out) if words == FIRST]
    assert on_first == [[("ad-hoctaken", "anna"), ("ad-hoctaken", "bram")]]
    assert coded(out, "anna", "ad-hoctaken") == [FIRST]
    assert not any(words == SECOND for words, _n, _c in selections(out))


def _passages(cli, db) -> list[tuple]:
    rows = json.loads(cli("segments", "--json", db=db).stdout)
    return sorted(((r["ordinal"], c["code"], c["coder"], c["span_start"], c["span_end"], c["quote"])
                   for r in rows for c in r["codings"] if c["status"] == "accepted" and c["coder"]),
                  key=lambda t: (t[0], t[1], t[2], -1 if t[3] is None else t[3]))


def test_round_trip_keeps_both_passages_and_the_whole_turn_coding(cli, project, tmp_path, db_path):
    first, second, fresh = tmp_path / "eerste.qdpx", tmp_path / "tweede.qdpx", tmp_path / "fresh.db"
    # anna also codes turn 2 whole with the code she gave one passage of it: both travel.
    assert cli("code", str(project[2]), "klusjes", "--coder", "anna").exit_code == 0
    assert cli("export", "refi", "--out", first).exit_code == 0
    result = cli("import", first, "--json", db=fresh)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["codings"] == 6
    before, after = _passages(cli, db_path), _passages(cli, fresh)
    assert after == before
    a = LONG.index(FIRST)
    assert (3, "ad-hoctaken", "anna", a, a + len(FIRST), FIRST) in after
    assert (3, "ad-hoctaken", "bram", None, None, None) in after
    assert {r[3] for r in after if r[:3] == (2, "klusjes", "anna")} == {None, EMOJI_TURN.index(KLAAR)}
    # The turns come back as they were: a passage's selection is not taken for a turn.
    texts = lambda db: sqlite3.connect(db).execute("SELECT ordinal, text FROM segments ORDER BY ordinal").fetchall()  # noqa: E731
    assert texts(fresh) == texts(db_path)
    # And a second export is the first one again, GUIDs and offsets included.
    assert cli("export", "refi", "--out", second, db=fresh).exit_code == 0
    assert sorted(selections(first)) == sorted(selections(second))
    guids = lambda p: sorted(el.get("guid") for el in ElementTree.fromstring(zipfile.ZipFile(p).read("project.qde")).iter("{urn:QDA-XML:project:1.0}PlainTextSelection"))  # noqa: E731
    assert guids(first) == guids(second)


def test_a_span_a_damaged_database_puts_outside_its_turn_is_written_as_the_whole_turn(cli, project, tmp_path, db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE codings SET span_end = 9999 WHERE code_id = (SELECT id FROM codes WHERE name = 'doorgroei')")
    conn.commit()
    conn.close()
    out = tmp_path / "studie.qdpx"
    assert cli("export", "refi", "--out", out).exit_code == 0
    # Not a selection running into the next turn's words: the turn it belongs to.
    assert coded(out, "anna", "doorgroei") == [LONG]
