"""Whole `import` commands on survey exports of random shape: exit 0 with every answer's
words stored, or exit 1/2 with one line and the database unchanged; never a traceback.

The CSV text is built from the pieces survey tools write: LimeSurvey's quoted fields,
Qualtrics' ImportId rows, Excel's `sep=` hint, doubled quotes, line breaks inside a
quoted answer, BOMs, the researcher's codes column (known, unknown and empty codes).
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from fctest import db_snapshot
from focuscode.cli import app

CODEBOOK = "- name: ad-hoctaken\n  children:\n    - name: invallen\n    - name: surveilleren\n"
_cells = st.sampled_from([
    "Ik val in.", '"Ik val in, soms hele dagen."', '"Hij zei ""nee"", dus ik deed het."', '"twee\r\nregels"',
    "", "invallen", "invallen;surveilleren", "onbekende code", "po", "vo", "VO", "mbo", '{"ImportId":"QID1"}',
    "=SOM(A1)", "Ik surveilleer; en help.", "\ufeff", "R1", '"', "sep=;",
])
_rows = st.lists(st.lists(_cells, min_size=0, max_size=5).map(",".join), min_size=0, max_size=8)
_header = st.sampled_from(["respondent,toelichting,codes,sector", "sep=,\r\nrespondent,toelichting,codes,sector",
                           "\ufeffrespondent,toelichting,codes", "respondent;toelichting;codes;sector", "toelichting",
                           "respondent,toelichting,toelichting,codes"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_header, _rows, st.sampled_from(["\r\n", "\n"]), st.booleans())
def test_survey_import_is_whole_or_one_line(header, rows, newline, coded):
    text = newline.join([header, *rows]) + newline
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db, path, book = tmp / "p.db", tmp / "enquete.csv", tmp / "codes.yaml"
        book.write_text(CODEBOOK, encoding="utf-8")
        runner = CliRunner()
        assert runner.invoke(app, ["codebook", "load", str(book), "--db", str(db)]).exit_code == 0
        path.write_text(text, encoding="utf-8")
        before = db_snapshot(db)
        args = ["import", str(path), "--source", "enquete", "--text-column", "toelichting", "--db", str(db)]
        if coded:
            args += ["--codes-column", "codes", "--coder", "anna"]
        result = runner.invoke(app, args, catch_exceptions=False)
        if result.exit_code == 0:
            conn = sqlite3.connect(db)
            stored = [r[0] for r in conn.execute("SELECT text FROM segments")]
            seen = conn.execute("SELECT count(*) FROM seen WHERE coder = 'anna'").fetchone()[0]
            conn.close()
            assert stored
            words = set(text.replace('"', " ").replace(",", " ").replace(";", " ").split())
            for answer in stored:
                assert set(answer.replace('"', " ").replace(",", " ").replace(";", " ").split()) <= words, answer
            assert seen == (len(stored) if coded else 0)
        else:
            assert result.exit_code in (1, 2), result.output
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
            assert db_snapshot(db) == before
