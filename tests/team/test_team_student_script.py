"""cli/student.sh: the replication walkthrough runs end to end and cleans up."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "cli" / "student.sh"


@pytest.mark.slow
def test_student_walkthrough_runs_end_to_end(tmp_path):
    if shutil.which("bash") is None:
        pytest.skip("bash is not available")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "TMPDIR": str(tmp_path)}
    result = subprocess.run(["bash", str(SCRIPT)], cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    for step in ("1. Reference project", "2. Blind copy", "3. The student codes", "4. The teacher merges", "5. Agreement"):
        assert step in out
    assert "no codings" in out and "0 conflicted, 0 not placed" in out
    assert "Agreement between referentie, student on N = " in out
    assert "segments where the coders differ" in out and "referentie: " in out and "student: " in out
    assert "Error: unknown coder 'niemand'" in out
    assert list(tmp_path.iterdir()) == []  # the work folder is gone
