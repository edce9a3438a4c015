"""The one walker of the stored code tree (focuscode.codes.code_tree) and of in-memory code
trees (focuscode.codebook.walk). Before, four walkers disagreed: a recursive one that a deep
tree crashed, one that gave up after 100 hops, and the rest; these tests hold the one that is
left to a realistic Dutch codebook as `codebook load` stores it, plus the awkward cases."""

from __future__ import annotations

import pytest

from focuscode.codebook import Code, Codebook, walk
from focuscode.codes import code_tree, load_codebook_into, theme_map
from focuscode.db import now, open_project
from focuscode.evaluation import rule_predictions
from focuscode.learning import coder_examples


def _book() -> Codebook:
    # Shaped like codebook/oop.yaml: themes with subcodes, one subcode with its own child.
    return Codebook([
        Code("loopbaan", description="Wensen en kansen voor de loopbaan", children=[
            Code("doorgroei", parent="loopbaan", children=[Code("opleiding", parent="doorgroei")]),
            Code("vaste aanstelling", parent="loopbaan"),
        ]),
        Code("inzet", description="Hoe de school OOP'ers inzet", children=[Code("ad-hoctaken", parent="inzet")]),
    ])


@pytest.fixture
def db(tmp_path):
    db = open_project(tmp_path / "project.db", create=True)
    load_codebook_into(db, _book())
    return db


def _id(db, name: str) -> int:
    return db.execute("SELECT id FROM codes WHERE name = ?", [name]).fetchone()[0]


def test_tree_order_themes_and_depths(db):
    tree = code_tree(db)
    assert [tree.names[c] for c in tree.order] == [c.name for c in _book().walk()]
    opleiding = _id(db, "opleiding")
    assert [tree.names[c] for c in tree.ancestors(opleiding)] == ["opleiding", "doorgroei", "loopbaan"]
    assert tree.names[tree.theme(opleiding)] == "loopbaan" and tree.depth(opleiding) == 2
    assert theme_map(db)[opleiding] == ("opleiding", "loopbaan")


def test_inactive_theme_counts_only_when_asked(db):
    # The theme 'loopbaan' was taken out of the codebook: the counts show its subcodes as
    # themes of their own, the maps that also read old codings still roll up to it.
    db.execute("UPDATE codes SET active = 0 WHERE name = 'loopbaan'")
    doorgroei = _id(db, "doorgroei")
    assert code_tree(db).theme(doorgroei) == doorgroei
    full = code_tree(db, include_inactive=True)
    assert full.names[full.theme(doorgroei)] == "loopbaan" and _id(db, "loopbaan") not in full.active
    assert theme_map(db)[doorgroei] == ("doorgroei", "loopbaan")


def test_a_tree_thousands_deep_does_not_exhaust_the_stack(db):
    # A hand-made or imported project can nest deeper than Python's recursion limit.
    parent = _id(db, "inzet")
    for i in range(3000):
        parent = db.table("codes").insert({"name": f"laag {i}", "parent_id": parent, "position": 100 + i,
                                           "active": 1}).last_pk
    tree = code_tree(db)
    assert tree.order[-1] == parent and tree.depth(parent) == 3000
    assert theme_map(db)[parent] == ("laag 2999", "inzet")  # the old walker gave up after 100 hops


def test_a_parent_cycle_stops_instead_of_looping(db):
    a, b = _id(db, "doorgroei"), _id(db, "opleiding")
    db.execute("UPDATE codes SET parent_id = ? WHERE id = ?", [b, a])  # doorgroei <-> opleiding
    tree = code_tree(db)
    assert tree.ancestors(b) == [b, a]
    assert a not in tree.order and b not in tree.order  # no root leads to them


def test_learning_and_evaluate_roll_up_along_the_same_tree(db):
    seg = _segment(db, "Ik wil graag een opleiding tot onderwijsassistent volgen.")
    db.table("codings").insert({"segment_id": seg, "code_id": _id(db, "opleiding"), "coder": "anna",
                                "status": "accepted", "method": "manual", "created_at": now(), "updated_at": now()})
    db.table("codings").insert({"segment_id": seg, "code_id": _id(db, "opleiding"), "coder": None,
                                "status": "suggested", "method": "rules", "score": 0.99, "created_at": now(), "updated_at": now()})
    examples = coder_examples(db, "anna")
    assert {k for k, v in examples.labels[0].items() if v} == {"opleiding", "doorgroei", "loopbaan"}
    assert coder_examples(db, "anna", themes=True).labels[0] == {"loopbaan": True}
    by_code, _ = rule_predictions(db, [seg], ["x"])
    by_theme, _ = rule_predictions(db, [seg], ["x"], themes=True)
    assert by_code == [{"opleiding", "doorgroei", "loopbaan"}] and by_theme == [{"loopbaan"}]


def test_one_walker_for_yaml_and_refi_code_trees():
    from focuscode.refi.reader import RefiCode, RefiProject

    book = _book()
    assert [c.name for c in walk(book.codes)] == ["loopbaan", "doorgroei", "opleiding", "vaste aanstelling",
                                                   "inzet", "ad-hoctaken"]
    assert [c.name for c in book.codes[0].walk()] == ["loopbaan", "doorgroei", "opleiding", "vaste aanstelling"]
    deep = RefiCode("g0", "thema")
    node = deep
    for i in range(5000):  # NVivo exports nest as deep as the user made them
        node.children.append(RefiCode(f"g{i + 1}", f"code {i}"))
        node = node.children[0]
    project = RefiProject(name="export", origin="NVivo 14", codes=[deep])
    assert sum(1 for _ in project.walk_codes()) == 5001


def _segment(db, text: str) -> int:
    # The rows `import` writes for one turn of a plain-text focus-group transcript.
    tid = db.table("transcripts").insert({"name": "fg-po-1.txt", "source": "focusgroep", "source_type": "txt",
                                          "file_hash": "0" * 64, "imported_at": now()}).last_pk
    return db.table("segments").insert({"transcript_id": tid, "ordinal": 0, "speaker": "Deelnemer 2", "text": text,
                                        "text_hash": "1" * 64, "line": 3}).last_pk
