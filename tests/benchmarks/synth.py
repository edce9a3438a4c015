"""A synthetic study of any size, built from the sample corpus.

Turns are recombined from the sentences of the sample transcripts and survey
answers (so the text is real spoken Dutch about OOP'ers, with the same words,
compounds and placeholders), spread over many focus-group sessions in both
sectors plus a survey of open answers. Two coders code it: coder "anna" picks
codes whose keywords occur in the segment, coder "bram" agrees with her most of
the time, so agreement and co-occurrence have realistic, non-trivial numbers.

Two outputs:
- `write_corpus(folder, words)`: transcript files with participants files, for
  timing `focuscode import` on files as a researcher would have them;
- `build_study(db, segments, codings)`: a project database written directly
  with executemany (seconds instead of minutes), for timing the queries.

Run `python tests/benchmarks/synth.py --db study.db --segments 30000 --codings 60000`
to build one by hand.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "transcripts"
CODERS = ("anna", "bram")

# Used when the repository has no codebook/oop.yaml: the design card's four
# themes with subcodes, plus two further codes the study reports on.
FALLBACK_CODEBOOK = """\
- name: visie
  description: Visie van school of bestuur op de inzet van OOP'ers.
  keywords: [visie, schoolplan, beroepsbeeld, profiel]
  children:
    - name: landelijk beroepsbeeld
      keywords: [landelijk, beroepsbeeld, bekwaamheidseisen]
    - name: verschil oa-lo
      keywords: [lerarenondersteuner, verschil]
- name: ad-hoctaken
  description: Taken buiten het afgesproken takenpakket.
  keywords: [klusjes, kopiëren, manusje, schutting]
  children:
    - name: invallen
      keywords: [invallen, invaller, ziek, vervanging, overnemen]
    - name: hogere schaal zonder toelage
      keywords: [toelage, schaal]
    - name: grenzen stellen
      keywords: [nee zeggen, grenzen]
- name: doorgroei
  description: Ambities en loopbaanperspectief.
  keywords: [doorgroeien, ambitie, loopbaan]
  children:
    - name: leraar worden
      keywords: [pabo, zij-instroom, leerkracht worden]
    - name: scholing
      keywords: [scholing, cursus, opleiding, professionaliseringsbudget]
    - name: gesprekscyclus
      keywords: [ontwikkelgesprek, functioneringsgesprek]
- name: afstemming
  description: Afstemming met leraren, IB'ers en leidinggevenden.
  keywords: [afstemmen, afstemming, overleg, bespreken]
  children:
    - name: overleg buiten werktijd
      keywords: [vergadering, werktijd, woensdagmiddag]
    - name: rol leidinggevende
      keywords: [directeur, leidinggevende, schoolleider]
- name: toegevoegde waarde
  keywords: [toegevoegde waarde, aandacht, rust, groeien]
- name: tevredenheid
  keywords: [leuk, mooiste, tevreden, waardering]
"""

SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z\"'‘“(\[—-])")
SCHOOL_TYPES = {"po": ["basisschool", "kindcentrum", "sbo", "brede school"], "vo": ["vmbo", "havo/vwo", "praktijkonderwijs", "mavo"]}
OOP_ROLES = ["onderwijsassistent", "lerarenondersteuner", "klassenassistent", "instructeur", "toa"]
SURVEY_ROLES = [("OOP'er", 6), ("leraar", 2), ("docent", 2), ("schoolleider", 1), ("intern begeleider", 1)]


@dataclass
class Pool:
    """Sentences to build turns from, and the facilitator's questions."""

    sentences: list[str]
    questions: list[str]
    answers: list[str]
    mean_sentences: float


def load_pool(sample: Path = SAMPLE) -> Pool:
    sentences: list[str] = []
    questions: list[str] = []
    turns = 0
    for path in sorted(sample.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if ":" not in line[:40]:
                if line.strip():  # a continuation paragraph of the previous turn
                    sentences.extend(s.strip() for s in SENTENCE_END.split(line.strip()) if s.strip())
                continue
            label, text = line.split(":", 1)
            text = text.strip()
            if not text:
                continue
            if label.strip().lower().startswith("gespreksleider"):
                questions.append(text)
                continue
            parts = [s.strip() for s in SENTENCE_END.split(text) if s.strip()]
            sentences.extend(parts)
            turns += 1
    answers: list[str] = []
    survey = sample / "enquete-quickscan.csv"
    if survey.exists():
        with survey.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                answers.extend(v.strip() for k, v in row.items() if k and k.endswith("toelichting") and v and v.strip())
    if not sentences:
        raise SystemExit(f"no sample transcripts found in {sample}")
    answers = answers or sentences[:50]
    return Pool(sentences, questions or ["Kunnen jullie daar iets meer over vertellen?"], answers,
                max(1.5, len(sentences) / max(turns, 1)))


def make_turn(pool: Pool, rng: random.Random) -> str:
    n = max(1, min(6, int(rng.expovariate(1 / pool.mean_sentences)) + 1))
    return " ".join(rng.choice(pool.sentences) for _ in range(n))


def make_answer(pool: Pool, rng: random.Random) -> str:
    # Survey answers: mostly a real answer, sometimes with a transcript sentence added.
    text = rng.choice(pool.answers)
    if rng.random() < 0.3:
        text += " " + rng.choice(pool.sentences)
    return text


def _session_people(sector: str, n: int, rng: random.Random) -> list[dict]:
    people = [{"label": "Gespreksleider", "role": "gespreksleider", "sector": "", "school_type": "", "functie": ""}]
    for i in range(1, n + 1):
        people.append({
            "label": f"OOP'er {i} ({sector})", "role": "OOP'er", "sector": sector,
            "school_type": rng.choice(SCHOOL_TYPES[sector]), "functie": rng.choice(OOP_ROLES),
        })
    return people


def write_corpus(folder: Path, words: int, *, seed: int = 7, turns_per_session: int = 160) -> tuple[list[Path], int]:
    """Transcript files (with participants files beside them) holding about `words` words."""
    rng = random.Random(seed)
    pool = load_pool()
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    total = 0
    session = 0
    while total < words:
        session += 1
        sector = "po" if session % 2 else "vo"
        people = _session_people(sector, rng.randint(4, 6), rng)
        lines = []
        for t in range(turns_per_session):
            if total >= words:
                break
            if t % 12 == 0:
                text = rng.choice(pool.questions)
                lines.append(f"Gespreksleider: {text}")
            else:
                text = make_turn(pool, rng)
                lines.append(f"{rng.choice(people[1:])['label']}: {text}")
            total += len(text.split())
        path = folder / f"focusgroep-synth-{session:04d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with path.with_name(path.stem + ".participants.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["label", "role", "sector", "school_type", "functie"])
            writer.writeheader()
            writer.writerows(people)
        paths.append(path)
    return paths, total


def codebook_path(folder: Path) -> Path:
    """The repository's codebook/oop.yaml, or the fallback codebook written into `folder`."""
    path = REPO / "codebook" / "oop.yaml"
    if path.exists():
        return path
    path = Path(folder) / "synth-codebook.yaml"
    path.write_text(FALLBACK_CODEBOOK, encoding="utf-8")
    return path


def _codebook(db):
    from focuscode.codebook import load_codebook
    from focuscode.codes import load_codebook_into

    load_codebook_into(db, load_codebook(codebook_path(Path(db.path).parent)))
    codes = []
    for cid, name, keywords, parent in db.execute("SELECT id, name, keywords, parent_id FROM codes WHERE active = 1"):
        import json

        codes.append((cid, name, [k["term"].lower() for k in json.loads(keywords)], parent))
    return codes


def build_study(db_path: Path, *, segments: int = 30000, codings: int = 60000, survey_share: float = 0.4,
                seed: int = 11, notify=None) -> dict:
    """A project database with `segments` segments and `codings` coder decisions (two coders)."""
    from focuscode.db import now, open_project, transaction

    rng = random.Random(seed)
    pool = load_pool()
    db_path = Path(db_path)
    for suffix in ("", "-wal", "-shm"):
        p = db_path.with_name(db_path.name + suffix)
        if p.exists():
            p.unlink()
    db = open_project(db_path, create=True)
    codes = _codebook(db)
    stamp = now()
    n_survey = int(segments * survey_share)
    n_group = segments - n_survey
    transcripts, participants, rows = [], [], []
    tid = pid = sid = 0
    session_size = 160
    done = 0
    while done < n_group:
        tid += 1
        sector = "po" if tid % 2 else "vo"
        transcripts.append((tid, f"focusgroep-synth-{tid:04d}.txt", "focusgroep", "text", f"synth-{tid}", "utf-8", "{}", stamp))
        ids = []
        for person in _session_people(sector, rng.randint(4, 6), rng):
            pid += 1
            ids.append(pid)
            participants.append((pid, tid, person["label"], person["role"], person["sector"] or None,
                                 person["school_type"] or None, int(person["role"] == "gespreksleider"),
                                 '{"functie": "%s"}' % person["functie"] if person["functie"] else "{}"))
        for ordinal in range(1, min(session_size, n_group - done) + 1):
            sid += 1
            if ordinal % 12 == 1:
                who, text = ids[0], rng.choice(pool.questions)
            else:
                who, text = rng.choice(ids[1:]), make_turn(pool, rng)
            rows.append((sid, tid, ordinal, who, participants[who - 1][2], text, f"h{sid}", ordinal, None))
            done += 1
    if n_survey:
        tid += 1
        transcripts.append((tid, "enquete-synth.csv", "enquete", "survey", "synth-survey", "utf-8", "{}", stamp))
        roles = [r for r, w in SURVEY_ROLES for _ in range(w)]
        for i in range(1, n_survey + 1):
            pid += 1
            sector = rng.choice(("po", "vo"))
            participants.append((pid, tid, f"R{i}", rng.choice(roles), sector, rng.choice(SCHOOL_TYPES[sector]), 0, "{}"))
            sid += 1
            rows.append((sid, tid, i, pid, f"R{i}", make_answer(pool, rng), f"h{sid}", i + 1,
                         rng.choice(("vraag_inzet_toelichting", "vraag_loopbaan_toelichting"))))
    coded = _two_coders(rows, participants, codes, codings, rng, stamp)
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO transcripts (id, name, source, source_type, file_hash, encoding, metadata, imported_at) VALUES (?,?,?,?,?,?,?,?)",
            transcripts)
        db.conn.executemany(
            "INSERT INTO participants (id, transcript_id, label, role, sector, school_type, is_facilitator, attributes) VALUES (?,?,?,?,?,?,?,?)",
            participants)
        db.conn.executemany(
            "INSERT INTO segments (id, transcript_id, ordinal, participant_id, speaker, text, text_hash, line, question) VALUES (?,?,?,?,?,?,?,?,?)",
            rows)
        db.conn.executemany(
            "INSERT INTO codings (segment_id, code_id, coder, status, method, created_at, updated_at) VALUES (?,?,?,'accepted','manual',?,?)",
            coded)
        db.conn.executemany(
            "INSERT INTO coding_events (coder, segment_id, code_id, action, old_status, new_status, at) VALUES (?,?,?,'accepted',NULL,'accepted',?)",
            [(c[2], c[0], c[1], stamp) for c in coded])
        seen = [(r[0], coder, stamp) for r in rows if not participants[r[3] - 1][6] for coder in CODERS]
        db.conn.executemany("INSERT INTO seen (segment_id, coder, at) VALUES (?,?,?)", seen)
    db.execute("ANALYZE")
    db.close()
    words = sum(len(r[5].split()) for r in rows)
    return {"transcripts": len(transcripts), "participants": len(participants), "segments": len(rows),
            "codings": len(coded), "words": words}


def _two_coders(rows, participants, codes, target: int, rng: random.Random, stamp: str) -> list[tuple]:
    """Coder decisions: anna follows the keywords, bram agrees with her most of the time."""
    leaves = [c for c in codes if c[3] is not None] or codes
    coded: dict[tuple[int, str], set[int]] = {}
    total = 0
    speaking = [r for r in rows if not participants[r[3] - 1][6]]
    order = speaking[:]
    rng.shuffle(order)

    def candidates(text: str) -> list[int]:
        low = text.lower()
        hits = [c[0] for c in leaves if any(k in low for k in c[2])]
        return hits or [rng.choice(leaves)[0]]

    passes = 0
    while total < target and passes < 10:
        passes += 1
        for r in order:
            if total >= target:
                break
            options = candidates(r[5])
            anna = coded.setdefault((r[0], "anna"), set())
            bram = coded.setdefault((r[0], "bram"), set())
            pick = rng.choice(options)
            if pick not in anna:
                anna.add(pick)
                total += 1
            if total >= target:
                break
            other = pick if rng.random() < 0.78 else rng.choice(leaves)[0]
            if other not in bram:
                bram.add(other)
                total += 1
    return [(sid, cid, coder, stamp, stamp) for (sid, coder), cids in coded.items() for cid in sorted(cids)]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="Build a project database here.")
    parser.add_argument("--segments", type=int, default=30000)
    parser.add_argument("--codings", type=int, default=60000)
    parser.add_argument("--corpus", type=Path, help="Write transcript files here instead.")
    parser.add_argument("--words", type=int, default=100000)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.corpus:
        paths, words = write_corpus(args.corpus, args.words)
        print(f"{len(paths)} transcripts, {words} words in {args.corpus} ({time.perf_counter() - start:.1f} s)")
    elif args.db:
        facts = build_study(args.db, segments=args.segments, codings=args.codings)
        print(f"{args.db}: {facts} ({time.perf_counter() - start:.1f} s)")
    else:
        parser.error("give --db or --corpus")
        sys.exit(2)


if __name__ == "__main__":
    main()
