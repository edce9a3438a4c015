"""Does `suggest` still store exactly the same suggestions? A guard for speed work.

    python tests/benchmarks/same_outputs.py --save before.json     # on the old code
    python tests/benchmarks/same_outputs.py --check before.json    # after each change

Builds three projects the way they are used and runs `suggest` on each, several times
so that every path runs: without a coder, again once rule suggestions and decisions
exist (the rules' records shift the scores), and with a coder (similarity to accepted
segments, the learned model):

- the sample corpus with its reference coding (`validation/common.sample_project`),
  then `suggest` as the reference coder;
- the development set (`validation/common.dev_project`);
- a synthetic study (`synth.build_study`: focus groups and a survey, two coders),
  `--segments` of them, suggested three times (plain, again, as coder anna).

After each run it records every stored suggestion (segment, code, method, score rounded
to 6 places, the evidence exactly as stored, span, model), which decisions are still
linked to the suggestion they were made on, and what `run_suggest` returned. `--check` compares with a saved dump and names the first differences.
Outputs may change only on purpose (scoring, codebook); speed work must leave them as
they were. Not part of the test run (pytest collects nothing here).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "validation"))


def stored(db) -> list[list]:
    rows = db.execute(
        """SELECT c.segment_id, k.name, c.method, c.score, c.evidence, c.span_start, c.span_end,
                  c.model_id IS NOT NULL
             FROM codings c JOIN codes k ON k.id = c.code_id
            WHERE c.coder IS NULL
            ORDER BY c.segment_id, k.name, c.method"""
    ).fetchall()
    return [[sid, code, method, None if score is None else round(score, 6), evidence, start, end, bool(model)]
            for sid, code, method, score, evidence, start, end, model in rows]


def links(db) -> list:
    """Decisions still linked to the suggestion they were made on (a rerun unlinks them)."""
    return [list(r) for r in db.execute(
        """SELECT d.segment_id, d.code_id, d.coder, s.method FROM codings d JOIN codings s ON s.id = d.suggestion_id
            WHERE d.coder IS NOT NULL ORDER BY 1, 2, 3""")]


def result_facts(result) -> dict:
    facts = dataclasses.asdict(result)
    if facts.get("model"):
        facts["model"] = {k: v for k, v in facts["model"].items() if k != "id"}
    return facts


def _runs(db, name: str, coders: list[str | None]) -> dict:
    from focuscode.suggest import run_suggest

    out = {}
    for i, coder in enumerate(coders):
        start = time.perf_counter()
        result = run_suggest(db, coder=coder)
        rows = stored(db)
        key = f"{name} #{i + 1}" + (f" as {coder}" if coder else "")
        out[key] = {"result": result_facts(result), "rows": rows, "links": links(db)}
        print(f"  {key}: {len(rows)} suggestions, suggest {time.perf_counter() - start:.2f} s", file=sys.stderr)
    return out


def dump(work: Path, segments: int) -> dict:
    import common
    import synth

    from focuscode.db import open_project
    from focuscode.demo import REFERENCE_CODER

    out = {}
    db = common.sample_project(work / "sample.db")  # already suggested once, then the reference coding loaded
    out["sample #0"] = {"rows": stored(db)}
    out.update(_runs(db, "sample", [None, REFERENCE_CODER]))
    db.close()
    db, _ = common.dev_project(work / "dev.db")
    out["dev #0"] = {"rows": stored(db)}
    db.close()
    synth.build_study(work / "synth.db", segments=segments, codings=2 * segments)
    db = open_project(work / "synth.db")
    out.update(_runs(db, "synth", [None, None, "anna"]))
    db.close()
    return out


def digest(part: dict) -> str:
    return hashlib.sha256(json.dumps(part, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def compare(before: dict, after: dict) -> list[str]:
    problems = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a is None or b is None:
            problems.append(f"{key}: only in {'the new run' if a is None else 'the saved dump'}")
            continue
        if a.get("links") != b.get("links"):
            problems.append(f"{key}: decisions linked to suggestions differ: {len(a.get('links') or [])} -> "
                            f"{len(b.get('links') or [])}")
        if a.get("result") != b.get("result"):
            diff = {k: (a["result"].get(k), b["result"].get(k)) for k in set(a["result"]) | set(b["result"])
                    if a["result"].get(k) != b["result"].get(k)}
            problems.append(f"{key}: run_suggest result differs: {json.dumps(diff, ensure_ascii=False)[:600]}")
        if a["rows"] != b["rows"]:
            old = {tuple(r[:3]): r for r in a["rows"]}
            new = {tuple(r[:3]): r for r in b["rows"]}
            lost, gained = sorted(set(old) - set(new)), sorted(set(new) - set(old))
            changed = [k for k in sorted(set(old) & set(new)) if old[k] != new[k]]
            problems.append(f"{key}: {len(a['rows'])} -> {len(b['rows'])} suggestions; {len(lost)} gone, "
                            f"{len(gained)} new, {len(changed)} changed")
            for k in changed[:3]:
                problems.append(f"    was {json.dumps(old[k], ensure_ascii=False)[:700]}")
                problems.append(f"    now {json.dumps(new[k], ensure_ascii=False)[:700]}")
            for k in lost[:2]:
                problems.append(f"    gone {json.dumps(old[k], ensure_ascii=False)[:300]}")
            for k in gained[:2]:
                problems.append(f"    new  {json.dumps(new[k], ensure_ascii=False)[:300]}")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--save", type=Path, help="Write the dump here.")
    what.add_argument("--check", type=Path, help="Compare with this saved dump.")
    parser.add_argument("--segments", type=int, default=6000, help="Segments of the synthetic study.")
    parser.add_argument("--keep", type=Path, help="Build the projects in this folder and keep them.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="focuscode-same-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        now = dump(work, args.segments)
    for key, part in now.items():
        print(f"{key}: {len(part['rows'])} suggestions, digest {digest(part)}")
    if args.save:
        args.save.write_text(json.dumps(now, ensure_ascii=False), encoding="utf-8")
        print(f"saved to {args.save}")
        return 0
    before = json.loads(args.check.read_text(encoding="utf-8"))
    problems = compare(before, now)
    if problems:
        print("\n".join(["DIFFERENT:", *problems]))
        return 1
    print(f"identical to {args.check}: {sum(len(p['rows']) for p in now.values())} suggestions in {len(now)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
