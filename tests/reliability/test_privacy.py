"""Privacy: no command makes a network connection, and no export carries a participant's
label, the real name it stands for, or their school."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from reliability_support import REPO, SAMPLE, child_env

# Every way out to the network refuses and is written down; then the real CLI runs.
NO_NETWORK = """
import os, socket, sys
log = os.environ["FC_NET_LOG"]

def refuse(*args, **kwargs):
    with open(log, "a") as fh:
        fh.write(repr(args) + "\\n")
    raise OSError("network blocked by the test")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.socket.sendto = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
"""
RUN_FOCUSCODE = """
sys.argv = ["focuscode"] + sys.argv[1:]
from focuscode.cli import main
main()
"""


def test_the_network_guard_notices_a_connection(tmp_path):
    """Control: the guard used below does catch an HTTP request, so its silence means something."""
    log = tmp_path / "network-attempts.log"
    attempt = "import urllib.request\ntry:\n    urllib.request.urlopen('http://example.org/', timeout=2)\nexcept OSError:\n    pass\n"
    proc = subprocess.run([sys.executable, "-c", NO_NETWORK + attempt], env=child_env(FC_NET_LOG=str(log)),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "example.org" in log.read_text()


@pytest.mark.slow
def test_demo_makes_no_network_connection(tmp_path):
    log = tmp_path / "network-attempts.log"
    out = tmp_path / "exports"
    proc = subprocess.run(
        [sys.executable, "-c", NO_NETWORK + RUN_FOCUSCODE, "demo", "--db", str(tmp_path / "demo.db"), "--out", str(out)],
        capture_output=True, text=True, env=child_env(FC_NET_LOG=str(log)), timeout=600, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert not log.exists(), f"network connections attempted: {log.read_text()}"
    summary = out / "samenvatting.md"
    assert summary.exists() and "[OOP'er" in summary.read_text(encoding="utf-8")


def _texts_in(path) -> str:
    """All text in an export file, looking inside .docx/.xlsx/.qdpx archives."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return path.read_bytes().decode("utf-8", "replace")


PEOPLE = {
    "OOP'er 1 (po)": ("Marieke Jansen", "OBS De Regenboog"),
    "OOP'er 2 (po)": ("Fatima El Amrani", "Kindcentrum Het Baken"),
    "OOP'er 3 (po)": ("Sandra Bakker", "CBS De Wegwijzer"),
    "OOP'er 4 (po)": ("Kees Vermeulen", "SBO De Sprong"),
    "OOP'er 5 (po)": ("Ingrid de Boer", "Brede School Noord"),
}


@pytest.fixture
def named_project(cli, tmp_path):
    """The po focus group, imported with a participants file that also holds the
    researcher's key: the real name and school behind each label."""
    transcript = tmp_path / "focusgroep-oop-po.txt"
    transcript.write_text((SAMPLE / "focusgroep-oop-po.txt").read_text(encoding="utf-8"), encoding="utf-8")
    rows = ["label,role,sector,school_type,naam,school", "Gespreksleider,gespreksleider,,,Anne Visser,"]
    rows += [f"{label},OOP'er,po,basisschool,{name},{school}" for label, (name, school) in PEOPLE.items()]
    (tmp_path / "focusgroep-oop-po.participants.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert cli("codebook", "load", REPO / "codebook" / "oop.yaml").exit_code == 0
    imported = cli("import", transcript, "--source", "focusgroep", "--allow-pii")
    assert imported.exit_code == 0, imported.output
    for ids, code in (("2,3,8,9", "visie"), ("16-20", "ad-hoctaken"), ("4,5,27", "doorgroei")):
        result = cli("code", ids, code, "--coder", "anna")
        assert result.exit_code == 0, result.output
    return tmp_path / "exports"


def _assert_nobody_named(path, *, labels_allowed: bool = False) -> None:
    text = _texts_in(path)
    for label, (name, school) in PEOPLE.items():
        for forbidden in (name, name.split()[-1], school):
            assert forbidden not in text, f"{path.name} contains '{forbidden}'"
        if not labels_allowed:
            assert label not in text, f"{path.name} contains the participant label '{label}'"
    assert "Anne Visser" not in text, path.name


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "csv", "json", "xlsx"])
def test_summary_exports_never_name_a_participant(cli, named_project, fmt):
    result = cli("export", "summary", "--format", fmt, "--out", named_project, "--coder", "anna", "--per-theme", "10")
    assert result.exit_code == 0, result.output
    written = [p for p in named_project.iterdir() if p.is_file()]
    assert len(written) == 1
    if fmt == "md":  # quotes are there, attributed by role, sector and source only
        assert "[OOP'er po, focusgroep]" in written[0].read_text(encoding="utf-8")
    _assert_nobody_named(written[0])


def test_refi_export_never_names_a_participant(cli, named_project):
    out = named_project / "studie.qdpx"
    result = cli("export", "refi", "--out", out)
    assert result.exit_code == 0, result.output
    # REFI-QDA cases carry the pseudonymous labels; names and schools must stay out.
    _assert_nobody_named(out, labels_allowed=True)
