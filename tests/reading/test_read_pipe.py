"""`focuscode read X | head`: the reader closes the pipe early; focuscode stops quietly, as a
Unix filter does, instead of printing "Error: Broken pipe"."""

from __future__ import annotations

import subprocess
import sys


def test_a_reader_that_stops_early_gets_no_error_line(cli, tmp_path, db_path):
    # A long Zoom-style transcript saved as text: enough turns to fill a pipe's buffer.
    fg = tmp_path / "zoom-focusgroep-vo.txt"
    fg.write_text("".join(f"{'Gespreksleider' if i % 5 == 0 else 'OOP er 1'}: Dan moet ik weer invallen in "
                          f"groep {i % 8 + 1}, en mijn eigen werk blijft liggen, ronde {i}.\n" for i in range(3000)),
                  encoding="utf-8")
    (tmp_path / "zoom-focusgroep-vo.participants.csv").write_text(
        "label,role,sector\nGespreksleider,gespreksleider,\nOOP er 1,onderwijsassistent,vo\n", encoding="utf-8")
    result = cli("import", str(fg), "--source", "focusgroep", "--allow-pii")
    assert result.exit_code == 0, result.output
    code = "import sys; from focuscode.cli import main; sys.argv[0] = 'focuscode'; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, "read", fg.name, "--no-pager", "--db", str(db_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # like `head -1`
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert first.startswith(b"zoom-focusgroep-vo.txt")
    assert "Error" not in err and "Traceback" not in err, err
