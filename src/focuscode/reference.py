"""Loading a coding made elsewhere: rows of transcript, turn, code (and memo).

The sample corpus ships a reference coding in this form; students compare
their own coding with it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .codes import code_id
from .coding import set_decision
from .db import now, transaction
from .errors import FocuscodeError, InputFileError
from .textio import read_text_file


def load_reference_coding(db, path: str | Path, coder: str) -> int:
    """Store each row as an accepted coding by `coder`; returns the number stored.

    A reference coder read every participant turn of the transcripts it names,
    so those turns are marked seen: for agreement, a turn without a reference
    code means "no code", not "not looked at".
    """
    p = Path(path)
    text, _ = read_text_file(p)
    reader = csv.DictReader(io.StringIO(text))
    needed = {"transcript", "turn", "code"}
    if not reader.fieldnames or not needed <= {f.strip() for f in reader.fieldnames}:
        raise InputFileError("a coding file needs the columns transcript, turn, code", path=str(p), line=1)
    count = 0
    transcripts: set[str] = set()
    written: list[tuple[str, str, int]] = []  # memos, for the privacy gate before the commit
    with transaction(db):
        for row in reader:
            line = reader.line_num
            try:
                turn = int(row["turn"])
            except (TypeError, ValueError):
                raise InputFileError(f"turn must be a number, not '{row['turn']}'", path=str(p), line=line) from None
            seg = db.execute(
                "SELECT s.id FROM segments s JOIN transcripts t ON t.id = s.transcript_id WHERE t.name = ? AND s.ordinal = ?",
                [row["transcript"].strip(), turn],
            ).fetchone()
            if seg is None:
                raise InputFileError(f"no turn {turn} in transcript '{row['transcript']}'", path=str(p), line=line)
            try:
                cid = code_id(db, row["code"].strip())
            except FocuscodeError as exc:
                raise InputFileError(exc.message, path=str(p), line=line) from None
            set_decision(db, seg[0], cid, coder, "accepted", method="import")
            memo = (row.get("memo") or "").strip()
            if memo:
                written.append((memo, str(p), line))
                stamp = now()
                db.table("memos").insert(
                    {"target": "segment", "segment_id": seg[0], "coder": coder, "text": memo, "created_at": stamp, "updated_at": stamp}
                )
            count += 1
            transcripts.add(row["transcript"].strip())
        stamp = now()
        for name in sorted(transcripts):
            db.execute(
                """INSERT OR IGNORE INTO seen (segment_id, coder, at)
                   SELECT s.id, ?, ? FROM segments s JOIN transcripts t ON t.id = s.transcript_id
                   LEFT JOIN participants p ON p.id = s.participant_id
                   WHERE t.name = ? AND COALESCE(p.is_facilitator, 0) = 0""",
                [coder, stamp, name],
            )
        if written:
            from .memos import gate_memos

            gate_memos(written, what="nothing loaded")
    return count
