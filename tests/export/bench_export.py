"""Export speed at 100,000 codings: REFI-QDA, summaries, stats and co-occurrence.

    python tests/export/bench_export.py [--codings 100000]

Builds a synthetic project straight into SQLite (sample sentences recombined,
two coders, po and vo speakers), then times each export in-process and prints
a table. Not collected by pytest; speed goals are figures, never timed tests.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from project_builder import CODEBOOK, SAMPLE  # noqa: E402


def build(path: Path, codings: int) -> dict:
    from focuscode.codebook import parse_codebook
    from focuscode.codes import load_codebook_into
    from focuscode.db import now, open_project, transaction
    from focuscode.export.quotes import sentences

    rng = random.Random(6)
    pool = [s for f in sorted(SAMPLE.glob("focusgroep-*.txt"))
            for line in f.read_text(encoding="utf-8").splitlines() if ": " in line
            for s in sentences(line.split(": ", 1)[1]) if len(s.split()) > 4]
    db = open_project(path)
    load_codebook_into(db, parse_codebook(CODEBOOK))
    codes = [r[0] for r in db.execute("SELECT id FROM codes")]
    segments = codings // 2  # two coders, one code each on every segment
    per_transcript = 500
    stamp = now()
    with transaction(db):
        for t in range(segments // per_transcript):
            sector = "po" if t % 2 else "vo"
            tid = db.table("transcripts").insert({
                "name": f"focusgroep-{t:03d}.txt", "source": "focusgroep" if t % 3 else "dialoogtafel",
                "source_type": "txt", "file_hash": f"h{t}", "metadata": "{}", "imported_at": stamp}).last_pk
            people = [db.table("participants").insert({
                "transcript_id": tid, "label": f"OOP'er {k} ({sector})", "role": "OOP'er" if k < 5 else "leraar",
                "sector": sector, "school_type": "vmbo", "attributes": '{"functie": "onderwijsassistent"}'}).last_pk
                for k in range(1, 8)]
            rows = []
            for o in range(1, per_transcript + 1):
                text = " ".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))
                rows.append({"transcript_id": tid, "ordinal": o, "participant_id": rng.choice(people), "speaker": "x",
                             "text": text, "text_hash": str(o)})
            db.table("segments").insert_all(rows, batch_size=1000)
        seg_ids = [r[0] for r in db.execute("SELECT id FROM segments")]
        rows = []
        for sid in seg_ids:
            cid = rng.choice(codes)
            for coder in ("ans", "bram"):
                rows.append({"segment_id": sid, "code_id": cid if coder == "ans" or rng.random() < 0.8 else rng.choice(codes),
                             "coder": coder, "status": "accepted", "method": "manual",
                             "created_at": stamp, "updated_at": stamp})
        db.table("codings").insert_all(rows, batch_size=5000)
    n = {"segments": len(seg_ids), "codings": db.execute("SELECT count(*) FROM codings").fetchone()[0]}
    db.close()
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--codings", type=int, default=100_000)
    args = parser.parse_args()
    from focuscode.db import open_project

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        size = build(tmp / "bench.db", args.codings)
        print(f"built {size['segments']:,} segments, {size['codings']:,} codings in {time.perf_counter() - t0:.1f} s")
        db = open_project(tmp / "bench.db")
        from focuscode.analysis.cooccurrence import cooccurrence
        from focuscode.analysis.stats import code_stats
        from focuscode.export.render import write_summary
        from focuscode.export.summary import SummaryOptions
        from focuscode.refi.writer import write_project

        steps = [
            ("export refi (.qdpx)", lambda: write_project(db, tmp / "p.qdpx")),
            ("export summary md", lambda: write_summary(db, SummaryOptions(), tmp, "md")),
            ("export summary docx", lambda: write_summary(db, SummaryOptions(), tmp, "docx")),
            ("export summary xlsx", lambda: write_summary(db, SummaryOptions(), tmp, "xlsx")),
            ("stats (4 dimensions)", lambda: code_stats(db)),
            ("cooccurrence (segment)", lambda: cooccurrence(db)),
        ]
        # CPU seconds beside wall seconds: on a shared machine the wall clock mostly measures the neighbours.
        print(f"| step | wall s | CPU s | peak RSS MB |\n|---|---:|---:|---:|")
        for name, fn in steps:
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"| {name} | {time.perf_counter() - t0:.2f} | {time.process_time() - c0:.2f} | {rss:.0f} |")
        print(f"qdpx size: {(tmp / 'p.qdpx').stat().st_size / 1e6:.1f} MB")
        t0, c0 = time.perf_counter(), time.process_time()
        from focuscode.refi.importer import import_project

        back = open_project(tmp / "back.db")
        r = import_project(back, tmp / "p.qdpx")
        print(f"| import refi (.qdpx) into a fresh db | {time.perf_counter() - t0:.2f} | {time.process_time() - c0:.2f} | "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} |  ({r.codings:,} codings)")


if __name__ == "__main__":
    main()
