"""Codebook versions: every load is a version with its own definitions; codings are tied
to the version they were made under; a reload no longer loses what was coded against."""

from __future__ import annotations

import json

from schemakit import RELEASE, query

from fctest import db_snapshot

V1_AD_HOC = "Taken die de OOP'er erbij krijgt zonder vaste afspraak."
V2_AD_HOC = "Taken buiten de functieomschrijving die de OOP'er op het moment zelf krijgt."


def show(cli, db_path, *args):
    # The test runner leaves --db off any command line holding "--version" (the root option),
    # so it is given here.
    return cli("codebook", "show", *args, "--db", db_path)


def _show(cli, db_path, *args) -> dict[str, dict]:
    r = show(cli, db_path, "--json", *args)
    assert r.exit_code == 0, r.output
    return {c["name"]: c for c in json.loads(r.stdout)}


def test_a_reload_keeps_the_old_definitions_as_the_old_version(cli, project, db_path):
    r = cli("codebook", "load", RELEASE / "codeboek-v2.yaml")
    assert r.exit_code == 0, r.output
    assert "(codebook version 2)" in r.stdout
    assert _show(cli, db_path)["ad-hoctaken"]["description"] == V2_AD_HOC
    v1 = _show(cli, db_path, "--version", "1")
    assert set(v1) == {"ad-hoctaken", "doorgroei"}
    assert v1["ad-hoctaken"]["description"] == V1_AD_HOC
    assert v1["ad-hoctaken"]["include"] == "Invallen, klusjes, surveilleren."
    assert v1["ad-hoctaken"]["examples"] == ["Ik val in als er iemand ziek is."]
    assert v1["ad-hoctaken"]["keywords"] == ["invallen", "klusje", "gymtas", "surveilleren"]
    v2 = _show(cli, db_path, "--version", "2")
    assert set(v2) == {"ad-hoctaken", "doorgroei", "scholing"}
    assert v2["ad-hoctaken"]["keywords"] == ["invallen", "surveilleren"]
    human = show(cli, db_path, "--version", "1")
    assert human.exit_code == 0 and "gymtas" in human.stdout


def test_versions_list_the_yaml_version_key_and_the_decisions_under_each(cli, project):
    assert cli("code", str(project["Ik val heel"]), "ad-hoctaken", "--coder", "anna").exit_code == 0
    assert cli("code", str(project["Ik wil graag"]), "doorgroei", "--coder", "anna").exit_code == 0
    assert cli("codebook", "load", RELEASE / "codeboek-v2.yaml").exit_code == 0
    assert cli("code", str(project["Soms surveilleer ik"]), "ad-hoctaken", "--coder", "anna").exit_code == 0
    versions = json.loads(cli("codebook", "versions", "--json").stdout)
    assert [(v["number"], v["version"], v["codes"], v["codings"], v["current"]) for v in versions] == [
        (1, "1", 2, 2, False), (2, "2", 3, 1, True)]
    assert versions[0]["source"].endswith("codeboek-v1.yaml")
    text = cli("codebook", "versions").stdout
    assert "version 1" in text and "2 *" in text


def test_codings_are_tied_to_the_version_they_were_made_under(cli, project, db_path):
    val, kopie = project["Ik val heel"], project["Het kopieerwerk en"]
    assert cli("code", str(val), "ad-hoctaken", "--coder", "anna").exit_code == 0
    assert cli("code", str(kopie), "ad-hoctaken", "--coder", "anna").exit_code == 0
    assert cli("codebook", "load", RELEASE / "codeboek-v2.yaml").exit_code == 0
    # Under version 2 kopieerwerk by rota is no longer ad hoc: anna takes the code off.
    assert cli("uncode", str(kopie), "ad-hoctaken", "--coder", "anna").exit_code == 0
    tied = dict(query(db_path, "SELECT segment_id, codebook_version FROM codings WHERE coder = 'anna'"))
    assert tied == {val: 1, kopie: 2}


def test_an_unknown_version_is_one_line(cli, project, db_path):
    before = db_snapshot(db_path)
    r = show(cli, db_path, "--version", "7")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.stderr.strip() == "Error: no codebook version 7 (versions 1-1)"
    assert db_snapshot(db_path) == before


def test_a_project_without_a_codebook_has_no_versions(cli, db_path):
    assert cli("init").exit_code == 0
    assert json.loads(cli("codebook", "versions", "--json").stdout) == []
    r = show(cli, db_path, "--version", "1")
    assert r.exit_code == 1 and r.stderr.strip() == "Error: no codebook version 1 (no codebook loaded yet)"


def test_a_replaced_transcript_keeps_its_codings_versions(cli, project, db_path, tmp_path):
    assert cli("code", str(project["Ik val heel"]), "ad-hoctaken", "--coder", "anna").exit_code == 0
    assert cli("codebook", "load", RELEASE / "codeboek-v2.yaml").exit_code == 0
    # The transcriber corrects another turn; the file is imported again with --replace.
    transcript = tmp_path / "fg-po-release.txt"
    (tmp_path / "fg-po-release.participants.csv").write_bytes((RELEASE / "fg-po-release.participants.csv").read_bytes())
    transcript.write_text((RELEASE / "fg-po-release.txt").read_text(encoding="utf-8")
                          .replace("in de pauze", "in de grote pauze"), encoding="utf-8")
    r = cli("import", transcript, "--source", "focusgroep", "--replace")
    assert r.exit_code == 0 and "1 coding kept" in r.stdout, r.output
    assert query(db_path, "SELECT codebook_version FROM codings WHERE coder = 'anna'") == [(1,)]


def test_a_replica_carries_the_codebook_versions(cli, project, db_path, tmp_path):
    assert cli("codebook", "load", RELEASE / "codeboek-v2.yaml").exit_code == 0
    copy = tmp_path / "blind.db"
    r = cli("replicate", "--coder", "student", "--out", copy)
    assert r.exit_code == 0, r.output
    assert cli("code", str(project["Ik val heel"]), "ad-hoctaken", "--coder", "student", db=copy).exit_code == 0
    assert query(copy, "SELECT codebook_version FROM codings WHERE coder = 'student'") == [(2,)]
    assert [v["number"] for v in json.loads(cli("codebook", "versions", "--json", db=copy).stdout)] == [1, 2]
    r = cli("merge", copy)
    assert r.exit_code == 0, r.output
    assert query(db_path, "SELECT codebook_version FROM codings WHERE coder = 'student'") == [(2,)]
