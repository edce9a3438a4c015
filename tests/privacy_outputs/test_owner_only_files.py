"""Files that hold participants' words are readable by their owner only, temporary ones too.

Issue #10, "Keys and copies leak": exports were 0644, including a .qdpx that holds
every transcript and the .tmp a killed export leaves behind. The probe study is a
survey-tool csv and a transcription service's text (probes.py). The researcher's
umask is the common 022, under which a plain open() makes files everyone can read.
"""

from __future__ import annotations

import os

import pytest
from privacy_outputs.probes import build_project, mode, run

from focuscode.db import open_project
from focuscode.refi.writer import write_project


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    old = os.umask(0o022)
    try:
        return build_project(tmp_path_factory.mktemp("studie"))
    finally:
        os.umask(old)


def test_a_qdpx_export_and_its_new_folder_are_owner_only(study, tmp_path):
    target = tmp_path / "naar-nvivo" / "studie.qdpx"
    run("export", "refi", "--out", target, "--db", study)
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700
    # The codebook alone holds no participant's words: the usual mode.
    book = tmp_path / "codeboek.qdc"
    run("export", "refi", "--codebook-only", "--out", book, "--db", study)
    assert mode(book) == 0o644


def test_the_qdpx_temporary_file_is_owner_only_while_it_is_written(study, tmp_path):
    target = tmp_path / "studie.qdpx"
    tmp = target.with_name(target.name + ".tmp")
    # What a kill of an earlier export left behind, readable by everyone.
    tmp.write_bytes(b"PK\x03\x04 half archive")
    os.chmod(tmp, 0o644)
    seen = []

    def during_write(done: int, total: int) -> None:
        seen.append((mode(tmp), tmp.stat().st_size))

    write_project(open_project(study), target, progress=during_write)
    assert seen and all(m == 0o600 for m, _size in seen), seen
    assert mode(target) == 0o600 and not tmp.exists()


@pytest.mark.parametrize("fmt", ["md", "docx", "html", "xlsx", "csv", "json"])
def test_summary_exports_quote_participants_so_they_are_owner_only(study, tmp_path, fmt):
    out = tmp_path / "rapport"
    run("export", "summary", "--format", fmt, "--out", out, "--min-words", "3", "--db", study)
    assert mode(out / f"samenvatting.{fmt}") == 0o600
    assert mode(out) == 0o700


def test_a_replicate_copy_for_a_student_is_owner_only(study, tmp_path):
    copy = tmp_path / "student.db"
    run("replicate", "--coder", "student", "--out", copy, "--db", study)
    assert mode(copy) == 0o600
    assert not list(tmp_path.glob("student.db.partial*"))
